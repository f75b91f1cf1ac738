"""Reading term files: the only module that touches ``terms/``.

The shipped term files are one layer; every user path is another, stacked on top in
order (:func:`user_term_paths`): those of ``$GLOSSARY_PATH``, then the personal term
file that ``glossary add`` writes (once it exists), then those given by option.
Within a layer an id must be unique; across layers the later entry overrides the
earlier one.

Parsed and checked files go into the compiled store of their set of term files
(:mod:`glossary.compiled`): a term file is read again only when it changed.
"""

from __future__ import annotations

import json
import os
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from glossary.errors import TermFileError
from glossary.model import Entry, Origin

ENV_PATH = "GLOSSARY_PATH"
ENV_DATA_DIR = "GLOSSARY_DATA_DIR"
PERSONAL_FILE = "terms.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
# Term bases in exchange formats, read through glossary.formats when it is there.
FOREIGN_SUFFIXES = (".tbx", ".csv", ".tsv", ".xlsx")


# The package is installed as files (never zipped), so its data sits beside this module;
# importlib.resources would cost ~10 ms of every start for nothing.
PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_terms_dir() -> Path:
    """The term files shipped in the package (or, in a source checkout, ``terms/``)."""
    packaged = PACKAGE_DIR / "terms"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parents[1] / "terms"


def schema_path() -> Path:
    return PACKAGE_DIR / "schema" / "terms.schema.json"


def paths_from_env(value: str | None) -> list[Path]:
    """The user term paths listed in ``$GLOSSARY_PATH`` (os.pathsep-separated)."""
    if not value:
        return []
    return [Path(p) for p in value.split(os.pathsep) if p]


def data_dir() -> Path:
    """``$GLOSSARY_DATA_DIR``, or the platform's user data directory for glossary
    (``~/.local/share/glossary`` on Linux)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("glossary", appauthor=False))


def personal_terms_file() -> Path:
    """The user's own term file, where ``glossary add`` writes unless told otherwise."""
    return data_dir() / PERSONAL_FILE


def user_term_paths(env_paths: Sequence[Path], given: Sequence[Path]) -> list[Path]:
    """The user's layers, in the order they stack: ``$GLOSSARY_PATH``'s paths, the
    personal term file (once ``glossary add`` has made it), the paths given by option."""
    personal = personal_terms_file()
    mine = [personal] if os.path.lexists(personal) else []
    return [*env_paths, *mine, *given]


def _suffixes() -> tuple[str, ...]:
    from importlib.util import find_spec

    return YAML_SUFFIXES + FOREIGN_SUFFIXES if find_spec("glossary.formats") else YAML_SUFFIXES


def term_files(path: Path) -> list[Path]:
    """The term files of a directory (recursively, sorted), or the file itself.

    A directory that cannot be read (listed and entered), or a path that is neither a
    file nor a directory (a FIFO, a device), is an error: terms must never vanish
    silently."""
    import stat

    if not str(path):
        raise TermFileError("empty path given for term files")
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise TermFileError("no such file or directory", path) from None
    except OSError as exc:
        raise TermFileError(f"cannot read: {exc.strerror or exc}", path) from None
    if stat.S_ISDIR(mode):
        return _directory_files(path)
    if stat.S_ISREG(mode):
        return [path]
    raise TermFileError("not a regular file (term files are YAML files or directories)", path)


def _directory_files(path: Path) -> list[Path]:
    """The term files under a directory, each directory on the way checked readable."""
    suffixes = _suffixes()
    found: list[Path] = []

    def refuse(error: OSError) -> None:
        raise TermFileError(f"cannot read directory: {error.strerror or error}",
                            error.filename or path)

    def check(directory: Path) -> None:
        if not os.access(directory, os.R_OK | os.X_OK):
            raise TermFileError("cannot read directory: permission denied", directory)

    check(path)
    for directory, subdirs, names in os.walk(path, onerror=refuse, followlinks=True):
        subdirs.sort()
        for name in names:
            candidate = Path(directory) / name
            if candidate.suffix.lower() in suffixes and candidate.is_file():
                found.append(candidate)
        for sub in subdirs:
            check(Path(directory) / sub)
    return sorted(found)


# --------------------------------------------------------------------------- parsing

class _RefusedAlias(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


class _DuplicateKey(Exception):
    def __init__(self, key: str, mark: Any) -> None:
        self.key = key
        self.mark = mark


@lru_cache(maxsize=2)
def _loader_class(refuse_aliases: bool = False):
    """libyaml's safe loader, finding duplicate keys (and, if asked, refusing aliases: a
    YAML bomb expands them) while it constructs: one pass, no walk over the nodes."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class TermLoader(base):  # type: ignore[misc, valid-type]
        if refuse_aliases:
            def construct_object(self, node, deep=False):
                # A node met a second time is an alias (or a recursive one): refused.
                if node in self.constructed_objects or node in self.recursive_objects:
                    raise _RefusedAlias(node.start_mark)
                return super().construct_object(node, deep)

        def construct_mapping(self, node, deep=False):
            mapping = super().construct_mapping(node, deep)
            if len(mapping) != len(node.value):
                seen: set = set()
                for key_node, _ in node.value:
                    if key_node.value in seen:
                        raise _DuplicateKey(key_node.value, key_node.start_mark)
                    seen.add(key_node.value)
            return mapping

    return TermLoader


def _yaml_loader(text: str = ""):
    """YAML and the loader for ``text``: an alias is written ``*name``, so a text without
    a ``*`` needs no watching for them (the common case, and the fast one)."""
    import yaml

    return yaml, _loader_class("*" in text)


def node_at(node: Any, path: Iterable[Any]) -> Any:
    """The YAML node reached by a JSON path (keys and indexes), as far as it exists."""
    import yaml

    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == step:
                    node = value_node
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node


def _schema(shipped: bool) -> dict[str, Any]:
    """The schema of a user term file, or of a shipped one (every field, no domains of
    its own: ``$defs/shipped_file``)."""
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    if shipped:
        schema = {**schema, **schema["$defs"]["shipped_file"], "$defs": schema["$defs"]}
    return schema


@lru_cache(maxsize=2)
def _fast_check(shipped: bool = False):
    """A compiled validator (fastjsonschema): ~50× faster than jsonschema on valid files."""
    import fastjsonschema

    return fastjsonschema.compile(_schema(shipped))


@lru_cache(maxsize=2)
def schema_validator(shipped: bool = False):
    """The reference validator (jsonschema): slower, but every error with its path."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema(shipped))


@lru_cache(maxsize=1)
def field_limits() -> dict[str, int]:
    """The most characters the schema allows each field of an entry (``zh_regional``:
    the text of a regional form)."""
    defs = _schema(False)["$defs"]

    def limit(node: dict[str, Any]) -> int | None:
        if "maxLength" in node:
            return node["maxLength"]
        refs = [node["$ref"]] if "$ref" in node else [p["$ref"] for p in node.get("allOf", ())
                                                        if "$ref" in p]
        return next((n for ref in refs if (n := limit(defs[ref.rsplit("/", 1)[1]]))), None)

    limits = {name: n for name, node in defs["entry"]["properties"].items()
              if (n := limit(node)) is not None}
    limits["zh_regional"] = limit(defs["regional"]["properties"]["text"]) or limits["zh"]
    return limits


def is_shipped(path: Path) -> bool:
    """Whether a term file is one of the shipped ones (held to the strict schema)."""
    root = builtin_terms_dir().resolve()
    try:
        return Path(path).resolve().is_relative_to(root)
    except OSError:
        return False


# A value of a term file quoted in a message is cut after this many characters: a term
# file may hold a 50 MB string, and an error is one line.
QUOTE_CHARS = 60
# Nor is a message read from a term file (a YAML parser's) longer than this.
MESSAGE_CHARS = 200


def quoted(value: Any) -> str:
    """A term file's value (or key) as a message quotes it: a string cut after
    :data:`QUOTE_CHARS` characters, a date as the file writes it ('2020-01-01', not
    datetime.date(2020, 1, 1)), a list or a mapping by its size."""
    import datetime

    if isinstance(value, (dict, list)):
        kind = "mapping" if isinstance(value, dict) else "list"
        return f"a {kind} of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, datetime.date):
        value = value.isoformat()
    if isinstance(value, str):
        return repr(value if len(value) <= QUOTE_CHARS else value[:QUOTE_CHARS] + "…")
    return _bounded(repr(value), QUOTE_CHARS)


def _bounded(text: str, limit: int = MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _written_keys(node: Any, mapping: dict) -> dict[Any, str]:
    """The keys of a mapping as its YAML node writes them (``yes``, ``null``, ``2020-01-01``),
    by key; empty where they cannot be paired (a merge key ``<<``)."""
    import yaml

    if not isinstance(node, yaml.MappingNode) or len(node.value) != len(mapping):
        return {}
    return {key: key_node.value for key, (key_node, _) in zip(mapping, node.value)
            if isinstance(key_node, yaml.ScalarNode)}


def _describe(error: Any, node: Any = None) -> str:
    """One schema error as a message of one bounded line: values quoted by :func:`quoted`,
    keys as the file writes them (``node``: the YAML node of the value in error)."""
    import datetime

    field_name = next((p for p in reversed(error.absolute_path) if isinstance(p, str)), None)
    instance = error.instance
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        entry_id = instance.get("id") if isinstance(instance, dict) else None
        return f"entry {quoted(entry_id)}: missing field {missing!r}" if entry_id else f"missing field {missing!r}"
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"{field_name}: {quoted(instance)} is not one of: {allowed}"
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {})
        written = _written_keys(node, instance)
        extra = [quoted(written.get(key, key)) for key in instance if key not in known]
        if len(extra) == 1:
            return f"unknown field: {extra[0]} was unexpected"
        shown = ", ".join(extra[:3]) + (", …" if len(extra) > 3 else "")
        return f"unknown fields: {shown} were unexpected"
    if error.validator == "maxLength" and isinstance(instance, str):
        return (f"{field_name or 'value'}: {len(instance):,} characters, more than the "
                f"{error.validator_value:,} allowed ({quoted(instance)})")
    if error.validator == "pattern" and field_name == "id":
        return f"id: {quoted(instance)} is not an ASCII slug (lower-case letters, digits, hyphens)"
    if error.validator == "anyOf" and isinstance(instance, dict) and "zh" in instance:
        entry_id = instance.get("id")
        where = f"entry {quoted(entry_id)}: " if isinstance(entry_id, str) else ""
        return f"{where}missing field 'fr' (or 'en': an entry needs a rendering)"
    if error.validator == "anyOf" and field_name == "domain":
        from glossary.taxonomy import DOMAIN_SLUGS

        return f"domain: {quoted(instance)} is not one of: {', '.join(DOMAIN_SLUGS)} (nor a slug)"
    if error.validator == "type":
        if isinstance(instance, datetime.date):
            return (f"{field_name or 'value'}: expected {error.validator_value}, got the date "
                    f"{instance.isoformat()} (quote it to make it a string)")
        return f"{field_name or 'value'}: expected {error.validator_value}, got {quoted(instance)}"
    message = error.message
    if isinstance(instance, str) and len(instance) > QUOTE_CHARS:
        message = message.replace(repr(instance), quoted(instance))
    return _bounded(f"{field_name}: {message}" if field_name else message)


def read_term_file(path: Path) -> tuple[Any, Any]:
    """The YAML node tree and the data of one term file; raise TermFileError if unreadable."""
    try:
        if not path.is_file():
            raise TermFileError("not a regular file" if path.exists() else "no such file or directory", path)
        raw = path.read_bytes()
    except OSError as exc:
        raise TermFileError(f"cannot read: {exc.strerror or exc}", path) from None
    if b"\x00" in raw:
        raise TermFileError("binary data, not a YAML term file", path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TermFileError("not UTF-8 text (term files are UTF-8)", path, line) from None
    if not text.strip():
        raise TermFileError("empty term file", path)
    yaml, Loader = _yaml_loader(text)
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _RefusedAlias as exc:
        raise TermFileError("YAML aliases (*name) are not allowed in term files", path,
                            exc.mark.line + 1, exc.mark.column + 1) from None
    except _DuplicateKey as exc:
        raise TermFileError(f"duplicate key {quoted(exc.key)}", path,
                            exc.mark.line + 1, exc.mark.column + 1) from None
    except RecursionError:
        raise TermFileError("invalid YAML: nested too deeply", path) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise TermFileError(f"invalid YAML: {_bounded(problem)}", path,
                            mark.line + 1 if mark else None,
                            mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise TermFileError(f"invalid YAML: {_bounded(str(exc))}", path) from None
    finally:
        loader.dispose()
    if node is None:
        raise TermFileError("empty term file", path)
    return node, data


def schema_errors(path: Path, node: Any, data: Any, shipped: bool | None = None) -> list[TermFileError]:
    """Every breach of the schema in a parsed term file, in file order: the strict schema
    for a shipped file, the user files' one otherwise (whose entries may use the
    domains the file declares, and only those besides the directive's)."""
    import fastjsonschema

    shipped = is_shipped(path) if shipped is None else shipped
    found = []
    try:
        _fast_check(shipped)(data)
    except fastjsonschema.JsonSchemaException:
        # Every error, with its location, the thorough way.
        for error in schema_validator(shipped).iter_errors(data):
            target = node_at(node, error.absolute_path) if node is not None else None
            found.append(_located(path, node, error.absolute_path, _describe(error, target)))
        return sorted(found, key=lambda e: (e.line or 0, e.col or 0))
    from glossary.taxonomy import DOMAIN_SLUGS

    declared = {d["id"] for d in data.get("domains") or ()}
    for i, entry in enumerate(data["entries"]):
        domain = entry.get("domain")
        if domain is not None and domain not in DOMAIN_SLUGS and domain not in declared:
            found.append(_located(path, node, ["entries", i, "domain"],
                                  f"domain: {quoted(domain)} is not one of: {', '.join(DOMAIN_SLUGS)} "
                                  "(nor declared under domains: in this file)"))
    return found


def _located(path: Path, node: Any, where: Iterable[Any], message: str) -> TermFileError:
    if node is None:  # entries read from another format: no YAML marks
        return TermFileError(message, path)
    mark = node_at(node, where).start_mark
    return TermFileError(message, path, mark.line + 1, mark.column + 1)


class TermEntries(list):
    """The entries of a term file with their lines, and the domains the file declares."""

    domains: list[dict[str, Any]] = []


def parse_term_file(path: Path) -> TermEntries:
    """The entries of one term file with their line numbers, and the domains it declares;
    raise TermFileError if broken. What a user file's entries leave out (all but ``zh``
    and ``fr``) is filled in and marked (:func:`glossary.formats.complete.fill_entries`)."""
    node, data = read_term_file(path)
    errors = schema_errors(path, node, data)
    if errors:
        raise errors[0]
    entries_node = node_at(node, ["entries"])
    entries = data["entries"]
    declared = data.get("domains") or []
    if not is_shipped(path):
        from glossary.formats.complete import fill_entries

        entries = fill_entries(entries, path.name, declared)
    parsed = TermEntries((entry, entries_node.value[i].start_mark.line + 1)
                         for i, entry in enumerate(entries))
    parsed.domains = declared
    return parsed


def read_foreign_file(path: Path, store: Any) -> tuple[TermEntries, list[str]]:
    """The entries of a term base in an exchange format (TBX, CSV, TSV, XLSX), through
    :mod:`glossary.formats`; the shipped entries' Chinese forms decide which imported
    entries override them. Returns the entries with their rows, and what was skipped."""
    from glossary.formats import read_terms, skip_summary

    known = {store.record(chunk, slot).get("zh"): entry_id for entry_id, chunk, slot in store.query(
        "SELECT e.id, e.chunk, e.slot FROM entry e JOIN file f ON e.fid = f.fid WHERE f.builtin = 1")}
    imported = read_terms(path, known=known)
    data = {"entries": list(imported.entries)}
    if imported.domains:
        data["domains"] = imported.domains
    errors = schema_errors(path, None, data, shipped=False)
    if errors:
        raise errors[0]
    parsed = TermEntries(zip(imported.entries, imported.lines))
    parsed.domains = imported.domains
    return parsed, skip_summary(store.shown_path(str(path)), imported.skipped)


# --------------------------------------------------------------------------- the glossary

class Glossary:
    """All entries of the loaded layers, merged; the library's view of the term base.

    Built from entries in memory (``Glossary(entries)``); :func:`load_glossary` gives a
    :class:`StoreGlossary`, which reads them from the compiled store on demand."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries = tuple(entries)
        self._by_id = {e.id: e for e in self._entries}

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self._entries

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    @cached_property
    def _exact(self) -> dict[str, list[Entry]]:
        from glossary.compiled import exact_keys

        index: dict[str, list[Entry]] = {}
        for entry in self.entries:
            for key in exact_keys(entry):
                index.setdefault(key, []).append(entry)
        return index

    def find(self, term: str) -> list[Entry]:
        """Entries whose id, Chinese form (simplified, traditional, variant, regional; in
        any script) or French / English rendering is exactly ``term`` (case-insensitive
        for French and English)."""
        term = term.strip()
        by_id = self.get(term)
        if by_id is not None:
            return [by_id]
        from glossary.normalize import fold_hanzi

        return list(self._exact.get(term) or self._exact.get(term.casefold())
                    or self._exact.get(fold_hanzi(term)) or [])


_ENTRY_SQL = ("SELECT e.n, e.chunk, e.slot, e.line, f.path, f.builtin, e.overrides "
              "FROM entry e JOIN file f ON e.fid = f.fid")


def _entry_of(row: tuple, store: Any) -> Entry:
    from glossary.compiled import CacheCorrupt, _origin

    _n, chunk, slot, line, path, builtin, overrides = row
    previous = _origin(overrides, store)
    try:
        return Entry.from_dict(store.record(chunk, slot), Origin(store.shown_path(path), line, bool(builtin)),
                               previous)
    except (KeyError, TypeError, ValueError):
        raise CacheCorrupt("entry record of the wrong shape") from None


def entries_by_number(store: Any, numbers: Iterable[int]) -> dict[int, Entry]:
    """The entries stored in these rows of a compiled store."""
    wanted = sorted(set(numbers))
    out: dict[int, Entry] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in store.query(f"{_ENTRY_SQL} WHERE e.n IN ({marks})", chunk):
            out[row[0]] = _entry_of(row, store)
    return out


class StoreGlossary(Glossary):
    """The glossary of a compiled store: entries read when asked for, in file order."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self._by_id: dict[str, Entry | None] = {}

    @cached_property
    def _entries(self) -> tuple[Entry, ...]:  # type: ignore[override]
        return tuple(self)

    def __len__(self) -> int:
        return len(self._store)

    def __iter__(self) -> Iterator[Entry]:
        for row in self._store.iter_query(
                f"{_ENTRY_SQL} WHERE e.live = 1 ORDER BY f.layer, f.seq, e.line"):
            yield _entry_of(row, self._store)

    def select(self, domains: Sequence[str] = (), categories: Sequence[str] = ()) -> Iterator[Entry]:
        """The entries of some domains and categories, in file order (read by SQL)."""
        where, args = ["e.live = 1"], []
        for column, values in (("e.domain", domains), ("e.category", categories)):
            if values:
                where.append(f"{column} IN ({','.join('?' * len(values))})")
                args.extend(values)
        for row in self._store.iter_query(
                f"{_ENTRY_SQL} WHERE {' AND '.join(where)} ORDER BY f.layer, f.seq, e.line", args):
            yield _entry_of(row, self._store)

    def records(self, domains: Sequence[str] = (), categories: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
        """The entries as JSON-ready records (every term-file field, None where unset, plus
        ``origin`` and ``overrides``), straight from the store: what ``list`` prints,
        without making an :class:`Entry` of each.

        Read a file at a time, in layer order: its chunks in order, and its live rows
        beside them (a file's entries are numbered, and chunked, in line order)."""
        from glossary.compiled import _origin
        from glossary.model import FIELDS, VARIANT_FIELDS

        store = self._store
        where, args = ["fid = ?", "live = 1"], []
        for column, values in (("domain", domains), ("category", categories)):
            if values:
                where.append(f"{column} IN ({','.join('?' * len(values))})")
                args.extend(values)
        rows_sql = f"SELECT chunk, slot, line, overrides FROM entry WHERE {' AND '.join(where)} ORDER BY n"
        empty = {key: None for key in FIELDS}
        empty.update({key: [] for key in (*VARIANT_FIELDS, "zh_regional", "see_also", "generated")})
        empty.update(pinyin_deliberate=False, zh_hant_deliberate=False)
        for fid, path in store.query("SELECT fid, path FROM file ORDER BY layer, seq"):
            shown = store.shown_path(path)
            for chunk, slot, line, overrides in store.query(rows_sql, (fid, *args)):
                record = dict(empty)
                record.update(store.record(chunk, slot))
                record["origin"] = f"{shown}:{line}"
                record["overrides"] = str(_origin(overrides, store)) if overrides else None
                yield record

    def declared_domains(self) -> dict[str, dict[str, Any]]:
        """The domains the user's term files declare, by id (see the schema's ``domains``)."""
        return self._store.declared_domains()

    def counts(self, column: str) -> dict[str, int]:
        """How many entries each domain (or category) has."""
        if column not in ("domain", "category"):
            raise ValueError(column)
        return dict(self._store.query(
            f"SELECT {column}, count(*) FROM entry WHERE live = 1 GROUP BY {column}"))

    def get(self, entry_id: str) -> Entry | None:
        if entry_id not in self._by_id:
            rows = self._store.query(f"{_ENTRY_SQL} WHERE e.id = ? AND e.live = 1", (entry_id,))
            self._by_id[entry_id] = _entry_of(rows[0], self._store) if rows else None
        return self._by_id[entry_id]

    def find(self, term: str) -> list[Entry]:
        term = term.strip()
        by_id = self.get(term)
        if by_id is not None:
            return [by_id]
        # The lookup index's exact keys narrow it to a few entries; their own forms decide.
        from glossary.compiled import exact_keys
        from glossary.index import Kind, latin_key, stemmed, zh_key

        from glossary.normalize import fold_hanzi

        index = self._store.index()
        numbers = {f.entry for key in {zh_key(term), fold_hanzi(zh_key(term))}
                   for f in index.exact(Kind.ZH, key)}
        words = stemmed(latin_key(term))
        if words:
            numbers |= {f.entry for f in index.exact(Kind.LATIN, " " + " ".join(words) + " ")}
        found = entries_by_number(self._store, numbers)
        for wanted in (term, term.casefold(), fold_hanzi(term)):
            hits = [found[n] for n in sorted(found) if wanted in exact_keys(found[n])]
            if hits:
                return hits
        return []


def load_glossary(user_paths: Sequence[Path] = (), builtin: bool = True) -> Glossary:
    """The shipped term files (unless ``builtin`` is false) and the user's paths on top,
    from their compiled store (read again only where a term file changed)."""
    from glossary.compiled import open_store

    return open_store(user_paths, builtin).glossary()
