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
(:func:`glossary.normalize.to_simplified`: OpenCC's phrase-level conversion, the same
length), and its words are given back in the text's own characters: a traditional or
mixed text is cut where its simplified version is. Simplified text is its own shadow:
the 著 of 显著 and the 乾 of 乾燥 are simplified characters too, which a character
fold would turn into 着 and 干 and jieba would then cut apart.

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
import stat
import sys
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from glossary.errors import CacheCorrupt
from glossary.normalize import to_simplified

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
    """A cache file we may read: a regular file (not a link, a FIFO, a directory), ours,
    and not writable by others."""
    try:
        st = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    return not st.st_mode & 0o022


def _sqlite_uri(path: Path, mode: str) -> str:
    """The SQLite URI of ``path``, quoted: ``%``, ``?`` and ``#`` in the cache path are
    part of the file name, not URI syntax. Read-only files are opened ``immutable``: we
    never change one in place (it is replaced whole), so SQLite neither locks it nor
    looks for a journal beside it."""
    uri = f"{path.absolute().as_uri()}?mode={mode}"
    return f"{uri}&immutable=1" if mode == "ro" else uri


# What reading a marshal file that is not as we wrote it can raise.
_UNREADABLE = (OSError, ValueError, EOFError, TypeError, OverflowError, RecursionError,
               MemoryError)


def _read_marshal(path: Path) -> tuple[dict[str, int], int] | None:
    """The table in a marshal cache file, or None if it holds no table: opened without
    waiting (a FIFO in its place does not hang us) and its shape checked, so that jieba
    is never given a frequency it cannot take the logarithm of."""
    import marshal

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            data = fh.read()
        freq, total = marshal.loads(data)
        if type(freq) is not dict or type(total) is not int or total <= 0:
            return None
        if min(freq.values(), default=0) < 0:  # a value that is not a number: TypeError
            return None
    except _UNREADABLE:
        return None
    return freq, total


def _install(target: Path, write: Callable[[Path], None]) -> None:
    """``write`` a temporary file beside ``target`` (mode 0600), then put it in its place
    at once, whatever is there: a link, a FIFO or a file is replaced, an empty directory
    removed first."""
    import tempfile

    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".jieba-", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o600)
        try:
            if stat.S_ISDIR(target.lstat().st_mode):
                target.rmdir()
        except FileNotFoundError:
            pass
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_sqlite(path: Path, freq: dict[str, int], total: int) -> None:
    import sqlite3

    con = sqlite3.connect(_sqlite_uri(path, "rw"), uri=True)
    try:
        con.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, freq INTEGER) WITHOUT ROWID")
        con.execute("CREATE TABLE meta (total INTEGER, longest INTEGER)")
        con.executemany("INSERT INTO freq VALUES (?, ?)", freq.items())
        con.execute("INSERT INTO meta VALUES (?, ?)", (total, max(map(len, freq))))
        con.commit()
    finally:
        con.close()


class Dictionary:
    """jieba's word-frequency table, cached in our cache directory.

    A cache file that is not as we wrote it (bytes overwritten, truncated, a table
    emptied or holding values of the wrong type, a FIFO or a directory in its place)
    is written again, silently; where the cache cannot be written, the table is read
    from jieba's own dictionary."""

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
        self._ready: bool | None = None  # whether the cache files are there to read
        self._rebuilt = False  # whether this process wrote them already
        self._table: tuple[dict[str, int], int] | None = None  # when they cannot be read

    def _write(self, freq: dict[str, int], total: int) -> None:
        """Both cache files from the table (about a second)."""
        import marshal

        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = marshal.dumps((freq, total))
        _install(self.marshal_path, lambda tmp: tmp.write_bytes(data))
        _install(self.sqlite_path, lambda tmp: _write_sqlite(tmp, freq, total))

    def _rebuild(self) -> tuple[dict[str, int], int]:
        """The table from jieba's dictionary, and the cache files written again from it
        (once in a process: files that still do not read back are left, and the table
        kept in memory)."""
        import sqlite3

        if self._table is not None:
            return self._table
        with open(self._source, "rb") as fh:
            table = self._jieba.Tokenizer.gen_pfdict(fh)
        self._ready = False
        if not self._rebuilt:
            self._rebuilt = True
            try:
                self._write(*table)
                self._ready = True
            except (OSError, sqlite3.Error) as exc:  # a read-only cache, a full disk
                log.debug("jieba cache not written: %s", exc)
        if not self._ready:
            self._table = table
        return table

    def _ensure(self) -> bool:
        """Whether the cache files are there to read (written now if they are not)."""
        if self._ready is None:
            self._ready = _own_file(self.sqlite_path) and _own_file(self.marshal_path)
            if not self._ready:
                self._rebuild()
        return bool(self._ready)

    def full(self) -> tuple[dict[str, int], int]:
        """The whole table: (frequencies, total)."""
        if self._table is None and self._ensure():
            table = _read_marshal(self.marshal_path)
            if table is not None:
                return table
            log.debug("jieba cache %s unreadable: written again", self.marshal_path)
        return self._rebuild()

    def subset(self, text: str) -> tuple[dict[str, int], int]:
        """The entries of the table that are fragments of ``text``, and the total.

        jieba only ever looks up fragments of the text it cuts, so cutting
        ``text`` with this subset gives exactly what the whole table gives.
        The table holds every prefix of every word, so fragments are extended
        one character at a time while they stay in it: one query per length.
        """
        import sqlite3

        if self._table is not None or not self._ensure():
            return self.full()
        try:
            return self._query(text)
        except (sqlite3.Error, CacheCorrupt) as exc:
            log.debug("jieba cache %s unreadable (%s): written again", self.sqlite_path, exc)
            return self._rebuild()

    def _query(self, text: str) -> tuple[dict[str, int], int]:
        import sqlite3

        if not _own_file(self.sqlite_path):
            raise CacheCorrupt("not a file of ours")
        con = sqlite3.connect(_sqlite_uri(self.sqlite_path, "ro"), uri=True)
        try:
            rows = con.execute("SELECT total, longest FROM meta").fetchall()
            if len(rows) != 1 or not all(type(v) is int and v > 0 for v in rows[0]):
                raise CacheCorrupt("meta table of the wrong shape")
            ((total, longest),) = rows
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
                    for word, freq in con.execute(
                            f"SELECT word, freq FROM freq WHERE word IN ({','.join('?' * len(part))})",
                            part):
                        if type(freq) is not int or freq < 0:
                            raise CacheCorrupt("a frequency of the wrong type")
                        hits[word] = freq
                found.update(hits)
                length += 1
                active = [(i, end) for i, end in active
                          if i + length <= end and text[i:i + length - 1] in hits]
            return found, total
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
        tokenizer = self._prepare(to_simplified(text))
        return tokenizer.FREQ, tokenizer.total

    def words(self, text: str) -> list[str]:
        """jieba alone on ``text`` (no glossary): its words, joined giving ``text``, cut
        where jieba cuts the simplified shadow of ``text``."""
        if not text:
            return []
        shadow = to_simplified(text)
        return _given_back(text, self._prepare(shadow).cut(shadow, HMM=self.hmm))

    def segment(self, text: str) -> list[Token]:
        """The tokens of ``text``; joined, they give ``text`` back exactly."""
        return list(self._tokens(text, 0))

    def _tokens(self, text: str, offset: int, spans: list | None = None) -> Iterator[Token]:
        """The tokens of ``text`` at ``offset``; ``spans``: its glossary spans, if known."""
        if not text:
            return
        shadow = to_simplified(text)
        tokenizer = self._prepare(shadow)
        cut = tokenizer.cut
        hmm = self.hmm
        if spans is None:
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

        The text is cut into pieces of at most :data:`PIECE_CHARS` characters (and
        room for a term), each cut where neither a glossary term nor a jieba word can
        straddle it: after a character jieba puts in no word (a line break, a space,
        a punctuation mark) outside any term. So the tokens are those of the whole
        text, however long its lines. Only a run of :data:`PIECE_CHARS` characters
        without such a place (no punctuation, no space) is cut where no term is, a
        jieba word may be. Offsets are global.
        """
        keep = self.matcher.max_len if self.matcher is not None else 0
        window = PIECE_CHARS + keep
        offset = 0  # of buffer[0] in the text
        buffer = ""
        for chunk in chunks:
            buffer = buffer + chunk if buffer else chunk
            at = 0
            while len(buffer) - at >= window:
                piece = buffer[at:at + window]
                cut, spans = self._cut_of(piece, PIECE_CHARS)
                yield from self._tokens(piece[:cut], offset + at, spans)
                at += cut
            if at:
                buffer = buffer[at:]
                offset += at
        yield from self._tokens(buffer, offset)

    def _cut_of(self, piece: str, limit: int) -> tuple[int, list]:
        """Where to cut ``piece`` (at most at ``limit``, past which it must hold the
        longest term), and the glossary spans before the cut."""
        spans = self.matcher.find_matches(piece) if self.matcher is not None else []
        ends = [end for _, end, _ in spans]
        starts = [start for start, _, _ in spans]

        def covered(pos: int) -> bool:  # a term goes on across ``pos``
            i = bisect_right(starts, pos - 1) - 1
            return i >= 0 and ends[i] > pos

        cut = _last_break(piece, limit, covered)
        if not cut:  # no punctuation, no space: anywhere outside a term
            cut = limit
            i = bisect_right(starts, cut - 1) - 1
            if i >= 0 and ends[i] > cut:
                cut = starts[i] or ends[i]
        return cut, spans[:bisect_right(starts, cut - 1)]


# Characters jieba puts in no word: it cuts its text into runs of the others first.
_BREAK = re.compile(r"[^\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]")
_BREAK_SEARCH = 4096


def _last_break(text: str, limit: int, covered: Callable[[int], bool]) -> int:
    """The last position up to ``limit`` just after a character jieba puts in no word,
    where no term goes on (and not between \\r and \\n, one token for jieba), or 0."""
    high = limit
    while high > 0:
        low = max(0, high - _BREAK_SEARCH)
        for match in reversed(list(_BREAK.finditer(text, low, high))):
            pos = match.end()
            if not covered(pos) and not (text[pos - 1] == "\r" and text[pos:pos + 1] == "\n"):
                return pos
        high = low
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
