"""Glossary terms marked in running text: spans, glosses, counts, Markdown and JSON.

The text is read in pieces (:func:`glossary.textio.iter_text_chunks`) and
searched with :class:`glossary.matcher.TermMatcher`; nothing here holds the
whole text, so a file of any size goes through in bounded memory. The HTML
page is in :mod:`glossary.html`; the terminal rendering in the CLI.

Offsets are character offsets into the decoded input, end exclusive.

Entries are looked up in a :class:`glossary.matcher.TermTable` (built from a
glossary with ``TermTable.from_glossary``, or cached with the matcher by
:func:`glossary.matcher.load_term_index`).

This module is pure: it writes to the file objects it is given and never
imports Typer or Rich.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import chain
from dataclasses import dataclass, field
from enum import Enum
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Any, Iterable, Iterator

from glossary.render import LINE_BREAKS, json_safe, visible

if TYPE_CHECKING:
    from glossary.matcher import TermInfo, TermMatcher, TermTable

SPAN_FIELDS: tuple[str, ...] = ("start", "end", "text", "id", "zh", "pinyin", "fr", "en", "domain")
SUMMARY_FIELDS: tuple[str, ...] = ("id", "zh", "count", "pinyin", "fr", "en", "domain", "category")
# A line longer than this is still cut into blocks, so memory stays bounded.
MAX_BLOCK_CHARS = 1 << 20


class Gloss(str, Enum):
    """What is shown next to a marked term."""

    FR = "fr"
    EN = "en"
    PINYIN = "pinyin"
    NONE = "none"


def gloss_of(entry: "TermInfo", gloss: Gloss) -> str:
    """The gloss of an entry: its French or English rendering, its pinyin, or nothing."""
    if gloss is Gloss.NONE:
        return ""
    if gloss is Gloss.EN:
        return entry.en or ""
    return getattr(entry, gloss.value) or ""


def span_record(start: int, end: int, text: str, entry: "TermInfo") -> dict[str, Any]:
    """One occurrence as a JSON-ready record (the fields of :data:`SPAN_FIELDS`)."""
    return {"start": start, "end": end, "text": text, "id": entry.id, "zh": entry.zh,
            "pinyin": entry.pinyin, "fr": entry.fr, "en": entry.en, "domain": entry.domain}


# --------------------------------------------------------------------------- reading

def iter_blocks(matcher: "TermMatcher", chunks: Iterable[str]) -> Iterator[tuple[int, str, list]]:
    """``(offset, block, matches)``: the text in blocks that end at a newline (or at
    the end), each with its non-overlapping matches (global offsets).

    Terms never contain a newline, so no term is cut. A line longer than
    :data:`MAX_BLOCK_CHARS` is cut at a piece boundary, where no term is cut either.
    """
    pending_offset = 0
    pending: list[str] = []
    pending_len = 0
    pending_matches: list = []
    for offset, piece, matches in matcher.iter_chunk_matches(chunks):
        newline = piece.rfind("\n")
        if newline < 0 and pending_len + len(piece) < MAX_BLOCK_CHARS:
            if not pending:
                pending_offset = offset
            pending.append(piece)
            pending_len += len(piece)
            pending_matches.extend(matches)
            continue
        cut = newline + 1 if newline >= 0 else len(piece)
        head, tail = piece[:cut], piece[cut:]
        split = offset + cut
        block = "".join(pending) + head
        block_offset = pending_offset if pending else offset
        head_matches = [m for m in matches if m[0] < split]
        yield block_offset, block, pending_matches + head_matches
        pending, pending_len, pending_matches = [], 0, []
        if tail:
            pending_offset = split
            pending = [tail]
            pending_len = len(tail)
            pending_matches = [m for m in matches if m[0] >= split]
    if pending:
        yield pending_offset, "".join(pending), pending_matches


def all_matches(matcher: "TermMatcher", chunks: Iterable[str],
                overlapping: bool = False) -> Iterator[tuple[int, str, list]]:
    """``(offset, piece, matches)`` for machine output: pieces of any shape."""
    return matcher.iter_chunk_matches(chunks, overlapping)


# --------------------------------------------------------------------------- counting

@dataclass
class Tally:
    """How many times each entry was found, in order of first occurrence."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, entry_id: str) -> int:
        """Count one more occurrence; return its number (1 for the first)."""
        n = self.counts.get(entry_id, 0) + 1
        self.counts[entry_id] = n
        return n

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def records(self, glossary: "TermTable") -> list[dict[str, Any]]:
        """The summary: one record per entry found (fields of :data:`SUMMARY_FIELDS`)."""
        out = []
        for entry_id, count in self.counts.items():
            entry = glossary.get(entry_id)
            out.append({"id": entry_id, "zh": entry.zh, "count": count, "pinyin": entry.pinyin,
                        "fr": entry.fr, "en": entry.en, "domain": entry.domain,
                        "category": entry.category})
        return out


# --------------------------------------------------------------------------- JSON spans

class _Tails(dict):
    """Form index → the serialised fixed fields of its span records (UTF-8, closing
    brace and ``end`` included), made on first use."""

    def __init__(self, matcher: "TermMatcher", glossary: "TermTable", end: str) -> None:
        super().__init__()
        self._matcher = matcher
        self._glossary = glossary
        self._end = end

    def __missing__(self, index: int) -> bytes:
        entry = self._glossary.get(self._matcher.entry_ids[index])
        record = span_record(0, 0, self._matcher.forms[index], entry)
        del record["start"], record["end"]
        tail = (", " + json_safe(json.dumps(record, ensure_ascii=False))[1:] + self._end).encode("utf-8")
        self[index] = tail
        return tail


class SpanWriter:
    """Writes spans as JSON lines (or one JSON array), fast.

    Each form's fixed fields (text, id, zh, pinyin, fr, en, domain) are
    serialised and encoded once; an occurrence only adds its two offsets, and
    the bytes go straight to the binary stream under ``out`` when there is one.
    The output is what ``json.dumps`` gives for :func:`span_record`.
    Occurrences are counted by form as they go (see :attr:`tally`).
    """

    def __init__(self, matcher: "TermMatcher", glossary: "TermTable") -> None:
        self._matcher = matcher
        self._glossary = glossary
        self._by_form: Counter[int] = Counter()

    @property
    def tally(self) -> Tally:
        tally = Tally()
        ids = self._matcher.entry_ids
        for index, count in self._by_form.items():
            entry_id = ids[index]
            tally.counts[entry_id] = tally.counts.get(entry_id, 0) + count
        return tally

    def _write(self, found: Iterable[tuple[int, str, list]], out: IO[str], start: bytes,
               first_head: bytes, head: bytes, end: str, close: bytes) -> None:
        tails = _Tails(self._matcher, self._glossary, end)
        count = self._by_form.update
        binary = getattr(out, "buffer", None)
        if binary is not None:
            out.flush()
            write = binary.write
        else:
            def write(data: bytes) -> None:
                out.write(data.decode("utf-8"))
        write(start)
        first = True
        for at, _piece, matches in found:
            if not matches:
                continue
            heads = [head % (s + at, e + at) for _i, s, e in matches]
            if first:
                i, s, e = matches[0]
                heads[0] = first_head % (s + at, e + at)
                first = False
            write(b"".join(chain.from_iterable(zip(heads, [tails[i] for i, _s, _e in matches]))))
            count(map(_form, matches))
        write(close)
        if binary is not None:
            binary.flush()

    def jsonl(self, found: Iterable[tuple[int, str, list]], out: IO[str]) -> None:
        """JSON lines for the pieces of :meth:`TermMatcher.iter_chunk_found`."""
        head = b'{"start": %d, "end": %d'
        self._write(found, out, b"", head, head, "\n", b"")

    def json(self, found: Iterable[tuple[int, str, list]], out: IO[str]) -> None:
        """One JSON array for the pieces of :meth:`TermMatcher.iter_chunk_found`."""
        self._write(found, out, b"[", b'\n{"start": %d, "end": %d', b',\n{"start": %d, "end": %d',
                    "", b"\n]\n")

    def records(self, pieces: Iterable[tuple[int, str, list]]) -> Iterator[dict[str, Any]]:
        """Span records one by one (for TSV and CSV through the shared renderer)."""
        get = self._glossary.get
        ids, forms = self._matcher.entry_ids, self._matcher.forms
        by_form = self._by_form
        for _offset, _piece, matches in pieces:
            for s, e, i in matches:
                by_form[i] += 1
                yield span_record(s, e, forms[i], get(ids[i]))

    def count(self, found: Iterable[tuple[int, str, list]]) -> None:
        """Only count the occurrences (for a summary alone), from
        :meth:`TermMatcher.iter_chunk_found`."""
        for _offset, _piece, matches in found:
            self._by_form.update(map(_form, matches))


_form = itemgetter(0)


# --------------------------------------------------------------------------- Markdown

# Characters that make inline Markdown (emphasis, code, links, HTML, entities,
# GFM tables and strike-through), and what makes a block at the start of a line
# (heading, quote, list, setext underline, thematic break, indented code: spaces
# and tabs, written as character references, which CommonMark never reads as
# indentation). Backslash-escaped, ASCII punctuation stands for itself in CommonMark.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~!])")
_MD_LINE_START = re.compile(r"(?m)^([ \t]*)([#>+=-]|\d+(?=[.)]))?")
_MD_INDENT = {" ": "&#32;", "\t": "&#9;"}
# CommonMark ends a line at LF, CR and CR LF: a CR is made an LF, so that the line
# after it is escaped as a line start.
_LINE_ENDS = re.compile(r"\r\n?")


def md_escape(text: str, at_line_start: bool = True) -> str:
    """``text`` as Markdown that shows it as it is (``at_line_start``: whether it
    begins a line, where more characters make markup). Control characters are made
    visible (ESC → ␛), and CR and CR LF become LF."""
    text = _MD_INLINE.sub(r"\\\1", visible(_LINE_ENDS.sub("\n", text)))
    if at_line_start:
        return _MD_LINE_START.sub(_line_start, text)
    head, newline, rest = text.partition("\n")
    return head + newline + _MD_LINE_START.sub(_line_start, rest) if newline else head


def md_inline(text: str) -> str:
    """A value of one line (a gloss, a cell of a table) as Markdown that shows it as it
    is, in the middle of a line: its line breaks, if any, made spaces."""
    return md_escape(LINE_BREAKS.sub(" ", text), at_line_start=False)


def _line_start(m: re.Match) -> str:
    indent, mark = m.group(1), m.group(2) or ""
    if mark[:1].isdigit():
        mark += "\\"
    elif mark:
        mark = "\\" + mark
    return "".join(_MD_INDENT[ch] for ch in indent) + mark


def _md_text(block: str, start: int, end: int) -> str:
    """``block[start:end]`` escaped; a line break after a non-empty line becomes a
    Markdown hard break (two trailing spaces), so the text keeps its lines."""
    prev_empty = start == 0 or block[start - 1] in "\n\r"
    piece = md_escape(block[start:end], at_line_start=prev_empty)
    if "\n" not in piece:
        return piece
    lines = piece.split("\n")
    out = []
    for i, line in enumerate(lines[:-1]):
        empty = not line and (prev_empty if i == 0 else True)
        out.append(line if empty else line + "  ")
    out.append(lines[-1])
    return "\n".join(out)


def _write_marked(blocks: Iterable[tuple[int, str, list]], matcher: "TermMatcher",
                  glossary: "TermTable", out: IO[str], between: Any, mark: Any) -> Tally:
    """The text with each term occurrence written ``mark(term, entry)`` and the text
    between written ``between(block, start, end)``; a form's mark is made once."""
    tally = Tally()
    ids = matcher.entry_ids
    cache: dict[int, str] = {}
    for offset, block, matches in blocks:
        parts: list[str] = []
        pos = 0
        for start, end, index in matches:
            start -= offset
            end -= offset
            if start > pos:
                parts.append(between(block, pos, start))
            marked = cache.get(index)
            if marked is None:
                marked = cache[index] = mark(block[start:end], glossary.get(ids[index]))
            parts.append(marked)
            tally.add(ids[index])
            pos = end
        parts.append(between(block, pos, len(block)))
        out.write("".join(parts))
    return tally


def write_markdown(blocks: Iterable[tuple[int, str, list]], matcher: "TermMatcher",
                   glossary: "TermTable", gloss: Gloss, out: IO[str]) -> Tally:
    """The text with each term in bold followed by its gloss in parentheses."""
    def mark(term: str, entry: "TermInfo") -> str:
        text = gloss_of(entry, gloss)
        marked = f"**{md_inline(term)}**"
        return f"{marked} ({md_inline(text)})" if text else marked

    return _write_marked(blocks, matcher, glossary, out, _md_text, mark)


def write_markdown_summary(records: list[dict[str, Any]], out: IO[str]) -> None:
    """The summary as a Markdown table."""
    out.write("\n| zh | count | pinyin | fr | en | domain |\n|---|---:|---|---|---|---|\n")
    for r in records:
        cells = [r["zh"], str(r["count"]), r["pinyin"], r["fr"] or "", r["en"] or "", r["domain"]]
        out.write("| " + " | ".join(md_inline(c) for c in cells) + " |\n")


# --------------------------------------------------------------------------- plain text

def write_plain(blocks: Iterable[tuple[int, str, list]], matcher: "TermMatcher",
                glossary: "TermTable", gloss: Gloss, out: IO[str]) -> Tally:
    """The text with each term written ``{term|gloss}`` (``{term}`` without a gloss):
    the terminal rendering without colour, for pipes and ``NO_COLOR``."""
    def mark(term: str, entry: "TermInfo") -> str:
        text = gloss_of(entry, gloss)
        return f"{{{visible(term)}|{visible(text)}}}" if text else f"{{{visible(term)}}}"

    return _write_marked(blocks, matcher, glossary, out,
                         lambda block, start, end: visible(block[start:end]), mark)
