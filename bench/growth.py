"""Where a step's time grows faster than its work: the projection profiled at two sizes, function by function.

Run on purpose, like bench/run.py (whose landscapes it generates or reuses in bench/results/data/):

    .venv/bin/python bench/growth.py --sizes 100k,1m [--step projection|communities] [--top 12] [--results DIR]

For each function that takes time it prints how many times more calls the larger size makes, how many times more
time they take, and the ratio of the two: the cost of one call. Work that grows with the graph gives a calls ratio
near the size ratio; a per-call ratio above 1 means the same operation got dearer (bigger dictionaries, caches
missed), a calls ratio above the size ratio means more work per triple (a sort, a scan repeated). Times come from
cProfile, which adds its own cost per call: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: the landscapes, their sizes)


def profile(step: str, path: Path) -> dict[str, tuple[int, float]]:
    """{function: (calls, own seconds)} of one run of ``step`` on the landscape at ``path`` (after a warm-up run)."""
    from oncograph import analyse
    from oncograph.store import load_graph

    graph = load_graph(path)
    if step == "projection":
        work = lambda: analyse.project(graph)  # noqa: E731
    else:
        G = analyse.project(graph)
        work = lambda: analyse.communities(G)  # noqa: E731
    work()  # imports, first-use caches
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    return {f"{Path(file).name}:{line}({name})": (calls, own) for (file, line, name), (_, calls, own, _, _)
            in stats.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100k,1m", help="two sizes in triples, e.g. 100k,1m")
    ap.add_argument("--step", choices=["projection", "communities"], default="projection")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--top", type=int, default=12, help="functions to show, by their time at the larger size")
    ap.add_argument("--results", help="folder of the generated landscapes' data/ (default bench/results)")
    args = ap.parse_args()
    if args.results:
        run.RESULTS = Path(args.results).resolve()
        run.DATA = run.RESULTS / "data"
    small, large = [run.parse_size(s) for s in args.sizes.split(",")]
    (a_path, a_meta), (b_path, b_meta) = run.landscape(small, args.seed), run.landscape(large, args.seed)
    a, b = profile(args.step, a_path), profile(args.step, b_path)
    ratio = b_meta["triples"] / a_meta["triples"]
    total_a, total_b = sum(t for _, t in a.values()), sum(t for _, t in b.values())
    print(f"{args.step}: {a_meta['triples']:,} -> {b_meta['triples']:,} triples ({ratio:.1f}x); profiled time "
          f"{total_a:.3f} -> {total_b:.3f} s ({total_b / total_a:.1f}x)")
    print(f"{'function':58s} {'s at large':>10s} {'calls x':>8s} {'time x':>7s} {'per call x':>10s}")
    for name, (calls, own) in sorted(b.items(), key=lambda kv: -kv[1][1])[:args.top]:
        calls_a, own_a = a.get(name, (0, 0.0))
        if not calls_a or not own_a:
            print(f"{name[:58]:58s} {own:10.3f}   (not called at the smaller size)")
            continue
        calls_x, time_x = calls / calls_a, own / own_a
        print(f"{name[:58]:58s} {own:10.3f} {calls_x:8.1f} {time_x:7.1f} {time_x / calls_x:10.2f}")


if __name__ == "__main__":
    main()
