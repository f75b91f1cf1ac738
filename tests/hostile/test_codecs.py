"""Every codec Python has, given as --encoding, and bytes in no encoding at all: the
text commands decode or refuse in one line, never with a traceback."""

from __future__ import annotations

import codecs
import encodings
import pkgutil

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st


def every_codec() -> list[str]:
    names = set()
    for module in pkgutil.iter_modules(encodings.__path__):
        try:
            names.add(codecs.lookup(module.name).name)
        except LookupError:  # aliases, or a codec of another platform (mbcs)
            continue
    return sorted(names)


CODECS = every_codec()
NOT_TEXT = [name for name in CODECS if not codecs.lookup(name)._is_text_encoding]
SAMPLE = "发展低空经济\n".encode("utf-8")


def test_python_has_non_text_codecs_to_refuse():
    assert {"rot-13", "zlib", "hex", "base64", "bz2", "uu", "quopri"} <= set(NOT_TEXT)


@pytest.mark.parametrize("command", [("highlight", "-"), ("segment", "-"), ("extract", "-"),
                                     ("check", "--inline", "-"), ("lookup", "-")])
def test_a_codec_that_does_not_make_text_is_bad_usage(run, command):
    for name in NOT_TEXT:
        result = run(*command, "--encoding", name, input=SAMPLE)
        assert result.exit_code == 2, (name, result.output)
        assert result.stderr == f"glossary: {name!r} is not a text encoding (try utf-8, gb18030, big5)\n"


def test_every_text_codec_decodes_or_refuses_in_one_line(run):
    """The sample in each text codec, and UTF-8 bytes given as that codec."""
    for name in CODECS:
        if name in NOT_TEXT:
            continue
        for data in {SAMPLE, _encoded(name)} - {None}:
            result = run("highlight", "-", "--encoding", name, "-f", "jsonl", input=data)
            assert result.exit_code in (0, 1, 2), (name, result.exception)
            if result.exit_code == 2:
                assert result.stderr.startswith("glossary: <stdin>: ") and \
                    result.stderr.count("\n") == 1, (name, result.stderr)


def _encoded(name: str) -> bytes | None:
    try:
        return "发展低空经济\n".encode(name)
    except (UnicodeError, LookupError):
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), name=st.sampled_from(
    ["utf-8", "utf-16", "utf-32", "gb18030", "big5hkscs", "cp1252", "utf-7", "idna", "punycode",
     "unicode_escape", "raw_unicode_escape", "utf-8-sig", "shift_jis", "koi8-r"]))
def test_random_bytes_in_any_text_codec_never_crash(run, data, name):
    result = run("highlight", "-", "--encoding", name, "-f", "jsonl", input=data)
    assert result.exit_code in (0, 1, 2), (name, data, result.exception)
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes_detected_never_crash(run, data):
    for command in (("highlight", "-", "-f", "jsonl"), ("segment", "-", "-f", "tsv")):
        result = run(*command, input=data)
        assert result.exit_code in (0, 1, 2), (command, data, result.exception)
        if result.exit_code == 2:
            assert result.stderr.count("\n") == 1, result.stderr


def test_a_french_draft_in_windows_1252_is_read_as_windows_1252(run, tmp_path):
    (tmp_path / "s.txt").write_text("发展低空经济\n", encoding="utf-8")
    (tmp_path / "t.txt").write_bytes("Développer l’économie des basses altitudes, déjà prête à "
                                     "décoller\n".encode("cp1252"))
    result = run("check", str(tmp_path / "s.txt"), str(tmp_path / "t.txt"), "-f", "tsv")
    assert result.exit_code == 0, result.output
    assert "\tok\téconomie des basses altitudes\téconomie des basses altitudes" in result.stdout


def test_source_and_target_encodings_each_override_encoding(run, tmp_path):
    (tmp_path / "s.txt").write_bytes("发展低空经济\n".encode("gb18030"))
    (tmp_path / "t.txt").write_bytes("économie des basses altitudes\n".encode("latin-1"))
    result = run("check", str(tmp_path / "s.txt"), str(tmp_path / "t.txt"), "--encoding", "utf-8",
                 "--source-encoding", "gb18030", "--target-encoding", "latin-1", "-f", "tsv")
    assert result.exit_code == 0, result.output
    wrong = run("check", str(tmp_path / "s.txt"), str(tmp_path / "t.txt"), "--encoding", "utf-8",
                "--source-encoding", "gb18030", "-f", "tsv")
    assert wrong.exit_code == 2
    assert wrong.stderr.startswith(f"glossary: {tmp_path / 't.txt'}: not valid utf-8 at byte 0")


@pytest.mark.parametrize("text", ["台灣", "臺灣的發展", "這個產業"])
def test_short_big5_text_is_still_big5(run, text):
    result = run("segment", "-", "-f", "tsv", input=text.encode("big5"))
    assert result.exit_code == 0
    assert "".join(line.split("\t")[0] for line in result.stdout.splitlines()[1:]) == text


def test_a_utf16_file_cut_in_a_character_says_so(run, tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes("发展低空经济".encode("utf-16") + b"a")
    result = run("highlight", str(path))
    assert result.exit_code == 2
    assert result.stderr == (f"glossary: {path}: not valid utf-16: the text ends inside a character "
                             "(its last 1 byte(s), at byte 14); the file is cut short or not in this "
                             "encoding (give the right one with --encoding)\n")
