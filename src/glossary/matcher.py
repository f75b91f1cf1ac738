"""Finding glossary terms in running Chinese text.

Every Chinese form of every entry (``zh``, ``zh_hant`` and the ``zh_variants``)
goes into one multi-pattern automaton (Aho-Corasick, from ``ahocorasick_rs``),
so the cost of a search does not grow with the number of terms the way a loop
over terms would, and no word segmenter is involved: a term is found even
where a segmenter would cut across it.

Two ways of reporting:

- by default, **leftmost-longest without overlaps**, as a reader sees terms:
  in 建设数字乡村 the span is 数字乡村, not 乡村 inside it;
- with ``overlapping=True``, every occurrence of every form, nested ones
  included, ordered by start then longest first.

Offsets are character offsets (Python string indexes) into the text searched,
end exclusive: ``text[span.start:span.end] == span.text``.

Why not pyahocorasick: its ``iter_long`` (version 2.3) misses matches when a
longer candidate fails part-way (it finds nothing in 国家知识产权 with the
patterns 知识产权 and 国家知识产权局), and its transitions slow down with large
alphabets such as a 100,000-term Chinese glossary. The Rust automaton
implements leftmost-longest natively, and is fast at both sizes.

The automaton is rebuilt each time (a few milliseconds for the shipped
glossary, well under a second for 100,000 terms) rather than cached: the Rust
automaton cannot be serialised, and a cache that unpickles files would be a
way to run code for whoever can write to the cache directory.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping

if TYPE_CHECKING:
    from glossary.model import Entry
    from glossary.store import Glossary

# Up to this many patterns the matcher uses a full DFA (fastest to search,
# memory grows with the patterns); past it, the library's own choice.
DFA_MAX_PATTERNS = 5000
# Up to this many forms a store's matcher builds its automaton at once (a few tens of
# milliseconds); past it, a text is first searched by candidate look-ups.
DIRECT_MAX_FORMS = 20_000
# Candidate look-ups cost about this many forms' worth of automaton building per
# character of text: past the break-even point the automaton is built.
CANDIDATE_CHARS_PER_FORM = 0.5


@dataclass(frozen=True, slots=True)
class Span:
    """One occurrence of a glossary term: ``text[start:end]``, a form of entry ``entry_id``."""

    start: int
    end: int
    text: str
    entry_id: str


_start = itemgetter(1)

# A raw match: (start, end, form index). The fast path of the highlighter uses
# these directly; :class:`Span` is the public value.
Match = tuple[int, int, int]


def entry_forms(entry: "Entry") -> Iterator[tuple[str, int]]:
    """The Chinese forms of an entry to look for, with their rank (0 = main form, 1 = variant)."""
    yield entry.zh, 0
    if entry.zh_hant:
        yield entry.zh_hant, 0
    for variant in entry.zh_variants:
        yield variant.text, 1


class TermMatcher:
    """Finds the Chinese forms of glossary entries in text.

    Build it with :meth:`from_glossary` (or :meth:`from_entries`, or from a
    mapping form → entry id). When two entries share a form, an entry's main
    form (``zh``, ``zh_hant``) wins over another's variant, and otherwise the
    later entry wins (user term files are loaded after the shipped ones).
    """

    def __init__(self, forms: Mapping[str, str]) -> None:
        items = [(form, entry_id) for form, entry_id in forms.items() if form]
        self.forms: tuple[str, ...] = tuple(form for form, _ in items)
        self.entry_ids: tuple[str, ...] = tuple(entry_id for _, entry_id in items)
        self.max_len: int = max(map(len, self.forms), default=0)
        self._longest = None
        self._standard = None

    _candidates: "_Candidates | None" = None
    _patterns: "tuple[str, ...] | None" = None  # every form, when ``forms`` is a map
    _pattern_idx: "list[int] | None" = None  # the map's key of each of them

    # ----------------------------------------------------------------- building

    @classmethod
    def from_entries(cls, entries: Iterable["Entry"]) -> "TermMatcher":
        chosen: dict[str, tuple[int, str]] = {}
        for entry in entries:
            for form, rank in entry_forms(entry):
                if not form:
                    continue
                previous = chosen.get(form)
                if previous is None or rank <= previous[0]:
                    chosen[form] = (rank, entry.id)
        return cls({form: entry_id for form, (_, entry_id) in chosen.items()})

    @classmethod
    def from_glossary(cls, glossary: "Glossary") -> "TermMatcher":
        return cls.from_entries(glossary.entries)

    @classmethod
    def from_store(cls, store) -> "TermMatcher":
        """The matcher of a compiled store's forms (its ``form`` table).

        A small term base is loaded whole into the automaton. A large one is first
        searched by looking up the text's candidate substrings in the store's form
        table, which costs nothing to set up; once the text read is long enough for
        the automaton to pay for itself, the automaton of every form is built and
        used for the rest. Both give the same matches."""
        from glossary.compiled import CacheCorrupt, get_blob

        try:
            shape = json.loads(get_blob(store, "form-shape") or "{}")
            count, lengths, heads = int(shape.get("count", 0)), list(shape.get("lengths", [])), \
                str(shape.get("heads", ""))
        except (ValueError, TypeError, AttributeError, RecursionError):
            raise CacheCorrupt("matcher shape unreadable") from None
        if count <= DIRECT_MAX_FORMS:
            return cls._loaded(store)
        matcher = cls.__new__(cls)
        matcher.forms = {}
        matcher.entry_ids = {}
        matcher.max_len = max(lengths, default=0)
        matcher._longest = matcher._standard = None
        matcher._candidates = _Candidates(store, count, [n for n in lengths if isinstance(n, int)],
                                          set(heads))
        return matcher

    @classmethod
    def _loaded(cls, store) -> "TermMatcher":
        """Every form of a store, for the automaton (in the order of the form table)."""
        rows = store.query("SELECT form, eid FROM form")
        matcher = cls.__new__(cls)
        matcher.forms = tuple(form for form, _ in rows)
        matcher.entry_ids = tuple(eid for _, eid in rows)
        matcher.max_len = max(map(len, matcher.forms), default=0)
        matcher._longest = matcher._standard = None
        return matcher

    def __len__(self) -> int:
        if self._candidates is not None:
            return self._candidates.count
        return len(self.forms)

    def _automaton(self, overlapping: bool):
        import ahocorasick_rs as ac

        patterns = self._patterns if self._patterns is not None else self.forms
        if overlapping:
            if self._standard is None:
                self._standard = ac.AhoCorasick(patterns, matchkind=ac.MATCHKIND_STANDARD,
                                                store_patterns=False)
            return self._standard
        if self._longest is None:
            kwargs = {}
            if len(patterns) <= DFA_MAX_PATTERNS:
                kwargs["implementation"] = ac.Implementation.DFA
            self._longest = ac.AhoCorasick(patterns, matchkind=ac.MATCHKIND_LEFTMOST_LONGEST,
                                           store_patterns=False, **kwargs)
        return self._longest

    # ----------------------------------------------------------------- searching

    def _search(self, text: str, overlapping: bool) -> list[tuple[int, int, int]]:
        """The automaton's own triples ``(form_index, start, end)``, in reading order."""
        candidates = self._candidates
        if candidates is not None:
            if candidates.worth_it(len(text)):
                return candidates.search(text, overlapping, self.forms, self.entry_ids)
            self._load_all(candidates.store)
        found = self._automaton(overlapping).find_matches_as_indexes(text, overlapping=overlapping)
        if self._pattern_idx is not None:
            keys = self._pattern_idx
            found = [(keys[i], s, e) for i, s, e in found]
        if overlapping:
            found.sort(key=lambda m: (m[1], -m[2]))
        return found

    def _load_all(self, store) -> None:
        """From candidate look-ups to the automaton of every form. The maps of forms and
        ids (keyed by the form table's ``idx``) are filled in place: callers may hold
        them; the automaton's own indexes are translated to those keys."""
        rows = store.query("SELECT idx, form, eid FROM form")
        self._patterns = tuple(form for _, form, _ in rows)
        self._pattern_idx = [idx for idx, _, _ in rows]
        self.forms.update((idx, form) for idx, form, _ in rows)  # type: ignore[union-attr]
        self.entry_ids.update((idx, eid) for idx, _, eid in rows)  # type: ignore[union-attr]
        self._candidates = None

    def find_matches(self, text: str, overlapping: bool = False) -> list[Match]:
        """Raw matches ``(start, end, form_index)`` in ``text``, in reading order."""
        if not text or (not self.forms and self._candidates is None):
            return []
        return [(start, end, index) for index, start, end in self._search(text, overlapping)]

    def find_spans(self, text: str, overlapping: bool = False) -> list[Span]:
        """Every glossary term in ``text``: leftmost-longest without overlaps, or all of them."""
        ids, forms = self.entry_ids, self.forms
        return [Span(start, end, forms[index], ids[index])
                for start, end, index in self.find_matches(text, overlapping)]

    def iter_chunk_matches(self, chunks: Iterable[str],
                           overlapping: bool = False) -> Iterator[tuple[int, str, list[Match]]]:
        """Search text that comes in pieces, in bounded memory.

        Yields ``(offset, piece, matches)``: consecutive pieces of the text (not
        the input chunks: the boundaries move so that no term is cut) and their
        matches with *global* offsets, each match starting in its piece (with
        ``overlapping``, a match may end in the next piece; without, never).
        The pieces, joined, are the whole text; a term straddling an input
        chunk boundary is found exactly once, and the result is the same as
        :meth:`find_matches` on the whole text.
        """
        for offset, piece, found in self.iter_chunk_found(chunks, overlapping):
            yield offset, piece, [(s + offset, e + offset, i) for i, s, e in found]

    def iter_chunk_found(self, chunks: Iterable[str],
                         overlapping: bool = False) -> Iterator[tuple[int, str, list]]:
        """:meth:`iter_chunk_matches` with the automaton's own triples
        ``(form_index, start, end)``, offsets relative to the piece (add ``offset``):
        the fast path of the JSON writer, which saves a tuple per match."""
        keep = max(self.max_len - 1, 0)
        carry = ""
        offset = 0  # global offset of carry[0]
        iterator = iter(chunks)
        while True:
            chunk = next(iterator, None)
            final = chunk is None
            if final:
                buffer = carry
            elif not chunk:
                continue
            else:
                buffer = carry + chunk
            # A decision at position p needs text[p : p + max_len]: positions
            # before ``limit`` are final, the rest wait for the next chunk.
            limit = len(buffer) if final else len(buffer) - keep
            if limit <= 0:
                carry = buffer
                if final:
                    if buffer:
                        yield offset, buffer, []
                    return
                continue
            found = self._search(buffer, overlapping) if (self.forms or self._candidates) else []
            # Matches are in order of start: those starting before ``limit`` are final.
            cut = bisect_left(found, limit, key=_start)
            resume = limit
            if cut and not overlapping:
                resume = max(limit, found[cut - 1][2])
            if cut < len(found):
                del found[cut:]
            yield offset, buffer[:resume], found
            if final:
                return
            carry = buffer[resume:]
            offset += resume

    def iter_spans(self, chunks: Iterable[str], overlapping: bool = False) -> Iterator[Span]:
        """:meth:`find_spans` over text given in pieces; offsets are global."""
        ids, forms = self.entry_ids, self.forms
        for _offset, _piece, matches in self.iter_chunk_matches(chunks, overlapping):
            for start, end, index in matches:
                yield Span(start, end, forms[index], ids[index])


class _Candidates:
    """Searching a text by looking its substrings up in a store's form table: every
    substring of a length some form has, starting with a character some form starts
    with. For short texts against large term bases, where building the automaton of
    every form would cost far more than the search."""

    def __init__(self, store, count: int, lengths: list[int], heads: set[str]) -> None:
        self.store = store
        self.count = count
        self.lengths = sorted(n for n in lengths if n > 0)
        self.heads = heads
        self.budget = max(int(count * CANDIDATE_CHARS_PER_FORM), 1)
        self.known: dict[str, tuple[int, str] | None] = {}

    def worth_it(self, chars: int) -> bool:
        """Whether ``chars`` more characters are still cheaper by look-ups than by automaton."""
        self.budget -= chars
        return self.budget >= 0

    def _resolve(self, substrings: set[str]) -> None:
        wanted = [s for s in substrings if s not in self.known]
        for s in wanted:
            self.known[s] = None
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for form, idx, eid in self.store.query(
                    f"SELECT form, idx, eid FROM form WHERE form IN ({marks})", chunk):
                self.known[form] = (idx, eid)

    def search(self, text: str, overlapping: bool, forms: dict, ids: dict) -> list[tuple[int, int, int]]:
        heads, lengths, size = self.heads, self.lengths, len(text)
        wanted: set[str] = set()
        for i, char in enumerate(text):
            if char in heads:
                for n in lengths:
                    if i + n > size:
                        break
                    wanted.add(text[i:i + n])
        self._resolve(wanted)
        known = self.known
        found: list[tuple[int, int, int]] = []
        for i, char in enumerate(text):
            if char not in heads:
                continue
            at_i = []
            for n in lengths:
                if i + n > size:
                    break
                hit = known.get(text[i:i + n])
                if hit is not None:
                    at_i.append((hit[0], i, i + n))
                    forms[hit[0]] = text[i:i + n]
                    ids[hit[0]] = hit[1]
            if at_i:
                at_i.reverse()  # longest first
                found.extend(at_i)
        if overlapping:
            return found
        chosen: list[tuple[int, int, int]] = []
        end = 0
        for match in found:  # by start, longest first: leftmost-longest, no overlaps
            if match[1] >= end:
                chosen.append(match)
                end = match[2]
        return chosen


# --------------------------------------------------------------------------- cached index

@dataclass(frozen=True, slots=True)
class TermInfo:
    """What text commands show of an entry (a light stand-in for :class:`~glossary.model.Entry`)."""

    id: str
    zh: str
    zh_hant: str | None
    pinyin: str
    fr: str | None
    en: str | None
    domain: str
    category: str


_INFO_FIELDS = ("zh", "zh_hant", "pinyin", "fr", "en", "domain", "category")


class TermTable:
    """Entries by id, as :class:`TermInfo`, made only when asked for."""

    def __init__(self, rows: dict[str, list]) -> None:
        self._rows = rows
        self._made: dict[str, TermInfo] = {}

    @classmethod
    def from_glossary(cls, glossary: "Glossary") -> "TermTable":
        return cls({e.id: [getattr(e, f) for f in _INFO_FIELDS] for e in glossary})

    @classmethod
    def from_store(cls, store) -> "TermTable":
        return _StoreTermTable(store)

    def get(self, entry_id: str) -> TermInfo | None:
        info = self._made.get(entry_id)
        if info is None:
            row = self._rows.get(entry_id)
            if row is None:
                return None
            info = self._made[entry_id] = TermInfo(entry_id, *row)
        return info

    def __len__(self) -> int:
        return len(self._rows)

    def values(self, field_name: str) -> set[str]:
        """Every value of one field (``domain``, ``category`` …) across the entries."""
        column = _INFO_FIELDS.index(field_name)
        return {row[column] for row in self._rows.values()}


class _StoreTermTable(TermTable):
    """A :class:`TermTable` reading the entries it is asked for from a compiled store."""

    def __init__(self, store) -> None:
        super().__init__({})
        self._store = store

    def get(self, entry_id: str) -> TermInfo | None:
        if entry_id not in self._made:
            rows = self._store.query("SELECT chunk, slot FROM entry WHERE id = ? AND live = 1",
                                     (entry_id,))
            if not rows:
                return None
            data = self._store.record(*rows[0])
            self._made[entry_id] = TermInfo(entry_id, *(data.get(f) for f in _INFO_FIELDS))
        return self._made[entry_id]

    def __len__(self) -> int:
        return len(self._store)

    def values(self, field_name: str) -> set[str]:
        if field_name not in ("domain", "category"):
            raise ValueError(field_name)
        return {r[0] for r in self._store.query(f"SELECT DISTINCT {field_name} FROM entry WHERE live = 1")}


def load_term_index(user_paths: Iterable = (), builtin: bool = True) -> tuple[TermMatcher, TermTable]:
    """The matcher and the entries of the glossary made of the shipped term files
    (unless ``builtin`` is false) and the user's paths, as :func:`glossary.store.load_glossary`
    stacks them, from their compiled store (:mod:`glossary.compiled`). Broken term files
    raise TermFileError as when loading."""
    from pathlib import Path

    from glossary.compiled import with_store

    def use(store):
        matcher, table = store.matcher(), store.terms()
        len(matcher)  # what the matcher needs is read now, before any text is
        return matcher, table

    return with_store([Path(p) for p in user_paths], builtin, use)
