"""``check`` and ``extract``: terminology QA of a translation, and candidate new terms."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Any, Optional

import typer

from glossary.cli.common import (EXIT_FOUND, EXIT_NOT_FOUND, EncodingOption, FormatOption,
                                 InputArgument, NoBuiltinOption, TermsOption, command_app, console,
                                 load, out, resolve_format, warn)
from glossary.errors import UsageError
from glossary.render import Format, visible, visible_marked, write_records

app = command_app()

CHECK_COLUMNS = ("line", "zh", "id", "verdict", "expected", "found", "near", "similarity")
EXTRACT_COLUMNS = ("rank", "zh", "count", "score", "pinyin", "line", "example", "contains")
EXTRACT_TABLE_COLUMNS = ("rank", "zh", "count", "pinyin", "example")


class TargetLang(str, Enum):
    FR = "fr"
    EN = "en"


# --------------------------------------------------------------------------- check

def _read_segments(source: str, target: Optional[str], tsv: bool, csv_: bool,
                   encoding: Optional[str], source_encoding: Optional[str] = None,
                   target_encoding: Optional[str] = None):
    from glossary.qa import Bilingual, pair_lines, read_bilingual
    from glossary.textio import read_text, source_name

    if tsv and csv_:
        raise UsageError("--tsv and --csv exclude each other")
    if tsv or csv_:
        if target is not None:
            raise UsageError("with --tsv or --csv give one bilingual file, not SOURCE and TARGET")
        layout = Bilingual.TSV if tsv else Bilingual.CSV
        return read_bilingual(read_text(source, encoding), layout, source_name(source))
    if target is None:
        raise UsageError("missing TARGET: give SOURCE and TARGET files, "
                         "or one bilingual file with --tsv or --csv")
    if source == "-" and target == "-":
        raise UsageError("only one of SOURCE and TARGET can be - (stdin)")
    return pair_lines(read_text(source, source_encoding or encoding),
                      read_text(target, target_encoding or encoding),
                      source_name(source), source_name(target))


def _print_report(report: Any, lang: str, show_ok: bool) -> None:
    """Each problem segment: the source with its terms marked, the target, the verdicts;
    then the summary line."""
    from rich.text import Text

    con = console()
    by_line: dict[int, list[Any]] = {}
    for finding in report.findings:
        by_line.setdefault(finding.line, []).append(finding)
    segments = {s.line: s for s in report.segments}
    for line, findings in by_line.items():
        if not show_ok and not any(f.is_problem for f in findings):
            continue
        segment = segments[line]
        head = Text(f"line {line}", style="bold")
        con.print(head)
        source = Text()
        source.append("  zh  ", style="dim")
        source.append(_marked(segment.source, [(f.start, f.end, "bold red" if f.is_problem
                                                 else "green") for f in findings]))
        con.print(source)
        target = Text()
        target.append(f"  {lang}  ", style="dim")
        target.append(_marked(segment.target, [(f.found_start, f.found_end,
                                                 "bold red" if f.is_problem else "green")
                                                for f in findings if f.found_start is not None]
                              + [(f.near.start, f.near.end, "yellow underline")
                                 for f in findings if f.near is not None]))
        con.print(target)
        for finding in findings:
            if not show_ok and not finding.is_problem:
                continue
            row = Text("      ")
            style = {"ok": "green", "missing": "red", "deprecated": "yellow"}[finding.verdict.value]
            row.append(f"{finding.verdict.value:<10}", style=style)
            row.append(f" {visible(finding.zh)}", style="bold")
            row.append(" → ", style="dim")
            row.append(visible(finding.expected), style="green")
            if finding.found is not None and finding.is_problem:
                row.append("  found: ", style="dim")
                row.append(visible(finding.found), style="red")
            if finding.near is not None:
                row.append("  near: ", style="dim")
                row.append(visible(finding.near.text), style="yellow")
                row.append(f" ({finding.near.similarity:.0f}%)", style="dim")
            con.print(row)
        con.print()
    counts = report.counts()
    def plural(n: int, noun: str) -> str:
        return f"{n} {noun}" if n == 1 else f"{n} {noun}s"

    summary = Text(f"{plural(len(report.segments), 'segment')}, "
                   f"{plural(len(report.findings), 'term')} checked: "
                   f"{counts['ok']} ok, {counts['missing']} missing, "
                   f"{counts['deprecated']} deprecated",
                   style="red" if report.problems else "green")
    con.print(summary)


def _marked(text: str, marks: list[tuple[int, int, str]]):
    """The text made visible (controls shown, never sent to the terminal), marked."""
    return visible_marked(text, marks)


@app.command()
def check(
    source: Annotated[Optional[str], typer.Argument(
        metavar="SOURCE", help="The Chinese text, one segment a line (a file, or - for stdin); "
             "with --tsv or --csv, the bilingual file; with --inline, the French TEXT, FILE or -.",
        show_default=False)] = None,
    target: Annotated[Optional[str], typer.Argument(
        metavar="[TARGET]", help="The translation, line-aligned with SOURCE (a file, or -).", show_default=False)] = None,
    lang: Annotated[TargetLang, typer.Option(
        "--lang", "-l", case_sensitive=False, help="Language of the translation.")] = TargetLang.FR,
    tsv: Annotated[bool, typer.Option(
        "--tsv", help="SOURCE is one bilingual file: tab-separated source and target columns.")] = False,
    csv_: Annotated[bool, typer.Option(
        "--csv", help="SOURCE is one bilingual CSV file: source and target columns.")] = False,
    problems: Annotated[bool, typer.Option(
        "--problems", help="Only problem verdicts in machine formats (the terminal report "
                           "shows only problem segments anyway).")] = False,
    show_ok: Annotated[bool, typer.Option(
        "--all", help="Terminal report: show every segment with terms, not only problems.")] = False,
    align: Annotated[bool, typer.Option(
        "--align", help="SOURCE and TARGET are not aligned line by line: cut them into "
                        "sentences and align them first.")] = False,
    inline: Annotated[bool, typer.Option(
        "--inline", help="Check one French (or --lang en) text that quotes the Chinese in "
                         "parentheses: is the phrase before each the approved rendering?")] = False,
    yaml_: Annotated[bool, typer.Option(
        "--yaml", help="With --inline: term file stubs for the quoted Chinese the glossary "
                       "lacks, the phrase before it as rendering.")] = False,
    encoding: EncodingOption = None,
    source_encoding: Annotated[Optional[str], typer.Option(
        "--source-encoding", metavar="NAME", help="Encoding of SOURCE (overrides --encoding).",
        show_default=False)] = None,
    target_encoding: Annotated[Optional[str], typer.Option(
        "--target-encoding", metavar="NAME", help="Encoding of TARGET, or of the --inline text "
        "(overrides --encoding) [default: detected: UTF-8, else Windows-1252 for a French or "
        "English text].", show_default=False)] = None,
    fmt: FormatOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Check a translation: is every glossary term of the Chinese rendered the approved way?

    For each term occurrence in each source line: ok (the reference rendering or an
    admitted variant is in the target line), missing, or deprecated (a deprecated
    variant is used). A term twice in the source needs two renderings. Exit 0 clean,
    1 problems found, 2 bad input (e.g. files not aligned).

    --align: SOURCE and TARGET are paragraphed differently; they are aligned sentence
    by sentence first. --inline TEXT|FILE|-: one French (or English) text with the
    Chinese in parentheses; is the phrase before each an approved rendering?
    """
    if align or inline or yaml_:
        from glossary.cli.check_modes import CheckOptions, run_mode

        run_mode(CheckOptions(source, target, lang.value, problems, show_ok, yaml_, encoding, fmt,
                              terms, no_builtin, source_encoding, target_encoding),
                 align=align, inline=inline, bilingual=tsv or csv_)
    if source is None:
        raise UsageError("give SOURCE and TARGET files, or one bilingual file with --tsv or --csv")
    from glossary.qa import Checker

    segments = _read_segments(source, target, tsv, csv_, encoding, source_encoding, target_encoding)
    glossary = load(terms, no_builtin)
    report = Checker(glossary, lang.value).run(segments)
    if report.unchecked:
        shown = ", ".join(dict.fromkeys(u.zh for u in report.unchecked))
        warn(f"{len(report.unchecked)} term occurrence(s) not checked, no {lang.value} "
             f"rendering in the glossary: {shown}")
    fmt = resolve_format(fmt)
    if fmt is Format.TABLE:
        _print_report(report, lang.value, show_ok)
    else:
        findings = report.problems if problems else report.findings
        write_records((f.to_dict() for f in findings), fmt, out(), CHECK_COLUMNS)
    raise typer.Exit(EXIT_NOT_FOUND if report.problems else EXIT_FOUND)


# --------------------------------------------------------------------------- extract

@app.command()
def extract(
    file: InputArgument = None,
    limit: Annotated[int, typer.Option(
        "--limit", "-n", min=0, help="How many candidates at most (0: all).")] = 30,
    min_count: Annotated[int, typer.Option(
        "--min-count", "-m", min=1, help="Only candidates seen at least this many times.")] = 1,
    yaml_: Annotated[bool, typer.Option(
        "--yaml", help="Print ready-to-edit term file entries (id, zh, zh_hant, pinyin filled "
                       "in; fr and en to do) instead of the ranked list.")] = False,
    encoding: EncodingOption = None,
    fmt: FormatOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Candidate new terms in a Chinese text that the glossary lacks, ranked.

    Compounds and recurring word sequences, scored by frequency, specificity against
    jieba's dictionary and the shape of policy terms, with pinyin and an example
    sentence; --yaml prints ready-to-edit term file entries. Exit 0 candidates found,
    1 none, 2 bad input.
    """
    from glossary.extract import extract as extract_terms
    from glossary.extract import to_pinyin, yaml_stubs
    from glossary.textio import read_text, source_name

    if yaml_ and fmt is not None:
        raise UsageError("--yaml and --format exclude each other")
    if file is None:
        if sys.stdin.isatty():
            raise UsageError("give a FILE, or - to read the text from stdin")
        file = "-"
    text = read_text(file, encoding)
    glossary = load(terms, no_builtin)
    with _progress("Looking for candidate terms…"):
        candidates = extract_terms(text, glossary, limit=limit or None, min_count=min_count)
    if yaml_:
        if candidates:
            out().write(yaml_stubs(candidates, text, source_name(file), (e.id for e in glossary)))
        raise typer.Exit(EXIT_FOUND if candidates else EXIT_NOT_FOUND)
    records = []
    for rank, candidate in enumerate(candidates, start=1):
        record = {"rank": rank, **candidate.to_dict(), "pinyin": to_pinyin(candidate.words)}
        records.append(record)
    fmt = resolve_format(fmt)
    if fmt is Format.TABLE:
        write_records(records, fmt, out(), EXTRACT_TABLE_COLUMNS, console=console(),
                      title=f"{len(records)} candidate terms")
    else:
        write_records(records, fmt, out(), EXTRACT_COLUMNS)
    raise typer.Exit(EXIT_FOUND if records else EXIT_NOT_FOUND)


class _progress:
    """A spinner on stderr while jieba loads, only when stderr is a terminal."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.status = None

    def __enter__(self):
        if sys.stderr.isatty():
            self.status = console(stderr=True).status(self.message)
            self.status.__enter__()
        return self

    def __exit__(self, *exc):
        if self.status is not None:
            self.status.__exit__(*exc)
        return False
