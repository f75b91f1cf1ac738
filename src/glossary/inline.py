"""Checking a French (or English) text that quotes the Chinese in parentheses, the way
the directive's translation does: « centrales virtuelles (虚拟电厂) ».

For every parenthesised Chinese (full-width （） or half-width (), nested ones
included, as in 智慧农（牧、渔）场), the *clause* before it — back to the previous
punctuation, parenthesis, dash or coordinating conjunction — is searched for a
rendering of that term, compared word by word the way ``check`` compares (case,
accents, apostrophes, hyphens, plurals forgiven: :func:`glossary.qa.find_rendering`).
A rendering counts when it ends among the last words of the clause, that is, just
before the parenthesis.

This module is pure: no printing, no Typer, no Rich.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Iterable, Iterator, Sequence

from glossary.model import Status
from glossary.qa import Language, find_rendering, language, split_lines, words


class InlineVerdict(str, Enum):
    """What the check says about one parenthesised Chinese term."""

    OK = "ok"  # the phrase before it is the reference rendering or an admitted variant
    DEPRECATED = "deprecated"  # it is a deprecated variant
    WRONG = "wrong"  # it is none of the term's renderings
    UNKNOWN = "unknown"  # the glossary does not have the Chinese


INLINE_PROBLEMS = (InlineVerdict.WRONG, InlineVerdict.DEPRECATED)


@dataclass(frozen=True, slots=True)
class Quote:
    """A parenthesised Chinese in a text, and the clause before it."""

    line: int  # 1-based
    column: int  # character offset of the opening parenthesis in the line
    zh: str  # what the parentheses hold
    clause: str  # the text before it, back to the previous boundary
    enumerated: bool = False  # only a comma or a conjunction since the previous quote


@dataclass(frozen=True, slots=True)
class InlineFinding:
    line: int
    column: int
    zh: str
    id: str | None
    verdict: InlineVerdict
    expected: str | None  # the reference rendering (None when unknown)
    found: str  # the rendering found, or the phrase before the parenthesis

    @property
    def is_problem(self) -> bool:
        return self.verdict in INLINE_PROBLEMS

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "zh": self.zh, "id": self.id,
                "verdict": self.verdict.value, "expected": self.expected, "found": self.found}


@dataclass(frozen=True)
class InlineReport:
    lang: str
    findings: tuple[InlineFinding, ...]
    unchecked: tuple[InlineFinding, ...] = ()  # known terms without a rendering in lang

    @property
    def problems(self) -> tuple[InlineFinding, ...]:
        return tuple(f for f in self.findings if f.is_problem)

    def counts(self) -> dict[str, int]:
        counts = {v.value: 0 for v in InlineVerdict}
        for finding in self.findings:
            counts[finding.verdict.value] += 1
        return counts


# --------------------------------------------------------------------------- finding the quotes

_OPEN, _CLOSE = "(（", ")）"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# What a parenthesised term may hold: Han characters, Chinese punctuation used inside
# terms (、·), nested parentheses, digits and Latin letters glued to Han (5G基站).
_TERM_TEXT = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff、·・（）()0-9A-Za-z\-]+$")
# List numerals: (一), (二十), （3）: a numbered item, not a term.
_NUMERAL = re.compile(r"^[一二三四五六七八九十百千零〇两]+$")

# Where the clause before a parenthesis begins: after sentence or clause punctuation,
# a closing parenthesis, a dash between spaces, a quotation mark that opens, or a
# coordinating conjunction.
_BOUNDARY = re.compile(
    r"[.!?;:,，。；：！？()（）«»“”]|\s[-–—]\s|\s(?:et|ou|and|or)\s|^", re.IGNORECASE)

# Articles and determiners that open a noun phrase: the phrase reported for an unknown
# term is what follows the last of them. Prepositions (de, des, du …) stay: they are
# inside terms as often as before them (économie des basses altitudes).
_DETERMINERS = {
    "fr": frozenset("le la les l un une ce cet cette ces son sa ses leur leurs notre nos "
                    "votre vos".split()),
    "en": frozenset("the a an this these those its their our your".split()),
}
# Words a wrong phrase does not start with: articles and the prepositions before a noun.
_LEADING = {
    "fr": _DETERMINERS["fr"] | frozenset("de des du d au aux à en pour par sur".split()),
    "en": _DETERMINERS["en"] | frozenset("of for in on to by".split()),
}
_ELIDED = re.compile(r"(\w+)['\u2019](?=\w)")
# Between two quotes of one enumeration: « A (甲), B (乙) et C (丙) ».
_ENUMERATION = re.compile(r"^\s*[,，、]?\s*(?:(?:et|ou|and|or)\s+)?$", re.IGNORECASE)
PHRASE_WORDS = 6  # at most this many words reported as "the phrase before it"
TAIL_WORDS = 2  # a rendering may be followed by this many words before the parenthesis


def find_quotes(text: str) -> Iterator[Quote]:
    """Every parenthesised Chinese of ``text`` (list numerals left out), in order."""
    for number, line in enumerate(split_lines(text), start=1):
        depth, opened = 0, 0
        floor = 0  # the end of the last parenthesis closed: no clause reaches back past it
        quote_end: int | None = None  # the end of the last quoted term
        for i, ch in enumerate(line):
            if ch in _OPEN:
                if depth == 0:
                    opened = i
                depth += 1
            elif ch in _CLOSE and depth:
                depth -= 1
                if depth:
                    continue
                inner = line[opened + 1:i].strip()
                if _HAN.search(inner) and _TERM_TEXT.match(inner) and not _NUMERAL.match(inner):
                    start = _clause_start(line, floor, opened)
                    enumerated = quote_end == floor and bool(_ENUMERATION.match(line[floor:start]))
                    yield Quote(number, opened, inner, line[start:opened].strip(), enumerated)
                    quote_end = i + 1
                floor = i + 1


def _clause_start(line: str, floor: int, end: int) -> int:
    """Where the clause before ``end`` begins: after the last boundary (not before ``floor``)."""
    start = floor
    for match in _BOUNDARY.finditer(line, floor, end):
        if match.end() <= end:
            start = max(start, match.end())
    return start


def phrase_before(clause: str, lang: Language) -> str:
    """The phrase that ends ``clause``: what follows its last article or determiner, at
    most :data:`PHRASE_WORDS` words, an elided article (l', d') left out."""
    determiners = _DETERMINERS.get(lang.code, frozenset())
    tokens = list(re.finditer(r"\S+", clause))
    if not tokens:
        return ""
    begin = 0
    for k, token in enumerate(tokens[:-1]):
        if token.group().casefold() in determiners:
            begin = k + 1
    begin = max(begin, len(tokens) - PHRASE_WORDS)
    start = tokens[begin].start()
    elided = _ELIDED.match(tokens[begin].group())
    if elided and (elided.group(1).casefold() in determiners
                   or elided.group(1).casefold() in lang.elided):
        start += elided.end()
    return clause[start:].strip()


# --------------------------------------------------------------------------- the check

@dataclass
class InlineChecker:
    glossary: Any
    lang: str = "fr"

    def __post_init__(self) -> None:
        self._language = language(self.lang)

    def judge(self, quote: Quote, previous: str | None = None) -> InlineFinding:
        """The verdict on one quote; ``previous`` is the rendering that matched the quote
        before it when this one continues its enumeration (its head noun may be left out:
        « Fabrication intelligente (智能制造), verte (绿色制造) »)."""
        return self._judge(quote, previous)[0]

    def _judge(self, quote: Quote, previous: str | None) -> tuple[InlineFinding, str | None]:
        """The finding, and the rendering (whole) that matched, if any."""
        entry = self._entry(quote.zh)
        if entry is None:
            return InlineFinding(quote.line, quote.column, quote.zh, None, InlineVerdict.UNKNOWN,
                                 None, phrase_before(quote.clause, self._language)), None
        expected = getattr(entry, self.lang)
        best: tuple[Any, ...] | None = None
        tail_start = self._tail_start(quote.clause)
        for text, status in entry.renderings(self.lang):
            for start, end in find_rendering(text, quote.clause, self._language):
                if end < tail_start:
                    continue  # too far from the parenthesis
                rank = (status is Status.DEPRECATED, -(end - start))
                if best is None or rank < best[0]:
                    best = (rank, start, end, status, text)
        if best is None and previous is not None:
            best = self._elided(entry, quote.clause, previous, tail_start)
        if best is None:
            return InlineFinding(quote.line, quote.column, quote.zh, entry.id, InlineVerdict.WRONG,
                                 expected, self._wrong_phrase(quote.clause, expected or "")), None
        _, start, end, status, rendering = best
        verdict = InlineVerdict.DEPRECATED if status is Status.DEPRECATED else InlineVerdict.OK
        return InlineFinding(quote.line, quote.column, quote.zh, entry.id, verdict, expected,
                             quote.clause[start:end]), rendering

    def _elided(self, entry: Any, clause: str, previous: str,
                tail_start: int) -> tuple[Any, ...] | None:
        """A rendering whose first words are the first words of ``previous`` and are left
        out, the rest standing before the parenthesis (« fabrication » in « verte »)."""
        previous_keys = [w.key for w in words(previous, self._language)]
        for text, status in entry.renderings(self.lang):
            parts = text.split()
            for k in range(1, len(parts)):
                head = [w.key for w in words(" ".join(parts[:k]), self._language)]
                if head != previous_keys[:len(head)]:
                    continue
                for start, end in find_rendering(" ".join(parts[k:]), clause, self._language):
                    if not words(clause[:start], self._language) and end >= tail_start:
                        # the rest of the rendering, and nothing before it
                        return ((status is Status.DEPRECATED, 0), start, end, status, text)
        return None

    def _wrong_phrase(self, clause: str, expected: str) -> str:
        """What stands where the rendering should: the noun phrase before the
        parenthesis, one word longer than the rendering at most, without the
        prepositions and articles it starts with."""
        phrase = phrase_before(clause, self._language)
        tokens = phrase.split()
        tokens = tokens[max(0, len(tokens) - len(expected.split()) - 1):]
        leading = _LEADING.get(self.lang, frozenset())
        while len(tokens) > 1 and tokens[0].casefold() in leading:
            tokens = tokens[1:]
        return phrase[phrase.index(tokens[0]):] if tokens else phrase

    def _entry(self, zh: str):
        from glossary.normalize import fold_hanzi

        folded = fold_hanzi(zh)
        for entry in self.glossary.find(zh):
            if any(fold_hanzi(form) == folded for form in entry.chinese_forms()):
                return entry
        return None

    def _tail_start(self, clause: str) -> int:
        """Where the last :data:`TAIL_WORDS` + 1 words of the clause begin: a rendering
        must end after that."""
        found = words(clause, self._language)
        if len(found) <= TAIL_WORDS:
            return 0
        return found[-(TAIL_WORDS + 1)].start + 1

    def run(self, text: str) -> InlineReport:
        findings: list[InlineFinding] = []
        unchecked: list[InlineFinding] = []
        previous: str | None = None  # the rendering matched by the previous quote
        for quote in find_quotes(text):
            finding, previous = self._judge(quote, previous if quote.enumerated else None)
            if finding.id is not None and not finding.expected:
                unchecked.append(finding)
            else:
                findings.append(finding)
        return InlineReport(self.lang, tuple(findings), tuple(unchecked))


def check_inline(glossary: Any, text: str, lang: str = "fr") -> InlineReport:
    """Check every parenthesised Chinese term of ``text`` against the phrase before it."""
    return InlineChecker(glossary, lang).run(text)


# --------------------------------------------------------------------------- new entries

STUBS_HEADER = (
    "# Term stubs for the Chinese quoted in parentheses that the glossary lacks, written by\n"
    "# `glossary check --inline --yaml`. The rendering is the phrase that stood before the\n"
    "# parenthesis: check where it starts and cite where it comes from; add the other\n"
    "# language if you know it; check domain and category; then run `glossary validate`.\n")


def stub_entries(findings: Iterable[InlineFinding], text: str, source_name: str,
                 lang: str = "fr", taken_ids: Iterable[str] = ()) -> list[dict[str, Any]]:
    """One term-file entry per unknown Chinese (first occurrence), the rendering taken
    from the text, pinyin and traditional form made as ``extract --yaml`` makes them."""
    from glossary.extract import _glue_single_characters, guess_domain, slug, to_pinyin, to_traditional
    from glossary.segment import Segmenter
    from glossary.taxonomy import DOMAINS

    category_of = {d.slug: d.category for d in DOMAINS}
    taken = set(taken_ids)
    segmenter = Segmenter(hmm=False)
    offsets = _line_offsets(text)
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    other = "en" if lang == "fr" else "fr"
    for finding in findings:
        if finding.verdict is not InlineVerdict.UNKNOWN or finding.zh in seen:
            continue
        seen.add(finding.zh)
        # cut as extract cuts: jieba's dictionary, lone characters glued back (新 质 → 新质)
        pinyin_text = to_pinyin(_glue_single_characters(segmenter.words(finding.zh)))
        domain = guess_domain(text, offsets[finding.line - 1] + finding.column)
        entry: dict[str, Any] = {
            "id": slug(pinyin_text, taken),
            "zh": finding.zh,
            "zh_hant": to_traditional(finding.zh),
            "pinyin": pinyin_text,
            lang: finding.found,
        }
        if other == "fr":
            entry["fr"] = ""
        entry.update({
            "domain": domain or "general",
            "category": category_of[domain] if domain else "general",
            "source": f"{source_name}:{finding.line}",
            "provenance": "editor",
            f"{lang}_provenance": f"{source_name}:{finding.line}",
            "note": (f"The {lang} rendering is the phrase before the parenthesis in "
                     f"{source_name}, line {finding.line}: check where it starts, and cite "
                     f"the article (publisher, title, URL, date) in {lang}_provenance."
                     + ("" if domain else " The domain is a placeholder: choose one.")),
        })
        if not re.fullmatch(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", finding.zh):
            entry["pinyin_deliberate"] = True  # punctuation or Latin inside: validate compares the Han only
        entries.append(entry)
    return entries


# PyYAML with allow_unicode writes NEL, LS and PS raw inside a single-quoted scalar,
# and reads them back folded into a space: such strings go double-quoted (escaped).
_YAML_BREAKS = ("\x85", "\u2028", "\u2029", "\r")


def stubs_yaml(entries: Sequence[dict[str, Any]], source_name: str) -> str:
    """The stubs as a term file, through the YAML emitter (Chinese and accents written
    as themselves, line-break characters escaped, never an anchor or an alias: an
    entry given twice is written twice). Nothing from the input goes into a comment."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def represent_str(dumper: Any, data: str) -> Any:
        style = '"' if any(ch in data for ch in _YAML_BREAKS) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(str, represent_str)
    document = {"description": f"Terms quoted in {source_name}", "entries": list(entries)}
    return STUBS_HEADER + yaml.dump(document, Dumper=Dumper, allow_unicode=True, sort_keys=False,
                                    width=100, default_flow_style=False)


def _line_offsets(text: str) -> list[int]:
    offsets, position = [], 0
    for line in text.split("\n"):
        offsets.append(position)
        position += len(line) + 1
    return offsets
