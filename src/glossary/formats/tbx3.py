"""TBX 2019 (ISO 30042:2019), dialect TBX-Basic, DCA style: :mod:`glossary.formats.tbx`
writes and reads it (``tbx`` › ``conceptEntry`` › ``langSec`` › ``termSec``)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping

from glossary.formats import ReadOptions, Row, Skip, WriteOptions
from glossary.formats import tbx


def write(records: Iterable[Mapping[str, Any]], out: IO[bytes], options: WriteOptions,
          name: str = "tbx3") -> None:
    tbx.write(records, out, options, "tbx3")


def read(path: Path, options: ReadOptions, name: str = "tbx3") -> Iterator[Row | Skip | str]:
    return tbx.read(path, options, "tbx3")
