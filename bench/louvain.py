"""Louvain communities of the benchmark's projection in each library oncograph can use: seconds and modularity.

Run on purpose, like bench/run.py (which generates the landscapes into bench/results/data/ and reuses them):

    .venv/bin/python bench/louvain.py --size 1m [--runs 3] [--networkx]

``oncograph.analyse.metrics.louvain`` takes networkit's PLM when networkit is installed, else igraph's multilevel
Louvain, else networkx's; here each is made the one available in turn, on the same simple graph.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: the landscapes, their sizes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1m", help="triples, e.g. 100k or 1m (default 1m)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--networkx", action="store_true", help="also networkx's Louvain (pure Python: slow at 1M)")
    ap.add_argument("--results", help="folder of the generated landscapes' data/ (default bench/results)")
    args = ap.parse_args()
    if args.results:
        run.RESULTS = Path(args.results).resolve()
        run.DATA = run.RESULTS / "data"

    import networkx as nx

    from oncograph.analyse import project
    from oncograph.analyse.metrics import louvain, simple_graph
    from oncograph.store import load_graph

    path, meta = run.landscape(run.parse_size(args.size), args.seed)
    H = simple_graph(project(load_graph(path, backend="oxigraph")))
    print(f"{path.name}: {meta['triples']:,} triples; simple graph {H.number_of_nodes():,} nodes, "
          f"{H.number_of_edges():,} edges; median of {args.runs} runs")
    hidden = {"networkit (PLM, refined)": (), "igraph (multilevel)": ("networkit",),
              "networkx": ("networkit", "igraph")}
    for name, without in hidden.items():
        if name == "networkx" and not args.networkx:
            continue
        saved = {m: sys.modules.get(m) for m in without}
        for m in without:
            sys.modules[m] = None  # as if not installed: louvain falls back to the next library
        try:
            louvain(H)  # imports and warms up, not timed
            times, found = [], None
            for _ in range(args.runs):
                t0 = time.perf_counter()
                found = louvain(H)
                times.append(time.perf_counter() - t0)
        finally:
            for m, mod in saved.items():
                if mod is None:
                    sys.modules.pop(m, None)
                else:
                    sys.modules[m] = mod
        q = nx.community.modularity(H, found, weight="weight")
        print(f"  {name:26s} {statistics.median(times):7.3f} s  {len(found):6,} communities  modularity {q:.4f}")


if __name__ == "__main__":
    main()
