"""``add``: one entry into your own term file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from glossary.cli.common import (EXIT_FOUND, FormatOption, NoBuiltinOption, TermsOption, command_app,
                                 out, user_paths, warn)

app = command_app()


def _text(help_text: str, *names: str, metavar: str = "TEXT") -> object:
    return typer.Option(*names, help=help_text, metavar=metavar, show_default=False)


@app.command()
def add(
    zh: Annotated[Optional[str], _text("The Chinese term (simplified).", "--zh")] = None,
    fr: Annotated[Optional[str], _text("The reference French rendering.", "--fr")] = None,
    en: Annotated[Optional[str], _text("The English rendering.", "--en")] = None,
    domain: Annotated[Optional[str], _text(
        "One of the 22 domains (glossary domains lists them) [default: general].",
        "--domain", "-d", metavar="SLUG")] = None,
    category: Annotated[Optional[str], _text(
        "The category [default: the domain's].", "--category", "-c", metavar="SLUG")] = None,
    note: Annotated[Optional[str], _text("What a translator needs to know.", "--note")] = None,
    pinyin: Annotated[Optional[str], _text(
        "Pinyin with tone marks, word-joined [default: pypinyin's reading, marked generated].",
        "--pinyin")] = None,
    zh_hant: Annotated[Optional[str], _text(
        "The traditional form [default: OpenCC's, marked generated].", "--zh-hant")] = None,
    source: Annotated[Optional[str], _text(
        "Where the term comes from [default: glossary add and the date].", "--source")] = None,
    entry_id: Annotated[Optional[str], _text(
        "The entry's id, an ASCII slug [default: made from the English or French]; with "
        "--update, the entry to change.", "--id", metavar="SLUG")] = None,
    pinyin_deliberate: Annotated[Optional[bool], typer.Option(
        "--pinyin-deliberate/--no-pinyin-deliberate",
        help="The pinyin differs from pypinyin's on purpose: validate leaves it alone.",
        show_default=False)] = None,
    zh_hant_deliberate: Annotated[Optional[bool], typer.Option(
        "--zh-hant-deliberate/--no-zh-hant-deliberate",
        help="The traditional form differs from OpenCC's on purpose.", show_default=False)] = None,
    file: Annotated[Optional[Path], typer.Option(
        "--file", metavar="PATH",
        help="The term file to write (made if missing) [default: your personal term file, "
             "$GLOSSARY_DATA_DIR/terms.yaml, which every command reads].",
        show_default=False)] = None,
    update: Annotated[bool, typer.Option(
        "--update", help="Change the entry found by --id (else --zh): only the fields given; "
                         "an empty value removes an optional field.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check and show the entry, write nothing.")] = False,
    fmt: FormatOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Add an entry to your own term file (or change one with --update), the rest of the
    file kept as it was.

    Pinyin, traditional form and id are filled in when not given, and listed in the
    entry's generated field; a Chinese term that the glossary already has becomes your
    override of that entry. The entry is checked as glossary validate checks it before
    anything is written. Prints one line on stderr (the entry itself on stdout with
    --format). Exit 0 written, 2 refused or bad usage."""
    from glossary.authoring import Given, TermBase, add_entry
    from glossary.compiled import open_store
    from glossary.store import personal_terms_file

    given = Given(zh=zh, fr=fr, en=en, pinyin=pinyin, zh_hant=zh_hant, domain=domain,
                  category=category, note=note, source=source, id=entry_id,
                  pinyin_deliberate=pinyin_deliberate, zh_hant_deliberate=zh_hant_deliberate)
    if file is not None and not str(file):
        from glossary.errors import UsageError

        raise UsageError("--file: empty path given")
    target = file if file is not None else personal_terms_file()
    # The term base the entry joins (as validate sees it): for overrides and unique ids.
    store = open_store(user_paths(terms), builtin=not no_builtin)
    try:
        base = TermBase.of_store(store, target)
    finally:
        store.close()
    outcome = add_entry(target, given, base, update=update, dry_run=dry_run,
                        make_parents=file is None)
    warn(_summary(outcome))
    if not outcome.layout_kept:
        warn(f"{outcome.path}: its layout could not be kept exactly (mixed indentation?): "
             "comments and order are, but some lines were re-indented")
    if fmt is not None:
        _print(outcome, fmt)
    raise typer.Exit(EXIT_FOUND)


def _summary(outcome) -> str:
    """The line that says what was done: ``added drone (无人机 → drone) to PATH:LINE …``."""
    from glossary.render import visible

    entry = outcome.entry
    verb = {"added": "would add", "updated": "would update"}[outcome.action] if outcome.dry_run \
        else outcome.action
    where = f"{outcome.path}:{outcome.line}"
    what = f"{entry['id']} ({entry['zh']} → {entry['fr']})"
    if outcome.action == "updated":
        changed = ", ".join(outcome.changed) or "nothing changed"
        line = f"{verb} {what} in {where}: {changed}"
    else:
        line = f"{verb} {what} {'in a new file ' if outcome.created else 'to '}{where}"
        if outcome.overrides is not None:
            kind = "shipped entry" if outcome.overrides.origin and outcome.overrides.origin.builtin \
                else "entry"
            line += f", overriding the {kind} at {outcome.overrides.origin}"
    made = [f"{k} {entry[k]}" if k in ("pinyin", "zh_hant") else k
            for k in entry.get("generated", [])
            if outcome.action == "added" or k in outcome.changed]
    if made:
        line += f" (filled in, to review: {', '.join(made)})"
    return visible(" ".join(line.replace("\t", " ").splitlines()))


def _print(outcome, fmt) -> None:
    from glossary.cli.entries import SHOW_COLUMNS, entry_record
    from glossary.model import Entry, Origin
    from glossary.render import Format, write_records

    entry = Entry.from_dict(outcome.entry, Origin(str(outcome.path), outcome.line, False),
                            outcome.overrides.origin if outcome.overrides is not None else None)
    record = entry_record(entry)
    if fmt is Format.TABLE:
        from glossary.cli.common import console
        from glossary.cli.entries import SHOW_LABELS
        from glossary.render import print_entry

        print_entry(console(), record, SHOW_LABELS)
        return
    if fmt is Format.JSON:
        import json

        out().write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        return
    write_records([record], fmt, out(), SHOW_COLUMNS)
