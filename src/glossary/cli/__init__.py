"""The command-line interface: a thin Typer layer over the library.

Each group of commands lives in its own module and registers itself on ``app``.
Heavy libraries (jieba, OpenCC, pypinyin) are imported inside the commands
that need them, never here.
"""

from __future__ import annotations

from glossary.cli.common import app, main

# Command modules register their commands on import; the order is the order of --help.
from glossary.cli import entries as _entries  # noqa: E402,F401
from glossary.cli import lookup as _lookup  # noqa: E402,F401
from glossary.cli import validate as _validate  # noqa: E402,F401
from glossary.cli import qa as _qa  # noqa: E402,F401
from glossary.cli import text as _text  # noqa: E402,F401

__all__ = ["app", "main"]
