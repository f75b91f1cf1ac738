"""The compiled store: read again only what changed, never stale, never trusted when
corrupt, safe with two builders at once, pruned, inspectable (``glossary cache``)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary import compiled, store
from glossary.cache import prune
from glossary.compiled import make_layers, open_store, pack_value, store_path
from glossary.matcher import TermMatcher
from glossary.store import load_glossary

ENTRY = """  - id: {id}
    zh: {zh}
    pinyin: {pinyin}
    fr: {fr}
    domain: general
    category: general
    source: test
    provenance: editor
"""
TERMS = [("ce-shi", "测试术语", "cèshì shùyǔ", "terme d'essai"),
         ("yun-ji-suan", "云计算", "yúnjìsuàn", "informatique en nuage"),
         ("shu-ju", "数据要素", "shùjù yàosù", "facteur données")]


def write(path: Path, *rows: tuple[str, str, str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("entries:\n" + "".join(
        ENTRY.format(id=i, zh=z, pinyin=p, fr=f) for i, z, p, f in rows), encoding="utf-8")
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("GLOSSARY_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def reads(monkeypatch):
    """The term files parsed, in order (spying on the YAML reader)."""
    seen: list[str] = []
    real = store.parse_term_file

    def spy(path):
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(store, "parse_term_file", spy)
    return seen


def test_an_edit_rereads_that_file_only(tmp_path, cache, reads):
    terms = tmp_path / "terms"
    for n in range(5):
        write(terms / f"f{n}.yaml", (f"t-{n}", f"术语{n}号", "shùyǔ", f"terme {n}"))
    assert load_glossary([terms], builtin=False).get("t-3").fr == "terme 3"
    assert sorted(reads) == [f"f{n}.yaml" for n in range(5)]
    reads.clear()
    assert load_glossary([terms], builtin=False).get("t-3").fr == "terme 3"
    assert reads == []  # current: nothing read
    write(terms / "f3.yaml", ("t-3", "术语3号", "shùyǔ", "terme changé"))
    glossary = load_glossary([terms], builtin=False)
    assert reads == ["f3.yaml"]
    assert glossary.get("t-3").fr == "terme changé"
    assert [m.entry["id"] for m in __import__("glossary.search", fromlist=["lookup"]).lookup(
        open_store([terms], builtin=False).index(), "terme changé")][:1] == ["t-3"]


def test_a_deleted_file_takes_its_entries_along(tmp_path, cache):
    terms = tmp_path / "terms"
    write(terms / "a.yaml", TERMS[0])
    write(terms / "b.yaml", TERMS[1])
    assert len(load_glossary([terms], builtin=False)) == 2
    (terms / "b.yaml").unlink()
    s = open_store([terms], builtin=False)
    assert [e.id for e in s.glossary()] == ["ce-shi"]
    assert s.matcher().find_spans("发展云计算和测试术语") == [
        TermMatcher({"测试术语": "ce-shi"}).find_spans("发展云计算和测试术语")[0]]
    from glossary.search import lookup

    assert lookup(s.index(), "云计算") == [] or lookup(s.index(), "云计算")[0].entry["id"] != "yun-ji-suan"


def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path, cache):
    path = write(tmp_path / "t.yaml", ("ce-shi", "测试术语", "cèshì shùyǔ", "de calcul"))
    assert load_glossary([path], builtin=False).get("ce-shi").fr == "de calcul"
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("de calcul", "de CALCUL"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # touch -r: same size, same mtime
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert load_glossary([path], builtin=False).get("ce-shi").fr == "de CALCUL"


def test_two_projects_with_the_same_relative_path_keep_their_own_terms(tmp_path, cache, monkeypatch):
    one, two = tmp_path / "one", tmp_path / "two"
    write(one / "terms" / "house.yaml", ("house", "测试术语", "cèshì shùyǔ", "maison un"))
    write(two / "terms" / "house.yaml", ("house", "测试术语", "cèshì shùyǔ", "maison de"))
    stamp = (one / "terms" / "house.yaml").stat().st_mtime_ns
    os.utime(two / "terms" / "house.yaml", ns=(stamp, stamp))
    for project, fr in ((one, "maison un"), (two, "maison de"), (one, "maison un")):
        monkeypatch.chdir(project)
        assert load_glossary([Path("terms")], builtin=False).get("house").fr == fr


def test_a_chunk_lists_the_entries_it_holds_and_highlight_glosses_each(run, tmp_path, cache):
    rows = [(f"t-{i}", f"术语{chr(0x4e00 + i)}{chr(0x4e00 + 2 * i + 1)}", "shùyǔ", f"terme {i}")
            for i in range(150)]
    write(tmp_path / "terms" / "a.yaml", *rows[:70])
    write(tmp_path / "terms" / "b.yaml", *rows[70:])
    s = open_store([tmp_path / "terms"], builtin=False)
    truth = {}
    for entry_id, chunk, slot in s.query("SELECT id, chunk, slot FROM entry WHERE live = 1"):
        truth.setdefault(chunk, set()).add((entry_id, slot))
    assert len(truth) == 4  # 64 + 6 and 64 + 16
    for chunk, held in truth.items():
        assert set(s.chunk_entries(chunk)) == held
    s.close()
    text = tmp_path / "text.txt"
    text.write_text("".join(zh + "，" for _, zh, _, _ in rows[::-1]), encoding="utf-8")
    result = run("highlight", str(text), "-t", str(tmp_path / "terms"), "--no-builtin", "-f", "jsonl")
    spans = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(sp["id"], sp["fr"]) for sp in spans] == [(i, fr) for i, _, _, fr in rows[::-1]]


def test_two_builders_at_once_both_answer_right(tmp_path, cache):
    terms = tmp_path / "terms"
    for n in range(30):
        write(terms / f"f{n}.yaml", *[(f"t-{n}-{k}", f"术语{n}之{k}", "shùyǔ", f"terme {n} {k}")
                                      for k in range(40)])
    env = dict(os.environ, GLOSSARY_CACHE_DIR=str(cache))
    command = [sys.executable, "-m", "glossary", "show", "t-29-39", "-t", str(terms), "--no-builtin",
               "-f", "json"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        assert json.loads(out)[0]["fr"] == "terme 29 39"
    assert len(list(cache.glob("store-*.sqlite"))) == 1


# --------------------------------------------------------------------------- corruption

def _store_file(cache: Path) -> Path:
    (path,) = cache.glob("store-*.sqlite")
    return path


def _spoil_random_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    import random

    rng = random.Random(7)
    for start in range(8192, len(data), 16384):
        data[start:start + 4096] = rng.randbytes(min(4096, len(data) - start))
    path.write_bytes(bytes(data))


def _update_sql(sql: str, *args):
    def spoil(path: Path) -> None:
        conn = sqlite3.connect(path)
        conn.execute(sql, args)
        conn.commit()
        conn.close()
    return spoil


def _flip_a_byte_of_each_blob(path: Path) -> None:
    """A value that still looks compressed, with one byte of its content changed."""
    conn = sqlite3.connect(path)
    for name, data in conn.execute("SELECT name, data FROM blob").fetchall():
        spoilt = bytearray(data)
        spoilt[len(spoilt) // 2] ^= 0x20
        conn.execute("UPDATE blob SET data = ? WHERE name = ?", (bytes(spoilt), name))
    conn.commit()
    conn.close()


SPOILERS = {
    "random pages": _spoil_random_pages,
    "not a database": lambda p: p.write_bytes(b"not a database at all" * 500),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 3]),
    "empty": lambda p: p.write_bytes(b""),
    "entry chunk": _update_sql("UPDATE chunk SET data = ?", b"\x78\x9c garbage"),
    "chunk of the wrong shape": _update_sql("UPDATE chunk SET data = ?",
                                            __import__("zlib").compress(b'{"a": 1}')),
    "deeply nested chunk": _update_sql("UPDATE chunk SET data = ?",
                                       __import__("zlib").compress(b"[" * 100000 + b"]" * 100000)),
    "index blob": _update_sql("UPDATE blob SET data = ? WHERE name LIKE 'search:%'", b"junk"),
    "index blob, one byte changed": _flip_a_byte_of_each_blob,
    "key rows": _update_sql("UPDATE blob SET data = ? WHERE name LIKE 'rows:%'", pack_value(b"123")),
    "form shape": _update_sql("UPDATE blob SET data = ? WHERE name = 'form-shape'",
                              pack_value(b'{"count": "x"}')),
    "segment lengths": _update_sql("UPDATE seg SET lengths = '[[1, \"a\"]]'"),
    "file stamps": _update_sql("UPDATE file SET stamp = '[[[[[[[['"),
    "overrides": _update_sql("UPDATE entry SET overrides = '{' WHERE rowid = (SELECT min(rowid) FROM entry)"),
    "missing table": _update_sql("DROP TABLE chunk"),
    "empty meta": _update_sql("DELETE FROM meta"),
}


@pytest.mark.parametrize("spoil", SPOILERS.values(), ids=SPOILERS.keys())
def test_a_corrupt_store_is_built_again_never_trusted(spoil, run, tmp_path, cache):
    terms = tmp_path / "terms"
    write(terms / "a.yaml", *TERMS)
    args = ("-t", str(terms))
    text = tmp_path / "text.txt"
    text.write_text("发展云计算\n", encoding="utf-8")
    assert run("show", "云计算", *args, "-f", "tsv").exit_code == 0
    spoil(_store_file(cache))
    for command in (("show", "云计算", *args, "-f", "tsv"), ("lookup", "yunjisuan", *args, "-f", "tsv"),
                    ("highlight", str(text), *args, "-f", "tsv"), ("list", *args, "-f", "tsv")):
        result = run(*command)
        assert result.exit_code == 0, (command, result.output)
        assert "informatique en nuage" in result.stdout, command


def test_a_fifo_where_the_store_goes_does_not_hang(run, tmp_path, cache):
    terms = tmp_path / "terms"
    write(terms / "a.yaml", *TERMS)
    layers = make_layers([terms])
    cache.mkdir(parents=True)
    os.mkfifo(store_path(layers))
    result = run("show", "云计算", "-t", str(terms), "-f", "tsv")
    assert result.exit_code == 0 and "informatique en nuage" in result.stdout


def test_a_percent_sign_in_the_cache_path_is_a_file_name(run, tmp_path, monkeypatch):
    monkeypatch.setenv("GLOSSARY_CACHE_DIR", str(tmp_path / "c%41b?x#y"))
    result = run("segment", "低空经济")
    assert result.exit_code == 0 and result.stdout.strip() == "低空经济"
    assert list((tmp_path / "c%41b?x#y").glob("store-*.sqlite"))


def test_an_unwritable_cache_still_answers(run, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("GLOSSARY_CACHE_DIR", str(blocker / "cache"))
    result = run("show", "低空经济", "-f", "tsv")
    assert result.exit_code == 0 and "économie des basses altitudes" in result.stdout


# --------------------------------------------------------------------------- term paths

def test_an_unreadable_subdirectory_is_an_error_not_a_silence(run, tmp_path, cache, monkeypatch):
    terms = tmp_path / "terms"
    write(terms / "a.yaml", TERMS[0])
    write(terms / "sub" / "b.yaml", TERMS[1])
    real = os.scandir

    def scandir(path="."):
        if Path(path) == terms / "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("list", "-t", str(terms), "-f", "tsv")
    assert result.exit_code == 2
    assert "sub" in result.stderr and "cannot read directory" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [("list",), ("lookup", "x"), ("show", "x"), ("segment", "低空")])
def test_an_empty_terms_path_is_refused(run, command):
    result = run(*command, "--terms", "")
    assert result.exit_code == 2 and "empty path" in result.stderr


def test_a_fifo_given_as_a_term_file_is_named_as_such(run, tmp_path):
    fifo = tmp_path / "t.yaml"
    os.mkfifo(fifo)
    result = run("list", "-t", str(fifo))
    assert result.exit_code == 2 and "not a regular file" in result.stderr


BOMBS = {
    "recursive": "entries: &a [*a]\n",
    "billion laughs": "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(9))
    + "entries: [*j]\n",
    "merge key": "base: &b {domain: general}\nentries:\n  - {<<: *b, id: x}\n",
    "alias of an entry": ("entries:\n  - &e {id: a, zh: 测试, pinyin: cèshì, fr: essai, domain: general, "
                          "category: general, source: t, provenance: editor}\n  - *e\n"),
}


@pytest.mark.parametrize("text", BOMBS.values(), ids=BOMBS.keys())
def test_yaml_aliases_are_refused_at_once(run, tmp_path, text):
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    result = run("list", "-t", str(tmp_path), "--no-builtin")
    assert result.exit_code == 2
    assert "aliases" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_star_inside_a_quoted_value_is_not_an_alias(tmp_path, cache):
    write(tmp_path / "t.yaml", ("ce-shi", "测试术语", "cèshì shùyǔ", "'R&D *nouvelle*'"))
    assert load_glossary([tmp_path], builtin=False).get("ce-shi").fr == "R&D *nouvelle*"


# --------------------------------------------------------------------------- the matcher

@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["低空", "低空经济", "经济", "云计算", "计算", "数据", "数据要素", "要素",
                                 "的", "和", "发展", "\n", "x", "空经"]), max_size=40),
       st.integers(min_value=0, max_value=60))
def test_candidate_lookups_find_what_the_automaton_finds(tmp_path_factory, pieces, budget):
    """A big store searches short texts by looking substrings up; a long one switches to
    the automaton part-way. Both give the automaton's own matches, overlapping or not."""
    directory = tmp_path_factory.mktemp("terms")
    write(directory / "a.yaml", ("a", "低空", "dīkōng", "basse altitude"),
          ("b", "低空经济", "dīkōng jīngjì", "économie"), ("c", "经济", "jīngjì", "économie x"),
          ("d", "云计算", "yúnjìsuàn", "nuage"), ("e", "计算", "jìsuàn", "calcul"),
          ("f", "数据要素", "shùjù yàosù", "facteur"), ("g", "要素", "yàosù", "élément"))
    os.environ["GLOSSARY_CACHE_DIR"] = str(tmp_path_factory.getbasetemp() / "cache-candidates")
    text = "".join(pieces)
    s = open_store([directory], builtin=False)
    reference = TermMatcher._loaded(s)
    old = (compiled_matcher := __import__("glossary.matcher", fromlist=["x"])).DIRECT_MAX_FORMS, \
        compiled_matcher.CANDIDATE_CHARS_PER_FORM
    try:
        compiled_matcher.DIRECT_MAX_FORMS = 0
        compiled_matcher.CANDIDATE_CHARS_PER_FORM = budget / 7
        for overlapping in (False, True):
            matcher = TermMatcher.from_store(s)
            chunks = [text[i:i + 5] for i in range(0, len(text), 5)]
            got = [(sp.start, sp.end, sp.text, sp.entry_id) for sp in matcher.iter_spans(chunks, overlapping)]
            want = [(sp.start, sp.end, sp.text, sp.entry_id) for sp in reference.iter_spans(chunks, overlapping)]
            assert got == want
    finally:
        compiled_matcher.DIRECT_MAX_FORMS, compiled_matcher.CANDIDATE_CHARS_PER_FORM = old


# --------------------------------------------------------------------------- the cache dir

def test_pruning_removes_old_and_least_recently_used_stores_never_recent_ones(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    directory.mkdir()
    now = time.time()
    ages = {"old": 40 * 86400, "lru": 2 * 86400, "mid": 86400, "recent": 60, "keep": 10 * 86400}
    for name, age in ages.items():
        path = directory / f"store-{name}.sqlite"
        path.write_bytes(b"x" * 1024 * 1024)
        os.utime(path, (now - age, now - age))
    (directory / "notes.txt").write_text("not ours")
    leftover = directory / ".store-x.tmp"
    leftover.write_text("half written")
    os.utime(leftover, (now - 3600, now - 3600))
    monkeypatch.setenv("GLOSSARY_CACHE_MAX_MB", "2.5")
    removed = {p.name for p in prune(keep=directory / "store-keep.sqlite", now=now)}
    assert removed == {"store-old.sqlite", "store-lru.sqlite", "store-mid.sqlite", ".store-x.tmp"}
    assert (directory / "notes.txt").exists() and (directory / "store-recent.sqlite").exists()


def test_a_store_of_another_version_is_replaced_not_kept_beside(run, tmp_path, cache, monkeypatch):
    terms = tmp_path / "terms"
    write(terms / "a.yaml", *TERMS)
    assert run("show", "云计算", "-t", str(terms)).exit_code == 0
    (old,) = cache.glob("store-*.sqlite")
    other = write(tmp_path / "other" / "b.yaml", *TERMS[:1])
    assert run("show", "测试术语", "-t", str(other), "--no-builtin").exit_code == 0
    (unrelated,) = set(cache.glob("store-*.sqlite")) - {old}
    an_hour_ago = time.time() - 2 * 3600
    for path in (old, unrelated):
        os.utime(path, (an_hour_ago, an_hour_ago))
    monkeypatch.setattr(compiled, "STORE_VERSION", compiled.STORE_VERSION + 1)
    assert run("show", "云计算", "-t", str(terms)).exit_code == 0
    assert not old.exists()  # same term files, superseded
    assert unrelated.exists()  # other term files: kept
    assert len(list(cache.glob("store-*.sqlite"))) == 2


def test_cache_info_and_clear(run, tmp_path, cache):
    write(tmp_path / "terms" / "a.yaml", *TERMS)
    assert run("show", "云计算", "-t", str(tmp_path / "terms")).exit_code == 0
    info = run("cache", "info", "-f", "json")
    assert info.exit_code == 0
    (record,) = [r for r in json.loads(info.stdout) if r["kind"] == "store"]
    assert record["files"] >= 7 and str((tmp_path / "terms").resolve()) in record["roots"]
    (cache / "keep-me.txt").write_text("not ours")
    cleared = run("cache", "clear")
    assert cleared.exit_code == 0 and "removed" in cleared.stderr
    assert not list(cache.glob("store-*")) and (cache / "keep-me.txt").exists()
    assert run("cache", "bogus").exit_code == 2
