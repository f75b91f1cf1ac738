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

    def __len__(self) -> int:
        return len(self.forms)

    def _automaton(self, overlapping: bool):
        import ahocorasick_rs as ac

        if overlapping:
            if self._standard is None:
                self._standard = ac.AhoCorasick(self.forms, matchkind=ac.MATCHKIND_STANDARD,
                                                store_patterns=False)
            return self._standard
        if self._longest is None:
            kwargs = {}
            if len(self.forms) <= DFA_MAX_PATTERNS:
                kwargs["implementation"] = ac.Implementation.DFA
            self._longest = ac.AhoCorasick(self.forms, matchkind=ac.MATCHKIND_LEFTMOST_LONGEST,
                                           store_patterns=False, **kwargs)
        return self._longest

    # ----------------------------------------------------------------- searching

    def _search(self, text: str, overlapping: bool) -> list[tuple[int, int, int]]:
        """The automaton's own triples ``(form_index, start, end)``, in reading order."""
        found = self._automaton(overlapping).find_matches_as_indexes(text, overlapping=overlapping)
        if overlapping:
            found.sort(key=lambda m: (m[1], -m[2]))
        return found

    def find_matches(self, text: str, overlapping: bool = False) -> list[Match]:
        """Raw matches ``(start, end, form_index)`` in ``text``, in reading order."""
        if not self.forms or not text:
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
            found = self._search(buffer, overlapping) if self.forms else []
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


# --------------------------------------------------------------------------- cached index

@dataclass(frozen=True, slots=True)
class TermInfo:
    """What text commands show of an entry (a light stand-in for :class:`~glossary.model.Entry`)."""

    id: str
    zh: str
    zh_hant: str | None
    pinyin: str
    fr: str
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


def _index_data(user_paths: list, builtin: bool) -> dict:
    from glossary.store import load_glossary

    glossary = load_glossary(user_paths, builtin=builtin)
    matcher = TermMatcher.from_glossary(glossary)
    return {"forms": list(matcher.forms), "ids": list(matcher.entry_ids),
            "rows": TermTable.from_glossary(glossary)._rows}


def load_term_index(user_paths: Iterable = (), builtin: bool = True) -> tuple[TermMatcher, TermTable]:
    """The matcher and the entries of the glossary made of the shipped term files
    (unless ``builtin`` is false) and the user's paths, as :func:`glossary.store.load_glossary`
    stacks them.

    What they are built from (forms, entry ids, the fields shown) is kept in the
    JSON cache keyed by the term files' paths, sizes and modification times, so a
    large glossary is not rebuilt into entries on every run: with 100,000 entries
    this saves seconds. Broken term files raise TermFileError as when loading.
    """
    from pathlib import Path

    from glossary.cache import cached, file_stamp
    from glossary.store import builtin_terms_dir, term_files

    paths = [Path(p) for p in user_paths]
    layers = [term_files(builtin_terms_dir())] if builtin else []
    layers += [term_files(p) for p in paths]
    key = [builtin, [str(p) for p in paths], [file_stamp(files) for files in layers]]
    data = cached("term-index", key, lambda: _index_data(paths, builtin),
                  family=[builtin, [str(p) for p in paths]])
    matcher = TermMatcher.__new__(TermMatcher)
    matcher.forms = tuple(data["forms"])
    matcher.entry_ids = tuple(data["ids"])
    matcher.max_len = max(map(len, matcher.forms), default=0)
    matcher._longest = matcher._standard = None
    return matcher, TermTable(data["rows"])

