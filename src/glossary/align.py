"""Sentence alignment of a Chinese text and its translation, then the terminology check
sentence by sentence.

Two texts that are translations of each other but are not paragraphed alike (an article
and its French version) are cut into sentences (:func:`split_sentences`) and aligned by
dynamic programming (:func:`align`): the length-based method of Gale & Church (1993)
— the length of a translation is proportional to the length of its source, with a
normally distributed deviation — strengthened by the glossary: a term found in a
Chinese sentence whose rendering is found in a French sentence pulls the two together.
Beads are 1-1, 1-2, 2-1, 1-0 and 0-1 sentences.

Then :class:`AlignedCheck` runs :class:`glossary.qa.Checker` on each bead and gives
every finding the Chinese sentence's place, the aligned French sentence and the bead's
confidence. A term reported missing whose rendering stands, unused, in a neighbouring
French sentence is reported ``unsure`` (the alignment may have put it next door).

This module is pure: no printing, no Typer, no Rich.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Any, Callable, Sequence

from glossary.qa import Checker, Finding, Segment, Verdict, language, split_lines, views

# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a text: its 1-based line (a paragraph) and where it starts in it."""

    text: str
    line: int
    start: int  # character offset in the line

    @property
    def end(self) -> int:
        return self.start + len(self.text)


Splitter = Callable[[str], list[tuple[int, int]]]  # a line → (start, end) of its sentences
SPLITTERS: dict[str, Splitter] = {}


def register_splitter(code: str) -> Callable[[Splitter], Splitter]:
    def register(function: Splitter) -> Splitter:
        SPLITTERS[code] = function
        return function
    return register


# A Chinese sentence ends at 。！？； (or their half-width forms, or an ellipsis) and
# takes the closing quotes and brackets that follow.
_ZH_END = re.compile(r"(?:[。！？；!?;]|…+)+[”’」』》）)\]\"']*")


@register_splitter("zh")
def _split_chinese(line: str) -> list[tuple[int, int]]:
    pieces, begin = [], 0
    for match in _ZH_END.finditer(line):
        pieces.append((begin, match.end()))
        begin = match.end()
    pieces.append((begin, len(line)))
    return pieces


# Words after which a full stop does not end a sentence. Lower case; single letters
# (initials, "p.") are always kept.
_FR_ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle mlles dr pr me mgr st ste art al chap ch fig vol éd ed env av apr "
    "cf coll dir hab min max no nº n° op p pp ex suiv sq tél tel vs ann dépt gal cne".split())
_EN_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr inc ltd co corp art fig vol no nos p pp ed eds e.g i.e cf "
    "vs approx dept est gov jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k".split())

# A candidate end: . ! ? or an ellipsis, closing quotes/brackets, then white space.
_LATIN_END = re.compile(r"(?:[.!?]+|…)[»”’\"')\]]*(?=\s)")
# What a new sentence starts with: an optional opening quote or bracket, then a capital
# or a digit.
_LATIN_START = re.compile(r"\s+[«“\"'(\[]?\s*[A-ZÀ-ÖØ-Þ0-9]")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,3}|[IVXLC]{1,6}|[a-zA-Z])\.$")


def _latin_splitter(abbreviations: frozenset[str]) -> Splitter:
    def split(line: str) -> list[tuple[int, int]]:
        pieces, begin = [], 0
        for match in _LATIN_END.finditer(line):
            end = match.end()
            if not _LATIN_START.match(line, end):
                continue  # no capital next: « etc. et », « p. 12 » …
            mark = match.group()
            if mark.startswith(".") and not mark.startswith(".."):
                before = _WORD_BEFORE.search(line, begin, match.start() + 1)
                word = before.group(1).casefold() if before else ""
                if len(word) == 1 or word in abbreviations or word.rstrip(".") in abbreviations:
                    continue  # M. Dupont, art. 3, J. Dupont
                if "." in word.rstrip("."):
                    continue  # an abbreviation with points inside: c.-à-d., U.S.
                if _LIST_MARKER.match(line[begin:end]):
                    continue  # « 1. », « II. », « a. » at the start: a list marker
            pieces.append((begin, end))
            begin = end
        pieces.append((begin, len(line)))
        return pieces
    return split


register_splitter("fr")(_latin_splitter(_FR_ABBREVIATIONS))
register_splitter("en")(_latin_splitter(_EN_ABBREVIATIONS))


def split_sentences(text: str, lang: str) -> list[Sentence]:
    """The sentences of ``text``, line by line (a line is a paragraph; blank lines are
    skipped), with white space around each sentence left out."""
    try:
        splitter = SPLITTERS[lang]
    except KeyError:
        from glossary.errors import InputError

        raise InputError(f"no sentence splitter for {lang!r}; known: {', '.join(SPLITTERS)}") from None
    sentences: list[Sentence] = []
    for number, line in enumerate(split_lines(text), start=1):
        for begin, end in splitter(line):
            piece = line[begin:end]
            stripped = piece.strip()
            if stripped:
                sentences.append(Sentence(stripped, number, begin + piece.index(stripped[0])))
    return sentences


# --------------------------------------------------------------------------- alignment


@dataclass(frozen=True, slots=True)
class BeadKind:
    """A way sentences pair up: ``source`` Chinese sentences with ``target`` translated ones."""

    source: int
    target: int
    prior: float  # how often it occurs (Gale & Church's estimates, 2-2 left out)

    @property
    def name(self) -> str:
        return f"{self.source}-{self.target}"


BEAD_KINDS: tuple[BeadKind, ...] = (
    BeadKind(1, 1, 0.89), BeadKind(1, 0, 0.005), BeadKind(0, 1, 0.005),
    BeadKind(2, 1, 0.045), BeadKind(1, 2, 0.045),
)


@dataclass(frozen=True, slots=True)
class Bead:
    """Sentences of the source and of the target that translate each other."""

    source: tuple[int, ...]  # indexes into the source sentences
    target: tuple[int, ...]
    confidence: float  # 0–1, see :func:`align`
    anchors: int  # glossary terms of the source sentences rendered in the target ones

    @property
    def kind(self) -> str:
        return f"{len(self.source)}-{len(self.target)}"


@dataclass(frozen=True, slots=True)
class Parameters:
    """The length model. ``ratio`` None: the ratio of the two texts' total lengths."""

    ratio: float | None = None
    variance_per_ratio: float = 3.0  # s² = 3 × ratio: 15.4 measured on the evaluation set (ratio 4.97)
    anchor_weight: float = 2.5  # cost taken off per shared term (a cost is −log of a probability)
    band: int = 30  # sentences either side of the expected path searched first (then doubled)


def _length(text: str) -> int:
    return len(text) - text.count(" ")


def _length_cost(l1: int, l2: int, ratio: float, variance: float) -> float:
    """−log of the probability that lengths ``l1`` and ``l2`` translate each other
    (Gale & Church: the deviation is normal, its variance grows with the length)."""
    if l1 == 0 and l2 == 0:
        return 0.0
    mean = (l1 + l2 / ratio) / 2
    z = abs(ratio * l1 - l2) / math.sqrt(variance * mean)
    p = math.erfc(z / math.sqrt(2))
    if p > 1e-300:
        return -math.log(p)
    return z * z / 2 + math.log(z * math.sqrt(math.pi / 2))  # the tail's asymptote


def align(source_lengths: Sequence[int], target_lengths: Sequence[int],
          source_terms: Sequence[int] = (), target_terms: Sequence[int] = (),
          parameters: Parameters = Parameters()) -> list[Bead]:
    """Align two sequences of sentences given by their lengths (characters, spaces left
    out) and, optionally, the glossary terms of each as bit sets (bit *k* set: term *k*
    is in the sentence, for the source, or rendered in it, for the target).

    The cost of a bead is −log P(kind) − log P(lengths) − w × (shared terms) (a 1-0 or
    0-1 bead costs −log P(kind) alone: a length says nothing about a sentence the other
    side left out, and charging it makes the aligner glue every omission to a
    neighbour), and the
    cheapest path is found by dynamic programming inside a band around the expected
    path: the straight line, bent through *sure anchors* (terms that occur once in each
    text, in increasing order on both sides). Where the best path runs along the band's
    edge, the band is doubled and the search run again.

    Each bead's confidence is 1 − (1 − p) × ½ⁿ, p the length probability of the bead
    (1 for a perfect length match, 0.05 at two standard deviations), n its shared terms;
    a 1-0 or 0-1 bead has only its length probability, which is low: a sentence left
    without a partner is always worth a look. A 1-1 bead between two beads with shared
    terms is held in place: its confidence is at least 0.9.
    """
    n, m = len(source_lengths), len(target_lengths)
    zh_bits = list(source_terms) or [0] * n
    fr_bits = list(target_terms) or [0] * m
    if n == 0 or m == 0:
        return ([Bead((i,), (), 0.0, 0) for i in range(n)] +
                [Bead((), (j,), 0.0, 0) for j in range(m)])
    ratio = parameters.ratio or (sum(target_lengths) / max(1, sum(source_lengths))) or 1.0
    variance = parameters.variance_per_ratio * ratio
    weight = parameters.anchor_weight
    kinds = [(k.source, k.target, -math.log(k.prior)) for k in BEAD_KINDS]

    centre = _expected_path(n, m, zh_bits, fr_bits)
    zh_sum = [0]
    for length in source_lengths:
        zh_sum.append(zh_sum[-1] + length)
    fr_sum = [0]
    for length in target_lengths:
        fr_sum.append(fr_sum[-1] + length)

    model = _Model(zh_sum, fr_sum, zh_bits, fr_bits, ratio, variance, weight, kinds)

    # Search a band around the expected path; where the best path runs along the
    # band's edge, the band was too narrow: double it and search again.
    band = parameters.band
    while True:
        steps, on_edge = _best_path(n, m, centre, band, model)
        if not on_edge or band >= max(n, m):
            break
        band *= 2

    beads: list[Bead] = []
    for pi, pj, i, j in steps:
        zh = 0
        for x in range(pi, i):
            zh |= zh_bits[x]
        fr = 0
        for y in range(pj, j):
            fr |= fr_bits[y]
        shared = (zh & fr).bit_count()
        p = math.exp(-_length_cost(zh_sum[i] - zh_sum[pi], fr_sum[j] - fr_sum[pj], ratio, variance))
        confidence = 1 - (1 - p) * 0.5 ** shared
        beads.append(Bead(tuple(range(pi, i)), tuple(range(pj, j)), round(confidence, 2), shared))
    return _locked(beads)


@dataclass(frozen=True)
class _Model:
    """What the cost of a bead is computed from."""

    zh_sum: list[int]  # prefix sums of the sentence lengths
    fr_sum: list[int]
    zh_bits: list[int]  # the terms of each sentence, as bit sets
    fr_bits: list[int]
    ratio: float
    variance: float
    weight: float  # of a shared term
    kinds: list[tuple[int, int, float]]  # (source sentences, target sentences, −log prior)


def _best_path(n: int, m: int, centre: Callable[[int], int], band: int,
               model: _Model) -> tuple[list[tuple[int, int, int, int]], bool]:
    """The cheapest path from (0, 0) to (n, m) within ``band`` of ``centre``, as steps
    (i0, j0, i1, j1) in order, and whether it runs along the band's edge. (The bead
    cost is written out in the loop, and length costs are memoised: this is the hot
    loop of the alignment.)"""
    zh_sum, fr_sum, zh_bits, fr_bits = model.zh_sum, model.fr_sum, model.zh_bits, model.fr_bits
    ratio, variance, weight, kinds = model.ratio, model.variance, model.weight, model.kinds
    length_costs: dict[tuple[int, int], float] = {}
    lows = [max(0, centre(i) - band) for i in range(n + 1)]
    highs = [min(m, centre(i) + band) for i in range(n + 1)]
    lows[0], highs[n] = 0, m  # both corners are always inside
    for i in range(1, n + 1):  # keep the band connected
        lows[i] = min(lows[i], highs[i - 1])
    for i in range(n - 1, -1, -1):
        highs[i] = max(highs[i], lows[i + 1])
    inf = math.inf
    costs: list[list[float]] = []
    moves: list[list[int]] = []
    for i in range(n + 1):
        low, high = lows[i], highs[i]
        row = [inf] * (high - low + 1)
        back = [-1] * (high - low + 1)
        for j in range(low, high + 1):
            if i == 0 and j == 0:
                row[0] = 0.0
                continue
            best, best_kind = inf, -1
            for k, (di, dj, prior_cost) in enumerate(kinds):
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or pj < lows[pi] or pj > highs[pi]:
                    continue
                previous = costs[pi][pj - lows[pi]] if pi < i else row[pj - low]
                if previous == inf:
                    continue
                cost = previous + prior_cost
                if di and dj:
                    lengths = (zh_sum[i] - zh_sum[pi], fr_sum[j] - fr_sum[pj])
                    length_cost = length_costs.get(lengths)
                    if length_cost is None:
                        length_cost = length_costs[lengths] = _length_cost(*lengths, ratio, variance)
                    cost += length_cost
                    shared = ((zh_bits[pi] | zh_bits[i - 1]) if di == 2 else zh_bits[pi]) & \
                        ((fr_bits[pj] | fr_bits[j - 1]) if dj == 2 else fr_bits[pj])
                    if shared:
                        cost -= weight * shared.bit_count()
                if cost < best:
                    best, best_kind = cost, k
            row[j - low] = best
            back[j - low] = best_kind
        costs.append(row)
        moves.append(back)
    steps: list[tuple[int, int, int, int]] = []
    on_edge = False
    i, j = n, m
    while i > 0 or j > 0:
        if (j == lows[i] and j > 0) or (j == highs[i] and j < m):
            on_edge = True
        di, dj, _ = kinds[moves[i][j - lows[i]]]
        steps.append((i - di, j - dj, i, j))
        i, j = i - di, j - dj
    steps.reverse()
    return steps, on_edge


LOCKED = 0.9  # the confidence of a 1-1 bead held between two anchored beads, at least


def _locked(beads: list[Bead]) -> list[Bead]:
    """A 1-1 bead between two beads that share terms has nowhere else to go: whatever
    its lengths say, its confidence is at least :data:`LOCKED`."""
    out = list(beads)
    for k in range(1, len(beads) - 1):
        bead = beads[k]
        if (bead.kind == "1-1" and bead.confidence < LOCKED
                and beads[k - 1].anchors and beads[k + 1].anchors):
            out[k] = Bead(bead.source, bead.target, LOCKED, bead.anchors)
    return out


def _expected_path(n: int, m: int, zh_bits: Sequence[int],
                   fr_bits: Sequence[int]) -> Callable[[int], int]:
    """Where the path is expected to pass in row ``i``: straight from corner to corner,
    bent through the sure anchors (terms once on each side, in the same order)."""
    once_zh = _only_place(zh_bits)
    once_fr = _only_place(fr_bits)
    pairs = sorted((i, once_fr[bit]) for bit, i in once_zh.items() if bit in once_fr)
    points = [(0, 0)] + _increasing(pairs) + [(n, m)]
    xs = [p[0] for p in points]

    def centre(i: int) -> int:
        k = min(bisect_right(xs, i), len(points) - 1)
        (x0, y0), (x1, y1) = points[k - 1], points[k]
        if x1 == x0:
            return y1
        return round(y0 + (y1 - y0) * (i - x0) / (x1 - x0))
    return centre


def _only_place(bits: Sequence[int]) -> dict[int, int]:
    """Each bit set in exactly one of ``bits`` → the index where it is."""
    seen: dict[int, int] = {}
    repeated: set[int] = set()
    for index, value in enumerate(bits):
        while value:
            low = value & -value
            bit = low.bit_length() - 1
            if bit in seen:
                repeated.add(bit)
            else:
                seen[bit] = index
            value ^= low
    return {bit: index for bit, index in seen.items() if bit not in repeated}


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of ``pairs`` (sorted by the first) increasing strictly in both."""
    if not pairs:
        return []
    tails: list[int] = []  # tails[k]: index of the pair ending the best chain of length k+1
    parents = [-1] * len(pairs)
    for index, (x, y) in enumerate(pairs):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            px, py = pairs[tails[mid]]
            if py < y and px < x:
                lo = mid + 1
            else:
                hi = mid
        parents[index] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(index)
        else:
            tails[lo] = index
    chain, k = [], tails[-1]
    while k != -1:
        chain.append(pairs[k])
        k = parents[k]
    return chain[::-1]


# --------------------------------------------------------------------------- the check, aligned


@dataclass(frozen=True, slots=True)
class AlignedFinding:
    """A finding of the check on one Chinese sentence, with where it is and what it was
    aligned with."""

    finding: Finding
    verdict: Verdict  # the finding's, or UNSURE
    offset: int  # where the Chinese sentence starts in its line
    target_line: int | None  # the line of the aligned translation (None: aligned with nothing)
    target: str | None  # the aligned translation
    confidence: float
    kind: str  # of the bead: 1-1, 2-1 …

    @property
    def is_problem(self) -> bool:
        """Missing, deprecated, or unsure: each wants a reviewer's look."""
        return self.verdict is not Verdict.OK

    def to_dict(self) -> dict[str, Any]:
        record = self.finding.to_dict()
        record["verdict"] = self.verdict.value
        return {"line": record.pop("line"), "offset": self.offset, **record,
                "target_line": self.target_line, "target": self.target,
                "confidence": self.confidence, "bead": self.kind}


@dataclass(frozen=True)
class AlignedReport:
    lang: str
    source: tuple[Sentence, ...]
    target: tuple[Sentence, ...]
    beads: tuple[Bead, ...]
    findings: tuple[AlignedFinding, ...]
    unchecked: tuple[Any, ...] = ()

    @property
    def problems(self) -> tuple[AlignedFinding, ...]:
        return tuple(f for f in self.findings if f.is_problem)

    def counts(self) -> dict[str, int]:
        counts = {v.value: 0 for v in Verdict}
        for finding in self.findings:
            counts[finding.verdict.value] += 1
        return counts


NEIGHBOURS = 2  # target sentences either side of a bead searched for a displaced rendering


@dataclass
class AlignedCheck:
    """Aligns a source text with its translation, then checks each bead."""

    glossary: Any
    lang: str = "fr"
    parameters: Parameters = Parameters()

    def __post_init__(self) -> None:
        self.checker = Checker(self.glossary, self.lang)

    def run(self, source_text: str, target_text: str) -> AlignedReport:
        source = split_sentences(source_text, "zh")
        target = split_sentences(target_text, self.lang)
        zh_terms, bits = self._source_terms(source)
        fr_terms = self._target_terms(target, bits)
        beads = align([_length(s.text) for s in source], [_length(s.text) for s in target],
                      zh_terms, fr_terms, self.parameters)
        taken: dict[int, list[tuple[int, int]]] = {}  # target sentence → stretches used
        placed: list[tuple[int, Finding, Sentence]] = []
        unchecked: list[Any] = []
        for index, bead in enumerate(beads):
            if not bead.source:
                continue
            joined, starts = _join([source[i].text for i in bead.source])
            target_joined, target_starts = _join([target[j].text for j in bead.target], " ")
            found, skipped = self.checker.check(
                Segment(source[bead.source[0]].line, joined, target_joined))
            unchecked.extend(skipped)
            for finding in found:
                if finding.found_start is not None:
                    k = bisect_right(target_starts, finding.found_start) - 1
                    taken.setdefault(bead.target[k], []).append(
                        (finding.found_start - target_starts[k], finding.found_end - target_starts[k]))
                k = bisect_right(starts, finding.start) - 1
                sentence = source[bead.source[k]]
                placed.append((index, _relocate(finding, sentence.line, starts[k]), sentence))
        result: list[AlignedFinding] = []
        for index, finding, sentence in placed:
            bead = beads[index]
            verdict = finding.verdict
            if verdict is Verdict.MISSING:
                nearby = self._displaced(finding.id, index, beads, target, taken)
                if nearby is not None:
                    verdict = Verdict.UNSURE
                    finding = replace(finding, found=nearby)
            first = target[bead.target[0]] if bead.target else None
            result.append(AlignedFinding(
                finding, verdict, sentence.start, first.line if first else None,
                " ".join(target[j].text for j in bead.target) if bead.target else None,
                bead.confidence, bead.kind))
        return AlignedReport(self.lang, tuple(source), tuple(target), tuple(beads),
                             tuple(result), tuple(unchecked))

    def _source_terms(self, source: Sequence[Sentence]) -> tuple[list[int], dict[str, int]]:
        bits: dict[str, int] = {}
        masks: list[int] = []
        for sentence in source:
            mask = 0
            for span in self.checker.matcher.find_spans(sentence.text):
                entry = self.glossary.get(span.entry_id)
                if entry is None or not getattr(entry, self.lang):
                    continue
                bit = bits.setdefault(span.entry_id, len(bits))
                mask |= 1 << bit
            masks.append(mask)
        return masks, bits

    def _target_terms(self, target: Sequence[Sentence], bits: dict[str, int]) -> list[int]:
        """For each target sentence, the bits of the source's terms rendered in it (any
        rendering, deprecated ones included: they still say where the term went)."""
        by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for entry_id, bit in bits.items():
            for pattern in self.checker.patterns(self.glossary.get(entry_id)):
                by_first.setdefault(pattern.keys[0], []).append((pattern.keys, bit))
        target_language = language(self.lang)
        masks: list[int] = []
        for sentence in target:
            mask = 0
            for view in views(sentence.text, target_language):
                keys = [w.key for w in view]
                for i, key in enumerate(keys):
                    for pattern_keys, bit in by_first.get(key, ()):
                        if tuple(keys[i:i + len(pattern_keys)]) == pattern_keys:
                            mask |= 1 << bit
            masks.append(mask)
        return masks

    def _displaced(self, entry_id: str, index: int, beads: Sequence[Bead],
                   target: Sequence[Sentence],
                   taken: dict[int, list[tuple[int, int]]]) -> str | None:
        """An approved rendering of ``entry_id`` standing, unused by any term, in a target
        sentence near the bead, as written (None if there is none). Then the alignment,
        not the translation, may be what is wrong."""
        from glossary.model import Status
        from glossary.qa import find_rendering

        bead = beads[index]
        if bead.target:
            first, last = bead.target[0], bead.target[-1]
        else:  # a 1-0 bead: around where its translation would be
            before = [j for b in beads[:index] for j in b.target]
            first = (before[-1] + 1) if before else 0
            last = first - 1
        entry = self.glossary.get(entry_id)
        approved = [text for text, status in entry.renderings(self.lang)
                    if status is not Status.DEPRECATED]
        for j in range(max(0, first - NEIGHBOURS), min(len(target), last + NEIGHBOURS + 1)):
            if first <= j <= last:
                continue
            used = taken.get(j, ())
            for text in approved:
                for start, end in find_rendering(text, target[j].text, self.lang):
                    if not any(start < e and s < end for s, e in used):
                        return target[j].text[start:end]
        return None


def _join(texts: Sequence[str], separator: str = "\n") -> tuple[str, list[int]]:
    """Sentences joined (by default by a line break: no term spans one), and where each
    starts."""
    starts, position = [], 0
    for text in texts:
        starts.append(position)
        position += len(text) + len(separator)
    return separator.join(texts), starts


def _relocate(finding: Finding, line: int, shift: int) -> Finding:
    return replace(finding, line=line, start=finding.start - shift, end=finding.end - shift)


def check_aligned(glossary: Any, source_text: str, target_text: str, lang: str = "fr",
                  parameters: Parameters = Parameters()) -> AlignedReport:
    """Align ``source_text`` with its translation and check every bead."""
    return AlignedCheck(glossary, lang, parameters).run(source_text, target_text)
