"""Ranking for ``glossary lookup``: one query, every reading of it, one ranked list.

A query with Chinese characters is read as Chinese; any other is read as pinyin
(every cut into syllables, initials) and as French / English at once, and the
readings are merged. Each key that matches gets a score out of 100 by how it
matches, so the tiers never mix:

====================  ==============================================================
exact        100      the whole key (98: the same words but for plural / elision)
prefix       90–98    the key starts with the query (more of the key covered, higher)
homophone    ~85      Chinese of the same length, each differing character sounding
                      the same (a pinyin input method's typo: 虚拟电场 → 虚拟电厂)
initials     80–90    the initials of the syllables (dkjj)
contained    75–87    whole words / syllables / characters inside the key
words        70–80    every query word in the key, in another order
fuzzy        < 75     close spelling (ratio), or words corrected against the vocabulary
====================  ==============================================================

Homophones and fuzzy matches are a fallback, tried only when nothing matched
better, so a good match is never crowded by near misses. A variant scores a
little below the reference rendering (admitted −1, deprecated −3); tones given
in a pinyin query that disagree with the entry's cost 30 points.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from enum import Enum
from itertools import islice, product
from typing import Any, Callable, Iterable, NamedTuple

from glossary.errors import UsageError
from glossary.index import Index, Key, Kind, latin_key, stemmed, zh_key
from glossary.normalize import fold_hanzi
from glossary.pinyin import LOOSE_U, Reading, looks_like_initials, readings, strip_tones, syllable_agrees

log = logging.getLogger(__name__)


class Lang(str, Enum):
    """How to read a query (``--lang``); by default its script decides."""

    ZH = "zh"
    PINYIN = "pinyin"
    FR = "fr"
    EN = "en"


class How(str, Enum):
    """How a key matched, best first."""

    EXACT = "exact"
    INFLECTED = "inflected"
    PREFIX = "prefix"
    HOMOPHONE = "homophone"
    INITIALS = "initials"
    CONTAINED = "contained"
    WORDS = "words"
    FUZZY = "fuzzy"


TONE_PENALTY = 30.0
LOOSE_PENALTY = 2.0  # ü typed u, an unfinished last syllable or word
FOLDED_PENALTY = 0.5  # found once traditional characters were folded to simplified
OTHER_TONES = "other tones"
STATUS_PENALTY = {"preferred": 0.0, "admitted": 1.0, "deprecated": 3.0}
FUZZY_CEILING = 74.0
# Fallback cut-offs (rapidfuzz ratio, 0–100): what counts as a near miss, and,
# lower, what is still worth a "did you mean".
CUTOFFS = {"zh": 66.0, "latin": 80.0, "pinyin": 82.0}
HINT_CUTOFFS = {"zh": 40.0, "latin": 60.0, "pinyin": 65.0}
WORD_CUTOFF = 75.0  # a misspelt word and the glossary's word it stands for
# Below these a fuzzy match is noise, not a near miss, and is cut from results and
# hints: French or English words corrected into another phrase (smartcity →
# biomédecine maritime scored 42, stockage d'énergie → sauvetage aérien 46), Chinese
# sharing one character in three (巧克力 → 算力, 30). A two-character abbreviation,
# 数孪 for 数字孪生, scores 49 and is right.
FUZZY_FLOORS = {Kind.LATIN: 51.0, Kind.ZH: 40.0}
# A last word shorter than this is not read as the start of a longer word: AI is the
# abbreviation, not the beginning of "air rescue".
MIN_PARTIAL_WORD = 3
CONTAINED_TOP = 87.0  # the best score of a contained match (_tiered)
# The order of fields when two keys of one entry score the same.
FIELD_ORDER = ("zh", "zh_hant", "zh_regional", "pinyin", "fr", "en", "zh_variants", "fr_variants",
               "en_variants")


@dataclass(frozen=True, slots=True)
class Matched:
    """Why an entry is in the results: the field, the text of it that matched, how."""

    field: str
    text: str
    how: How
    status: str = "preferred"
    tones: str | None = None  # "other tones" when the query's tones disagree with the entry's
    region: str | None = None  # a regional form's: tw, hk or mo

    def to_dict(self) -> dict[str, Any]:
        out = {"field": self.field, "text": self.text, "how": self.how.value, "status": self.status,
               "tones": self.tones}
        if self.region:
            out["region"] = self.region
        return out

    def __str__(self) -> str:
        extra = "".join(f", {x}" for x in (self.status if self.status != "preferred" else None,
                                          self.region, self.tones) if x)
        return f"{self.field}: {self.text} ({self.how.value}{extra})"


@dataclass(frozen=True, slots=True)
class Match:
    """One result: the entry (as its JSON record), its score out of 100, and why."""

    entry: dict[str, Any]
    score: float
    matched: Matched

    def to_record(self, flat: bool = False) -> dict[str, Any]:
        """The entry's fields plus ``score`` and ``matched`` (an object, or with
        ``flat`` a line of text for tables and delimited formats)."""
        record = dict(self.entry)
        record["score"] = self.score
        record["matched"] = str(self.matched) if flat else self.matched.to_dict()
        return record


class _Hit(NamedTuple):
    kind: Kind
    pos: int
    score: float
    how: How
    tones: str | None = None


class _Hits:
    """The best hit per key."""

    def __init__(self) -> None:
        self.best: dict[tuple[Kind, int], _Hit] = {}

    def add(self, kind: Kind, pos: int, score: float, how: How, tones: str | None = None) -> None:
        old = self.best.get((kind, pos))
        if old is None or score > old.score:
            self.best[(kind, pos)] = _Hit(kind, pos, score, how, tones)

    def __bool__(self) -> bool:
        return bool(self.best)


# --------------------------------------------------------------------------- scripts

def is_han(char: str) -> bool:
    code = ord(char)
    return (0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3FFFF or char == "〇")


def has_han(text: str) -> bool:
    return any(is_han(c) for c in text)


def _tiered(how: How, coverage: float) -> float:
    if how is How.EXACT:
        return 100.0
    if how is How.INFLECTED:
        return 98.0
    if how is How.PREFIX:
        return 90.0 + 8.0 * coverage
    if how is How.CONTAINED:
        return 75.0 + 12.0 * coverage
    if how is How.WORDS:
        return 70.0 + 10.0 * coverage
    raise ValueError(how)


def _reachable(size: int, cutoff: float) -> tuple[int, int]:
    """The key lengths whose ratio with a query of ``size`` characters can reach ``cutoff``:
    ratio = 2·common / (size + length), and common ≤ the shorter of the two."""
    c = cutoff / 100.0
    return math.ceil(size * c / (2 - c)), math.floor(size * (2 - c) / c)


def _fuzzy(query: str, index: Index, kind: Kind, cutoff: float, limit: int) -> list[tuple[int, float]]:
    """(position, ratio) of the keys of ``kind`` closest to ``query`` in spelling."""
    if len(query) < (2 if has_han(query) else 3):
        return []
    position, lines = index.lines_sized(kind, *_reachable(len(query), cutoff))
    if not lines:
        return []
    from rapidfuzz import fuzz, process

    # Keys are folded in advance, so no processor (say it: rapidfuzz before 3.0 had a default
    # one that dropped CJK); plain ratio (Indel), fast, and CJK characters count like any other.
    found = process.extract(query, lines, scorer=fuzz.ratio, processor=None,
                            score_cutoff=cutoff, limit=limit)
    return [(position(i), score) for _, score, i in found]


# --------------------------------------------------------------------------- Chinese

def _zh_forms(query: str) -> tuple[str, str]:
    """The query as a key, and folded to simplified characters (so mixed input like
    虚擬电厂 finds 虚拟电厂, and Hong Kong's 醫療衞生 finds 医疗卫生)."""
    key = zh_key(query)
    return key, fold_hanzi(key)


class _Best:
    """The best score so far of each entry found in one kind of key, to know when the
    keys not searched yet can no longer reach the results."""

    def __init__(self, kind: Kind) -> None:
        self.scores: dict[int, float] = {}
        # The most the ranking may take off a key of this kind (variant status, zh_variants).
        self.penalty = {Kind.ZH: 4.0, Kind.LATIN: 3.0}.get(kind, 0.0)

    def add(self, entry: int, score: float) -> None:
        if score > self.scores.get(entry, -1.0):
            self.scores[entry] = score

    def beat(self, bound: float, limit: int) -> bool:
        """Whether ``limit`` entries already score more than ``bound`` after any penalty."""
        return sum(1 for score in self.scores.values() if score - self.penalty > bound) >= limit


# How many characters an inflected word may have more than the form typed (plural,
# feminine, elision): the bound past which an anchored key can only be a prefix.
INFLECTION_SLACK = 4


def _contained_bound(typed: int, size: int) -> float:
    """The best score a contained match of ``typed`` characters in a key of ``size`` can get."""
    return _tiered(How.CONTAINED, min(1.0, typed / max(1, size)))


def _search_zh(index: Index, query: str, hits: _Hits, limit: int) -> None:
    typed, simplified = _zh_forms(query)
    forms = [(typed, 0.0)] + ([(simplified, FOLDED_PENALTY)] if simplified != typed else [])
    best = _Best(Kind.ZH)
    for anchored in (True, False):  # exact and prefix first; contained only if they are too few
        for form, cost in forms:
            for pos, line, _, entry in index.iter_find(Kind.ZH, form, anchored=anchored):
                how = How.EXACT if line == form else How.PREFIX if line.startswith(form) else How.CONTAINED
                if anchored or how is How.CONTAINED:
                    score = _tiered(how, len(form) / len(line)) - cost
                    hits.add(Kind.ZH, pos, score, how)
                    best.add(entry, score)
        if best.beat(CONTAINED_TOP, limit):
            return


def _homophones(index: Index, query: str, hits: _Hits) -> None:
    """Chinese keys of the query's length that differ only by characters read the same."""
    _, simplified = _zh_forms(query)
    if len(simplified) < 2:
        return
    table = index.hanzi(c for c in simplified if is_han(c))
    options = [table[c] if is_han(c) and table.get(c) else (c,) for c in simplified]
    most = max(1, len(simplified) // 3)
    for combo in islice(product(*options), 512):
        for pos, _, detail, _ in index.exact(Kind.PINYIN, "".join(combo)):
            chinese = detail.rpartition("|")[2]
            if len(chinese) == len(simplified):
                differ = sum(1 for a, b in zip(chinese, simplified) if a != b)
                if 0 < differ <= most:
                    hits.add(Kind.PINYIN, pos, 88.0 - 10.0 * differ / len(chinese), How.HOMOPHONE)


def _fuzzy_zh(index: Index, query: str, hits: _Hits, cutoff: float, limit: int) -> None:
    for form in set(_zh_forms(query)):
        for pos, ratio in _fuzzy(form, index, Kind.ZH, cutoff, limit):
            hits.add(Kind.ZH, pos, min(FUZZY_CEILING, 0.74 * ratio), How.FUZZY)


# --------------------------------------------------------------------------- pinyin

def _loose_forms(reading: Reading) -> set[str]:
    """The joined syllables of a reading, with every lu / nu also as lü / nü."""
    options = [(s, LOOSE_U[s]) if s in LOOSE_U else (s,) for s in reading.syllables]
    return {"".join(c) for c in islice(product(*options), 16)}


def _parse_detail(detail: str) -> tuple[list[str], list[int]]:
    syllables, tones = [], []
    for token in detail.rpartition("|")[0].split():
        syllables.append(token[:-1])
        tones.append(int(token[-1]))
    return syllables, tones


def _align(reading: Reading, syllables: list[str], tones: list[int]
           ) -> tuple[float, How, str | None] | None:
    """The best way ``reading`` sits in an entry's syllables: score, how, and
    whether the tones the query gives differ from the entry's."""
    typed = reading.syllables
    m, n = len(typed), len(syllables)
    best: tuple[float, How, str | None] | None = None
    for start in range(0, n - m + 1):
        quality, tone_bad = 2, False
        for j in range(m):
            written = syllables[start + j]
            agree = syllable_agrees(typed[j], written, last=j == m - 1)
            if not agree:
                break
            quality = min(quality, agree)
            whole = typed[j] == written or LOOSE_U.get(typed[j]) == written
            given = reading.tones[j]
            if given and whole and given != tones[start + j]:
                tone_bad = True
        else:
            last = syllables[start + m - 1]
            whole_last = typed[-1] == last or LOOSE_U.get(typed[-1]) == last
            if start == 0 and m == n and whole_last:
                how = How.EXACT
            elif start == 0:
                how = How.PREFIX
            else:
                how = How.CONTAINED
            score = _tiered(how, min(1.0, len(reading.joined) / max(1, sum(map(len, syllables)))))
            if quality < 2:
                score -= LOOSE_PENALTY
            if tone_bad:
                score -= TONE_PENALTY
            if best is None or score > best[0]:
                best = (score, how, OTHER_TONES if tone_bad else None)
    return best


def _search_pinyin(index: Index, query: str, hits: _Hits, limit: int) -> None:
    options = readings(query)
    if not options:
        return
    forms = set().union(*(_loose_forms(r) for r in options))
    seen: set[int] = set()
    best = _Best(Kind.PINYIN)
    for anchored in (True, False):  # keys starting with the syllables first
        for form in forms:
            size = 0
            for pos, line, detail, entry in index.iter_find(Kind.PINYIN, form, anchored=anchored):
                if len(line) != size:  # keys come shortest first: the bound only falls
                    size = len(line)
                    if not anchored and best.beat(_contained_bound(len(form), size), limit):
                        break
                    # Longer than the syllables typed, a key is a prefix match at best,
                    # scored by how much of it they cover.
                    if anchored and size > len(form) + 1 and best.beat(
                            _tiered(How.PREFIX, min(1.0, (len(form) + 1) / size)), limit):
                        break
                if pos in seen:
                    continue
                seen.add(pos)
                syllables, tones = _parse_detail(detail)
                found = max((f for f in (_align(r, syllables, tones) for r in options) if f),
                            key=lambda f: f[0], default=None)
                if found:
                    hits.add(Kind.PINYIN, pos, *found)
                    best.add(entry, found[0])
        if best.beat(CONTAINED_TOP, limit):
            return


def _search_initials(index: Index, query: str, hits: _Hits) -> None:
    typed = query.replace(" ", "").lower()
    if not looks_like_initials(typed):
        return
    for pos, line, _, _ in index.find(Kind.INITIALS, typed, anchored=True):
        score = 90.0 if line == typed else 80.0 + 8.0 * len(typed) / len(line)
        hits.add(Kind.INITIALS, pos, score, How.INITIALS)


def _pinyin_letters(query: str) -> str:
    letters = "".join(c for c in strip_tones(query) if c.isalpha())
    return letters if letters.isascii() else ""


def _fuzzy_pinyin(index: Index, query: str, hits: _Hits, cutoff: float, limit: int) -> None:
    letters = _pinyin_letters(query)
    if len(letters) < 5:
        return
    for pos, ratio in _fuzzy(letters, index, Kind.PINYIN, cutoff, limit):
        hits.add(Kind.PINYIN, pos, min(FUZZY_CEILING, 0.74 * ratio), How.FUZZY)


# --------------------------------------------------------------------------- French and English

def _match_words(index: Index, words: list[str], folded: str,
                 add: Callable[[int, float, How], None], limit: int | None = None) -> bool:
    """Keys holding the (stemmed) words in a row; the last one may be unfinished.
    With ``limit``, the search stops when no key left can reach the first ``limit``."""
    needle = " " + " ".join(words)
    whole_key = needle + " "
    found = False
    best = _Best(Kind.LATIN)
    # Past this length a key can no longer be the query inflected: only a prefix match,
    # whose score falls as keys grow (a one-letter query has a prefix in every key).
    inflected_max = len(folded) + INFLECTION_SLACK * len(words)
    # A last word too short to be a prefix counts only whole: look for it whole.
    wanted = whole_key if len(words[-1]) < MIN_PARTIAL_WORD else needle
    for anchored in (True, False):
        size = 0
        for pos, stem_line, line, entry in index.iter_find(Kind.LATIN, wanted, anchored=anchored):
            if len(line) != size:  # keys come shortest first: the bound only falls
                size = len(line)
                if limit is None:
                    pass
                elif not anchored and best.beat(_contained_bound(len(folded), size), limit):
                    break
                elif anchored and size > inflected_max and best.beat(
                        _tiered(How.PREFIX, len(folded) / size), limit):
                    break
            if stem_line == whole_key:
                how = How.EXACT if line == folded else How.INFLECTED
            elif stem_line.startswith(needle):
                how = How.PREFIX
            else:
                how = How.CONTAINED
            if not anchored and how is not How.CONTAINED:
                continue
            score = _tiered(how, min(1.0, len(folded) / max(1, len(line))))
            if whole_key not in stem_line:
                if len(words[-1]) < MIN_PARTIAL_WORD:
                    continue  # a short query's last word inside a longer word
                score -= LOOSE_PENALTY
            add(pos, score, how)
            best.add(entry, score)
            found = True
        if limit is not None and best.beat(CONTAINED_TOP, limit):
            break
    return found


def _search_latin(index: Index, query: str, hits: _Hits, limit: int, prune: bool) -> None:
    folded = latin_key(query)
    if not folded:
        return
    words = stemmed(folded)

    def add(pos: int, score: float, how: How) -> None:
        hits.add(Kind.LATIN, pos, score, how)

    if _match_words(index, words, folded, add, limit if prune else None) or len(words) < 2:
        return
    # Every word somewhere, in any order: the keys holding the rarest word, checked for the others.
    needles = sorted({f" {w} " for w in words[:-1]} | {f" {words[-1]}"}, key=len, reverse=True)
    for pos, stem_line, line, _ in index.find(Kind.LATIN, needles[0]):
        if all(n in stem_line for n in needles[1:]):
            add(pos, _tiered(How.WORDS, min(1.0, len(folded) / max(1, len(line)))), How.WORDS)


def _corrected(index: Index, words: list[str]) -> tuple[list[str], float] | None:
    """The query's words with misspelt ones replaced by the closest word of the
    glossary, and the worst ratio of a replacement; None if nothing to correct."""
    from rapidfuzz import fuzz, process

    out, worst = [], 100.0
    done: dict[str, str] = {}  # a word before the last met again: corrected the same way
    for i, word in enumerate(words):
        whole = i < len(words) - 1  # the last word may be unfinished
        if whole and word in done:
            out.append(done[word])
            continue
        if len(word) < 4:
            out.append(word)
            continue
        known = index.find(Kind.WORDS, word, anchored=True)
        if whole:
            known = [f for f in known if f.searched == word]
        if known:
            out.append(word)
            if whole:
                done[word] = word
            continue
        _, vocabulary = index.lines_sized(Kind.WORDS, *_reachable(len(word), WORD_CUTOFF))
        # A misspelling keeps its first letter: smartcitie is not maritime.
        vocabulary = [w for w in vocabulary if w[:1] == word[:1]]
        best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, processor=None,
                                  score_cutoff=WORD_CUTOFF)
        if best is None:
            return None
        out.append(best[0])
        if whole:
            done[word] = best[0]
        worst = min(worst, best[1])
    return (out, worst) if out != words else None


def _fuzzy_latin(index: Index, query: str, hits: _Hits, cutoff: float, limit: int) -> None:
    folded = latin_key(query)
    if not folded:
        return
    for pos, ratio in _fuzzy(folded, index, Kind.LATIN, cutoff, limit):
        hits.add(Kind.LATIN, pos, min(FUZZY_CEILING, 0.74 * ratio), How.FUZZY)
    corrected = _corrected(index, stemmed(folded))
    if corrected:
        words, worst = corrected

        def add(pos: int, score: float, how: How) -> None:
            hits.add(Kind.LATIN, pos, min(FUZZY_CEILING, score * worst / 100.0 - 20.0), How.FUZZY)

        _match_words(index, words, " ".join(words), add)


# --------------------------------------------------------------------------- the lookup

_LATIN_FIELDS = {Lang.FR: ("fr", "fr_variants"), Lang.EN: ("en", "en_variants")}


def _langs(query: str, lang: Lang | None) -> tuple[Lang, ...]:
    if lang is not None:
        return (lang,)
    return (Lang.ZH,) if has_han(query) else (Lang.PINYIN, Lang.FR, Lang.EN)


def _collect(index: Index, query: str, langs: tuple[Lang, ...], fallback: bool,
             cutoffs: dict[str, float], limit: int) -> _Hits:
    hits = _Hits()
    latin = Lang.FR in langs or Lang.EN in langs
    if not fallback:
        if Lang.ZH in langs:
            _search_zh(index, query, hits, limit)
        if Lang.PINYIN in langs:
            _search_pinyin(index, query, hits, limit)
            _search_initials(index, query, hits)
        if latin:
            # Keys of the other language are dropped by the ranking: no shortcut then.
            _search_latin(index, query, hits, limit, prune=Lang.FR in langs and Lang.EN in langs)
        return hits
    cap = max(50, limit * 5)
    if Lang.ZH in langs:
        _homophones(index, query, hits)
        _fuzzy_zh(index, query, hits, cutoffs["zh"], cap)
    if Lang.PINYIN in langs:
        _fuzzy_pinyin(index, query, hits, cutoffs["pinyin"], cap)
    if latin:
        _fuzzy_latin(index, query, hits, cutoffs["latin"], cap)
    return hits


def _rank(index: Index, hits: _Hits, langs: tuple[Lang, ...], limit: int) -> list[Match]:
    ordered = sorted(hits.best.values(), key=lambda h: -h.score)[:max(200, limit * 20)]
    keys: dict[tuple[Kind, int], Key] = {}
    for kind in {h.kind for h in ordered}:
        found = index.keys(kind, (h.pos for h in ordered if h.kind is kind))
        keys.update(((kind, pos), key) for pos, key in found.items())
    allowed = {f for lang in langs for f in _LATIN_FIELDS.get(lang, ())}
    best: dict[int, tuple[float, int, Key, _Hit]] = {}
    for hit in ordered:
        key = keys.get((hit.kind, hit.pos))
        if key is None or (hit.kind is Kind.LATIN and key.field not in allowed):
            continue
        score = hit.score - STATUS_PENALTY.get(key.status, 0.0)
        if key.field == "zh_variants":
            score -= 1.0
        if hit.how is How.FUZZY and score < FUZZY_FLOORS.get(hit.kind, 0.0):
            continue
        field_rank = FIELD_ORDER.index(key.field) if key.field in FIELD_ORDER else len(FIELD_ORDER)
        old = best.get(key.entry)
        if old is None or (score, -field_rank) > (old[0], -old[1]):
            best[key.entry] = (max(0.0, score), field_rank, key, hit)
    # Ties go to the reference field, then to the shorter (more general) term:
    # économie numérique is 数字经济 before the domain heading 数字经济领域.
    def order(item: tuple[int, tuple[float, int, Key, _Hit]]) -> tuple[float, int]:
        return -item[1][0], item[1][1]

    ranked = sorted(best.items(), key=order)
    if len(ranked) > limit:
        last = order(ranked[limit - 1])
        ranked = [item for item in ranked if order(item) <= last]
    records = index.records(n for n, _ in ranked)
    top = sorted(ranked, key=lambda item: (-item[1][0], item[1][1], len(records[item[0]]["zh"]),
                                           item[0]))[:limit]
    return [Match(records[n], round(score, 1),
                  Matched(key.field, key.text, hit.how, key.status, hit.tones, key.region))
            for n, (score, _, key, hit) in top]


# The longest query looked up, in characters: over five times the longest term of the shipped
# glossary (an English title of 179). A longer one is running text, not a term.
MAX_QUERY = 1000


def _refused(query: str) -> str | None:
    """Why ``query`` (stripped) cannot be looked up, or None."""
    if not query:
        return "empty query"
    if len(query) > MAX_QUERY:
        return (f"query too long ({len(query)} characters; at most {MAX_QUERY}): to find the "
                "terms in a text, use glossary highlight")
    if not query.isprintable() and any("\ud800" <= c <= "\udfff" for c in query):
        # Bytes of an argument that were not UTF-8 come as lone surrogates.
        return "the query is not valid text (bytes that are not UTF-8?)"
    return None


def lookup(index: Index, query: str, lang: Lang | None = None, limit: int = 10) -> list[Match]:
    """The entries that best match ``query``, best first (at most ``limit``).

    UsageError for a blank query, one longer than :data:`MAX_QUERY` characters, or one
    that is not valid text."""
    query = query.strip()
    problem = _refused(query)
    if problem:
        raise UsageError(problem)
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    langs = _langs(query, lang)
    hits = _collect(index, query, langs, False, CUTOFFS, limit)
    if not hits:
        hits = _collect(index, query, langs, True, CUTOFFS, limit)
    return _rank(index, hits, langs, limit)


def suggest(index: Index, query: str, lang: Lang | None = None, limit: int = 3) -> list[Match]:
    """Near misses for a query that found nothing: what "did you mean" offers."""
    query = query.strip()
    if _refused(query):
        return []
    langs = _langs(query, lang)
    return _rank(index, _collect(index, query, langs, True, HINT_CUTOFFS, limit), langs, limit)


def lookup_many(index: Index, queries: Iterable[str], lang: Lang | None = None
                ) -> Iterable[tuple[str, Match | None]]:
    """The best match of each query in turn (None when nothing matched, or the line is blank).
    A line :func:`lookup` would refuse (too long, not valid text) has no match either, and
    a warning says so: one bad line does not stop the others."""
    for number, query in enumerate(queries, 1):
        problem = _refused(query.strip())
        if problem and query.strip():
            log.warning("line %d: %s", number, problem)
        matches = [] if problem else lookup(index, query, lang, 1)
        yield query, matches[0] if matches else None
