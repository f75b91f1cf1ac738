"""Folding of Latin text for comparison: case, accents, apostrophes, dashes, spaces.

French and English renderings are compared folded, so that "Économie des basses
altitudes", "economie des basses altitudes" and "l’économie des basses altitudes"
meet. Folding never changes the number of words, only their spelling.
"""

from __future__ import annotations

import re
import unicodedata

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
