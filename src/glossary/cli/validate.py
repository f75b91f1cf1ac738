"""``validate``: lint term files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from glossary.cli.common import (EXIT_FOUND, EXIT_NOT_FOUND, FormatOption, NoBuiltinOption,
                                 TermsOption, command_app, console, out, user_paths)
from glossary.render import Format, write_records

app = command_app()


@app.command()
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Term files or directories to check as one set [default: the shipped files and yours].",
        show_default=False)] = None,
    fmt: FormatOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Check term files: schema, duplicate ids and zh, pinyin against the characters,
    traditional forms against OpenCC. Exit 0 clean, 1 problems found, 2 unreadable."""
    from glossary.lint import lint_entries, lint_files
    from glossary.store import builtin_terms_dir, term_files

    if paths:
        files = [f for p in paths for f in term_files(p)]
        _, problems = lint_files(files)
    else:
        # Each layer is checked on its own (an id may override a shipped one),
        # then the merged glossary for duplicate zh and dangling references.
        layers = ([] if no_builtin else [builtin_terms_dir()]) + user_paths(terms)
        problems = []
        merged = {}
        files = []
        for layer in layers:
            layer_files = term_files(layer)
            files.extend(layer_files)
            entries, layer_problems = lint_files(layer_files, deep=False)
            problems.extend(layer_problems)
            merged.update((e.id, e) for e in entries)
        problems.extend(lint_entries(list(merged.values())))
    problems.sort(key=lambda p: (p.path or "", p.line or 0, p.col or 0))
    if fmt in (None, Format.TABLE, Format.PLAIN):
        # Compiler-style lines, the form editors and pre-commit hooks understand.
        for problem in problems:
            typer.echo(str(problem))
        if sys.stderr.isatty():
            console(stderr=True).print(f"{len(files)} files checked, {len(problems)} problems",
                                       style="red" if problems else "green", markup=False)
    else:
        write_records([p.to_dict() for p in problems], fmt, out(),
                      ("path", "line", "col", "id", "check", "message", "suggestion"))
    raise typer.Exit(EXIT_NOT_FOUND if problems else EXIT_FOUND)
