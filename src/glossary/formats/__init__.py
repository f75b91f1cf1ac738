"""Exchange formats: the term base in and out of other tools, whole entries at a time.

One module per format, behind one registry (:data:`FORMATS`): a name, the file
suffixes it owns, whether it is binary, and the module that implements it, imported
only when the format is used. A module implements either or both of

- ``write(records, out, options)``: records (dicts of the term-file fields, as
  :meth:`glossary.store.StoreGlossary.records` gives them) to a binary file object;
- ``read(path, options)``: the entries of a file as :class:`Row` s (the fields found,
  and where) and :class:`Skip` s (what could not be used, and why).

:func:`read_terms` turns what a reader found into complete term-file entries
(:mod:`glossary.formats.complete` fills and marks what the file lacks). Nothing
here prints; errors are :class:`~glossary.errors.GlossaryError` s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, Iterator, Mapping

from glossary.errors import InputError, UsageError


@dataclass(frozen=True, slots=True)
class FormatSpec:
    name: str
    module: str
    suffixes: tuple[str, ...]
    binary: bool = False
    description: str = ""

    def load(self) -> Any:
        return import_module(self.module)

    @property
    def readable(self) -> bool:
        return hasattr(self.load(), "read")

    @property
    def writable(self) -> bool:
        return hasattr(self.load(), "write")


FORMATS: dict[str, FormatSpec] = {}


def register(spec: FormatSpec) -> FormatSpec:
    FORMATS[spec.name] = spec
    return spec


register(FormatSpec("tbx", "glossary.formats.tbx", (".tbx",),
                    description="TBX v2 (martif), read by translate-toolkit, Weblate, OmegaT, memoQ, Phrase"))
register(FormatSpec("tbx3", "glossary.formats.tbx3", (),
                    description="TBX 2019 (ISO 30042:2019), TBX-Basic dialect, DCA style"))
register(FormatSpec("csv", "glossary.formats.delimited", (".csv",),
                    description="comma-separated, one concept a row, variants separated by ' | '"))
register(FormatSpec("tsv", "glossary.formats.delimited", (".tsv", ".tab"),
                    description="tab-separated, one concept a row"))
register(FormatSpec("xlsx", "glossary.formats.xlsx", (".xlsx",), binary=True,
                    description="an Excel workbook, one concept a row"))
register(FormatSpec("omegat", "glossary.formats.omegat", (".utf8",),
                    description="OmegaT glossary: source, target, comment, tab-separated"))
register(FormatSpec("anki", "glossary.formats.anki", (".apkg",), binary=True,
                    description="an Anki deck (.apkg), Chinese → French and French → Chinese cards"))
register(FormatSpec("yaml", "glossary.formats.termfile", (".yaml", ".yml"),
                    description="our own term files"))
register(FormatSpec("html", "glossary.formats.page", (".html", ".htm"),
                    description="one standalone page, with a search box, printable"))

# What ``--terms`` and import read without being told the format.
READ_SUFFIXES = {s: name for name, spec in FORMATS.items() for s in spec.suffixes}


def get(name: str) -> FormatSpec:
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None


def detect(path: Path) -> FormatSpec:
    """The format of a file by its suffix."""
    name = READ_SUFFIXES.get(path.suffix.lower())
    if name is None:
        raise UsageError(f"{path}: cannot tell the format from the suffix {path.suffix or '(none)'!r}: "
                         "give --format")
    return FORMATS[name]


# --------------------------------------------------------------------------- options

@dataclass(frozen=True)
class WriteOptions:
    """How to write: the target language of bilingual formats, the Chinese language
    tags, the names of domains the term files declare, a title."""

    lang: str = "fr"  # fr or en: the language after Chinese
    zh_tags: str = "script"  # script: zh-Hans / zh-Hant; region: zh-CN / zh-TW
    domains: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    title: str = "glossary"
    bom: bool = False  # csv: a UTF-8 BOM, for Excel

    def zh_tag(self, traditional: bool = False) -> str:
        if self.zh_tags == "region":
            return "zh-TW" if traditional else "zh-CN"
        return "zh-Hant" if traditional else "zh-Hans"

    def domain_label(self, slug: str) -> str:
        """The domain as exchange formats name it: a declared domain by its name, the
        directive's by its slug."""
        declared = self.domains.get(slug) or {}
        return str(declared.get("name") or slug)


@dataclass(frozen=True)
class ReadOptions:
    """How to read: the format (None: by suffix), the language of a bare "Target"
    column, column overrides (``--map COLUMN=FIELD``), the encoding of text files."""

    format: str | None = None
    lang: str = "fr"
    columns: Mapping[str, str] = field(default_factory=dict)
    encoding: str | None = None


# --------------------------------------------------------------------------- what readers give

@dataclass(slots=True)
class Row:
    """One entry as a file gives it: our field names (values as found), and where."""

    fields: dict[str, Any]
    line: int  # line (or row) of the file where the entry starts
    where: str  # how to name it in messages: "row 12", "termEntry c3"
    ours: bool = False  # written by us: its id is the entry's id


@dataclass(frozen=True, slots=True)
class Skip:
    reason: str
    where: str


@dataclass
class Imported:
    """The entries read from a file, complete, with the line of each; what was skipped
    (reason, where); the domains the file brought; notes on the reading (columns
    ignored, languages left out); how many entries override a shipped one."""

    entries: list[dict[str, Any]]
    lines: list[int]
    skipped: list[tuple[str, str]]
    domains: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    overrides: int = 0


def read_rows(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Row | Skip | str]:
    """What the reader of ``path``'s format finds: rows, skips, and notes (strings)."""
    spec = get(options.format) if options.format else detect(path)
    module = spec.load()
    if not hasattr(module, "read"):
        raise UsageError(f"the {spec.name} format is written only, not read")
    if not path.is_file():
        raise InputError("no such file" if not path.exists() else "not a regular file", path)
    return module.read(path, options, spec.name)


def read_terms(path: Path, known: Mapping[str, str] | None = None,
               options: ReadOptions = ReadOptions(), seen: Any = None) -> Imported:
    """The entries of a term base in an exchange format, complete and checked: what the
    file lacks filled and marked, ids given (a shipped entry's for a ``zh`` in ``known``,
    which maps shipped Chinese forms to their ids)."""
    from glossary.formats.complete import complete

    spec = get(options.format) if options.format else detect(path)
    if spec.name == "yaml":
        from glossary.store import parse_term_file

        parsed = parse_term_file(path)
        return Imported([e for e, _ in parsed], [n for _, n in parsed], [],
                        list(getattr(parsed, "domains", [])))
    return complete(read_rows(path, options), path.name, known or {}, seen=seen)


def skip_summary(name: str, skipped: list[tuple[str, str]], limit: int = 5) -> list[str]:
    """What was skipped, one line a reason: ``client.tbx: skipped 3 entries: no Chinese
    term (c1, c2, c3)``."""
    by_reason: dict[str, list[str]] = {}
    for reason, where in skipped:
        by_reason.setdefault(reason, []).append(where)
    lines = []
    for reason, wheres in by_reason.items():
        shown = ", ".join(wheres[:limit]) + (" …" if len(wheres) > limit else "")
        noun = "entry" if len(wheres) == 1 else "entries"
        lines.append(f"{name}: skipped {len(wheres)} {noun}: {reason} ({shown})")
    return lines
