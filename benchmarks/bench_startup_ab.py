"""Start-up of two source trees of glossary, run alternately: did a change slow it?

    python benchmarks/bench_startup_ab.py BEFORE/src AFTER/src [--runs 40]

Each run is ``python -m glossary lookup 低空经济 -f json`` in a fresh process with
PYTHONPATH set to one tree; the two trees take turns so that a slow moment of the
machine falls on both. Medians and minimums in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed(src: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "glossary", "lookup", "低空经济", "-f", "json"],
                          env={**env, "PYTHONPATH": src}, stdout=subprocess.DEVNULL)
    took = time.perf_counter() - start
    assert done.returncode == 0, f"lookup failed with {src}"
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "GLOSSARY_CACHE_DIR": cache}
        env.pop("_GLOSSARY_COMPLETE", None)
        times: dict[str, list[float]] = {"before": [], "after": []}
        for src in (args.before, args.after):  # warm: index built, bytecode written
            timed(src, env)
        for _ in range(args.runs):
            times["before"].append(timed(args.before, env))
            times["after"].append(timed(args.after, env))
    print(f"| tree | median | min | max |  ({args.runs} alternated runs)\n|---|---:|---:|---:|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values) * 1000:.1f} ms | "
              f"{min(values) * 1000:.1f} ms | {max(values) * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
