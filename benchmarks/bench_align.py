"""Speed (and accuracy) of `glossary check --align` (figures for docs/benchmarks-qa.md).

    python benchmarks/bench_align.py [--repeat N]

Two articles of 100 paragraphs each, about 2,000 sentences a side, built from the
evaluation set (tests/data/check_eval/): its 76 sentence pairs repeated and shuffled
(a fixed seed), the Chinese in paragraphs of 20 sentences, the French in paragraphs of
15, 25, 18 and 22 in turn, and the French disturbed the way translations are: every
50th sentence left out (a 1-0 bead) and every 37th joined to the next by a semicolon
(a 2-1 bead). Timed: the library (split, align, check), and the CLI writing JSON
lines to a file (start-up included). Medians of --repeat runs. Also printed: the share
of Chinese sentences whose aligned French is exactly the right one.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "data" / "check_eval"
GLOSSARY = Path(sys.executable).with_name("glossary")
SENTENCES = 2000


def _paragraphs(sentences: list[str], sizes: tuple[int, ...], joiner: str) -> str:
    paragraphs, i = [], 0
    for size in cycle(sizes):
        if i >= len(sentences):
            break
        paragraphs.append(joiner.join(sentences[i:i + size]))
        i += size
    return "\n\n".join(paragraphs) + "\n"


def build() -> tuple[str, str, list[tuple[int, ...]]]:
    """The two articles, and for each Chinese sentence the French sentences that are
    its translation (indexes into the French article's sentences)."""
    source = (EVAL / "source.zh.txt").read_text(encoding="utf-8").splitlines()
    target = (EVAL / "target.fr.txt").read_text(encoding="utf-8").splitlines()
    pairs = (list(zip(source, target)) * (SENTENCES // len(source) + 1))[:SENTENCES]
    random.Random(14).shuffle(pairs)
    french: list[str] = []
    truth: list[tuple[int, ...]] = []
    i = 0
    while i < len(pairs):
        if i % 50 == 49:  # left out of the translation
            truth.append(())
            i += 1
            continue
        if i % 37 == 36 and i + 1 < len(pairs) and (i + 1) % 50 != 49:  # two sentences made one
            first, second = pairs[i][1], pairs[i + 1][1]
            french.append(first.rstrip(".") + " ; " + second[0].lower() + second[1:])
            truth += [(len(french) - 1,), (len(french) - 1,)]
            i += 2
            continue
        french.append(pairs[i][1])
        truth.append((len(french) - 1,))
        i += 1
    zh = _paragraphs([p[0] for p in pairs], (20,), "")
    fr = _paragraphs(french, (15, 25, 18, 22), " ")
    return zh, fr, truth


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

    from glossary.align import check_aligned
    from glossary.store import load_glossary

    zh, fr, truth = build()
    glossary = load_glossary([EVAL / "terms"])
    report = check_aligned(glossary, zh, fr)
    right = 0
    for bead in report.beads:
        for i in bead.source:
            right += tuple(bead.target) == truth[i] or (not bead.target and not truth[i])
    kinds: dict[str, int] = {}
    for bead in report.beads:
        kinds[bead.kind] = kinds.get(bead.kind, 0) + 1
    paragraphs = [sum(1 for line in text.split("\n") if line) for text in (zh, fr)]
    print(f"articles: {len(report.source)} Chinese sentences in {paragraphs[0]} "
          f"paragraphs, {len(report.target)} French in {paragraphs[1]}; "
          f"{len(zh) + len(fr):,} characters")
    print(f"beads: {kinds}; sentences aligned exactly right: {right}/{len(report.source)} "
          f"({right / len(report.source):.1%})")
    print(f"findings: {report.counts()}")
    library = median_time(lambda: check_aligned(glossary, zh, fr), args.repeat)
    print(f"library, split + align + check: {library:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        src, tgt = Path(tmp, "zh.txt"), Path(tmp, "fr.txt")
        src.write_text(zh, encoding="utf-8")
        tgt.write_text(fr, encoding="utf-8")
        out = Path(tmp, "out.jsonl")

        def cli() -> None:
            with open(out, "w", encoding="utf-8") as fh:
                subprocess.run([str(GLOSSARY), "check", str(src), str(tgt), "--align", "-t",
                                str(EVAL / "terms"), "-f", "jsonl"], stdout=fh, check=False)

        cli()  # the term cache
        print(f"CLI, -f jsonl to a file: {median_time(cli, args.repeat):.2f} s")


if __name__ == "__main__":
    main()
