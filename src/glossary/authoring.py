"""Entries made by hand: ``glossary add``.

What a person gives (the Chinese and a rendering, at least) becomes a whole entry:
what is missing is filled in and listed in the entry's ``generated`` field, to review:

- ``pinyin``: pypinyin's reading of the whole term in context, word-joined along
  the cut ``glossary extract`` uses (the fewest one-character words), punctuation of
  the Chinese written as Latin punctuation;
- ``zh_hant``: OpenCC's ``s2t``;
- ``id``: an ASCII slug of the English (else the French) rendering, unique in the
  file and in the term base the file joins;
- ``domain`` and ``category``: ``general`` when no domain is given (the category of
  a given domain follows from it, and is not listed);
- ``source``: ``glossary add`` and the date.

An entry whose ``zh`` is already an entry of the term base (a shipped one, say) takes
that entry's id, so that it overrides it, and keeps every field of it that is not
given (its variants, note, source …): what is given wins, the rest stays as it was.
Its provenance becomes ``user``; a rendering given drops the old rendering's
provenance.

Before anything is written the entry passes the checks of ``glossary validate``
(schema, pinyin against the characters, traditional form, domain against category),
and the file is written by :mod:`glossary.termfile`.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field, fields as dataclass_fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from glossary.errors import UsageError
from glossary.model import FIELDS, Entry, Provenance

# The fields an entry cannot be without (an --update cannot remove them).
REQUIRED = ("id", "zh", "pinyin", "fr", "domain", "category", "source", "provenance")
SLUG_MAX = 48


class AddRefused(UsageError):
    """An entry that cannot be added or changed as asked (a duplicate, a failed check)."""


@dataclass(frozen=True, slots=True)
class Given:
    """What a person gave for an entry: None where nothing was given; with ``update``,
    an empty string removes an optional field."""

    zh: str | None = None
    fr: str | None = None
    en: str | None = None
    pinyin: str | None = None
    zh_hant: str | None = None
    domain: str | None = None
    category: str | None = None
    note: str | None = None
    source: str | None = None
    id: str | None = None
    pinyin_deliberate: bool | None = None
    zh_hant_deliberate: bool | None = None

    def items(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclass_fields(self)
                if getattr(self, f.name) is not None}


@dataclass(frozen=True, slots=True)
class TermBase:
    """The rest of the term base the file joins: its ids, and its entries by ``zh``."""

    ids: frozenset[str] = frozenset()
    by_zh: dict[str, Entry] = field(default_factory=dict)
    traditional: dict[str, Entry] = field(default_factory=dict)  # zh_hant → entry

    @classmethod
    def of_store(cls, store: Any, leave_out: Path) -> "TermBase":
        """The live entries of a compiled store, but those read from ``leave_out``."""
        from glossary.store import entries_by_number

        left_out = str(Path(leave_out).resolve())
        rows = store.query("SELECT e.n, e.id, f.path FROM entry e JOIN file f ON e.fid = f.fid "
                           "WHERE e.live = 1")
        numbers = [n for n, _, path in rows if path != left_out]
        entries = entries_by_number(store, numbers)
        by_zh: dict[str, Entry] = {}
        traditional: dict[str, Entry] = {}
        for n in sorted(entries):
            entry = entries[n]
            by_zh.setdefault(entry.zh, entry)
            if entry.zh_hant:
                traditional.setdefault(entry.zh_hant, entry)
        return cls(frozenset(e.id for e in entries.values()), by_zh, traditional)

    def by_id(self, entry_id: str) -> Entry | None:
        return next((e for e in self.by_zh.values() if e.id == entry_id), None)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What was written (or, in a dry run, would be)."""

    action: str  # added | updated
    entry: dict[str, Any]
    path: Path
    line: int
    overrides: Entry | None  # the entry of the term base this one replaces
    changed: tuple[str, ...]  # updated: the fields that changed
    created: bool
    layout_kept: bool
    dry_run: bool


# --------------------------------------------------------------------------- filling in

_PUNCTUATION = str.maketrans({"、": ",", "，": ",", "；": ";", "：": ":", "。": ".", "！": "!",
                              "？": "?", "（": "(", "）": ")", "〔": "[", "〕": "]", "【": "[",
                              "】": "]", "《": "", "》": "", "“": "", "”": "", "·": " "})


@lru_cache(maxsize=16)
def make_pinyin(zh: str) -> str:
    """Word-joined pinyin with tone marks for ``zh``: pypinyin's reading of the whole
    term, cut into words as ``glossary extract`` cuts a candidate (无人机 → wúrénjī,
    智能网联汽车 → zhìnéng wǎnglián qìchē)."""
    from glossary.extract import Background
    from glossary.pinyin import hanzi_readings, word_joined

    words = Background(zh, None).reading_words(zh)
    text = word_joined([w.translate(_PUNCTUATION) for w in words], hanzi_readings(zh))
    text = re.sub(r"\s+([,.;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    return " ".join(text.split())


@lru_cache(maxsize=16)
def make_traditional(zh: str) -> str:
    from glossary.extract import to_traditional

    return to_traditional(zh)


def make_slug(text: str, taken: set[str]) -> str:
    """An ASCII id from a rendering: ``véhicule aérien sans pilote`` →
    ``vehicule-aerien-sans-pilote``, cut at a word under :data:`SLUG_MAX` characters,
    ``-2``, ``-3`` … added until it is not ``taken``."""
    from glossary.extract import slug
    from glossary.normalize import drop_elision, fold

    base = re.sub(r"[^a-z0-9]+", "-", drop_elision(fold(text))).strip("-")
    while len(base) > SLUG_MAX and "-" in base:
        base = base.rsplit("-", 1)[0]
    return slug(base[:SLUG_MAX] or "term", set(taken))


def source_of_today(today: _dt.date | None = None) -> str:
    return f"added with glossary add on {(today or _dt.date.today()).isoformat()}"


# --------------------------------------------------------------------------- checks

def _check_text(name: str, value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"--{name.replace('_', '-')}: not valid text (bytes that are not "
                         "UTF-8?)") from None


def _check_chinese(zh: str) -> None:
    from glossary.pinyin import HAN_RUN

    if any(unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp")
           for c in zh):
        raise UsageError(f"--zh: {zh!r} is not one line of text (a control character or a line break)")
    if not HAN_RUN.search(zh):
        raise UsageError(f"--zh: {zh!r} has no Chinese characters (the French goes in --fr)")


def check_entry(entry: dict[str, Any], path: Path) -> None:
    """The checks of ``glossary validate`` on one entry: the schema, then pinyin,
    traditional form, domain against category. The first problem is raised."""
    from glossary.lint import Fields, check_fields
    from glossary.store import schema_errors

    errors = schema_errors(path, None, {"entries": [entry]})
    if errors:
        raise AddRefused(f"refused: {errors[0].message}")
    problems = check_fields(Fields.of_raw(entry, str(path), 0, {}))
    if problems:
        problem = problems[0]
        hint = {"pinyin": "; give --pinyin-deliberate if you mean it",
                "zh_hant": "; give --zh-hant-deliberate if you mean it"}.get(problem.check, "")
        suggestion = f" (suggestion: {problem.suggestion})" if problem.suggestion else ""
        raise AddRefused(f"refused: {problem.message}{suggestion}{hint}")


def _ordered(entry: dict[str, Any]) -> dict[str, Any]:
    """The fields in the order term files write them, unset ones left out."""
    order = {key: i for i, key in enumerate(FIELDS)}
    kept = {k: v for k, v in entry.items() if v not in (None, "", [], False)}
    return dict(sorted(kept.items(), key=lambda kv: order.get(kv[0], len(order))))


def _describe_base(entry: Entry) -> str:
    origin = entry.origin
    kind = "the shipped entry" if origin is not None and origin.builtin else "the entry"
    return f"{kind} {entry.id!r} ({origin})" if origin else f"{kind} {entry.id!r}"


# --------------------------------------------------------------------------- the plans

def plan_add(given: Given, current: Any, base: TermBase,
             today: _dt.date | None = None) -> tuple[dict, Entry | None]:
    """The entry to append to a file holding ``current.entries``, and the entry of the
    term base it overrides (None if none)."""
    zh, fr = given.zh, given.fr
    if not zh:
        raise UsageError("--zh is required")
    if not fr:
        raise UsageError("--fr is required (the reference French rendering)")
    for i, existing in enumerate(current.entries):
        where = f"{current.path}:{current.lines[i]}" if current.lines else str(current.path)
        if existing.get("zh") == zh:
            raise AddRefused(f"{where}: {zh} is already there (id {existing.get('id')}); "
                             "give --update to change it")
        if given.id and existing.get("id") == given.id:
            raise AddRefused(f"{where}: id {given.id!r} is already there ({existing.get('zh')}); "
                             "give --update to change it, or another --id")
    if zh not in base.by_zh and zh in base.traditional:
        other = base.traditional[zh]
        raise AddRefused(f"{zh} is the traditional form of {other.zh} ({_describe_base(other)}): "
                         f"give --zh {other.zh}")
    generated: list[str] = []
    overrides = base.by_zh.get(zh)
    entry: dict[str, Any] = {}
    if overrides is not None:
        if given.id and given.id != overrides.id:
            raise AddRefused(f"{zh} is {_describe_base(overrides)}: leave out --id to override "
                             "it with your entry")
        entry_id = overrides.id
        entry = _inherited(overrides, given)
        generated = [g for g in entry.pop("generated", []) if getattr(given, g, None) is None]
    elif given.id:
        entry_id = given.id
        overrides = base.by_id(given.id)
    else:
        taken = set(base.ids) | {e.get("id") for e in current.entries}
        entry_id = make_slug(given.en or fr, taken)
        generated.append("id")
    entry.update({k: v for k, v in given.items().items() if v != ""})
    entry["id"] = entry_id
    _fill(entry, generated, today)
    entry["provenance"] = Provenance.USER.value
    entry["generated"] = [k for k in FIELDS if k in generated]
    entry = _ordered(entry)
    return entry, overrides


def _inherited(overridden: Entry, given: Given) -> dict[str, Any]:
    """What an override keeps of the entry it overrides: every field but those given
    (a rendering given drops the old one's provenance, and the variant it repeats), its
    provenance (now the user's) and where it was imported from."""
    entry = {k: v for k, v in overridden.to_yaml_dict().items()
             if k not in ("provenance", "imported_from")}
    for lang in ("fr", "en"):
        rendering = getattr(given, lang)
        if rendering:
            entry.pop(f"{lang}_provenance", None)
            entry[f"{lang}_variants"] = [v for v in entry.get(f"{lang}_variants", [])
                                         if v["text"] != rendering]
    for name in ("pinyin", "zh_hant"):
        if getattr(given, name):
            entry.pop(f"{name}_deliberate", None)
    if given.domain and not given.category:
        entry.pop("category", None)  # follows the domain given
    return entry


def _fill(entry: dict[str, Any], generated: list[str], today: _dt.date | None,
          regenerate: Iterable[str] = ()) -> None:
    """Fill in the fields that are missing (or listed in ``regenerate``), noting which."""
    from glossary.taxonomy import DOMAINS, GENERAL

    regenerate = set(regenerate)
    zh = entry["zh"]
    if not entry.get("pinyin") or "pinyin" in regenerate:
        entry["pinyin"] = make_pinyin(zh)
        generated.append("pinyin")
        if _pinyin_has_latin(zh):
            entry["pinyin_deliberate"] = True  # letters and digits written as they are
    if not entry.get("zh_hant") or "zh_hant" in regenerate:
        entry["zh_hant"] = make_traditional(zh)
        generated.append("zh_hant")
    if not entry.get("domain"):
        entry["domain"] = GENERAL
        generated.append("domain")
    if not entry.get("category") or "category" in regenerate:
        category_of = {d.slug: d.category for d in DOMAINS}
        entry["category"] = category_of.get(entry["domain"], GENERAL)
        if "domain" in generated:
            generated.append("category")
    if not entry.get("source"):
        entry["source"] = source_of_today(today)
        generated.append("source")


def _pinyin_has_latin(zh: str) -> bool:
    """Whether the Chinese holds Latin letters (5G基站), which its pinyin keeps as they
    are and ``validate`` would otherwise count as wrong syllables."""
    return bool(re.search(r"[A-Za-z]", zh))


def plan_update(given: Given, current: Any, base: TermBase,
                today: _dt.date | None = None) -> tuple[int, dict, tuple[str, ...]]:
    """The entry of ``current`` found by ``given.id`` (else ``given.zh``), changed as
    given: (its index, the new entry, the fields that changed)."""
    key, wanted = ("id", given.id) if given.id else ("zh", given.zh)
    if not wanted:
        raise UsageError("--update needs --id or --zh to find the entry")
    found = [i for i, e in enumerate(current.entries) if e.get(key) == wanted]
    if not found:
        other = base.by_zh.get(wanted) if key == "zh" else base.by_id(wanted)
        hint = (f"; {wanted} is {_describe_base(other)}: leave out --update to add your own "
                "entry, which overrides it") if other else "; leave out --update to add it"
        raise AddRefused(f"{current.path}: no entry with {key} {wanted!r}{hint}")
    index = found[0]
    old = current.entries[index]
    changes = {k: v for k, v in given.items().items() if not (k == key or old.get(k) == v)}
    new = dict(old)
    for name, value in changes.items():
        if value == "" or value is False:
            if name in REQUIRED:
                raise UsageError(f"--{name.replace('_', '-')}: cannot be removed (a required field)")
            new.pop(name, None)
        else:
            new[name] = value
    generated = [g for g in old.get("generated", []) if g not in changes]
    regenerate: list[str] = []
    if "zh" in changes:
        zh = new["zh"]
        for i, other in enumerate(current.entries):
            if i != index and other.get("zh") == zh:
                raise AddRefused(f"{current.path}:{current.lines[i]}: {zh} is already there "
                                 f"(id {other.get('id')})")
        if zh in base.by_zh and base.by_zh[zh].id != new["id"]:
            raise AddRefused(f"{zh} is {_describe_base(base.by_zh[zh])}: add it without --update "
                             "to override it")
        # The reading and the traditional form of the old Chinese do not carry over.
        regenerate += [k for k in ("pinyin", "zh_hant") if k not in changes]
        for k in ("pinyin_deliberate", "zh_hant_deliberate"):
            if k not in changes:
                new.pop(k, None)
    if "domain" in changes and "category" not in changes:
        regenerate.append("category")  # follows the domain given
    generated = [g for g in generated if g not in regenerate]
    _fill(new, generated, today, regenerate)
    new["generated"] = [k for k in FIELDS if k in generated]
    new = _keep_order(old, {k: v for k, v in new.items() if v not in (None, "", [])})
    changed = tuple(k for k in FIELDS if old.get(k) != new.get(k))
    return index, new, changed


def _keep_order(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``new`` with the keys ``old`` had in ``old``'s order, each new key before the
    first old key that the term file order puts after it."""
    rank = {key: i for i, key in enumerate(FIELDS)}.get
    added = sorted((k for k in new if k not in old), key=lambda k: rank(k, len(FIELDS)))
    out: dict[str, Any] = {}
    for key in old:
        if key not in new:
            continue
        while added and rank(added[0], len(FIELDS)) < rank(key, len(FIELDS)):
            name = added.pop(0)
            out[name] = new[name]
        out[key] = new[key]
    for name in added:
        out[name] = new[name]
    return out


# --------------------------------------------------------------------------- the whole

def add_entry(path: Path, given: Given, base: TermBase, *, update: bool = False,
              dry_run: bool = False, make_parents: bool = False,
              today: _dt.date | None = None) -> Outcome:
    """Add (or, with ``update``, change) one entry of the term file at ``path``."""
    from glossary.termfile import Change, write_entry

    for name, value in given.items().items():
        if isinstance(value, str):
            _check_text(name, value)
            if not update and not value.strip() and name != "note":
                raise UsageError(f"--{name.replace('_', '-')}: empty")
    if given.zh is not None and given.zh != given.zh.strip():
        given = _replace(given, zh=given.zh.strip())
    if given.zh:
        _check_chinese(given.zh)
    if given.id is not None and given.id != given.id.strip():
        given = _replace(given, id=given.id.strip())
    if given.domain:
        from glossary.taxonomy import DOMAIN_SLUGS

        if given.domain not in DOMAIN_SLUGS:
            raise UsageError(f"unknown domain {given.domain!r} (glossary domains lists them)")
    if given.category:
        from glossary.taxonomy import CATEGORY_SLUGS

        if given.category not in CATEGORY_SLUGS:
            raise UsageError(f"unknown category {given.category!r}; known: {', '.join(CATEGORY_SLUGS)}")
    if given.zh:  # what does not depend on the file is made before it is locked
        make_pinyin(given.zh)
        make_traditional(given.zh)
    result: dict[str, Any] = {}

    def plan(current: Any) -> Change:
        if update:
            index, entry, changed = plan_update(given, current, base, today)
            check_entry(entry, path)
            result.update(overrides=None, changed=changed)
            return Change(entry, index)
        entry, overrides = plan_add(given, current, base, today)
        check_entry(entry, path)
        result.update(overrides=overrides, changed=())
        return Change(entry)

    written = write_entry(path, plan, make_parents=make_parents, dry_run=dry_run)
    return Outcome("updated" if update else "added", written.entry, written.path, written.line,
                   result["overrides"], result["changed"], written.created, written.layout_kept,
                   written.dry_run)


def _replace(given: Given, **changes: Any) -> Given:
    from dataclasses import replace

    return replace(given, **changes)
