"""Reading term files: the only module that touches ``terms/``.

The shipped term files are one layer; every user directory given by option or by
``$GLOSSARY_PATH`` is another, stacked on top in order. Within a layer an id
must be unique; across layers the later entry overrides the earlier one.

Parsed and checked layers are kept in a JSON cache (see :mod:`glossary.cache`)
keyed by the files' paths, sizes and modification times, so YAML and the schema
validator are only loaded when a term file changed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from glossary.cache import cached, file_stamp
from glossary.errors import TermFileError
from glossary.model import Entry, Origin

ENV_PATH = "GLOSSARY_PATH"
SUFFIXES = (".yaml", ".yml")


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


def term_files(path: Path) -> list[Path]:
    """The term files of a directory (recursively, sorted), or the file itself."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
    raise TermFileError("no such file or directory", path)


# --------------------------------------------------------------------------- parsing

def _yaml_loader():
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def _check_duplicate_keys(node: Any, path: Path) -> None:
    import yaml

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                if key_node.value in seen:
                    mark = key_node.start_mark
                    raise TermFileError(f"duplicate key {key_node.value!r}", path,
                                        mark.line + 1, mark.column + 1)
                seen.add(key_node.value)
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


@lru_cache(maxsize=1)
def _fast_check():
    """A compiled validator (fastjsonschema): ~50× faster than jsonschema on valid files."""
    import fastjsonschema

    return fastjsonschema.compile(json.loads(schema_path().read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def schema_validator():
    """The reference validator (jsonschema): slower, but every error with its path."""
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _describe(error: Any) -> str:
    field_name = next((p for p in reversed(error.absolute_path) if isinstance(p, str)), None)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        entry_id = error.instance.get("id") if isinstance(error.instance, dict) else None
        return f"entry {entry_id!r}: missing field {missing!r}" if entry_id else f"missing field {missing!r}"
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"{field_name}: {error.instance!r} is not one of: {allowed}"
    if error.validator == "additionalProperties":
        return f"unknown field: {error.message.split('(')[-1].rstrip(')')}"
    if error.validator == "pattern" and field_name == "id":
        return f"id: {error.instance!r} is not an ASCII slug (lower-case letters, digits, hyphens)"
    if error.validator == "type":
        return f"{field_name or 'value'}: expected {error.validator_value}, got {error.instance!r}"
    return f"{field_name}: {error.message}" if field_name else error.message


def read_term_file(path: Path) -> tuple[Any, Any]:
    """The YAML node tree and the data of one term file; raise TermFileError if unreadable."""
    yaml, Loader = _yaml_loader()
    try:
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
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise TermFileError(f"invalid YAML: {problem}", path,
                            mark.line + 1 if mark else None,
                            mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise TermFileError(f"invalid YAML: {exc}", path) from None
    finally:
        loader.dispose()
    if node is None:
        raise TermFileError("empty term file", path)
    _check_duplicate_keys(node, path)
    return node, data


def schema_errors(path: Path, node: Any, data: Any) -> list[TermFileError]:
    """Every breach of the schema in a parsed term file, in file order."""
    import fastjsonschema

    try:
        _fast_check()(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass  # find every error, with its location, the thorough way
    found = []
    for error in schema_validator().iter_errors(data):
        mark = node_at(node, error.absolute_path).start_mark
        found.append(TermFileError(_describe(error), path, mark.line + 1, mark.column + 1))
    return sorted(found, key=lambda e: (e.line or 0, e.col or 0))


def parse_term_file(path: Path) -> list[tuple[dict[str, Any], int]]:
    """The entries of one term file with their line numbers; raise TermFileError if broken."""
    node, data = read_term_file(path)
    errors = schema_errors(path, node, data)
    if errors:
        raise errors[0]
    entries_node = node_at(node, ["entries"])
    return [(entry, entries_node.value[i].start_mark.line + 1)
            for i, entry in enumerate(data["entries"])]


def _load_layer(paths: Sequence[Path], builtin: bool) -> list[dict[str, Any]]:
    """Parse and check one layer of term files; entries as JSON-ready dicts with ``_origin``."""
    seen: dict[str, str] = {}
    out = []
    for path in paths:
        for entry, line in parse_term_file(path):
            where = f"{path}:{line}"
            if entry["id"] in seen:
                raise TermFileError(f"duplicate id {entry['id']!r} (first at {seen[entry['id']]})",
                                    path, line)
            seen[entry["id"]] = where
            entry["_origin"] = [str(path), line, builtin]
            out.append(entry)
    return out


# --------------------------------------------------------------------------- the glossary

@dataclass(frozen=True)
class Glossary:
    """All entries of the loaded layers, merged; the library's view of the term base."""

    entries: tuple[Entry, ...]
    _by_id: dict[str, Entry] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update((e.id, e) for e in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    @cached_property
    def _exact(self) -> dict[str, list[Entry]]:
        index: dict[str, list[Entry]] = {}
        for entry in self.entries:
            keys = {entry.zh, entry.zh_hant, *(v.text for v in entry.zh_variants)}
            for lang in ("fr", "en"):
                keys.update(text.casefold() for text, _ in entry.renderings(lang))
            for key in keys:
                if key:
                    index.setdefault(key, []).append(entry)
        return index

    def find(self, term: str) -> list[Entry]:
        """Entries whose id, Chinese form (simplified, traditional, variant) or French /
        English rendering is exactly ``term`` (case-insensitive for French and English)."""
        term = term.strip()
        by_id = self.get(term)
        if by_id is not None:
            return [by_id]
        return list(self._exact.get(term) or self._exact.get(term.casefold()) or [])


def load_glossary(user_paths: Sequence[Path] = (), builtin: bool = True) -> Glossary:
    """Load the shipped term files (unless ``builtin`` is false) and the user's paths on top."""
    layers: list[tuple[list[Path], bool]] = []
    if builtin:
        layers.append((term_files(builtin_terms_dir()), True))
    for path in user_paths:
        layers.append((term_files(Path(path)), False))

    merged: dict[str, Entry] = {}
    for paths, is_builtin in layers:
        raw = cached("terms", [is_builtin, file_stamp(paths)],
                     lambda paths=paths, b=is_builtin: _load_layer(paths, b),
                     family=[is_builtin, [str(p) for p in paths]])
        for data in raw:
            origin = Origin(*data["_origin"])
            previous = merged.get(data["id"])
            merged[data["id"]] = Entry.from_dict(
                data, origin, previous.origin if previous is not None else None)
    return Glossary(tuple(merged.values()))
