"""Cutting Chinese text into words, glossary terms kept whole: our wrapper of jieba.

jieba cuts general words well but splits a dictionary word at punctuation
before it looks at its dictionary (公铁、水水、铁水智慧联运 comes out in five
pieces whatever ``add_word`` says) and its HMM may glue a term to its
neighbours. So the text is first split on the glossary terms the
:class:`~glossary.matcher.TermMatcher` finds (leftmost-longest), each term
becomes one token, and jieba only cuts the gaps between them.

Nothing is lost: the tokens, joined, are the input, character for character
(whitespace, newlines, punctuation, Latin letters and digits included), and
each token carries its character offsets into the input.

jieba's dictionary is simplified Chinese, and it cuts traditional text worse than
the same text in simplified characters (參 與 and 響 應 where 参与 and 响应 are
whole). So jieba always cuts the *simplified shadow* of the text
(:func:`glossary.normalize.fold_hanzi`, the same length), and its words are given
back in the text's own characters: a traditional or mixed text is cut where its
simplified version is.

jieba's global state is left alone: we use a private ``jieba.Tokenizer``
whose word-frequency table we load ourselves, so jieba never logs its
start-up messages nor writes a cache into a shared temporary directory. The
table is built once from jieba's own dictionary into our cache directory
(:func:`glossary.cache.cache_dir`), in two forms:

- an SQLite file, from which a short text loads only the entries its own
  fragments need (a few milliseconds instead of the ~0.5 s that loading the
  500,000-entry table costs);
- a marshal file (``marshal.loads`` on the bytes, not ``marshal.load`` on a
  file object, which is three times slower) for long texts.

Both files are written by us with mode 0600 and read back only if they belong
to the current user; marshal and SQLite data cannot run code.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from glossary.normalize import fold_hanzi

if TYPE_CHECKING:
    from glossary.matcher import TermMatcher

log = logging.getLogger(__name__)

# Up to this many characters, a text loads only the dictionary entries it needs.
SMALL_TEXT = 6000
# Streamed text is cut at a newline (or, failing one, another safe place) into
# pieces of about this many characters.
PIECE_CHARS = 1 << 16
_CACHE_FORMAT = 1
# What jieba's cut() hands to its dictionary: runs of these characters.
_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a segmented text: ``text == input[start:end]``."""

    text: str
    start: int
    end: int
    entry_id: str | None = None  # the glossary entry, when the token is a glossary term


# --------------------------------------------------------------------------- jieba

def _import_jieba():
    """``import jieba`` without its ``pkg_resources`` import (~100 ms with an old
    setuptools), which it only uses to find its data files next to itself."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if blocked and sys.modules.get("pkg_resources") is None:
            del sys.modules["pkg_resources"]
    logging.getLogger("jieba").setLevel(logging.WARNING)
    return jieba


def _dict_path(jieba: Any) -> Path:
    return Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME


def _own_file(path: Path) -> bool:
    """A cache file we may read: ours, and not writable by others."""
    try:
        st = path.stat()
    except OSError:
        return False
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    return not st.st_mode & 0o022


class Dictionary:
    """jieba's word-frequency table, cached in our cache directory."""

    def __init__(self, jieba: Any) -> None:
        from glossary.cache import cache_dir

        self._jieba = jieba
        source = _dict_path(jieba)
        st = source.stat()
        key = f"{_CACHE_FORMAT}:{jieba.__version__}:{source}:{st.st_size}:{st.st_mtime_ns}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        self.directory = cache_dir()
        self.sqlite_path = self.directory / f"jieba-{digest}.sqlite"
        self.marshal_path = self.directory / f"jieba-{digest}.marshal"
        self._source = source

    def _build(self) -> None:
        """Both cache files from jieba's dictionary (once, about a second)."""
        import marshal
        import sqlite3
        import tempfile

        with open(self._source, "rb") as fh:
            freq, total = self._jieba.Tokenizer.gen_pfdict(fh)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".jieba-", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(marshal.dumps((freq, total)))
        os.replace(tmp, self.marshal_path)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".jieba-", suffix=".tmp")
        os.close(fd)
        con = sqlite3.connect(tmp)
        try:
            con.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, freq INTEGER) WITHOUT ROWID")
            con.execute("CREATE TABLE meta (total INTEGER, longest INTEGER)")
            con.executemany("INSERT INTO freq VALUES (?, ?)", freq.items())
            con.execute("INSERT INTO meta VALUES (?, ?)", (total, max(map(len, freq))))
            con.commit()
        finally:
            con.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.sqlite_path)

    def _ensure(self) -> None:
        if not (_own_file(self.sqlite_path) and _own_file(self.marshal_path)):
            try:
                self._build()
            except OSError as exc:  # a read-only cache: build in memory each time
                log.debug("jieba cache not written: %s", exc)

    def full(self) -> tuple[dict[str, int], int]:
        """The whole table: (frequencies, total)."""
        import marshal

        self._ensure()
        try:
            freq, total = marshal.loads(self.marshal_path.read_bytes())
            if isinstance(freq, dict) and isinstance(total, int):
                return freq, total
        except (OSError, ValueError, EOFError, TypeError):
            pass
        with open(self._source, "rb") as fh:
            return self._jieba.Tokenizer.gen_pfdict(fh)

    def subset(self, text: str) -> tuple[dict[str, int], int]:
        """The entries of the table that are fragments of ``text``, and the total.

        jieba only ever looks up fragments of the text it cuts, so cutting
        ``text`` with this subset gives exactly what the whole table gives.
        The table holds every prefix of every word, so fragments are extended
        one character at a time while they stay in it: one query per length.
        """
        import sqlite3

        self._ensure()
        if not _own_file(self.sqlite_path):
            return self.full()
        con = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True)
        try:
            total, longest = con.execute("SELECT total, longest FROM meta").fetchone()
            found: dict[str, int] = {}
            active: list[tuple[int, int]] = []  # (start, end) of fragments still growing
            for block in _JIEBA_BLOCK.finditer(text):
                active.extend((i, block.end()) for i in range(block.start(), block.end()))
            length = 1
            while active and length <= longest:
                wanted = {text[i:i + length] for i, _ in active}
                hits: dict[str, int] = {}
                batch = list(wanted)
                for k in range(0, len(batch), 500):
                    part = batch[k:k + 500]
                    hits.update(con.execute(
                        f"SELECT word, freq FROM freq WHERE word IN ({','.join('?' * len(part))})",
                        part))
                found.update(hits)
                length += 1
                active = [(i, end) for i, end in active
                          if i + length <= end and text[i:i + length - 1] in hits]
            return found, total
        except sqlite3.Error as exc:
            log.debug("jieba cache unreadable (%s); loading the whole table", exc)
            return self.full()
        finally:
            con.close()


class Segmenter:
    """Cuts text into :class:`Token` s: glossary terms whole, jieba's words between.

    ``hmm`` is jieba's own option (on by default, as in jieba): it guesses
    words that are not in the dictionary, names for instance.
    """

    def __init__(self, matcher: "TermMatcher | None" = None, hmm: bool = True) -> None:
        self.matcher = matcher
        self.hmm = hmm
        self._jieba = _import_jieba()
        self._dictionary = Dictionary(self._jieba)
        self._tokenizer = None
        self._loaded_all = False

    def _prepare(self, text: str):
        """A tokenizer whose table covers ``text``: its fragments only for a short
        text, the whole table (loaded once) otherwise."""
        if self._tokenizer is None:
            self._tokenizer = self._jieba.Tokenizer()
        tokenizer = self._tokenizer
        if not self._loaded_all:
            if len(text) <= SMALL_TEXT:
                tokenizer.FREQ, tokenizer.total = self._dictionary.subset(text)
            else:
                tokenizer.FREQ, tokenizer.total = self._dictionary.full()
                self._loaded_all = True
            tokenizer.initialized = True
        return tokenizer

    def frequencies(self, text: str) -> tuple[dict[str, int], int]:
        """jieba's word frequencies, covering at least every fragment of ``text`` (in
        simplified characters: the dictionary's), and the corpus total: a general
        background to weigh the words of ``text`` against. The dict is not changed by
        later calls (they may replace it, not modify it)."""
        tokenizer = self._prepare(fold_hanzi(text))
        return tokenizer.FREQ, tokenizer.total

    def words(self, text: str) -> list[str]:
        """jieba alone on ``text`` (no glossary): its words, joined giving ``text``, cut
        where jieba cuts the simplified shadow of ``text``."""
        if not text:
            return []
        shadow = fold_hanzi(text)
        return _given_back(text, self._prepare(shadow).cut(shadow, HMM=self.hmm))

    def segment(self, text: str) -> list[Token]:
        """The tokens of ``text``; joined, they give ``text`` back exactly."""
        return list(self._tokens(text, 0))

    def _tokens(self, text: str, offset: int) -> Iterator[Token]:
        if not text:
            return
        shadow = fold_hanzi(text)
        tokenizer = self._prepare(shadow)
        cut = tokenizer.cut
        hmm = self.hmm
        spans = self.matcher.find_matches(text) if self.matcher is not None else []
        ids = self.matcher.entry_ids if self.matcher is not None else ()
        if spans:
            spans = _right_cuts(shadow, spans, tokenizer.FREQ)
        same = shadow == text  # simplified text: jieba's words are the text's
        pos = 0
        for start, end, index in [*spans, (len(text), len(text), -1)]:
            if start > pos:
                at = offset + pos
                for word in cut(shadow[pos:start], HMM=hmm):
                    size = len(word)
                    yield Token(word if same else text[at - offset:at - offset + size], at, at + size)
                    at += size
            if index >= 0:
                yield Token(text[start:end], offset + start, offset + end, ids[index])
            pos = end

    def iter_tokens(self, chunks: Iterable[str]) -> Iterator[Token]:
        """The tokens of text that comes in pieces (a big file), in bounded memory.

        The text is cut where neither a glossary term nor a jieba word can
        straddle the cut: after a newline, or else after a space or punctuation
        outside any term. Offsets are global.
        """
        offset = 0
        buffer = ""
        for chunk in chunks:
            buffer += chunk
            while len(buffer) >= PIECE_CHARS:
                cut = self._safe_cut(buffer)
                if cut <= 0:
                    break
                yield from self._tokens(buffer[:cut], offset)
                offset += cut
                buffer = buffer[cut:]
        yield from self._tokens(buffer, offset)

    def _safe_cut(self, buffer: str) -> int:
        """Where ``buffer`` may be cut (a position after which it continues
        independently), or 0 if nowhere yet."""
        newline = buffer.rfind("\n")
        if newline >= 0:
            return newline + 1
        # One long line: cut after the last character jieba treats as a block
        # boundary that no term covers, leaving room for terms to complete.
        keep = self.matcher.max_len if self.matcher is not None else 1
        limit = len(buffer) - keep
        covered = []
        if self.matcher is not None:
            covered = [(s, e) for s, e, _ in self.matcher.find_matches(buffer)]
        pos = limit
        while pos > 0:
            ch = buffer[pos - 1]
            if not _JIEBA_BLOCK.match(ch) and not any(s < pos < e for s, e in covered):
                return pos
            pos -= 1
        return 0


def _right_cuts(text: str, spans: list, freq: dict[str, int]) -> list:
    """The glossary spans that are occurrences of their term, not an accident of
    two words meeting: a two-character term both of whose characters make a
    dictionary word with their outside neighbour (降|低空|气 in 降低空气, 国|民生|产 in
    国民生产) is left to jieba. Longer terms are always kept whole."""
    kept = []
    for i, (start, end, index) in enumerate(spans):
        if end - start == 2 and 0 < start and end < len(text):
            left_free = not kept or kept[-1][1] < start
            right_free = i + 1 == len(spans) or spans[i + 1][0] > end
            if (left_free and right_free and freq.get(text[start - 1:start + 1], 0) > 0
                    and freq.get(text[end - 1:end + 1], 0) > 0):
                continue
        kept.append((start, end, index))
    return kept


def _given_back(text: str, words: Iterable[str]) -> list[str]:
    """The pieces of ``text`` that ``words`` (a cut of its shadow) stand for."""
    out, at = [], 0
    for word in words:
        out.append(text[at:at + len(word)])
        at += len(word)
    return out


def tokens_text(tokens: Iterable[Token]) -> str:
    """The tokens joined: the input text."""
    return "".join(t.text for t in tokens)
