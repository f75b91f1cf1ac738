"""``show``, ``list`` and ``domains``: reading the term base."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Optional

import typer

from glossary.cli.common import (EXIT_FOUND, EXIT_NOT_FOUND, FormatOption, NoBuiltinOption,
                                 ScriptOption, TermsOption, command_app, console, in_script, load,
                                 out, resolve_format)
from glossary.model import Entry, Provenance, Status
from glossary.render import Format, print_entry, write_records

app = command_app()

LIST_COLUMNS = ("id", "zh", "pinyin", "fr", "en", "domain")
SHOW_LABELS = (
    ("zh", "zh"), ("zh_hans", "zh-Hans"), ("zh_hant", "zh-Hant"), ("zh_regional", "zh regional"),
    ("zh_variants", "zh variants"), ("pinyin", "pinyin"),
    ("fr", "fr"), ("fr_variants", "fr variants"), ("fr_provenance", "fr from"), ("en", "en"), ("en_variants", "en variants"),
    ("en_provenance", "en from"), ("domain", "domain"), ("category", "category"),
    ("source", "source"), ("provenance", "provenance"), ("note", "note"),
    ("see_also", "see also"), ("generated", "generated"), ("imported_from", "imported from"),
    ("origin", "file"), ("overrides", "overrides"),
)
SHOW_COLUMNS = ("id", "zh", "zh_hant", "pinyin", "fr", "en", "domain", "category", "source",
                "provenance", "note", "origin", "overrides", "zh_regional")
PROVENANCE_TEXT = {
    "source": "source: Chinese and French both given by the directive's translation",
    "source-fr": "source-fr: French from the directive's translation; Chinese supplied by the editors",
    "editor": "editor: added by the glossary's editors, not in the source",
    "imported": "imported: converted from another term base",
    "user": "user: added with glossary add",
}


def entry_record(entry: Entry) -> dict:
    """An entry as JSON: the term file's fields, plus where it was read."""
    record = entry.to_dict()
    record["origin"] = str(entry.origin) if entry.origin else None
    record["overrides"] = str(entry.overrides) if entry.overrides else None
    return record


@app.command()
def show(
    term: Annotated[str, typer.Argument(help="An id, a Chinese form (simplified, traditional, variant or regional, in any script), "
                                             "or an exact French or English rendering.")],
    fmt: FormatOption = None,
    script: ScriptOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Show one entry, whole: every language, variants, regional forms, domain, source, notes."""
    if not term.strip():
        from glossary.errors import UsageError

        raise UsageError("empty term: give an id, a Chinese form or a rendering")
    glossary = load(terms, no_builtin)
    found = glossary.find(term)
    if not found:
        from glossary.cli.common import warn

        warn(f"no entry is exactly {term!r}; try: glossary lookup {term!r}"
             if "'" not in term else f"no entry is exactly {term!r}; try glossary lookup")
        raise typer.Exit(EXIT_NOT_FOUND)
    fmt = resolve_format(fmt)
    records = [entry_record(e) for e in found]
    if script is not None and script.value != "hans":
        # The entry whole: its simplified form stays, next to the reader's.
        for record in records:
            record["zh_hans"] = record["zh"]
        in_script(records, script)
    if fmt is Format.TABLE:
        con = console()
        for record in records:
            shown = dict(record)
            shown["provenance"] = PROVENANCE_TEXT.get(record["provenance"], record["provenance"])
            if record["overrides"]:
                shown["overrides"] = f"the entry at {record['overrides']} (your file takes precedence)"
            print_entry(con, shown, SHOW_LABELS)
    else:
        columns = SHOW_COLUMNS if "zh_hans" not in records[0] else (*SHOW_COLUMNS, "zh_hans")
        write_records(records, fmt, out(), columns)
    raise typer.Exit(EXIT_FOUND)


def _has_status(entry: Entry, status: Status) -> bool:
    variants = (*entry.zh_variants, *entry.fr_variants, *entry.en_variants)
    if status is Status.PREFERRED:
        return True  # every entry has its reference rendering
    return any(v.status is status for v in variants)


def _record_has_status(record: dict, status: Status) -> bool:
    if status is Status.PREFERRED:
        return True
    return any(v.get("status") == status.value
               for key in ("zh_variants", "fr_variants", "en_variants") for v in record[key] or ())


def _domains_report(glossary) -> list[dict]:
    from glossary.taxonomy import CATEGORIES, DOMAINS, GENERAL

    if hasattr(glossary, "counts"):  # a store: counted by SQL
        by_domain, by_category = Counter(glossary.counts("domain")), Counter(glossary.counts("category"))
    else:
        by_domain = Counter(e.domain for e in glossary)
        by_category = Counter(e.category for e in glossary)
    rows = [{"kind": "category", "slug": GENERAL, "number": "", "zh": "", "fr": "(general vocabulary)",
             "category": GENERAL, "entries": by_category[GENERAL]}]
    for category in CATEGORIES:
        rows.append({"kind": "category", "slug": category.slug, "number": category.number,
                     "zh": category.zh, "fr": category.fr, "category": category.slug,
                     "entries": by_category[category.slug]})
        for domain in DOMAINS:
            if domain.category == category.slug:
                rows.append({"kind": "domain", "slug": domain.slug, "number": "", "zh": domain.zh,
                             "fr": domain.fr, "category": domain.category,
                             "entries": by_domain[domain.slug]})
    return rows


def _print_domains(glossary, fmt: Format | None) -> None:
    fmt = resolve_format(fmt)
    rows = _domains_report(glossary)
    if fmt is Format.TABLE:
        for row in rows:
            if row["kind"] == "category":
                row["slug"] = f"{row['number']} {row['slug']}".strip()
            else:
                row["slug"] = f"  {row['slug']}"
        write_records(rows, fmt, out(), ("slug", "zh", "fr", "entries"), console=console(),
                      title="Categories and domains")
    else:
        write_records(rows, fmt, out(), ("kind", "slug", "category", "zh", "fr", "entries"))


def _complete_domain(incomplete: str) -> list[tuple[str, str]]:
    """The domains that begin with what was typed, for the shell (the taxonomy is read on Tab only)."""
    from glossary.taxonomy import DOMAINS, GENERAL

    named = ((GENERAL, "general vocabulary"), *((d.slug, f"{d.zh} {d.fr}") for d in DOMAINS))
    return [(slug, label) for slug, label in named if slug.startswith(incomplete)]


def _complete_category(incomplete: str) -> list[tuple[str, str]]:
    """The categories that begin with what was typed, for the shell."""
    from glossary.taxonomy import CATEGORIES, GENERAL

    named = ((GENERAL, "general vocabulary"), *((c.slug, f"{c.zh} {c.fr}") for c in CATEGORIES))
    return [(slug, label) for slug, label in named if slug.startswith(incomplete)]


# The filters of ``list``, shared by every command that selects entries (``export``).
DomainFilter = Annotated[Optional[list[str]], typer.Option(
    "--domain", "-d", help="Only this domain (repeatable).", autocompletion=_complete_domain)]
CategoryFilter = Annotated[Optional[list[str]], typer.Option(
    "--category", "-c", help="Only this category (repeatable).", autocompletion=_complete_category)]
StatusFilter = Annotated[Optional[Status], typer.Option(
    "--status", help="Only entries with a variant of this status.", case_sensitive=False)]
ProvenanceFilter = Annotated[Optional[str], typer.Option(
    "--provenance", help="Only source, source-fr, editor, imported or user entries.")]


def selected_records(glossary, domain: list[str] | None, category: list[str] | None,
                     status: Status | None, provenance: str | None):
    """The records of the entries the filters select, in file order (an unknown domain,
    category or provenance is a usage error; a domain your term files declare is known)."""
    from glossary.errors import UsageError
    from glossary.taxonomy import CATEGORY_SLUGS, DOMAIN_SLUGS

    declared = tuple(glossary.declared_domains()) if hasattr(glossary, "declared_domains") else ()
    for given, known, what in ((domain, DOMAIN_SLUGS + declared, "domain"), (category, CATEGORY_SLUGS, "category"),
                               ([provenance] if provenance else None, tuple(p.value for p in Provenance), "provenance")):
        for value in given or ():
            if value not in known:
                raise UsageError(f"unknown {what} {value!r}; known: {', '.join(known)}")
    if hasattr(glossary, "records"):  # a store: records straight from it, filtered by SQL
        return (r for r in glossary.records(domain or (), category or ())
                if (status is None or _record_has_status(r, status))
                and (provenance is None or r["provenance"] == provenance))
    return (entry_record(e) for e in glossary
            if (not domain or e.domain in domain)
            and (not category or e.category in category)
            and (status is None or _has_status(e, status))
            and (provenance is None or e.provenance.value == provenance))


@app.command(name="list")
def list_(
    domain: DomainFilter = None,
    category: CategoryFilter = None,
    status: StatusFilter = None,
    provenance: ProvenanceFilter = None,
    domains: Annotated[bool, typer.Option("--domains", help="List the categories and domains with their entry counts.")] = False,
    fmt: FormatOption = None,
    script: ScriptOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """List entries, filtered by domain, category, variant status or provenance."""
    glossary = load(terms, no_builtin)
    if domains:
        _print_domains(glossary, fmt)
        raise typer.Exit(EXIT_FOUND)
    records = in_script(selected_records(glossary, domain, category, status, provenance), script)
    fmt = resolve_format(fmt)
    if fmt is Format.TABLE:
        shown = list(records)
        write_records(shown, fmt, out(), LIST_COLUMNS, console=console(), title=f"{len(shown)} entries")
        raise typer.Exit(EXIT_FOUND if shown else EXIT_NOT_FOUND)
    # Machine formats stream: a million entries are never all in memory at once.
    written = 0

    def counted():
        nonlocal written
        for record in records:
            written += 1
            yield record

    write_records(counted(), fmt, out(), LIST_COLUMNS)
    raise typer.Exit(EXIT_FOUND if written else EXIT_NOT_FOUND)


@app.command(name="domains")
def domains_(
    fmt: FormatOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """List the directive's 5 categories and 22 domains with their entry counts."""
    _print_domains(load(terms, no_builtin), fmt)
