"""``validate``: lint term files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from glossary.cli.common import (EXIT_FOUND, EXIT_NOT_FOUND, FormatOption, NoBuiltinOption,
                                 MESSAGE_MAX, TermsOption, command_app, console, out, user_paths)
from glossary.render import Format, one_line, write_records

app = command_app()


@app.command()
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Term files or directories to check, against the term base they will be used "
             "with (the shipped files and yours) [default: the shipped files and yours].",
        show_default=False)] = None,
    fmt: FormatOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Check term files: schema, duplicate ids and zh, pinyin against the characters,
    traditional forms against OpenCC, domains against categories. Exit 0 clean, 1
    problems found, 2 unreadable."""
    from glossary.lint import lint_entries, lint_files
    from glossary.store import builtin_terms_dir

    # Each layer is checked on its own (an id may override a shipped one), then the
    # merged term base for duplicate zh, dangling references and the rest. Given
    # paths are the top layers; only their problems are reported.
    layers = ([] if no_builtin else [builtin_terms_dir()]) + user_paths(terms) + list(paths or [])
    layer_files = _distinct_files(layers)
    checked = ({str(f) for files in layer_files[len(layer_files) - len(paths):] for f in files}
               if paths else None)
    problems = []
    merged = {}
    positions: dict = {}
    cut = _word_cutter()
    known: dict[str, str] = {}  # the shipped Chinese forms: a foreign term base's overrides
    for n, files in enumerate(layer_files):
        entries, layer_problems = lint_files(files, deep=False, positions=positions, cut=cut,
                                             known=known)
        problems.extend(layer_problems)
        merged.update((e.id, e) for e in entries)
        if n == 0 and not no_builtin:
            known = {e.zh: e.id for e in entries}
    problems.extend(lint_entries(list(merged.values()), positions, cut))
    if checked is not None:
        problems = [p for p in problems if p.path in checked]
    problems.sort(key=lambda p: (p.path or "", p.line or 0, p.col or 0))
    count = len(checked) if checked is not None else sum(len(f) for f in layer_files)
    if fmt in (None, Format.TABLE, Format.PLAIN):
        # Compiler-style lines, the form editors and pre-commit hooks understand.
        for problem in problems:
            typer.echo(one_line(str(problem), MESSAGE_MAX))  # a quoted zh cannot drive the terminal
        if stderr_is_terminal():
            console(stderr=True).print(f"{_plural(count, 'file')} checked, "
                                       f"{_plural(len(problems), 'problem')}",
                                       style="red" if problems else "green", markup=False)
    else:
        write_records([p.to_dict() for p in problems], fmt, out(),
                      ("path", "line", "col", "id", "check", "message", "suggestion"))
    raise typer.Exit(EXIT_NOT_FOUND if problems else EXIT_FOUND)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _distinct_files(layers: list[Path]) -> list[list[Path]]:
    """The term files of each layer; a file reached twice (``validate terms/`` in a
    source checkout, where terms/ is also the shipped layer) belongs to its last layer."""
    from glossary.store import term_files

    per_layer = [term_files(layer) for layer in layers]
    last: dict[Path, int] = {}
    for i, files in enumerate(per_layer):
        for f in files:
            last[f.resolve()] = i
    return [[f for f in files if last[f.resolve()] == i] for i, files in enumerate(per_layer)]


def _word_cutter():
    """jieba's words, for pinyin suggestions; jieba loads on the first call only."""
    segmenter = None

    def cut(zh: str) -> list[str]:
        nonlocal segmenter
        if segmenter is None:
            from glossary.segment import Segmenter

            segmenter = Segmenter(None)
        return segmenter.words(zh)

    return cut
