"""One renderer for every command that prints records.

A record is a plain dict (JSON-ready). Machine formats write every key; the
table and the delimited formats show the columns the command chooses. Rich is
imported only for the terminal table, and every cell is a ``rich.text.Text``,
so text from the user or from a term file is never read as markup.
"""

from __future__ import annotations

import csv
import json
from enum import Enum
from typing import IO, Any, Callable, Iterable, Sequence


class Format(str, Enum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    TSV = "tsv"
    CSV = "csv"
    PLAIN = "plain"


def default_format(is_terminal: bool) -> Format:
    """A table for people, tab-separated values for pipes."""
    return Format.TABLE if is_terminal else Format.TSV


# C0 controls (but tab, line feed and carriage return), DEL and C1 controls shown
# as visible characters: an escape sequence in user text must not drive the terminal.
_VISIBLE = {code: chr(0x2400 + code) for code in range(0x20) if code not in (9, 10, 13)}
_VISIBLE[0x7F] = "\u2421"
_VISIBLE.update({code: f"\\x{code:02x}" for code in range(0x80, 0xA0)})


def visible(text: str) -> str:
    """``text`` with control characters replaced by visible ones (ESC → ␛)."""
    return text.translate(_VISIBLE)


def cell(value: Any) -> str:
    """A value as one line of text for a table or delimited cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return " | ".join(cell(v) for v in value)
    if isinstance(value, dict):
        text = value.get("text")
        if text is not None:
            status = value.get("status")
            return f"{text} ({status})" if status and status != "preferred" else str(text)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.3g}"
    return visible(str(value).replace("\t", " ").replace("\r", " ").replace("\n", " "))


Writer = Callable[[Iterable[dict[str, Any]], IO[str], Sequence[str]], None]
_WRITERS: dict[Format, Writer] = {}


def writer(fmt: Format) -> Callable[[Writer], Writer]:
    def register(fn: Writer) -> Writer:
        _WRITERS[fmt] = fn
        return fn
    return register


@writer(Format.JSON)
def _write_json(records, out, columns):
    out.write("[")
    for i, record in enumerate(records):
        out.write(",\n" if i else "\n")
        out.write(json.dumps(record, ensure_ascii=False))
    out.write("\n]\n")


@writer(Format.JSONL)
def _write_jsonl(records, out, columns):
    # Written a batch of lines at a time: one write a line costs more than the JSON.
    batch: list[str] = []
    for record in records:
        batch.append(json.dumps(record, ensure_ascii=False))
        if len(batch) >= 512:
            out.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        out.write("\n".join(batch) + "\n")


@writer(Format.TSV)
def _write_tsv(records, out, columns):
    out.write("\t".join(columns) + "\n")
    for record in records:
        out.write("\t".join(cell(record.get(c)) for c in columns) + "\n")


@writer(Format.PLAIN)
def _write_plain(records, out, columns):
    for record in records:
        out.write("\t".join(cell(record.get(c)) for c in columns) + "\n")


@writer(Format.CSV)
def _write_csv(records, out, columns):
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for record in records:
        w.writerow([cell(record.get(c)) for c in columns])


def write_records(records: Iterable[dict[str, Any]], fmt: Format, out: IO[str],
                  columns: Sequence[str], console: Any = None, title: str | None = None,
                  headers: dict[str, str] | None = None) -> None:
    """Write records in ``fmt``; the table goes to ``console`` (a rich Console)."""
    if fmt is Format.TABLE:
        print_table(console, records, columns, title=title, headers=headers)
    else:
        _WRITERS[fmt](records, out, columns)


COLUMN_STYLES = {"zh": "bold", "zh_hant": "bold", "pinyin": "cyan", "fr": "green", "en": "yellow",
                 "domain": "magenta", "id": "dim", "score": "blue"}
# Identifiers and numbers are never broken across lines; prose columns wrap at spaces.
NO_WRAP = {"id", "domain", "score", "entries", "slug", "count", "line"}


def print_table(console: Any, records: Iterable[dict[str, Any]], columns: Sequence[str],
                title: str | None = None, headers: dict[str, str] | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, header_style="bold", show_lines=False, expand=False)
    for column in columns:
        table.add_column((headers or {}).get(column, column), style=COLUMN_STYLES.get(column),
                         overflow="fold", no_wrap=column in NO_WRAP)
    for record in records:
        table.add_row(*(Text(cell(record.get(c))) for c in columns))
    console.print(table)


def print_entry(console: Any, record: dict[str, Any], labels: Sequence[tuple[str, str]]) -> None:
    """One entry, whole, as a two-column card: label, value."""
    from rich.table import Table
    from rich.text import Text

    grid = Table(show_header=False, box=None, padding=(0, 2, 0, 0), title_justify="left",
                 title=Text(visible(f"{record.get('zh', '')}  {record.get('id', '')}"), style="bold"))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for key, label in labels:
        value = record.get(key)
        if value in (None, [], "", False):
            continue
        if isinstance(value, list):
            text = Text()
            for i, item in enumerate(value):
                if i:
                    text.append("\n")
                if isinstance(item, dict):
                    text.append(visible(str(item["text"])), style=COLUMN_STYLES.get(key[:2]))
                    text.append(f"  {item['status']}", style="red" if item["status"] == "deprecated" else "dim")
                    if item.get("note"):
                        text.append(f"  {visible(item['note'])}", style="italic")
                else:
                    text.append(visible(str(item)))
        else:
            text = Text(cell(value) if not isinstance(value, str) else visible(value),
                        style=COLUMN_STYLES.get(key, ""))
        grid.add_row(label, text)
    console.print(grid)
    console.print()
