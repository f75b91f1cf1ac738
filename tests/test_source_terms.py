"""The term base holds every term the directive's translation gives, with its rendering.

``tests/data/source_terms.tsv`` is copied by hand from the source text
(``shared/source``): the 31 Chinese terms in parentheses with the French
written before them, the 22 domain lines and the 5 category headings.
"""

from __future__ import annotations

import csv
import re

import pytest

from conftest import DATA
from glossary.normalize import fold
from glossary.taxonomy import CATEGORIES, DOMAINS


def _rows(kind: str) -> list[dict[str, str]]:
    with open(DATA / "source_terms.tsv", encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh, delimiter="\t") if row["kind"] == kind]


PARENTHETICAL = _rows("parenthetical")
DOMAIN_LINES = _rows("domain")
CATEGORY_LINES = _rows("category")
_ARTICLE = re.compile(r"^(?:l'|le |la |les |des |du |de la )")


def _bare(text: str) -> str:
    return _ARTICLE.sub("", fold(text))


def test_fixture_counts_match_the_source():
    assert (len(PARENTHETICAL), len(DOMAIN_LINES), len(CATEGORY_LINES)) == (31, 22, 5)


@pytest.mark.parametrize("row", PARENTHETICAL, ids=[r["zh"] for r in PARENTHETICAL])
def test_parenthetical_term_has_the_source_rendering(glossary, row):
    entries = [e for e in glossary if e.zh == row["zh"]]
    assert len(entries) == 1, f"{row['zh']} should be exactly one entry"
    entry = entries[0]
    assert entry.provenance.value == "source"
    renderings = {_bare(text) for text, _ in entry.renderings("fr")}
    given = _bare(row["fr_in_source"])
    # Where the source is elliptic (« Fabrication intelligente, verte et orientée
    # services »), the lemma restores the full phrase and ends with the source's words.
    assert given in renderings or any(r.endswith(" " + given) for r in renderings)


HEADINGS = [(row, DOMAINS, "domain") for row in DOMAIN_LINES] + \
           [(row, CATEGORIES, "category") for row in CATEGORY_LINES]


@pytest.mark.parametrize("row, headings, field", HEADINGS, ids=[h[0]["zh"] for h in HEADINGS])
def test_domain_and_category_headings_are_entries_with_their_french_names(glossary, row, headings,
                                                                          field):
    entry = next((e for e in glossary if e.zh == row["zh"]), None)
    assert entry is not None
    assert entry.fr == row["fr_in_source"]
    heading = next(h for h in headings if h.zh == row["zh"])
    assert getattr(entry, field) == heading.slug and heading.fr == row["fr_in_source"]


def test_title_and_number_are_entries(glossary):
    assert glossary.find("国务院办公厅关于加快场景培育和开放推动新场景大规模应用的实施意见")
    assert glossary.find("国办发〔2025〕37号")


def test_at_least_100_entries_supplied_from_the_french_text(glossary):
    supplied = [e for e in glossary if e.provenance.value == "source-fr"]
    assert len(supplied) >= 100


@pytest.mark.parametrize("zh, fr", [("元宇宙", "métavers"), ("虚拟现实", "réalité virtuelle"),
                                    ("工业互联网", "internet industriel"), ("远程医疗", "télémédecine")])
def test_well_known_concepts_of_the_french_text_are_there(glossary, zh, fr):
    entry = next(e for e in glossary if e.zh == zh)
    assert fold(fr) in {fold(t) for t, _ in entry.renderings("fr")}
    assert entry.provenance.value == "source-fr"


def test_every_entry_has_the_required_fields(glossary):
    for entry in glossary:
        assert entry.zh_hant and entry.en and entry.en_provenance and entry.source, entry.id
