"""``segment`` and ``highlight``: reading a Chinese text with the glossary."""

from __future__ import annotations

import os
import re
import stat
import sys
from enum import Enum
from typing import Annotated, Iterable, Iterator, Optional

import typer

from glossary.cli.common import (EXIT_FOUND, EXIT_NOT_FOUND, EncodingOption,
                                 NoBuiltinOption, ScriptOption, TermsOption, command_app, console,
                                 out, stdout_is_terminal)
from glossary.errors import InputError, UsageError
from glossary.highlight import Gloss

app = command_app()


class SegmentFormat(str, Enum):
    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    TSV = "tsv"
    CSV = "csv"


class HighlightFormat(str, Enum):
    TEXT = "text"
    HTML = "html"
    MD = "md"
    JSON = "json"
    JSONL = "jsonl"
    TSV = "tsv"
    CSV = "csv"


class ColourBy(str, Enum):
    CATEGORY = "category"
    DOMAIN = "domain"


MACHINE = (HighlightFormat.JSON, HighlightFormat.JSONL, HighlightFormat.TSV, HighlightFormat.CSV)
TOKEN_COLUMNS = ("text", "start", "end", "id")
SUMMARY_COLUMNS = ("zh", "count", "pinyin", "fr", "en", "domain")

# Rich styles for terms on a terminal, by category; domains take the palette in turn.
CATEGORY_STYLES = {
    "general": "bold white on grey23",
    "new-fields": "bold black on dark_sea_green2",
    "industry-upgrade": "bold black on light_goldenrod2",
    "sectoral": "bold black on light_sky_blue1",
    "governance": "bold black on plum2",
    "livelihood": "bold black on light_salmon1",
}
DOMAIN_PALETTE = ("dark_sea_green2", "light_goldenrod2", "light_sky_blue1", "plum2",
                  "light_salmon1", "pale_turquoise1", "khaki1", "thistle1", "light_pink1",
                  "aquamarine1", "wheat1")

PROGRESS_MIN_BYTES = 20_000_000  # below this a file is read too fast for a progress bar
# What a file name looks like: a .ext ending, or a path separator in a text without hanzi.
_FILE_ENDING = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_SEPARATOR = re.compile(r"[/\\]")
_HAN = re.compile(r"[\u3400-\u9FFF\uF900-\uFAFF]")


# --------------------------------------------------------------------------- input

def _stdin_or_refuse(what: str) -> None:
    if sys.stdin is None or (hasattr(sys.stdin, "isatty") and sys.stdin.isatty()):
        raise UsageError(f"give {what}, or - to read standard input")


def _path_kind(given: str) -> Optional[str]:
    """``"dir"``, ``"other"`` (anything else that exists: a file, a pipe, a FIFO, a
    device; or what cannot be looked at, which reading it will say), or None when
    ``given`` names nothing (or cannot be a path at all: too long, a NUL in it)."""
    import errno

    try:
        mode = os.stat(given).st_mode
    except ValueError:
        return None
    except OSError as exc:
        return None if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG) else "other"
    return "dir" if stat.S_ISDIR(mode) else "other"


def _text_input(given: Optional[str], encoding: Optional[str], command: str) -> Iterable[str]:
    """Pieces of the text to read: a file, stdin (``-`` or nothing), or the argument
    itself when it is not an existing path and does not look like a file name."""
    from glossary.textio import iter_text_chunks

    if given is None or given == "-":
        if given is None:
            _stdin_or_refuse("a text or a file")
        return _primed(iter_text_chunks("-", encoding))
    if not given:
        raise UsageError("empty text: give a text, a file, or - for standard input")
    kind = _path_kind(given)
    if kind == "dir":
        raise InputError("is a directory, not a text file", given)
    if kind == "other":  # a file, a pipe (<(command)), a FIFO, a device: read it
        return _primed(_read_chunks(given, encoding))
    looks_like_file = bool(_FILE_ENDING.search(given)) or (
        bool(_SEPARATOR.search(given)) and not _HAN.search(given))
    if looks_like_file and "\n" not in given:
        raise InputError(f"no such file (to {command} it as text, pipe it in: "
                         f"echo '…' | glossary {command})", given)
    if encoding:
        raise UsageError("--encoding applies to a file or stdin, not to a text argument")
    return [given]


TextArgument = Annotated[Optional[str], typer.Argument(
    metavar="[TEXT|FILE|-]",
    help="The text itself, a file, or - (or nothing, when piped) for standard input. "
         "An argument that is not a file and looks like a file name (a / or a .ext "
         "ending) is reported missing, not read as text.",
    show_default=False)]


def _primed(chunks: Iterator[str]) -> Iterator[str]:
    """``chunks`` with the first one read now: a missing, binary or undecodable input
    fails before anything is written."""
    from itertools import chain

    first = next(chunks, None)
    return iter(()) if first is None else chain([first], chunks)


def _read_chunks(source: str, encoding: Optional[str]) -> Iterator[str]:
    """The text in pieces; for a big file, with progress on stderr when stderr is a
    terminal and stdout is not (the output goes to a file or a pipe)."""
    from glossary.textio import iter_text_chunks

    size = 0
    if source != "-":
        try:
            size = os.path.getsize(source)
        except OSError:
            size = 0  # iter_text_chunks says what is wrong
    if size < PROGRESS_MIN_BYTES or stdout_is_terminal() or not sys.stderr.isatty():
        yield from iter_text_chunks(source, encoding)
        return
    from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                               TimeRemainingColumn, TransferSpeedColumn)

    with Progress(TextColumn("reading"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  TimeRemainingColumn(), console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("reading", total=size)
        yield from iter_text_chunks(source, encoding,
                                    on_read=lambda n: progress.update(task, completed=n))


def _term_index(terms, no_builtin: bool):
    """The matcher and the entries (cached together: fast even for a large glossary)."""
    from glossary.cli.common import user_paths
    from glossary.matcher import load_term_index

    return load_term_index(user_paths(terms), builtin=not no_builtin)


def _use_colour() -> bool:
    return stdout_is_terminal() and "NO_COLOR" not in os.environ


# --------------------------------------------------------------------------- segment

def _pinyin_of(glossary):
    """A function token → pinyin: the entry's reviewed pinyin for a term, pypinyin for
    other Han words, None for anything else."""
    from glossary.pinyin import hanzi_readings, term_pinyin

    def pinyin(token) -> Optional[str]:
        if token.entry_id is not None:
            entry = glossary.get(token.entry_id)
            return term_pinyin(token.text, entry.zh, entry.pinyin)
        if not _HAN.search(token.text):
            return None
        return "".join(hanzi_readings(token.text))

    return pinyin


def _write_tokens_text(tokens: Iterator, sep: str, pinyin, stream) -> None:
    """Tokens separated by ``sep``, one output line per input line. Whitespace
    tokens only separate words and are not printed; line breaks are kept. Written as
    they come: a line of any length costs no memory."""
    from glossary.render import visible as show  # text for people: controls shown, as highlight

    pending: list[str] = []  # what is ready to write
    in_line = False  # a token of this line is written: the next one needs ``sep``
    for token in tokens:
        text = token.text
        if "\n" in text or "\r" in text:
            pending.append(text)
            in_line = False
        elif not text.isspace():
            if pinyin is not None:
                reading = pinyin(token)
                if reading:
                    text = f"{text}/{reading.replace(' ', '')}"
            if in_line:
                pending.append(sep)
            pending.append(show(text))
            in_line = True
        if len(pending) > 4096:
            stream.write("".join(pending))
            pending.clear()
    if in_line:  # a last line without its line break still ends one, as text lines do
        pending.append("\n")
    stream.write("".join(pending))


@app.command()
def segment(
    text: TextArgument = None,
    fmt: Annotated[SegmentFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="text: tokens separated by --sep, one line per input line; json / jsonl / tsv / csv: "
             "one record per token with text, start, end (character offsets) and id.")]
    = SegmentFormat.TEXT,
    sep: Annotated[str, typer.Option("--sep", help="Token separator of the text format.")] = " ",
    pinyin: Annotated[bool, typer.Option("--pinyin", help="Add each token's pinyin.")] = False,
    hmm: Annotated[bool, typer.Option("--hmm/--no-hmm",
                                      help="Let jieba guess words missing from its dictionary.")]
    = True,
    encoding: EncodingOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Cut Chinese text into words, glossary terms kept whole (even those with punctuation).

    Joined, the tokens give back the input exactly; offsets are character offsets into the
    decoded input. Traditional characters stay as they are; traditional and mixed text is
    cut where the same text in simplified characters is.
    """
    from glossary.render import Format, write_records
    from glossary.segment import Segmenter

    chunks = _text_input(text, encoding, "segment")
    matcher, glossary = _term_index(terms, no_builtin)
    segmenter = Segmenter(matcher, hmm=hmm)
    words = _WordCount(segmenter.iter_tokens(chunks))
    tokens = iter(words)
    reading = _pinyin_of(glossary) if pinyin else None
    stream = out()
    if fmt is SegmentFormat.TEXT:
        _write_tokens_text(tokens, sep, reading, stream)
        raise typer.Exit(EXIT_FOUND if words.count else EXIT_NOT_FOUND)

    def records():
        for token in tokens:
            record = {"text": token.text, "start": token.start, "end": token.end,
                      "id": token.entry_id}
            if reading is not None:
                record["pinyin"] = reading(token)
            yield record

    columns = (*TOKEN_COLUMNS, "pinyin") if pinyin else TOKEN_COLUMNS
    write_records(records(), Format(fmt.value), stream, columns)
    raise typer.Exit(EXIT_FOUND if words.count else EXIT_NOT_FOUND)


class _WordCount:
    """Tokens passed through, counting those that are not whitespace: an empty text
    has no words, and segment then exits 1 (nothing found), as grep does."""

    def __init__(self, tokens: Iterable) -> None:
        self.tokens = tokens
        self.count = 0

    def __iter__(self) -> Iterator:
        for token in self.tokens:
            if not token.text.isspace():
                self.count += 1
            yield token


# --------------------------------------------------------------------------- highlight

def _term_style(entry, colour_by: ColourBy) -> str:
    if colour_by is ColourBy.CATEGORY:
        return CATEGORY_STYLES.get(entry.category, "bold reverse")
    from glossary.taxonomy import DOMAIN_SLUGS

    index = DOMAIN_SLUGS.index(entry.domain) if entry.domain in DOMAIN_SLUGS else 0
    return f"bold black on {DOMAIN_PALETTE[index % len(DOMAIN_PALETTE)]}"


def _print_coloured(blocks, matcher, glossary, gloss, colour_by):
    """The text on a terminal: each term coloured, its gloss dim after it; Rich wraps lines."""
    from rich.text import Text

    from glossary.highlight import Tally, gloss_of, visible

    con = console()
    tally = Tally()
    ids = matcher.entry_ids
    for offset, block, matches in blocks:
        text = Text()
        pos = 0
        for start, end, index in matches:
            start -= offset
            end -= offset
            text.append(visible(block[pos:start]))
            entry = glossary.get(ids[index])
            text.append(visible(block[start:end]), style=_term_style(entry, colour_by))
            note = gloss_of(entry, gloss)
            if note:
                text.append(f"〔{visible(note)}〕", style="dim italic")
            tally.add(ids[index])
            pos = end
        text.append(visible(block[pos:]))
        con.print(text, end="", soft_wrap=True)  # the terminal wraps: no hard breaks
    return tally


def _print_summary(records, fmt: HighlightFormat, stream) -> None:
    from glossary.highlight import SUMMARY_FIELDS, write_markdown_summary
    from glossary.render import Format, write_records

    if fmt is HighlightFormat.MD:
        write_markdown_summary(records, stream)
    elif fmt in MACHINE:
        write_records(records, Format(fmt.value), stream, SUMMARY_FIELDS)
    elif stdout_is_terminal():
        write_records(records, Format.TABLE, stream, SUMMARY_COLUMNS, console=console(),
                      title=f"{len(records)} terms, {sum(r['count'] for r in records)} occurrences")
    else:
        write_records(records, Format.TSV, stream, SUMMARY_COLUMNS)


@app.command()
def highlight(
    file: TextArgument = None,
    fmt: Annotated[HighlightFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="text: the text with terms marked (colour on a terminal, {term|gloss} otherwise); "
             "html: a standalone page; md: Markdown; json / jsonl / tsv / csv: one record per "
             "occurrence (start, end, text, id, zh, pinyin, fr, en, domain).")]
    = HighlightFormat.TEXT,
    gloss: Annotated[Gloss, typer.Option(
        "--gloss", "-g", case_sensitive=False,
        help="What to show next to each term: its French or English rendering, its "
             "pinyin, or nothing.")] = Gloss.FR,
    summary: Annotated[bool, typer.Option(
        "--summary", "-s",
        help="Add a table of the terms found with their counts and renderings (with "
             "json / jsonl / tsv / csv: print it instead of the occurrences).")] = False,
    summary_only: Annotated[bool, typer.Option(
        "--summary-only", help="Print only the table of the terms found.")] = False,
    all_: Annotated[bool, typer.Option(
        "--all", "-a", help="Also report terms nested in longer ones (json / jsonl / tsv / csv).")]
    = False,
    ruby: Annotated[bool, typer.Option(
        "--ruby", help="html: pinyin above the text (ruby).")] = False,
    colour_by: Annotated[ColourBy, typer.Option(
        "--colour-by", "--color-by", case_sensitive=False,
        help="Colour terms by category or by domain.")] = ColourBy.CATEGORY,
    script: ScriptOption = None,
    encoding: EncodingOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Show a Chinese text with every glossary term marked and glossed.

    The text may be in any script or mix of scripts (simplified, traditional, Hong Kong
    and Taiwan variants and words). Exit status: 0 if a term was found, 1 if none, 2 on
    bad input. Offsets in machine output are character offsets into the decoded input.
    """
    from glossary import highlight as hl

    gloss_kind = gloss
    if all_ and fmt not in MACHINE:
        raise UsageError("--all needs --format json, jsonl, tsv or csv "
                         "(marked text cannot show nested terms)")
    if summary_only and fmt is HighlightFormat.HTML:
        raise UsageError("--summary-only has no HTML form: the page's index is the summary")
    if ruby and fmt is not HighlightFormat.HTML:
        raise UsageError("--ruby is for --format html")
    chunks = _text_input(file, encoding, "highlight")
    if isinstance(chunks, list) and not chunks[0].endswith("\n"):
        chunks = [chunks[0] + "\n"]  # a text argument is a line: it ends with a line break
    matcher, glossary = _term_index(terms, no_builtin)
    glossary.set_script(script)
    stream = out()
    only_summary = summary_only or (summary and fmt in MACHINE)

    if fmt in MACHINE or only_summary:
        writer = hl.SpanWriter(matcher, glossary)
        found = matcher.iter_chunk_found(chunks, overlapping=all_)
        if only_summary:
            writer.count(found)
        elif fmt is HighlightFormat.JSONL:
            writer.jsonl(found, stream)
        elif fmt is HighlightFormat.JSON:
            writer.json(found, stream)
        else:
            from glossary.render import Format, write_records

            pieces = hl.all_matches(matcher, chunks, overlapping=all_)
            write_records(writer.records(pieces), Format(fmt.value), stream, hl.SPAN_FIELDS)
        tally = writer.tally
        if only_summary:
            _print_summary(tally.records(glossary), fmt, stream)
        raise typer.Exit(EXIT_FOUND if tally.counts else EXIT_NOT_FOUND)

    blocks = hl.iter_blocks(matcher, chunks)
    if fmt is HighlightFormat.HTML:
        from glossary.html import write_page
        from glossary.textio import source_name

        name = source_name(file or "-") if file in (None, "-") or _path_kind(file) == "other" else "text"
        tally = write_page(blocks, matcher, glossary, stream, gloss=gloss_kind, ruby=ruby,
                           colour_by=colour_by.value, script=script, title=f"{name} — glossary terms",
                           note=f"{len(glossary)} glossary entries; hover or focus a term "
                                "for its renderings.")
    elif fmt is HighlightFormat.MD:
        tally = hl.write_markdown(blocks, matcher, glossary, gloss_kind, stream)
    elif _use_colour():
        tally = _print_coloured(blocks, matcher, glossary, gloss_kind, colour_by)
    else:
        tally = hl.write_plain(blocks, matcher, glossary, gloss_kind, stream)
    if summary and fmt is not HighlightFormat.HTML:
        stream.write("\n")
        _print_summary(tally.records(glossary), fmt, stream)
    raise typer.Exit(EXIT_FOUND if tally.counts else EXIT_NOT_FOUND)
