"""Our own term files (YAML), written through a YAML emitter: any input made into
term files. No anchors or aliases (the term files refuse them), every string
quoted where YAML needs it (a line break, a ``#``, U+2028 inside a value cannot
add a key)."""

from __future__ import annotations

import io
from typing import IO, Any, Iterable, Iterator, Mapping

from glossary.formats import WriteOptions
from glossary.model import FIELDS

HEADER = "# Term file written by glossary (format: docs/term-format.md).\n"


def _dumper():
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[misc, valid-type]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return yaml, Dumper


def term_file_entry(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record as a term file writes it: our fields in order, empty ones left out."""
    out = {}
    for key in FIELDS:
        value = record.get(key)
        if value in (None, [], False, ""):
            continue
        out[key] = [dict(v) for v in value] if isinstance(value, list) and value and \
            isinstance(value[0], Mapping) else (list(value) if isinstance(value, list) else value)
    return out


def _node(value: Any) -> Any:
    """A value as a YAML node (strings, booleans, integers, lists, mappings: all a term file
    holds). Built directly, for speed; the emitter still decides how each string must be
    quoted to read back as the same string."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    if isinstance(value, Mapping):
        return MappingNode("tag:yaml.org,2002:map",
                           [(ScalarNode("tag:yaml.org,2002:str", str(k)), _node(v)) for k, v in value.items()],
                           flow_style=False)
    if isinstance(value, (list, tuple)):
        return SequenceNode("tag:yaml.org,2002:seq", [_node(v) for v in value], flow_style=False)
    if isinstance(value, bool):
        return ScalarNode("tag:yaml.org,2002:bool", "true" if value else "false")
    if isinstance(value, int):
        return ScalarNode("tag:yaml.org,2002:int", str(value))
    return ScalarNode("tag:yaml.org,2002:str", str(value))


def dump(data: Any, out: IO[str]) -> None:
    """``data`` as one YAML document on ``out`` (libyaml's emitter where there is one)."""
    yaml, Dumper = _dumper()
    dumper = Dumper(out, allow_unicode=True, width=100, default_flow_style=False)
    try:
        dumper.open()
        dumper.serialize(_node(data))
        dumper.close()
    finally:
        dumper.dispose()


def write(records: Iterable[Mapping[str, Any]], out: IO[bytes], options: WriteOptions,
          name: str = "yaml", description: str | None = None,
          domains: Iterable[Mapping[str, Any]] | None = None) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    try:
        text.write(HEADER)
        head: dict[str, Any] = {"description": description or f"{options.title}: exported entries"}
        records = iter(records)
        batch = [term_file_entry(r) for r in _take(records, 1000)]
        used = {r.get("domain") for r in batch}
        declared = list(domains) if domains is not None else \
            [dict(options.domains[d]) for d in options.domains if d in used]
        if declared:
            head["domains"] = declared
        dump(head, text)
        text.write("entries:\n")
        while batch:
            _entries(batch, text)
            batch = [term_file_entry(r) for r in _take(records, 1000)]
        text.flush()
    finally:
        text.detach()


def _entries(batch: list[dict[str, Any]], out: IO[str]) -> None:
    buffer = io.StringIO()
    dump(batch, buffer)
    out.write("".join("  " + line if line.strip() else line
                      for line in buffer.getvalue().splitlines(keepends=True)))


def _take(items: Iterator[Any], n: int) -> list[Any]:
    out = []
    for item in items:
        out.append(item)
        if len(out) >= n:
            break
    return out
