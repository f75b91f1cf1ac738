"""A small JSON cache in the user's cache directory.

Only JSON is ever read back (never pickle), so a cache file planted by someone
else can at worst give wrong results, not run code; a file that does not parse
is ignored and rebuilt. Writes are atomic.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any, Callable

FORMAT_VERSION = 1


def cache_dir() -> Path:
    """``$GLOSSARY_CACHE_DIR``, or the platform's user cache directory for glossary."""
    override = os.environ.get("GLOSSARY_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("glossary", appauthor=False))


def file_stamp(paths: list[Path]) -> list[list[Any]]:
    """What identifies the state of a set of files: path, size and modification time."""
    stamp = []
    for path in paths:
        st = path.stat()
        stamp.append([str(path), st.st_size, st.st_mtime_ns])
    return stamp


def _digest(value: Any) -> str:
    return f"{zlib.crc32(json.dumps(value, ensure_ascii=False).encode()):08x}"


def cached(name: str, key: Any, build: Callable[[], Any], family: Any = None) -> Any:
    """Return the JSON value cached under ``name`` for ``key``, building it on a miss.

    ``family`` names what the key is the state of (a set of term files, say): when a
    new value of a family is written, the family's older files are removed, so the
    cache does not grow with every edit of a term file."""
    from glossary import __version__

    full_key = [FORMAT_VERSION, __version__, key]
    # The file name only spreads keys over files; the full key stored inside decides.
    prefix = f"{name}-{_digest(family)}-" if family is not None else f"{name}-"
    directory = cache_dir()
    path = directory / f"{prefix}{_digest(full_key)}.json"
    try:
        with open(path, "rb") as fh:
            stored = json.loads(fh.read())
        if stored.get("key") == full_key:
            return stored["value"]
    except (OSError, ValueError, AttributeError, KeyError):
        pass
    value = build()
    try:
        import tempfile

        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"key": full_key, "value": value}, fh, ensure_ascii=False,
                      separators=(",", ":"))
        os.replace(tmp, path)
        if family is not None:
            for stale in directory.glob(f"{prefix}*.json"):
                if stale != path:
                    stale.unlink(missing_ok=True)
    except OSError as exc:  # a read-only cache is not an error
        import logging

        logging.getLogger(__name__).debug("cache not written: %s", exc)
    return value
