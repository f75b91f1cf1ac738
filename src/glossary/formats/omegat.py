"""OmegaT's glossary: one term a line, tab-separated source, target, comment, UTF-8.

Written: the Chinese, the reference rendering (French, or English with ``--lang
en``), and a comment of the pinyin and the note (``xūnǐ diànchǎng — note``); each
admitted or preferred variant on a line of its own with the same Chinese (OmegaT
shows every line of a source term). Deprecated variants are left out: OmegaT
would offer them. Name the file ``.txt`` or ``.utf8`` (read as UTF-8 by OmegaT).

Read: the lines of one Chinese term make one entry (the first target its
rendering, the others admitted variants); a comment that starts with the reading of
the characters is the pinyin, the rest the note. Lines starting with ``#`` are
comments.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping

from glossary.errors import InputError
from glossary.formats import ReadOptions, Row, Skip, WriteOptions
from glossary.formats.complete import variant_cell

DASH = " — "


def _clean(text: Any) -> str:
    return " ".join(str(text).split())


def write(records: Iterable[Mapping[str, Any]], out: IO[bytes], options: WriteOptions,
          name: str = "omegat") -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    lang = options.lang
    try:
        lines = []
        for r in records:
            target = r.get(lang)
            if not target:
                continue
            comment = _clean(r.get("pinyin") or "")
            if r.get("note"):
                comment += DASH + _clean(r["note"])
            zh = _clean(r["zh"])
            lines.append(f"{zh}\t{_clean(target)}\t{comment}")
            for variant in r.get(f"{lang}_variants") or ():
                if variant["status"] != "deprecated":
                    lines.append(f"{zh}\t{_clean(variant['text'])}\t{variant['status']}")
            if len(lines) >= 1000:
                text.write("\n".join(lines) + "\n")
                lines.clear()
        if lines:
            text.write("\n".join(lines) + "\n")
        text.flush()
    finally:
        text.detach()


def _is_reading(zh: str, text: str) -> bool:
    from glossary.lint import pinyin_letters
    from glossary.pinyin import hanzi_readings

    readings = "".join(hanzi_readings(zh))
    return bool(readings) and pinyin_letters(text) == pinyin_letters(readings)


def read(path: Path, options: ReadOptions, name: str = "omegat") -> Iterator[Row | Skip | str]:
    from glossary.formats.delimited import detect_encoding

    shown = str(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("empty file", shown)
    encoding = options.encoding or detect_encoding(raw[:1 << 16], len(raw) <= 1 << 16, shown)
    try:
        content = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid {encoding}: {exc.reason}", shown) from None
    entries: dict[str, Row] = {}
    for n, line in enumerate(content.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        zh = cells[0].strip()
        target = cells[1].strip() if len(cells) > 1 else ""
        comment = cells[2].strip() if len(cells) > 2 else ""
        if not target:
            yield Skip(f"no {'French' if options.lang == 'fr' else 'English'} rendering", f"line {n}")
            continue
        row = entries.get(zh)
        if row is None:
            fields: dict[str, Any] = {"zh": [zh] if zh else [], options.lang: [target]}
            head, _, rest = comment.partition(DASH.strip())
            if head.strip() and _is_reading(zh, head):
                fields["pinyin"] = head.strip()
                comment = rest.strip()
            if comment:
                fields["note"] = comment
            entries[zh] = Row(fields, n, f"line {n}")
        else:
            status = comment if comment in ("preferred", "admitted") else "admitted"
            row.fields.setdefault(f"{options.lang}_variants", []).append(
                variant_cell({"text": target, "status": status}))
    yield from entries.values()
