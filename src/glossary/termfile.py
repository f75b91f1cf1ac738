"""Writing one entry into a term file, the rest of the file left as it was.

A term file is a person's file: comments, order, quoting and indentation are theirs.
So a change is made on the round-trip tree of ruamel.yaml (comments and layout kept)
and never by rewriting the file from its data:

- the file is read and checked first (binary data, text that is not UTF-8, broken
  YAML, a file that breaks the schema: refused, never overwritten);
- the change is applied to the tree under a lock (``flock`` on the file's directory,
  or where there is none, a file ``.NAME.lock`` beside it), so that two processes
  changing the same file do it one after the other, and both land;
- the new text is written to a temporary file in the same directory, read back with
  the loader every command uses and compared with what was meant (the old entries,
  and the one added or changed, value for value), then moved over the old file with
  ``os.replace``: a reader sees the old file or the new one, never half of one;
- a value from a user is written plain only when it reads back as the same string
  under YAML 1.1 and 1.2 alike, else double-quoted with escapes (a CR, NEL U+0085,
  U+2028, U+2029, ``#``, ``: `` or a leading ``-`` inside it stay data); no anchors or
  aliases are ever written.

ruamel.yaml and filelock are imported here only, when a file is written.
"""

from __future__ import annotations

import io
import os
import secrets
import stat
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from glossary.errors import TermFileError

LOCK_TIMEOUT_S = 60.0
NEW_FILE_HEADER = ("Your own terms, written by `glossary add` (edit them freely: comments and\n"
                   "order are kept). Format: docs/term-format.md of the glossary.")
NEW_FILE_DESCRIPTION = "My own terms"


@dataclass(frozen=True, slots=True)
class Current:
    """What a term file holds now, as every command reads it."""

    path: Path
    entries: list[dict[str, Any]]
    lines: list[int]  # the line of each entry
    exists: bool


@dataclass(frozen=True, slots=True)
class Change:
    """One entry to write: appended (``index`` None) or replacing entry ``index``."""

    entry: dict[str, Any]
    index: int | None = None


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    line: int  # the line of the entry written
    entry: dict[str, Any]
    created: bool  # the file did not exist
    layout_kept: bool  # the untouched part of the file is byte for byte what it was
    dry_run: bool


# --------------------------------------------------------------------------- the edit

def write_entry(path: Path, plan: Callable[[Current], Change], *, make_parents: bool = False,
                dry_run: bool = False) -> Written:
    """Apply ``plan`` (which sees the file's current entries and says what to write) to
    the term file at ``path``, under its lock; create the file if it does not exist."""
    target = Path(os.path.realpath(path))  # a symlinked file stays a symlink
    directory = target.parent
    if make_parents:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TermFileError(f"cannot create directory: {exc.strerror or exc}", directory) from None
    if not directory.is_dir():
        raise TermFileError("no such directory", directory)
    try:
        with _locked(directory, target.name, path):
            return _edit(path, target, plan, dry_run)
    except OSError as exc:  # a full disk, a read-only directory …: the old file is whole
        raise TermFileError(f"not changed: {exc.strerror or exc}", path) from None


@contextmanager
def _locked(directory: Path, name: str, shown: Path) -> Iterator[None]:
    """Hold the lock of the term files of ``directory``: ``flock`` on the directory
    itself where the system has it (nothing is left beside the file), else a lock
    file ``.NAME.lock`` beside it (filelock)."""
    fd = _directory_lock(directory, shown)
    if fd is not None:
        try:
            yield
        finally:
            os.close(fd)  # releases the lock
        return
    from filelock import FileLock, Timeout

    lock = FileLock(str(directory / f".{name}.lock"), timeout=LOCK_TIMEOUT_S)
    try:
        lock.acquire()
    except Timeout:
        raise TermFileError(f"still locked after {LOCK_TIMEOUT_S:.0f} s by another glossary add "
                            f"(lock file {lock.lock_file})", shown) from None
    try:
        yield
    finally:
        lock.release()


def _directory_lock(directory: Path, shown: Path) -> int | None:
    """A descriptor of ``directory`` holding its ``flock``; None where there is none."""
    try:
        import fcntl
    except ImportError:  # Windows
        return None
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return None
    try:
        _flock(fcntl, fd, shown)
    except TermFileError:
        os.close(fd)
        raise
    except OSError:  # a file system that cannot lock a directory
        os.close(fd)
        return None
    return fd


def _flock(fcntl: Any, fd: int, shown: Path) -> None:
    import errno
    import time

    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
        if time.monotonic() > deadline:
            raise TermFileError(f"still locked after {LOCK_TIMEOUT_S:.0f} s by another glossary add",
                                shown)
        time.sleep(0.02)


def _edit(shown: Path, target: Path, plan: Callable[[Current], Change], dry_run: bool) -> Written:
    from glossary.store import node_at, read_term_file, schema_errors

    exists = existed = target.exists()
    raw = b""
    data: dict[str, Any] = {"entries": []}
    lines: list[int] = []
    if exists:
        if not target.is_file():
            raise TermFileError("not a regular file", shown)
        try:
            raw = target.read_bytes()
        except OSError as exc:
            raise TermFileError(f"cannot read: {exc.strerror or exc}", shown) from None
        if _blank(raw):
            exists = False  # nothing in it to keep but its comments (kept, see _new_text)
        else:
            node, data = read_term_file(target)
            errors = schema_errors(shown, node, data)
            if errors:
                first = errors[0]
                raise TermFileError(f"{first.message} (not a valid term file: left as it is)",
                                    first.path, first.line, first.col)
            entries_node = node_at(node, ["entries"])
            lines = [item.start_mark.line + 1 for item in entries_node.value]
    entries = list(data["entries"])
    change = plan(Current(shown, entries, lines, exists))
    expected = dict(data) if exists else {"description": NEW_FILE_DESCRIPTION}
    new_entries = list(entries)
    if change.index is None:
        new_entries.append(change.entry)
    else:
        new_entries[change.index] = change.entry
    expected["entries"] = new_entries

    if change.index is not None and change.entry == entries[change.index]:
        return Written(shown, lines[change.index], change.entry, False, True, dry_run)
    if exists:
        text, layout_kept = _changed_text(raw, change, entries, shown)
    else:
        text, layout_kept = _new_text(raw, change.entry), True
    if dry_run:
        line = _entry_line(text, len(new_entries) - 1 if change.index is None else change.index)
        return Written(shown, line, change.entry, not existed, layout_kept, True)
    line = _replace(target, shown, text, expected, len(new_entries) - 1 if change.index is None
                    else change.index)
    return Written(shown, line, change.entry, not existed, layout_kept, False)


def _blank(raw: bytes) -> bool:
    """A file with nothing but blank lines and comments (or nothing at all)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text and all(not line.strip() or line.lstrip().startswith("#")
                                      for line in text.splitlines())


# --------------------------------------------------------------------------- round trip

def _yaml(mapping: int = 2, sequence: int = 4, offset: int = 2):
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 30  # never fold a long line
    yaml.allow_unicode = True
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.representer.ignore_aliases = lambda *_: True  # the same object twice: written twice
    return yaml


def _dump(yaml: Any, document: Any) -> str:
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def _split_text(raw: bytes) -> tuple[str, bool, bool]:
    """The text of a file with LF line ends, and whether it had a BOM and CRLF ends."""
    text = raw.decode("utf-8")
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    crlf = "\r\n" in text
    return text.replace("\r\n", "\n"), bom, crlf


def _join_text(text: str, bom: bool, crlf: bool) -> str:
    if crlf:
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if bom else "") + text


def _layouts(text: str) -> list[tuple[int, int, int]]:
    """Indentations to try, the file's own guessed first."""
    from ruamel.yaml.util import load_yaml_guess_indent

    try:
        _, indent, block_seq = load_yaml_guess_indent(text)
    except Exception:  # the guess is a heuristic; the real load below reports errors
        indent = block_seq = None
    found = []
    if indent is not None:
        found += [(2, indent, block_seq or 0), (indent, indent, block_seq or 0)]
    found += [(2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 4, 0), (4, 6, 4)]
    return list(dict.fromkeys(found))


def _changed_text(raw: bytes, change: Change, entries: list[dict], shown: Path) -> tuple[str, bool]:
    """The file's new text, and whether everything but the change is as it was."""
    text, bom, crlf = _split_text(raw)
    layouts = _layouts(text)
    chosen, kept = layouts[0], False
    for layout in layouts:
        yaml = _yaml(*layout)
        try:
            if _dump(yaml, yaml.load(text)) == text:
                chosen, kept = layout, True
                break
        except Exception:
            break  # ruamel cannot read what PyYAML read: reported below
    yaml = _yaml(*chosen)
    try:
        document = yaml.load(text)
    except Exception as exc:
        raise TermFileError(f"not changed: its YAML cannot be edited in place ({_first_line(exc)})",
                            shown) from None
    sequence = document["entries"]
    if change.index is None:
        if not sequence:
            sequence.fa.set_block_style()
        sequence.append(_mapping(change.entry))
    else:
        _update_mapping(sequence[change.index], entries[change.index], change.entry)
    return _join_text(_dump(yaml, document), bom, crlf), kept


def _new_text(raw: bytes, entry: dict[str, Any]) -> str:
    """A new term file holding one entry (after the comments of an empty file, if any)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    kept, bom, crlf = _split_text(raw) if raw else ("", False, False)
    document = CommentedMap()
    document["description"] = NEW_FILE_DESCRIPTION
    entries = CommentedSeq([_mapping(entry)])
    entries.fa.set_block_style()
    document["entries"] = entries
    if not kept.strip():
        document.yaml_set_start_comment(NEW_FILE_HEADER)
        kept = ""
    elif not kept.endswith("\n"):
        kept += "\n"
    return _join_text(kept + _dump(_yaml(), document), bom, crlf)


def _mapping(entry: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    mapping = CommentedMap()
    for key, value in entry.items():
        mapping[key] = _styled(value)
    return mapping


def _update_mapping(mapping: Any, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Change the round-trip mapping of an entry from ``old`` to ``new``: changed values
    replaced where they stand (their comments kept), removed keys dropped, new keys put
    where the order of ``new`` puts them."""
    for key in [k for k in old if k not in new]:
        del mapping[key]
    order = list(new)
    for key, value in new.items():
        if key in old and old[key] == value:
            continue
        if key in mapping:
            mapping[key] = _styled(value)
            continue
        later = [k for k in order[order.index(key) + 1:] if k in mapping]
        position = list(mapping).index(later[0]) if later else len(mapping)
        mapping.insert(position, key, _styled(value))


def _styled(value: Any) -> Any:
    """A value as it is written: a string plain if that is safe, else double-quoted;
    lists of strings in flow style (``[a, b]``), mappings within lists in flow style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, str):
        return value if plain_is_safe(value) else DoubleQuotedScalarString(value)
    if isinstance(value, list):
        items = CommentedSeq([_styled(v) for v in value])
        items.fa.set_flow_style()
        return items
    if isinstance(value, dict):
        mapping = CommentedMap((k, _styled(v)) for k, v in value.items())
        mapping.fa.set_flow_style()
        return mapping
    return value


# Characters that may start a plain scalar only in some contexts, or never.
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_UNSAFE = set(",[]{}")


def plain_is_safe(text: str) -> bool:
    """Whether ``text`` can be written as a plain scalar and read back as the same string
    by YAML 1.1 (PyYAML, what every command reads with) and YAML 1.2 (ruamel): no
    leading or trailing space, no line break of any kind, no control or format
    character (French no-break spaces are fine), no indicator at the start, no ``: ``
    or `` #``, not a number, date, boolean or null."""
    if not text or text != text.strip() or text[0] in _INDICATORS:
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return False
    if any(c in _FLOW_UNSAFE for c in text):  # safe in block context, but not in [a, b]
        return False
    if any(unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp")
           for c in text):
        return False  # controls, format characters, line and paragraph separators
    return _resolves_to_str(text)


def _resolves_to_str(text: str) -> bool:
    import yaml
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    str_tag = "tag:yaml.org,2002:str"
    if yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False)) != str_tag:
        return False
    for version in ((1, 1), (1, 2)):
        tag = VersionedResolver(version).resolve(ScalarNode, text, (True, False))
        if str(getattr(tag, "value", tag)) != str_tag:
            return False
    return True


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


# --------------------------------------------------------------------------- writing

def _entry_line(text: str, index: int) -> int:
    import yaml

    from glossary.store import _yaml_loader, node_at

    _, loader_class = _yaml_loader(text)
    loader = loader_class(text.removeprefix("\ufeff"))
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return 0
    finally:
        loader.dispose()
    return node_at(node, ["entries"]).value[index].start_mark.line + 1


def _replace(target: Path, shown: Path, text: str, expected: dict[str, Any], index: int) -> int:
    """Write ``text`` beside ``target``, check that it reads back as ``expected``, and
    move it over ``target``; the line of entry ``index`` in it."""
    from glossary.store import node_at, read_term_file, schema_errors

    temporary = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        _write_new(temporary, text.encode("utf-8"), target)
        try:
            node, data = read_term_file(temporary)
        except TermFileError as exc:
            raise TermFileError(f"not changed: the new text would not read back ({exc.message}); "
                                "please report this", shown) from None
        if data != expected:
            raise TermFileError("not changed: the new text would not read back as meant; "
                                "please report this", shown)
        errors = schema_errors(shown, node, data)
        if errors:
            raise TermFileError(f"not changed: {errors[0].message}", shown)
        line = node_at(node, ["entries"]).value[index].start_mark.line + 1
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    _sync_directory(target.parent)
    return line


def _write_new(path: Path, data: bytes, like: Path) -> None:
    """A new file holding ``data``, on disk, with the mode of ``like`` if it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb", closefd=False) as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.chmod(path, stat.S_IMODE(os.stat(like).st_mode))
        except FileNotFoundError:
            pass
    finally:
        os.close(fd)


def _sync_directory(directory: Path) -> None:
    """Make the rename durable (where a directory can be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
