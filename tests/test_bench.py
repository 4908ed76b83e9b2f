"""The scale benchmark still runs: bench/run.py on a tiny landscape, every stack but the servers, into a folder of
the test's own. Nothing is timed here (the benchmark is for running on purpose); this checks that every step of
every stack completes and that the report holds its table, so the documented command does not rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_every_step_on_a_tiny_landscape(tmp_path):
    results = tmp_path / "results"
    repo_results = ROOT / "bench" / "results"
    before = sorted(repo_results.rglob("*")) if repo_results.exists() else []
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "3000", "--runs", "2",
                          "--only", "ours,floor,naive,pyshacl", "--results", str(results),
                          "--query-timeout", "60", "--step-timeout", "300"],
                         capture_output=True, text=True, cwd=ROOT, timeout=900, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads((results / "latest.json").read_text())
    (label,) = report["sizes"]
    jobs = report["sizes"][label]["results"]
    assert set(jobs) == {"ours", "floor", "naive", "pyshacl"}
    failed = {f"{job}:{step}": r.get("note", r["status"]) for job, steps in jobs.items()
              for step, r in steps.items() if isinstance(r, dict) and r.get("status") != "ok"}
    assert not failed
    ours = jobs["ours"]
    assert {"load", "imports (analysis libraries)", "validate", "queries", "projection", "centrality", "brokers",
            "communities", "export turtle",
            "export json-ld", "export turtle + json-ld together", "export turtle + json-ld together (store order)",
            "export graphml"} <= set(ours)
    assert ours["queries"]["queries"] >= 40 and not ours["queries"]["errors"]
    # each step is the median of --runs runs (all fast here), but loads and imports run once, as do pyshacl's steps
    assert ours["projection"]["runs"] == jobs["floor"]["export turtle"]["runs"] == 2
    assert ours["projection"]["min_seconds"] <= ours["projection"]["seconds"] <= ours["projection"]["max_seconds"]
    assert ours["load"]["runs"] == ours["imports (analysis libraries)"]["runs"] == jobs["floor"]["load"]["runs"] == 1
    assert jobs["pyshacl"]["validate"]["runs"] == 1
    assert ours["validate"]["conforms"] is True  # a generated landscape without injected violations
    md = (results / "latest.md").read_text()
    assert f"### {label}: " in md and "| projection | " in md and "| Turtle + JSON-LD | " in md
    assert "| Turtle + JSON-LD, written together | " in md
    assert "the median of up to 2 runs of each step" in md
    assert "top-20 betweenness agreement with exact (rustworkx, same projection): 20/20" in md
    assert (results / "data").is_dir() and list((results / "data").glob("landscape-*.ttl"))
    after = sorted(repo_results.rglob("*")) if repo_results.exists() else []
    assert after == before  # --results kept the repository's bench/results untouched


def test_louvain_comparison_runs_every_library(tmp_path):
    """bench/louvain.py on a small landscape: a line per library, each a partition with a modularity (not timed)."""
    run = subprocess.run([sys.executable, "bench/louvain.py", "--size", "3000", "--runs", "1", "--networkx",
                          "--results", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=600,
                         check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert "triples; simple graph" in lines[0]
    for name in ("networkit (PLM, refined)", "igraph (multilevel)", "networkx"):
        (line,) = [x for x in lines if x.strip().startswith(name)]
        assert " s " in line and float(line.rsplit("modularity", 1)[1]) > 0.3
    assert list((tmp_path / "data").glob("landscape-*.ttl"))


def _bench_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_server_queries_are_not_run_when_the_publish_fails(tmp_path, capsys):
    """A real Oxigraph server started by the benchmark, and a landscape file it cannot publish (broken Turtle): the
    queries step is reported skipped, naming the publish, instead of timing fast answers on an empty server, which
    the crossover sentence would then have counted as the server winning."""
    from servers import free_port

    bench = _bench_module()
    bench.RESULTS = tmp_path
    bench.SERVERS = {"oxigraph": (free_port(), {})}
    broken = tmp_path / "landscape.ttl"
    broken.write_text("<urn:a> <urn:b> .\n")  # no object: a syntax error
    bench.job_server({"ttl": str(broken), "query_timeout": 10, "runs": 1})
    events = {ev["step"]: ev for line in capsys.readouterr().out.splitlines() if line.startswith(bench.MARK)
              for ev in [json.loads(line[len(bench.MARK):])] if ev["event"] == "done"}
    assert events["oxigraph: start"]["status"] == "ok"
    assert events["oxigraph: publish"]["status"] == "error"
    assert events["oxigraph: queries"]["status"] == "skipped"
    assert "publish" in events["oxigraph: queries"]["note"]
    # the server was stopped after it
    assert not (tmp_path / "servers" / "oxigraph" / "pid").exists()

    results = {"ours": {"load": {"status": "ok", "seconds": 2.0},
                        "queries": {"status": "ok", "median_of_medians": 0.02, "max_median": 1.0, "errors": {}}},
               "server": {"oxigraph: start": events["oxigraph: start"],
                          "oxigraph: publish": events["oxigraph: publish"],
                          "oxigraph: queries": events["oxigraph: queries"]}}
    assert bench.crossover({"1M": {"results": results}}, ["1M"]) == ""  # no server measured: no claim
    row = [line for line in bench.server_table(results) if line.startswith("| oxigraph server")]
    assert row and "skipped (not run: the publish step did not succeed)" in row[0]


def test_growth_profile_compares_two_sizes(tmp_path):
    """bench/growth.py on two small landscapes: a header with both sizes, then one row per function with its calls,
    time and per-call ratios (not timed)."""
    for step in ("projection", "communities"):
        run = subprocess.run([sys.executable, "bench/growth.py", "--sizes", "2000,6000", "--step", step, "--top", "5",
                              "--results", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=600,
                             check=False)
        assert run.returncode == 0, run.stderr[-2000:]
        header, columns, *rows = run.stdout.splitlines()
        assert header.startswith(f"{step}: ") and " -> " in header and "triples" in header
        assert columns.split() == ["function", "s", "at", "large", "calls", "x", "time", "x", "per", "call", "x"]
        assert len(rows) == 5
        calls = [float(r.split()[-3]) for r in rows if "not called" not in r]
        assert calls and all(c > 0 for c in calls)
    assert list((tmp_path / "data").glob("landscape-*.ttl"))
