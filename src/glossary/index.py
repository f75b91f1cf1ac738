"""The compiled search index of ``glossary lookup``, kept in the user's cache directory.

Every entry gives search keys of four kinds (:class:`Kind`): its Chinese forms,
its pinyin as toneless syllables run together, the initials of those syllables,
and its French and English renderings folded for comparison. A lookup must not
pay for building objects for every entry, so each kind is stored as two strings:

- ``keys``: the keys, shortest first, one a line; a key's line number is its
  position, its id within the kind. Only fuzzy matching reads it, and only the
  lines of the lengths that can match (``lengths`` says where each length starts).
- ``search``: one line a key, ``searched<TAB>position<TAB>entry<TAB>detail``, searched as
  UTF-8 bytes with ``bytes.find`` (exact, prefix, contained), only the lines found
  decoded: the text searched is the key (the stemmed words for French and English),
  the detail what scoring needs (the syllables with their tones for pinyin, the folded
  text for French / English); the entry is counted from the segment's ``base`` row.

Which entry and field a key belongs to, and the entries themselves, are read by
row only for the few keys that rank.

The index is part of the compiled store of a set of term files
(:mod:`glossary.compiled`), made again from the stored entries whenever a term file
changes; each key column carries a checksum verified when it is read. Building it reads
pypinyin's table of character readings (for homophone typos); a lookup reads the
store alone.
"""

from __future__ import annotations

import heapq
import json
import logging
from array import array
from bisect import bisect_right
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from glossary.model import Entry
from glossary.normalize import drop_elision, fold, fold_hanzi
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
    region: str | None = None  # of a zh_regional form: tw, hk or mo


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
    # Folding works within words, so each word is folded once however often it recurs.
    return " ".join(key for key in map(_latin_word, text.split()) if key)


@lru_cache(maxsize=1 << 16)
def _latin_word(word: str) -> str:
    return _NON_WORD.sub(" ", drop_elision(fold(word))).strip()


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
    return [_stem(w) for w in key.split()]


_stem = lru_cache(maxsize=1 << 16)(stem)


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


def _rows(entries: Sequence[Entry]) -> tuple[dict[Kind, list[Row]], dict[str, str]]:
    """The keys of every entry, by kind; and per character, the readings the entries
    give it."""
    rows: dict[Kind, list[Row]] = {kind: [] for kind in Kind}
    chars: dict[str, str] = {}
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

        zh_forms = [(entry.zh, "zh", "preferred", 0)]
        if entry.zh_hant:
            zh_forms.append((entry.zh_hant, "zh_hant", "preferred", 0))
        zh_forms += [(v.text, "zh_variants", v.status.value, i) for i, v in enumerate(entry.zh_variants)]
        zh_forms += [(r.text, "zh_regional", "preferred", i) for i, r in enumerate(entry.zh_regional)]
        for text, fld, status, i in zh_forms:
            add(Kind.ZH, zh_key(text), fld, text, status, ordinal=i)
        # Folded too (衞 → 卫, 著 → 着): a query is looked for folded as well, and must
        # meet the form it folds like, whatever script the form is written in.
        for text, fld, status, i in zh_forms:
            add(Kind.ZH, fold_hanzi(zh_key(text)), fld, text, status, ordinal=i)

        syllables = syllables_of(entry.pinyin)
        plain = [s for s, _ in syllables]
        detail = " ".join(f"{s}{t}" for s, t in syllables) + "|" + zh_key(entry.zh)
        add(Kind.PINYIN, "".join(plain), "pinyin", entry.pinyin, "preferred", detail=detail)
        add(Kind.INITIALS, initials(plain), "pinyin", entry.pinyin, "preferred")
        add(Kind.INITIALS, digraph_initials(plain), "pinyin", entry.pinyin, "preferred")
        han = [c for c in entry.zh if c.isalpha() and not c.isascii()]
        if len(han) == len(syllables) and all(t for _, t in syllables):
            for char, (syllable, _) in zip(han, syllables):
                chars[char] = chars.get(char, "") + " " + syllable

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
CREATE TABLE IF NOT EXISTS hanzi (ch TEXT PRIMARY KEY, readings TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seg (fid INTEGER NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL,
                                lengths TEXT NOT NULL, base INTEGER NOT NULL,
                                PRIMARY KEY (fid, kind)) WITHOUT ROWID;
"""
# A key's field and status, packed in one byte of the ``rows:`` blob of its kind.
KEY_FIELDS = ("zh", "zh_hant", "zh_variants", "pinyin", "fr", "fr_variants", "en", "en_variants",
              "zh_regional")
KEY_STATUSES = ("preferred", "admitted", "deprecated")


def _key_code(fld: str, status: str) -> int:
    return KEY_FIELDS.index(fld) * 4 + KEY_STATUSES.index(status)


def segment_data(fid: int, entries: Sequence[Entry], numbers: Sequence[int]) -> tuple[list, list, dict]:
    """The lookup index of one term file's ``entries`` (its segment), ready to store:
    ``seg`` rows, compressed values by name, and what the entries teach of characters
    (traditional forms, readings). ``numbers`` are the entries' rows in the store's
    ``entry`` table. Pure (it runs in worker processes too)."""
    from glossary.compiled import pack_value

    rows, learnt = _rows(entries)
    # Search lines name their entry relative to the segment's first one: at a million
    # entries a row number has eleven digits, its place in the file three or four.
    base = numbers[0] if numbers else 0
    segs, values = [], []
    for kind, kind_rows in rows.items():
        kind_rows = [(*r[:3], numbers[r[3]] if r[3] >= 0 else -1, *r[4:]) for r in kind_rows]
        # Shortest keys first: a fuzzy match reads only the keys of a length that can reach
        # its cut-off (see Index.lines_sized), and searches meet short keys first.
        kind_rows.sort(key=lambda r: (len(r[0]), r[0], r[3]))
        search = "".join(f"\n{r[1]}\t{pos}\t{r[3] - base if r[3] >= 0 else -1}\t{r[2]}"
                         for pos, r in enumerate(kind_rows)) + "\n"
        lengths: list[list[int]] = []  # [length, offset in keys, first position]
        offset = 0
        for pos, r in enumerate(kind_rows):
            if not lengths or lengths[-1][0] != len(r[0]):
                lengths.append([len(r[0]), offset, pos])
            offset += len(r[0]) + 1
        name = f"{kind.value}:{fid}"
        segs.append((fid, kind.value, len(kind_rows), json.dumps(lengths), base))
        values.append((f"keys:{name}", pack_value("\n".join(r[0] for r in kind_rows).encode())))
        values.append((f"search:{name}", pack_value(search.encode())))
        if kind is not Kind.WORDS:
            # Which entry, field, variant and status each key is: three packed arrays.
            values.append((f"rows:{name}", pack_value(b"".join((
                array("q", (r[3] for r in kind_rows)).tobytes(),
                array("H", (r[7] for r in kind_rows)).tobytes(),
                bytes(_key_code(r[4], r[6]) for r in kind_rows))))))
    return segs, values, learnt


def write_segment(conn: sqlite3.Connection, data: tuple[list, list, dict]) -> None:
    """Store a segment made by :func:`segment_data`; its characters join ``hanzi``."""
    segs, values, learnt = data
    _ensure_hanzi(conn)
    conn.executemany("INSERT OR REPLACE INTO seg VALUES (?, ?, ?, ?, ?)", segs)
    conn.executemany("INSERT OR REPLACE INTO blob VALUES (?, ?)", values)
    chars = list(learnt)
    known: dict[str, str] = {}
    for start in range(0, len(chars), 500):
        chunk = chars[start:start + 500]
        known.update(conn.execute(
            f"SELECT ch, readings FROM hanzi WHERE ch IN ({','.join('?' * len(chunk))})", chunk))
    updates = []
    for char, learnt_readings in learnt.items():
        old = set(known.get(char, "").split())
        updates.append((char, " ".join(sorted(old | set(learnt_readings.split())))))
    conn.executemany("INSERT OR REPLACE INTO hanzi VALUES (?, ?)", updates)


def drop_segment(conn: sqlite3.Connection, fid: int) -> None:
    """Remove the lookup index of one term file (what it taught ``hanzi`` stays: at worst
    a reading too many for homophone matching)."""
    conn.execute("DELETE FROM seg WHERE fid = ?", (fid,))
    for kind in Kind:
        for column in ("keys", "search", "rows"):
            conn.execute("DELETE FROM blob WHERE name = ?", (f"{column}:{kind.value}:{fid}",))


def _ensure_hanzi(conn: sqlite3.Connection) -> None:
    """The store's table of characters: pypinyin's readings, once."""
    for statement in _SCHEMA.strip().split(";"):
        if statement.strip():
            conn.execute(statement)
    if conn.execute("SELECT 1 FROM meta WHERE k = 'hanzi'").fetchone():
        return
    conn.executemany("INSERT OR IGNORE INTO hanzi VALUES (?, ?)",
                     ((c, " ".join(sorted(r))) for c, r in _char_readings().items()))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('hanzi', '1')")


# --------------------------------------------------------------------------- reading

class Found(NamedTuple):
    """A key found by :meth:`Index.find`: its position, the text searched, its detail,
    and the entry it belongs to."""

    pos: int
    searched: str
    detail: str
    entry: int


class _Segment(NamedTuple):
    fid: int
    first: int  # position of its first key among the keys of its kind
    count: int
    lengths: list
    base: int  # the entry row that its search lines count from


def _lengths_ok(sizes: Any) -> bool:
    """Whether a segment's ``lengths`` is a list of [length, offset, position] integers."""
    if type(sizes) is not list:
        return False
    for item in sizes:
        if type(item) is not list or len(item) != 3:
            return False
        a, b, c = item
        if type(a) is not int or type(b) is not int or type(c) is not int:
            return False
    return True


class Index:
    """The lookup index of an open store: for each kind of key, one segment per term file,
    whose key columns are read when first searched; positions run on across segments.
    Keys of entries overridden by a later layer are left out of every answer."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._segments: dict[Kind, list[_Segment]] = {}
        self._blobs: dict[str, Any] = {}
        self._dead: set[int] | None = None

    def __len__(self) -> int:
        return len(self._store)

    def segments(self, kind: Kind) -> list[_Segment]:
        if kind not in self._segments:
            from glossary.compiled import CacheCorrupt

            out, first = [], 0
            for fid, count, lengths, base in self._store.query(
                    "SELECT s.fid, s.count, s.lengths, s.base FROM seg s JOIN file f ON s.fid = f.fid "
                    "WHERE s.kind = ? ORDER BY f.layer, f.seq", (kind.value,)):
                try:
                    sizes = json.loads(lengths)
                except (ValueError, RecursionError, TypeError):
                    raise CacheCorrupt("index lengths unreadable") from None
                if type(count) is not int or type(base) is not int or not _lengths_ok(sizes):
                    raise CacheCorrupt("index lengths of the wrong shape")
                out.append(_Segment(fid, first, count, sizes, base))
                first += count
            self._segments[kind] = out
        return self._segments[kind]

    def _dead_entries(self) -> set[int]:
        if self._dead is None:
            self._dead = {n for n, in self._store.query("SELECT n FROM entry WHERE live = 0")}
        return self._dead

    def _blob(self, column: str, kind: Kind, fid: int) -> str:
        name = f"{column}:{kind.value}:{fid}"
        text = self._blobs.get(name)
        if text is None:
            from glossary.compiled import get_blob

            text = self._blobs[name] = get_blob(self._store, name)
        return text

    def lines(self, kind: Kind) -> list[str]:
        """Every key of a kind, in position order."""
        out: list[str] = []
        for segment in self.segments(kind):
            text = self._blob("keys", kind, segment.fid)
            out.extend(text.split("\n") if text else [])
        return out

    def lines_sized(self, kind: Kind, shortest: int, longest: int) -> tuple[Callable[[int], int], list[str]]:
        """The keys of a kind from ``shortest`` to ``longest`` characters long, and a
        function from an index in that list to the key's position."""
        starts: list[int] = []  # index in ``out`` where each piece starts
        firsts: list[int] = []  # position of the piece's first key
        out: list[str] = []
        for segment in self.segments(kind):
            chosen = [entry for entry in segment.lengths if shortest <= entry[0] <= longest]
            if not chosen:
                continue
            after = next((entry for entry in segment.lengths if entry[0] > longest), None)
            text = self._blob("keys", kind, segment.fid)
            end = after[1] - 1 if after else len(text)
            starts.append(len(out))
            firsts.append(segment.first + chosen[0][2])
            out.extend(text[chosen[0][1]:end].split("\n"))

        def position(i: int) -> int:
            piece = bisect_right(starts, i) - 1
            return firsts[piece] + i - starts[piece]

        return position, out

    def find(self, kind: Kind, needle: str, anchored: bool = False) -> list[Found]:
        """The keys whose searched text contains ``needle`` (starts with it if ``anchored``)."""
        return list(self.iter_find(kind, needle, anchored))

    def iter_find(self, kind: Kind, needle: str, anchored: bool = False) -> Iterator[Found]:
        """:meth:`find`, lazily, shortest keys first (across every segment)."""
        if not needle or "\n" in needle or "\t" in needle:
            return iter(())
        segments = self.segments(kind)
        finds = [self._find_in(kind, s, needle, anchored) for s in segments]
        if len(finds) == 1:
            return finds[0]
        key = (lambda f: len(f.detail)) if kind is Kind.LATIN else (lambda f: len(f.searched))
        return heapq.merge(*finds, key=key)

    def _search_bytes(self, kind: Kind, fid: int) -> bytes:
        """The ``search`` column of a segment, as stored (UTF-8): searched as bytes, so
        that only the lines found are decoded (a valid UTF-8 needle is only ever found
        on character boundaries)."""
        name = f"search:{kind.value}:{fid}"
        data = self._blobs.get(name)
        if data is None:
            from glossary.compiled import get_bytes

            data = self._blobs[name] = get_bytes(self._store, name) or b"\n"
        return data

    def _find_in(self, kind: Kind, segment: _Segment, needle: str, anchored: bool) -> Iterator[Found]:
        blob = self._search_bytes(kind, segment.fid)
        dead = self._dead_entries()
        pattern = ("\n" + needle if anchored else needle).encode()
        first, base = segment.first, segment.base
        at = blob.find(pattern)
        while at >= 0:
            start = at + 1 if anchored else blob.rfind(b"\n", 0, at) + 1
            end = blob.find(b"\n", at + len(pattern))
            try:
                searched, pos, entry, detail = blob[start:end].split(b"\t", 3)
                number = int(entry)
                found = Found(first + int(pos), searched.decode(), detail.decode(),
                              base + number if number >= 0 else -1)
            except (ValueError, UnicodeDecodeError):
                from glossary.compiled import CacheCorrupt

                raise CacheCorrupt("index search line unreadable") from None
            if at + len(pattern) <= start + len(searched) and found.entry not in dead:
                yield found  # (a match in the detail is none)
            at = blob.find(pattern, end)

    def exact(self, kind: Kind, text: str) -> list[Found]:
        """The keys whose searched text is ``text``."""
        return [f for f in self.find(kind, text, anchored=True) if f.searched == text]

    def _key_rows(self, kind: Kind, segment: _Segment) -> tuple[array, array, bytes]:
        """Which entry, variant ordinal and field/status code each key of a segment is."""
        name = f"rows:{kind.value}:{segment.fid}"
        if name not in self._blobs:
            from glossary.compiled import CacheCorrupt, get_bytes

            data = get_bytes(self._store, name)
            count, rest = divmod(len(data), 11)
            if rest or count != segment.count:
                raise CacheCorrupt("index rows of the wrong size")
            entries, ordinals = array("q"), array("H")
            entries.frombytes(data[:8 * count])
            ordinals.frombytes(data[8 * count:10 * count])
            self._blobs[name] = (entries, ordinals, data[10 * count:])
        return self._blobs[name]

    def keys(self, kind: Kind, positions: Iterable[int]) -> dict[int, Key]:
        """The keys at these positions: entry, field, status, and the text of the field
        (keys of overridden entries are left out)."""
        from glossary.compiled import CacheCorrupt

        segments = self.segments(kind)
        starts = [s.first for s in segments]
        located = []
        for pos in set(positions):
            i = bisect_right(starts, pos) - 1
            if i < 0 or pos >= segments[i].first + segments[i].count:
                continue
            entries, ordinals, codes = self._key_rows(kind, segments[i])
            local = pos - segments[i].first
            located.append((pos, entries[local], ordinals[local], codes[local]))
        dead = self._dead_entries()
        records = self.records_raw(n for _, n, _, _ in located if n not in dead)
        out: dict[int, Key] = {}
        for pos, n, ordinal, code in located:
            if n in dead:
                continue
            fld, status = KEY_FIELDS[code // 4 % len(KEY_FIELDS)], KEY_STATUSES[code % 4 % 3]
            record = records.get(n)
            if record is None:
                raise CacheCorrupt("index key of a missing entry")
            value = record.get(fld)
            region = None
            if fld.endswith("_variants") or fld == "zh_regional":
                try:
                    value, region = value[ordinal]["text"], value[ordinal].get("region")
                except (TypeError, IndexError, KeyError, AttributeError):
                    raise CacheCorrupt("index key of a missing variant") from None
            out[pos] = Key(kind, pos, n, fld, value if isinstance(value, str) else "", status,
                           region if isinstance(region, str) else None)
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

    def hanzi(self, chars: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """For each known character: its toneless readings."""
        wanted = sorted(set(chars))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        return {c: tuple(r.split()) for c, r in self._store.query(
            f"SELECT ch, readings FROM hanzi WHERE ch IN ({marks})", wanted)}

    def close(self) -> None:
        self._store.close()


# --------------------------------------------------------------------------- opening

def open_index(user_paths: Sequence[Path] = (), builtin: bool = True) -> Index:
    """The lookup index of the shipped term files (unless ``builtin`` is false) and the
    user's, from their compiled store (:func:`glossary.compiled.open_store`)."""
    from glossary.compiled import open_store

    return open_store(user_paths, builtin).index()
