"""Hostile text through every writer of markup: YAML stubs, Markdown, HTML.

One table of hostile strings (every C0 control, DEL, C1 controls, bidirectional
overrides, CommonMark and HTML syntax, what YAML reads as a line break or an
indicator) goes, many lines at a time, through one invocation of each writer:
``extract --yaml``, ``check --inline --yaml``, ``highlight -f md``, ``highlight -f
html`` and ``export -f html``. Term data comes from a user term file holding the same
strings in zh, zh_hant, pinyin, fr, en and note. The output is read back by a real
parser (PyYAML, markdown-it-py, lxml): it must hold exactly the data given, as
text, and nothing that the input or the term file made markup.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from glossary.render import visible

C0 = [chr(code) for code in range(0x20)]  # NUL … US, tab, LF and CR included
DEL_AND_C1 = ["\x7f", "\x80", "\x85", "\x8d", "\x9b", "\x9f"]
BIDI = [chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
LINE_BREAKS = ["\r\n", "\n\n", "\u2028", "\u2029", "\x85\x85"]
COMMONMARK = [
    "# heading", "## heading ##", "- item", "* item", "+ item", "1. item", "2) item", "> quote",
    "    indented code", "\tcode", "  \t  code", "```python", "~~~", "---", "***", "___",
    "===", "[ref]: http://example.invalid", "[link](http://example.invalid)",
    "![image](x.png)", "<http://example.invalid>", "*em* _em_ **strong** __strong__",
    "`code`", "``code``", "&amp; &#x41; &copy", "| a | b |", "|---|---|", "\\", "end\\",
    "two spaces  ", "~~strike~~", "<!-- comment -->",
]
HTML = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "<b>bold</b>",
    "\"><svg onload=alert(3)>", "'><iframe src=x>", "</mark></main><h1>x</h1>",
    "<![CDATA[x]]>", "<?php x ?>", "&lt;b&gt;", "<style>*{}</style>",
]
YAML_SYNTAX = [
    "\r  - {id: pwned, zh: 注入}\r#", "\u2028  - {id: pwned, zh: 注入}\u2028#",
    "\u2029  - {id: pwned, zh: 注入}\u2029#", "\x85  - {id: pwned, zh: 注入}\x85#",
    "\n  - {id: pwned, zh: 注入}\n#", "\npwned: true\n", "key: value", " # comment",
    "&anchor", "*alias", "!!python/object/apply:os.system ['true']", "%YAML 1.1", "--- ",
    "... ", "'single' \"double\"", "@at `tick`", "? complex", "{a: b}", "[a, b]", "|", ">",
]
HOSTILE = C0 + DEL_AND_C1 + BIDI + LINE_BREAKS + COMMONMARK + HTML + YAML_SYNTAX
IN_TEXT = [h for h in HOSTILE if "\x00" not in h]  # a text with a NUL is refused as binary

# A file name may hold anything but NUL and slash.
HOSTILE_NAME = "in\n  - {id: pwned}\r#\u2028\u2029\x85\x1b[31m\x07: &a *a <b> `x` # h.txt"

# C0 and C1 controls but tab, LF and CR, DEL: never raw (in YAML, the emitter escapes
# them in the data). The bidirectional controls: never raw in Markdown, HTML and in
# YAML comments (in YAML data they are the data, inside double quotes).
RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
RAW_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Han characters that make distinct terms, one per hostile string.
HAN = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def han_tag(i: int) -> str:
    return HAN[i // len(HAN)] + HAN[i % len(HAN)]


def assert_no_anchors(text: str) -> None:
    for event in yaml.parse(text):
        assert not isinstance(event, yaml.AliasEvent)
        assert getattr(event, "anchor", None) is None


def assert_no_raw_controls(text: str, bidi: bool = True) -> None:
    found = RAW_CONTROL.findall(text) + (RAW_BIDI.findall(text) if bidi else [])
    assert not found, sorted({f"U+{ord(c):04X}" for c in found})


# --------------------------------------------------------------------------- term data

# Each entry: a plain Han term, hostile text in every other field.
ENTRY_ZH = [f"海洋测试{han_tag(i)}" for i in range(len(HOSTILE))]
# A few entries whose Chinese itself is hostile (found in the text as it is).
HOSTILE_ZH = [f"湖{h}泊{han_tag(i)}" for i, h in enumerate(
    ["\x1b[31m", "\x07", "\u202e", "<b>", "*", "# h", "`", "&amp;", "\r", "\u2028"])]


def hostile_entries() -> list[dict]:
    entries = []
    for i, (zh, h) in enumerate(zip(ENTRY_ZH, HOSTILE)):
        entries.append({
            "id": f"hostile-{i}", "zh": zh, "zh_hant": f"{zh}{h}", "pinyin": f"hǎi{h}yáng",
            "fr": f"mer{h}océan", "en": f"sea{h}ocean", "note": f"note{h}end",
            "fr_variants": [{"text": f"var{h}iante", "status": "admitted"}],
            "domain": "general", "category": "general", "source": "hostile", "provenance": "user"})
    for i, zh in enumerate(HOSTILE_ZH):
        entries.append({"id": f"hostile-zh-{i}", "zh": zh, "pinyin": "hú", "fr": f"lac{zh}",
                        "domain": "general", "category": "general", "source": "hostile",
                        "provenance": "user"})
    return entries


@pytest.fixture(scope="module")
def term_file(tmp_path_factory) -> Path:
    # JSON is YAML, its strings double-quoted with every character escaped: PyYAML's own
    # dump would fold NEL, U+2028 and U+2029 away.
    document = {"entries": hostile_entries()}
    path = tmp_path_factory.mktemp("hostile-terms") / "hostile.yaml"
    path.write_text(json.dumps(document, ensure_ascii=True, indent=1), encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == document
    return path


def highlight_text() -> str:
    """Every hostile string at the start of a line, around a term, and alone."""
    lines = [f"{h}{zh}{h}尾\n{h}\n" for h, zh in zip(IN_TEXT, ENTRY_ZH)]
    lines += [f"{zh}。\n" for zh in HOSTILE_ZH]
    return "".join(lines)


def glosses() -> dict[str, str]:
    """Each term of the term file → its French gloss."""
    return {e["zh"]: e["fr"] for e in hostile_entries()}


def terms_in(text: str) -> list[str]:
    """The terms of the term file in ``text``, in order (none is inside another)."""
    return re.findall("|".join(map(re.escape, glosses())), text)


def expected_text(text: str, mark) -> str:
    """``text`` as it should read: controls made visible, each term written ``mark(zh,
    gloss)``."""
    gloss = glosses()
    pattern = re.compile("|".join(map(re.escape, gloss)))
    out, at = [], 0
    for match in pattern.finditer(text):
        out += [visible(text[at:match.start()]), mark(match.group(), gloss[match.group()])]
        at = match.end()
    return "".join(out) + visible(text[at:])


def no_space(text: str) -> str:
    return re.sub(r"\s", "", text)


# --------------------------------------------------------------------------- YAML stubs

STUB_KEYS = {"id", "zh", "zh_hant", "pinyin", "fr", "en", "domain", "category", "source",
             "provenance", "pinyin_deliberate", "fr_provenance", "en_provenance", "note"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PREFIXES = "智慧 数字 绿色 无人 低碳 虚拟 工业 高端 新型 沉浸式".split()
NOUNS = "码头 牧场 书店 剧院 茶园 渔港 车间 校园 菜场 驿站 仓库 泳池".split()


def test_extract_yaml_loads_as_exactly_the_candidates(run, tmp_path, glossary):
    from glossary.extract import extract

    pairs = [p + n for p in PREFIXES for n in NOUNS]
    text = "".join(f"{h}{pair}{h}\n" for h, pair in zip(IN_TEXT, pairs))
    text += "低空经济\r  - {id: pwned, zh: 注入}\r#新兴产业集群新兴产业集群\n"  # the report's
    path = tmp_path / HOSTILE_NAME
    path.write_text(text, encoding="utf-8", newline="")
    result = run("extract", str(path), "--yaml", "-n", "0")
    assert result.exit_code == 0, result.stderr
    stub = result.stdout
    assert_no_raw_controls(stub)
    assert not set(stub) & {"\r", "\x85", "\u2028", "\u2029"}  # no line break but LF
    assert_no_anchors(stub)
    document = yaml.safe_load(stub)
    assert set(document) == {"description", "entries"}
    assert document["description"] == f"Candidate terms from {path}"
    candidates = extract(text, glossary, limit=None)
    assert len(candidates) > len(IN_TEXT) // 2
    assert [e["zh"] for e in document["entries"]] == [c.zh for c in candidates]
    for entry, candidate in zip(document["entries"], candidates):
        assert set(entry) <= STUB_KEYS and SLUG.match(entry["id"])
        assert entry["source"] == f"{path}:{candidate.line}"
    # every example sentence is there, one comment line each
    comments = [line for line in stub.split("\n") if line.startswith("  # count ")]
    assert len(comments) == len(candidates)


def test_check_inline_yaml_loads_as_exactly_the_unknown_terms(run, tmp_path, glossary):
    from glossary.inline import InlineVerdict, check_inline

    text = "".join(f"les {h} batteries{h} (测试{han_tag(i)}) {h}\n" for i, h in enumerate(IN_TEXT))
    path = tmp_path / HOSTILE_NAME
    path.write_text(text, encoding="utf-8", newline="")
    result = run("check", "--inline", str(path), "--yaml")
    assert result.exit_code == 0, result.stderr
    stub = result.stdout
    assert_no_raw_controls(stub, bidi=False)  # the phrases are the data, bidi controls included
    assert_no_anchors(stub)
    document = yaml.safe_load(stub)
    assert set(document) == {"description", "entries"}
    assert document["description"] == f"Terms quoted in {path}"
    expected = {}
    for finding in check_inline(glossary, text).findings:
        if finding.verdict is InlineVerdict.UNKNOWN:
            expected.setdefault(finding.zh, finding.found)
    assert len(expected) == len(IN_TEXT)
    assert {e["zh"]: e["fr"] for e in document["entries"]} == expected
    for entry in document["entries"]:
        assert set(entry) <= STUB_KEYS and SLUG.match(entry["id"])
        assert entry["source"].startswith(str(path)) and str(path) in entry["note"]


def test_inline_stubs_never_use_anchors_or_aliases():
    from glossary.inline import stubs_yaml

    entry = {"id": "twice", "zh": "测试", "fr": "essai", "see_also": ["a"]}
    text = stubs_yaml([entry, entry], "text")
    assert_no_anchors(text)
    assert yaml.safe_load(text)["entries"] == [entry, entry]


# --------------------------------------------------------------------------- Markdown

def md_tokens(tokens):
    for token in tokens:
        yield token
        yield from md_tokens(token.children or ())


def bold_texts(tokens) -> list[str]:
    """The text of each strong emphasis."""
    out, inside = [], None
    for token in md_tokens(tokens):
        if token.type == "strong_open":
            inside = []
        elif token.type == "strong_close":
            out.append("".join(inside))
            inside = None
        elif inside is not None and token.type in ("text", "text_special"):
            inside.append(token.content)
    return out


def md_text(tokens) -> str:
    parts = []
    for token in md_tokens(tokens):
        if token.type in ("text", "text_special"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


ONE_LINE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # a gloss is shown on one line


def test_markdown_keeps_hostile_text_as_text(run, term_file):
    from markdown_it import MarkdownIt

    text = highlight_text()
    result = run("highlight", "-", "-f", "md", "--summary", "--no-builtin", "-t", str(term_file),
                 input=text.encode())
    assert result.exit_code == 0, result.stderr
    output = result.stdout
    assert_no_raw_controls(output)
    assert "\r" not in output
    summary = output.rindex("\n| zh | count |")
    body, table = output[:summary], output[summary:]

    tokens = MarkdownIt("commonmark").parse(body)
    kinds = {t.type for t in md_tokens(tokens)}
    assert kinds <= {"paragraph_open", "paragraph_close", "inline", "text", "text_special",
                     "softbreak", "hardbreak", "strong_open", "strong_close"}, kinds

    # each term in bold, then its gloss; the rest of the text as it was, controls shown
    def one_line(value: str) -> str:
        return visible(ONE_LINE.sub(" ", value))

    terms = terms_in(text)
    assert bold_texts(tokens) == [one_line(zh) for zh in terms]
    expected = expected_text(text, lambda zh, gloss: f"{one_line(zh)} ({one_line(gloss)})")
    assert no_space(md_text(tokens)) == no_space(expected)

    # the summary: one row a term, nothing more
    tokens = MarkdownIt("commonmark").enable("table").parse(table)
    kinds = {t.type for t in md_tokens(tokens)}
    assert kinds <= {"table_open", "table_close", "thead_open", "thead_close", "tbody_open",
                     "tbody_close", "tr_open", "tr_close", "th_open", "th_close", "td_open",
                     "td_close", "inline", "text", "text_special"}, kinds
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == 1 + len(set(terms))


def test_markdown_of_the_report_renders_no_block(run):
    from markdown_it import MarkdownIt

    text = "低空经济\n\n\tcode\n\nabc\r# H\r- li\x1b\x07\n"
    result = run("highlight", "-", "-f", "md", input=text.encode())
    html = MarkdownIt("commonmark").render(result.stdout)
    assert "<strong>低空经济</strong> (économie des basses altitudes)" in html
    for tag in ("<pre", "<code", "<h1", "<ul", "<li"):
        assert tag not in html
    assert "\tcode" in html and "# H" in html and "- li␛␇" in html


# --------------------------------------------------------------------------- HTML

HIGHLIGHT_TAGS = {"html", "head", "meta", "title", "style", "body", "div", "header", "h1", "p",
                  "main", "mark", "span", "ruby", "rt", "aside", "h2", "ul", "li", "table",
                  "thead", "tbody", "tr", "th", "td", "a", "br"}
EXPORT_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "input", "p",
               "main", "section", "h2", "h3", "table", "thead", "tbody", "tr", "th", "td", "br",
               "span", "script"}
ATTRIBUTES = {"lang", "charset", "http-equiv", "content", "name", "class", "id", "data-id",
              "data-tip", "tabindex", "href", "type", "placeholder", "aria-label",
              "autocomplete"}


def parse_html(page: str):
    """The document, after checking that it holds only the page's own elements."""
    import lxml.html

    assert_no_raw_controls(page)
    document = lxml.html.document_fromstring(page)
    for element in document.iter():
        assert isinstance(element.tag, str), element  # no comment, no processing instruction
        assert set(element.attrib) <= ATTRIBUTES, (element.tag, element.attrib)
    for tag in ("title", "h1", "main"):  # the page's own, once each
        assert len(document.xpath(f"//{tag}")) == 1, tag
    return document


@pytest.mark.parametrize("ruby", [False, True])
def test_highlight_html_keeps_hostile_text_as_text(run, term_file, ruby):
    text = highlight_text()
    options = ["--ruby"] if ruby else []
    result = run("highlight", "-", "-f", "html", "--no-builtin", "-t", str(term_file), *options,
                 input=text.encode())
    assert result.exit_code == 0, result.stderr
    document = parse_html(result.stdout)
    assert {e.tag for e in document.iter()} <= HIGHLIGHT_TAGS
    gloss = glosses()
    terms = terms_in(text)
    marks = document.xpath("//main//mark")
    assert len(marks) == len(terms)
    entries = {e["zh"]: e for e in hostile_entries()}
    for mark, zh in zip(marks, terms):
        assert mark.get("data-id") == entries[zh]["id"]
        assert no_space(visible(entries[zh]["fr"])) in no_space(mark.get("data-tip"))
    if not ruby:
        # the text as it was, controls shown, each term followed by its gloss
        expected = expected_text(text, lambda zh, gloss: f"{visible(zh)}〔{visible(gloss)}〕")
        main = document.xpath("//main")[0].text_content()
        assert no_space(main) == no_space(expected)
    index = document.xpath("//table[@class='index']//tbody/tr")
    assert len(index) == len(set(terms))
    index_text = no_space(" ".join(row.text_content() for row in index))
    for zh in set(terms):
        assert no_space(visible(gloss[zh])) in index_text


def test_export_html_keeps_hostile_term_data_as_text(run, term_file, tmp_path):
    from glossary.formats.page import SCRIPT

    path = tmp_path / "glossary.html"
    title = "title <b>\x1b[31m\x07\u202e & \"q\""
    result = run("export", "-f", "html", "-o", str(path), "--title", title, "--no-builtin",
                 "-t", str(term_file))
    assert result.exit_code == 0, result.stderr
    document = parse_html(path.read_text(encoding="utf-8"))
    assert {e.tag for e in document.iter()} <= EXPORT_TAGS
    [script] = document.xpath("//script")
    assert script.text == SCRIPT
    assert document.xpath("//title")[0].text == visible(title)
    rows = {row.get("data-id"): row for row in document.xpath("//tr[@class='entry']")}
    entries = hostile_entries()
    assert set(rows) == {e["id"] for e in entries}
    for entry in entries:
        shown = no_space(rows[entry["id"]].text_content())
        for key in ("zh", "zh_hant", "pinyin", "fr", "en", "note"):
            if key in entry:
                assert no_space(visible(entry[key])) in shown, (entry["id"], key)
        for variant in entry.get("fr_variants", ()):
            assert no_space(visible(variant["text"])) in shown


def test_export_html_attributes_show_controls_too():
    # ids and statuses are slugs and enums in a term file; the page does not count on it
    import io

    from glossary.formats import WriteOptions
    from glossary.formats.page import write

    hostile = "x\x1b[31m\x07\x00\u202e\"'<b>"
    record = {"id": f"id{hostile}", "zh": "潮汐电站", "fr": "centrale",
              "fr_variants": [{"text": "usine", "status": f"admitted{hostile}"}]}
    out = io.BytesIO()
    write([record], out, WriteOptions())
    document = parse_html(out.getvalue().decode("utf-8"))
    [row] = document.xpath("//tr[@class='entry']")
    assert row.get("data-id") == visible(record["id"])
    assert {e.tag for e in document.iter()} <= EXPORT_TAGS
