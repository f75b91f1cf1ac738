"""Terminology check of a translation: is every glossary term of the Chinese rendered
the approved way in the French (or English)?

The Chinese side is matched with :class:`glossary.matcher.TermMatcher` (the matcher
``highlight`` uses, traditional forms included). The target side is compared word by
word on *keys*: each word is folded (case, accents, apostrophes, dashes, every kind of
space, see :func:`glossary.normalize.fold`) and reduced to a singular-insensitive key,
and French elided articles (``l'``, ``d'``, ``qu'`` …) are skipped. So "les centrales
virtuelles", "l’Économie des basses altitudes" and "interaction véhicule réseau" meet
their reference renderings, while "centrale électrique virtuelle" does not: the words
must be the same words, in the same order, with nothing in between.

Counting is strict: a term that occurs twice in a segment needs two renderings in
the target. Each word of the target serves one term only, longest rendering first.

This module is pure: no printing, no Typer, no Rich.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Sequence

from glossary.errors import InputError
from glossary.model import Entry, Status
from glossary.normalize import fold


class Verdict(str, Enum):
    """What the check says about one occurrence of a term in the source."""

    OK = "ok"  # the reference rendering or an admitted variant is in the target
    MISSING = "missing"  # no approved rendering in the target
    DEPRECATED = "deprecated"  # a deprecated variant is used instead
    UNSURE = "unsure"  # check --align: missing here, but the rendering stands in a neighbouring sentence


PROBLEMS = (Verdict.MISSING, Verdict.DEPRECATED)


# --------------------------------------------------------------------------- words of the target

@dataclass(frozen=True, slots=True)
class Language:
    """How words of one target language are compared."""

    code: str
    word_key: Callable[[str], str]  # folded word → key shared by its singular and plural
    elided: frozenset[str] = frozenset()  # words dropped before an apostrophe (l', d')
    clitics: frozenset[str] = frozenset()  # words dropped after an apostrophe ('s)


LANGUAGES: dict[str, Language] = {}


def register_language(language: Language) -> Language:
    LANGUAGES[language.code] = language
    return language


def language(code: str) -> Language:
    try:
        return LANGUAGES[code]
    except KeyError:
        raise InputError(f"no target language {code!r}; known: {', '.join(LANGUAGES)}") from None


# French words ending in s or x that are not plurals, and are short enough to matter.
_FR_INVARIABLE = frozenset(
    "sans sous dans vers plus moins apres depuis puis mais alors tres jamais toujours lors hors "
    "parfois ailleurs autrefois dessus dessous".split())


def _french_key(word: str) -> str:
    """``centrales`` → ``centrale``, ``jumeaux`` → ``jumeau``, ``canaux`` / ``canal`` → ``canau``.

    Words of three letters or less keep their ending, so ``de`` ≠ ``des`` and ``au`` ≠ ``aux``:
    a different article is a different wording.
    """
    if len(word) <= 3 or word in _FR_INVARIABLE:
        return word
    if word[-1] in "sx" and word[-2] != "s":
        word = word[:-1]
    if word.endswith("al"):
        word = word[:-2] + "au"
    return word


def _english_key(word: str) -> str:
    """``economies`` → ``economy``, ``processes`` → ``process``, ``plants`` → ``plant``."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


FRENCH = register_language(Language(
    "fr", _french_key,
    elided=frozenset("l d j m n s t c qu lorsqu puisqu jusqu quoiqu presqu".split())))
ENGLISH = register_language(Language("en", _english_key, clitics=frozenset({"s"})))


@dataclass(frozen=True, slots=True)
class Word:
    key: str
    start: int
    end: int


# A word: letters and digits (and combining accents of decomposed text), nothing else.
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
_APOSTROPHES = frozenset("'\u2019\u2018\u02bc\u00b4\u0060\u2032")


def words(text: str, lang: Language) -> list[Word]:
    """The words of ``text`` with their keys and character offsets, elisions left out."""
    found: list[Word] = []
    for match in _WORD.finditer(text):
        start, end = match.span()
        folded, keys = _fold_word(match.group(), lang.code)
        if lang.elided and end < len(text) and text[end] in _APOSTROPHES and folded in lang.elided:
            continue
        if lang.clitics and start > 0 and text[start - 1] in _APOSTROPHES and folded in lang.clitics:
            continue
        found.extend(Word(key, start, end) for key in keys)
    return found


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str, code: str) -> tuple[str, tuple[str, ...]]:
    """A word folded, and its key(s) (NFKC may split a word: be safe). Cached: running
    text repeats its words."""
    folded = fold(word)
    key = LANGUAGES[code].word_key
    return folded, tuple(key(part) for part in folded.split(" ") if part)


_JOINING_HYPHEN = re.compile(r"(?<=\w)[-\u2010\u2011](?=\w)")


def views(text: str, lang: Language) -> list[list[Word]]:
    """The words of ``text``, and, if it has hyphenated words, the words again with
    each hyphenated compound as one word (télé-médecine ~ télémédecine)."""
    plain = words(text, lang)
    if not _JOINING_HYPHEN.search(text):
        return [plain]
    joined: list[Word] = []
    for word in plain:
        previous = joined[-1] if joined else None
        if previous is not None and word.start == previous.end + 1 \
                and _JOINING_HYPHEN.match(text, previous.end):
            merged = fold(text[previous.start:word.end].replace(text[previous.end], ""))
            joined[-1] = Word(lang.word_key(merged), previous.start, word.end)
        else:
            joined.append(word)
    return [plain, joined]


def rendering_keys(rendering: str, lang: Language) -> list[tuple[str, ...]]:
    """The word-key sequences that stand for ``rendering``: as written, and, where it
    has a hyphen, also with the hyphenated parts joined (méta-marché ~ métamarché)."""
    keys: list[tuple[str, ...]] = []
    for view in views(rendering, lang):
        key = tuple(w.key for w in view)
        if key and key not in keys:
            keys.append(key)
    return keys


def find_rendering(rendering: str, text: str, lang: str | Language = "fr") -> list[tuple[int, int]]:
    """Where ``rendering`` occurs in ``text``, as (start, end) character offsets.

    The library face of the target matching, for one rendering; the check itself
    matches many renderings at once with :class:`Checker`."""
    lang = lang if isinstance(lang, Language) else language(lang)
    spans: set[tuple[int, int]] = set()
    for view in views(text, lang):
        view_keys = [w.key for w in view]
        for keys in rendering_keys(rendering, lang):
            spans.update((view[i].start, view[i + len(keys) - 1].end)
                         for i in _occurrences(keys, view_keys))
    return sorted(spans)


def _occurrences(needle: Sequence[str], haystack: Sequence[str]) -> Iterator[int]:
    n = len(needle)
    first = needle[0]
    for i, key in enumerate(haystack):
        if key == first and tuple(haystack[i:i + n]) == tuple(needle):
            yield i


# --------------------------------------------------------------------------- near misses

@dataclass(frozen=True, slots=True)
class Near:
    """The phrase of a target segment closest to an approved rendering that is not
    there: what the translator most likely wrote instead."""

    text: str
    start: int  # character offsets in the target segment
    end: int
    similarity: float  # 0–100


# A near miss must be at least this similar to the rendering (rapidfuzz, 0–100);
# below, the rendering is more likely left out than reworded.
NEAR_MIN_SIMILARITY = 55.0
# How many words more or fewer than the rendering a near miss may have.
NEAR_SPREAD = 2
# Words a phrase does not start or end with: a rendering is a noun phrase, and "de la
# ville" is "ville".
_EDGE_WORDS = {
    "fr": frozenset("de des du la le les un une et ou a au aux en par pour sur dans avec "
                    "ce ces cette son sa ses leur leurs".split()),
    "en": frozenset("the a an of and or to for in on with by its their this these".split()),
}


def near_phrase(renderings: Sequence[str], target: str, lang: str | Language = "fr",
                taken: Iterable[tuple[int, int]] = ()) -> Near | None:
    """The phrase of ``target`` most like one of ``renderings``, or None if nothing is
    close enough.

    Phrases are runs of whole words, a few more or fewer than the rendering has, not
    starting or ending with an article or a preposition, and outside ``taken`` (the
    stretches that render other terms). Similarity is the mean of two figures: the
    spelling (rapidfuzz's ratio on folded text, or its token-sort ratio when the words
    are the same in another order) and the share of the rendering's content words the
    phrase has, singular or plural."""
    from rapidfuzz import fuzz

    lang = lang if isinstance(lang, Language) else language(lang)
    edge = _EDGE_WORDS.get(lang.code, frozenset())
    target_words = words(target, lang)
    spans = [(w.start, w.end) for w in target_words]
    surface = [fold(target[a:b]) for a, b in spans]
    taken = list(taken)
    best: Near | None = None
    for rendering in renderings:
        wanted = fold(rendering)
        rendering_words = words(rendering, lang)
        content = {w.key for w in rendering_words} - edge or {w.key for w in rendering_words}
        size = len(rendering_words) or 1
        for length in range(max(1, size - NEAR_SPREAD), size + NEAR_SPREAD + 1):
            for i in range(len(spans) - length + 1):
                start, end = spans[i][0], spans[i + length - 1][1]
                if surface[i] in edge or surface[i + length - 1] in edge:
                    continue
                if any(start < b and a < end for a, b in taken):
                    continue
                phrase = " ".join(surface[i:i + length])
                spelling = max(fuzz.ratio(wanted, phrase, processor=None),
                               fuzz.token_sort_ratio(wanted, phrase, processor=None))
                # Half spelling, half the rendering's content words the phrase has
                # (singular or plural): a one-word fragment no longer wins on length.
                shared = content & {w.key for w in target_words[i:i + length]}
                score = (spelling + 100.0 * len(shared) / max(1, len(content))) / 2
                if best is None or score > best.similarity or (
                        score == best.similarity and end - start < best.end - best.start):
                    best = Near(target[start:end], start, end, round(score, 1))
    return best if best is not None and best.similarity >= NEAR_MIN_SIMILARITY else None


# --------------------------------------------------------------------------- values

@dataclass(frozen=True, slots=True)
class Segment:
    """One aligned pair: the Chinese source and its translation, at a 1-based line."""

    line: int
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class Finding:
    """The verdict on one occurrence of a glossary term in a source segment."""

    line: int
    zh: str  # the term as written in the source (simplified or traditional)
    id: str
    verdict: Verdict
    expected: str  # the reference rendering
    found: str | None  # the target text that rendered it (None when missing)
    start: int  # character offsets of the term in the source segment
    end: int
    found_start: int | None = None  # and of what rendered it, in the target segment
    found_end: int | None = None
    near: "Near | None" = None  # when missing: the target's phrase closest to ``expected``

    @property
    def is_problem(self) -> bool:
        return self.verdict in PROBLEMS

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "zh": self.zh, "id": self.id, "verdict": self.verdict.value,
                "expected": self.expected, "found": self.found,
                "near": self.near.text if self.near else None,
                "similarity": self.near.similarity if self.near else None}


@dataclass(frozen=True, slots=True)
class Unchecked:
    """A term found in the source that has no rendering in the target language."""

    line: int
    zh: str
    id: str


@dataclass(frozen=True)
class Report:
    lang: str
    segments: tuple[Segment, ...]
    findings: tuple[Finding, ...]
    unchecked: tuple[Unchecked, ...] = ()

    @property
    def problems(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_problem)

    @property
    def clean(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        """Findings by verdict, every verdict present (0 when none)."""
        by_verdict = Counter(f.verdict for f in self.findings)
        return {v.value: by_verdict[v] for v in Verdict}

    def summary(self) -> dict[str, Any]:
        return {"segments": len(self.segments), "terms": len(self.findings),
                **self.counts(), "unchecked": len(self.unchecked)}


# --------------------------------------------------------------------------- the check

@dataclass(frozen=True, slots=True)
class _Pattern:
    entry_id: str
    keys: tuple[str, ...]
    text: str
    status: Status


@dataclass(frozen=True, slots=True)
class _TargetMatch:
    pattern: _Pattern
    start: int  # character offsets in the target segment
    end: int


@dataclass
class Checker:
    """Checks segments against a glossary for one target language.

    Build it once and call :meth:`check` for each segment (or :meth:`run` for all):
    the renderings' keys are computed once per entry, when the entry first occurs.
    """

    glossary: Any
    lang: str = "fr"
    matcher: Any = None
    _language: Language = field(init=False)
    _patterns: dict[str, list[_Pattern]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._language = language(self.lang)
        if self.matcher is None:
            from glossary.matcher import TermMatcher

            self.matcher = TermMatcher.from_glossary(self.glossary)

    def patterns(self, entry: Entry) -> list[_Pattern]:
        cached = self._patterns.get(entry.id)
        if cached is None:
            cached = []
            for text, status in entry.renderings(self.lang):
                for keys in rendering_keys(text, self._language):
                    cached.append(_Pattern(entry.id, keys, text, status))
            self._patterns[entry.id] = cached
        return cached

    def check(self, segment: Segment) -> tuple[list[Finding], list[Unchecked]]:
        spans = self.matcher.find_spans(segment.source)
        if not spans:
            return [], []
        by_entry: dict[str, list[Any]] = defaultdict(list)
        unchecked: list[Unchecked] = []
        for span in spans:
            entry = self.glossary.get(span.entry_id)
            if entry is None or not getattr(entry, self.lang):
                unchecked.append(Unchecked(segment.line, span.text, span.entry_id))
            else:
                by_entry[span.entry_id].append(span)
        accepted = self._match_target(segment.target, by_entry)
        taken = [(m.start, m.end) for ms in accepted.values() for m in ms]
        findings: list[Finding] = []
        for entry_id, occurrences in by_entry.items():
            entry = self.glossary.get(entry_id)
            matches = sorted(accepted.get(entry_id, ()), key=lambda m: m.start)
            for i, span in enumerate(occurrences):
                if i < len(matches):
                    match = matches[i]
                    verdict = Verdict.DEPRECATED if match.pattern.status is Status.DEPRECATED else Verdict.OK
                    findings.append(Finding(segment.line, span.text, entry_id, verdict,
                                            getattr(entry, self.lang),
                                            segment.target[match.start:match.end],
                                            span.start, span.end, match.start, match.end))
                else:
                    approved = [text for text, status in entry.renderings(self.lang)
                                if status is not Status.DEPRECATED]
                    near = near_phrase(approved, segment.target, self._language, taken)
                    if near is not None:
                        taken.append((near.start, near.end))
                    findings.append(Finding(segment.line, span.text, entry_id, Verdict.MISSING,
                                            getattr(entry, self.lang), None, span.start, span.end,
                                            near=near))
        findings.sort(key=lambda f: f.start)
        return findings, unchecked

    def _match_target(self, target: str,
                      by_entry: dict[str, list[Any]]) -> dict[str, list[_TargetMatch]]:
        """Assign stretches of the target to the source's terms: longest rendering first,
        each stretch serving one term, each term taking no more renderings than it has
        occurrences in the source."""
        candidates: set[_TargetMatch] = set()
        for view in views(target, self._language):
            keys = [w.key for w in view]
            for entry_id in by_entry:
                for pattern in self.patterns(self.glossary.get(entry_id)):
                    candidates.update(
                        _TargetMatch(pattern, view[i].start, view[i + len(pattern.keys) - 1].end)
                        for i in _occurrences(pattern.keys, keys))
        # Longer first; at equal length an approved rendering before a deprecated one.
        ordered = sorted(candidates, key=lambda m: (-(m.end - m.start),
                                                    m.pattern.status is Status.DEPRECATED,
                                                    m.start, m.pattern.entry_id))
        taken: list[tuple[int, int]] = []
        accepted: dict[str, list[_TargetMatch]] = defaultdict(list)
        for match in ordered:
            entry_id = match.pattern.entry_id
            if len(accepted[entry_id]) >= len(by_entry[entry_id]):
                continue
            if any(match.start < end and start < match.end for start, end in taken):
                continue
            taken.append((match.start, match.end))
            accepted[entry_id].append(match)
        return accepted

    def run(self, segments: Iterable[Segment]) -> Report:
        kept: list[Segment] = []
        findings: list[Finding] = []
        unchecked: list[Unchecked] = []
        for segment in segments:
            kept.append(segment)
            found, skipped = self.check(segment)
            findings.extend(found)
            unchecked.extend(skipped)
        return Report(self.lang, tuple(kept), tuple(findings), tuple(unchecked))


def check(glossary: Any, segments: Iterable[Segment], lang: str = "fr") -> Report:
    """Check aligned segments against ``glossary``; the report lists every term occurrence."""
    return Checker(glossary, lang).run(segments)


# --------------------------------------------------------------------------- reading segments

def split_lines(text: str) -> list[str]:
    """Lines as a text editor counts them: ``\\n`` or ``\\r\\n``; a final newline ends the
    last line rather than starting an empty one. (Not ``str.splitlines``, which also
    cuts at form feeds and U+2028, and would shift the alignment.)"""
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def pair_lines(source: str, target: str, source_name: str = "SOURCE",
               target_name: str = "TARGET") -> list[Segment]:
    """Two line-aligned texts as segments; InputError if they differ in length."""
    left, right = split_lines(source), split_lines(target)
    if len(left) != len(right):
        longer, shorter = (source_name, target_name) if len(left) > len(right) else (target_name, source_name)
        diff = abs(len(left) - len(right))
        raise InputError(f"the files are not aligned: {source_name} has {len(left)} lines, "
                         f"{target_name} has {len(right)}; {longer} is longer than {shorter} "
                         f"by {diff} line{'s' if diff > 1 else ''} (--align aligns them "
                         f"sentence by sentence)")
    return [Segment(i, s, t) for i, (s, t) in enumerate(zip(left, right), start=1)]


class Bilingual(str, Enum):
    """The layouts of a one-file bilingual input."""

    TSV = "tsv"
    CSV = "csv"


def read_bilingual(text: str, layout: Bilingual, name: str = "input") -> list[Segment]:
    """Segments from a two-column file (source, target; further columns ignored).

    ``line`` is the file's line where the row starts. Blank lines are skipped; a row
    with a single column is an InputError naming the line."""
    import csv
    import io

    segments: list[Segment] = []
    if layout is Bilingual.TSV:
        rows: Iterable[tuple[int, list[str]]] = (
            (i, line.split("\t")) for i, line in enumerate(split_lines(text), start=1))
    else:
        reader = csv.reader(io.StringIO(text, newline=""))

        def numbered() -> Iterator[tuple[int, list[str]]]:
            line = 1
            try:
                for row in reader:
                    yield line, row
                    line = reader.line_num + 1
            except csv.Error as exc:
                raise InputError(f"invalid CSV: {exc}", name, reader.line_num) from None

        rows = numbered()
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise InputError("expected two columns (source, target), found one", name, line)
        segments.append(Segment(line, row[0], row[1]))
    return segments
