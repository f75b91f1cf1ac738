"""One renderer for every command that prints records.

A record is a plain dict (JSON-ready). Machine formats write every key; the
table and the delimited formats show the columns the command chooses. Rich is
imported only for the terminal table, and every cell is a ``rich.text.Text``,
so text from the user or from a term file is never read as markup.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
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
# The bidirectional embeddings, overrides and isolates are shown too: they reorder
# what a reader sees (a file name or a rendering that displays backwards).
_VISIBLE = {code: chr(0x2400 + code) for code in range(0x20) if code not in (9, 10, 13)}
_VISIBLE[0x7F] = "\u2421"
_VISIBLE.update({code: f"\\x{code:02x}" for code in range(0x80, 0xA0)})
BIDI_CONTROLS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_VISIBLE.update({code: f"\\u{code:04x}" for code in BIDI_CONTROLS})
# One line of a message: line breaks (those YAML and Unicode know too) and tabs as well.
_ONE_LINE = dict(_VISIBLE)
_ONE_LINE.update({code: f"\\u{code:04x}" for code in (0x2028, 0x2029)})
_ONE_LINE.update({9: "\\t", 10: "\\n", 13: "\\r"})
# Every line break a reader may act on: CR LF, CR, LF, NEL and the Unicode separators.
LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def visible(text: str) -> str:
    """``text`` with control characters replaced by visible ones (ESC → ␛, U+202E →
    ``\\u202e``); tab, line feed and carriage return kept."""
    return text.translate(_VISIBLE)


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` as one visible line for a message: controls and line breaks shown as
    escapes, and, given a ``limit``, cut to that many characters (with ``…``)."""
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return text.translate(_ONE_LINE)


def visible_marked(text: str, marks: Iterable[tuple[int, int, str]]) -> Any:
    """A Rich ``Text`` of ``text`` made visible, with ``marks`` (start, end, style) given
    in offsets of the original ``text`` (a control shown as ``\\x9b`` takes 4 cells)."""
    from rich.text import Text

    marks = list(marks)
    cuts = sorted({0, len(text), *(p for start, end, _ in marks for p in (start, end)
                                   if 0 <= p <= len(text))})
    where = {0: 0}
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        pieces.append(visible(text[a:b]))
        where[b] = where[a] + len(pieces[-1])
    shown = Text("".join(pieces))
    for start, end, style in marks:
        if start in where and end in where:
            shown.stylize(style, where[start], where[end])
    return shown


def text_of(value: Any) -> str:
    """A value as text: lists joined with `` | ``, a variant as its text (and status), a
    regional form as its text and region."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return " | ".join(text_of(v) for v in value)
    if isinstance(value, dict):
        text = value.get("text")
        if text is not None:
            status = value.get("status") or value.get("region")
            return f"{text} ({status})" if status and status != "preferred" else str(text)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def cell(value: Any) -> str:
    """A value as one line of a table cell: line breaks and tabs shown as spaces."""
    return visible(text_of(value).replace("\t", " ").replace("\r", " ").replace("\n", " "))


# TSV (and plain): the escapes of jq's @tsv and PostgreSQL's COPY, so that a value
# with a tab or a line break stays one field of one line, and comes back exactly. The
# other controls (C0, DEL, C1) are written ``\\xhh`` as COPY reads them, and the
# bidirectional controls ``\\uhhhh``: a TSV shown on a terminal cannot drive it.
_TSV_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_TSV_ESCAPES.update({code: f"\\u{code:04x}" for code in BIDI_CONTROLS})
_TSV_ESCAPES.update({ord("\\"): "\\\\", 9: "\\t", 10: "\\n", 13: "\\r"})
_TSV_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_TSV_ESCAPE = re.compile(r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|([\\tnr]))")


def tsv_field(value: Any) -> str:
    """A value as one TSV field: backslash, tab, line feed and carriage return escaped
    as ``\\\\``, ``\\t``, ``\\n``, ``\\r``; other controls as ``\\xhh`` or ``\\uhhhh``."""
    return text_of(value).translate(_TSV_ESCAPES)


def tsv_unescape(field: str) -> str:
    """The value of a TSV field written by :func:`tsv_field` (for readers of our output)."""
    return _TSV_ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)) if m[3] is None
                           else _TSV_UNESCAPES[m[3]], field)


def csv_field(value: Any) -> str:
    """A value as one CSV field: left whole, exactly; the csv writer quotes it (RFC 4180)."""
    return text_of(value)


Writer = Callable[[Iterable[dict[str, Any]], IO[str], Sequence[str]], None]
_WRITERS: dict[Format, Writer] = {}


def writer(fmt: Format) -> Callable[[Writer], Writer]:
    def register(fn: Writer) -> Writer:
        _WRITERS[fmt] = fn
        return fn
    return register


def _json_encoder() -> Callable[[Any], str]:
    """A function writing one record as ``json.dumps(record, ensure_ascii=False)`` does.

    ``json.dumps`` makes a new encoder for every call, a fifth of the time of writing a
    100,000-entry ``list``; this one is made once, from the C encoder the ``json`` module
    itself uses (``json.dumps`` where the interpreter has none)."""
    from json import encoder as std

    if std.c_make_encoder is None:
        return lambda record: json_safe(json.dumps(record, ensure_ascii=False))
    base = json.JSONEncoder(ensure_ascii=False)
    make = std.c_make_encoder(None, base.default, std.encode_basestring, None, ": ", ", ",
                              False, False, True)
    return lambda record: json_safe("".join(make(record, 0)))


# JSON escapes C0 controls itself; DEL, the C1 controls, the bidirectional controls and
# the Unicode line separators are escaped too (``\\u009b``), so that JSON shown on a
# terminal or pasted into a script cannot act on either. They occur only inside strings.
_JSON_EXTRA = {code: f"\\u{code:04x}" for code in (0x7F, *range(0x80, 0xA0), *BIDI_CONTROLS,
                                                     0x2028, 0x2029)}
_JSON_UNSAFE = re.compile("[" + "".join(map(chr, _JSON_EXTRA)) + "]")


def json_safe(encoded: str) -> str:
    """Encoded JSON with the characters of ``_JSON_EXTRA`` written as ``\\u`` escapes."""
    return encoded.translate(_JSON_EXTRA) if _JSON_UNSAFE.search(encoded) else encoded


@writer(Format.JSON)
def _write_json(records, out, columns):
    encode = _json_encoder()
    out.write("[")
    for i, record in enumerate(records):
        out.write(",\n" if i else "\n")
        out.write(encode(record))
    out.write("\n]\n")


@writer(Format.JSONL)
def _write_jsonl(records, out, columns):
    # Written a batch of lines at a time: one write a line costs more than the JSON.
    encode = _json_encoder()
    batch: list[str] = []
    for record in records:
        batch.append(encode(record))
        if len(batch) >= 512:
            out.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        out.write("\n".join(batch) + "\n")


@writer(Format.TSV)
def _write_tsv(records, out, columns):
    out.write("\t".join(columns) + "\n")
    _write_plain(records, out, columns)


@writer(Format.PLAIN)
def _write_plain(records, out, columns):
    for record in records:
        out.write("\t".join(tsv_field(record.get(c)) for c in columns) + "\n")


@writer(Format.CSV)
def _write_csv(records, out, columns):
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for record in records:
        w.writerow([csv_field(record.get(c)) for c in columns])


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
NO_WRAP = {"id", "domain", "score", "entries", "slug", "count", "line", "rank"}
# The columns a translator reads a table for, first first: the Chinese, the French, then
# the pinyin and the English. Where the terminal allows, each is shown whole before the
# next is; a key column wraps only when it cannot be whole even with every other column
# of DROP_ORDER gone.
KEY_COLUMNS = ("zh", "fr", "pinyin", "en")
# What a terminal gives up first, least useful first, rather than wrap a key column or
# cut a word: scores and classifications, then identifiers; and only when even the
# longest words do not fit, English and pinyin. The Chinese, the French and the text
# of an example are never dropped: they wrap.
DROP_ORDER = ("score", "domain", "matched", "category", "contains", "count", "line", "id",
              "en", "pinyin")
# Columns of running text (an example sentence): Chinese there may break between any
# two characters, as Chinese text does; only Latin words are kept whole.
RUNNING_TEXT = {"example", "message", "note", "source"}
# Running text keeps this many cells (or its whole width, if less) before the key
# columns are widened: squeezed further, a sentence is a few characters a line.
RUNNING_TEXT_MIN = 20
_HAN_CHAR = re.compile(r"([\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef])")
# A table's frame: a rule before each column and after the last, one space of padding
# each side of every cell.
_FRAME_PER_COLUMN, _FRAME = 3, 1


@dataclass(frozen=True)
class Layout:
    """The columns a table shows on a terminal of a given width, and their widths
    (None: the table fits as it is, or cannot fit without breaking words)."""

    columns: tuple[str, ...]
    widths: tuple[int, ...] | None


def fit_columns(cells: dict[str, list[str]], labels: dict[str, str], width: int) -> Layout:
    """Choose columns and widths so that no word and no Chinese term is broken, and the
    key columns (:data:`KEY_COLUMNS`) are whole wherever the terminal allows.

    A column needs at least its longest word (its longest value, if it never wraps)
    and wants its longest value. Columns of ``DROP_ORDER`` are dropped while the needs
    exceed ``width``; then the other columns of ``DROP_ORDER`` (not the key columns)
    while the key columns cannot have what they want beside what the others need
    (running text: :data:`RUNNING_TEXT_MIN`). The room left over the needs goes to
    running text up to that minimum, then to the key columns, one after the other, up
    to what they want, and what remains to the others in proportion to what they would
    take more.
    """
    from rich.cells import cell_len

    def need(column: str) -> int:
        texts = [labels[column], *cells[column]]
        if column in NO_WRAP:
            return max(cell_len(t) for t in texts)
        if column in RUNNING_TEXT:
            texts = [_HAN_CHAR.sub(r" \1 ", t) for t in texts]
        return max((cell_len(w) for t in texts for w in t.split()), default=1)

    def whole(column: str) -> int:
        return max(cell_len(t) for t in [labels[column], *cells[column]])

    shown = list(cells)
    needs = {c: max(need(c), 1) for c in shown}
    wants = {c: max(whole(c), needs[c]) for c in shown}
    keys = set(KEY_COLUMNS)
    floors = {c: max(needs[c], min(wants[c], RUNNING_TEXT_MIN)) if c in RUNNING_TEXT
              else needs[c] for c in shown}

    def room() -> int:
        return width - _FRAME - _FRAME_PER_COLUMN * len(shown)

    def keys_whole() -> int:  # the width the key columns whole and the others squeezed take
        return sum(wants[c] if c in keys else floors[c] for c in shown)

    for column in DROP_ORDER:
        if sum(needs[c] for c in shown) <= room():
            break
        if column in shown and len(shown) > 1:
            shown.remove(column)
    for column in DROP_ORDER if keys.intersection(shown) else ():
        if keys_whole() <= room():
            break
        if column in shown and column not in keys:
            shown.remove(column)
    if sum(wants[c] for c in shown) <= room():
        return Layout(tuple(shown), None)
    if sum(needs[c] for c in shown) > room():
        # Too narrow even so: only the widest columns give way, down to a common cap,
        # and every column narrower than the cap keeps its words whole.
        cap = max(1, room() // len(shown))
        while sum(min(needs[c], cap + 1) for c in shown) <= room():
            cap += 1
        widths = [min(needs[c], cap) for c in shown]
        return Layout(tuple(shown), tuple(widths))
    given = dict(needs)
    extra = room() - sum(needs[c] for c in shown)
    extra -= _share([c for c in shown if c in RUNNING_TEXT], given, floors, extra)
    for column in KEY_COLUMNS:
        if column in shown:
            extra -= _share([column], given, wants, extra)
    _share([c for c in shown if c not in keys], given, wants, extra)
    return Layout(tuple(shown), tuple(given[c] for c in shown))


def _share(columns: Sequence[str], given: dict[str, int], wants: dict[str, int],
           extra: int) -> int:
    """Widen ``columns`` from ``given`` towards ``wants`` by at most ``extra`` cells in
    all, in proportion to what each lacks; the cells used."""
    lacking = {c: wants[c] - given[c] for c in columns if wants[c] > given[c]}
    total = sum(lacking.values())
    if not total or extra <= 0:
        return 0
    if total <= extra:
        for c, more in lacking.items():
            given[c] += more
        return total
    used = 0
    for c, more in lacking.items():
        share = extra * more // total
        given[c] += share
        used += share
    return used


def print_table(console: Any, records: Iterable[dict[str, Any]], columns: Sequence[str],
                title: str | None = None, headers: dict[str, str] | None = None) -> None:
    """Records as a Rich table that fits the console: words and Chinese terms are
    never cut; on a narrow terminal the least useful columns go first."""
    from rich.table import Table
    from rich.text import Text

    records = list(records)
    labels = {c: (headers or {}).get(c, c) for c in columns}
    cells = {c: [cell(record.get(c)) for record in records] for c in columns}
    layout = fit_columns(cells, labels, console.width)
    table = Table(title=title, header_style="bold", show_lines=False, expand=False)
    from rich.cells import cell_len

    for i, column in enumerate(layout.columns):
        width = layout.widths[i] if layout.widths else None
        # An identifier too long for its column folds rather than being cut off.
        whole = width is None or all(cell_len(t) <= width for t in cells[column])
        table.add_column(labels[column], style=COLUMN_STYLES.get(column), overflow="fold",
                         no_wrap=column in NO_WRAP and whole, width=width)
    for row in range(len(records)):
        table.add_row(*(Text(cells[c][row]) for c in layout.columns))
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
                    mark = item.get("status") or item.get("region") or ""
                    text.append(f"  {mark}", style="red" if mark == "deprecated" else "dim")
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
