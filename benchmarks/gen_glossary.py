"""Generate a large synthetic term base (100,000 entries by default) for benchmarks.

Entries are plausible rather than meaningful: Chinese terms, each different from the
others and from the shipped ones, are made of two-character words taken from the
shipped glossary and of random common characters, their pinyin
comes from pypinyin (tone marks, word-joined, as the term files write it), French and
English renderings are combinations of the shipped glossary's own words, a fifth of the
entries carry a plural French variant, and domains cycle through the directive's 22.
The files are YAML written in flow style (one JSON-like mapping a line), which any
YAML parser reads.

    python benchmarks/gen_glossary.py DIR [--entries 100000] [--per-file 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from glossary.store import load_glossary
from glossary.taxonomy import DOMAINS

COMMON = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
          "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
          "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重"
          "新线内数正心反明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通"
          "并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组"
          "见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领")


def _vocabulary(glossary):
    words_zh, words_fr, words_en = set(), set(), set()
    for entry in glossary:
        han = [c for c in entry.zh if "\u4e00" <= c <= "\u9fff"]
        words_zh.update("".join(han[i:i + 2]) for i in range(0, len(han) - 1, 2))
        words_fr.update(w for w in re.findall(r"[^\W\d_]{3,}", entry.fr.lower()))
        if entry.en:
            words_en.update(w for w in re.findall(r"[^\W\d_]{3,}", entry.en.lower()))
    return sorted(words_zh), sorted(words_fr), sorted(words_en)


def generate(directory: Path, entries: int = 100_000, per_file: int = 1000, seed: int = 1) -> list[Path]:
    """Write ``entries`` synthetic entries into ``directory``; return the files written."""
    from pypinyin import Style, pinyin

    rng = random.Random(seed)
    words_zh, words_fr, words_en = _vocabulary(load_glossary())
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    seen: set[str] = set(words_zh) | {entry.zh for entry in load_glossary()}
    n = 0
    while n < entries:
        path = directory / f"synthetic-{len(files):04d}.yaml"
        lines = ["description: synthetic entries for benchmarks", "entries:"]
        for _ in range(min(per_file, entries - n)):
            zh = ""
            while not zh or zh in seen:  # one entry a Chinese term, as an importer keeps them
                parts = []
                for _ in range(rng.choice((1, 2, 2, 3))):
                    parts.append(rng.choice(words_zh) if rng.random() < 0.6
                                 else rng.choice(COMMON) + rng.choice(COMMON))
                zh = "".join(parts)
            seen.add(zh)
            syllables = [s[0] for s in pinyin(zh, style=Style.TONE, heteronym=False)]
            words = ["".join(syllables[i:i + 2]) for i in range(0, len(syllables), 2)]
            fr = " ".join(rng.sample(words_fr, rng.choice((1, 2, 2, 3))))
            domain = DOMAINS[n % len(DOMAINS)]
            entry = {
                "id": f"synthetic-{n}", "zh": zh, "pinyin": " ".join(words), "fr": fr,
                "en": " ".join(rng.sample(words_en, rng.choice((1, 2, 2, 3)))),
                "domain": domain.slug, "category": domain.category,
                "source": "synthetic", "provenance": "editor",
            }
            if rng.random() < 0.2:
                entry["fr_variants"] = [{"text": re.sub(r"(\w)\b", r"\1s", fr), "status": "admitted"}]
            lines.append("  - " + json.dumps(entry, ensure_ascii=False))
            n += 1
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--per-file", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files = generate(args.directory, args.entries, args.per_file, args.seed)
    print(f"{args.entries} entries in {len(files)} files under {args.directory}")


if __name__ == "__main__":
    main()
