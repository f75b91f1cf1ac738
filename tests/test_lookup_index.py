"""The compiled lookup index: cached, rebuilt when a term file changes, safe, and light to load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from glossary.index import Kind, latin_key, open_index, stem
from glossary.search import How, Lang, lookup

ENTRY = ("  - {{id: {id}, zh: {zh}, pinyin: {pinyin}, fr: {fr}, domain: general, "
         "category: general, source: test, provenance: editor}}\n")


def _write(path: Path, *entries: dict) -> None:
    path.write_text("entries:\n" + "".join(ENTRY.format(**e) for e in entries), encoding="utf-8")


def _touch_later(path: Path) -> None:
    # Make sure the modification time moves even on coarse file systems.
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


@pytest.fixture
def terms(tmp_path):
    directory = tmp_path / "terms"
    directory.mkdir()
    _write(directory / "a.yaml", {"id": "smart-grid-x", "zh": "智能电网", "pinyin": "zhìnéng diànwǎng",
                                  "fr": "réseau intelligent"})
    return directory


def test_the_index_is_rebuilt_when_a_term_file_changes(terms):
    index = open_index([terms], builtin=False)
    assert [m.entry["id"] for m in lookup(index, "智能电网")] == ["smart-grid-x"]
    assert lookup(index, "云计算") == []
    _write(terms / "a.yaml",
           {"id": "smart-grid-x", "zh": "智能电网", "pinyin": "zhìnéng diànwǎng", "fr": "réseau intelligent"},
           {"id": "cloud", "zh": "云计算", "pinyin": "yúnjìsuàn", "fr": "informatique en nuage"})
    _touch_later(terms / "a.yaml")
    index = open_index([terms], builtin=False)
    assert [m.entry["id"] for m in lookup(index, "云计算")] == ["cloud"]
    assert [m.entry["id"] for m in lookup(index, "yunjisuan")] == ["cloud"]


def test_a_new_term_file_is_seen(terms):
    open_index([terms], builtin=False)
    _write(terms / "b.yaml", {"id": "cloud", "zh": "云计算", "pinyin": "yúnjìsuàn", "fr": "informatique en nuage"})
    index = open_index([terms], builtin=False)
    assert [m.entry["id"] for m in lookup(index, "informatique en nuage")] == ["cloud"]


def test_the_cache_is_sqlite_not_pickle_and_stale_files_go(terms, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GLOSSARY_CACHE_DIR", str(cache))
    open_index([terms], builtin=False)
    files = sorted(cache.glob("store-*.sqlite"))
    assert len(files) == 1
    assert files[0].read_bytes()[:16] == b"SQLite format 3\x00"
    _write(terms / "a.yaml", {"id": "other", "zh": "云计算", "pinyin": "yúnjìsuàn", "fr": "nuage"})
    _touch_later(terms / "a.yaml")
    open_index([terms], builtin=False)
    assert len(list(cache.glob("store-*.sqlite"))) == 1  # the old one was removed


def test_a_corrupt_cache_file_is_rebuilt(terms, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GLOSSARY_CACHE_DIR", str(cache))
    open_index([terms], builtin=False)
    (path,) = cache.glob("store-*.sqlite")
    path.write_bytes(b"not a database at all" * 100)
    index = open_index([terms], builtin=False)
    assert [m.entry["id"] for m in lookup(index, "智能电网")] == ["smart-grid-x"]


def test_an_unwritable_cache_still_answers(terms, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("GLOSSARY_CACHE_DIR", str(blocker / "cache"))
    index = open_index([terms], builtin=False)
    assert [m.entry["id"] for m in lookup(index, "réseau intelligent")] == ["smart-grid-x"]


def test_a_user_entry_overrides_the_shipped_one(tmp_path):
    directory = tmp_path / "mine"
    directory.mkdir()
    _write(directory / "a.yaml", {"id": "virtual-power-plant", "zh": "虚拟电厂", "pinyin": "xūnǐ diànchǎng",
                                  "fr": "centrale électrique virtuelle"})
    index = open_index([directory])
    (match,) = lookup(index, "虚拟电厂", limit=1)
    assert match.entry["fr"] == "centrale électrique virtuelle"
    assert match.entry["overrides"] and "terms" in match.entry["overrides"]


def test_find_reports_keys_by_position():
    index = open_index()
    found = index.exact(Kind.PINYIN, "dikongjingji")
    assert len(found) == 1 and found[0].detail.startswith("di1 kong1 jing1 ji4|")
    assert index.lines(Kind.PINYIN)[found[0].pos] == "dikongjingji"
    assert all(f.searched.startswith("dikong") for f in index.find(Kind.PINYIN, "dikong", anchored=True))
    assert index.find(Kind.ZH, "电厂") and index.find(Kind.ZH, "") == []


@pytest.mark.parametrize("text, key", [
    ("L’Économie des basses-altitudes", "economie des basses altitudes"),
    ("d'internet industriel", "internet industriel"),
    ("Internet of Things (IoT)", "internet of things iot"),
])
def test_latin_keys_fold_case_accents_elision_and_punctuation(text, key):
    assert latin_key(text) == key


@pytest.mark.parametrize("plural, singular", [
    ("jumeaux", "jumeau"), ("canaux", "canal"), ("centrales", "centrale"), ("cities", "city"),
    ("twins", "twin"), ("technologies", "technologie"),
])
def test_plural_and_singular_stem_alike(plural, singular):
    assert stem(plural) == stem(singular)


def test_library_lookup_returns_matches_with_why():
    (first, *_) = lookup(open_index(), "jumeaux numériques")
    assert first.entry["id"] == "digital-twin"
    assert first.matched.how is How.EXACT and first.matched.field == "fr_variants"
    record = first.to_record()
    assert record["matched"]["status"] == "admitted" and record["score"] == first.score
    assert lookup(open_index(), "robot", Lang.EN)[0].matched.field == "en"


def test_the_lookup_path_loads_no_heavy_library(tmp_path):
    """Once the index is cached, a lookup imports neither rich (JSON output), nor
    pypinyin, jieba, OpenCC, PyYAML or jsonschema."""
    env = dict(os.environ)
    script = (
        "import sys\n"
        "from glossary.cli import app\n"
        "sys.argv = ['glossary', 'lookup', '低空经济', '--format', 'json']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "heavy = ('rich', 'pypinyin', 'jieba', 'opencc', 'yaml', 'jsonschema')\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))), file=sys.stderr)\n"
    )
    script = "import json\n" + script
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert json.loads(second.stdout)[0]["id"] == "low-altitude-economy"
    assert json.loads(second.stderr.strip().splitlines()[-1]) == []


def test_fuzzy_matching_reads_only_the_keys_of_reachable_lengths():
    index = open_index()
    position, four = index.lines_sized(Kind.ZH, 4, 4)
    assert four and all(len(key) == 4 for key in four)
    every = index.lines(Kind.ZH)
    assert [every[position(i)] for i in range(len(four))] == four  # the same positions
    assert index.lines_sized(Kind.ZH, 4, 4)[1] == four
    assert index.lines_sized(Kind.ZH, 500, 600)[1] == []


@pytest.mark.parametrize("query", ["zhi", "zhineng", "de", "a", "电", "智能", "数字", "intelligent",
                                   "numérique", "de la", "service", "shu", "jing"])
def test_stopping_early_changes_no_result(query, monkeypatch):
    """Contained matches are not searched once enough entries beat them: same results."""
    from glossary import search

    fast = [(m.entry["id"], m.score) for m in lookup(open_index(), query, limit=3)]
    monkeypatch.setattr(search._Best, "beat", lambda self, bound, limit: False)
    slow = [(m.entry["id"], m.score) for m in lookup(open_index(), query, limit=3)]
    assert fast == slow
