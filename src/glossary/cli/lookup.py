"""``lookup``: one search box for Chinese, pinyin, French and English.

No ``from __future__ import annotations`` here: with real annotation objects Typer
builds the command without evaluating strings, a few milliseconds of every start.
"""


import sys
from typing import Annotated, Optional

import typer

from glossary.cli.common import (EXIT_FOUND, EXIT_NOT_FOUND, EncodingOption, FormatOption,
                                 NoBuiltinOption, ScriptOption, TermsOption, command_app, in_script,
                                 out, resolve_format, user_paths)
from glossary.render import Format, write_records
from glossary.search import MAX_QUERY, Lang

app = command_app()

COLUMNS = ("zh", "pinyin", "fr", "en", "domain", "score", "matched")
BATCH_COLUMNS = ("query", "id", *COLUMNS)
BATCH_FORMATS = (Format.TSV, Format.JSONL, Format.CSV, Format.PLAIN)


@app.command()
def lookup(
    query: Annotated[list[str], typer.Argument(
        help="What to look up: hanzi (simplified, traditional or mixed, Taiwan or Hong Kong words), pinyin in any form "
             "(dīkōng jīngjì, di1kong1, dikongjingji, dkjj, lvse), French or English. "
             f"Several words make one query, of at most {MAX_QUERY} characters (for running text: "
             "glossary highlight). '-' reads one query a line from stdin.",
        metavar="QUERY...", show_default=False)],
    lang: Annotated[Optional[Lang], typer.Option(
        "--lang", "-l", case_sensitive=False,
        help="Read the query as zh, pinyin, fr or en only [default: Chinese if it has "
             "hanzi, else pinyin, French and English together].", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many results.")] = 10,
    fmt: FormatOption = None,
    script: ScriptOption = None,
    encoding: EncodingOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Look a term up in any language or pinyin form: the best entries, ranked, with why
    each matched. Exit 0 found, 1 nothing found."""
    from glossary.index import open_index
    from glossary.search import lookup as search, suggest

    if query == ["-"]:
        _batch(lang, fmt, script, encoding, terms, no_builtin)
        return
    text = " ".join(query)
    index = open_index(user_paths(terms), builtin=not no_builtin)
    matches = search(index, text, lang, limit)
    if not matches:
        if stderr_is_terminal():
            _hint(text, [] if looks_like_sentence(text) else suggest(index, text, lang), script)
        raise typer.Exit(EXIT_NOT_FOUND)
    fmt = resolve_format(fmt)
    records = in_script([m.to_record(flat=fmt not in (Format.JSON, Format.JSONL)) for m in matches],
                        script)
    if fmt is Format.TABLE:
        from glossary.cli.common import console

        write_records(records, fmt, out(), COLUMNS, console=console())
    else:
        write_records(records, fmt, out(), COLUMNS)
    raise typer.Exit(EXIT_FOUND)

def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


# A query that reads as running text rather than a term: sentence punctuation, or
# more hanzi than any term has.
_SENTENCE_PUNCTUATION = set("，。；：！？、,;!?")
SENTENCE_MIN_HANZI = 12


def looks_like_sentence(query: str) -> bool:
    hanzi = sum(1 for ch in query if "\u3400" <= ch <= "\u9fff")
    return hanzi >= SENTENCE_MIN_HANZI or (hanzi > 0 and bool(_SENTENCE_PUNCTUATION & set(query)))


def _hint(query: str, near: list, script=None) -> None:
    from glossary.cli.common import warn

    if looks_like_sentence(query):
        warn(f"nothing matches {query!r}: to find the terms in a text, use "
             "glossary highlight TEXT (or pipe the text in)")
        return
    if not near:
        warn(f"nothing matches {query!r}")
        return
    from glossary.model import zh_in_script

    offers = "; ".join(f"{zh_in_script(m.entry, script)} {m.entry['pinyin']} ({m.entry['fr'] or m.entry['en']})"
                       for m in near)
    warn(f"nothing matches {query!r}; did you mean: {offers}?")


def _batch(lang: Lang | None, fmt: Format | None, script, encoding: str | None,
           terms, no_builtin: bool) -> None:
    """One query a line on stdin → one result line a query, in order (blank: no result)."""
    from glossary.errors import UsageError
    from glossary.index import open_index
    from glossary.search import lookup_many
    from glossary.textio import read_text

    fmt = fmt or Format.TSV
    if fmt not in BATCH_FORMATS:
        raise UsageError(f"batch lookup writes one line a query: --format "
                         f"{', '.join(f.value for f in BATCH_FORMATS)}, not {fmt.value}")
    queries = read_text("-", encoding).splitlines()
    index = open_index(user_paths(terms), builtin=not no_builtin)
    found_any = False

    def rows():
        nonlocal found_any
        for query, match in lookup_many(index, queries, lang):
            if fmt is Format.JSONL:
                yield {"query": query,
                       "result": in_script([match.to_record()], script)[0] if match else None}
            elif match is None:
                yield {"query": query}
            else:
                yield {"query": query, **in_script([match.to_record(flat=True)], script)[0]}
            found_any = found_any or match is not None

    write_records(rows(), fmt, out(), BATCH_COLUMNS)
    raise typer.Exit(EXIT_FOUND if found_any else EXIT_NOT_FOUND)
