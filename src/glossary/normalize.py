"""Folding text for comparison: Latin case, accents, apostrophes, dashes, spaces; and
Chinese characters to their simplified forms.

French and English renderings are compared folded, so that "Économie des basses
altitudes", "economie des basses altitudes" and "l’économie des basses altitudes"
meet. Folding never changes the number of words, only their spelling.

Chinese text is folded character by character (:func:`fold_hanzi`), with OpenCC's
tables (:mod:`glossary.hanzi_tables`), so that 醫療衞生, 醫療衛生 and 医疗卫生, or
製造業, 制造業 and 制造业, meet; the fold keeps the length, so an offset in the folded
text is an offset in the text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Typographic apostrophes and quotes that stand for the ASCII apostrophe.
_APOSTROPHES = dict.fromkeys(map(ord, "\u2019\u2018\u02bc\u00b4\u0060\u2032"), "'")
# Every kind of space (no-break, narrow no-break, thin …) and of hyphen or dash.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007\u200a\u3000]+")
_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2212\-]")
_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t)'", re.IGNORECASE)


def strip_accents(text: str) -> str:
    """``é`` → ``e``, ``ü`` → ``u``, ``œ`` stays ``œ`` (only combining marks are removed)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(text: str) -> str:
    """Case-, accent-, apostrophe-, dash- and space-insensitive form of Latin text."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    text = _DASHES.sub(" ", text)
    text = strip_accents(text.casefold()).replace("œ", "oe").replace("æ", "ae")
    return _SPACES.sub(" ", text).strip()


def drop_elision(text: str) -> str:
    """Remove French elided articles and particles: ``l'économie`` → ``économie``."""
    return _ELISION.sub("", text)


# --------------------------------------------------------------------------- Chinese characters

# Below this length a text is folded character by character (building the table that
# str.translate reads fast costs a few milliseconds).
_SHORT_TEXT = 256
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@lru_cache(maxsize=1)
def fold_map() -> dict[str, str]:
    """The fold of :func:`fold_hanzi`: each character that changes, and what to."""
    from glossary.hanzi_tables import FOLD_FROM, FOLD_TO

    return dict(zip(FOLD_FROM, FOLD_TO))


@lru_cache(maxsize=1)
def _large_table() -> list[int]:
    """A list indexed by code point for the Basic Multilingual Plane: the fastest table
    ``str.translate`` reads (characters beyond it are left to :func:`_astral`)."""
    table = list(range(0x10000))
    for a, b in fold_map().items():
        if ord(a) < 0x10000:
            table[ord(a)] = ord(b)
    return table


def _astral(match: "re.Match[str]") -> str:
    char = match.group()
    return fold_map().get(char, char)


def fold_hanzi(text: str) -> str:
    """``text`` with each traditional or variant Chinese character replaced by its
    simplified form, one character for one (the length is kept, so offsets carry over):
    the *simplified shadow* of a text, for matching and for cutting into words.

    The table is OpenCC's, applied character by character: ``t2s`` (產 → 产, 爲 → 为,
    溼 → 湿), then the Hong Kong and Taiwan variant tables for what ``t2s`` leaves
    (衞 → 卫, 著 → 着). One-to-many characters fold towards the simplified form they
    share (髮 and 發 → 发, 乾 and 幹 → 干), so two different traditional words may fold
    alike; that is safe for matching, where both sides are folded, and wrong for
    reading aloud: pinyin uses OpenCC's phrase conversion instead
    (:func:`to_simplified`). Everything else is left as it is."""
    if text.isascii():
        return text
    if len(text) < _SHORT_TEXT:
        table = fold_map()
        return "".join([table.get(c, c) for c in text])
    folded = text.translate(_large_table())  # code points past the list are left as they are
    if _ASTRAL.search(folded):  # rare: one by one
        folded = _ASTRAL.sub(_astral, folded)
    return folded


@lru_cache(maxsize=1)
def hanzi_classes() -> dict[str, str]:
    """Each simplified character that the fold joins others to, with all of them, itself
    first: ``卫`` → ``卫衛衞``, ``发`` → ``发髮發``."""
    classes: dict[str, list[str]] = {}
    for a, b in fold_map().items():
        classes.setdefault(b, [b]).append(a)
    return {b: "".join(members) for b, members in classes.items()}


@lru_cache(maxsize=1)
def traditional_characters() -> frozenset[str]:
    """The characters of :func:`hanzi_classes` that OpenCC writes in traditional text
    (業, 衛, 衞, 系 of 系統, 后 of 皇后; not 业, not 卫)."""
    from glossary.hanzi_tables import TRADITIONAL

    return frozenset(TRADITIONAL)


# Runs of Han characters (CJK unified ideographs, extension A, compatibility).
HAN_RUN = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]+")

_PHRASE_CONVERTERS: list = []


@lru_cache(maxsize=1)
def _traditional_marks() -> "re.Pattern[str]":
    """The characters the fold changes that simplified text never has (not in GB2312)."""
    def simplified_set(char: str) -> bool:
        try:
            char.encode("gb2312")
            return True
        except UnicodeEncodeError:
            return False

    marks = [m for members in hanzi_classes().values() for m in members[1:] if not simplified_set(m)]
    return re.compile("[" + "".join(sorted(marks)) + "]")


def to_simplified(text: str) -> str:
    """``text`` as simplified text, for reading it (pinyin) and for writing it as a
    term's ``zh``: OpenCC's phrase-level conversion (``tw2s``, then ``hk2s`` for the
    Hong Kong variants), word by word, not character by character as
    :func:`fold_hanzi`: 乾坤 stays 乾坤 (qiánkūn; the fold makes it 干坤), 隨著 is 随着,
    衞生 卫生. The length is kept (a run of characters whose conversion would change
    it is folded instead, character by character), so readings line up with the text.
    Text without a traditional or variant character outside GB2312 (the simplified
    character set) comes back as it is: the 著 of 显著 and the 乾 of 乾坤 are simplified
    characters too, which ``tw2s`` would turn into 着 and 干."""
    folded = fold_hanzi(text)
    marks = _traditional_marks()
    if folded == text or not marks.search(text):
        return text
    if not _PHRASE_CONVERTERS:
        import opencc

        _PHRASE_CONVERTERS.extend(opencc.OpenCC(name) for name in ("tw2s", "hk2s"))

    def convert(piece: str) -> str:
        for converter in _PHRASE_CONVERTERS:
            piece = converter.convert(piece)
        return piece

    whole = convert(text)
    aligned = len(whole) == len(text)
    # Run by run (a run of Han characters between punctuation): a run without a
    # traditional mark is simplified text and stays as it is, even beside a traditional
    # one (显著，顯著: tw2s would make the first 显着).
    out, at = [], 0
    for run in HAN_RUN.finditer(text):
        out.append(text[at:run.start()])
        piece = run.group()
        if marks.search(piece):
            new = whole[run.start():run.end()] if aligned else convert(piece)
            piece = new if len(new) == len(piece) else folded[run.start():run.end()]
        out.append(piece)
        at = run.end()
    out.append(text[at:])
    return "".join(out)
