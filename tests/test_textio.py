"""Reading Chinese text: encodings detected or given, binary refused, streaming exact."""

from __future__ import annotations

import codecs
import io
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.errors import InputError, UsageError
from glossary.textio import decode_bytes, detect_encoding, iter_text_chunks, read_text

SIMPLIFIED = "推进低空经济、虚拟电厂和数字孪生城市建设，发展智慧农（牧、渔）场。\n第二行：公铁、水水、铁水智慧联运。"
TRADITIONAL = "推進低空經濟、虛擬電廠和數字孿生城市建設，發展智慧農（牧、漁）場。\n香港特區政府推動創新科技。"


@pytest.mark.parametrize(("text", "encoding"), [
    (SIMPLIFIED, "utf-8"),
    (SIMPLIFIED, "utf-8-sig"),
    (SIMPLIFIED, "gb18030"),
    (SIMPLIFIED, "gbk"),
    (TRADITIONAL, "big5"),
    (TRADITIONAL, "big5hkscs"),
    (TRADITIONAL, "utf-8"),
    (TRADITIONAL, "gb18030"),
    (SIMPLIFIED, "utf-16"),
])
def test_encoding_is_detected_and_text_read_back(tmp_path, text, encoding):
    path = tmp_path / "in.txt"
    path.write_bytes(text.encode(encoding))
    assert read_text(str(path)) == text


@pytest.mark.parametrize("word", ["低空经济", "数据", "虚拟电厂", "元宇宙", "数字孪生", "智慧城市", "场景"])
def test_short_gb18030_text_is_not_taken_for_big5(word):
    assert decode_bytes(word.encode("gb18030")) == word


@pytest.mark.parametrize("word", ["虛擬電廠", "數字孿生", "資訊", "臺灣", "元宇宙", "智慧城市", "場景"])
def test_short_big5_text_is_not_taken_for_gb18030(word):
    assert decode_bytes(word.encode("big5")) == word


def test_bom_is_not_part_of_the_text():
    assert decode_bytes(codecs.BOM_UTF8 + "低空经济".encode()) == "低空经济"
    assert decode_bytes(codecs.BOM_UTF8 + "低空经济".encode(), encoding="utf-8") == "低空经济"


def test_latin_text_in_windows_1252_is_read_by_the_detector():
    assert decode_bytes("Économie des basses altitudes, café".encode("cp1252")) == \
        "Économie des basses altitudes, café"


def test_given_encoding_overrides_detection():
    raw = "虛擬電廠".encode("big5")
    assert decode_bytes(raw, encoding="big5") == "虛擬電廠"
    assert decode_bytes(raw, encoding="latin-1") == raw.decode("latin-1")


def test_newlines_are_kept_as_they_are():
    assert decode_bytes("一\r\n二\r三\n".encode()) == "一\r\n二\r三\n"


@pytest.mark.parametrize("raw", [b"", b"\n", b"   "])
def test_empty_or_blank_input_is_text(raw):
    assert decode_bytes(raw) == raw.decode()


@pytest.mark.parametrize("raw", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    "低空经济".encode() + b"\x00" + "数字孪生".encode(),
])
def test_binary_data_is_refused_with_one_clear_message(raw):
    with pytest.raises(InputError, match="binary data"):
        decode_bytes(raw, name="in.bin")


def test_undecodable_bytes_are_refused():
    with pytest.raises(InputError, match="cannot decode"):
        detect_encoding(bytes(range(1, 256)) * 4, name="x")


def test_wrong_given_encoding_names_the_byte():
    with pytest.raises(InputError, match=r"not valid utf-8 at byte 2"):
        decode_bytes(b"ab\xb5\xcd\xbf\xd5", encoding="utf-8", name="x")


def test_unknown_encoding_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown encoding"):
        decode_bytes(b"abc", encoding="klingon-8")


def test_missing_file_and_directory_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_text(str(tmp_path / "absent.txt"))
    with pytest.raises(InputError, match="is a directory"):
        read_text(str(tmp_path))


def test_dash_reads_stdin_bytes(monkeypatch):
    fake = io.TextIOWrapper(io.BytesIO(SIMPLIFIED.encode("gb18030")))
    monkeypatch.setattr(sys, "stdin", fake)
    assert read_text("-") == SIMPLIFIED


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
@pytest.mark.parametrize("chunk_bytes", [1, 2, 3, 7, 64])
def test_chunks_join_to_the_whole_text_whatever_the_cut(tmp_path, encoding, chunk_bytes):
    path = tmp_path / "in.txt"
    path.write_bytes((SIMPLIFIED * 5).encode(encoding))
    chunks = list(iter_text_chunks(str(path), chunk_bytes=chunk_bytes))
    assert "".join(chunks) == SIMPLIFIED * 5
    assert max(map(len, chunks)) <= max(chunk_bytes, 1)


def test_chunks_with_given_encoding(tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    assert "".join(iter_text_chunks(str(path), encoding="big5", chunk_bytes=5)) == TRADITIONAL


def test_streamed_binary_is_refused(tmp_path):
    path = tmp_path / "in.bin"
    path.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(InputError, match="binary data"):
        list(iter_text_chunks(str(path), chunk_bytes=16))


def test_streamed_bad_byte_late_in_the_file_names_its_offset(tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes(b"a" * 100 + b"\xff" + b"b" * 10)
    with pytest.raises(InputError, match="at byte 100"):
        list(iter_text_chunks(str(path), encoding="utf-8", chunk_bytes=16))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
       st.integers(min_value=1, max_value=40))
def test_utf8_text_survives_reading_in_any_chunks(tmp_path_factory, text, chunk_bytes):
    path = tmp_path_factory.mktemp("chunks") / "in.txt"
    path.write_bytes(text.encode("utf-8"))
    assert "".join(iter_text_chunks(str(path), encoding="utf-8", chunk_bytes=chunk_bytes)) == text
