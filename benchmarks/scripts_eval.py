"""Terms found in traditional, variant and mixed-script Chinese: recall and false marks.

The corpus (tests/data/scripts/) is passages written in the usage of Hong Kong,
Taiwan, Macau and mainland traditional editions, every glossary term marked
``[[text|entry-id]]`` where a reader sees it. For each passage this prints:

- **recall**: the marked terms the matcher finds with the same entry and the same
  offsets, over the marked terms;
- **false marks**: what the matcher marks that is not marked in the passage (another
  entry, other offsets, or a place where there is no term);
- **boundaries**: how far ``segment`` on the passage cuts where it cuts the same text
  converted to simplified by OpenCC (phrase conversion, ``tw2s`` then ``hk2s``): the
  positions where both cut, over the positions where either cuts; and, for
  comparison, the same figure for jieba alone on the raw passage.

    python benchmarks/scripts_eval.py

The test suite (tests/test_scripts.py) runs the same functions and requires a recall
of 1, no false mark, and a boundary agreement of at least 0.98.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "scripts"
_MARK = re.compile(r"\[\[([^|\]]+)\|([^\]]+)\]\]")


@dataclass(frozen=True)
class Passage:
    name: str
    text: str
    terms: tuple[tuple[int, int, str, str], ...]  # (start, end, text, entry id)


def read_passage(path: Path) -> Passage:
    """The text of an annotated passage and its marked terms, offsets in the bare text."""
    source = path.read_text(encoding="utf-8")
    out, terms, at, pos = [], [], 0, 0
    for mark in _MARK.finditer(source):
        out.append(source[pos:mark.start()])
        at += mark.start() - pos
        surface, entry_id = mark.group(1), mark.group(2)
        terms.append((at, at + len(surface), surface, entry_id))
        out.append(surface)
        at += len(surface)
        pos = mark.end()
    out.append(source[pos:])
    return Passage(path.stem, "".join(out), tuple(terms))


def passages() -> list[Passage]:
    return [read_passage(p) for p in sorted(CORPUS.glob("*.txt"))]


@dataclass(frozen=True)
class Marks:
    passage: Passage
    found: tuple[tuple[int, int, str, str], ...]

    @property
    def right(self) -> set:
        return set(self.found) & set(self.passage.terms)

    @property
    def missed(self) -> list:
        return sorted(set(self.passage.terms) - set(self.found))

    @property
    def false(self) -> list:
        return sorted(set(self.found) - set(self.passage.terms))

    @property
    def recall(self) -> float:
        return len(self.right) / len(self.passage.terms) if self.passage.terms else 1.0


def marks(matcher, passage: Passage) -> Marks:
    spans = matcher.find_spans(passage.text)
    return Marks(passage, tuple((s.start, s.end, s.text, s.entry_id) for s in spans))


def simplified_version(text: str) -> str:
    """The passage as mainland simplified text: OpenCC's phrase conversion."""
    import opencc

    for name in ("tw2s", "hk2s"):
        text = opencc.OpenCC(name).convert(text)
    return text


def boundaries(pieces) -> set[int]:
    """The offsets between two pieces of a cut (the ends, but the last)."""
    out, at = set(), 0
    for piece in pieces:
        at += len(piece)
        out.add(at)
    out.discard(at)
    return out


def agreement(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def segment_agreement(segmenter, passage: Passage) -> tuple[float, int, int]:
    """(agreement, boundaries of the passage's cut, of the simplified version's)."""
    simple = simplified_version(passage.text)
    if len(simple) != len(passage.text):
        raise SystemExit(f"{passage.name}: OpenCC changed the length; cannot compare cuts")
    ours = boundaries(t.text for t in segmenter.segment(passage.text))
    theirs = boundaries(t.text for t in segmenter.segment(simple))
    return agreement(ours, theirs), len(ours), len(theirs)


def jieba_agreement(passage: Passage) -> float:
    """jieba alone, on the raw passage against its simplified version."""
    from glossary.segment import _import_jieba

    tokenizer = _import_jieba().Tokenizer()
    raw = boundaries(tokenizer.cut(passage.text))
    simple = boundaries(tokenizer.cut(simplified_version(passage.text)))
    return agreement(raw, simple)


def main() -> None:
    from glossary.matcher import load_term_index
    from glossary.segment import Segmenter

    matcher, _ = load_term_index()
    segmenter = Segmenter(matcher)
    rows = []
    totals = [0, 0, 0, 0, 0]  # terms, right, false, shared boundaries, boundaries
    print(f"{'passage':<16}{'terms':>6}{'recall':>8}{'false':>7}{'boundaries':>12}{'jieba alone':>13}")
    for passage in passages():
        result = marks(matcher, passage)
        simple = simplified_version(passage.text)
        ours = boundaries(t.text for t in segmenter.segment(passage.text))
        theirs = boundaries(t.text for t in segmenter.segment(simple))
        share = agreement(ours, theirs)
        totals[0] += len(passage.terms)
        totals[1] += len(result.right)
        totals[2] += len(result.false)
        totals[3] += len(ours & theirs)
        totals[4] += len(ours | theirs)
        print(f"{passage.name:<16}{len(passage.terms):>6}{result.recall:>8.3f}{len(result.false):>7}"
              f"{share:>12.3f}{jieba_agreement(passage):>13.3f}")
        rows.append(result)
    print(f"{'all':<16}{totals[0]:>6}{totals[1] / totals[0]:>8.3f}{totals[2]:>7}"
          f"{totals[3] / totals[4]:>12.3f}")
    for result in rows:
        for start, end, text, entry_id in result.missed:
            print(f"missed  {result.passage.name}:{start}-{end} {text} {entry_id}")
        for start, end, text, entry_id in result.false:
            print(f"false   {result.passage.name}:{start}-{end} {text} {entry_id}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
