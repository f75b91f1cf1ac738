"""Speed of `glossary highlight` and `glossary segment`, measured side by side.

    python benchmarks/bench_text.py [--workdir DIR] [--mb 50] [--big-entries 100000]
                                    [--big-mb 50] [--segment-mb 2] [--repeat 3] [--with-200mb]

What it measures (best of ``--repeat`` runs, the two contenders interleaved so
that a busy machine slows both alike):

1. ``glossary highlight FILE -f jsonl > out`` against ``grep -F -o -f TERMS FILE > out``
   on the same ``--mb`` MB of Chinese text with the same terms (every Chinese form
   the matcher indexes), both writing to a file. Whole processes: start-up, reading,
   decoding, matching and writing included. Target: at least 1/3 of grep's speed.
2. ``glossary highlight`` on the same text in traditional characters (OpenCC's ``s2t``
   of it: the same characters, counted alike) and on a mixed text (simplified text
   with terms of every script planted: 制造業, 醫療衞生 …, which has to be folded),
   against the simplified text, interleaved. Target: traditional within 10 % of
   simplified; the traditional text also against grep with the same forms.
3. The same with a ``--big-entries``-entry glossary (benchmarks/gen_glossary.py) on
   ``--big-mb`` MB. Target: at least 0.8 x grep's speed. Loading the 100k-entry term
   files is cached after a first (unmeasured) run, as it is for a user.
4. ``Segmenter.segment`` (glossary terms protected) against plain ``jieba.lcut`` on
   the same ``--segment-mb`` MB, in one process, dictionaries loaded beforehand.
   Target: at most 1.2 x jieba's time.
5. Start-up: ``glossary segment`` of one short line against
   ``python -c "import jieba; jieba.lcut('低空经济')"``, whole processes, warm caches.
   Target: at most half of jieba's time.
6. Peak memory (max RSS) of highlight on the ``--mb`` file and, with ``--with-200mb``,
   on a 200 MB file, to show it does not grow with the input.

The corpus is synthetic but made of real words: jieba's dictionary words drawn by
frequency, with a term of the shipped glossary (its simplified forms) in about every
other sentence, Chinese punctuation and line breaks. It is generated once into the
work directory. grep is given every form of every entry as written (simplified,
traditional, variants, regional), so that it finds the terms of either script.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GLOSSARY = str(BIN / "glossary")


# --------------------------------------------------------------------------- inputs

def make_corpus(path: Path, megabytes: float, forms: list[str], seed: int = 1) -> None:
    """About ``megabytes`` MB (UTF-8) of sentences of jieba words with glossary terms."""
    import jieba

    words, weights = [], []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            word, freq = line.split(" ")[:2]
            if int(freq) >= 50 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
                words.append(word)
                weights.append(int(freq))
    cumulative = list(itertools.accumulate(weights))
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    size = 0
    with open(path, "w", encoding="utf-8") as out:
        while size < target:
            sentence = rng.choices(words, cum_weights=cumulative, k=20)
            if rng.random() < 0.5:
                sentence.insert(rng.randrange(20), rng.choice(forms))
            sentence.append(rng.choice("，。、；"))
            if rng.random() < 0.1:
                sentence.append("\n")
            text = "".join(sentence)
            out.write(text)
            size += len(text.encode("utf-8"))


def cut_file(source: Path, target: Path, megabytes: float) -> None:
    """The first ``megabytes`` MB of ``source``, cut at a line end."""
    data = source.read_bytes()[: int(megabytes * 1_000_000)]
    target.write_bytes(data[: data.rfind(b"\n") + 1])


def forms_of(terms: list[str], no_builtin: bool, simplified_only: bool = False) -> list[str]:
    """Every Chinese form of the entries as written (or only their simplified ones)."""
    from glossary.normalize import fold_hanzi
    from glossary.store import load_glossary

    glossary = load_glossary([Path(t) for t in terms], builtin=not no_builtin)
    forms = {form: None for entry in glossary for form in entry.chinese_forms()}
    if simplified_only:
        return [form for form in forms if fold_hanzi(form) == form]
    return list(forms)


def to_traditional(source: Path, target: Path) -> None:
    """The text in traditional characters (OpenCC ``s2t``, phrase by phrase, line by line)."""
    import opencc

    converter = opencc.OpenCC("s2t")
    with open(source, encoding="utf-8") as fh, open(target, "w", encoding="utf-8") as out:
        for line in fh:
            converted = converter.convert(line)
            out.write(converted if len(converted) == len(line) else line)


# --------------------------------------------------------------------------- running

TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def run(command: list[str], stdout_path: Path | None = None) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one process.

    The peak is read by ``/usr/bin/time -f %M`` where there is one: the rusage of
    a child of this (large) Python process would also count the memory it was
    forked with.
    """
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    wrapped = [TIME, "-f", "%M", *command] if TIME else command
    start = time.perf_counter()
    process = subprocess.Popen(wrapped, stdout=out, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if stdout_path:
        out.close()
    if code not in (0, 1):
        raise SystemExit(f"failed ({code}): {' '.join(command)}\n{err}")
    if TIME:
        peak_kb = float(err.strip().splitlines()[-1])
    else:
        peak_kb = usage.ru_maxrss
    return elapsed, peak_kb / 1024


def side_by_side(commands: dict[str, list[str]], outputs: dict[str, Path], repeat: int):
    """Best time (the least disturbed run) and max RSS of each command, runs interleaved."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, float] = {name: 0.0 for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            elapsed, rss = run(command, outputs.get(name))
            times[name].append(elapsed)
            memory[name] = max(memory[name], rss)
    return {name: min(t) for name, t in times.items()}, memory


def lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def report(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n## {title}\n")
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    sys.stdout.flush()


# --------------------------------------------------------------------------- benchmarks

def bench_highlight(text: Path, terms_file: Path, extra: list[str], work: Path, repeat: int,
                    label: str, target: float) -> None:
    mb = text.stat().st_size / 1e6
    outputs = {"highlight": work / "highlight.jsonl", "grep": work / "grep.txt"}
    commands = {
        "highlight": [GLOSSARY, "highlight", str(text), "-f", "jsonl", *extra],
        "grep": ["grep", "-F", "-o", "-f", str(terms_file), str(text)],
    }
    run(commands["highlight"][:2] + ["-", "-f", "jsonl", *extra])  # warm the caches
    medians, memory = side_by_side(commands, outputs, repeat)
    hl, gr = mb / medians["highlight"], mb / medians["grep"]
    report(label, [
        ("input", f"{mb:.1f} MB, {sum(1 for _ in open(terms_file, encoding='utf-8'))} terms"),
        ("highlight -f jsonl", f"{medians['highlight']:.2f} s = {hl:.1f} MB/s, "
                               f"{lines(outputs['highlight'])} spans, max RSS {memory['highlight']:.0f} MB"),
        ("grep -F -o -f", f"{medians['grep']:.2f} s = {gr:.1f} MB/s, {lines(outputs['grep'])} matches"),
        ("ratio", f"{hl / gr:.2f} x grep (target >= {target:.2f})"),
    ])


def bench_scripts(texts: dict[str, Path], terms_file: Path, work: Path, repeat: int) -> None:
    """highlight on the same text in each script, interleaved; and grep on the traditional."""
    outputs = {name: work / f"highlight-{name}.jsonl" for name in texts}
    commands = {name: [GLOSSARY, "highlight", str(path), "-f", "jsonl"] for name, path in texts.items()}
    commands["grep traditional"] = ["grep", "-F", "-o", "-f", str(terms_file), str(texts["traditional"])]
    outputs["grep traditional"] = work / "grep-traditional.txt"
    medians, _ = side_by_side(commands, outputs, repeat)
    base = medians["simplified"]
    rows = [("input", f"{texts['simplified'].stat().st_size / 1e6:.1f} MB simplified, the same "
                      "characters in traditional")]
    for name in texts:
        mb = texts[name].stat().st_size / 1e6
        rows.append((f"highlight {name}", f"{medians[name]:.2f} s = {mb / medians[name]:.1f} MB/s, "
                                          f"{lines(outputs[name])} spans, "
                                          f"{medians[name] / base:.2f} x the simplified time"))
    grep = medians["grep traditional"]
    mb = texts["traditional"].stat().st_size / 1e6
    rows.append(("grep -F -o -f, traditional", f"{grep:.2f} s = {mb / grep:.1f} MB/s, "
                                              f"{lines(outputs['grep traditional'])} matches"))
    rows.append(("traditional / simplified", f"{medians['traditional'] / base:.2f} x the time "
                                             "(target <= 1.10)"))
    rows.append(("traditional: highlight / grep", f"{grep / medians['traditional']:.2f} x grep's speed"))
    report("highlight in each script, shipped glossary", rows)
    for path in outputs.values():
        path.unlink(missing_ok=True)


def bench_segment(text: Path, megabytes: float, work: Path, repeat: int) -> None:
    sample = work / "segment-sample.txt"
    cut_file(text, sample, megabytes)
    code = f"""
import sys, time
sys.path.insert(0, {str(ROOT / 'src')!r})
import jieba
from glossary.matcher import TermMatcher
from glossary.segment import Segmenter
from glossary.store import load_glossary
text = open({str(sample)!r}, encoding="utf-8").read()
jieba.setLogLevel(60)
jieba.initialize()
segmenter = Segmenter(TermMatcher.from_glossary(load_glossary()))
segmenter.segment(text[:100000])  # loads the whole table
assert "".join(t.text for t in segmenter.segment(text)) == text
# Small pieces, timed alternately: a busy machine slows both alike.
pieces = [text[i:i + 50000] for i in range(0, len(text), 50000)]
totals = {{"jieba": [], "segment": []}}
for _ in range({repeat}):
    spent = {{"jieba": 0.0, "segment": 0.0}}
    for n, piece in enumerate(pieces):
        order = ("jieba", "segment") if n % 2 else ("segment", "jieba")
        for name in order:
            t = time.perf_counter()
            jieba.lcut(piece) if name == "jieba" else segmenter.segment(piece)
            spent[name] += time.perf_counter() - t
    for name in spent:
        totals[name].append(spent[name])
print(min(totals["jieba"]), min(totals["segment"]))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    jieba_time, segment_time = map(float, result.stdout.split())
    mb = sample.stat().st_size / 1e6
    report("segment vs jieba.lcut (in one process, dictionaries loaded)", [
        ("input", f"{mb:.1f} MB"),
        ("jieba.lcut", f"{jieba_time:.2f} s = {mb / jieba_time:.2f} MB/s"),
        ("Segmenter.segment", f"{segment_time:.2f} s = {mb / segment_time:.2f} MB/s"),
        ("ratio", f"{segment_time / jieba_time:.2f} x jieba's time (target <= 1.2)"),
    ])


def bench_startup(repeat: int) -> None:
    subprocess.run([GLOSSARY, "segment", "低空经济"], capture_output=True)  # warm caches
    subprocess.run([sys.executable, "-c", "import jieba; jieba.lcut('低空经济')"],
                   capture_output=True)
    commands = {
        "glossary segment": [GLOSSARY, "segment", "低空经济是新的增长点"],
        "jieba": [sys.executable, "-c", "import jieba; jieba.lcut('低空经济')"],
    }
    medians, _ = side_by_side(commands, {}, max(repeat, 5))
    report("start-up: one short line, whole process", [
        ("glossary segment", f"{medians['glossary segment'] * 1000:.0f} ms"),
        ("python -c 'import jieba; jieba.lcut(...)'", f"{medians['jieba'] * 1000:.0f} ms"),
        ("ratio", f"{medians['glossary segment'] / medians['jieba']:.2f} (target <= 0.5)"),
    ])


def bench_memory(text: Path, work: Path) -> None:
    big = work / "corpus-200mb.txt"
    if not big.exists():
        with open(big, "wb") as out:
            while out.tell() < 200_000_000:
                out.write(text.read_bytes())
    mb = big.stat().st_size / 1e6
    elapsed, rss = run([GLOSSARY, "highlight", str(big), "-f", "jsonl"], work / "big.jsonl")
    report("200 MB input", [
        ("highlight -f jsonl", f"{mb:.0f} MB in {elapsed:.1f} s = {mb / elapsed:.1f} MB/s, "
                               f"max RSS {rss:.0f} MB"),
    ])
    (work / "big.jsonl").unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--big-entries", type=int, default=100_000)
    parser.add_argument("--big-mb", type=float, default=50)
    parser.add_argument("--segment-mb", type=float, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--with-200mb", action="store_true")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-text-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("GLOSSARY_CACHE_DIR", str(work / "cache"))
    print(f"# bench_text: work directory {work}; {os.cpu_count()} CPUs; "
          f"grep: {subprocess.run(['grep', '--version'], capture_output=True, text=True).stdout.splitlines()[0]}")

    forms = forms_of([], no_builtin=False)
    terms_file = work / "terms.txt"
    terms_file.write_text("\n".join(forms) + "\n", encoding="utf-8")
    corpus = work / f"corpus-{args.mb:g}mb.txt"
    if not corpus.exists():
        make_corpus(corpus, args.mb, forms_of([], no_builtin=False, simplified_only=True))
    traditional = work / f"corpus-{args.mb:g}mb-traditional.txt"
    if not traditional.exists():
        to_traditional(corpus, traditional)
    mixed = work / f"corpus-{args.mb:g}mb-mixed.txt"
    if not mixed.exists():
        make_corpus(mixed, args.mb, forms)

    bench_highlight(corpus, terms_file, [], work, args.repeat,
                    f"highlight vs grep, shipped glossary ({len(forms)} Chinese forms)", 1 / 3)
    bench_scripts({"simplified": corpus, "traditional": traditional, "mixed": mixed}, terms_file,
                  work, args.repeat)

    big_dir = work / f"glossary-{args.big_entries}"
    if not big_dir.exists():
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from gen_glossary import generate

        generate(big_dir, entries=args.big_entries)
    big_forms = forms_of([str(big_dir)], no_builtin=True)
    big_terms = work / "terms-big.txt"
    big_terms.write_text("\n".join(big_forms) + "\n", encoding="utf-8")
    big_text = work / f"corpus-{args.big_mb:g}mb.txt"
    cut_file(corpus, big_text, args.big_mb)
    bench_highlight(big_text, big_terms, ["--no-builtin", "-t", str(big_dir)], work, args.repeat,
                    f"highlight vs grep, {args.big_entries}-entry glossary", 0.8)

    bench_segment(corpus, args.segment_mb, work, args.repeat)
    bench_startup(args.repeat)
    if args.with_200mb:
        bench_memory(corpus, work)
    for name in ("highlight.jsonl", "grep.txt"):
        (work / name).unlink(missing_ok=True)
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
