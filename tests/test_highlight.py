"""Finding glossary terms in text: the matcher, and `glossary highlight`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.matcher import Span, TermMatcher

# --------------------------------------------------------------------------- the matcher


def leftmost_longest(text: str, forms: dict[str, str]) -> list[tuple[int, int, str]]:
    """The reference: scan left to right, take the longest form starting here, jump past it."""
    out, i = [], 0
    longest = max(map(len, forms), default=0)
    while i < len(text):
        for length in range(min(longest, len(text) - i), 0, -1):
            piece = text[i:i + length]
            if piece in forms:
                out.append((i, i + length, forms[piece]))
                i += length
                break
        else:
            i += 1
    return out


def every_occurrence(text: str, forms: dict[str, str]) -> list[tuple[int, int, str]]:
    found = [(i, i + len(f), forms[f]) for f in forms for i in range(len(text))
             if text.startswith(f, i)]
    return sorted(found, key=lambda m: (m[0], -m[1]))


def triples(spans: list[Span]) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.entry_id) for s in spans]


@pytest.fixture(scope="module")
def matcher(glossary):
    return TermMatcher.from_glossary(glossary)


@pytest.mark.parametrize(("text", "expected"), [
    ("建设数字乡村", [("数字乡村", "digital-village")]),
    ("推进公铁、水水、铁水智慧联运。", [("公铁、水水、铁水智慧联运", "smart-intermodal-transport")]),
    ("建设智慧农（牧、渔）场", [("智慧农（牧、渔）场", "smart-farm")]),
    ("发展虛擬電廠和低空經濟", [("虛擬電廠", "virtual-power-plant"), ("低空經濟", "low-altitude-economy")]),
    ("元宇宙、数字孪生与远程医疗", [("元宇宙", "metaverse"), ("数字孪生", "digital-twin"),
                             ("远程医疗", "telemedicine")]),
])
def test_real_terms_are_found_whole_with_their_entry(matcher, text, expected):
    spans = matcher.find_spans(text)
    assert [(s.text, s.entry_id) for s in spans] == expected
    for span in spans:
        assert text[span.start:span.end] == span.text


def test_longest_term_wins_and_nested_ones_come_with_overlapping(glossary):
    forms = {"数字乡村": "digital-village", "乡村": "village", "数字": "digital"}
    matcher = TermMatcher(forms)
    assert triples(matcher.find_spans("建设数字乡村")) == [(2, 6, "digital-village")]
    assert triples(matcher.find_spans("建设数字乡村", overlapping=True)) == [
        (2, 6, "digital-village"), (2, 4, "digital"), (4, 6, "village")]


def test_a_shorter_term_inside_a_failed_longer_one_is_found():
    # pyahocorasick's iter_long finds nothing here; we must find 知识产权.
    matcher = TermMatcher({"知识产权": "ip", "国家知识产权局": "cnipa"})
    assert triples(matcher.find_spans("国家知识产权")) == [(2, 6, "ip")]


def test_main_form_beats_another_entry_variant(glossary):
    from glossary.model import Entry, Provenance, Status, Variant

    def entry(id_, zh, variants=()):
        return Entry(id=id_, zh=zh, pinyin="x", fr="x", domain="general", category="general",
                     source="x", provenance=Provenance.EDITOR,
                     zh_variants=tuple(Variant(v, Status.ADMITTED) for v in variants))

    matcher = TermMatcher.from_entries([entry("a", "智慧农场"), entry("b", "智慧牧场", ["智慧农场"])])
    assert triples(matcher.find_spans("智慧农场")) == [(0, 4, "a")]


def test_offsets_are_characters_not_bytes(matcher):
    spans = matcher.find_spans("😀 é 低空经济")
    assert triples(spans) == [(4, 8, "low-altitude-economy")]


def test_empty_glossary_and_empty_text_find_nothing(matcher):
    assert TermMatcher({}).find_spans("低空经济") == []
    assert matcher.find_spans("") == []


FORMS = {"ab": "1", "abcab": "2", "bc": "3", "c": "4", "bca": "5", "abcabd": "6", "d": "7"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdx", max_size=40))
def test_matcher_agrees_with_the_reference_scan(text):
    matcher = TermMatcher(FORMS)
    assert triples(matcher.find_spans(text)) == leftmost_longest(text, FORMS)
    assert triples(matcher.find_spans(text, overlapping=True)) == every_occurrence(text, FORMS)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdx", max_size=60), st.lists(st.integers(0, 60), max_size=6),
       st.booleans())
def test_a_term_across_a_chunk_boundary_is_found_once(text, cuts, overlapping):
    matcher = TermMatcher(FORMS)
    bounds = sorted({0, len(text), *(c for c in cuts if c <= len(text))})
    chunks = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    assert list(matcher.iter_spans(chunks, overlapping)) == matcher.find_spans(text, overlapping)
    pieces = [piece for _, piece, _ in matcher.iter_chunk_matches(chunks, overlapping)]
    assert "".join(pieces) == text


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13])
def test_real_terms_across_chunk_boundaries(matcher, size):
    text = "推进公铁、水水、铁水智慧联运和智慧农（牧、渔）场，建设数字乡村。" * 3
    chunks = [text[i:i + size] for i in range(0, len(text), size)]
    assert list(matcher.iter_spans(chunks)) == matcher.find_spans(text)
    assert len(matcher.find_spans(text)) == 9


# --------------------------------------------------------------------------- the command

import functools  # noqa: E402
import json  # noqa: E402

from glossary import textio  # noqa: E402

ARTICLE = ("推进公铁、水水、铁水智慧联运和智慧农（牧、渔）场。\n"
           "发展工业互联网，建设数字乡村。\n"
           "香港推動虛擬電廠發展。\n")


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def jsonl(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_jsonl_spans_carry_offsets_and_the_entry(run, article):
    result = run("highlight", str(article), "-f", "jsonl")
    assert result.exit_code == 0
    spans = jsonl(result.stdout)
    assert [(s["text"], s["id"]) for s in spans] == [
        ("公铁、水水、铁水智慧联运", "smart-intermodal-transport"), ("智慧农（牧、渔）场", "smart-farm"),
        ("工业互联网", "industrial-internet"), ("数字乡村", "digital-village"),
        ("虛擬電廠", "virtual-power-plant")]
    for span in spans:
        assert ARTICLE[span["start"]:span["end"]] == span["text"]
        assert list(span) == ["start", "end", "text", "id", "zh", "pinyin", "fr", "en", "domain"]
    assert spans[-1]["zh"] == "虚拟电厂" and spans[-1]["fr"] == "centrale virtuelle"


def test_json_array_holds_the_same_spans_as_jsonl(run, article):
    as_json = json.loads(run("highlight", str(article), "-f", "json").stdout)
    assert as_json == jsonl(run("highlight", str(article), "-f", "jsonl").stdout)


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_delimited_spans_have_a_header(run, article, fmt):
    lines = run("highlight", str(article), "-f", fmt).stdout.splitlines()
    assert lines[0].replace(",", "\t").split("\t")[:4] == ["start", "end", "text", "id"]
    assert len(lines) == 6


def test_offsets_are_characters_of_the_decoded_input_whatever_its_encoding(run, tmp_path):
    path = tmp_path / "gb.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "😀 AI+低空经济".encode("utf-8"))
    assert [(s["start"], s["end"]) for s in jsonl(run("highlight", str(path), "-f", "jsonl").stdout)] \
        == [(5, 9)]
    path.write_bytes("第一行\r\n发展低空经济".encode("gb18030"))
    assert [(s["start"], s["end"]) for s in jsonl(run("highlight", str(path), "-f", "jsonl").stdout)] \
        == [(7, 11)]


def test_all_adds_the_nested_terms(run):
    text = "发展工业互联网。\n"
    default = jsonl(run("highlight", "-", "-f", "jsonl", input=text.encode()).stdout)
    nested = jsonl(run("highlight", "-", "-f", "jsonl", "--all", input=text.encode()).stdout)
    assert [s["text"] for s in default] == ["工业互联网"]
    assert [s["text"] for s in nested] == ["工业互联网", "互联网"]


def test_all_is_refused_for_marked_text(run, article):
    result = run("highlight", str(article), "--all")
    assert result.exit_code == 2
    assert "--all needs --format" in result.stderr


def test_no_term_found_exits_1(run):
    result = run("highlight", "-", "-f", "jsonl", input="今天天气很好。".encode())
    assert result.exit_code == 1 and result.stdout == ""


def test_empty_input_exits_1_with_no_output(run):
    result = run("highlight", "-", input=b"")
    assert result.exit_code == 1 and result.stdout == ""


@pytest.mark.parametrize(("gloss", "expected"), [
    ("fr", "{数字乡村|village numérique}"),
    ("en", "{数字乡村|digital village}"),
    ("pinyin", "{数字乡村|shùzì xiāngcūn}"),
    ("none", "{数字乡村}"),
])
def test_plain_text_marks_terms_with_the_chosen_gloss(run, gloss, expected):
    result = run("highlight", "-", "--gloss", gloss, input="建设数字乡村。\n".encode())
    assert result.exit_code == 0
    assert result.stdout == f"建设{expected}。\n"


def test_unknown_gloss_is_a_usage_error(run, article):
    result = run("highlight", str(article), "--gloss", "de")
    assert result.exit_code == 2 and "--gloss" in result.stderr


def test_user_markup_and_escapes_stay_text_without_colour(run):
    text = "[bold]低空经济[/] \x1b[31m红色 <script>\n"
    result = run("highlight", "-", input=text.encode())
    assert result.stdout == "[bold]{低空经济|économie des basses altitudes}[/] ␛[31m红色 <script>\n"


def test_user_markup_and_escapes_stay_text_in_colour(run, monkeypatch):
    from glossary.cli import text as text_cli

    monkeypatch.setattr(text_cli, "_use_colour", lambda: True)
    result = run("highlight", "-", input="[bold]低空经济[/] \x1b[31m红色\n".encode(),
                 env={"FORCE_COLOR": "1", "COLUMNS": "100"})
    assert "[bold]" in result.stdout and "[/]" in result.stdout
    assert "\x1b[31m红色" not in result.stdout and "␛[31m红色" in result.stdout
    assert "\x1b[" in result.stdout  # the term itself is coloured


def test_markdown_bolds_terms_and_escapes_the_rest(run):
    text = "建设数字乡村 <script> *星号* [链接](x)\n- 列表\n"
    result = run("highlight", "-", "-f", "md", input=text.encode())
    assert result.stdout == ("建设**数字乡村** (village numérique) \\<script\\> \\*星号\\* "
                             "\\[链接\\](x)  \n\\- 列表  \n")


def test_summary_counts_terms_in_order_of_first_occurrence(run):
    text = "数字乡村，低空经济，数字乡村。\n"
    result = run("highlight", "-", "--summary-only", "-f", "jsonl", input=text.encode())
    assert [(r["zh"], r["count"]) for r in jsonl(result.stdout)] == [("数字乡村", 2), ("低空经济", 1)]
    table = run("highlight", "-", "--summary-only", input=text.encode()).stdout.splitlines()
    assert table[0].split("\t") == ["zh", "count", "pinyin", "fr", "en", "domain"]
    assert table[1].split("\t")[:2] == ["数字乡村", "2"]


def test_summary_follows_the_marked_text(run):
    result = run("highlight", "-", "--summary", input="建设数字乡村。\n".encode())
    lines = result.stdout.splitlines()
    assert lines[0] == "建设{数字乡村|village numérique}。"
    assert lines[-1].startswith("数字乡村\t1\tshùzì xiāngcūn")


def test_user_terms_are_highlighted(run, tmp_path):
    terms = tmp_path / "terms"
    terms.mkdir()
    (terms / "mine.yaml").write_text(
        "entries:\n  - id: my-term\n    zh: 量子计算\n    zh_hant: 量子計算\n    pinyin: liàngzǐ jìsuàn\n"
        "    fr: calcul quantique\n    domain: general\n    category: general\n"
        "    source: mine\n    provenance: editor\n", encoding="utf-8")
    result = run("highlight", "-", "-t", str(terms), "-f", "jsonl",
                 input="发展量子計算和低空经济".encode())
    assert [(s["text"], s["id"]) for s in jsonl(result.stdout)] == [
        ("量子計算", "my-term"), ("低空经济", "low-altitude-economy")]


def test_term_across_a_read_boundary_is_found_once(run, tmp_path, monkeypatch):
    monkeypatch.setattr(textio, "iter_text_chunks",
                        functools.partial(textio.iter_text_chunks, chunk_bytes=5))
    text = "推进公铁、水水、铁水智慧联运和智慧农（牧、渔）场。" * 20
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    for fmt in ("jsonl", "text", "md"):
        result = run("highlight", str(path), "-f", fmt, "--summary")
        assert result.exit_code == 0
    spans = jsonl(run("highlight", str(path), "-f", "jsonl").stdout)
    assert len(spans) == 40
    assert all(text[s["start"]:s["end"]] == s["text"] for s in spans)
    plain = run("highlight", str(path), "--gloss", "none").stdout
    assert plain.count("{公铁、水水、铁水智慧联运}") == 20


@pytest.mark.parametrize("content", [b"\x00\x01\x02\x03binary", bytes(range(1, 256)) * 3])
def test_binary_input_is_one_error_line(run, tmp_path, content):
    path = tmp_path / "x.bin"
    path.write_bytes(content)
    result = run("highlight", str(path), "-f", "jsonl")
    assert result.exit_code == 2
    assert result.stderr.startswith("glossary: ") and result.stderr.count("\n") == 1


def test_missing_file_is_an_error(run, tmp_path):
    result = run("highlight", str(tmp_path / "absent.txt"))
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_html_page_escapes_everything_it_did_not_make(run):
    text = "<script>alert(1)</script> & \"q\" 低空经济 <img src=x onerror=alert(2)>\n"
    result = run("highlight", "-", "-f", "html", input=text.encode())
    page = result.stdout
    assert result.exit_code == 0
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page
    assert "http://" not in page and "https://" not in page  # standalone: nothing to fetch
    assert "default-src 'none'" in page


def test_html_index_counts_and_links_each_occurrence(run):
    result = run("highlight", "-", "-f", "html", input="数字乡村，数字乡村，数字乡村。".encode())
    page = result.stdout
    for n in (1, 2, 3):
        assert f'id="t-digital-village-{n}"' in page and f'href="#t-digital-village-{n}"' in page
    assert '<td class="count">3</td>' in page


def test_ruby_is_for_html_only(run, article):
    assert run("highlight", str(article), "--ruby").exit_code == 2


def test_span_writer_gives_json_dumps_records_to_a_text_stream(glossary):
    import io

    from glossary.highlight import SpanWriter, span_record
    from glossary.matcher import TermTable

    matcher, table = TermMatcher.from_glossary(glossary), TermTable.from_glossary(glossary)
    text = "推进公铁、水水、铁水智慧联运，建设数字乡村。" * 3
    chunks = [text[i:i + 4] for i in range(0, len(text), 4)]
    lines, array = io.StringIO(), io.StringIO()
    SpanWriter(matcher, table).jsonl(matcher.iter_chunk_found(chunks), lines)
    SpanWriter(matcher, table).json(matcher.iter_chunk_found(chunks), array)
    expected = [span_record(s.start, s.end, s.text, table.get(s.entry_id))
                for s in matcher.find_spans(text)]
    assert lines.getvalue() == "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in expected)
    assert json.loads(array.getvalue()) == expected


@pytest.mark.parametrize("fmt", ["html", "json", "md"])
def test_bad_input_fails_before_any_output(run, tmp_path, fmt):
    path = tmp_path / "x.bin"
    path.write_bytes(b"\x00\x01binary")
    result = run("highlight", str(path), "-f", fmt)
    assert result.exit_code == 2 and result.stdout == ""
