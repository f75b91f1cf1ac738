"""The evaluation set of lookup (tests/data/lookup_eval.tsv): accuracy does not regress.

The figures themselves (top-1 / top-3 by form) are printed by
``python benchmarks/bench_lookup.py --accuracy`` and written in docs/lookup.md.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from glossary.index import open_index
from glossary.search import Lang, lookup, suggest

EVAL = Path(__file__).parent / "data" / "lookup_eval.tsv"


def _rows():
    with open(EVAL, encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


ROWS = _rows()
POSITIVES = [r for r in ROWS if r["expected"] != "-"]
NEGATIVES = [r for r in ROWS if r["expected"] == "-"]


def _ids(row, limit=3):
    lang = Lang(row["lang"]) if row.get("lang") else None
    return [m.entry["id"] for m in lookup(open_index(), row["query"], lang, limit)]


def test_the_set_is_big_and_covers_every_form():
    assert len(ROWS) >= 100
    forms = Counter(r["form"].split("-")[0] for r in ROWS)
    assert {"hanzi", "pinyin", "french", "english", "must"} <= set(forms)
    assert len(NEGATIVES) >= 30


def test_every_expected_id_exists(glossary):
    assert [r["expected"] for r in POSITIVES if glossary.get(r["expected"]) is None] == []


def test_top1_and_top3_accuracy():
    top1 = sum(_ids(r)[:1] == [r["expected"]] for r in POSITIVES) / len(POSITIVES)
    top3 = sum(r["expected"] in _ids(r) for r in POSITIVES) / len(POSITIVES)
    assert top1 >= 0.99, f"top-1 {top1:.1%}"
    assert top3 >= 0.97, f"top-3 {top3:.1%}"


@pytest.mark.parametrize("row", NEGATIVES, ids=[r["query"] for r in NEGATIVES])
def test_queries_that_must_find_nothing(row):
    assert _ids(row, 10) == []


def test_queries_that_must_find_nothing_get_no_did_you_mean_either():
    index = open_index()
    offered = {r["query"]: [m.entry["id"] for m in suggest(index, r["query"])] for r in NEGATIVES}
    assert {q: ids for q, ids in offered.items() if ids} == {}


@pytest.mark.parametrize(("query", "wanted", "noise"), [
    ("AI", "artificial-intelligence", {"aerial-rescue", "international-air-cargo"}),
    ("smartcity", "smart-city", {"marine-biomedicine", "marine-engineering-equipment"}),
    ("jumo numerik", None, set()),
    ("essais pilotes", None, {"unmanned-delivery", "unmanned-equipment"}),
    ("stockage d'énergie", None, {"aerial-rescue", "bioenergy"}),
])
def test_short_prefixes_and_weak_fuzzy_matches_are_cut(query, wanted, noise):
    index = open_index()
    ids = [m.entry["id"] for m in lookup(index, query, None, 10)]
    if wanted:
        assert ids[:1] == [wanted]
    offered = [m for m in suggest(index, query)]
    assert not noise & {*ids, *(m.entry["id"] for m in offered)}
    assert all(m.score >= 51 for m in offered)
