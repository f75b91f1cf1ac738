"""Big term bases: how the compiled store behaves at 10k, 100k and 1M entries.

For each size, a synthetic term base (``gen_glossary.py``, 1,000 entries a file) is
written once, and then, each as a whole ``glossary`` process:

- the libyaml floor: ``yaml.load(..., CSafeLoader)`` of every file in one process;
- the first ``lookup`` with an empty cache (cold), and its ratio to the floor;
- ``lookup`` with the store current (warm; median of several queries);
- the first command after one file of the directory was edited;
- ``highlight`` of a 5 KB text, warm; ``list --format jsonl`` of every entry, warm;
- the store's size against the term files', and the peak memory of each process.

    python benchmarks/bench_scale.py [--sizes 10000 100000 1000000] [--work DIR]

Figures go to standard output as a Markdown table (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = ["xuni dianchang", "低空经济", "économie numérique", "dkjj", "smart grid"]
TEXT = (HERE.parent / "docs" / "examples" / "article.txt")


def run(args: list[str], env: dict, stdin: bytes | None = None) -> tuple[float, int, int]:
    """Wall time (s), peak memory (MB) and exit status of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdin=subprocess.PIPE if stdin is not None else None,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed: {proc.stderr.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss // 1024, proc.returncode


def floor(directory: Path) -> float:
    script = ("import sys, yaml, pathlib, time\n"
              "t = time.perf_counter()\n"
              "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
              "    yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
              "print(time.perf_counter() - t)\n")
    out = subprocess.run([sys.executable, "-c", script, str(directory)], capture_output=True, text=True,
                         check=True)
    return float(out.stdout)


def five_kb_text() -> bytes:
    base = TEXT.read_text(encoding="utf-8")
    text = base
    while len(text.encode()) < 5000:
        text += base
    return text.encode()[:5000].decode("utf-8", "ignore").encode()


def measure(size: int, work: Path) -> dict:
    terms = work / f"terms-{size}"
    if not terms.exists():
        subprocess.run([sys.executable, str(HERE / "gen_glossary.py"), str(terms), "--entries", str(size)],
                       check=True, stdout=subprocess.DEVNULL)
    cache = work / f"cache-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, GLOSSARY_CACHE_DIR=str(cache))
    env.pop("GLOSSARY_PATH", None)
    # As installed: the modules' bytecode is written once and read after, as pip's
    # install does (an environment that forbids it pays ~50 ms a command to compile).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    glossary = [sys.executable, "-m", "glossary"]
    yaml_bytes = sum(p.stat().st_size for p in terms.glob("*.yaml"))
    row: dict = {"entries": size, "yaml_mb": yaml_bytes / 1e6, "floor": floor(terms)}
    row["cold"], row["cold_mb"], _ = run([*glossary, "lookup", QUERIES[0], "-t", str(terms), "-f", "tsv"], env)
    warm = [run([*glossary, "lookup", q, "-t", str(terms), "-f", "tsv"], env) for q in QUERIES * 2]
    row["warm"] = statistics.median(t for t, _, _ in warm)
    row["warm_max"] = max(t for t, _, _ in warm)
    row["warm_mb"] = max(m for _, m, _ in warm)
    edited = sorted(terms.glob("*.yaml"))[len(list(terms.glob("*.yaml"))) // 2]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("synthetic", "synthétique", 1), encoding="utf-8")
    try:
        row["edit"], row["edit_mb"], _ = run([*glossary, "lookup", QUERIES[1], "-t", str(terms), "-f", "tsv"], env)
    finally:
        edited.write_text(text, encoding="utf-8")
    run([*glossary, "lookup", QUERIES[1], "-t", str(terms), "-f", "tsv"], env)  # current again
    article = five_kb_text()
    highlights = [run([*glossary, "highlight", "-", "-t", str(terms), "-f", "jsonl"], env, article)
                  for _ in range(3)]
    row["highlight"] = statistics.median(t for t, _, _ in highlights)
    row["highlight_mb"] = max(m for _, m, _ in highlights)
    lists = [run([*glossary, "list", "-t", str(terms), "-f", "jsonl"], env) for _ in range(2)]
    row["list"] = min(t for t, _, _ in lists)
    row["list_mb"] = max(m for _, m, _ in lists)
    stores = list(cache.glob("store-*.sqlite"))
    row["store_mb"] = sum(p.stat().st_size for p in stores) / 1e6
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=None, help="where term bases and caches go "
                        "(kept, so a second run does not generate them again)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.gettempdir()) / "glossary-bench-scale"
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    print()
    print("| entries | YAML | libyaml floor | cold lookup | × floor | warm lookup (median / max) "
          "| after editing 1 file | highlight 5 KB | list jsonl (all) | store | store / YAML "
          "| peak memory (cold / warm / highlight / list) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        r = measure(size, work)
        print(f"| {r['entries']:,} | {r['yaml_mb']:.0f} MB | {r['floor']:.2f} s | {r['cold']:.2f} s "
              f"| {r['cold'] / r['floor']:.2f} | {r['warm']:.2f} / {r['warm_max']:.2f} s | {r['edit']:.2f} s "
              f"| {r['highlight']:.2f} s | {r['list']:.2f} s | {r['store_mb']:.0f} MB "
              f"| {r['store_mb'] / r['yaml_mb']:.2f} | {r['cold_mb']} / {r['warm_mb']} / "
              f"{r['highlight_mb']} / {r['list_mb']} MB |", flush=True)


if __name__ == "__main__":
    main()
