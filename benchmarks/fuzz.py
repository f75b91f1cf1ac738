"""Fuzzing: random bytes and random YAML as term files, random text to segment,
highlight and check, for a given time; every outcome must be a result or one clean
error line (exit 0, 1 or 2), never a traceback.

    python benchmarks/fuzz.py [--minutes 10] [--seed N]

Not a test (it runs for minutes): its figures go in docs/security.md. Each target is
a hypothesis test run in rounds with fresh seeds until the time is up; a failing
example is recorded with its traceback and the run goes on, so that one bug does not
hide the next. Exit status 1 if anything failed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

TERMS = ["低空经济", "虚拟电厂", "中试验证", "车网互动", "数字孪生", "人工智慧", "醫療衞生", "制造業",
         "公铁、水水、铁水智慧联运", "新産品", "智能网联汽车", "数据要素"]
FIELDS = ["id", "zh", "zh_hant", "pinyin", "fr", "en", "domain", "category", "source", "provenance",
          "note", "fr_variants", "en_variants", "zh_variants", "zh_regional", "see_also", "generated"]

examples: Counter = Counter()
failures: list[tuple[str, str, str]] = []


def outcome(target: str, shown: str, result) -> None:
    """Record a CLI result: anything but exit 0/1/2 with at most one error line fails."""
    examples[target] += 1
    exc = result.exception
    stderr = result.stderr if result.stderr_bytes is not None else ""
    bad = (exc is not None and not isinstance(exc, SystemExit)) or result.exit_code not in (0, 1, 2) \
        or "Traceback" in stderr or (result.exit_code == 2 and stderr.count("\n") != 1)
    if bad:
        detail = "".join(traceback.format_exception(exc)) if exc and not isinstance(exc, SystemExit) \
            else stderr
        failures.append((target, shown[:300], detail[-2000:]))


# --------------------------------------------------------------------------- strategies

text_piece = st.one_of(st.sampled_from(TERMS), st.text(max_size=20),
                       st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
                       st.sampled_from(["\n", "\r\n", "。", "，", "（", "）", "(", ")", "、", " ",
                                        "\x1b[2J", "\u202e", "\u2028", "\x85"]))
texts = st.lists(text_piece, max_size=40).map("".join)

scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                   st.text(max_size=40), st.sampled_from(TERMS), st.dates(),
                   st.sampled_from(["general", "editor", "source", "preferred", "deprecated"]))
value = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)),
                                                 inner, max_size=5)), max_leaves=20)
entry = st.dictionaries(st.sampled_from(FIELDS), value, max_size=len(FIELDS))
documents = st.one_of(value, st.fixed_dictionaries({"entries": st.lists(entry, max_size=5)},
                                                   optional={"domains": value, "description": value}))


def mutated(data: bytes, rnd: random.Random) -> bytes:
    """``data`` with a few bytes changed, cut, or repeated."""
    data = bytearray(data)
    for _ in range(rnd.randint(0, 4)):
        if not data:
            break
        choice = rnd.random()
        at = rnd.randrange(len(data))
        if choice < 0.5:
            data[at] = rnd.randrange(256)
        elif choice < 0.75:
            del data[at:at + rnd.randint(1, 20)]
        else:
            data[at:at] = data[at:at + rnd.randint(1, 20)] * rnd.randint(1, 5)
    return bytes(data)


# --------------------------------------------------------------------------- targets

def term_file_target(run, work: Path):
    directory = work / "terms"
    directory.mkdir(exist_ok=True)
    path = directory / "fuzz.yaml"

    @settings(max_examples=200, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(doc=documents, raw=st.binary(max_size=300), how=st.integers(0, 3), seed=st.integers())
    def term_files(doc, raw, how, seed):
        if how == 0:
            data = raw
        else:
            try:
                data = yaml.safe_dump(doc, allow_unicode=True).encode("utf-8")
            except yaml.YAMLError:
                data = raw
            if how == 2:
                data = mutated(data, random.Random(seed))
            elif how == 3:
                data = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
        path.write_bytes(data)
        command = random.Random(seed).choice([("list", "-f", "jsonl"), ("lookup", "低空经济", "-f", "tsv"),
                                              ("validate", str(path)), ("highlight", "发展低空经济")])
        outcome("term file", repr(data[:200]), run(*command, "-t", str(directory)))

    return term_files


def text_target(run):
    @settings(max_examples=200, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(text=texts, french=texts, command=st.sampled_from(["highlight", "segment", "check",
                                                              "inline", "extract", "lookup"]),
           encode=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    def text_commands(text, french, command, encode):
        data = text.encode(encode, "replace")
        with tempfile.TemporaryDirectory() as d:
            zh, fr = Path(d) / "zh.txt", Path(d) / "fr.txt"
            zh.write_bytes(data)
            fr.write_text(french, encoding="utf-8", errors="replace")
            args = {"highlight": ("highlight", "-", "-f", "jsonl"),
                    "segment": ("segment", "-", "-f", "tsv"),
                    "check": ("check", str(zh), str(fr), "-f", "jsonl"),
                    "inline": ("check", "--inline", "-", "-f", "jsonl"),
                    "extract": ("extract", "-", "--yaml"),
                    "lookup": ("lookup", text[:200] or "x", "-f", "jsonl")}[command]
            if command == "check" and text.count("\n") != french.count("\n"):
                args = ("check", "--align", str(zh), str(fr), "-f", "jsonl")
            stdin = (french.encode("utf-8", "replace") if command == "inline" else data)
            outcome(command, repr(text[:200]), run(*args, input=stdin))

    return text_commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="glossary-fuzz-"))
    os.environ["GLOSSARY_CACHE_DIR"] = str(work / "cache")
    os.environ["GLOSSARY_DATA_DIR"] = str(work / "data")
    os.environ.pop("GLOSSARY_PATH", None)
    from typer.testing import CliRunner

    from glossary.cli import app

    runner = CliRunner()

    def run(*argv, input=None):
        return runner.invoke(app, list(argv), input=input)

    targets = [term_file_target(run, work), text_target(run)]
    rnd = random.Random(args.seed)
    start = time.monotonic()
    deadline = start + args.minutes * 60
    rounds = 0
    while time.monotonic() < deadline:
        target = targets[rounds % len(targets)]
        target._hypothesis_internal_use_seed = rnd.getrandbits(64)  # hypothesis.seed(), renewed
        try:
            target()
        except Exception as exc:  # a failure hypothesis raised outside our own recording
            failures.append(("hypothesis", repr(exc)[:300], "".join(traceback.format_exception(exc))[-2000:]))
        rounds += 1
    elapsed = time.monotonic() - start
    print(f"# fuzz run, {datetime.date.today()}, {elapsed / 60:.1f} min, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores")
    for target, count in sorted(examples.items()):
        print(f"- {target}: {count} examples")
    print(f"- total: {sum(examples.values())} examples, {len(failures)} failures")
    by_kind = Counter((t, detail.strip().splitlines()[-1][:160] if detail.strip() else "")
                      for t, _, detail in failures)
    for (target, last), n in by_kind.most_common():
        print(f"  - {target}: {n} × {last}")
    for target, shown, detail in failures[:5]:
        print(f"\n## {target}: {shown}\n{detail}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
