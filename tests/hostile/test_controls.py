"""Control characters of every C0 and C1 kind and the bidirectional overrides, in term
files, in texts, in queries and in file names: shown, never sent raw, in every output
meant for people (tables, cards, reports, marked text, messages); kept exact in the
machine formats (JSON as ``\\u`` escapes, TSV as its escapes, CSV as it is)."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from glossary.render import BIDI_CONTROLS, tsv_unescape

C0 = [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)]
CONTROLS = "".join(map(chr, [*C0, 0x7F, *range(0x80, 0xA0), *BIDI_CONTROLS]))
FORBIDDEN = set(CONTROLS)  # never raw in what people read
HOSTILE_FR = f"centrale{CONTROLS}virtuelle \x1b]0;title\x07 \x1b[2J \u202eevil"


def raw_controls(text: str) -> set[str]:
    return {ch for ch in text if ch in FORBIDDEN}


@pytest.fixture(scope="module")
def hostile_terms(tmp_path_factory):
    """A user term file whose every text field carries every control character."""
    d = tmp_path_factory.mktemp("hostile-terms")
    entry = {"id": "hostile", "zh": "量子雷达", "zh_hant": "量子雷達", "pinyin": "liàngzǐ léidá",
             "fr": HOSTILE_FR, "en": f"quantum{CONTROLS}radar",
             "fr_variants": [{"text": f"radar{CONTROLS}quantique", "status": "admitted"}],
             "domain": "general", "category": "general", "source": f"test{CONTROLS}",
             "provenance": "editor", "note": f"note{CONTROLS}end"}
    (d / "hostile.yaml").write_text(yaml.safe_dump({"entries": [entry]}, allow_unicode=True),
                                    encoding="utf-8")
    return d


IN_TEXT = CONTROLS.replace("\x00", "")  # a NUL makes a text binary data: refused
TEXT = f"发展量子雷达{IN_TEXT}和低空经济。\n"
FRENCH = f"Le radar{IN_TEXT} et l'économie des basses altitudes.\n"


def human_outputs(run, terms, tmp_path):
    """Every output meant for people, with hostile data in it: (what, result)."""
    t = ["-t", str(terms)]
    zh, fr = tmp_path / "zh.txt", tmp_path / "fr.txt"
    zh.write_text(TEXT, encoding="utf-8")
    fr.write_text(FRENCH, encoding="utf-8")
    inline = f"le radar{IN_TEXT}quantique (量子雷达) et l'{IN_TEXT}économie (低空经济)\n"
    yield "show", run("show", "hostile", "-f", "table", *t)
    yield "list", run("list", "-f", "table", *t, "--provenance", "editor")
    yield "lookup", run("lookup", "量子雷达", "-f", "table", *t)
    yield "lookup fr", run("lookup", "centrale", "-f", "table", *t)
    yield "highlight text", run("highlight", str(zh), *t)
    yield "highlight summary", run("highlight", str(zh), "--summary-only", *t)
    yield "segment", run("segment", str(zh), *t)
    yield "check", run("check", str(zh), str(fr), "-f", "table", "--all", *t)
    yield "check --align", run("check", "--align", str(zh), str(fr), "-f", "table", "--all", *t)
    yield "check --inline", run("check", "--inline", inline, "-f", "table", *t)
    yield "extract", run("extract", str(zh), "-f", "table", *t)
    yield "validate", run("validate", str(terms))
    yield "lookup nothing", run("lookup", f"zzz{CONTROLS}qqq")
    yield "show nothing", run("show", f"zzz{CONTROLS}")
    yield "missing file", run("highlight", str(tmp_path / f"no{CONTROLS}.txt"))
    yield "bad option", run("lookup", f"--bogus{CONTROLS}")
    yield "bad encoding", run("highlight", str(zh), "--encoding", f"x{CONTROLS}")


def test_no_control_character_reaches_a_reader_raw(run, hostile_terms, tmp_path):
    leaks = {}
    for what, result in human_outputs(run, hostile_terms, tmp_path):
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            (what, result.exception)
        raw = raw_controls(result.stdout) | raw_controls(result.stderr)
        if raw:
            leaks[what] = sorted(map(hex, map(ord, raw)))
    assert not leaks


def test_a_message_quoting_hostile_text_stays_one_line(run, tmp_path):
    missing = str(tmp_path / "a\nb\rc\u2028d\u2029e\x85f.txt")
    result = run("check", missing, missing)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "a\\nb\\rc\\u2028d\\u2029e\\x85f.txt: no such file" in result.stderr


def test_json_keeps_every_control_exact(run, hostile_terms):
    record = json.loads(run("show", "hostile", "-f", "json", "-t", str(hostile_terms)).stdout)[0]
    assert record["fr"] == HOSTILE_FR and record["note"] == f"note{CONTROLS}end"
    spans = [json.loads(line) for line in run("highlight", "-", "-f", "jsonl", "-t",
                                              str(hostile_terms), input=TEXT.encode()).stdout.splitlines()]
    assert {s["id"] for s in spans} >= {"hostile", "low-altitude-economy"}
    assert [s for s in spans if s["id"] == "hostile"][0]["fr"] == HOSTILE_FR


def test_json_output_has_no_raw_control_either(run, hostile_terms):
    for args in (("show", "hostile", "-f", "json"), ("list", "-f", "jsonl"),
                 ("lookup", "量子雷达", "-f", "json")):
        out = run(*args, "-t", str(hostile_terms)).stdout
        assert not raw_controls(out), args


def test_tsv_escapes_every_control_and_comes_back_exact(run, hostile_terms):
    out = run("show", "hostile", "-f", "tsv", "-t", str(hostile_terms)).stdout
    assert not raw_controls(out)
    header, row = out.rstrip("\n").split("\n")
    record = dict(zip(header.split("\t"), map(tsv_unescape, row.split("\t"))))
    assert record["fr"] == HOSTILE_FR and record["note"] == f"note{CONTROLS}end"


def test_tsv_of_segment_joins_back_to_a_hostile_text(run):
    out = run("segment", "-", "-f", "tsv", input=TEXT.encode()).stdout
    tokens = [tsv_unescape(line.split("\t")[0]) for line in out.splitlines()[1:]]
    assert "".join(tokens) == TEXT


def test_csv_keeps_the_value_as_it_is(run, hostile_terms):
    out = run("show", "hostile", "-f", "csv", "-t", str(hostile_terms)).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["fr"] == HOSTILE_FR
