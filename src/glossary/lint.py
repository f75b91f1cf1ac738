"""The checks of ``glossary validate`` beyond the schema.

- duplicate ids within one layer and duplicate ``zh`` across the glossary;
- ``pinyin`` against the characters, as pypinyin reads them in context, unless
  the entry marks its reading as deliberate (``pinyin_deliberate: true``);
- ``zh_hant`` against OpenCC's conversion of ``zh`` (standard, Taiwan and Hong
  Kong forms are all accepted) unless ``zh_hant_deliberate: true``;
- ``zh_regional``: a regional form that is the entry's own ``zh`` or ``zh_hant`` but
  for characters (which matching folds anyway), one given twice, and one that is
  another entry's form (in text it is marked as that entry) without a ``see_also``
  between the two;
- a domain that is not one of the entry's category;
- ``see_also`` pointing at ids that do not exist.

Entries of a file that breaks the schema are still checked for what can be
checked, so that one run reports every problem.

pypinyin and OpenCC are imported here only, when a check runs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from glossary.errors import TermFileError
from glossary.model import Entry, Origin


@dataclass(frozen=True, slots=True)
class Problem:
    path: str | None
    line: int | None
    col: int | None
    id: str | None
    check: str  # schema | duplicate-id | duplicate-zh | pinyin | zh_hant | zh_regional | domain | see_also
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


# A function that cuts Chinese into words (the CLI passes jieba's, through glossary.segment).
WordCutter = Callable[[str], list[str]]


@dataclass(frozen=True, slots=True)
class PinyinMismatch:
    """How an entry's pinyin differs from the characters' reading."""

    message: str
    suggestion: str


def _written(letters: str, tone: int) -> str:
    from pypinyin.contrib.tone_convert import to_tone

    return to_tone(f"{letters}{tone}") if 1 <= tone <= 4 else to_tone(letters)


def _syllable_fault(written: tuple[str, int], wanted: tuple[str, int], reading: str,
                    hanzi: str) -> str:
    shown = _written(*written)
    if written[0] != wanted[0]:
        return f"{shown!r} for {hanzi}, which reads {reading}"
    if written[1] == 5:
        return f"{shown!r} ({hanzi}) lacks its tone: {reading}"
    if wanted[1] == 5:
        return f"{shown!r} ({hanzi}) is neutral: {reading}"
    return f"{shown!r} ({hanzi}) has the wrong tone: {reading}"


def _regrouped(pinyin: str, readings: list[str]) -> str | None:
    """``readings`` grouped into words as the written ``pinyin`` groups its syllables
    (None when the syllable counts differ)."""
    from glossary.pinyin import join_word, syllables_of

    parts = re.split(r"(\s+|-)", pinyin.strip())
    out, i = [], 0
    for part in parts:
        if not part or part.isspace() or part == "-":
            out.append(" " if part and part.isspace() else part)
            continue
        count = len(syllables_of(part))
        out.append(join_word(readings[i:i + count]))
        i += count
    return "".join(out) if i == len(readings) else None


def pinyin_mismatch(zh: str, pinyin: str, cut: WordCutter | None = None) -> PinyinMismatch | None:
    """None if ``pinyin`` agrees with pypinyin's reading of ``zh``; else which syllables
    are wrong, and the reading written word-joined (as the entry groups its words, or
    as ``cut`` cuts the Chinese when the syllables do not line up)."""
    from glossary.pinyin import HAN_RUN, hanzi_readings, syllables_of, word_joined

    readings = hanzi_readings(zh)
    pairs = [(h, r) for h, r in zip("".join(HAN_RUN.findall(zh)), readings) if r]
    expected = [r for _, r in pairs]
    if not expected or pinyin_letters(pinyin) == pinyin_letters("".join(expected)):
        return None
    written = [(letters, tone) for letters, tone in syllables_of(pinyin)]
    wanted = [syllables_of(r)[0] if syllables_of(r) else (r, 5) for r in expected]
    if len(written) == len(wanted):
        faults = [_syllable_fault(w, e, r, h)
                  for w, e, (h, r) in zip(written, wanted, pairs) if w != e]
        message = f"pinyin {pinyin!r}: " + "; ".join(faults) if faults else \
            f"pinyin {pinyin!r} is not written as the characters {zh} read"
    else:
        syllables = "syllable" if len(written) == 1 else "syllables"
        message = (f"pinyin {pinyin!r} has {len(written)} {syllables}, the characters {zh} "
                   f"have {len(wanted)}")
    # As the entry groups its words, unless it wrote a syllable at a time (wú rén jī):
    # then as the word-joined rule wants, along the words of the Chinese.
    one_by_one = len(written) > 1 and len(pinyin.split()) == len(written)
    suggestion = _regrouped(pinyin, expected) \
        if len(written) == len(wanted) and not (one_by_one and cut is not None) else None
    if suggestion is None:
        words = cut(zh) if cut is not None else [zh]
        suggestion = word_joined(words, readings)
    return PinyinMismatch(message, suggestion)


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


# --------------------------------------------------------------------------- one entry

@dataclass(frozen=True, slots=True)
class Fields:
    """The fields of one entry the per-entry checks read, and where it is written:
    from a loaded entry, or from the raw mapping of an entry the schema rejects."""

    id: str | None
    zh: str | None
    pinyin: str | None
    zh_hant: str | None
    domain: str | None
    category: str | None
    pinyin_deliberate: bool
    zh_hant_deliberate: bool
    path: str | None
    line: int | None
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    zh_regional: tuple[tuple[str, str], ...] = ()  # (text, region)

    @classmethod
    def of_entry(cls, entry: Entry, positions: dict[str, tuple[int, int]] | None = None) -> "Fields":
        origin = entry.origin or Origin("", 0, False)
        return cls(entry.id, entry.zh, entry.pinyin, entry.zh_hant, entry.domain, entry.category,
                   entry.pinyin_deliberate, entry.zh_hant_deliberate, origin.path or None,
                   origin.line or None, positions or {},
                   tuple((r.text, r.region.value) for r in entry.zh_regional))

    @classmethod
    def of_raw(cls, raw: dict, path: str, line: int,
               positions: dict[str, tuple[int, int]]) -> "Fields":
        """The fields of an entry the schema rejects; a value longer than the schema
        allows is left out (the schema says so; checking it would cost time, and
        quoting it a line of megabytes)."""
        from glossary.store import field_limits

        limits = field_limits()

        def text(key: str) -> str | None:
            value = raw.get(key)
            fits = isinstance(value, str) and 0 < len(value) <= limits.get(key, len(value))
            return value if fits else None

        regional = raw.get("zh_regional")
        pairs = tuple((r["text"], str(r.get("region"))) for r in regional
                      if isinstance(r, dict) and isinstance(r.get("text"), str)
                      and len(r["text"]) <= limits["zh_regional"]) \
            if isinstance(regional, list) else ()
        return cls(text("id"), text("zh"), text("pinyin"), text("zh_hant"), text("domain"),
                   text("category"), raw.get("pinyin_deliberate") is True,
                   raw.get("zh_hant_deliberate") is True, path, line, positions, pairs)

    def problem(self, key: str | None, check: str, message: str,
                suggestion: str | None = None) -> Problem:
        """A problem located at the line of ``key`` (the entry's line if not known)."""
        where = self.positions.get(key) or self.positions.get(key.split("[")[0]) if key else None
        line, col = where or (self.line, None)
        return Problem(self.path, line, col, self.id, check, message, suggestion)


EntryCheck = Callable[[Fields, "WordCutter | None"], list[Problem]]
ENTRY_CHECKS: list[EntryCheck] = []


def entry_check(fn: EntryCheck) -> EntryCheck:
    ENTRY_CHECKS.append(fn)
    return fn


@entry_check
def _pinyin_check(item: Fields, cut: WordCutter | None) -> list[Problem]:
    if item.pinyin_deliberate or not item.zh or not item.pinyin:
        return []
    mismatch = pinyin_mismatch(item.zh, item.pinyin, cut)
    if mismatch is None:
        return []
    return [item.problem("pinyin", "pinyin", mismatch.message, mismatch.suggestion)]


@entry_check
def _zh_hant_check(item: Fields, cut: WordCutter | None) -> list[Problem]:
    if not item.zh or not item.zh_hant or item.zh_hant_deliberate:
        return []
    forms = traditional_forms(item.zh)
    if item.zh_hant in forms:
        return []
    return [item.problem("zh_hant", "zh_hant",
                         f"zh_hant {item.zh_hant!r} differs from OpenCC's conversion",
                         " / ".join(sorted(forms)))]


@entry_check
def _regional_check(item: Fields, cut: WordCutter | None) -> list[Problem]:
    """A regional form must differ in words from the entry's own forms, and be given once."""
    from glossary.normalize import fold_hanzi

    problems = []
    own = {fold_hanzi(f) for f in (item.zh, item.zh_hant) if f}
    seen: set[tuple[str, str]] = set()
    for i, (text, region) in enumerate(item.zh_regional):
        folded = fold_hanzi(text)
        at = f"zh_regional[{i}]"  # the line of that form
        if text in (item.zh_hant, item.zh):
            name = "zh_hant" if text == item.zh_hant else "zh"
            problems.append(item.problem(at, "zh_regional",
                                         f"zh_regional {text!r} ({region}) is the {name}",
                                         "leave it out"))
        elif folded in own:
            problems.append(item.problem(
                at, "zh_regional",
                f"zh_regional {text!r} ({region}) differs from zh / zh_hant only in characters, "
                "which matching folds anyway: a regional form is for other words", "leave it out"))
        elif (folded, region) in seen:
            problems.append(item.problem(at, "zh_regional",
                                         f"zh_regional {text!r} ({region}) is given twice"))
        seen.add((folded, region))
    return problems


@entry_check
def _domain_check(item: Fields, cut: WordCutter | None) -> list[Problem]:
    from glossary.taxonomy import DOMAINS, GENERAL

    category_of = {d.slug: d.category for d in DOMAINS}
    if item.domain not in category_of or item.category is None:
        return []  # general, or unknown (the schema says so)
    if category_of[item.domain] == item.category:
        return []
    return [item.problem("domain", "domain",
                         f"domain {item.domain!r} belongs to category "
                         f"{category_of[item.domain]!r}, not {item.category!r}",
                         f"category: {category_of[item.domain]}" if item.category != GENERAL
                         else None)]


def check_fields(item: Fields, cut: WordCutter | None = None) -> list[Problem]:
    return [p for check in ENTRY_CHECKS for p in check(item, cut)]


# --------------------------------------------------------------------------- a set of entries

Positions = dict[tuple[str, int], dict[str, tuple[int, int]]]


def lint_entries(entries: Sequence[Entry], positions: Positions | None = None,
                 cut: WordCutter | None = None) -> list[Problem]:
    """Problems found in loaded entries (which already passed the schema).

    ``positions`` (from :func:`lint_files`) gives the line of each field, so that a
    problem points at the line to edit."""
    problems: list[Problem] = []
    ids = {e.id for e in entries}
    first_zh: dict[str, Entry] = {}
    forms = _forms_by_entry(entries)
    for entry in entries:
        origin = entry.origin or Origin("", 0, False)
        item = Fields.of_entry(entry, (positions or {}).get((origin.path, origin.line)))
        other = first_zh.setdefault(entry.zh, entry)
        if other is not entry:
            problems.append(item.problem("zh", "duplicate-zh",
                                         f"zh {entry.zh!r} is also the zh of {other.id!r} ({other.origin})"))
        problems.extend(check_fields(item, cut))
        problems.extend(_regional_elsewhere(entry, item, forms))
        for ref in entry.see_also:
            if ref not in ids:
                problems.append(item.problem("see_also", "see_also",
                                             f"see_also: no entry with id {ref!r}"))
    return problems


def _forms_by_entry(entries: Sequence[Entry]) -> dict[str, list[tuple[Entry, str]]]:
    """Each folded Chinese form of the entries: the entries that have it, and as what."""
    from glossary.normalize import fold_hanzi

    out: dict[str, list[tuple[Entry, str]]] = {}
    for entry in entries:
        named = [(entry.zh, "zh"), (entry.zh_hant, "zh_hant")]
        named += [(v.text, "zh variant") for v in entry.zh_variants]
        named += [(r.text, "regional form") for r in entry.zh_regional]
        done: set[str] = set()
        for form, name in named:
            folded = fold_hanzi(form) if form else ""
            if folded and folded not in done:
                done.add(folded)
                out.setdefault(folded, []).append((entry, name))
    return out


def _regional_elsewhere(entry: Entry, item: Fields,
                        forms: dict[str, list[tuple[Entry, str]]]) -> list[Problem]:
    """A regional form that is also another entry's form: in text, the other entry's main
    form wins (and of two regional forms, the later entry's), so the two entries must
    say they are related (``see_also``, either way)."""
    from glossary.normalize import fold_hanzi

    problems = []
    for i, regional in enumerate(entry.zh_regional):
        for other, name in forms.get(fold_hanzi(regional.text), ()):
            if other is entry or other.id in entry.see_also or entry.id in other.see_also:
                continue
            marked = "that entry" if name in ("zh", "zh_hant") else "the later of the two entries"
            problems.append(item.problem(
                f"zh_regional[{i}]", "zh_regional",
                f"zh_regional {regional.text!r} ({regional.region.value}) is also the {name} of "
                f"{other.id!r}: in text it is marked as {marked}", f"see_also: [{other.id}]"))
    return problems


def _field_positions(entry_node) -> dict[str, tuple[int, int]]:
    import yaml

    if not isinstance(entry_node, yaml.MappingNode):
        return {}
    positions = {key.value: (value.start_mark.line + 1, value.start_mark.column + 1)
                 for key, value in entry_node.value}
    for key, value in entry_node.value:  # the items of a list: zh_regional[0] …
        if isinstance(value, yaml.SequenceNode):
            positions.update({f"{key.value}[{i}]": (item.start_mark.line + 1, item.start_mark.column + 1)
                              for i, item in enumerate(value.value)})
    return positions


def _foreign_entries(path: Path, known: dict[str, str] | None) -> tuple[list[tuple[dict, int]], list[Problem]]:
    """The entries of a term base in an exchange format, and each thing it made us skip."""
    from glossary.formats import read_terms
    from glossary.store import schema_errors

    imported = read_terms(path, known or {})
    problems = [Problem(str(path), None, None, None, "skipped", f"{where}: skipped: {reason}")
                for reason, where in imported.skipped]
    data = {"entries": imported.entries, **({"domains": imported.domains} if imported.domains else {})}
    problems.extend(Problem(e.path, e.line, e.col, None, "schema", e.message)
                    for e in schema_errors(path, None, data, shipped=False))
    return list(zip(imported.entries, imported.lines)), problems


def _sound_entry(path: Path, raw: dict, data: dict) -> dict | None:
    """``raw`` as loading would make it, if it passes the schema on its own (in a file
    whose other entries do not), else None."""
    from glossary.store import is_shipped, schema_errors

    declared = data.get("domains") if isinstance(data.get("domains"), list) else []
    alone = {"entries": [raw], **({"domains": declared} if declared else {})}
    if schema_errors(path, None, alone):
        alone = {"entries": [raw]}
        if schema_errors(path, None, alone):
            return None
    if is_shipped(path):
        return raw
    from glossary.formats.complete import fill_entries

    return fill_entries([raw], path.name, alone.get("domains") or [])[0]


def lint_files(paths: Iterable[Path], deep: bool = True, positions: Positions | None = None,
               cut: WordCutter | None = None,
               known: dict[str, str] | None = None) -> tuple[list[Entry], list[Problem]]:
    """Read term files as one layer and report every problem; unreadable files raise.

    An entry of a file that breaks the schema is still checked for what can be
    checked (pinyin, traditional form, domain). With ``deep`` false, the entries that
    pass the schema are checked only for duplicate ids (the caller checks them with
    :func:`lint_entries`); ``positions`` collects the line of each of their fields.
    A term base in an exchange format (TBX, CSV …) is read as ``--terms`` reads it
    (``known``: the shipped Chinese forms and their ids), and what it made us skip is
    a problem."""
    from glossary.store import YAML_SUFFIXES, is_shipped, node_at, read_term_file, schema_errors

    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: dict[str, Origin] = {}
    positions = {} if positions is None else positions
    for path in paths:
        if path.suffix.lower() not in YAML_SUFFIXES:
            found, foreign_problems = _foreign_entries(path, known)
            problems.extend(foreign_problems)
            for raw, line in found:
                origin = Origin(str(path), line, False)
                if raw["id"] in seen:
                    problems.append(Problem(origin.path, line, None, raw["id"], "duplicate-id",
                                            f"duplicate id (first at {seen[raw['id']]})"))
                    continue
                seen[raw["id"]] = origin
                entries.append(Entry.from_dict(raw, origin))
            continue
        node, data = read_term_file(path)
        errors = schema_errors(path, node, data)
        problems.extend(Problem(e.path, e.line, e.col, None, "schema", e.message) for e in errors)
        raws = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(raws, list):
            continue
        if not errors and not is_shipped(path):
            from glossary.formats.complete import fill_entries

            raws = fill_entries(raws, path.name, data.get("domains") or [])
        entries_node = node_at(node, ["entries"])
        for i, raw in enumerate(raws):
            entry_node = entries_node.value[i]
            where = (str(path), entry_node.start_mark.line + 1)
            fields = _field_positions(entry_node)
            if errors:
                if not isinstance(raw, dict):
                    continue
                problems.extend(check_fields(Fields.of_raw(raw, *where, fields), cut))
                raw = _sound_entry(path, raw, data)
                if raw is None:
                    continue
                # An entry that passes the schema on its own joins the checks across
                # entries (duplicates, see_also): one broken entry hides nothing else.
            origin = Origin(where[0], where[1], False)
            if raw["id"] in seen:
                problems.append(Problem(origin.path, origin.line, None, raw["id"], "duplicate-id",
                                        f"duplicate id (first at {seen[raw['id']]})"))
                continue
            seen[raw["id"]] = origin
            positions[where] = fields
            entries.append(Entry.from_dict(raw, origin))
    if deep:
        problems.extend(lint_entries(entries, positions, cut))
    return entries, problems


__all__ = ["Problem", "lint_entries", "lint_files", "check_pinyin", "pinyin_mismatch",
           "traditional_forms", "TermFileError"]
