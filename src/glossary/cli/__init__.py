"""The command-line interface: a thin Typer layer over the library.

Each group of commands lives in its own module with an ``app`` of its own; the root
command imports a module only when one of its commands runs (see ``COMMANDS``).
Heavy libraries (jieba, OpenCC, pypinyin) are imported inside the commands
that need them, never here.
"""

from __future__ import annotations

from glossary.cli.common import COMMANDS, app, main

__all__ = ["COMMANDS", "app", "main"]
