"""The cache directory: where it is, what it holds, and keeping it small.

It holds one compiled store per set of term files (:mod:`glossary.compiled`,
``store-*.sqlite``) and jieba's word table (:mod:`glossary.segment`, ``jieba-*``).
Everything in it can be made again from the term files and the installed packages;
nothing in it is ever executed (no pickle).

Stores are pruned when one is written: those not used for :data:`MAX_AGE_DAYS`, then
the least recently used ones while the stores together exceed the size budget
(``$GLOSSARY_CACHE_MAX_MB``, default :data:`DEFAULT_BUDGET_MB`). A store used within
the last :data:`RECENT_S` seconds is never pruned: another project may be using it.
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MAX_AGE_DAYS = 30
DEFAULT_BUDGET_MB = 1024
RECENT_S = 3600


def cache_dir() -> Path:
    """``$GLOSSARY_CACHE_DIR``, or the platform's user cache directory for glossary."""
    override = os.environ.get("GLOSSARY_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("glossary", appauthor=False))


def budget_bytes() -> int:
    value = os.environ.get("GLOSSARY_CACHE_MAX_MB", "")
    try:
        megabytes = float(value) if value else DEFAULT_BUDGET_MB
    except ValueError:
        megabytes = DEFAULT_BUDGET_MB
    return int(max(megabytes, 0) * 1024 * 1024)


@dataclass(frozen=True, slots=True)
class CacheFile:
    """One file of the cache directory."""

    path: Path
    size: int
    used: float  # when it was last used (modification time: a store is touched when read)
    kind: str  # store, jieba, leftover


_LEGACY = re.compile(r"^(lookup-.*\.sqlite|terms-.*\.json|term-index-.*\.json)$")


def _kind(name: str) -> str | None:
    """What a file of the cache directory is, or None if it is not one of ours."""
    if name.startswith("store-") and name.endswith(".sqlite"):
        return "store"
    if name.startswith("jieba-") and name.endswith((".sqlite", ".marshal")):
        return "jieba"
    if _LEGACY.match(name) or (name.startswith(".") and name.endswith(".tmp")):
        return "leftover"  # from an older version, or an interrupted write
    return None


def cache_files(directory: Path | None = None) -> list[CacheFile]:
    """The files of the cache directory, most recently used first."""
    directory = directory or cache_dir()
    out = []
    try:
        children = list(directory.iterdir())
    except OSError:
        return []
    for child in children:
        try:
            st = child.lstat()
        except OSError:
            continue
        kind = _kind(child.name)
        if kind is None or not child.is_file() or child.is_symlink():
            continue
        out.append(CacheFile(child, st.st_size, st.st_mtime, kind))
    return sorted(out, key=lambda f: -f.used)


def store_roots(path: Path) -> tuple[list[str], int]:
    """The term directories and files a store was built from (as given, resolved), and
    how many term files it holds; nothing if it cannot be read."""
    import json
    import sqlite3

    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT v FROM meta WHERE k = 'roots'").fetchone()
            count = conn.execute("SELECT count(*) FROM file").fetchone()[0]
            roots = json.loads(row[0]) if row else []
            return [str(r) for r in roots] if isinstance(roots, list) else [], int(count)
        finally:
            conn.close()
    except (sqlite3.DatabaseError, ValueError, TypeError):
        return [], 0


def prune(keep: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove stores unused for :data:`MAX_AGE_DAYS` and those ``keep`` supersedes (the
    same term files, another version), then the least recently used while the stores
    exceed the budget; never ``keep`` nor one used in the last hour.
    Returns what was removed."""
    from glossary.compiled import discard

    now = time.time() if now is None else now
    stores = [f for f in cache_files(keep.parent if keep else None) if f.kind == "store"]
    removed: list[Path] = []

    def removable(f: CacheFile) -> bool:
        return f.path != keep and now - f.used > RECENT_S

    # A store of the same term files made by another version of glossary (or of the
    # store) is superseded: this one replaces it, once the other has rested an hour.
    roots = store_roots(keep)[0] if keep is not None and keep.exists() else None
    for f in stores:
        if removable(f) and (now - f.used > MAX_AGE_DAYS * 86400
                             or (roots and store_roots(f.path)[0] == roots)):
            discard(f.path)
            removed.append(f.path)
    left = [f for f in stores if f.path not in removed]
    total = sum(f.size for f in left)
    budget = budget_bytes()
    for f in reversed(left):  # least recently used first
        if total <= budget:
            break
        if removable(f):
            discard(f.path)
            removed.append(f.path)
            total -= f.size
    for leftover in (f for f in cache_files(keep.parent if keep else None)
                     if f.kind == "leftover" and now - f.used > 600):
        try:
            leftover.path.unlink()
            removed.append(leftover.path)
        except OSError:
            pass
    for path in removed:
        log.debug("cache: removed %s", path)
    return removed


def clear(directory: Path | None = None) -> list[Path]:
    """Remove every file the cache directory holds for glossary (and nothing else)."""
    from glossary.compiled import discard

    removed = []
    for f in cache_files(directory):
        if f.kind == "store":
            discard(f.path)
        else:
            try:
                f.path.unlink()
            except OSError:
                continue
        removed.append(f.path)
    return removed
