"""Our own term files (YAML), written through a YAML emitter: any input made into
term files. No anchors or aliases (the term files refuse them), every string
quoted where YAML needs it (a line break, a ``#``, U+2028 inside a value cannot
add a key)."""

from __future__ import annotations

import io
import os
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
        if isinstance(value, (list, tuple)):
            value = [dict(v) if isinstance(v, dict) else v for v in value]
        out[key] = value
    return out


STR, BOOL, INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int"


def _node(value: Any) -> Any:
    """A value as a YAML node (strings, booleans, integers, lists, mappings: all a term file
    holds). Built directly, for speed; the emitter still decides how each string must be
    quoted to read back as the same string. Every node is new (a node met twice would be
    written as an anchor and an alias)."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    kind = type(value)
    if kind is str:
        return ScalarNode(STR, value)
    if kind is dict:
        return MappingNode("tag:yaml.org,2002:map",
                           [(ScalarNode(STR, k), ScalarNode(STR, v) if type(v) is str else _node(v))
                            for k, v in value.items()], flow_style=False)
    if kind is list or kind is tuple:
        return SequenceNode("tag:yaml.org,2002:seq", [_node(v) for v in value], flow_style=False)
    if kind is bool:
        return ScalarNode(BOOL, "true" if value else "false")
    if kind is int:
        return ScalarNode(INT, str(value))
    if isinstance(value, dict):
        return _node(dict(value))
    return ScalarNode(STR, str(value))


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


# Batches of entries are emitted in worker processes when there are many and more
# than one core (libyaml's emitter is the cost of a large import).
BATCH = 2000
PARALLEL_FROM = 20000


def write(records: Iterable[Mapping[str, Any]], out: IO[bytes], options: WriteOptions,
          name: str = "yaml", description: str | None = None,
          domains: Iterable[Mapping[str, Any]] | None = None) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    try:
        text.write(HEADER)
        head: dict[str, Any] = {"description": description or f"{options.title}: exported entries"}
        declared = list(domains) if domains is not None else [dict(d) for d in options.domains.values()]
        if declared:
            head["domains"] = declared
        dump(head, text)
        text.write("entries:\n")
        records = iter(records)
        first = _take(records, PARALLEL_FROM)
        batches = [first[i:i + BATCH] for i in range(0, len(first), BATCH)]
        if len(first) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            for batch in batches:
                text.write(_emit(batch))
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            def rest() -> Iterator[list]:
                yield from batches
                while True:
                    batch = _take(records, BATCH)
                    if not batch:
                        return
                    yield batch

            with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
                for chunk in pool.map(_emit, rest()):
                    text.write(chunk)
        text.flush()
    finally:
        text.detach()


def _emit(batch: list[Mapping[str, Any]]) -> str:
    """Entries as the items of the ``entries:`` list, indented as the term files are."""
    if not batch:
        return ""
    buffer = io.StringIO()
    dump([term_file_entry(r) for r in batch], buffer)
    # Every line indented by two spaces (inside a quoted scalar's continuation lines,
    # leading spaces are not part of the value).
    return "  " + buffer.getvalue()[:-1].replace("\n", "\n  ") + "\n"


def _take(items: Iterator[Any], n: int) -> list[Any]:
    out = []
    for item in items:
        out.append(item)
        if len(out) >= n:
            break
    return out
