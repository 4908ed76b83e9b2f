"""Benchmark stored copies (``oncograph store FILE``) against parsing the file on every command.

    .venv/bin/python bench/bench_store.py --input bench/results/data/landscape-28409-seed1.ttl
    .venv/bin/python bench/bench_store.py --input FILE --runs 5 --query organisations-by-kind

It measures, in a cache folder of its own (removed at the end):
- ``oncograph store FILE``: seconds and the copy's size on disk;
- one-shot commands, start-up included (``oncograph query NAME --input FILE``), with the copy and without it
  (``ONCOGRAPH_CACHE=off``): median seconds and peak memory of ``--runs`` runs;
- every named query (with the benchmark's parameters for the landscape) in one process, on the file read into
  memory and on the opened copy: the median of ``--runs`` runs of each, and the ratio.

Prints a Markdown report. Run on purpose; it is not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXE = str(Path(sys.executable).parent / "oncograph")


def one_shot(args: list[str], env: dict, runs: int) -> tuple[float, float]:
    """Median seconds and the highest peak memory (MB) of ``runs`` runs of the oncograph command ``args``."""
    times, peaks = [], []
    for _ in range(runs):
        with tempfile.TemporaryFile() as err:
            started = time.perf_counter()
            proc = subprocess.Popen([EXE, *args], env=env, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak, not the largest child's so far
            times.append(time.perf_counter() - started)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                err.seek(0)
                sys.exit(f"oncograph {' '.join(args)} failed: {err.read().decode().strip()}")
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def query_medians(path: Path, runs: int) -> list[tuple[str, float, float, int]]:
    """(name, median s in memory, median s on the copy, rows) for each named query."""
    sys.path.insert(0, str(HERE))
    import run as bench  # bench/run.py: the landscape's query parameters

    from oncograph import storecache
    from oncograph.query import run_query
    from oncograph.store import load_graph

    loaded = load_graph(path, backend="oxigraph")
    stored, _ = storecache.open_copy(path)
    out = []
    for name, params, _text in bench.queries_to_run({"params": bench.entities(path)}):
        medians = []
        for graph in (loaded, stored):
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                rows = len(run_query(name, params, graph=graph))
                times.append(time.perf_counter() - started)
            medians.append(statistics.median(times))
        out.append((name, medians[0], medians[1], rows))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", type=Path, required=True, help="an RDF file (a landscape from `oncograph synth`)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each measurement; the median is reported")
    ap.add_argument("--query", default="organisations-by-kind", help="the named query of the one-shot commands")
    args = ap.parse_args(argv)
    path = args.input.resolve()
    cache = Path(tempfile.mkdtemp(prefix="oncograph-bench-store-"))
    try:
        os.environ["ONCOGRAPH_CACHE"] = str(cache)
        env = dict(os.environ)
        started = time.perf_counter()
        subprocess.run([EXE, "store", str(path)], env=env, check=True, capture_output=True)
        store_s = time.perf_counter() - started
        size = sum(f.stat().st_size for f in (cache / "stores").rglob("*") if f.is_file())
        command = ["query", args.query, "--input", str(path)]
        with_copy = one_shot(command, env, args.runs)
        parsed = one_shot(command, {**env, "ONCOGRAPH_CACHE": "off"}, args.runs)
        queries = query_medians(path, args.runs)
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    print(f"`{path.name}` ({path.stat().st_size / 1e6:,.0f} MB); {os.cpu_count()} cores, {platform.machine()},"
          f" Python {platform.python_version()}; medians of {args.runs} runs\n")
    print(f"- `oncograph store`: {store_s:.2f} s, the copy {size / 1e6:,.0f} MB on disk")
    print(f"- `oncograph {' '.join(command[:2])} --input FILE`, start-up included: {with_copy[0]:.2f} s and"
          f" {with_copy[1]:,.0f} MB with the stored copy; {parsed[0]:.2f} s and {parsed[1]:,.0f} MB parsing the file")
    ratios = [s / m for _, m, s, _ in queries if m > 0]
    print(f"- named queries in one process: median {statistics.median(q[1] for q in queries):.3f} s in memory,"
          f" {statistics.median(q[2] for q in queries):.3f} s on the copy; on the copy each took"
          f" {statistics.median(ratios):.1f}x as long (median; {min(ratios):.1f}x to {max(ratios):.1f}x)\n")
    print("| query | rows | in memory s | stored copy s | ratio |\n|---|---:|---:|---:|---:|")
    for name, m, s, rows in sorted(queries, key=lambda q: -q[2]):
        print(f"| {name} | {rows:,} | {m:.3f} | {s:.3f} | {s / m if m else float('nan'):.1f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
