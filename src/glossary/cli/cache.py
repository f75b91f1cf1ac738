"""``cache``: what the cache directory holds, and emptying it."""

from __future__ import annotations

from typing import Annotated

import typer

from glossary.cli.common import EXIT_FOUND, FormatOption, command_app, console, out, resolve_format
from glossary.render import Format, write_records

app = command_app()

COLUMNS = ("kind", "size", "used", "files", "path")


def _records() -> list[dict]:
    import time

    from glossary.cache import cache_files, store_roots

    records = []
    for f in cache_files():
        roots, count = store_roots(f.path) if f.kind == "store" else ([], None)
        records.append({
            "kind": f.kind,
            "size": f.size,
            "used": time.strftime("%Y-%m-%d %H:%M", time.localtime(f.used)),
            "files": count,
            "path": str(f.path),
            "roots": roots,
        })
    return records


@app.command()
def cache(
    action: Annotated[str, typer.Argument(
        metavar="info|clear",
        help="info: the cache directory's files (compiled stores of term files, jieba's "
             "table), their size, when each was last used and how many term files it holds (and from which directories); "
             "clear: remove them all (they are built again when needed).")] = "info",
    fmt: FormatOption = None,
) -> None:
    """Show or clear the cache: the compiled store of each set of term files, jieba's table.

    Stores unused for 30 days, or the least recently used beyond $GLOSSARY_CACHE_MAX_MB
    (default 1024), are removed automatically; never one used in the last hour."""
    from glossary.cache import cache_dir, clear
    from glossary.errors import UsageError

    if action == "clear":
        removed = clear()
        from glossary.cli.common import warn

        warn(f"removed {len(removed)} file{'s' if len(removed) != 1 else ''} from {cache_dir()}")
        raise typer.Exit(EXIT_FOUND)
    if action != "info":
        raise UsageError(f"unknown cache action {action!r}; use info or clear")
    records = _records()
    fmt = resolve_format(fmt)
    if fmt is Format.TABLE:
        total = sum(r["size"] for r in records)
        shown = [dict(r, size=_human(r["size"]), files="" if r["files"] is None else r["files"])
                 for r in records]
        write_records(shown, fmt, out(), COLUMNS, console=console(),
                      title=f"{cache_dir()}: {len(records)} files, {_human(total)}")
    else:
        write_records(records, fmt, out(), (*COLUMNS, "roots"))
    raise typer.Exit(EXIT_FOUND)


def _human(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"
