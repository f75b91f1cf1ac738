"""Precision and recall of `glossary check`'s problem verdicts on the evaluation set.

The set (tests/data/check_eval/) is 68 aligned Chinese / French segments written for
this purpose, with right and wrong renderings, and expected.tsv: the verdict a
reviewer gives each glossary term occurrence of the source, by the glossary's rules.
The glossary is the shipped one plus terms/deprecated.yaml (four shipped entries
with one deprecated French variant each).

A *problem* is a `missing` or `deprecated` verdict. A predicted problem is a true
positive when the reviewer also marked that occurrence as a problem (of either kind;
the kind's agreement is reported apart).

    python benchmarks/check_eval.py          # the figures, and every disagreement
    python benchmarks/check_eval.py --write-articles   # rebuild article.zh.txt / article.fr.txt

The same segments also make an article pair for ``check --align``: the sentences in
the same order, but joined into paragraphs differently on each side
(article.zh.txt, article.fr.txt). The aligned check must give the same verdicts.

near.tsv lists the planted wrong renderings: for a term the translator rendered
another way, the phrase they wrote. The check's ``near`` field should show it.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from itertools import cycle
from pathlib import Path

EVAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "check_eval"
PROBLEMS = {"missing", "deprecated", "unsure"}
# Sentences per paragraph, in turn, on each side of the article pair.
ZH_PARAGRAPHS = (3, 5, 2, 4, 1)
FR_PARAGRAPHS = (4, 2, 6, 3)


def _paragraphs(sentences: list[str], sizes: tuple[int, ...], joiner: str) -> str:
    paragraphs, i = [], 0
    for size in cycle(sizes):
        if i >= len(sentences):
            break
        paragraphs.append(joiner.join(sentences[i:i + size]))
        i += size
    return "\n\n".join(paragraphs) + "\n"


def articles() -> tuple[str, str]:
    """The evaluation set as a Chinese and a French article paragraphed differently."""
    source = (EVAL / "source.zh.txt").read_text(encoding="utf-8").splitlines()
    target = (EVAL / "target.fr.txt").read_text(encoding="utf-8").splitlines()
    return _paragraphs(source, ZH_PARAGRAPHS, ""), _paragraphs(target, FR_PARAGRAPHS, " ")


def expected_verdicts(path: Path = EVAL / "expected.tsv") -> dict[tuple[int, str], list[str]]:
    """(line, id) → the expected verdicts of that term's occurrences, in source order."""
    table: dict[tuple[int, str], list[str]] = defaultdict(list)
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            table[int(row["line"]), row["id"]].append(row["verdict"])
    return table


def run_aligned_check():
    """``check --align`` on the article pair: (segment number, id, verdict) per finding,
    the segment number being the Chinese sentence's rank (= its line in source.zh.txt)."""
    from glossary.align import check_aligned
    from glossary.store import load_glossary

    glossary = load_glossary([EVAL / "terms"])
    report = check_aligned(glossary, (EVAL / "article.zh.txt").read_text(encoding="utf-8"),
                           (EVAL / "article.fr.txt").read_text(encoding="utf-8"))
    rank = {(s.line, s.start): n for n, s in enumerate(report.source, start=1)}
    return report, [(rank[f.finding.line, f.offset], f.finding.id, f.verdict.value)
                    for f in report.findings]


def run_check():
    """The check's findings on the evaluation set."""
    from glossary.qa import Checker, pair_lines
    from glossary.store import load_glossary

    glossary = load_glossary([EVAL / "terms"])
    segments = pair_lines((EVAL / "source.zh.txt").read_text(encoding="utf-8"),
                          (EVAL / "target.fr.txt").read_text(encoding="utf-8"))
    return Checker(glossary, "fr").run(segments)


def evaluate(aligned: bool = False) -> dict:
    """Problem verdicts against the reviewer's: of the line-aligned check, or with
    ``aligned`` of ``check --align`` on the article pair."""
    expected = expected_verdicts()
    predicted: dict[tuple[int, str], list[str]] = defaultdict(list)
    if aligned:
        report, found = run_aligned_check()
        segments = len(report.source)
    else:
        report = run_check()
        found = [(f.line, f.id, f.verdict.value) for f in report.findings]
        segments = len(report.segments)
    for line, entry_id, verdict in found:
        predicted[line, entry_id].append(verdict)
    tp = fp = fn = kind_agree = 0
    disagreements = []
    for key in sorted(set(expected) | set(predicted)):
        want, got = expected.get(key, []), predicted.get(key, [])
        for i in range(max(len(want), len(got))):
            w = want[i] if i < len(want) else None  # None: not annotated / not found
            g = got[i] if i < len(got) else None
            if g in PROBLEMS and w in PROBLEMS:
                tp += 1
                kind_agree += g == w
            elif g in PROBLEMS:
                fp += 1
            elif w in PROBLEMS:
                fn += 1
            if w != g:
                disagreements.append({"line": key[0], "id": key[1], "expected": w, "got": g})
    occurrences = sum(len(v) for v in expected.values())
    return {
        "segments": segments,
        "occurrences": occurrences,
        "expected_problems": sum(v in PROBLEMS for vs in expected.values() for v in vs),
        "predicted_problems": len(report.problems),
        "true_positives": tp, "false_positives": fp, "false_negatives": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "kind_agreement": kind_agree / tp if tp else 1.0,
        "disagreements": disagreements,
    }


def near_phrases(path: Path = EVAL / "near.tsv") -> dict[tuple[int, str], str]:
    """(line, id) → the phrase the translator wrote instead of the approved rendering."""
    with open(path, encoding="utf-8", newline="") as fh:
        return {(int(r["line"]), r["id"]): r["phrase"] for r in csv.DictReader(fh, delimiter="\t")}


def evaluate_near() -> dict:
    """How often ``near`` shows the phrase the translator wrote, on the planted ones."""
    planted = near_phrases()
    shown = {(f.line, f.id): f.near.text if f.near else None
             for f in run_check().findings if f.verdict.value == "missing"}
    hits = [key for key, phrase in planted.items() if shown.get(key) == phrase]
    others = {key: text for key, text in shown.items() if key not in planted and text}
    return {"planted": len(planted), "shown_right": len(hits),
            "near_accuracy": len(hits) / len(planted) if planted else 1.0,
            "misses": {f"{k[0]} {k[1]}": (planted[k], shown.get(k))
                       for k in planted if k not in hits},
            "near_elsewhere": {f"{k[0]} {k[1]}": v for k, v in others.items()}}


def main() -> None:
    if "--write-articles" in sys.argv:
        zh, fr = articles()
        (EVAL / "article.zh.txt").write_text(zh, encoding="utf-8")
        (EVAL / "article.fr.txt").write_text(fr, encoding="utf-8")
        return
    near = evaluate_near()
    print(f"near: the translator's phrase shown for {near['shown_right']} of "
          f"{near['planted']} planted wrong renderings ({near['near_accuracy']:.1%})")
    for key, (want, got) in near["misses"].items():
        print(f"  {key}: wrote {want!r}, near shows {got!r}")
    for key, got in near["near_elsewhere"].items():
        print(f"  {key}: near {got!r} on a missing term not planted")
    for title, aligned in (("line-aligned segments", False), ("article pair, check --align", True)):
        result = evaluate(aligned)
        print(f"# {title}")
        for key, value in result.items():
            if key == "disagreements":
                continue
            print(f"{key:20} {value:.3f}" if isinstance(value, float) else f"{key:20} {value}")
        for d in result["disagreements"]:
            print(f"  line {d['line']:>3} {d['id']:<45} expected {d['expected']!s:<11} got {d['got']}")


if __name__ == "__main__":
    main()
