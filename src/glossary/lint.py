"""The checks of ``glossary validate`` beyond the schema.

- duplicate ids within one layer and duplicate ``zh`` across the glossary;
- ``pinyin`` against the characters, as pypinyin reads them in context, unless
  the entry marks its reading as deliberate (``pinyin_deliberate: true``);
- ``zh_hant`` against OpenCC's conversion of ``zh`` (standard, Taiwan and Hong
  Kong forms are all accepted) unless ``zh_hant_deliberate: true``;
- ``see_also`` pointing at ids that do not exist.

pypinyin and OpenCC are imported here only, when a check runs.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from glossary.errors import TermFileError
from glossary.model import Entry, Origin


@dataclass(frozen=True, slots=True)
class Problem:
    path: str | None
    line: int | None
    col: int | None
    id: str | None
    check: str  # schema | duplicate-id | duplicate-zh | pinyin | zh_hant | see_also
    message: str
    suggestion: str | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.path, self.line, self.col) if p is not None)
        text = f"{where}: " if where else ""
        text += f"{self.id}: " if self.id else ""
        text += self.message
        if self.suggestion:
            text += f" (suggestion: {self.suggestion})"
        return text

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "col": self.col, "id": self.id,
                "check": self.check, "message": self.message, "suggestion": self.suggestion}




def pinyin_letters(text: str) -> str:
    """A pinyin string reduced to its letters with their tone marks, for comparison."""
    return "".join(c for c in unicodedata.normalize("NFC", text.casefold()) if c.isalpha())


def expected_pinyin(zh: str) -> list[str]:
    """pypinyin's reading of the Han characters of ``zh``, one syllable each, in context."""
    from glossary.pinyin import hanzi_readings

    return [r for r in hanzi_readings(zh) if r]


def check_pinyin(entry: Entry) -> str | None:
    """None if the entry's pinyin agrees with the characters, else pypinyin's reading."""
    expected = expected_pinyin(entry.zh)
    if pinyin_letters(entry.pinyin) == pinyin_letters("".join(expected)):
        return None
    return " ".join(expected)


_CONVERTERS: dict[str, object] = {}


def traditional_forms(zh: str) -> set[str]:
    """OpenCC's traditional forms of ``zh``: standard, Taiwan and Hong Kong characters."""
    import opencc

    forms = set()
    for config in ("s2t", "s2tw", "s2hk"):
        converter = _CONVERTERS.get(config)
        if converter is None:
            converter = _CONVERTERS[config] = opencc.OpenCC(config)
        forms.add(converter.convert(zh))
    return forms


def _problem(entry: Entry, check: str, message: str, suggestion: str | None = None) -> Problem:
    origin = entry.origin or Origin("", 0, False)
    return Problem(origin.path or None, origin.line or None, None, entry.id, check, message, suggestion)


def lint_entries(entries: Sequence[Entry]) -> list[Problem]:
    """Problems found in loaded entries (which already passed the schema)."""
    problems: list[Problem] = []
    ids = {e.id for e in entries}
    first_zh: dict[str, Entry] = {}
    for entry in entries:
        other = first_zh.setdefault(entry.zh, entry)
        if other is not entry:
            problems.append(_problem(entry, "duplicate-zh",
                                     f"zh {entry.zh!r} is also the zh of {other.id!r} ({other.origin})"))
        if not entry.pinyin_deliberate:
            suggestion = check_pinyin(entry)
            if suggestion is not None:
                problems.append(_problem(entry, "pinyin",
                                         f"pinyin {entry.pinyin!r} does not match the characters {entry.zh}",
                                         suggestion))
        if entry.zh_hant and not entry.zh_hant_deliberate:
            forms = traditional_forms(entry.zh)
            if entry.zh_hant not in forms:
                problems.append(_problem(entry, "zh_hant",
                                         f"zh_hant {entry.zh_hant!r} differs from OpenCC's conversion",
                                         " / ".join(sorted(forms))))
        for ref in entry.see_also:
            if ref not in ids:
                problems.append(_problem(entry, "see_also", f"see_also: no entry with id {ref!r}"))
    return problems


def lint_files(paths: Iterable[Path], deep: bool = True) -> tuple[list[Entry], list[Problem]]:
    """Read term files as one layer and report every problem; unreadable files raise.

    With ``deep`` false, only the schema and duplicate ids are checked."""
    from glossary.store import node_at, read_term_file, schema_errors

    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: dict[str, Origin] = {}
    for path in paths:
        node, data = read_term_file(path)
        errors = schema_errors(path, node, data)
        problems.extend(Problem(e.path, e.line, e.col, None, "schema", e.message) for e in errors)
        if errors:
            continue
        entries_node = node_at(node, ["entries"])
        for i, raw in enumerate(data["entries"]):
            origin = Origin(str(path), entries_node.value[i].start_mark.line + 1, False)
            if raw["id"] in seen:
                problems.append(Problem(origin.path, origin.line, None, raw["id"], "duplicate-id",
                                        f"duplicate id (first at {seen[raw['id']]})"))
                continue
            seen[raw["id"]] = origin
            entries.append(Entry.from_dict(raw, origin))
    if deep:
        problems.extend(lint_entries(entries))
    return entries, problems


__all__ = ["Problem", "lint_entries", "lint_files", "check_pinyin", "traditional_forms",
           "TermFileError"]
