"""Hostile queries to ``glossary lookup``: whatever is typed, it answers or refuses in
one line, in bounded time, never with a traceback.

Two findings of an adversarial run are kept here as reproducers: unspaced pinyin with no
reading (``xian`` ×25 then ``qqq``) made the search try every cut of the letters (over a
minute at full CPU), and a run of a thousand letters overflowed the stack of the
recursive cut. The CLI runs in a subprocess with a hang guard, not a speed assertion.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.errors import GlossaryError
from glossary.index import open_index
from glossary.pinyin import SYLLABLES
from glossary.search import MAX_QUERY, Lang, lookup, lookup_many, suggest

HANG = 30  # seconds: a lookup still running by then is hung (each takes well under one)


def glossary(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "glossary", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=HANG)


@pytest.fixture
def index():
    opened = open_index()
    yield opened
    opened.close()


# --------------------------------------------------------------------------- the reproducers

@pytest.mark.parametrize("query", [
    "xian" * 25 + "qqq",  # 2^25 cuts into syllables, none reaching the end
    "a" * 1000,  # a thousand one-letter syllables: the recursive cut overflowed
    "xian" * 250,  # as many cuts, each one a reading
    "xi'an" * 200,
    "zh" * 500,  # no syllable at all
])
def test_unspaced_pinyin_neither_hangs_nor_overflows(query):
    done = glossary("lookup", query)
    assert done.returncode == 1  # nothing matches
    assert done.stderr == ""


def ended(result) -> int:
    """The exit status of an in-process run that ended as the CLI meant it to (no exception)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code


def test_a_query_over_the_limit_is_refused_in_one_line(run):
    result = run("lookup", "a" * (MAX_QUERY + 1))
    assert ended(result) == 2
    assert result.stderr == (f"glossary: query too long ({MAX_QUERY + 1} characters; at most "
                             f"{MAX_QUERY}): to find the terms in a text, use glossary highlight\n")


def test_a_query_at_the_limit_is_looked_up(run):
    assert ended(run("lookup", "  " + "a" * MAX_QUERY + "  ")) == 1  # stripped first
    spaced = "dikong" + " " * (MAX_QUERY - 12) + "jingji"
    result = run("lookup", spaced, "-f", "json")
    assert ended(result) == 0
    assert json.loads(result.stdout)[0]["id"] == "low-altitude-economy"


def test_batch_gives_an_over_long_line_no_result_and_goes_on(run):
    result = run("lookup", "-", input="dikong jingji\n" + "a" * (MAX_QUERY + 1) + "\nxndc\n")
    assert ended(result) == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    assert [row[1] for row in rows] == ["low-altitude-economy", "", "virtual-power-plant"]
    assert result.stderr == (f"glossary: line 2: query too long ({MAX_QUERY + 1} characters; at "
                             f"most {MAX_QUERY}): to find the terms in a text, use glossary highlight\n")


LONG_FR = ("Orientations relatives à l'accélération de la construction d'un système de normes "
           "pour les scénarios d'application de l'intelligence artificielle dans les secteurs de "
           "l'énergie, des transports et de la santé publique")


def test_long_honest_queries_still_find_their_entry(run, tmp_path):
    assert len(LONG_FR) >= 200
    (tmp_path / "t.yaml").write_text(
        "entries:\n"
        "  - {id: long-title, zh: 关于加快人工智能应用场景标准体系建设的指导意见,"
        " pinyin: guānyú jiākuài réngōng zhìnéng yìngyòng chǎngjǐng biāozhǔn tǐxì jiànshè de"
        f" zhǐdǎo yìjiàn, fr: \"{LONG_FR}\", domain: general, category: general, source: test,"
        " provenance: editor}\n", encoding="utf-8")
    for query, expected in [
        ("xijinpingxinshidaizhongguoteseshehuizhuyisixiang", "xi-jinping-thought"),  # 48 letters
        ("guanyujiakuairengongzhinengyingyongchangjingbiaozhuntixijianshedezhidaoyijian",
         "long-title"),
        ("xi jin ping xin shi dai zhong guo te se she hui zhu yi si xiang", "xi-jinping-thought"),
        (LONG_FR, "long-title"),
        (LONG_FR.upper().replace("É", "E"), "long-title"),
    ]:
        result = run("lookup", query, "-f", "json", "-t", str(tmp_path))
        assert ended(result) == 0, query
        assert json.loads(result.stdout)[0]["id"] == expected, query


# --------------------------------------------------------------------------- any query at all

_SYLLABLES = sorted(SYLLABLES)
_ODD = st.characters(categories=["Cc", "Cf", "Cs", "Co", "Zl", "Zp", "Zs", "Mn"])


def _noise(seed: int, size: int) -> str:
    """``size`` code points drawn anywhere in Unicode (controls, surrogates, unassigned),
    half of them from the scripts a query is typed in: long strings cost hypothesis
    almost nothing to draw this way."""
    rng = random.Random(seed)
    pools = [(0, 0x10FFFF), (0, 0x7F), (0x4E00, 0x9FFF), (0x300, 0x36F), (0xD800, 0xDFFF)]
    return "".join(chr(rng.randint(*rng.choice(pools))) for _ in range(size))


def glued(syllables: list[str], least: int, most: int, tails: list[str]) -> st.SearchStrategy[str]:
    """Syllables run together without spaces, then one of ``tails``."""
    return st.builds(lambda chosen, tail: "".join(chosen) + tail,
                     st.lists(st.sampled_from(syllables), min_size=least, max_size=most),
                     st.sampled_from(tails))


# Syllables that read two ways (xi'an, fang'an …): n of them glued make 2^n cuts.
_TWO_WAYS = ["xian", "jian", "qian", "dian", "tian", "lian", "nian", "bian", "fangan", "dangan",
             "xiang", "jiang"]
_DEAD_ENDS = ["qqq", "zhv", "vvv"]  # no cut of the letters reaches the end
_TAILS = ["", "q", "zh", "v", "ng", "'", "1", "5", " ", "u:", *_DEAD_ENDS]
_GLUED_PINYIN = glued(_SYLLABLES, 1, 250, _TAILS)
_REPEATED = st.builds(
    lambda piece, times: piece * times,
    st.one_of(st.sampled_from(["a", "xian", "xi'an", "a ", "zh", "电", "ü", "ā", "1", "'", "-",
                               "é", "centrale ", "\x00", "\u200b", "\u0301", "\ud800"]),
              st.text(min_size=1, max_size=8)),
    st.one_of(st.integers(1, 3000), st.integers(MAX_QUERY - 20, MAX_QUERY)))  # deep, not refused
QUERIES = st.one_of(
    _GLUED_PINYIN,
    glued(_TWO_WAYS, 1, 60, _TAILS),
    glued(_TWO_WAYS, 30, 80, _DEAD_ENDS),  # a billion cuts and more, none of them a reading
    _REPEATED,
    st.text(max_size=60),
    st.text(_ODD, max_size=60),
    st.builds(_noise, st.integers(0, 2 ** 32), st.integers(0, 3000)),
    st.lists(st.one_of(_GLUED_PINYIN, st.text(max_size=10), st.text(_ODD, max_size=4)),
             max_size=8).map("".join),
)


@contextmanager
def hang_guard():
    """A lookup still running after :data:`HANG` seconds fails the test rather than hang it
    (where there are interval timers)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def hung(signum, frame):
        raise TimeoutError(f"lookup still running after {HANG} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, HANG)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(query=QUERIES, lang=st.sampled_from([None, *Lang]), limit=st.integers(1, 20))
def test_any_query_is_answered_or_refused(index, query, lang, limit):
    with hang_guard():
        try:
            matches = lookup(index, query, lang, limit)
        except GlossaryError as refused:
            assert "\n" not in str(refused)
        else:
            assert len(matches) <= limit
            assert all(0.0 <= m.score <= 100.0 for m in matches)
        assert len(suggest(index, query, lang)) <= 3


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(QUERIES, max_size=4))
def test_a_batch_of_any_lines_answers_every_line(index, lines):
    with hang_guard():
        assert [query for query, _ in lookup_many(index, lines)] == lines
