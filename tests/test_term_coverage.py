"""The coverage table of docs/term-format.md is recomputed from the shipped term files.

A rendering counts as attested when it is the directive's own (French of `source` and
`source-fr` entries) or when its `fr_provenance` / `en_provenance` is a citation rather
than `editor …`. "Supplied by the editors" is every English rendering and the French
of `editor` entries.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from glossary.taxonomy import DOMAIN_SLUGS

DOC = Path(__file__).parents[1] / "docs" / "term-format.md"
BEGIN, END = "<!-- coverage table: begin -->", "<!-- coverage table: end -->"
PROVENANCES = ("source", "source-fr", "editor")
SMALLEST_DOMAIN = 12


def _cited(value: str | None) -> bool:
    return bool(value) and not value.startswith("editor")


def _french_attested(entry) -> bool:
    return entry.provenance.value != "editor" or _cited(entry.fr_provenance)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def coverage_table(entries) -> str:
    rows = ["| domain | source | source-fr | editor | entries | French attested | English attested |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for domain in (*DOMAIN_SLUGS, None):
        chosen = [e for e in entries if domain is None or e.domain == domain]
        count = Counter(e.provenance.value for e in chosen)
        french = sum(_french_attested(e) for e in chosen)
        english = sum(_cited(e.en_provenance) for e in chosen)
        name = f"`{domain}`" if domain else "**all**"
        rows.append(f"| {name} | {' | '.join(str(count[p]) for p in PROVENANCES)} | {len(chosen)} "
                    f"| {french} ({_percent(french, len(chosen))}) "
                    f"| {english} ({_percent(english, len(chosen))}) |")
    supplied_fr = [e for e in entries if e.provenance.value == "editor"]
    supplied = len(supplied_fr) + len(entries)
    cited = sum(_cited(e.fr_provenance) for e in supplied_fr) + sum(_cited(e.en_provenance) for e in entries)
    rows += ["", f"Renderings supplied by the editors (every English, the French of `editor` "
                 f"entries): {supplied}; with a citation: {cited} ({_percent(cited, supplied)})."]
    return "\n".join(rows)


def test_the_coverage_table_of_term_format_md_matches_the_term_files(glossary):
    text = DOC.read_text(encoding="utf-8")
    documented = text[text.index(BEGIN) + len(BEGIN):text.index(END)].strip()
    expected = coverage_table(list(glossary))
    assert documented == expected, f"update docs/term-format.md; the table now reads:\n{expected}"


def test_every_domain_has_at_least_twelve_entries(glossary):
    count = Counter(e.domain for e in glossary)
    assert {d: count[d] for d in DOMAIN_SLUGS if count[d] < SMALLEST_DOMAIN} == {}


def test_added_entries_say_where_both_renderings_come_from(glossary):
    added = [e for e in glossary if e.provenance.value == "editor"]
    assert len(added) >= 240
    assert [e.id for e in added if not (e.fr_provenance and e.en_provenance)] == []
    assert [e.id for e in added if not e.source.startswith("related vocabulary")] == []
