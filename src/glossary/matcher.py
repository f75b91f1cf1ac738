"""Finding glossary terms in running Chinese text, in any script.

Every Chinese form of every entry (``zh``, ``zh_hant``, the ``zh_variants`` and the
regional ``zh_regional`` forms) is folded to simplified characters
(:func:`glossary.normalize.fold_hanzi`, OpenCC's tables character by character) and
goes into one multi-pattern automaton (Aho-Corasick, from ``ahocorasick_rs``), so the
cost of a search does not grow with the number of terms the way a loop over terms
would, and no word segmenter is involved: a term is found even where a segmenter
would cut across it.

A text in any mix of simplified, traditional and variant characters is found as its
fold is: 醫療衞生 (Hong Kong 衞), 制造業 (simplified 制造, traditional 業), 新産品
all find their entries. The fold keeps the length, so offsets are the text's own. To
keep that cheap, a piece of text is folded only where it has to be:

- simplified text is searched as it is, by the automaton of the folded forms, which
  also looks for every character that would fold into a character of a form (a
  *sentinel*, which no form has); where none is met, its answer is the answer;
  where some are, only the clauses that hold them (up to a line break or a mark such
  as ，or 。 that no form has, so that no match crosses it) are folded and searched
  again;
- traditional text (from Taiwan, Hong Kong or a mainland traditional edition, and the
  mixes of the two scripts that share characters, as 制造業) is searched as it is by a
  second automaton, built the first time such text comes, of every traditional
  spelling of each folded form (製造業 and 制造業 are two spellings of 制造业), which
  looks for the characters outside those spellings as sentinels; where one is met
  (a simplified-only character next to traditional ones, a rare variant), the text
  is folded and searched.

Every way gives what searching the folded text gives (a test compares them). Each
spelling found is its own form in :attr:`TermMatcher.forms`, so a match says
exactly what the text has.

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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import product
from math import prod
from operator import itemgetter
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping

from glossary.normalize import fold_hanzi

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
# The traditional spellings of the forms are searched as they are only while they are
# at most this many (and this many times the forms); past it, traditional text is folded.
MAX_SPELLINGS = 200_000
SPELLINGS_PER_FORM = 8
# A text whose first SAMPLE_CHARS characters have one in TRADITIONAL_SHARE or more that
# fold is first searched by the traditional spellings.
SAMPLE_CHARS = 4096
TRADITIONAL_SHARE = 50
# Characters are folded one by one while they are fewer than one in FOLD_ONE_BY_ONE.
FOLD_ONE_BY_ONE = 16
# When the clauses to fold again make more than half of a text, or there would be
# more than one in CLAUSES_AT_MOST characters, the text is folded whole.
DIRTY_SHARE = 2
CLAUSES_AT_MOST = 500
# What ends a clause (see TermMatcher._refolded).
CLAUSE_BREAKS = "\n。，；！？：,;!?"
CLAUSE_WINDOW = 400


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
    """The Chinese forms of an entry to look for, folded (see
    :func:`glossary.normalize.fold_hanzi`), each once, with their rank (0 = main form,
    1 = variant or regional form)."""
    seen: set[str] = set()
    main = [entry.zh, entry.zh_hant]
    others = [v.text for v in entry.zh_variants] + [r.text for r in entry.zh_regional]
    for rank, forms in ((0, main), (1, others)):
        for form in forms:
            folded = fold_hanzi(form) if form else ""
            if folded and folded not in seen:
                seen.add(folded)
                yield folded, rank


class TermMatcher:
    """Finds the Chinese forms of glossary entries in text.

    Build it with :meth:`from_glossary` (or :meth:`from_entries`, or from a
    mapping form → entry id). When two entries share a form (folded), an entry's main
    form (``zh``, ``zh_hant``) wins over another's variant or regional form, and
    otherwise the later entry wins (user term files are loaded after the shipped ones).

    :attr:`forms` and :attr:`entry_ids` are indexed by the form index of a match:
    the folded forms first, then each spelling of them met in text (traditional,
    mixed), added as they are met.
    """

    def __init__(self, forms: Mapping[str, str]) -> None:
        chosen: dict[str, str] = {}
        for form, entry_id in forms.items():
            if form:
                chosen[fold_hanzi(form)] = entry_id
        self.forms: list[str] | dict[int, str] = list(chosen)
        self.entry_ids: list[str] | dict[int, str] = list(chosen.values())
        self.max_len: int = max(map(len, self.forms), default=0)
        self._count = len(self.forms)
        self._longest = None
        self._standard = None

    _candidates: "_Candidates | None" = None
    _patterns: "tuple[str, ...] | None" = None  # every form, when ``forms`` is a map
    _pattern_idx: "list[int] | None" = None  # the map's key of each of them
    _scripts: "_Scripts | None" = None
    _surfaces: "dict[str, int] | None" = None  # spelling → its form index

    # ----------------------------------------------------------------- building

    @classmethod
    def from_entries(cls, entries: Iterable["Entry"]) -> "TermMatcher":
        chosen: dict[str, tuple[int, str]] = {}
        for entry in entries:
            for form, rank in entry_forms(entry):
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
        matcher._count = count
        matcher._longest = matcher._standard = None
        matcher._candidates = _Candidates(store, count, [n for n in lengths if isinstance(n, int)],
                                          set(heads))
        return matcher

    @classmethod
    def _loaded(cls, store) -> "TermMatcher":
        """Every form of a store, for the automaton (in the order of the form table)."""
        rows = store.query("SELECT form, eid FROM form")
        matcher = cls.__new__(cls)
        matcher.forms = [form for form, _ in rows]
        matcher.entry_ids = [eid for _, eid in rows]
        matcher.max_len = max(map(len, matcher.forms), default=0)
        matcher._count = len(rows)
        matcher._longest = matcher._standard = None
        return matcher

    def __len__(self) -> int:
        """How many (folded) forms the matcher looks for."""
        if self._candidates is not None:
            return self._candidates.count
        return self._count

    def _folded_forms(self) -> "tuple[str, ...] | list[str]":
        return self._patterns if self._patterns is not None else self.forms[:self._count]

    def _scripts_of(self) -> "_Scripts":
        if self._scripts is None:
            self._scripts = _Scripts(self._folded_forms())
        return self._scripts

    def _automaton(self, overlapping: bool):
        """The automaton of the folded forms, followed by one pattern for each character
        that folds into a character of a form (see :class:`_Scripts`)."""
        if overlapping:
            if self._standard is None:
                self._standard = _build([*self._folded_forms(), *self._scripts_of().folding],
                                        True)
            return self._standard
        if self._longest is None:
            self._longest = _build([*self._folded_forms(), *self._scripts_of().folding], False)
        return self._longest

    def _key_of(self, spelling: str, key: int) -> int:
        """The form index of ``spelling``, a spelling of the form at ``key``: that index
        when it is the form itself, else its own (made the first time it is met)."""
        if self.forms[key] == spelling:
            return key
        surfaces = self._surfaces
        if surfaces is None:
            surfaces = self._surfaces = {}
        known = surfaces.get(spelling)
        if known is not None:
            return known
        if isinstance(self.forms, list):
            known = len(self.forms)
            self.forms.append(spelling)
            self.entry_ids.append(self.entry_ids[key])  # type: ignore[union-attr]
        else:  # keyed by the form table's idx: spellings take negative keys
            known = -1 - len(surfaces)
            self.forms[known] = spelling
            self.entry_ids[known] = self.entry_ids[key]
        surfaces[spelling] = known
        return known

    # ----------------------------------------------------------------- searching

    def _search(self, text: str, overlapping: bool) -> list[tuple[int, int, int]]:
        """The automaton's own triples ``(form_index, start, end)``, in reading order.

        Each automaton also looks for the characters that would make its answer wrong
        (*sentinels*: characters that fold, for the folded forms; characters outside
        the traditional spellings, for those): when none is met, its answer on the text
        as it is is the answer; else the text is folded and searched again."""
        candidates = self._candidates
        if candidates is not None:
            if candidates.worth_it(len(text)):
                folded = fold_hanzi(text)
                found = candidates.search(folded, overlapping, self.forms, self.entry_ids)
                return self._spelt(text, found) if folded != text else found
            self._load_all(candidates.store)
        scripts = self._scripts_of()
        if scripts.looks_traditional(text):
            traditional = self._traditional(overlapping)
            if traditional is not None:
                automaton, keys, spellings = traditional
                found = automaton.find_matches_as_indexes(text, overlapping=overlapping)
                if found and max(found)[0] >= spellings:  # a character outside them: fold
                    found = self._folded_search(text, fold_hanzi(text), overlapping)
                else:
                    found = [(keys[i], s, e) for i, s, e in found]
            else:
                found = self._folded_search(text, fold_hanzi(text), overlapping)
        else:
            automaton = self._automaton(overlapping)
            found = automaton.find_matches_as_indexes(text, overlapping=overlapping)
            count = len(self._folded_forms())
            if found and max(found)[0] >= count:  # characters that fold: their clauses, folded
                found = self._refolded(text, found, [s for i, s, _ in found if i >= count],
                                       overlapping)
            elif self._pattern_idx is not None:
                keys = self._pattern_idx
                found = [(keys[i], s, e) for i, s, e in found]
        if overlapping:
            found.sort(key=lambda m: (m[1], -m[2]))
        return found

    def _refolded(self, text: str, found: list, sentinels: list[int],
                  overlapping: bool) -> list[tuple[int, int, int]]:
        """The matches of ``text`` given those of the text as it is (``found``) and where
        it has characters that fold: the clauses holding them (up to a line break or
        a punctuation mark that no form has, which no match can cross) are folded and
        searched again, the others keep their matches. A text with many such
        characters, or without such marks, is folded whole."""
        scripts = self._scripts_of()
        breaks = "".join(c for c in self._breaks() if c in text)
        if not breaks or len(sentinels) * CLAUSES_AT_MOST >= len(text):
            return self._folded_search(text, scripts.fold(text, sentinels), overlapping)
        lines: list[list[int]] = []  # [start, end] of the clauses to fold, in order
        for p in sentinels:
            if lines and p < lines[-1][1]:
                continue
            start, end = _clause(text, p, breaks)
            if lines and start <= lines[-1][1]:
                lines[-1][1] = end
            else:
                lines.append([start, end])
        if sum(end - start for start, end in lines) * DIRTY_SHARE > len(text):
            return self._folded_search(text, scripts.fold(text, sentinels), overlapping)
        # The clauses to fold, one after the other, searched at once (no match crosses
        # the mark that ends each); each match is taken back to its clause.
        pieces, starts, at = [], [], 0
        for start, end in lines:
            pieces.append(text[start:end])
            starts.append(at)
            at += end - start
        joined = "".join(pieces)
        where, line = [], 0
        for p in sentinels:
            while p >= lines[line][1]:
                line += 1
            where.append(p - lines[line][0] + starts[line])
        again = self._folded_search(joined, scripts.fold(joined, where), overlapping)
        moved = []
        for key, s, e in again:
            line = bisect_right(starts, s) - 1
            shift = lines[line][0] - starts[line]
            moved.append((key, s + shift, e + shift))
        if overlapping:
            found = sorted(found, key=lambda m: (m[1], -m[2]))
            moved.sort(key=lambda m: (m[1], -m[2]))
        keys = self._pattern_idx

        def kept(part: list) -> list:  # matches of lines without such characters
            return part if keys is None else [(keys[i], s, e) for i, s, e in part]

        out: list[tuple[int, int, int]] = []
        k = m = 0
        for start, end in lines:
            before = bisect_left(found, start, lo=k, key=_start)
            out.extend(kept(found[k:before]))
            k = bisect_left(found, end, lo=before, key=_start)  # this line's: folded instead
            upto = bisect_left(moved, end, lo=m, key=_start)
            out.extend(moved[m:upto])
            m = upto
        out.extend(kept(found[k:]))
        return out

    _break_chars: "str | None" = None

    def _breaks(self) -> str:
        """The marks that end a clause and that no form has (so no match crosses them)."""
        if self._break_chars is None:
            joined = "".join(self._folded_forms())
            self._break_chars = "".join(c for c in CLAUSE_BREAKS if c not in joined)
        return self._break_chars

    def _folded_search(self, text: str, folded: str, overlapping: bool) -> list[tuple[int, int, int]]:
        """The matches of the folded text, each given the form index of its own spelling
        in ``text``."""
        found = self._automaton(overlapping).find_matches_as_indexes(folded, overlapping=overlapping)
        if self._pattern_idx is not None:
            keys = self._pattern_idx
            found = [(keys[i], s, e) for i, s, e in found]
        return self._spelt(text, found)

    def _spelt(self, text: str, found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Matches made on the folded text, each given the form index of its own
        spelling in ``text``."""
        key_of = self._key_of
        return [(key_of(text[s:e], key), s, e) for key, s, e in found]

    _spelling_keys: "list[int] | None" = None
    _spelling_patterns: "list[str] | None" = None
    _spelling_automata: "dict[bool, object] | None" = None

    def _traditional(self, overlapping: bool):
        """The automaton of every traditional spelling of the folded forms followed by
        the characters outside them; the form index of each spelling; how many spellings
        there are. None when they are too many (see :class:`_Scripts`)."""
        if self._spelling_automata is None:
            self._spelling_automata = {}
            spellings = self._scripts_of().spellings(self._folded_forms())
            if spellings is None:
                self._spelling_keys = self._spelling_patterns = None
            else:
                keys_of = self._pattern_idx
                self._spelling_keys = [self._key_of(spelling, keys_of[i] if keys_of is not None else i)
                                       for spelling, i in spellings]
                # Only traditional spellings: a folded form could cover a character
                # outside them, which must be seen.
                self._spelling_patterns = [spelling for spelling, _ in spellings]
        if self._spelling_patterns is None:
            return None
        automaton = self._spelling_automata.get(overlapping)
        if automaton is None:
            automaton = self._spelling_automata[overlapping] = _build(
                [*self._spelling_patterns, *self._scripts_of().outside], overlapping)
        return automaton, self._spelling_keys, len(self._spelling_patterns)

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
        self._scripts = self._spelling_automata = self._break_chars = None
        self._longest = self._standard = None

    def find_matches(self, text: str, overlapping: bool = False) -> list[Match]:
        """Raw matches ``(start, end, form_index)`` in ``text``, in reading order."""
        if not text or (not self._count and self._candidates is None):
            return []
        return [(start, end, index) for index, start, end in self._search(text, overlapping)]

    def find_spans(self, text: str, overlapping: bool = False) -> list[Span]:
        """Every glossary term in ``text``: leftmost-longest without overlaps, or all of them."""
        found = self.find_matches(text, overlapping)
        ids, forms = self.entry_ids, self.forms
        return [Span(start, end, forms[index], ids[index]) for start, end, index in found]

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
            found = self._search(buffer, overlapping) if (self._count or self._candidates) else []
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
        for _offset, _piece, matches in self.iter_chunk_matches(chunks, overlapping):
            ids, forms = self.entry_ids, self.forms
            for start, end, index in matches:
                yield Span(start, end, forms[index], ids[index])


def _clause(text: str, p: int, breaks: str) -> tuple[int, int]:
    """The clause around position ``p``: from after the mark of ``breaks`` before it to
    the mark after it, included (looked for nearby first, then as far as it takes)."""
    low, high = max(0, p - CLAUSE_WINDOW), p + CLAUSE_WINDOW
    start = max(text.rfind(c, low, p) for c in breaks)
    if start < 0 and low:
        start = max(text.rfind(c, 0, p) for c in breaks)
    ends = [i for i in (text.find(c, p, high) for c in breaks) if i >= 0]
    if not ends and high < len(text):
        ends = [i for i in (text.find(c, p) for c in breaks) if i >= 0]
    return start + 1, (min(ends) + 1 if ends else len(text))


def _build(patterns, overlapping: bool):
    import ahocorasick_rs as ac

    if overlapping:
        return ac.AhoCorasick(patterns, matchkind=ac.MATCHKIND_STANDARD, store_patterns=False)
    kwargs = {}
    if len(patterns) <= DFA_MAX_PATTERNS:
        kwargs["implementation"] = ac.Implementation.DFA
    return ac.AhoCorasick(patterns, matchkind=ac.MATCHKIND_LEFTMOST_LONGEST,
                          store_patterns=False, **kwargs)


class _Scripts:
    """What the folded forms need of a text's characters: which characters the fold
    would change into a character of some form (only those can change a match), and,
    for each character of the forms, the spellings traditional text gives it."""

    def __init__(self, forms: Iterable[str]) -> None:
        from glossary.normalize import hanzi_classes, traditional_characters

        classes = hanzi_classes()
        traditional = traditional_characters()
        used = {c for c in set("".join(forms)) if c in classes}
        # Per character of the forms, its traditional spellings (一 for 一: one class).
        self.written = {c: tuple(m for m in classes[c] if m in traditional) for c in used}
        self.folding = sorted({m for c in used for m in classes[c][1:]})
        self.outside = sorted({m for c in used for m in classes[c] if m not in self.written[c]})

    @staticmethod
    def looks_traditional(text: str) -> bool:
        """Whether the beginning of ``text`` has traditional characters in number."""
        sample = text[:SAMPLE_CHARS]
        changed = sum(1 for a, b in zip(sample, fold_hanzi(sample)) if a != b)
        return changed * TRADITIONAL_SHARE >= len(sample) > 0

    @staticmethod
    def fold(text: str, where: list[int]) -> str:
        """``text`` folded: at the positions ``where`` only when they are few (simplified
        text quoting a traditional name), else whole. Only the characters that fold
        into a character of the forms can change a match."""
        if len(where) * FOLD_ONE_BY_ONE >= len(text):
            return fold_hanzi(text)
        from glossary.normalize import fold_map

        table = fold_map()
        parts, at = [], 0
        for i in where:
            parts.append(text[at:i])
            parts.append(table.get(text[i], text[i]))
            at = i + 1
        parts.append(text[at:])
        return "".join(parts)

    def spellings(self, forms) -> "list[tuple[str, int]] | None":
        """Every traditional spelling of every form that has a character the fold joins
        (with the form's position), or None past :data:`MAX_SPELLINGS`."""
        written = self.written
        options = []
        total = 0
        budget = min(MAX_SPELLINGS, max(1000, SPELLINGS_PER_FORM * len(forms)))
        for i, form in enumerate(forms):
            if not any(c in written for c in form):
                continue  # the same in both scripts: the form itself is its spelling
            choices = [written[c] if c in written else (c,) for c in form]
            total += prod(map(len, choices))
            if total > budget:
                return None
            options.append((choices, i))
        out = []
        for choices, i in options:
            out.extend(("".join(p), i) for p in product(*choices))
        # A form the same in both scripts is also searched: its own spelling.
        spelt = {i for _, i in options}
        out.extend((form, i) for i, form in enumerate(forms) if i not in spelt)
        return out


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
    """What text commands show of an entry (a light stand-in for :class:`~glossary.model.Entry`):
    ``zh`` in the reader's script (see :meth:`TermTable.set_script`), ``zh_hant`` as written."""

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
        self.script = None

    @classmethod
    def from_glossary(cls, glossary: "Glossary") -> "TermTable":
        return cls({e.id: [getattr(e, f) for f in (*_INFO_FIELDS, "zh_regional")] for e in glossary})

    @classmethod
    def from_store(cls, store) -> "TermTable":
        return _StoreTermTable(store)

    def set_script(self, script) -> None:
        """Show ``zh`` in this :class:`~glossary.model.Script` (None: simplified)."""
        self.script = script
        self._made.clear()

    def _info(self, entry_id: str, data: dict) -> TermInfo:
        get = data.get  # (fields as _INFO_FIELDS names them; a long text makes every entry's)
        if self.script is None:
            zh = get("zh")
        else:
            from glossary.model import zh_in_script

            zh = zh_in_script(data, self.script)
        return TermInfo(entry_id, zh, get("zh_hant"), get("pinyin"), get("fr"), get("en"),
                        get("domain"), get("category"))

    def get(self, entry_id: str) -> TermInfo | None:
        info = self._made.get(entry_id)
        if info is None:
            row = self._rows.get(entry_id)
            if row is None:
                return None
            info = self._made[entry_id] = self._info(
                entry_id, dict(zip((*_INFO_FIELDS, "zh_regional"), row)))
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
        info = self._made.get(entry_id)
        if info is None:
            rows = self._store.query("SELECT chunk FROM entry WHERE id = ? AND live = 1", (entry_id,))
            if not rows:
                return None
            # The whole chunk at once: a long text meets many entries, and its neighbours
            # would otherwise decompress the same chunk again (at 100,000 entries a chunk
            # read for every entry was half of highlight's time).
            (chunk,) = rows[0]
            for other, slot in self._store.chunk_entries(chunk):
                if other not in self._made:
                    self._made[other] = self._info(other, self._store.record(chunk, slot))
            info = self._made.get(entry_id)
        return info

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
