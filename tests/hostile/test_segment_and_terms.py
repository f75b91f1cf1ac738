"""jieba's dictionary cache, cache paths, long lines, pipes and hostile term files.

- The jieba cache (the SQLite and marshal files of :mod:`glossary.segment`) broken in
  every way a disk or a person breaks it is written again, silently: never a
  traceback, never a hang.
- ``%``, ``?`` and ``#`` in the cache path are file names, not URI syntax.
- A text of one long line is segmented in bounded pieces, its tokens those of the
  same sentences one per line.
- A pipe or a FIFO given as the input is read.
- A term file with giant values or keys, dates for keys, deep nesting or an absurdly
  long term gives one short line on stderr and status 2; an unreadable directory too.

Cases that could hang run in a subprocess with a timeout; the others in-process.
"""

from __future__ import annotations

import marshal
import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from glossary import segment as segment_module
from glossary.matcher import TermMatcher
from glossary.segment import Segmenter

GLOSSARY = [sys.executable, "-m", "glossary"]
HANG_GUARD = 60  # seconds: only a hang fails on this, never a slow machine
SHORT = "低空经济是新的增长点"  # short: its dictionary entries come from the SQLite file
LONG = "低空经济是新的增长点。" * 700  # past SMALL_TEXT: the whole table, from the marshal file
MAX_LINE = 500  # an error line is shorter than this, whatever the term file holds
SENTENCES = (Path(__file__).parents[1] / "data/check_eval/article.zh.txt").read_text(
    encoding="utf-8")


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr[-2000:]
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("glossary: "), stderr[:2000]
    assert len(lines[0]) < MAX_LINE, lines[0][:2000]
    return lines[0]


# --------------------------------------------------------------------------- the jieba cache

@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    """A healthy jieba cache (the session's), and what segment prints with it."""
    cache = tmp_path_factory.getbasetemp() / "cache"
    env = dict(os.environ, GLOSSARY_CACHE_DIR=str(cache))
    outputs = {}
    for text in (SHORT, LONG):
        done = subprocess.run([*GLOSSARY, "segment", "--no-builtin", "-"], input=text, env=env,
                              capture_output=True, text=True, timeout=HANG_GUARD)
        assert done.returncode == 0, done.stderr
        outputs[text] = done.stdout
    sqlite_file, = cache.glob("jieba-*.sqlite")
    marshal_file, = cache.glob("jieba-*.marshal")
    return sqlite_file, marshal_file, outputs


def _scribble(path: Path) -> None:
    """Random bytes over the start of every page (the header included)."""
    noise = random.Random(7)
    with open(path, "r+b") as fh:
        for offset in range(0, path.stat().st_size, 4096):
            fh.seek(offset)
            fh.write(noise.randbytes(64))


def _truncate(size: int):
    def cut(path: Path) -> None:
        os.truncate(path, size)
    return cut


def _sql(statement: str):
    def run_sql(path: Path) -> None:
        con = sqlite3.connect(path)
        con.execute(statement)
        con.commit()
        con.close()
    return run_sql


def _fragments(text: str) -> str:
    return ", ".join(f"'{text[i:j]}'" for i in range(len(text)) for j in range(i + 1, len(text) + 1))


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path, 0o600)


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir(mode=0o700)


def _full_directory(path: Path) -> None:
    _directory(path)
    (path / "left").write_text("there", encoding="utf-8")


def _marshal_of(value):
    def write(path: Path) -> None:
        path.write_bytes(marshal.dumps(value))
    return write


# (case, which file, how it is broken, whether it can be written again in its place)
CORRUPTIONS = [
    ("sqlite-random-pages", "sqlite", _scribble, True),
    ("sqlite-truncated", "sqlite", _truncate(5000), True),
    ("sqlite-empty-file", "sqlite", _truncate(0), True),
    ("sqlite-empty-meta", "sqlite", _sql("DELETE FROM meta"), True),
    ("sqlite-meta-wrong-types", "sqlite", _sql("UPDATE meta SET total = 'many', longest = NULL"), True),
    ("sqlite-freq-text", "sqlite",
     _sql(f"UPDATE freq SET freq = 'often' WHERE word IN ({_fragments('是新的增长点')})"), True),
    ("sqlite-freq-negative", "sqlite",
     _sql(f"UPDATE freq SET freq = -5 WHERE word IN ({_fragments('是新的增长点')})"), True),
    ("sqlite-fifo", "sqlite", _fifo, True),
    ("sqlite-directory", "sqlite", _directory, True),
    ("sqlite-directory-not-empty", "sqlite", _full_directory, False),
    ("marshal-random-bytes", "marshal", _scribble, True),
    ("marshal-truncated", "marshal", _truncate(1000), True),
    ("marshal-empty-file", "marshal", _truncate(0), True),
    ("marshal-wrong-types", "marshal", _marshal_of(({"是": "often", "新": -1, "增长": 2.5}, 5)), True),
    ("marshal-not-a-table", "marshal", _marshal_of([1, 2, 3]), True),
    ("marshal-fifo", "marshal", _fifo, True),
    ("marshal-directory", "marshal", _directory, True),
]


def _reads_back(path: Path, kind: str) -> bool:
    if not stat.S_ISREG(path.lstat().st_mode):
        return False
    if kind == "marshal":
        freq, total = marshal.loads(path.read_bytes())
        return isinstance(freq, dict) and isinstance(total, int) and len(freq) > 100_000
    con = sqlite3.connect(path)
    try:
        (total, longest), = con.execute("SELECT total, longest FROM meta").fetchall()
        count, = con.execute("SELECT count(*) FROM freq WHERE typeof(freq) != 'integer'").fetchone()
        return isinstance(total, int) and isinstance(longest, int) and count == 0
    finally:
        con.close()


@pytest.mark.parametrize("case, kind, breaks, rewritten", CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_a_broken_jieba_cache_is_written_again_silently(run, healthy, tmp_path, case, kind, breaks,
                                                        rewritten):
    sqlite_file, marshal_file, outputs = healthy
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    for source in (sqlite_file, marshal_file):
        shutil.copy2(source, cache / source.name)
    target = cache / (sqlite_file if kind == "sqlite" else marshal_file).name
    breaks(target)
    text = SHORT if kind == "sqlite" else LONG
    (tmp_path / "in.txt").write_text(text, encoding="utf-8")
    args = ["segment", "--no-builtin", str(tmp_path / "in.txt")]
    if "fifo" in case:  # the risk is a hang: a process of its own, with a timeout
        done = subprocess.run([*GLOSSARY, *args], env=dict(os.environ, GLOSSARY_CACHE_DIR=str(cache)),
                              capture_output=True, text=True, timeout=HANG_GUARD)
        code, stdout, stderr = done.returncode, done.stdout, done.stderr
    else:
        result = run(*args, env={"GLOSSARY_CACHE_DIR": str(cache)})
        code, stdout, stderr = result.exit_code, result.stdout, result.stderr
    assert (code, stderr) == (0, ""), stderr[-2000:]
    assert stdout == outputs[text]
    if rewritten:
        assert _reads_back(target, kind)
    leftovers = [p.name for p in cache.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


# --------------------------------------------------------------------------- cache paths

@pytest.fixture(scope="module")
def odd_cache(tmp_path_factory):
    """A cache directory whose name a URI would read as an escape, a query and a fragment."""
    parent = tmp_path_factory.mktemp("odd")
    return parent, parent / "c%41b?x#y"


@pytest.mark.parametrize("args", [["segment", SHORT], ["segment", LONG[:40]],
                                  ["highlight", "发展低空经济"], ["lookup", "低空经济"], ["list"]],
                         ids=["segment", "segment-again", "highlight", "lookup", "list"])
def test_percent_question_mark_and_hash_in_the_cache_path_are_a_file_name(run, odd_cache, args):
    parent, cache = odd_cache
    result = run(*args, env={"GLOSSARY_CACHE_DIR": str(cache)})
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.strip()
    assert [p.name for p in parent.iterdir()] == [cache.name]  # nothing made beside it
    names = [p.name for p in cache.iterdir()]
    assert any(n.startswith("store-") for n in names)
    if args[0] == "segment":
        assert sorted(n.rsplit(".", 1)[1] for n in names if n.startswith("jieba-")) == \
            ["marshal", "sqlite"]


# --------------------------------------------------------------------------- long lines

@pytest.fixture(scope="module")
def sentences():
    """The sentences of a real text, each ending with its full stop."""
    text = SENTENCES.replace("\n", "")
    return [s + "。" for s in text.split("。") if s]


@pytest.fixture
def pieces(monkeypatch):
    """The length of every piece of text handed to jieba and the matcher."""
    seen: list[int] = []
    original = Segmenter._tokens

    def spy(self, text, offset, spans=None):
        seen.append(len(text))
        return original(self, text, offset, spans)

    monkeypatch.setattr(Segmenter, "_tokens", spy)
    return seen


def test_a_long_line_is_cut_in_bounded_pieces_into_the_tokens_of_its_sentences(run, tmp_path,
                                                                                sentences, pieces,
                                                                                glossary):
    repeat = 2_000_000 // len("".join(sentences).encode())  # about 2 MB
    line = "".join(sentences) * repeat
    (tmp_path / "line.txt").write_text(line + "\n", encoding="utf-8")
    (tmp_path / "lines.txt").write_text("\n".join(sentences * repeat) + "\n", encoding="utf-8")
    one = run("segment", "--sep", "|", str(tmp_path / "line.txt"))
    assert (one.exit_code, one.stderr) == (0, "")
    longest = max(pieces)
    many = run("segment", "--sep", "|", str(tmp_path / "lines.txt"))
    assert many.exit_code == 0
    tokens = one.stdout.rstrip("\n").split("|")
    assert "".join(tokens) == line  # lossless
    assert tokens == "|".join(many.stdout.splitlines()).split("|")
    assert longest <= segment_module.PIECE_CHARS + TermMatcher.from_glossary(glossary).max_len


def test_a_line_without_punctuation_is_cut_outside_terms(glossary, monkeypatch, pieces):
    monkeypatch.setattr(segment_module, "PIECE_CHARS", 50)
    matcher = TermMatcher.from_glossary(glossary)
    text = "发展低空经济建设数字孪生城市推动虚拟电厂" * 200
    chunks = [text[i:i + 333] for i in range(0, len(text), 333)]
    tokens = list(Segmenter(matcher).iter_tokens(chunks))
    assert "".join(t.text for t in tokens) == text
    assert all(text[t.start:t.end] == t.text for t in tokens)
    terms = [(t.start, t.end, t.entry_id) for t in tokens if t.entry_id]
    assert terms == [(s.start, s.end, s.entry_id) for s in matcher.find_spans(text)]
    assert max(pieces) <= 50 + matcher.max_len


def test_the_text_output_of_a_long_line_is_written_as_it_comes():
    from glossary.cli.text import _write_tokens_text
    from glossary.segment import Token

    consumed = 0
    total = 20_000

    def tokens():
        nonlocal consumed
        for i in range(total):
            consumed += 1
            yield Token("词", i, i + 1)

    class Stream:
        first_write_after: int | None = None
        text = ""

        def write(self, s: str) -> None:
            if self.first_write_after is None:
                self.first_write_after = consumed
            self.text += s

    stream = Stream()
    _write_tokens_text(tokens(), " ", None, stream)
    assert stream.text == " ".join(["词"] * total) + "\n"
    assert stream.first_write_after < total  # not a whole line held until its end


# --------------------------------------------------------------------------- pipes and FIFOs

@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return dict(os.environ, GLOSSARY_CACHE_DIR=str(tmp_path_factory.getbasetemp() / "cache"))


EXPECTED = {"segment": "低空经济 发展\n", "highlight": "{低空经济|économie des basses altitudes}发展\n"}


@pytest.mark.parametrize("command", ["segment", "highlight"])
def test_a_fifo_named_as_input_is_read(tmp_path, env, command):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def feed():
        try:
            with open(fifo, "w", encoding="utf-8") as fh:
                fh.write("低空经济发展\n")
        except OSError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        done = subprocess.run([*GLOSSARY, command, "fifo"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=HANG_GUARD)
    finally:
        if writer.is_alive():  # the command did not open it: let the writer go
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(5)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == EXPECTED[command]


@pytest.mark.parametrize("command", ["segment", "highlight"])
def test_a_pipe_given_as_dev_fd_is_read(env, command):
    read, write = os.pipe()
    os.write(write, "低空经济发展\n".encode())
    os.close(write)
    try:
        done = subprocess.run([*GLOSSARY, command, f"/dev/fd/{read}"], env=env, pass_fds=(read,),
                              capture_output=True, text=True, timeout=HANG_GUARD)
    finally:
        os.close(read)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == EXPECTED[command]


@pytest.mark.parametrize("args", [["segment"], ["highlight"], ["highlight", "-f", "html"]])
def test_a_text_argument_too_long_for_a_file_name_is_text(run, args):
    text = "低空经济" * 200  # 2,400 bytes: longer than any file name may be
    result = run(*args, text)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.count("低空经济") >= 200


def test_a_directory_is_still_refused_as_input(run, tmp_path):
    result = run("segment", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in one_error_line(result.stderr)


# --------------------------------------------------------------------------- hostile term files

BIG = 5_000_000
ZH = "测" * 10_000


def _entry(**fields: str) -> str:
    fields = {"zh": "测试", "fr": "essai", **fields}
    return "entries:\n- " + "\n  ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"


HOSTILE = {
    "a-giant-scalar": "x" * BIG,
    "a-giant-fr": _entry(fr="x" * BIG),
    "a-giant-blank-fr": _entry(fr="'" + " " * BIG + "'"),
    "a-giant-id": _entry(id="x" * BIG),
    "a-giant-category": _entry(category="x" * BIG),
    "a-giant-note": _entry(note="x" * BIG),
    "a-giant-list-for-a-string": _entry(fr="[" + ", ".join(["x"] * 200_000) + "]"),
    "a-giant-top-level-key": "entries: []\n? " + "k" * BIG + "\n: 1\n",
    "a-giant-entry-key": _entry() + "  ? " + "k" * BIG + "\n  : 1\n",
    "many-long-unknown-keys": "entries: []\n" + "".join(f"{'k' * 1000}{i}: 1\n" for i in range(200)),
    "a-giant-duplicate-key": "entries: []\n? " + "k" * BIG + "\n: 1\n? " + "k" * BIG + "\n: 2\n",
    "a-giant-tag": "entries:\n- zh: !<" + "t" * 1_000_000 + "> x\n  fr: essai\n",
    "a-date-key": "entries: []\n2020-01-01: x\n",
    "a-date-value": _entry(zh="2020-01-01"),
    "deep-flow-nesting": "entries: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep-block-nesting": "entries:\n" + "- " * 100_000 + "x\n",
    "deep-mapping-nesting": _entry(note="{a: " * 50_000 + "1" + "}" * 50_000),
    "a-very-long-zh": _entry(zh=ZH),
    "a-very-long-zh-hant": _entry(zh_hant=ZH),
    "a-very-long-zh-variant": _entry() + f"  zh_variants:\n  - text: {ZH}\n    status: admitted\n",
    "a-very-long-regional-form": _entry() + f"  zh_regional:\n  - text: {ZH}\n    region: tw\n",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_term_file_is_one_short_error_line(run, tmp_path, name):
    (tmp_path / "t.yaml").write_text(HOSTILE[name], encoding="utf-8")
    result = run("list", "--no-builtin", "-t", str(tmp_path))
    assert result.exit_code == 2
    assert str(tmp_path / "t.yaml") in one_error_line(result.stderr)


@pytest.mark.parametrize("name, says", [
    ("a-date-key", "unknown field: '2020-01-01' was unexpected"),
    ("a-date-value", "zh: expected string, got the date 2020-01-01"),
    ("a-giant-scalar", "value: expected object, got 'xxx"),
    ("a-very-long-zh", "zh: 10,000 characters, more than the 100 allowed"),
    ("a-giant-fr", "fr: 5,000,000 characters, more than the 500 allowed"),
])
def test_a_hostile_term_file_says_what_is_wrong(run, tmp_path, name, says):
    (tmp_path / "t.yaml").write_text(HOSTILE[name], encoding="utf-8")
    result = run("list", "--no-builtin", "-t", str(tmp_path))
    line = one_error_line(result.stderr)
    assert says in line
    assert line.startswith(f"glossary: {tmp_path / 't.yaml'}:")  # path:line:col


@pytest.mark.parametrize("args", [["highlight", "测试"], ["segment", "测试"], ["lookup", "测试"]])
def test_an_absurdly_long_term_stops_every_command_at_once(run, tmp_path, args):
    (tmp_path / "t.yaml").write_text(HOSTILE["a-very-long-zh"], encoding="utf-8")
    result = run(*args, "-t", str(tmp_path))
    assert result.exit_code == 2
    assert "more than the 100 allowed" in one_error_line(result.stderr)


def test_validate_reports_each_length_limit_on_a_short_line(run, tmp_path):
    text = _entry(zh=ZH, zh_hant=ZH, pinyin="cè " * 10_000, see_also=f"[{'a' * 100_000}]")
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    result = run("validate", "--no-builtin", "-t", str(tmp_path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert all(len(line) < MAX_LINE for line in lines), max(lines, key=len)[:1000]
    for field, limit in (("zh", 100), ("zh_hant", 100), ("pinyin", 500), ("see_also", 100)):
        assert any(f"{field}: " in line and f"more than the {limit} allowed" in line for line in lines)


def test_no_shipped_term_comes_near_a_length_limit():
    from glossary.store import builtin_terms_dir, field_limits, read_term_file

    limits = field_limits()
    for path in builtin_terms_dir().glob("*.yaml"):
        _node, data = read_term_file(path)
        for entry in data["entries"]:
            for field, value in entry.items():
                if isinstance(value, str) and field in limits:
                    assert len(value) <= limits[field] // 2, (path.name, field, value)


# --------------------------------------------------------------------------- unreadable directories

@pytest.fixture
def layered(tmp_path):
    """A term directory with a subdirectory, each holding an entry."""
    top = tmp_path / "d"
    (top / "sub").mkdir(parents=True)
    (top / "a.yaml").write_text(_entry(zh="测试甲", fr="a"), encoding="utf-8")
    (top / "sub" / "b.yaml").write_text(_entry(zh="测试乙", fr="b"), encoding="utf-8")
    return top


def _deny_access(monkeypatch, denied: Path) -> None:
    real = os.access
    monkeypatch.setattr(os, "access",
                        lambda p, mode, **kw: False if Path(p) == denied else real(p, mode, **kw))


def _deny_listing(monkeypatch, denied: Path) -> None:
    real = os.scandir

    def scandir(p="."):
        if Path(p) == denied:
            raise PermissionError(13, "Permission denied", str(p))
        return real(p)

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.mark.parametrize("deny", [_deny_access, _deny_listing], ids=["access", "listing"])
@pytest.mark.parametrize("where", ["sub", "top"])
def test_an_unreadable_term_directory_is_an_error_naming_it(run, layered, monkeypatch, deny, where):
    """As root, chmod 000 does not stop reading: the refusal is simulated."""
    denied = layered / "sub" if where == "sub" else layered
    assert run("list", "--no-builtin", "-t", str(layered), "-f", "tsv").exit_code == 0
    deny(monkeypatch, denied)
    result = run("list", "--no-builtin", "-t", str(layered), "-f", "tsv")
    assert result.exit_code == 2
    assert one_error_line(result.stderr).startswith(f"glossary: {denied}: cannot read directory")
