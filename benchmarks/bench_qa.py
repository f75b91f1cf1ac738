"""Speed of `glossary check` and `glossary extract` (figures for docs/benchmarks-qa.md).

    python benchmarks/bench_qa.py [--repeat N]

check: the evaluation set's 76 segment pairs repeated to 20,000 pairs (about 1.2 MB of
Chinese and French), through the library (Checker.run) and through the CLI
(`glossary check … -f jsonl > file`). extract: tests/data/extract/plan.txt repeated
to about 100 KB of Chinese, library and CLI; and the CLI on the short plan alone,
which is mostly start-up (jieba's dictionary). Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "data" / "check_eval"
PLAN = ROOT / "tests" / "data" / "extract" / "plan.txt"
GLOSSARY = Path(sys.executable).with_name("glossary")


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from glossary.extract import extract
    from glossary.qa import Checker, pair_lines
    from glossary.store import load_glossary

    glossary = load_glossary([EVAL / "terms"])
    source = (EVAL / "source.zh.txt").read_text(encoding="utf-8").splitlines()
    target = (EVAL / "target.fr.txt").read_text(encoding="utf-8").splitlines()
    times = 20_000 // len(source) + 1
    big_source = "\n".join((source * times)[:20_000]) + "\n"
    big_target = "\n".join((target * times)[:20_000]) + "\n"
    plan = PLAN.read_text(encoding="utf-8")
    big_plan = plan * (100_000 // len(plan) + 1)

    with tempfile.TemporaryDirectory() as tmp:
        src, tgt, txt = Path(tmp, "zh.txt"), Path(tmp, "fr.txt"), Path(tmp, "plan.txt")
        src.write_text(big_source, encoding="utf-8")
        tgt.write_text(big_target, encoding="utf-8")
        txt.write_text(big_plan, encoding="utf-8")
        mb = (len(big_source.encode()) + len(big_target.encode())) / 1e6

        segments = pair_lines(big_source, big_target)
        checker = Checker(glossary, "fr")
        lib_check = median_time(lambda: Checker(glossary, "fr").run(segments), args.repeat)
        report = checker.run(segments)

        def cli(*argv: str) -> None:
            with open(os.path.join(tmp, "out"), "w") as out:
                subprocess.run([str(GLOSSARY), *argv], stdout=out, check=False)

        cli_check = median_time(lambda: cli("check", str(src), str(tgt), "-t", str(EVAL / "terms"),
                                            "-f", "jsonl"), args.repeat)
        lib_extract = median_time(lambda: extract(big_plan, glossary, limit=50), args.repeat)
        cli_extract = median_time(lambda: cli("extract", str(txt), "-f", "jsonl"), args.repeat)
        cli_extract_small = median_time(lambda: cli("extract", str(PLAN), "-f", "jsonl"), args.repeat)

    print(f"check, library: {len(segments)} pairs ({mb:.2f} MB), {len(report.findings)} findings: "
          f"{lib_check:.2f} s = {len(segments) / lib_check:,.0f} pairs/s")
    print(f"check, CLI -f jsonl to a file: {cli_check:.2f} s = {len(segments) / cli_check:,.0f} pairs/s")
    print(f"extract, library: {len(big_plan):,} characters: {lib_extract:.2f} s "
          f"= {len(big_plan) / lib_extract / 1000:,.0f} k characters/s")
    print(f"extract, CLI: {cli_extract:.2f} s; on plan.txt alone ({len(plan)} characters): "
          f"{cli_extract_small:.2f} s")


if __name__ == "__main__":
    main()
