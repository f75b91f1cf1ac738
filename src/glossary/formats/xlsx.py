"""Excel workbooks (.xlsx): one concept a row (see :mod:`glossary.formats.table`).

Written with XlsxWriter (a header row in bold, frozen, with a filter; column widths
set; cells as text). Read with calamine (python-calamine), the first sheet, once
the file has been checked as a zip archive a workbook can be: an archive whose
parts would unpack to more than 1 GiB, or a part packed more than 200 to 1 beyond
16 MB (a zip bomb), or an XML part with a document type declaration (where entity
bombs and external entities live; Excel never writes one) is refused before
anything is unpacked.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping

from glossary.errors import InputError
from glossary.formats import ReadOptions, Row, Skip, WriteOptions
from glossary.formats.table import COLUMNS, read_table, rows

MAX_UNPACKED = 1 << 30
MAX_RATIO = 200
RATIO_FROM = 16 << 20
PROLOG = 4096
WIDTHS = {"id": 24, "zh": 18, "zh_hant": 18, "zh_regional": 24, "pinyin": 24, "fr": 36, "en": 32, "note": 40,
          "source": 30, "fr_variants": 36, "en_variants": 32, "fr_provenance": 30,
          "en_provenance": 30, "imported_from": 24}


def write(records: Iterable[Mapping[str, Any]], out: IO[bytes], options: WriteOptions,
          name: str = "xlsx") -> None:
    import xlsxwriter

    with tempfile.TemporaryDirectory(prefix="glossary-xlsx-") as tmp:
        path = Path(tmp) / "export.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                               "strings_to_formulas": False, "strings_to_urls": False,
                                               "tmpdir": tmp})
        sheet = book.add_worksheet("glossary")
        bold = book.add_format({"bold": True, "bg_color": "#E8E8E8", "bottom": 1})
        for i, column in enumerate(COLUMNS):
            sheet.set_column(i, i, WIDTHS.get(column, 14))
        sheet.freeze_panes(1, 0)
        n = 0
        for n, cells in enumerate(rows(records)):
            for i, value in enumerate(cells):
                if n == 0:
                    sheet.write_string(0, i, value, bold)
                elif value:
                    sheet.write_string(n, i, value)
        sheet.autofilter(0, 0, max(n, 1), len(COLUMNS) - 1)
        book.close()
        with open(path, "rb") as fh:
            shutil.copyfileobj(fh, out)


# --------------------------------------------------------------------------- reading

def check_archive(path: Path) -> None:
    """Refuse what is not a workbook, or is a hostile one (see the module's doc)."""
    shown = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError("not an Excel workbook (.xlsx is a zip archive; this file is not one)",
                         shown) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", shown) from None
    with archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise InputError("not an Excel workbook (a zip archive without a workbook in it)", shown)
        total = 0
        for member in members:
            total += member.file_size
            if total > MAX_UNPACKED:
                raise InputError(f"refused: would unpack to more than {MAX_UNPACKED >> 30} GiB "
                                 "(a zip bomb?)", shown)
            if member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
                raise InputError(f"refused: {member.filename} is packed "
                                 f"{member.file_size // max(member.compress_size, 1)} to 1 (a zip bomb?)",
                                 shown)
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            try:
                with archive.open(member) as fh:
                    head = fh.read(PROLOG)
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
                raise InputError(f"damaged workbook: {member.filename}: {exc}", shown) from None
            upper = head.upper()
            if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
                raise InputError(f"refused: {member.filename} declares a document type "
                                 "(entities are not allowed in a workbook)", shown)


def read(path: Path, options: ReadOptions, name: str = "xlsx") -> Iterator[Row | Skip | str]:
    check_archive(path)
    from python_calamine import CalamineError, CalamineWorkbook

    shown = str(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        table = sheet.iter_rows()
    except (CalamineError, ValueError, OSError) as exc:
        raise InputError(f"unreadable workbook: {exc}", shown) from None
    except Exception as exc:  # calamine's errors of its own (zip, XML) have no common base
        if type(exc).__module__.startswith("python_calamine"):
            raise InputError(f"unreadable workbook: {exc}", shown) from None
        raise

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for n, values in enumerate(table, start=1):
                yield n, list(values)
        except Exception as exc:
            if type(exc).__module__.startswith("python_calamine"):
                raise InputError(f"unreadable workbook: {exc}", shown) from None
            raise

    yield from read_table(numbered(), options, shown)
