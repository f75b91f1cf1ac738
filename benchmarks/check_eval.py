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
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

EVAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "check_eval"
PROBLEMS = {"missing", "deprecated"}


def expected_verdicts(path: Path = EVAL / "expected.tsv") -> dict[tuple[int, str], list[str]]:
    """(line, id) → the expected verdicts of that term's occurrences, in source order."""
    table: dict[tuple[int, str], list[str]] = defaultdict(list)
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            table[int(row["line"]), row["id"]].append(row["verdict"])
    return table


def run_check():
    """The check's findings on the evaluation set."""
    from glossary.qa import Checker, pair_lines
    from glossary.store import load_glossary

    glossary = load_glossary([EVAL / "terms"])
    segments = pair_lines((EVAL / "source.zh.txt").read_text(encoding="utf-8"),
                          (EVAL / "target.fr.txt").read_text(encoding="utf-8"))
    return Checker(glossary, "fr").run(segments)


def evaluate() -> dict:
    expected = expected_verdicts()
    predicted: dict[tuple[int, str], list[str]] = defaultdict(list)
    report = run_check()
    for finding in report.findings:
        predicted[finding.line, finding.id].append(finding.verdict.value)
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
        "segments": len(report.segments),
        "occurrences": occurrences,
        "expected_problems": sum(v in PROBLEMS for vs in expected.values() for v in vs),
        "predicted_problems": len(report.problems),
        "true_positives": tp, "false_positives": fp, "false_negatives": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "kind_agreement": kind_agree / tp if tp else 1.0,
        "disagreements": disagreements,
    }


def main() -> None:
    result = evaluate()
    for key, value in result.items():
        if key == "disagreements":
            continue
        print(f"{key:20} {value:.3f}" if isinstance(value, float) else f"{key:20} {value}")
    for d in result["disagreements"]:
        print(f"  line {d['line']:>3} {d['id']:<45} expected {d['expected']!s:<11} got {d['got']}")


if __name__ == "__main__":
    main()
