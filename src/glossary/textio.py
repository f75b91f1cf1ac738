"""Reading Chinese text from files or stdin, whatever its encoding.

Chinese documents come as UTF-8 (with or without a byte-order mark), GB18030
(GBK, GB2312: mainland government sites) or Big5 (Taiwan, Hong Kong). The
encoding is found by a cheap cascade of strict decodings; a detector
(charset-normalizer) is asked only when the cascade cannot decide: GB18030 and
Big5 both decode the bytes and neither reads like Chinese, or no candidate
decodes them (a French draft in Windows-1252, say).

- :func:`read_text` returns the whole decoded text;
- :func:`iter_text_chunks` yields it in pieces of bounded size, for big files:
  an incremental decoder keeps a multi-byte character cut by a chunk boundary
  whole.

Newlines are not translated: character offsets computed on the text are
offsets into the decoded input as it is (``\\r\\n`` counts two characters).
A byte-order mark is not part of the text.

Binary data (NUL bytes) or bytes that no candidate encoding decodes raise
:class:`~glossary.errors.InputError` with one line saying what to do. Empty
input is empty text, not an error.
"""

from __future__ import annotations

import codecs
import re
import sys
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from glossary.errors import InputError, UsageError

STDIN = "-"
STDIN_NAME = "<stdin>"
DEFAULT_CHUNK_BYTES = 1 << 20  # 1 MiB of bytes per read when streaming
SAMPLE_BYTES = 1 << 20  # how much of a streamed input decides its encoding

# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tried in order when there is no mark. Big5-HKSCS is a superset of Big5 that
# Hong Kong texts need (衞, 着 …).
_CASCADE: tuple[str, ...] = ("utf-8", "gb18030", "big5hkscs")

# Characters frequent in running Chinese in one script and absent from the other;
# they break a tie between GB18030 and Big5.
_SIMPLIFIED_MARKERS = frozenset("这个们说国会对发时经进来为与业关开实现应动门问题场数据创新领务农")
_TRADITIONAL_MARKERS = frozenset("這個們說國會對發時經進來為與業關開實現應動門問題場數據創新領務農")
# Blocks that a Chinese text rarely uses but that a wrong decoding produces:
# kana, Greek, Cyrillic, box drawing, private use.
_ODD_BLOCKS = ((0x0370, 0x04FF), (0x2500, 0x257F), (0x3040, 0x30FF), (0xE000, 0xF8FF))
_SCORED_CHARS = 20000  # enough of a long text to decide

# --------------------------------------------------------------------------- sources

def source_name(source: str) -> str:
    """How a source is named in messages: its path, or ``<stdin>``."""
    return STDIN_NAME if source == STDIN else source


def _open_binary(source: str) -> BinaryIO:
    if source == STDIN:
        return getattr(sys.stdin, "buffer", sys.stdin)  # type: ignore[return-value]
    if not source:
        raise UsageError("empty file name: give a file, or - for standard input")
    path = Path(source)
    if path.is_dir():
        raise InputError("is a directory, not a text file", source)
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError("no such file", source) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source) from None


def _check_encoding_name(encoding: str) -> str:
    """The codec's own name; an unknown name, or a codec that does not turn bytes into
    text (rot13, zlib, base64, hex …), is bad usage."""
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        raise UsageError(f"unknown encoding {encoding!r} (try utf-8, gb18030, big5)") from None
    if not getattr(info, "_is_text_encoding", True):
        raise UsageError(f"{encoding!r} is not a text encoding (try utf-8, gb18030, big5)")
    return info.name


# --------------------------------------------------------------------------- detection

def _bom_encoding(raw: bytes) -> str | None:
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    return None


def _decodes(raw: bytes, encoding: str, final: bool) -> str | None:
    """``raw`` decoded strictly, or None; an incomplete last character is allowed if not final."""
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(raw, final)
    except UnicodeDecodeError:
        return None


def _is_odd(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _ODD_BLOCKS)


def _gb_common(ch: str) -> bool:
    """In GB2312's first level: the 3,755 most common simplified characters."""
    try:
        code = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xB0 <= code[0] <= 0xD7


def _big5_common(ch: str) -> bool:
    """In Big5's frequently used block: the 5,401 common traditional characters."""
    try:
        code = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xA440 <= int.from_bytes(code, "big") <= 0xC67E


def _score(text: str, common) -> int:
    """How much a decoding reads like Chinese: common characters minus odd ones."""
    score = 0
    seen = 0
    for ch in text:
        if ch < "\x80":
            continue
        if common(ch):
            score += 1
        elif _is_odd(ch):
            score -= 1
        seen += 1
        if seen >= _SCORED_CHARS:
            break
    return score


def _choose_gb_or_big5(raw: bytes, gb: str, big5: str) -> str:
    """Both decodings succeeded: keep the one that reads like Chinese."""
    gb_score, big5_score = _score(gb, _gb_common), _score(big5, _big5_common)
    if gb_score != big5_score:
        return "gb18030" if gb_score > big5_score else "big5hkscs"
    simp = sum(1 for ch in gb if ch in _SIMPLIFIED_MARKERS)
    trad = sum(1 for ch in big5 if ch in _TRADITIONAL_MARKERS)
    if simp != trad:
        return "gb18030" if simp > trad else "big5hkscs"
    if gb_score > 0:
        # A tie on a few common characters (场景 and 場景 are the same four bytes
        # in the two encodings): mainland documents are the likelier.
        return "gb18030"
    # Nothing reads like Chinese either way: ask the detector.
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=["gb18030", "big5"]).best()
    if best is not None and best.encoding.startswith("big5"):
        return "big5hkscs"
    return "gb18030"


def _detector_guess(raw: bytes) -> str | None:
    """What charset-normalizer makes of bytes that no Chinese encoding decodes
    (a French draft in Windows-1252, say), or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        return None
    return best.encoding


_HIGH = re.compile(rb"[\x80-\xff]")
_LONE_HIGH = re.compile(rb"(?<![\x80-\xff])[\x80-\xff](?![\x80-\xff])")


def _latin_encoding(raw: bytes) -> str | None:
    """Windows-1252 (else Latin-1) for a text in a Latin script that is not UTF-8: a
    French or English draft written by Excel or Word on Windows.

    In GB18030 every byte above 0x7F has a neighbour above 0x7F (a character is two or
    four bytes); in a French text most stand alone between ASCII letters
    (``\\xe9conomie``), which GB18030 would decode too, as nonsense (閏onomie). Big5's
    second byte may be ASCII, so a Big5 text of common characters stays Chinese."""
    sample = raw[:SAMPLE_BYTES]
    high = len(_HIGH.findall(sample))
    if not high or len(_LONE_HIGH.findall(sample)) * 4 < high * 3:
        return None
    big5 = _decodes(sample, "big5hkscs", len(sample) == len(raw))
    if big5 is not None and _score(big5, _big5_common) * 2 > high // 2:
        return None
    return "cp1252" if _decodes(raw, "cp1252", True) is not None else "latin-1"


def detect_encoding(raw: bytes, final: bool = True, name: str = STDIN_NAME) -> str:
    """The encoding of ``raw`` (the whole input, or its beginning if not ``final``).

    Raises InputError for binary data or bytes that no candidate decodes.
    """
    bom = _bom_encoding(raw)
    if bom is not None:
        return bom
    if b"\x00" in raw:
        raise InputError("binary data (NUL bytes), not a text file", name)
    if _decodes(raw, "utf-8", final) is not None:
        return "utf-8"
    latin = _latin_encoding(raw)
    if latin is not None:
        return latin
    gb = _decodes(raw, "gb18030", final)
    big5 = _decodes(raw, "big5hkscs", final)
    if gb is not None and big5 is not None:
        return _choose_gb_or_big5(raw, gb, big5)
    if gb is not None:
        return "gb18030"
    if big5 is not None:
        return "big5hkscs"
    guess = _detector_guess(raw) if final else None
    if guess is not None and _decodes(raw, guess, final) is not None:
        return guess
    raise InputError("cannot decode as UTF-8, GB18030 or Big5 (binary data? "
                     "give the encoding with --encoding)", name)


def _is_wide(encoding: str) -> bool:
    """UTF-16 and UTF-32 text has NUL bytes; every other text encoding does not."""
    return encoding.startswith(("utf-16", "utf-32", "utf_16", "utf_32"))


def _decode_error(exc: Exception, encoding: str, name: str, base: int = 0,
                  total: int | None = None) -> InputError:
    """One line for bytes the codec refused (``UnicodeDecodeError``, or another error of
    a codec that checks more than bytes, such as UTF-16 without a byte-order mark).
    ``total``: the length of the whole input, when the error is at its very end."""
    if not isinstance(exc, UnicodeDecodeError):
        return InputError(f"not valid {encoding}: {exc} (give the right one with --encoding)", name)
    if exc.end >= len(exc.object) and "truncated" in exc.reason:
        cut = exc.end - exc.start
        at = (total - cut) if total is not None else base + exc.start
        return InputError(f"not valid {encoding}: the text ends inside a character (its last "
                          f"{cut} byte(s), at byte {at}); the file is cut short or not in this "
                          "encoding (give the right one with --encoding)", name)
    return InputError(f"not valid {encoding} at byte {base + exc.start} "
                      "(give the right one with --encoding)", name)


def decode_bytes(raw: bytes, encoding: str | None = None, name: str = STDIN_NAME) -> str:
    """Decode a whole input: the given encoding, or the detected one. BOM dropped."""
    if encoding:
        encoding = _check_encoding_name(encoding)
        if encoding == "utf-8" and raw.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        if b"\x00" in raw and not _is_wide(encoding):
            raise InputError("binary data (NUL bytes), not a text file", name)
    else:
        if not raw:
            return ""
        encoding = detect_encoding(raw, True, name)
    try:
        return raw.decode(encoding)
    except (UnicodeError, ValueError) as exc:
        raise _decode_error(exc, encoding, name, 0, len(raw)) from None


# --------------------------------------------------------------------------- reading

def read_text(source: str, encoding: str | None = None) -> str:
    """The whole text of a file, or of stdin for ``"-"``, decoded.

    ``encoding`` overrides detection (any text codec Python knows). Raises
    InputError for a missing file, binary data or undecodable bytes — read a piece at
    a time, so that binary data (``/dev/zero``) is refused after its first megabyte,
    not once it has all been read.
    """
    return "".join(iter_text_chunks(source, encoding))


def iter_text_chunks(source: str, encoding: str | None = None,
                     chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                     on_read: Callable[[int], None] | None = None) -> Iterator[str]:
    """The decoded text of a file (or stdin for ``"-"``) in pieces of about ``chunk_bytes``.

    Memory stays bounded whatever the input size. The encoding is detected on
    the first megabyte; bytes further on that do not decode raise InputError
    naming their byte offset. Joined, the pieces are exactly :func:`read_text`.
    ``on_read``, if given, is called with the number of bytes read so far
    after each read (for a progress display).
    """
    if chunk_bytes < 1:
        raise ValueError("chunk_bytes must be positive")
    name = source_name(source)
    fh = _open_binary(source)
    try:
        first = fh.read(max(chunk_bytes, SAMPLE_BYTES if not encoding else chunk_bytes))
        if isinstance(first, str):  # a text-only stdin
            yield first
            while True:
                more = fh.read(chunk_bytes)
                if not more:
                    return
                yield more
        if not first:
            return
        if encoding:
            encoding = _check_encoding_name(encoding)
            if encoding == "utf-8" and first.startswith(codecs.BOM_UTF8):
                encoding = "utf-8-sig"
        else:
            sample_is_all = len(first) < SAMPLE_BYTES
            encoding = detect_encoding(first, final=sample_is_all, name=name)
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        consumed = 0
        block = first
        while True:
            final = not block
            try:
                text = decoder.decode(block, final)
            except (UnicodeError, ValueError) as exc:
                raise _decode_error(exc, encoding, name, consumed,
                                    consumed if final else None) from None
            if b"\x00" in block and not _is_wide(encoding):
                raise InputError("binary data (NUL bytes), not a text file", name)
            # Yield in pieces of bounded size even from the larger first read.
            for i in range(0, len(text), chunk_bytes):
                yield text[i:i + chunk_bytes]
            if final:
                return
            consumed += len(block)
            if on_read is not None:
                on_read(consumed)
            try:
                block = fh.read(chunk_bytes)
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror or exc}", name) from None
    finally:
        if source != STDIN:
            fh.close()
