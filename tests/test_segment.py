"""`glossary segment`: jieba's words, glossary terms whole, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary import segment as segment_module
from glossary.matcher import TermMatcher
from glossary.segment import Segmenter


@pytest.fixture(scope="module")
def segmenter(glossary):
    return Segmenter(TermMatcher.from_glossary(glossary))


def texts(tokens):
    return [t.text for t in tokens]


# Real terms of the shipped glossary, in real sentences; jieba alone cuts each of them.
TERMS_IN_CONTEXT = [
    ("推进公铁、水水、铁水智慧联运发展。", "公铁、水水、铁水智慧联运", "smart-intermodal-transport"),
    ("建设一批智慧农（牧、渔）场。", "智慧农（牧、渔）场", "smart-farm"),
    ("打造数字孪生城市。", "数字孪生", "digital-twin"),
    ("推动虚拟电厂建设。", "虚拟电厂", "virtual-power-plant"),
    ("香港推動虛擬電廠發展。", "虛擬電廠", "virtual-power-plant"),
    ("發展低空經濟。", "低空經濟", "low-altitude-economy"),
    ("建设数字乡村和智慧城市。", "数字乡村", "digital-village"),
]


@pytest.mark.parametrize(("text", "term", "entry_id"), TERMS_IN_CONTEXT)
def test_glossary_term_is_one_token_with_its_id(segmenter, text, term, entry_id):
    tokens = segmenter.segment(text)
    found = [t for t in tokens if t.text == term]
    assert len(found) == 1
    assert found[0].entry_id == entry_id
    assert "".join(texts(tokens)) == text


@pytest.mark.parametrize("term", ["公铁、水水、铁水智慧联运", "智慧农（牧、渔）场"])
def test_jieba_alone_would_split_terms_with_punctuation(term):
    plain = Segmenter(None).words(f"推进{term}。")
    assert term not in plain


def test_term_inside_a_longer_compound_is_cut_out(segmenter):
    assert texts(segmenter.segment("数字孪生城市"))[:1] == ["数字孪生"]


@pytest.mark.parametrize(("text", "words", "not_term"), [
    ("要降低空气污染。", ["降低"], "低空"),
    ("国民生产总值。", ["国民"], "民生"),
    ("人民生活。", ["人民", "生活"], "民生"),
])
def test_two_character_term_is_not_forced_across_two_words(segmenter, text, words, not_term):
    tokens = texts(segmenter.segment(text))
    assert not_term not in tokens
    assert all(word in tokens for word in words)
    assert "".join(tokens) == text


@pytest.mark.parametrize(("text", "term"), [("推动民生保障。", "民生"), ("开展低空巡护。", "低空"),
                                            ("保护湿地。", "湿地")])
def test_two_character_term_where_it_is_the_right_cut_stays_whole(segmenter, text, term):
    assert term in texts(segmenter.segment(text))


def test_general_words_come_from_jieba(segmenter):
    assert texts(segmenter.segment("我们今天讨论数字孪生")) == ["我们", "今天", "讨论", "数字孪生"]


def test_traditional_input_keeps_its_characters(segmenter):
    text = "香港特區政府推動虛擬電廠與數字孿生技術。"
    tokens = segmenter.segment(text)
    assert "".join(texts(tokens)) == text
    assert "虛擬電廠" in texts(tokens)


def test_offsets_are_character_offsets_into_the_input(segmenter):
    text = "😀 2025年，AI+低空经济\r\n第二行"
    for token in segmenter.segment(text):
        assert text[token.start:token.end] == token.text


# Arbitrary text: Han characters, terms, punctuation, whitespace of every kind,
# Latin letters, digits, emoji and characters outside jieba's Han range.
PIECES = st.one_of(
    st.text(alphabet="的一是在不了有和人这中大为上个国我以要他时来用们生到作地于", max_size=8),
    st.sampled_from(["公铁、水水、铁水智慧联运", "智慧农（牧、渔）场", "虛擬電廠", "数字孪生",
                     "数字乡村", "低空经济", "元宇宙", "城市", "建设"]),
    st.text(alphabet=" \t\n\r\u3000\u00a0、，。（）《》“”!?.-+#&_%", max_size=4),
    st.text(alphabet="abcXYZ0123456789", max_size=5),
    st.text(max_size=4),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=12).map("".join))
def test_tokens_joined_give_back_the_input(segmenter, text):
    tokens = segmenter.segment(text)
    assert "".join(texts(tokens)) == text
    position = 0
    for token in tokens:
        assert token.text and token.start == position and token.end == position + len(token.text)
        position = token.end


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=30).map("".join), st.integers(1, 9))
def test_streamed_segmentation_is_lossless_with_global_offsets(segmenter, text, size):
    chunks = [text[i:i + size] for i in range(0, len(text), size)]
    tokens = list(segmenter.iter_tokens(chunks))
    assert "".join(texts(tokens)) == text
    for token in tokens:
        assert text[token.start:token.end] == token.text


def test_streamed_long_text_gives_what_the_whole_text_gives(segmenter, monkeypatch):
    monkeypatch.setattr(segment_module, "PIECE_CHARS", 40)
    text = "推进公铁、水水、铁水智慧联运和智慧农（牧、渔）场，建设数字乡村。\n" * 6 + \
        "一行很长的文字没有换行但是有逗号，虚拟电厂，数字孪生，低空经济，" * 4
    chunks = [text[i:i + 7] for i in range(0, len(text), 7)]
    streamed = list(segmenter.iter_tokens(chunks))
    assert "".join(texts(streamed)) == text
    assert [(t.text, t.entry_id) for t in streamed if t.entry_id] == \
        [(t.text, t.entry_id) for t in segmenter.segment(text) if t.entry_id]


def test_short_text_dictionary_subset_cuts_like_the_whole_dictionary(monkeypatch):
    text = ("中华人民共和国国务院办公厅印发关于加快场景培育和开放推动新场景大规模应用的实施意见，"
            "各地区各部门要结合实际认真贯彻落实。小明硕士毕业于中国科学院计算所。")
    small = Segmenter(None).words(text)
    monkeypatch.setattr(segment_module, "SMALL_TEXT", 0)
    whole = Segmenter(None).words(text)
    assert small == whole


# --------------------------------------------------------------------------- the command


def test_cli_one_output_line_per_input_line(run, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("推进公铁、水水、铁水智慧联运。\n建设数字乡村\n", encoding="utf-8")
    result = run("segment", str(path))
    assert result.exit_code == 0
    assert result.stdout == "推进 公铁、水水、铁水智慧联运 。\n建设 数字乡村\n"


def test_cli_text_argument_and_separator(run):
    result = run("segment", "建设数字乡村", "--sep", "|")
    assert result.stdout == "建设|数字乡村\n"


def test_cli_json_tokens_have_offsets_and_ids(run):
    result = run("segment", "-f", "json", "建设数字乡村")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {"text": "建设", "start": 0, "end": 2, "id": None},
        {"text": "数字乡村", "start": 2, "end": 6, "id": "digital-village"},
    ]


def test_cli_jsonl_with_pinyin_uses_the_entry_pinyin_for_terms(run):
    result = run("segment", "-f", "jsonl", "--pinyin", "发展低空经济")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[-1] == {"text": "低空经济", "start": 2, "end": 6, "id": "low-altitude-economy",
                           "pinyin": "dīkōng jīngjì"}
    assert records[0]["pinyin"] == "fāzhǎn"


def test_cli_text_with_pinyin(run):
    assert run("segment", "--pinyin", "低空经济").stdout == "低空经济/dīkōngjīngjì\n"


def test_cli_reads_stdin_in_gb18030(run):
    result = run("segment", "-", input="推动虚拟电厂建设\n".encode("gb18030"))
    assert result.exit_code == 0
    assert result.stdout == "推动 虚拟电厂 建设\n"


def test_cli_reads_a_big5_file(run, tmp_path):
    path = tmp_path / "hk.txt"
    path.write_bytes("香港推動虛擬電廠發展。".encode("big5"))
    result = run("segment", str(path))
    assert "虛擬電廠" in result.stdout.split()


def test_cli_user_terms_are_kept_whole(run, tmp_path):
    terms = tmp_path / "terms"
    terms.mkdir()
    (terms / "mine.yaml").write_text(
        "entries:\n  - id: my-term\n    zh: 量子、光子计算\n    pinyin: liàngzǐ, guāngzǐ jìsuàn\n"
        "    fr: calcul quantique et photonique\n    domain: general\n    category: general\n"
        "    source: mine\n    provenance: editor\n", encoding="utf-8")
    result = run("segment", "-t", str(terms), "发展量子、光子计算")
    assert result.exit_code == 0, result.stderr
    assert "量子、光子计算" in result.stdout.split()


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(1, 256)) * 3])
def test_cli_binary_input_is_one_error_line(run, tmp_path, content):
    path = tmp_path / "x.bin"
    path.write_bytes(content)
    result = run("segment", str(path))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("glossary: ")
    assert "Traceback" not in result.stderr


def test_cli_missing_file_is_an_error_not_text(run):
    result = run("segment", "notes/missing.txt")
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_cli_empty_input_is_no_output(run):
    result = run("segment", "-", input=b"")
    assert result.exit_code == 1 and result.stdout == ""  # nothing found, as grep


def test_jieba_says_nothing_and_writes_no_shared_temporary_cache(tmp_path):
    """In a fresh process with a fresh cache: no message on stderr, the dictionary
    cache in our cache directory, nothing in the temporary directory."""
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, GLOSSARY_CACHE_DIR=str(cache), TMPDIR=str(tmp))
    code = "from glossary.cli import main; main()"
    for _ in range(2):  # building the cache, then reading it
        result = subprocess.run([sys.executable, "-c", code, "segment", "低空经济是新的增长点"],
                                env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0
        assert result.stdout == "低空经济 是 新 的 增长点\n"
        assert result.stderr == ""
    assert list(tmp.iterdir()) == []
    cached = sorted(p.name for p in cache.iterdir() if p.name.startswith("jieba-"))
    assert [name.rsplit(".", 1)[1] for name in cached] == ["marshal", "sqlite"]
    for name in cached:
        assert (cache / name).stat().st_mode & 0o077 == 0
