"""One rule for delimited output, and tables that wrap between words."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, strategies as st

from glossary.render import Format, cell, json_safe, tsv_unescape, write_records

AWKWARD = [
    "a\tb", "line one\nline two", "cr\r\nlf", "C:\\temp\\new", "\\n is not a line break",
    "trailing backslash\\", "\"quoted\", with comma", "", "低空经济\n虚拟电厂",
]


def _records():
    return [{"n": i, "text": value} for i, value in enumerate(AWKWARD)]


def test_tsv_escapes_tab_newline_cr_and_backslash_and_reads_back():
    out = io.StringIO()
    write_records(_records(), Format.TSV, out, ("n", "text"))
    lines = out.getvalue().split("\n")
    assert lines[0] == "n\ttext"
    assert lines[-1] == "" and len(lines) == len(AWKWARD) + 2  # one line a record
    rows = [line.split("\t") for line in lines[1:-1]]
    assert all(len(row) == 2 for row in rows)
    assert [tsv_unescape(text) for _, text in rows] == AWKWARD
    assert rows[0][1] == "a\\tb" and rows[3][1] == "C:\\\\temp\\\\new"


def test_plain_uses_the_tsv_escapes_without_header():
    out = io.StringIO()
    write_records(_records(), Format.PLAIN, out, ("n", "text"))
    assert out.getvalue().splitlines()[1] == "1\tline one\\nline two"


def test_csv_quotes_as_rfc_4180_and_reads_back_whole():
    out = io.StringIO()
    write_records(_records(), Format.CSV, out, ("n", "text"))
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows[0] == ["n", "text"]
    assert [text for _, text in rows[1:]] == AWKWARD
    assert '"""quoted"", with comma"' in out.getvalue()


@pytest.mark.parametrize("text", [
    "发展低空经济。\n推进公铁、水水、铁水智慧联运\t建设\r\n数字乡村\\",
    "第一行\n\n第三行\n",
])
def test_segment_tsv_and_csv_tokens_join_back_to_the_text(run, text):
    tsv = run("segment", "-", "-f", "tsv", input=text.encode("utf-8"))
    assert tsv.exit_code == 0
    rows = [line.split("\t") for line in tsv.stdout.split("\n")[1:-1]]
    assert "".join(tsv_unescape(row[0]) for row in rows) == text
    assert any(row[0] == "\\n" for row in rows)
    as_csv = run("segment", "-", "-f", "csv", input=text.encode("utf-8"))
    rows = list(csv.reader(io.StringIO(as_csv.stdout_bytes.decode("utf-8"), newline="")))[1:]
    assert "".join(row[0] for row in rows) == text


# --------------------------------------------------------------------------- tables

LOOKUP_COLUMNS = ("zh", "pinyin", "fr", "en", "domain", "score", "matched")
LIST_COLUMNS = ("id", "zh", "pinyin", "fr", "en", "domain")


def _table(records, columns, width):
    from rich.console import Console

    from glossary.render import print_table

    console = Console(width=width, file=io.StringIO(), force_terminal=False, color_system=None)
    print_table(console, records, columns)
    return console.file.getvalue()


def _header(table: str) -> list[str]:
    head = next(line for line in table.splitlines() if line.startswith("┃"))
    return [name.strip() for name in head.strip("┃").split("┃")]


def _lookup_records(queries):
    from glossary.index import open_index
    from glossary.search import lookup

    index = open_index([], builtin=True)
    return [m.to_record(flat=True) for q in queries for m in lookup(index, q, None, 3)]


def _unbroken(table: str, records, columns) -> list[str]:
    """The words of the shown cells that appear nowhere whole in the table."""
    lines = table.splitlines()
    broken = []
    for record in records:
        for column in columns:
            for word in cell(record.get(column)).split():
                if not any(word in line for line in lines):
                    broken.append(word)
    return broken


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("queries", [
    ["centrale virtuelle"], ["低空经济", "全空间无人体系"], ["planification urbaine", "jumeau numérique"],
    ["公铁、水水、铁水智慧联运"], ["smart city", "télémédecine"],
])
def test_lookup_table_wraps_between_words_never_inside(width, queries):
    records = _lookup_records(queries)
    assert records
    table = _table(records, LOOKUP_COLUMNS, width)
    shown = _header(table)
    assert {"zh", "fr"} <= set(shown)
    assert _unbroken(table, records, shown) == []
    assert max(len(line) for line in table.splitlines()) <= width


def test_narrow_terminal_drops_score_and_domain_before_squeezing():
    records = _lookup_records(["centrale virtuelle", "économie des basses altitudes"])
    assert _header(_table(records, LOOKUP_COLUMNS, 140)) == list(LOOKUP_COLUMNS)
    at_120 = _header(_table(records, LOOKUP_COLUMNS, 120))
    assert at_120 == ["zh", "pinyin", "fr", "en", "domain", "matched"]
    at_80 = _header(_table(records, LOOKUP_COLUMNS, 80))
    assert at_80 == ["zh", "pinyin", "fr", "en"]
    at_60 = _header(_table(records, LOOKUP_COLUMNS, 60))
    assert "domain" not in at_60 and "score" not in at_60 and {"zh", "fr"} <= set(at_60)


KEY_COLUMNS = ("zh", "fr", "pinyin", "en")  # what a translator reads, first first


def _fits(records, columns, width, whole) -> bool:
    """Whether a table of ``columns`` fits in ``width`` with the ``whole`` columns on one
    line and the others at their longest word."""
    from rich.cells import cell_len

    def need(column):
        texts = [column, *(cell(r.get(column)) for r in records)]
        if column in whole:
            return max(cell_len(t) for t in texts)
        return max(cell_len(w) for t in texts for w in t.split())

    return 1 + sum(3 + need(c) for c in columns) <= width


@pytest.mark.parametrize("width", [60, 80, 100, 120, 140])
@pytest.mark.parametrize("args", [
    ("lookup", "économie des basses altitudes"), ("lookup", "centrale virtuelle"),
    ("lookup", "低空"), ("list", "-d", "unmanned-systems"),
], ids=["lookup-fr", "lookup-vpp", "lookup-zh", "list"])
def test_key_columns_are_whole_before_any_other_column_is_shown(run, glossary, args, width):
    from rich.cells import cell_len

    if args[0] == "lookup":
        records = _lookup_records(args[1:])
        columns = LOOKUP_COLUMNS
    else:
        records = [e.to_dict() for e in glossary if e.domain == "unmanned-systems"]
        columns = LIST_COLUMNS
    result = run(*args, "-f", "table", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    shown = _header(result.stdout)
    keys = [c for c in KEY_COLUMNS if c in shown]
    assert {"zh", "fr"} <= set(shown) and set(shown) <= set(columns)
    assert _unbroken(result.stdout, records, shown) == []
    assert max(cell_len(line) for line in lines) <= width

    def on_one_line(column):
        return all(any(cell(r.get(column)) in line for line in lines) for r in records)

    if _fits(records, keys, width, whole=("zh", "fr")):
        assert on_one_line("fr"), result.stdout
    if _fits(records, keys, width, whole=keys):
        assert all(on_one_line(c) for c in keys), result.stdout
    if not all(on_one_line(c) for c in keys):  # a key column wraps: every other is gone
        assert set(shown) <= set(KEY_COLUMNS), shown


def test_french_is_whole_at_100_columns_while_domain_and_score_give_way(run):
    result = run("lookup", "économie des basses altitudes", "-f", "table",
                 env={"COLUMNS": "100"})
    assert "économie des basses altitudes" in result.stdout
    assert {"score", "domain"}.isdisjoint(_header(result.stdout))


@pytest.mark.parametrize("width", [60, 80, 110, 120])
def test_list_table_keeps_french_and_chinese_terms_whole(glossary, width):
    records = [e.to_dict() for e in glossary if e.domain == "unmanned-systems"]
    table = _table(records, LIST_COLUMNS, width)
    assert _unbroken(table, records, _header(table)) == []
    for word in ("planification", "全空间无人体系", "multi-domaines"):
        assert any(word in line for line in table.splitlines())


def test_list_on_a_110_column_terminal(run):
    result = run("list", "-d", "unmanned-systems", "-f", "table", env={"COLUMNS": "110"})
    assert result.exit_code == 0
    assert "planification" in result.stdout and "全空间无人体系" in result.stdout


def test_highlight_on_a_terminal_leaves_wrapping_to_the_terminal(run, monkeypatch):
    from glossary.cli import text as text_cli

    monkeypatch.setattr(text_cli, "_use_colour", lambda: True)
    line = "各地要加快培育低空经济、虚拟电厂等新场景，推进公铁、水水、铁水智慧联运。" * 3
    result = run("highlight", "-", input=(line + "\n").encode(),
                 env={"FORCE_COLOR": "1", "COLUMNS": "40"})
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1


def test_example_sentences_break_between_hanzi_so_pinyin_keeps_its_column():
    records = [{"rank": 1, "zh": "智能网联汽车", "count": 2, "pinyin": "zhìnéng wǎnglián qìchē",
                "example": "支持智能网联汽车在城市道路开展测试，拓展智能网联汽车应用场景。"}]
    columns = ("rank", "zh", "count", "pinyin", "example")
    for width in (60, 80):
        table = _table(records, columns, width)
        assert {"zh", "pinyin", "example"} <= set(_header(table))
        assert _unbroken(table, records, ("zh", "pinyin")) == []
        assert max(len(line) for line in table.splitlines()) <= width


def test_too_narrow_a_terminal_breaks_only_the_widest_columns():
    from glossary.cli.entries import _domains_report
    from glossary.store import load_glossary

    rows = _domains_report(load_glossary())
    table = _table(rows, ("slug", "zh", "fr", "entries"), 60)
    assert "entries" in _header(table)
    lines = table.splitlines()
    for row in rows:  # the counts are never cut; the identifiers fold, never cropped
        assert any(f" {row['entries']} " in line for line in lines)
    assert "…" not in table


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@given(st.lists(st.dictionaries(st.text(), JSON_VALUES, max_size=6), max_size=5))
def test_json_and_jsonl_write_what_json_dumps_writes(records):
    """``json.dumps``, but for DEL, C1, bidirectional controls and line separators, which
    are escaped (and read back the same)."""
    dumps = [json_safe(json.dumps(r, ensure_ascii=False)) for r in records]
    for fmt, expected in (
            (Format.JSONL, "".join(d + "\n" for d in dumps)),
            (Format.JSON, "[" + ",".join("\n" + d for d in dumps) + "\n]\n")):
        out = io.StringIO()
        write_records(iter(records), fmt, out, ())
        assert out.getvalue() == expected
        assert not set(out.getvalue()) & {"\x7f", "\x85", "\u202e", "\u2028"}


def test_list_streams_machine_formats_and_still_exits_1_on_nothing(run):
    found = run("list", "-d", "health", "-f", "jsonl")
    assert found.exit_code == 0
    assert {json.loads(line)["domain"] for line in found.stdout.splitlines()} == {"health"}
    none = run("list", "-d", "health", "--provenance", "imported", "-f", "jsonl")
    assert none.exit_code == 1 and none.stdout == ""
