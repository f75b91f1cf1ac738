"""The compiled search index of ``glossary lookup``, kept in the user's cache directory.

Every entry gives search keys of four kinds (:class:`Kind`): its Chinese forms,
its pinyin as toneless syllables run together, the initials of those syllables,
and its French and English renderings folded for comparison. A lookup must not
pay for building objects for every entry, so each kind is stored as two strings:

- ``keys``: the keys, shortest first, one a line; a key's line number is its
  position, its id within the kind. Only fuzzy matching reads it, and only the
  lines of the lengths that can match (``lengths`` says where each length starts).
- ``search``: one line a key, ``searched<TAB>position<TAB>entry<TAB>detail``, searched with
  ``str.find`` (exact, prefix, contained): the text searched is the key (the
  stemmed words for French and English), the detail what scoring needs (the
  syllables with their tones for pinyin, the folded text for French / English).

Which entry and field a key belongs to, and the entries themselves, are read by
row only for the few keys that rank.

The index is part of the compiled store of a set of term files
(:mod:`glossary.compiled`), made again from the stored entries whenever a term file
changes; each key column carries a CRC checked when it is read. Building it reads
pypinyin's table of character readings (for homophone typos); a lookup reads the
store alone.
"""

from __future__ import annotations

import json
import logging
from array import array
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple, Sequence

from glossary.model import Entry
from glossary.normalize import drop_elision, fold
from glossary.pinyin import digraph_initials, initials, strip_tones, syllables_of

if TYPE_CHECKING:
    import sqlite3

    from glossary.compiled import Store

log = logging.getLogger(__name__)


class Kind(str, Enum):
    """The kinds of search keys."""

    ZH = "zh"  # 虚拟电厂 / 虛擬電廠 / variants
    PINYIN = "py"  # xunidianchang (detail: "xu1 ni3 dian4 chang3|虚拟电厂")
    INITIALS = "ini"  # xndc, and with zh/ch/sh whole
    LATIN = "lat"  # searched: " centrale virtuelle " (words stemmed); detail: the folded text
    WORDS = "words"  # every stemmed French / English word, for spelling correction


@dataclass(frozen=True, slots=True)
class Key:
    """A search key: which entry, which field, and the text as the term file has it."""

    kind: Kind
    pos: int
    entry: int
    field: str
    text: str
    status: str


# --------------------------------------------------------------------------- key spelling

_NON_WORD = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")


def zh_key(text: str) -> str:
    """Chinese text as compared: NFKC (full-width Latin and digits folded), no spaces,
    Latin letters in lower case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


def latin_key(text: str) -> str:
    """French or English text as compared: folded (case, accents, apostrophes), elided
    articles dropped, punctuation as spaces: ``L’Économie des basses-altitudes`` →
    ``economie des basses altitudes``."""
    return _NON_WORD.sub(" ", drop_elision(fold(text))).strip()


def stem(word: str) -> str:
    """A crude plural folding, the same on both sides of a comparison: jumeaux → jumeau,
    canaux → canal, centrales → centrale, cities → citie, city → citie."""
    if len(word) > 3:
        if word.endswith("eaux"):
            word = word[:-1]
        elif word.endswith("aux"):
            word = word[:-3] + "al"
        elif word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
    if len(word) > 3 and word.endswith("y"):
        word = word[:-1] + "ie"
    return word


def stemmed(key: str) -> list[str]:
    """The stemmed words of a :func:`latin_key`."""
    return [stem(w) for w in key.split()]


# --------------------------------------------------------------------------- building

def _char_readings() -> dict[str, set[str]]:
    """Toneless readings of every character pypinyin knows (``厂`` → {chang, han, yan, an}).

    Only pypinyin's character table is read, straight from its module file, so
    building the index does not pay for pypinyin's phrase dictionaries.
    """
    import importlib.util

    table: dict[int, str] | None = None
    try:
        spec = importlib.util.find_spec("pypinyin")
        locations = list(spec.submodule_search_locations or []) if spec else []
        for location in locations:
            path = Path(location) / "pinyin_dict.py"
            if path.is_file():
                module_spec = importlib.util.spec_from_file_location("_glossary_pinyin_dict", path)
                module = importlib.util.module_from_spec(module_spec)
                module_spec.loader.exec_module(module)  # type: ignore[union-attr]
                table = module.pinyin_dict
                break
    except Exception as exc:  # pypinyin missing or changed: homophones from the entries only
        log.debug("no character readings from pypinyin: %s", exc)
    out: dict[str, set[str]] = {}
    for code, readings in (table or {}).items():
        out[chr(code)] = {strip_tones(r) for r in readings.split(",") if r}
    return out


def entry_record(entry: Entry) -> dict[str, Any]:
    """What a lookup prints of an entry: its fields, and where it was read."""
    record = entry.to_dict()
    record["origin"] = str(entry.origin) if entry.origin else None
    record["overrides"] = str(entry.overrides) if entry.overrides else None
    return record


Row = tuple[str, str, str, int, str, str, str, int]  # key, searched, detail, entry, field, text,
#                                                   status, variant ordinal


def _rows(entries: Sequence[Entry]) -> tuple[dict[Kind, list[Row]], dict[str, list[str]]]:
    """The keys of every entry, by kind; and per character, its simplified form and
    the readings the entries give it."""
    rows: dict[Kind, list[Row]] = {kind: [] for kind in Kind}
    chars: dict[str, list[str]] = {}
    words: set[str] = set()
    for n, entry in enumerate(entries):
        seen: set[tuple[Kind, str, str]] = set()

        def add(kind: Kind, line: str, fld: str, text: str, status: str,
                searched: str | None = None, detail: str = "", ordinal: int = 0) -> None:
            # One key per text and kind (and per language: --lang en must still see an
            # English rendering spelt like the French one).
            lang = fld[:2] if kind is Kind.LATIN else ""
            if line and (kind, line, lang) not in seen:
                seen.add((kind, line, lang))
                rows[kind].append((line, line if searched is None else searched, detail,
                                   n, fld, text, status, ordinal))

        add(Kind.ZH, zh_key(entry.zh), "zh", entry.zh, "preferred")
        if entry.zh_hant:
            add(Kind.ZH, zh_key(entry.zh_hant), "zh_hant", entry.zh_hant, "preferred")
            if len(entry.zh_hant) == len(entry.zh):
                for simp, trad in zip(entry.zh, entry.zh_hant):
                    if simp != trad:
                        chars.setdefault(trad, [simp, ""])[0] = simp
        for i, variant in enumerate(entry.zh_variants):
            add(Kind.ZH, zh_key(variant.text), "zh_variants", variant.text, variant.status.value,
                ordinal=i)

        syllables = syllables_of(entry.pinyin)
        plain = [s for s, _ in syllables]
        detail = " ".join(f"{s}{t}" for s, t in syllables) + "|" + zh_key(entry.zh)
        add(Kind.PINYIN, "".join(plain), "pinyin", entry.pinyin, "preferred", detail=detail)
        add(Kind.INITIALS, initials(plain), "pinyin", entry.pinyin, "preferred")
        add(Kind.INITIALS, digraph_initials(plain), "pinyin", entry.pinyin, "preferred")
        han = [c for c in entry.zh if c.isalpha() and not c.isascii()]
        if len(han) == len(syllables) and all(t for _, t in syllables):
            for char, (syllable, _) in zip(han, syllables):
                chars.setdefault(char, ["", ""])
                chars[char][1] += " " + syllable

        for lang in ("fr", "en"):
            main = getattr(entry, lang)
            texts = [(main, lang, "preferred", 0)] if main else []
            texts += [(v.text, f"{lang}_variants", v.status.value, i)
                      for i, v in enumerate(getattr(entry, f"{lang}_variants"))]
            for text, fld, status, i in texts:
                line = latin_key(text)
                stems = stemmed(line)
                words.update(stems)
                add(Kind.LATIN, line, fld, text, status, searched=" " + " ".join(stems) + " ",
                    detail=line, ordinal=i)
    rows[Kind.WORDS] = [(w, w, "", -1, "", w, "", 0) for w in words if w]
    return rows, chars


_SCHEMA = """
CREATE TABLE IF NOT EXISTS hanzi (ch TEXT PRIMARY KEY, simp TEXT NOT NULL, readings TEXT NOT NULL) WITHOUT ROWID;
"""
# A key's field and status, packed in one byte of the ``rows:`` blob of its kind.
KEY_FIELDS = ("zh", "zh_hant", "zh_variants", "pinyin", "fr", "fr_variants", "en", "en_variants")
KEY_STATUSES = ("preferred", "admitted", "deprecated")


def _key_code(fld: str, status: str) -> int:
    return KEY_FIELDS.index(fld) * 4 + KEY_STATUSES.index(status)


def build(conn: sqlite3.Connection, entries: Sequence[Entry], numbers: Sequence[int]) -> None:
    """Write the lookup index of ``entries`` into the store (``numbers``: each entry's
    row in the store's ``entry`` table), replacing the one there."""
    from glossary.compiled import put_blob, put_bytes

    rows, learnt = _rows(entries)
    for statement in _SCHEMA.strip().split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("DELETE FROM hanzi")
    for kind, kind_rows in rows.items():
        kind_rows = [(*r[:3], numbers[r[3]] if r[3] >= 0 else -1, *r[4:]) for r in kind_rows]
        # Shortest keys first: a fuzzy match reads only the keys of a length that can reach
        # its cut-off (see Index.lines_sized).
        kind_rows.sort(key=lambda r: (len(r[0]), r[0], r[3]))
        search = "".join(f"\n{r[1]}\t{pos}\t{r[3]}\t{r[2]}" for pos, r in enumerate(kind_rows)) + "\n"
        lengths: list[list[int]] = []  # [length, offset in keys, first position]
        offset = 0
        for pos, r in enumerate(kind_rows):
            if not lengths or lengths[-1][0] != len(r[0]):
                lengths.append([len(r[0]), offset, pos])
            offset += len(r[0]) + 1
        put_blob(conn, f"keys:{kind.value}", "\n".join(r[0] for r in kind_rows))
        put_blob(conn, f"search:{kind.value}", search)
        put_blob(conn, f"lengths:{kind.value}", json.dumps(lengths))
        if kind is not Kind.WORDS:
            # Which entry, field, variant and status each key is: three packed arrays.
            put_bytes(conn, f"rows:{kind.value}", b"".join((
                array("q", (r[3] for r in kind_rows)).tobytes(),
                array("H", (r[7] for r in kind_rows)).tobytes(),
                bytes(_key_code(r[4], r[6]) for r in kind_rows))))
    readings = _char_readings()
    hanzi: dict[str, tuple[str, set[str]]] = {c: ("", r) for c, r in readings.items()}
    for char, (simp, learnt_readings) in learnt.items():
        old_simp, old = hanzi.get(char, ("", set()))
        hanzi[char] = (simp or old_simp, old | set(learnt_readings.split()))
    conn.executemany("INSERT INTO hanzi VALUES (?, ?, ?)",
                     ((c, s, " ".join(sorted(r))) for c, (s, r) in hanzi.items()))


# --------------------------------------------------------------------------- reading

class Found(NamedTuple):
    """A key found by :meth:`Index.find`: its position, the text searched, its detail,
    and the entry it belongs to."""

    pos: int
    searched: str
    detail: str
    entry: int


class Index:
    """The lookup index of an open store: the key columns of each kind, and rows read on demand."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._keys: dict[Kind, list[str]] = {}
        self._search: dict[Kind, str] = {}
        self._sizes: dict[Kind, list[list[int]]] = {}
        self._rows: dict[Kind, tuple[array, array, bytes]] = {}

    def __len__(self) -> int:
        return len(self._store)

    def _column(self, kind: Kind, column: str) -> str:
        from glossary.compiled import get_blob

        return get_blob(self._store, f"{column}:{kind.value}")

    def lines(self, kind: Kind) -> list[str]:
        """The keys of a kind, shortest first; a key's position is its index in this list."""
        if kind not in self._keys:
            text = self._column(kind, "keys")
            self._keys[kind] = text.split("\n") if text else []
        return self._keys[kind]

    def lines_sized(self, kind: Kind, shortest: int, longest: int) -> tuple[int, list[str]]:
        """The keys of a kind from ``shortest`` to ``longest`` characters long, and the
        position of the first of them."""
        if kind in self._keys:  # already split: slice the list
            text, lengths = None, self._lengths(kind)
        else:
            text, lengths = self._column(kind, "keys"), self._lengths(kind)
        chosen = [entry for entry in lengths if shortest <= entry[0] <= longest]
        if not chosen:
            return 0, []
        first = chosen[0][2]
        after = next((entry for entry in lengths if entry[0] > longest), None)
        if text is None:
            end = after[2] if after else len(self._keys[kind])
            return first, self._keys[kind][first:end]
        end = after[1] - 1 if after else len(text)
        return first, text[chosen[0][1]:end].split("\n")

    def _lengths(self, kind: Kind) -> list[list[int]]:
        if kind not in self._sizes:
            from glossary.compiled import CacheCorrupt

            try:
                sizes = json.loads(self._column(kind, "lengths") or "[]")
            except (ValueError, RecursionError):
                raise CacheCorrupt("index lengths unreadable") from None
            if not isinstance(sizes, list) or not all(
                    isinstance(s, list) and len(s) == 3 and all(type(v) is int for v in s) for s in sizes):
                raise CacheCorrupt("index lengths of the wrong shape")
            self._sizes[kind] = sizes
        return self._sizes[kind]

    def find(self, kind: Kind, needle: str, anchored: bool = False) -> list[Found]:
        """The keys whose searched text contains ``needle`` (starts with it if ``anchored``)."""
        return list(self.iter_find(kind, needle, anchored))

    def iter_find(self, kind: Kind, needle: str, anchored: bool = False) -> Iterator[Found]:
        """:meth:`find`, lazily, shortest keys first."""
        blob = self._search.get(kind)
        if blob is None:
            blob = self._search[kind] = self._column(kind, "search") or "\n"
        if not needle or "\n" in needle or "\t" in needle:
            return
        pattern = "\n" + needle if anchored else needle
        at = blob.find(pattern)
        while at >= 0:
            start = at + 1 if anchored else blob.rfind("\n", 0, at) + 1
            end = blob.find("\n", at + len(pattern))
            searched, pos, entry, detail = blob[start:end].split("\t", 3)
            if at + len(pattern) <= start + len(searched):  # not in the detail
                yield Found(int(pos), searched, detail, int(entry))
            at = blob.find(pattern, end)

    def exact(self, kind: Kind, text: str) -> list[Found]:
        """The keys whose searched text is ``text``."""
        return [f for f in self.find(kind, text, anchored=True) if f.searched == text]

    def _key_rows(self, kind: Kind) -> tuple[array, array, bytes]:
        """Which entry, variant ordinal and field/status code each key of a kind is."""
        if kind not in self._rows:
            from glossary.compiled import CacheCorrupt, get_bytes

            data = get_bytes(self._store, f"rows:{kind.value}")
            count, rest = divmod(len(data), 11)
            if rest:
                raise CacheCorrupt("index rows of the wrong size")
            entries, ordinals = array("q"), array("H")
            entries.frombytes(data[:8 * count])
            ordinals.frombytes(data[8 * count:10 * count])
            self._rows[kind] = (entries, ordinals, data[10 * count:])
        return self._rows[kind]

    def keys(self, kind: Kind, positions: Iterable[int]) -> dict[int, Key]:
        """The keys at these positions: entry, field, status, and the text of the field."""
        from glossary.compiled import CacheCorrupt

        entries, ordinals, codes = self._key_rows(kind)
        wanted = [p for p in set(positions) if 0 <= p < len(codes)]
        records = self.records_raw(entries[p] for p in wanted)
        out: dict[int, Key] = {}
        for pos in wanted:
            code = codes[pos]
            fld, status = KEY_FIELDS[code // 4 % len(KEY_FIELDS)], KEY_STATUSES[code % 4 % 3]
            record = records.get(entries[pos])
            if record is None:
                raise CacheCorrupt("index key of a missing entry")
            value = record.get(fld)
            if fld.endswith("_variants"):
                try:
                    value = value[ordinals[pos]]["text"]
                except (TypeError, IndexError, KeyError):
                    raise CacheCorrupt("index key of a missing variant") from None
            out[pos] = Key(kind, pos, entries[pos], fld, value if isinstance(value, str) else "", status)
        return out

    def records_raw(self, numbers: Iterable[int]) -> dict[int, dict[str, Any]]:
        """The stored records (term-file fields) of these rows of the store."""
        wanted = sorted(set(numbers))
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for n, cid, slot in self._store.query(
                    f"SELECT n, chunk, slot FROM entry WHERE n IN ({marks})", chunk):
                out[n] = self._store.record(cid, slot)
        return out

    def records(self, numbers: Iterable[int]) -> dict[int, dict[str, Any]]:
        """The entries of these rows of the store, as lookup prints them."""
        from glossary.store import entries_by_number

        return {n: entry_record(e) for n, e in entries_by_number(self._store, numbers).items()}

    def hanzi(self, chars: Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
        """For each known character: its simplified form ('' if it is one) and readings."""
        wanted = sorted(set(chars))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        return {c: (s, tuple(r.split())) for c, s, r in self._store.query(
            f"SELECT ch, simp, readings FROM hanzi WHERE ch IN ({marks})", wanted)}

    def close(self) -> None:
        self._store.close()


# --------------------------------------------------------------------------- opening

def open_index(user_paths: Sequence[Path] = (), builtin: bool = True) -> Index:
    """The lookup index of the shipped term files (unless ``builtin`` is false) and the
    user's, from their compiled store (:func:`glossary.compiled.open_store`)."""
    from glossary.compiled import open_store

    return open_store(user_paths, builtin).index()
