"""``export`` and ``import``: the term base in and out of other tools (glossary.formats)."""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Iterator, Optional

import typer

from glossary.cli.common import (EXIT_FOUND, EXIT_NOT_FOUND, EncodingOption, NoBuiltinOption,
                                 ScriptOption, TermsOption, command_app, in_script, load,
                                 stdout_is_terminal, warn)
from glossary.cli.entries import (CategoryFilter, DomainFilter, ProvenanceFilter, StatusFilter,
                                  selected_records)
from glossary.errors import UsageError

app = command_app()

EXPORT_FORMATS = ("tbx", "tbx3", "csv", "tsv", "xlsx", "omegat", "anki", "yaml", "html")
# Formats that carry every script of an entry in its own place (TBX language sections,
# our term files): --script would only lose what they hold.
ALL_SCRIPTS = ("tbx", "tbx3", "yaml")
IMPORT_FORMATS = ("auto", "tbx", "tbx3", "csv", "tsv", "xlsx", "omegat", "yaml")


def _format_completion(names: tuple[str, ...]):
    """The completion of a --format value for the shell: the formats among ``names`` that
    begin with what was typed, each with its description (the registry is read on Tab only)."""

    def complete(incomplete: str) -> list[tuple[str, str]]:
        from glossary.formats import FORMATS

        return [(name, FORMATS[name].description if name in FORMATS else "by the file's suffix")
                for name in names if name.startswith(incomplete)]

    return complete


LangOption = Annotated[str, typer.Option(
    "--lang", "-l", metavar="fr|en", help="The language after Chinese in bilingual formats (tbx order, omegat, "
                         "anki), and of a bare 'Target' column on import: fr or en.")]
OutputOption = Annotated[Optional[Path], typer.Option(
    "--output", "-o", metavar="FILE", help="Write to FILE (written whole, then moved into place) "
                                           "[default: standard output].", show_default=False)]


def _check_lang(lang: str) -> str:
    if lang not in ("fr", "en"):
        raise UsageError(f"--lang {lang!r}: fr or en")
    return lang


@contextmanager
def _output(path: Path | None, binary: bool, what: str) -> Iterator[IO[bytes]]:
    """Standard output, or a temporary file beside ``path`` moved onto it once written
    whole (never a half-written file; nothing left behind on an error)."""
    if path is None:
        if binary and stdout_is_terminal():
            raise UsageError(f"{what} is a binary format: give -o FILE, or pipe the output")
        out = getattr(sys.stdout, "buffer", None)
        if out is None:  # a text-only stdout (embedders)
            raise UsageError(f"{what}: standard output takes no bytes here; give -o FILE")
        yield out
        out.flush()
        return
    if path.is_dir():
        raise UsageError(f"-o {path}: is a directory")
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"-o {path}: cannot write there: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT",
                                     help=f"One of: {', '.join(EXPORT_FORMATS)}.",
                                     autocompletion=_format_completion(EXPORT_FORMATS))],
    output: OutputOption = None,
    lang: LangOption = "fr",
    zh_tags: Annotated[str, typer.Option(
        "--zh-tags", metavar="script|region", help="Chinese language tags in TBX: script (zh-Hans, zh-Hant) or region "
                          "(zh-CN, zh-TW, which some CAT tools want).")] = "script",
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="Title of the TBX file, the deck, the page.")]
    = "glossary",
    domain: DomainFilter = None,
    category: CategoryFilter = None,
    status: StatusFilter = None,
    provenance: ProvenanceFilter = None,
    script: ScriptOption = None,
    terms: TermsOption = None,
    no_builtin: NoBuiltinOption = False,
) -> None:
    """Write the term base (or the entries the filters select) for another tool: TBX,
    TBX-Basic, CSV, TSV, Excel, OmegaT, Anki, our YAML, an HTML page. Exit 0 written,
    1 no entry selected."""
    from glossary import formats

    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"--format {fmt!r}: one of {', '.join(EXPORT_FORMATS)}")
    if script is not None and script.value != "hans" and fmt in ALL_SCRIPTS:
        raise UsageError(f"--script: {fmt} carries every script of an entry in its own place "
                         "(simplified, traditional, Taiwan, Hong Kong); it takes no --script")
    if zh_tags not in ("script", "region"):
        raise UsageError(f"--zh-tags {zh_tags!r}: script or region")
    spec = formats.get(fmt)
    glossary = load(terms, no_builtin)
    records = in_script(selected_records(glossary, domain, category, status, provenance), script)
    first = next(records, None)
    if first is None:
        warn("no entry selected: nothing written")
        raise typer.Exit(EXIT_NOT_FOUND)
    declared = glossary.declared_domains() if hasattr(glossary, "declared_domains") else {}
    options = formats.WriteOptions(lang=_check_lang(lang), zh_tags=zh_tags, domains=declared,
                                   title=title, bom=output is not None)

    def every():
        yield first
        yield from records

    with _output(output, spec.binary, fmt) as out:
        spec.load().write(every(), out, options, fmt)
    raise typer.Exit(EXIT_FOUND)


@app.command(name="import")
def import_(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Term bases to convert.")],
    output: OutputOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT",
                                     help=f"One of: {', '.join(IMPORT_FORMATS)} [default: auto, "
                                          "by the file's suffix].",
                                     autocompletion=_format_completion(IMPORT_FORMATS))] = "auto",
    columns: Annotated[Optional[list[str]], typer.Option(
        "--map", metavar="COLUMN=FIELD",
        help="Read COLUMN as our FIELD (zh, fr, en, pinyin, note, domain …; - leaves it out). "
             "Repeatable.", show_default=False)] = None,
    lang: LangOption = "fr",
    encoding: EncodingOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file.")] = False,
    merge: Annotated[bool, typer.Option(
        "--merge", help="Merge into an existing -o file: new entries added, entries with the "
                        "same Chinese updated.")] = False,
    no_builtin: Annotated[bool, typer.Option(
        "--no-builtin", help="Make no entry an override of a shipped one.")] = False,
) -> None:
    """Convert someone else's terminology (TBX, CSV, TSV, Excel, OmegaT) into a term file
    of ours: columns recognised, what is missing filled in and marked, entries whose
    Chinese is a shipped entry's made overrides of it. Exit 0 imported, 1 nothing
    could be imported, 2 unreadable input."""
    from glossary import formats
    from glossary.formats.complete import Seen
    from glossary.formats.table import parse_map

    if fmt not in IMPORT_FORMATS:
        raise UsageError(f"--format {fmt!r}: one of {', '.join(IMPORT_FORMATS)}")
    if force and merge:
        raise UsageError("--force and --merge: choose one")
    if output is not None and output.exists() and not (force or merge):
        raise UsageError(f"-o {output}: the file exists; --force replaces it, --merge merges into it")
    if merge and output is None:
        raise UsageError("--merge needs -o FILE (the term file to merge into)")
    options = formats.ReadOptions(format=None if fmt == "auto" else fmt, lang=_check_lang(lang),
                                  columns=parse_map(columns or ()), encoding=encoding)
    known = {} if no_builtin else _shipped_forms()
    seen = Seen(known)
    entries: list[dict] = []
    skipped = overrides = 0
    domains: list[dict] = []
    for path in files:
        imported = formats.read_terms(path, known, options, seen)
        for note in imported.notes:
            warn(note)
        for line in formats.skip_summary(str(path), imported.skipped):
            warn(line)
        entries.extend(imported.entries)
        skipped += len(imported.skipped)
        overrides += imported.overrides
        domains = imported.domains
    names = ", ".join(str(p) for p in files)
    if not entries:
        warn(f"nothing imported from {names} ({skipped} skipped): nothing written")
        raise typer.Exit(EXIT_NOT_FOUND)
    count = len(entries)
    if merge and output is not None and output.exists():
        entries, domains, updated = _merged(output, entries, domains)
    else:
        updated = 0
    description = f"Imported from {names} by glossary import"
    with _output(output, False, "yaml") as out:
        formats.get("yaml").load().write(entries, out, formats.WriteOptions(), "yaml",
                                         description=description, domains=domains)
    summary = f"imported {count} {'entry' if count == 1 else 'entries'} from {names}"
    parts = []
    if overrides:
        parts.append(f"{overrides} {'overrides a shipped entry' if overrides == 1 else 'override shipped entries'}")
    if updated:
        parts.append(f"{updated} updated in {output}")
    if skipped:
        parts.append(f"{skipped} skipped")
    warn(summary + (f" ({'; '.join(parts)})" if parts else "") + (f" → {output}" if output else ""))
    raise typer.Exit(EXIT_FOUND)


def _shipped_forms() -> dict[str, str]:
    """The Chinese forms of the shipped entries, and their ids."""
    from glossary.store import load_glossary

    shipped = load_glossary([], builtin=True)
    return {r["zh"]: r["id"] for r in shipped.records()}


def _merged(path: Path, entries: list[dict], domains: list[dict]) -> tuple[list[dict], list[dict], int]:
    """The entries of the term file at ``path`` with the imported ones merged in: an
    entry with the same Chinese updated (keeping its id), the others added at the end."""
    from glossary.store import parse_term_file

    existing = parse_term_file(path)
    merged = [dict(e) for e, _ in existing]
    by_zh = {e["zh"]: i for i, e in enumerate(merged)}
    ids = {e["id"] for e in merged}
    updated = 0
    for entry in entries:
        i = by_zh.get(entry["zh"])
        if i is not None:
            merged[i] = {**entry, "id": merged[i]["id"]}
            updated += 1
        else:
            if entry["id"] in ids:
                base, n = entry["id"], 2
                while f"{base}-{n}" in ids:
                    n += 1
                entry = {**entry, "id": f"{base}-{n}"}
            ids.add(entry["id"])
            merged.append(entry)
    declared = {d["id"]: d for d in [*getattr(existing, "domains", []), *domains]}
    return merged, list(declared.values()), updated
