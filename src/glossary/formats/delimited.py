"""CSV and TSV: one concept a row (see :mod:`glossary.formats.table`).

Written: UTF-8 (with a BOM for CSV written to a file, so that Excel reads the
Chinese), quoted as Excel quotes (RFC 4180; TSV the same with tabs).

Read: the encoding detected — a BOM (UTF-8, UTF-16: Excel's "Unicode text"),
else UTF-8, else GB18030 when it reads like Chinese, else Windows-1252 (what
French Excel writes for "CSV (séparateur : point-virgule)") — or given; the
delimiter (``,`` ``;`` or tab) from the header line. Read as a stream: a file of a
million rows is read a row at a time; a field over 1 MB is refused (not a term base).
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping

from glossary.errors import InputError, UsageError
from glossary.formats import ReadOptions, Row, Skip, WriteOptions
from glossary.formats.table import read_table, rows

MAX_FIELD = 1 << 20
SAMPLE = 1 << 16
DELIMITERS = (",", ";", "\t")


def write(records: Iterable[Mapping[str, Any]], out: IO[bytes], options: WriteOptions,
          name: str = "csv") -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig" if options.bom and name == "csv" else "utf-8",
                            newline="", write_through=False)
    writer = csv.writer(text, delimiter="\t" if name == "tsv" else ",", lineterminator="\r\n"
                        if options.bom else "\n")
    try:
        batch = []
        for row in rows(records):
            batch.append(row)
            if len(batch) >= 1000:
                writer.writerows(batch)
                batch.clear()
        writer.writerows(batch)
        text.flush()
    finally:
        text.detach()


# --------------------------------------------------------------------------- reading

def _reads_as_chinese(text: str) -> bool:
    """Most non-ASCII characters among the common simplified or traditional ones."""
    from glossary.textio import _big5_common, _gb_common

    wide = [c for c in text if c >= "\x80"][:5000]
    if not wide:
        return True
    common = sum(1 for c in wide if _gb_common(c) or _big5_common(c) or c in "，。、；：（）《》“”")
    return common >= 0.6 * len(wide)


def detect_encoding(sample: bytes, complete: bool, name: str) -> str:
    """The encoding of a delimited file from its first bytes (see the module's doc)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
        raise InputError("binary data (NUL bytes), not a text file", name)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = codecs.getincrementaldecoder("gb18030")().decode(sample, complete)
        if _reads_as_chinese(text):
            return "gb18030"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("cp1252")().decode(sample, complete)
        return "cp1252"
    except UnicodeDecodeError:
        raise InputError("cannot decode as UTF-8, UTF-16, GB18030 or Windows-1252 "
                         "(give the encoding with --encoding)", name) from None


def _delimiter(first_line: str, default: str) -> str:
    """The delimiter of the header line: the one of ``,`` ``;`` tab it has most of,
    outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else default


def read(path: Path, options: ReadOptions, name: str = "csv") -> Iterator[Row | Skip | str]:
    shown = str(path)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", shown) from None
    with fh:
        sample = fh.read(SAMPLE)
        if not sample.strip():
            raise InputError("empty file", shown)
        if options.encoding:
            try:
                encoding = codecs.lookup(options.encoding).name
            except LookupError:
                raise UsageError(f"unknown encoding {options.encoding!r}") from None
            if encoding == "utf-8" and sample.startswith(codecs.BOM_UTF8):
                encoding = "utf-8-sig"
        else:
            encoding = detect_encoding(sample, len(sample) < SAMPLE, shown)
        fh.seek(0)
        text = io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline="")
        try:
            head = text.readline()
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid {encoding} (give the right one with --encoding): {exc.reason}",
                             shown, 1) from None
        delimiter = _delimiter(head, "\t" if name in ("tsv", "omegat") else ",")
        yield from read_table(_lines(head, text, delimiter, shown, encoding), options, shown)


def _lines(head: str, text: IO[str], delimiter: str, shown: str,
           encoding: str) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` of each row, the header first."""
    previous = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(_chain(head, text), delimiter=delimiter)
    line = 1
    try:
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                message = str(exc)
                if "field larger" in message:
                    message = f"a field longer than {MAX_FIELD >> 20} MB: not a term base"
                raise InputError(f"unreadable row: {message}", shown, reader.line_num) from None
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {encoding} (give the right one with --encoding): "
                                 f"{exc.reason}", shown, reader.line_num + 1) from None
            if values and "\x00" in "".join(values):
                raise InputError("binary data (NUL characters), not a text file", shown, line)
            yield line, values
            line = reader.line_num + 1
    finally:
        csv.field_size_limit(previous)


def _chain(head: str, text: IO[str]) -> Iterator[str]:
    yield head
    yield from text
