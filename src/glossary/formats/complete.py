"""What a term base from elsewhere lacks, filled in and marked.

Readers give :class:`~glossary.formats.Row` s with whatever fields the file has.
:func:`complete` makes each a term-file entry that passes the schema and
``glossary validate``:

- no Chinese, no French, a Chinese form already seen in the file: skipped, with
  the reason;
- ``id``: the file's own when we wrote the file; else the id of the shipped entry
  with the same Chinese (the entry then overrides it); else an ASCII slug of the
  pinyin;
- ``pinyin``: pypinyin's reading, word-joined along the dictionary words of the
  term (as ``glossary extract`` writes it); ``zh_hant``: OpenCC's ``s2t``;
- ``domain``: the directive's domain named by slug or by its Chinese or French name,
  else a domain of the file's own (declared in the term file it becomes), else
  ``general``; ``category``: the domain's, else ``general``; ``source``: the file;
- ``provenance: imported`` unless the file says otherwise, ``imported_from`` the file
  and row, ``generated`` the fields filled in here.

:func:`fill_entries` does the same filling for a user's YAML term file whose entries
give only ``zh`` and ``fr``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Mapping

from glossary.formats import Imported, Row, Skip
from glossary.model import FIELDS, Provenance, Status

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_ONLY = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
STATUSES = {s.value for s in Status}
GENERATED = ("id", "zh", "zh_hant", "pinyin", "domain", "category", "source")  # what may be filled in
_ORDER = {k: i for i, k in enumerate(FIELDS)}
PROVENANCES = {p.value for p in Provenance}


def fold(text: str) -> str:
    """A header or a name as compared: case, accents, spaces and punctuation folded."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[\W_]+", "", "".join(c for c in text if not unicodedata.combining(c)))


def slugify(text: str) -> str:
    """An ASCII slug of any text (accents dropped): ``Énergie éolienne`` → ``energie-eolienne``."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# --------------------------------------------------------------------------- domains

def _directive_domains() -> dict[str, str]:
    """Every way the directive's domains are named (slug, Chinese, French), folded → slug."""
    from glossary.taxonomy import DOMAINS, GENERAL

    names = {fold(GENERAL): GENERAL}
    for domain in DOMAINS:
        for name in (domain.slug, domain.zh, domain.zh.removesuffix("领域"), domain.fr):
            names[fold(name)] = domain.slug
    return names


class Domains:
    """The domains of one file: the directive's, and those the file brings."""

    def __init__(self, declared: Iterable[Mapping[str, Any]] = ()) -> None:
        self.directive = _directive_domains()
        self.declared: dict[str, dict[str, Any]] = {}
        for item in declared:
            self.declared[item["id"]] = dict(item)

    def slug_of(self, value: str) -> str:
        """The slug of a domain as a file names it; a new one is declared."""
        known = self.directive.get(fold(value))
        if known:
            return known
        if value in self.declared:
            return value
        for slug, item in self.declared.items():
            if item.get("name") == value:
                return slug
        slug = slugify(value) or "domain"
        item = self.declared.setdefault(slug, {"id": slug})
        if value != slug:
            item.setdefault("name", value)
        return slug

    def category_of(self, slug: str) -> str:
        from glossary.taxonomy import DOMAINS, GENERAL

        for domain in DOMAINS:
            if domain.slug == slug:
                return domain.category
        return str((self.declared.get(slug) or {}).get("category") or GENERAL)


# --------------------------------------------------------------------------- cells

_VARIANT = re.compile(r"^(?P<text>.*?)\s+\((?P<status>preferred|admitted|deprecated)"
                      r"(?:[;:,]\s*(?P<note>.*))?\)$", re.S)


def variant_of(text: str) -> dict[str, Any]:
    """A variant written in a cell: ``text``, ``text (admitted)``, ``text (deprecated; note)``."""
    match = _VARIANT.match(text.strip())
    if not match:
        return {"text": text.strip(), "status": Status.ADMITTED.value}
    out: dict[str, Any] = {"text": match["text"].strip(), "status": match["status"]}
    if match["note"]:
        out["note"] = match["note"].strip()
    return out


def variant_cell(variant: Mapping[str, Any]) -> str:
    """A variant as a cell writes it (see :func:`variant_of`)."""
    note = variant.get("note")
    return f"{variant['text']} ({variant['status']}{'; ' + note if note else ''})"


SEPARATOR = " | "

_REGIONAL = re.compile(r"^(?P<text>.*?)\s+\((?P<region>tw|hk|mo)(?:[;:,]\s*(?P<note>.*))?\)$", re.S)


def regional_of(text: str) -> dict[str, Any] | None:
    """A regional form written in a cell: ``人工智慧 (tw)``, ``遙距醫療 (hk; note)``;
    None when the cell does not say which region."""
    match = _REGIONAL.match(text.strip())
    if not match:
        return None
    out: dict[str, Any] = {"text": match["text"].strip(), "region": match["region"]}
    if match["note"]:
        out["note"] = match["note"].strip()
    return out


def regional_cell(form: Mapping[str, Any]) -> str:
    """A regional form as a cell writes it (see :func:`regional_of`)."""
    note = form.get("note")
    return f"{form['text']} ({form['region']}{'; ' + note if note else ''})"


def split_cell(value: Any) -> list[str]:
    """The items of a cell that holds several (`` | ``, the MultiTerm convention)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split("|") if part.strip()]


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().casefold() in ("true", "yes", "1", "oui", "vrai", "x")


# --------------------------------------------------------------------------- filling

class Filler:
    """pinyin, traditional forms: made for many terms at once (jieba's dictionary and
    OpenCC loaded once)."""

    def __init__(self) -> None:
        self._s2t = None
        self._t2s = None

    def pinyin(self, terms: list[str]) -> list[str]:
        """Word-joined pinyin of each term: pypinyin's reading in context, the words cut
        along the dictionary (the fewest one-character words), as ``extract`` writes it."""
        if not terms:
            return []
        from glossary.extract import Background, to_pinyin

        background = Background("\n".join(terms), None)
        return [to_pinyin(background.reading_words(zh)) for zh in terms]

    def traditional(self, zh: str) -> str:
        if self._s2t is None:
            import opencc

            self._s2t = opencc.OpenCC("s2t")
        return self._s2t.convert(zh)

    def simplified(self, zh: str) -> str:
        if self._t2s is None:
            import opencc

            self._t2s = opencc.OpenCC("t2s")
        return self._t2s.convert(zh)


def _unique(base: str, taken: set[str]) -> str:
    base = base or "term"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _entry_of(row: Row, domains: Domains, filler: Filler) -> tuple[dict[str, Any] | None, str]:
    """The fields of a row as entry values (before ids and pinyin), or None and why not."""
    f = row.fields
    generated: list[str] = []
    zh_items = split_cell(f.get("zh"))
    hant = _text(f.get("zh_hant"))
    if not zh_items and hant:
        zh_items = [filler.simplified(hant)]
        generated.append("zh")
    if not zh_items:
        return None, "no Chinese term"
    if not hant:
        # A "Chinese" column in traditional characters (a Taiwan or Hong Kong client's):
        # the entry's zh is simplified, the form given its zh_hant.
        from glossary.normalize import to_simplified

        simplified = to_simplified(zh_items[0])
        if simplified != zh_items[0]:
            hant = zh_items[0]
            zh_items = [simplified, *zh_items[1:]]
            generated.append("zh")
    fr_items = split_cell(f.get("fr"))
    if not fr_items and not split_cell(f.get("en")):
        return None, "no French or English rendering"
    entry: dict[str, Any] = {"id": None, "zh": zh_items[0]}
    if hant:
        entry["zh_hant"] = split_cell(hant)[0]
    entry["zh_variants"] = [variant_of(v) for v in zh_items[1:]] + \
        [variant_of(v) for v in split_cell(f.get("zh_variants"))]
    entry["zh_regional"] = [form for form in map(regional_of, split_cell(f.get("zh_regional"))) if form]
    entry["pinyin"] = _text(f.get("pinyin"))
    entry["fr"] = fr_items[0] if fr_items else None
    entry["fr_variants"] = [variant_of(v) for v in fr_items[1:]] + \
        [variant_of(v) for v in split_cell(f.get("fr_variants"))]
    en_items = split_cell(f.get("en"))
    if en_items:
        entry["en"] = en_items[0]
    entry["en_variants"] = [variant_of(v) for v in en_items[1:]] + \
        [variant_of(v) for v in split_cell(f.get("en_variants"))]
    for key in ("fr_provenance", "en_provenance", "note", "imported_from"):
        value = f.get(key)
        if isinstance(value, str) and value.strip():
            entry[key] = value.strip()
    domain = _text(f.get("domain"))
    if domain:
        entry["domain"] = domains.slug_of(domain)
    else:
        entry["domain"] = "general"
        generated.append("domain")
    category = _text(f.get("category"))
    from glossary.taxonomy import CATEGORY_SLUGS

    if category in CATEGORY_SLUGS:
        entry["category"] = category
    else:
        entry["category"] = domains.category_of(entry["domain"])
        generated.append("category")
    source = _text(f.get("source"))
    entry["source"] = source
    provenance = _text(f.get("provenance"))
    entry["provenance"] = provenance if provenance in PROVENANCES else Provenance.IMPORTED.value
    entry["see_also"] = [s for s in split_cell(f.get("see_also")) if SLUG.match(s)]
    for key in ("pinyin_deliberate", "zh_hant_deliberate"):
        if key in f and _flag(f[key]):
            entry[key] = True
    given = [g for g in split_cell(f.get("generated")) if g in GENERATED]
    entry["generated"] = given + [g for g in generated if g not in given]
    return entry, ""


def _finish(entry: dict[str, Any], filled: Mapping[str, Any], name: str, where: str) -> dict[str, Any]:
    """The entry in the term files' field order, empty values left out."""
    entry.update(filled)
    if not entry.get("source"):
        entry["source"] = name
        entry["generated"].append("source")
    if not entry.get("imported_from"):
        entry["imported_from"] = f"{name}:{where}"
    entry["generated"] = sorted(set(entry["generated"]), key=_ORDER.__getitem__)
    return {k: entry[k] for k in FIELDS if entry.get(k) not in (None, [], False, "")}


class Seen:
    """What the files read so far gave: their Chinese forms and ids (several files
    imported together make one term file)."""

    def __init__(self, known: Mapping[str, str]) -> None:
        self.taken_ids = set(known.values())
        self.zh: dict[str, str] = {}
        self.ids: set[str] = set()
        self.domains: list[dict[str, Any]] = []
        self.files = 0  # files completed before this one


def complete(found: Iterable[Row | Skip | str], name: str, known: Mapping[str, str],
             batch: int = 20000, seen: Seen | None = None) -> Imported:
    """Complete entries from what a reader found (see the module's description)."""
    result = Imported([], [], [])
    seen = seen or Seen(known)
    domains = Domains(seen.domains)
    filler = Filler()
    taken_ids, seen_zh, seen_ids = seen.taken_ids, seen.zh, seen.ids
    pending: list[tuple[dict[str, Any], Row]] = []

    def flush() -> None:
        need = [e["zh"] for e, _ in pending if not e["pinyin"]]
        readings = iter(filler.pinyin(need))
        for entry, row in pending:
            filled: dict[str, Any] = {}
            if not entry["pinyin"]:
                filled["pinyin"] = next(readings)
                entry["generated"].append("pinyin")
                if not _HAN_ONLY.match(entry["zh"]):
                    # Letters or digits (5G基站): validate reads only the Han characters.
                    filled["pinyin_deliberate"] = True
            if not entry.get("zh_hant") and _HAN.search(entry["zh"]):
                filled["zh_hant"] = filler.traditional(entry["zh"])
                entry["generated"].append("zh_hant")
            if entry["id"] is None:
                shipped = known.get(entry["zh"])
                if shipped and shipped not in seen_ids:
                    filled["id"] = shipped
                    result.overrides += 1
                else:
                    filled["id"] = _unique(slugify(filled.get("pinyin") or entry["pinyin"] or "")
                                           or slugify(entry["fr"] or entry["en"]), taken_ids)
                    entry["generated"].append("id")
                seen_ids.add(filled["id"])
            elif known.get(entry["zh"]) == entry["id"]:
                result.overrides += 1
            result.entries.append(_finish(entry, filled, name, row.where))
            result.lines.append(row.line)
        pending.clear()

    for item in found:
        if isinstance(item, str):
            result.notes.append(item)
            continue
        if isinstance(item, Skip):
            result.skipped.append((item.reason, item.where))
            continue
        entry, reason = _entry_of(item, domains, filler)
        if entry is None:
            result.skipped.append((reason, item.where))
            continue
        first = seen_zh.get(entry["zh"])
        if first is not None:
            result.skipped.append(("Chinese term given twice", f"{item.where} (first: {first})"))
            continue
        given_id = _text(item.fields.get("id"))
        if item.ours and given_id:
            given_id = given_id[1:] if given_id.startswith("_") else given_id
            if not SLUG.match(given_id):
                given_id = None
        else:
            given_id = None
        if given_id is not None:
            if given_id in seen_ids:
                result.skipped.append(("id given twice", f"{item.where} ({given_id})"))
                continue
            seen_ids.add(given_id)
            taken_ids.add(given_id)
            entry["id"] = given_id
        seen_zh[entry["zh"]] = f"{name}, {item.where}" if seen.files else item.where
        pending.append((entry, item))
        if len(pending) >= batch:
            flush()
    flush()
    result.domains = list(domains.declared.values())
    seen.domains = result.domains
    seen.files += 1
    return result


def fill_entries(entries: list[dict[str, Any]], name: str,
                 declared: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """The entries of a user's YAML term file with what they leave out filled in and
    marked (id, pinyin, domain, category, source, provenance ``user``); entries
    that give everything are returned as they are."""
    filler = Filler()
    domains = Domains(declared)
    need = [e for e in entries
            if any(k not in e for k in ("id", "pinyin", "domain", "category", "source", "provenance"))]
    if not need:
        return entries
    taken = {e["id"] for e in entries if "id" in e}
    readings = iter(filler.pinyin([e["zh"] for e in need if "pinyin" not in e]))
    for entry in need:
        generated = list(entry.get("generated") or [])
        if "pinyin" not in entry:
            entry["pinyin"] = next(readings)
            generated.append("pinyin")
            if not _HAN_ONLY.match(entry["zh"]):
                entry["pinyin_deliberate"] = True
        if "id" not in entry:
            entry["id"] = _unique(slugify(entry["pinyin"]) or slugify(entry.get("fr") or entry["en"]), taken)
            generated.append("id")
        if "domain" not in entry:
            entry["domain"] = "general"
            generated.append("domain")
        if "category" not in entry:
            entry["category"] = domains.category_of(entry["domain"])
            generated.append("category")
        if "source" not in entry:
            entry["source"] = name
            generated.append("source")
        entry.setdefault("provenance", Provenance.USER.value)
        entry["generated"] = sorted(set(generated), key=_ORDER.__getitem__)
    return entries
