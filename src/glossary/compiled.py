"""The compiled term store: one SQLite file per set of term files, read by every command.

A set of term files is the shipped layer (unless left out) and the user's paths,
stacked in order. Its store lives in the cache directory under a name made of the
layers' resolved roots, and holds:

- ``file``: every term file of the set, with the stamp it had when it was read
  (resolved path, size, mtime_ns, ctime_ns, inode: no tool can set a ctime back,
  and nothing has to be read to compare it);
- ``entry``: the entries of each file, as parsed and checked, with ``live`` (not
  overridden by a later layer) and ``overrides`` (where the entry it replaces was
  read); their records are JSON, compressed a chunk of entries at a time;
- what the commands search, derived from the live entries: the lookup index
  (:mod:`glossary.index`), the forms the text matcher looks for
  (:mod:`glossary.matcher`).

Opening the store stats every term file. When nothing changed, that is all: the
commands query the file. When files were added, changed or removed, only those are
read again, inside one write transaction (a second process building the same store
waits for it and then finds it current), and the derived tables are made again from
the stored entries, without reading any YAML.

The file holds text and numbers only (never pickle), so a store planted by someone
else can give wrong results at worst; every value read is checked (compressed values
carry a checksum, zlib's for entry records and LZ4's for the index columns; each record
is parsed and its shape checked), and a store that does not check out is thrown away
and built again: :class:`CacheCorrupt` says so to the caller.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sqlite3
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from glossary.cache import cache_dir
from glossary.errors import CacheCorrupt, GlossaryError, TermFileError

log = logging.getLogger(__name__)

STORE_VERSION = 11
# Entry records are stored compressed, this many to a chunk (JSON compresses well
# across records of one file; reading one entry costs one small chunk).
CHUNK_ENTRIES = 64
STORE_PREFIX = "store-"
BUSY_TIMEOUT_S = 300.0




# The store files opened by this process, so that a corrupt one found while reading
# can be thrown away.
_OPENED: list[Path] = []


def discard_opened() -> None:
    """Throw away every store this process opened (after :class:`CacheCorrupt`)."""
    while _OPENED:
        discard(_OPENED.pop())


Stamp = tuple  # (resolved path, size, mtime_ns, ctime_ns, inode)


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of term files: the shipped files, or one user path."""

    root: str  # resolved path of the directory or file given
    builtin: bool
    files: tuple[Path, ...]
    given: str = ""  # the path as the user gave it, to show files as they know them


def stamp_of(path: Path) -> Stamp:
    """What identifies the state of a term file without reading it."""
    st = os.stat(path)
    return (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def make_layers(user_paths: Sequence[Path] = (), builtin: bool = True) -> list[Layer]:
    """The layers of a set of term files, each with its files (resolved, sorted)."""
    from glossary.store import builtin_terms_dir, term_files

    layers = []
    if builtin:
        root = builtin_terms_dir().resolve()
        layers.append(Layer(str(root), True, tuple(p.resolve() for p in term_files(root))))
    for given in user_paths:
        files = term_files(Path(given))
        layers.append(Layer(str(Path(given).resolve()), False, tuple(p.resolve() for p in files),
                            str(given)))
    return layers


def _digest(value: Any) -> str:
    data = json.dumps(value, ensure_ascii=False).encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def store_path(layers: Sequence[Layer]) -> Path:
    """Where the store of a set of layers lives (named by the layers' roots, not their state)."""
    from glossary import __version__

    family = [STORE_VERSION, __version__, [[layer.root, layer.builtin] for layer in layers]]
    return cache_dir() / f"{STORE_PREFIX}{_digest(family)}.sqlite"


# --------------------------------------------------------------------------- the file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS file (
    fid INTEGER PRIMARY KEY, layer INTEGER NOT NULL, seq INTEGER NOT NULL,
    builtin INTEGER NOT NULL, path TEXT NOT NULL, stamp TEXT NOT NULL,
    notices TEXT NOT NULL DEFAULT '[]', domains TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS entry (
    n INTEGER PRIMARY KEY, fid INTEGER NOT NULL, line INTEGER NOT NULL,
    id TEXT NOT NULL, domain TEXT NOT NULL, category TEXT NOT NULL,
    chunk INTEGER NOT NULL, slot INTEGER NOT NULL,
    live INTEGER NOT NULL DEFAULT 1, overrides TEXT);
CREATE INDEX IF NOT EXISTS entry_by_file ON entry (fid);
CREATE INDEX IF NOT EXISTS entry_by_id ON entry (id);
CREATE INDEX IF NOT EXISTS entry_dead ON entry (n) WHERE live = 0;
CREATE TABLE IF NOT EXISTS chunk (cid INTEGER PRIMARY KEY, fid INTEGER NOT NULL, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS chunk_by_file ON chunk (fid);
CREATE TABLE IF NOT EXISTS blob (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS fform (form TEXT NOT NULL, n INTEGER NOT NULL, rank INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS fform_by_form ON fform (form);
CREATE INDEX IF NOT EXISTS fform_by_entry ON fform (n);
CREATE TABLE IF NOT EXISTS form (form TEXT PRIMARY KEY, idx INTEGER NOT NULL, eid TEXT NOT NULL)
    WITHOUT ROWID;
"""


def _connect(path: Path | str) -> sqlite3.Connection:
    if path == ":memory:":
        conn = sqlite3.connect(":memory:", isolation_level=None)
    else:
        # A URI, so that '%' or '?' in the cache path are a file name, not syntax.
        uri = Path(path).resolve().as_uri()
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S,
                               check_same_thread=False)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
    except sqlite3.DatabaseError:  # older SQLite: the pragma does not exist
        pass
    return conn


@contextmanager
def _no_gc() -> Iterator[None]:
    """Building many small objects: the cyclic collector would only rescan them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Store:
    """An open, current store of a set of term files."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, layers: Sequence[Layer],
                 notices: Sequence[str] = ()) -> None:
        self.conn = conn
        self.path = path
        self.layers = tuple(layers)
        #: What reading the files changed since the last run made us skip (said once).
        self.notices = tuple(notices)
        self._chunks: dict[int, list] = {}
        self._shown: dict[str, str] = {}

    def record(self, chunk: int, slot: int) -> dict[str, Any]:
        """The stored record of an entry (its term-file fields), by chunk and slot."""
        records = self._chunks.get(chunk)
        if records is None:
            rows = self.query("SELECT data FROM chunk WHERE cid = ?", (chunk,))
            if not rows:
                raise CacheCorrupt(f"entry chunk {chunk} missing")
            records = _unpack_chunk(rows[0][0])
            if len(self._chunks) > 256:
                self._chunks.clear()
            self._chunks[chunk] = records
        try:
            record = records[slot]
        except (IndexError, TypeError):
            raise CacheCorrupt("entry slot out of its chunk") from None
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise CacheCorrupt("entry record of the wrong shape")
        return record

    def chunk_entries(self, chunk: int) -> list[tuple]:
        """``(id, slot)`` of the live entries a chunk holds (a file's entries are numbered,
        and chunked, in order: chunk ``k`` of a file holds its entries ``64 k`` to ``64 k + 63``)."""
        base = chunk >> FILE_SHIFT << FILE_SHIFT
        first = base + (chunk - base) * CHUNK_ENTRIES
        return self.query("SELECT id, slot FROM entry WHERE n >= ? AND n < ? AND live = 1",
                          (first, first + CHUNK_ENTRIES))

    # ----------------------------------------------------------------- queries

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        """Rows of a query; a store that does not read raises :class:`CacheCorrupt`."""
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise CacheCorrupt(str(exc)) from None

    def iter_query(self, sql: str, args: Sequence[Any] = ()) -> Iterator[tuple]:
        try:
            yield from self.conn.execute(sql, args)
        except sqlite3.DatabaseError as exc:
            raise CacheCorrupt(str(exc)) from None

    def shown_path(self, path: str) -> str:
        """A stored (resolved) file path as the user gave it: ``-t docs/x`` shows
        ``docs/x/house.yaml``, not the absolute path."""
        shown = self._shown.get(path)
        if shown is None:
            shown = self._shown[path] = self._shown_path(path)
        return shown

    def _shown_path(self, path: str) -> str:
        for layer in reversed(self.layers):
            if not layer.given:
                continue
            if path == layer.root:
                return layer.given
            if path.startswith(layer.root + os.sep):
                return os.path.join(layer.given, path[len(layer.root) + 1:])
        return path

    def meta(self, key: str) -> str | None:
        rows = self.query("SELECT v FROM meta WHERE k = ?", (key,))
        return rows[0][0] if rows else None

    def __len__(self) -> int:
        return int(self.meta("live") or 0)

    def declared_domains(self) -> dict[str, dict[str, Any]]:
        """The domains the term files declare (user files: a client's subject fields),
        by id; a later file's declaration of the same id wins."""
        out: dict[str, dict[str, Any]] = {}
        for text, in self.query("SELECT f.domains FROM file f ORDER BY f.layer, f.seq"):
            items = _loads(text)
            if not isinstance(items, list):
                raise CacheCorrupt("declared domains of the wrong shape")
            for item in items:
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    raise CacheCorrupt("declared domain of the wrong shape")
                out[item["id"]] = item
        return out

    # ----------------------------------------------------------------- views

    def glossary(self):
        """The entries, as a :class:`glossary.store.Glossary` that reads them on demand."""
        from glossary.store import StoreGlossary

        return StoreGlossary(self)

    def index(self):
        """The lookup index (:class:`glossary.index.Index`) over this store."""
        from glossary.index import Index

        return Index(self)

    def matcher(self):
        """The text matcher (:class:`glossary.matcher.TermMatcher`) of this store's forms."""
        from glossary.matcher import TermMatcher

        return TermMatcher.from_store(self)

    def terms(self):
        """What text commands show of entries (:class:`glossary.matcher.TermTable`)."""
        from glossary.matcher import TermTable

        return TermTable.from_store(self)

    def close(self) -> None:
        self.conn.close()


def _pack_chunk(records: list[dict[str, Any]]) -> bytes:
    return zlib.compress(json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode(), 6)


def _unpack_chunk(data: Any) -> list:
    """The records of a chunk; zlib's own checksum catches a corrupt one."""
    try:
        records = json.loads(zlib.decompress(data))
    except (zlib.error, TypeError, ValueError, RecursionError):
        raise CacheCorrupt("entry chunk unreadable") from None
    if not isinstance(records, list):
        raise CacheCorrupt("entry chunk of the wrong shape")
    return records


# --------------------------------------------------------------------------- opening

def open_store(user_paths: Sequence[Path] = (), builtin: bool = True) -> Store:
    """The store of the shipped term files (unless ``builtin`` is false) and the user's
    paths: current, built or brought up to date as needed. Broken term files raise
    :class:`~glossary.errors.TermFileError`; a store that does not check out is built
    again; a cache directory that cannot be written gives a store in memory."""
    layers = make_layers(user_paths, builtin)
    path = store_path(layers)
    for attempt in range(3):
        try:
            store = _open(path, layers)
            _OPENED.append(path)
            _tell(store)
            return store
        except CacheCorrupt as exc:
            log.debug("store %s corrupt (%s); built again", path, exc)
            discard(path)
        except sqlite3.DatabaseError as exc:
            log.debug("store %s unusable (%s); built again", path, exc)
            discard(path)
        except OSError as exc:
            log.debug("store %s not writable (%s); built in memory", path, exc)
            break
    conn = _connect(":memory:")
    store = Store(conn, None, layers)
    conn.execute("BEGIN")
    store.notices = tuple(_update(store, layers))
    conn.execute("COMMIT")
    _tell(store)
    return store


def _tell(store: Store) -> None:
    """What reading term files made us skip, said once: when the files are read (a
    store already current has nothing to say)."""
    for notice in store.notices:
        log.warning("%s", notice)


def with_store(user_paths: Sequence[Path], builtin: bool, use: Any) -> Any:
    """``use(store)`` on the store of these term files; if what it reads does not check
    out, the store is thrown away, built again, and ``use`` called once more. For what
    a command reads before it reads its input."""
    store = open_store(user_paths, builtin)
    try:
        return use(store)
    except CacheCorrupt as exc:
        log.debug("store corrupt (%s); built again", exc)
        store.close()
        discard_opened()
        return use(open_store(user_paths, builtin))


def discard(path: Path) -> None:
    """Remove a store file and SQLite's files beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.debug("cannot remove %s%s: %s", path, suffix, exc)


def _open(path: Path, layers: Sequence[Layer]) -> Store:
    stamps = [[list(stamp_of(p)) for p in layer.files] for layer in layers]
    if path.exists():
        if not path.is_file():  # a FIFO or a directory planted where the store goes
            raise CacheCorrupt("not a regular file")
        conn = _connect(path)
        store = Store(conn, path, layers)
        try:
            if _is_current(store, layers, stamps):
                _touch(path)
                return store
        except CacheCorrupt:
            conn.close()
            raise
        conn.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(path)
    store = Store(conn, path, layers)
    try:
        conn.execute("BEGIN IMMEDIATE")  # one builder at a time; others wait here
    except sqlite3.DatabaseError:
        conn.close()
        raise
    try:
        if _is_current(store, layers, stamps):  # built by another process meanwhile
            conn.execute("COMMIT")
            return store
        store.notices = tuple(_update(store, layers))
        conn.execute("COMMIT")
    except TermFileError:
        conn.execute("COMMIT")  # the files that did read are kept
        conn.close()
        raise
    except BaseException:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.DatabaseError:
            pass
        conn.close()
        raise
    from glossary.cache import prune

    prune(keep=path)
    return store


def _touch(path: Path) -> None:
    """Mark a store as used now (for pruning least recently used stores)."""
    try:
        os.utime(path)
    except OSError:
        pass


def _is_current(store: Store, layers: Sequence[Layer], stamps: list) -> bool:
    """Whether the store holds exactly these files in these states, fully derived."""
    try:
        tables = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except CacheCorrupt:
        raise
    if "meta" not in tables:
        return False
    wanted = json.dumps(stamps, ensure_ascii=False)
    return store.meta("state") == wanted and store.meta("version") == str(STORE_VERSION)


# --------------------------------------------------------------------------- building

def _update(store: Store, layers: Sequence[Layer]) -> list[str]:
    """Bring the store up to date with ``layers``, inside the caller's transaction: read
    the files that changed (and index each: its lookup segment, its forms), then settle
    which entries are live and which entry each form stands for. Returns the notices of
    the files read. A broken file raises TermFileError once the others are stored (the
    caller commits them, so the next run reads only what is still broken)."""
    from glossary.index import drop_segment

    conn = store.conn
    _create_schema(conn)
    known = {path: (fid, stamp) for fid, path, stamp in
             store.query("SELECT fid, path, stamp FROM file")}
    wanted: dict[str, tuple[int, int, bool, list]] = {}
    for layer_no, layer in enumerate(layers):
        for seq, file in enumerate(layer.files):
            wanted[str(file)] = (layer_no, seq, layer.builtin, list(stamp_of(file)))
    conn.execute("DELETE FROM meta WHERE k = 'state'")
    current = set()
    affected: set[str] = set()  # forms whose entry may have changed
    for path, (fid, stamp) in known.items():
        if path in wanted and _loads(stamp) == wanted[path][3]:
            current.add(path)
            continue
        # Gone, or read in another state: its entries, chunks, forms and segment go.
        affected.update(f for f, in conn.execute(
            "SELECT form FROM fform WHERE n IN (SELECT n FROM entry WHERE fid = ?)", (fid,)))
        conn.execute("DELETE FROM fform WHERE n IN (SELECT n FROM entry WHERE fid = ?)", (fid,))
        for table in ("entry", "chunk", "file"):
            conn.execute(f"DELETE FROM {table} WHERE fid = ?", (fid,))
        drop_segment(conn, fid)
    notices: list[str] = []
    error: GlossaryError | None = None
    tasks: list[tuple[str, int, str]] = []  # (path, fid, how): the files to read
    for path, (layer_no, seq, builtin, stamp) in wanted.items():
        if path in current:
            conn.execute("UPDATE file SET layer = ?, seq = ?, builtin = ? WHERE path = ?",
                         (layer_no, seq, int(builtin), path))
            continue
        fid = conn.execute(
            "INSERT INTO file (layer, seq, builtin, path, stamp) VALUES (?, ?, ?, ?, ?)",
            (layer_no, seq, int(builtin), path, json.dumps(stamp))).lastrowid
        tasks.append((path, fid, builtin))
    with _no_gc():
        for path, fid, outcome in _compile_files(tasks, store):
            if isinstance(outcome, TermFileError):
                error = error or outcome
                conn.execute("DELETE FROM file WHERE fid = ?", (fid,))
                continue
            _store_file(conn, fid, outcome)
            affected.update(form for form, _, _ in outcome["forms"])
            notices.extend(outcome["skipped"])
        if error is not None:
            raise error
        _settle(store, affected)
    stamps = [[list(stamp_of(p)) for p in layer.files] for layer in layers]
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('state', ?)", (json.dumps(stamps, ensure_ascii=False),))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (str(STORE_VERSION),))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('roots', ?)",
                 (json.dumps([layer.root for layer in layers], ensure_ascii=False),))
    return notices


# Entries and chunks of a file are numbered within the file's own range of row numbers,
# so files can be compiled apart (in worker processes) and stored as they come.
FILE_SHIFT = 24
MAX_FILE_ENTRIES = (1 << FILE_SHIFT) - 1
# Below this many bytes of term files to read, worker processes cost more than they save.
PARALLEL_MIN_BYTES = 4 << 20


def _compile_files(tasks: list[tuple[str, int, bool]], store: Store) -> Iterator[tuple[str, int, Any]]:
    """``(path, fid, compiled file or TermFileError)`` for each task, in order. YAML files are
    compiled in worker processes when there is enough to read and more than one core."""
    from glossary.store import YAML_SUFFIXES

    yaml_tasks = [t for t in tasks if Path(t[0]).suffix.lower() in YAML_SUFFIXES]
    size = sum(_size(t[0]) for t in yaml_tasks)
    workers = min(os.cpu_count() or 1, len(yaml_tasks))
    pool = None
    if workers > 1 and size >= PARALLEL_MIN_BYTES:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        try:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        except (ValueError, OSError) as exc:  # no fork here: one process
            log.debug("no worker processes: %s", exc)
    try:
        jobs = [(p, f) for p, f, _ in yaml_tasks]
        # In order, as they are done (a worker's results wait for the ones before).
        results = iter(pool.map(_compile_yaml, jobs, chunksize=1) if pool else map(_compile_yaml, jobs))
        for path, fid, _builtin in tasks:
            if Path(path).suffix.lower() in YAML_SUFFIXES:
                outcome = next(results)
            else:
                try:
                    entries, skipped = _read_file(Path(path), store)
                    outcome = _compile(fid, entries, skipped)
                except TermFileError as exc:
                    outcome = exc
            if isinstance(outcome, tuple):  # an error, as it crossed from a worker
                outcome = TermFileError(*outcome)
            yield path, fid, outcome
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _compile_yaml(task: tuple[str, int]) -> Any:
    """Read and compile one YAML term file (in a worker process, or not)."""
    from glossary.store import parse_term_file

    path, fid = task
    try:
        return _compile(fid, parse_term_file(Path(path)), [])
    except TermFileError as exc:  # exceptions with arguments of their own do not travel
        return (exc.message, exc.path, exc.line, exc.col)


def _compile(fid: int, entries: list[tuple[dict, int]], skipped: list[str]) -> dict[str, Any]:
    """Everything the store keeps of one term file, ready to insert: entry rows, chunks
    of records, the lookup segment, the Chinese forms. Pure."""
    from glossary.index import segment_data
    from glossary.matcher import entry_forms
    from glossary.model import Entry

    if len(entries) > MAX_FILE_ENTRIES:
        raise TermFileError(f"more than {MAX_FILE_ENTRIES} entries in one file: split it")
    base = fid << FILE_SHIFT
    numbers = [base + i for i in range(len(entries))]
    chunks, rows = [], []
    for k, start in enumerate(range(0, len(entries), CHUNK_ENTRIES)):
        part = entries[start:start + CHUNK_ENTRIES]
        cid = base + k
        chunks.append((cid, fid, _pack_chunk([e for e, _ in part])))
        rows.extend((numbers[start + slot], fid, line, e["id"], e.get("domain") or "",
                     e.get("category") or "", cid, slot) for slot, (e, line) in enumerate(part))
    objects = [Entry.from_dict(e) for e, _ in entries]
    forms = [(form, n, rank) for entry, n in zip(objects, numbers)
             for form, rank in entry_forms(entry) if form]
    return {"chunks": chunks, "rows": rows, "segment": segment_data(fid, objects, numbers),
            "forms": forms, "skipped": skipped, "domains": list(getattr(entries, "domains", []))}


def _store_file(conn: sqlite3.Connection, fid: int, compiled: dict[str, Any]) -> None:
    from glossary.index import write_segment

    conn.execute("UPDATE file SET notices = ?, domains = ? WHERE fid = ?",
                 (json.dumps(compiled["skipped"], ensure_ascii=False),
                  json.dumps(compiled["domains"], ensure_ascii=False), fid))
    conn.executemany("INSERT INTO chunk (cid, fid, data) VALUES (?, ?, ?)", compiled["chunks"])
    conn.executemany("INSERT INTO entry (n, fid, line, id, domain, category, chunk, slot) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", compiled["rows"])
    write_segment(conn, compiled["segment"])
    conn.executemany("INSERT INTO fform (form, n, rank) VALUES (?, ?, ?)", compiled["forms"])


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError, TypeError):
        raise CacheCorrupt("file stamp unreadable") from None


def _create_schema(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA.strip().split(";"):
        if statement.strip():
            conn.execute(statement)


def _read_file(path: Path, store: Store) -> tuple[Any, list[str]]:
    """The entries of one term file with their lines, and what was skipped in it."""
    from glossary.store import YAML_SUFFIXES, parse_term_file

    if path.suffix.lower() in YAML_SUFFIXES:
        return parse_term_file(path), []
    from glossary.store import read_foreign_file

    return read_foreign_file(path, store)


def _settle(store: Store, affected: set[str]) -> None:
    """Which entry of each id is live (the last layer's; a duplicate id within a layer is
    an error), what each live entry overrides, and which entry each ``affected`` form
    stands for in text: an entry's main form beats another's variant, then the later
    entry wins."""
    conn = store.conn
    rows = store.query(
        "SELECT e.n, e.id, e.line, f.path, f.builtin, f.layer, e.live, e.overrides FROM entry e "
        "JOIN file f ON e.fid = f.fid ORDER BY f.layer, f.seq, e.line")
    first_in_layer: dict[tuple[int, str], tuple[str, int]] = {}
    live: dict[str, tuple[int, str]] = {}  # id → (n, where)
    overrides: dict[int, str] = {}
    for n, entry_id, line, path, builtin, layer, _live, _over in rows:
        seen = first_in_layer.get((layer, entry_id))
        if seen is not None:
            raise TermFileError(f"duplicate id {entry_id!r} (first at {store.shown_path(seen[0])}:{seen[1]})",
                                store.shown_path(path), line)
        first_in_layer[(layer, entry_id)] = (path, line)
        previous = live.get(entry_id)
        if previous is not None:
            overrides[n] = previous[1]
        live[entry_id] = (n, json.dumps([path, line, bool(builtin)], ensure_ascii=False))
    live_ns = {n for n, _ in live.values()}
    changed = [(int(n in live_ns), overrides.get(n), n) for n, *_rest, was_live, was_over in rows
               if (int(n in live_ns), overrides.get(n)) != (was_live, was_over)]
    conn.executemany("UPDATE entry SET live = ?, overrides = ? WHERE n = ?", changed)
    flipped = [n for _, _, n in changed]
    for start in range(0, len(flipped), 500):
        chunk = flipped[start:start + 500]
        affected.update(f for f, in conn.execute(
            f"SELECT form FROM fform WHERE n IN ({','.join('?' * len(chunk))})", chunk))

    candidates = ("SELECT ff.rowid, ff.form, ff.rank, e.id FROM fform ff JOIN entry e ON ff.n = e.n "
                  "JOIN file f ON e.fid = f.fid WHERE e.live = 1")
    order = " ORDER BY f.layer, f.seq, e.line"
    winners: dict[str, tuple[int, int, str]] = {}  # form → (rank, idx, entry id)

    def consider(found: Iterable[tuple]) -> None:
        for idx, form, rank, entry_id in found:  # in entry order: later wins a tie
            best = winners.get(form)
            if best is None or rank <= best[0]:
                winners[form] = (rank, idx, entry_id)

    total = conn.execute("SELECT count(*) FROM form").fetchone()[0]
    if len(affected) * 4 > total:  # most forms changed (a first build): one pass over all
        conn.execute("DELETE FROM form")
        consider(conn.execute(candidates + order))
    else:
        wanted = sorted(affected)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM form WHERE form IN ({marks})", chunk)
            consider(conn.execute(f"{candidates} AND ff.form IN ({marks}){order}", chunk))
    conn.executemany("INSERT INTO form (form, idx, eid) VALUES (?, ?, ?)",
                     ((form, idx, entry_id) for form, (_, idx, entry_id) in winners.items()))
    lengths = [n for n, in conn.execute("SELECT DISTINCT length(form) FROM form ORDER BY 1")]
    heads = "".join(h for h, in conn.execute("SELECT DISTINCT substr(form, 1, 1) FROM form"))
    count = conn.execute("SELECT count(*) FROM form").fetchone()[0]
    put_blob(conn, "form-shape", json.dumps({"count": count, "lengths": lengths, "heads": heads},
                                            ensure_ascii=False))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('live', ?)", (str(len(live_ns)),))


def _origin(where: str | None, store: Store | None = None):
    """The origin of an overridden entry, as stored in ``entry.overrides``."""
    from glossary.model import Origin

    if not where:
        return None
    try:
        path, line, builtin = json.loads(where)
        return Origin(store.shown_path(path) if store else path, int(line), bool(builtin))
    except (ValueError, TypeError, RecursionError):
        raise CacheCorrupt("overridden origin unreadable") from None


def exact_keys(entry) -> set[str]:
    """What ``show`` finds an entry by: its id, Chinese forms (as written and folded to
    simplified characters, see :func:`glossary.normalize.fold_hanzi`), and French /
    English renderings (case-folded)."""
    from glossary.normalize import fold_hanzi

    keys = {entry.id}
    for form in entry.chinese_forms():
        keys.update((form, fold_hanzi(form)))
    for lang in ("fr", "en"):
        keys.update(text.casefold() for text, _ in entry.renderings(lang))
    keys.discard("")
    return keys


# --------------------------------------------------------------------------- blobs

# The index's large values are read whole by every lookup (62 MB of pinyin keys at a
# million entries): LZ4 decompresses them ~6 times faster than zlib, for a fifth more
# bytes. The frame's content checksum (xxHash) catches a corrupt one.
LZ4_LEVEL = 9


def pack_value(data: bytes) -> bytes:
    """A large value as stored: an LZ4 frame with its content checksum."""
    import lz4.frame

    return lz4.frame.compress(data, compression_level=LZ4_LEVEL, content_checksum=True)


def put_bytes(conn: sqlite3.Connection, name: str, data: bytes) -> None:
    """Store a large value (see :func:`pack_value`)."""
    conn.execute("INSERT OR REPLACE INTO blob VALUES (?, ?)", (name, pack_value(data)))


def get_bytes(store: Store, name: str) -> bytes:
    """A large value; one that does not decompress means a corrupt store."""
    rows = store.query("SELECT data FROM blob WHERE name = ?", (name,))
    if not rows:
        return b""
    import lz4.frame

    try:
        return lz4.frame.decompress(rows[0][0])
    except (RuntimeError, ValueError, TypeError):
        raise CacheCorrupt(f"blob {name} unreadable") from None


def put_blob(conn: sqlite3.Connection, name: str, text: str) -> None:
    """A large text value, compressed."""
    put_bytes(conn, name, text.encode("utf-8"))


def get_blob(store: Store, name: str) -> str:
    """A large text value (see :func:`get_bytes`)."""
    try:
        return get_bytes(store, name).decode("utf-8")
    except UnicodeDecodeError:
        raise CacheCorrupt(f"blob {name} is not UTF-8") from None
