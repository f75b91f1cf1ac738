"""``check --align`` (texts not aligned line by line) and ``check --inline`` (a French text
quoting the Chinese in parentheses): the two other ways ``check`` reads its input."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import typer

from glossary.cli.common import (EXIT_FOUND, EXIT_NOT_FOUND, console, load, out, resolve_format,
                                 warn)
from glossary.errors import InputError, UsageError
from glossary.render import Format, visible, visible_marked, write_records

ALIGN_COLUMNS = ("line", "offset", "zh", "id", "verdict", "expected", "found", "near",
                 "similarity", "target_line", "target", "confidence", "bead")
INLINE_COLUMNS = ("line", "column", "zh", "id", "verdict", "expected", "found")
INLINE_TABLE_COLUMNS = ("line", "zh", "verdict", "expected", "found")
LOW_CONFIDENCE = 0.5  # beads below this are counted apart in the summary
VERDICT_STYLES = {"ok": "green", "missing": "red", "deprecated": "yellow", "unsure": "magenta",
                  "wrong": "red", "unknown": "cyan"}


@dataclass(frozen=True)
class CheckOptions:
    """What ``check`` was asked, for the two modes below."""

    source: Optional[str]
    target: Optional[str]
    lang: str
    problems: bool
    show_ok: bool
    yaml: bool
    encoding: Optional[str]
    fmt: Optional[Format]
    terms: Any
    no_builtin: bool
    source_encoding: Optional[str] = None  # each overrides ``encoding`` for its file
    target_encoding: Optional[str] = None


def run_mode(options: CheckOptions, align: bool, inline: bool, bilingual: bool) -> None:
    """Run ``check --align`` or ``check --inline``; never returns (exits with the status)."""
    if align and inline:
        raise UsageError("--align and --inline exclude each other")
    if bilingual:
        raise UsageError("--tsv and --csv are aligned already: not with --align or --inline")
    if options.yaml and not inline:
        raise UsageError("--yaml goes with --inline")
    (run_inline if inline else run_align)(options)


# --------------------------------------------------------------------------- --align

def run_align(options: CheckOptions) -> None:
    from glossary.align import check_aligned
    from glossary.textio import read_text

    if options.target is None:
        raise UsageError("--align needs SOURCE and TARGET files")
    if options.source == "-" and options.target == "-":
        raise UsageError("only one of SOURCE and TARGET can be - (stdin)")
    source = read_text(options.source, options.source_encoding or options.encoding)
    target = read_text(options.target, options.target_encoding or options.encoding)
    glossary = load(options.terms, options.no_builtin)
    report = check_aligned(glossary, source, target, options.lang)
    _warn_unchecked(report.unchecked, options.lang)
    fmt = resolve_format(options.fmt)
    if fmt is Format.TABLE:
        _print_aligned(report, options.lang, options.show_ok)
    else:
        findings = report.problems if options.problems else report.findings
        write_records((f.to_dict() for f in findings), fmt, out(), ALIGN_COLUMNS)
    raise typer.Exit(EXIT_NOT_FOUND if report.problems else EXIT_FOUND)


def _warn_unchecked(unchecked: Any, lang: str) -> None:
    if unchecked:
        shown = ", ".join(dict.fromkeys(u.zh for u in unchecked))
        warn(f"{len(unchecked)} term occurrence(s) not checked, no {lang} "
             f"rendering in the glossary: {shown}")


def _print_aligned(report: Any, lang: str, show_ok: bool) -> None:
    """Each Chinese sentence with a problem: where it is, its bead and confidence, the
    sentence with its terms marked, the aligned translation, the verdicts; a summary."""
    from rich.text import Text

    con = console()
    by_sentence: dict[tuple[int, int], list[Any]] = {}
    for finding in report.findings:
        by_sentence.setdefault((finding.finding.line, finding.offset), []).append(finding)
    sentences = {(s.line, s.start): s for s in report.source}
    for key, findings in by_sentence.items():
        if not show_ok and not any(f.is_problem for f in findings):
            continue
        first = findings[0]
        sentence = sentences[key]
        con.print(Text(f"line {key[0]}, offset {key[1]}", style="bold")
                  + Text(f"  bead {first.kind}, confidence {first.confidence:.2f}", style="dim"))
        zh = Text("  zh  ", style="dim")
        zh.append(_marked(sentence.text, [(f.finding.start, f.finding.end,
                                           "bold red" if f.is_problem else "green")
                                          for f in findings]))
        con.print(zh)
        translation = Text(f"  {lang}  ", style="dim")
        if first.target is None:
            translation.append("(aligned with nothing)", style="dim italic")
        else:
            translation.append(_marked(first.target, [
                (f.finding.found_start, f.finding.found_end, "bold red" if f.is_problem else "green")
                for f in findings if f.finding.found_start is not None]))
        con.print(translation)
        for finding in findings:
            if not show_ok and not finding.is_problem:
                continue
            row = Text("      ")
            row.append(f"{finding.verdict.value:<10}", style=VERDICT_STYLES[finding.verdict.value])
            row.append(f" {visible(finding.finding.zh)}", style="bold")
            row.append(" → ", style="dim")
            row.append(visible(finding.finding.expected), style="green")
            if finding.finding.found is not None and finding.is_problem:
                unsure = finding.verdict.value == "unsure"
                row.append("  in a neighbouring sentence: " if unsure else "  found: ", style="dim")
                row.append(visible(finding.finding.found), style="red")
            con.print(row)
        con.print()
    counts = report.counts()
    low = sum(1 for b in report.beads if b.confidence < LOW_CONFIDENCE)
    con.print(Text(
        f"{len(report.source)} sentences aligned with {len(report.target)} in {len(report.beads)} "
        f"beads ({low} with confidence below {LOW_CONFIDENCE}); {len(report.findings)} terms "
        f"checked: {counts['ok']} ok, {counts['missing']} missing, "
        f"{counts['deprecated']} deprecated, {counts['unsure']} unsure",
        style="red" if report.problems else "green"))


def _marked(text: str, marks: list[tuple[int, int, str]]):
    """The text made visible (controls shown, never sent to the terminal), marked."""
    return visible_marked(text, marks)


# --------------------------------------------------------------------------- --inline

_PATH_LIKE = re.compile(r"[/\\]|\.[A-Za-z0-9]{1,5}$")


def _inline_text(given: Optional[str], encoding: Optional[str]) -> tuple[str, str]:
    """The text to check and its name: a file, stdin (``-`` or nothing), or the argument."""
    from glossary.textio import read_text, source_name

    if given is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("give a TEXT or a FILE, or - to read standard input")
        given = "-"
    if given == "-" or _is_file(given):
        return read_text(given, encoding), source_name(given)
    if "\n" not in given and _is_dir(given):
        raise InputError("is a directory, not a text file", given)
    if _PATH_LIKE.search(given) and " " not in given and "\n" not in given:
        raise InputError("no such file", given)
    if encoding:
        raise UsageError("--encoding and --target-encoding apply to a file or stdin, not to a "
                         "text argument")
    return given, "TEXT"


def _is_file(given: str) -> bool:
    """An existing path that is not a directory: a file, a FIFO, ``<(…)``, a device."""
    try:
        return Path(given).exists() and not Path(given).is_dir()
    except (OSError, ValueError):  # a text too long, or with a NUL, to be a file name
        return False


def _is_dir(given: str) -> bool:
    try:
        return Path(given).is_dir()
    except (OSError, ValueError):
        return False


def run_inline(options: CheckOptions) -> None:
    from glossary.inline import check_inline, stub_entries, stubs_yaml

    if options.target is not None:
        raise UsageError("--inline checks one text: give TEXT, FILE or -, not two")
    if options.yaml and options.fmt is not None:
        raise UsageError("--yaml and --format exclude each other")
    text, name = _inline_text(options.source, options.target_encoding or options.encoding)
    glossary = load(options.terms, options.no_builtin)
    report = check_inline(glossary, text, options.lang)
    _warn_unchecked(report.unchecked, options.lang)
    if options.yaml:
        entries = stub_entries(report.findings, text, name, options.lang,
                               (e.id for e in glossary))
        if entries:
            out().write(stubs_yaml(entries, name))
        raise typer.Exit(EXIT_FOUND if entries else EXIT_NOT_FOUND)
    findings = report.problems if options.problems else report.findings
    records = [f.to_dict() for f in findings]
    fmt = resolve_format(options.fmt)
    if fmt is Format.TABLE:
        counts = report.counts()
        title = (f"{len(report.findings)} quoted terms: {counts['ok']} ok, {counts['wrong']} wrong, "
                 f"{counts['deprecated']} deprecated, {counts['unknown']} unknown")
        write_records(records, fmt, out(), INLINE_TABLE_COLUMNS, console=console(), title=title)
    else:
        write_records(records, fmt, out(), INLINE_COLUMNS)
    raise typer.Exit(EXIT_NOT_FOUND if report.problems else EXIT_FOUND)
