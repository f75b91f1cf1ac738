"""Exchange formats at scale: export and import of a 100,000-entry term base, and lookup
with a big TBX or CSV given straight to ``--terms``.

A synthetic term base (``gen_glossary.py``, 100,000 entries by default) is written
once as YAML. Then, each as a whole ``glossary`` process (the store of the YAML warm
first, so that an export measures the writing, not the first read of the YAML):

- ``export --format F -o FILE`` for every format, and ``import FILE -o OUT.yaml`` for
  every format that reads (the import fills nothing: the entries are complete);
- ``lookup`` with ``--terms big.tbx`` and ``--terms big.csv``: the first run (the
  file read, checked and compiled into the store) and warm runs (median of several
  queries), against the same entries as YAML files.

    python benchmarks/bench_interchange.py [--entries 100000] [--work DIR]

Figures go to standard output as Markdown tables (see docs/benchmarks.md).
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


def run(args: list[str], env: dict) -> tuple[float, int, float]:
    """Wall time (s), peak memory (MB) and CPU time (s, user + system, with the worker
    processes it waited for) of one process (its stderr, which may be long, goes to a
    file). On a machine shared with other work the CPU time is the steadier figure."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            sys.exit(f"{' '.join(args)} failed: {err.read().decode(errors='replace')[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime

FORMATS = [("tbx", ".tbx"), ("tbx3", ".tbx"), ("csv", ".csv"), ("tsv", ".tsv"), ("xlsx", ".xlsx"),
           ("omegat", ".utf8"), ("anki", ".apkg"), ("yaml", ".yaml"), ("html", ".html")]
READABLE = {"tbx", "tbx3", "csv", "tsv", "xlsx", "omegat"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--formats", nargs="+", default=[f for f, _ in FORMATS])
    args = parser.parse_args()
    work = args.work or Path(tempfile.gettempdir()) / "glossary-bench-interchange"
    work.mkdir(parents=True, exist_ok=True)
    terms = work / f"terms-{args.entries}"
    if not terms.exists():
        subprocess.run([sys.executable, str(HERE / "gen_glossary.py"), str(terms), "--entries",
                        str(args.entries)], check=True, stdout=subprocess.DEVNULL)
    cache = work / "cache"
    env = dict(os.environ, GLOSSARY_CACHE_DIR=str(cache))
    env.pop("GLOSSARY_PATH", None)
    glossary = [sys.executable, "-m", "glossary"]
    base = ["-t", str(terms), "--no-builtin"]
    run([*glossary, "list", *base, "-f", "jsonl"], env)  # the YAML's store, built once
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f} at start; {args.entries:,} entries")
    print()
    print("| format | export (wall / CPU) | file | peak memory | import (wall / CPU) | peak memory |")
    print("|---|---:|---:|---:|---:|---:|")
    files = {}
    for fmt, suffix in FORMATS:
        if fmt not in args.formats:
            continue
        path = work / f"big-{fmt}{suffix}"
        seconds, memory, cpu = run([*glossary, "export", "-f", fmt, "-o", str(path), *base], env)
        files[fmt] = path
        cells = [f"{seconds:.1f} / {cpu:.1f} s", f"{path.stat().st_size / 1e6:.0f} MB", f"{memory} MB"]
        if fmt in READABLE:
            out = work / f"imported-{fmt}.yaml"
            out.unlink(missing_ok=True)
            seconds, memory, cpu = run([*glossary, "import", str(path), "-o", str(out), "--no-builtin",
                                        "--format", fmt], env)
            cells += [f"{seconds:.1f} / {cpu:.1f} s", f"{memory} MB"]
        else:
            cells += ["—", "—"]
        print(f"| {fmt} | " + " | ".join(cells) + " |", flush=True)
    print()
    print("| --terms | first lookup (wall / CPU) | warm lookup (median / max) | peak memory warm |")
    print("|---|---:|---:|---:|")
    for label, given in (("YAML directory", terms), ("big.tbx", files.get("tbx")),
                         ("big.csv", files.get("csv"))):
        if given is None:
            continue
        shutil.rmtree(cache, ignore_errors=True)
        first, _, first_cpu = run([*glossary, "lookup", QUERIES[0], "-t", str(given), "--no-builtin",
                                   "-f", "tsv"], env)
        warm = [run([*glossary, "lookup", q, "-t", str(given), "--no-builtin", "-f", "tsv"], env)
                for q in QUERIES * 2]
        times = [t for t, _, _ in warm]
        print(f"| {label} | {first:.1f} / {first_cpu:.1f} s | {statistics.median(times):.2f} / {max(times):.2f} s "
              f"| {max(m for _, m, _ in warm)} MB |", flush=True)


if __name__ == "__main__":
    main()
