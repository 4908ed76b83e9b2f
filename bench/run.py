#!/usr/bin/env python
"""Benchmark oncograph against the naive stack and the Oxigraph floor, on synthetic landscapes.

One command (from the repository root):

    .venv/bin/python bench/run.py --sizes 10k,100k,1m

For each size it generates a landscape with ``oncograph.synth`` (cached in bench/results/data/), then runs five stacks,
each in its own subprocess so that peak memory (VmHWM, reset before every step) is per step:

- ours:    oncograph.store.load_graph (Oxigraph-backed rdflib Graph), validate(engine="fast"), every named query
           through oncograph.query.run_query (median of --runs), oncograph.analyse.project, the centrality report
           (exact betweenness up to --exact-up-to nodes, KADABRA to within --error above), brokers, communities,
           every export format (canonical order; compacted JSON-LD only up to --compact-up-to triples), Turtle and
           JSON-LD in store order (one at a time, and both together by dump_store_orders), and the GraphML
           projection;
- naive:   rdflib Graph().parse, the three typical queries with rdflib's SPARQL, a networkx projection by triple
           loops, networkx degree / PageRank / betweenness (sampled from --sample sources above --exact-up-to),
           rdflib's serialisers;
- pyshacl: rdflib Graph + pyshacl with the project's shapes, capped by --pyshacl-timeout;
- floor:   pyoxigraph Store.bulk_load, the same queries on the raw store, Store.dump, the edge list by Oxigraph
           SPARQL, rustworkx centrality;
- server:  a real Oxigraph server and a real Virtuoso on loopback (scripts/sparql-server.sh, ports 7979 and 8991):
           oncograph.endpoint.publish, then every named query over HTTP (median of --runs).

The report gives, per size, a table of seconds, peak memory and the ratios naive / ours and ours / floor (a naive
step stopped at its limit gives a lower bound, ">N×"), the top-20 betweenness agreement with exact, an embedded
against server table, the growth of our times between sizes, and a sentence saying from which measured size a
server query beats the embedded graph. A step whose module does not exist is "n/a"; a step that fails is reported
with its error; a step over its time limit as "timed out after N s". Results go to bench/results/ (gitignored) as
JSON and markdown; the table is printed too. Not part of the tests.

Options: --sizes (10k, 100k, 1m, 10m or a number of triples), --runs (repetitions of each query, and of each step
while its runs stay within 30 s; loads and imports run once; default 5), --naive-runs (the same for the naive stack),
--seed,
--pyshacl-timeout (s, default 900), --query-timeout (s per query run, default 120), --step-timeout (s, default
1800), --exact-up-to, --sample, --error, --compact-up-to, --only startup,ours,floor,naive,pyshacl,server (the stacks
to run), --skip STEP,... (steps not to run).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import select
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"  # gitignored
DATA = RESULTS / "data"
TRIPLES_PER_ORG = 35.2  # measured: --orgs 28500 gives 1,002,220 triples
MARK = "@@bench "
TYPICAL = ("organisations-by-kind", "partners-of", "relationships-as-of")  # the naive stack runs only these


# =====================================================================================================================
# worker side: runs one stack's steps in this process and prints one JSON line per event
# =====================================================================================================================
def emit(**event) -> None:
    print(MARK + json.dumps(event, default=str), flush=True)


def reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
    except OSError:
        pass


def peak_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class NotAvailable(Exception):
    """The module a step needs is not in this checkout yet."""


SKIP: set[str] = set()  # step names, or JOB:step for one stack only
JOB = [""]


#: Steps that run once whatever --runs says: loads (a second copy of the graph would count in the peak), imports
#: (once per process by nature) and the query steps (each query is already a median of --runs).
ONCE = ("load", "imports (analysis libraries)", "queries", "queries (graph.query)")
#: A step's runs stop when one more would take its total past this many seconds.
REPEAT_BUDGET = 30.0
RUNS = [1]  # set per worker: --runs for ours and the floor, --naive-runs for the naive stack, else 1


def step(name: str, fn, *args, **kw):
    """Run one step, report seconds (the median of up to RUNS[0] runs, see ONCE and REPEAT_BUDGET) and peak memory
    (the highest of its runs); returns the value of its last run (or None if it failed)."""
    if name in SKIP or f"{JOB[0]}:{name}" in SKIP:
        emit(event="done", step=name, status="skipped")
        return None
    emit(event="start", step=name)
    times: list[float] = []
    peaks: list[float] = []
    while True:
        # the last run's value goes before the next run, so that its memory does not count (networkx graphs hold
        # reference cycles: only a collection frees them)
        value = extra = None
        gc.collect()
        reset_peak()
        t0 = time.perf_counter()
        try:
            value, extra = fn(*args, **kw)
        except NotAvailable as exc:
            emit(event="done", step=name, status="n/a", note=str(exc))
            return None
        except Exception as exc:  # report and carry on with the next step
            emit(event="done", step=name, status="error", note=f"{type(exc).__name__}: {exc}"[:300],
                 trace=traceback.format_exc()[-2000:])
            return None
        times.append(time.perf_counter() - t0)
        peaks.append(peak_mb())
        if name in ONCE or len(times) >= RUNS[0] or sum(times) + times[-1] > REPEAT_BUDGET:
            break
    emit(event="done", step=name, status="ok", seconds=statistics.median(times), peak_mb=max(peaks),
         runs=len(times), min_seconds=min(times), max_seconds=max(times), **(extra or {}))
    return value


def need(module: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise NotAvailable(f"{module} does not exist yet") from None
        raise


class QueryTimeout(Exception):
    pass


def median_runs(fn, runs: int, *, limit: float = 0) -> tuple[float, object]:
    """Median seconds of ``runs`` calls (fewer if one run takes over a tenth of ``limit``); a call over ``limit``
    seconds raises QueryTimeout (SIGALRM interrupts Python code such as rdflib's SPARQL engine)."""
    import signal

    def alarm(signum, frame):
        raise QueryTimeout(f"over {limit:.0f} s")

    times, value = [], None
    old = signal.signal(signal.SIGALRM, alarm)
    try:
        for _ in range(runs):
            if limit:
                signal.setitimer(signal.ITIMER_REAL, limit)
            t0 = time.perf_counter()
            try:
                value = fn()
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            times.append(time.perf_counter() - t0)
            if limit and times[-1] > limit / 10:
                break
    finally:
        signal.signal(signal.SIGALRM, old)
    return statistics.median(times), value


def run_queries(items, fn, runs: int, limit: float):
    """{name: (median s, rows)} and {name: error} for each (name, params, text) in ``items``."""
    per, errors = {}, {}
    for name, params, text in items:
        try:
            per[name] = median_runs(lambda: fn(name, params, text), runs, limit=limit)
        except QueryTimeout as exc:
            errors[name] = f"timed out ({exc})"
        except Exception as exc:
            errors[name] = f"{type(exc).__name__}: {exc}"[:200]
    if not per:
        raise RuntimeError("no query ran: " + "; ".join(f"{k}: {v}" for k, v in list(errors.items())[:3]))
    return per, _query_summary(per, errors)


def queries_to_run(spec: dict, names: tuple[str, ...] | None = None):
    """Named queries with parameters bound to entities of the synthetic landscape: [(name, params, bound text)]."""
    q = need("oncograph.query")
    chosen = []
    for nq in q.list_queries():
        if names and nq.name not in names:
            continue
        params = {p.name: spec["params"].get(_param_key(p), p.default) for p in nq.params}
        params = {k: v for k, v in params.items() if v is not None}
        try:
            text = q.bind_values(nq.text, q.bind_params(nq, params))
        except Exception as exc:  # a query the binder refuses: report it by name, run the rest
            emit(event="note", note=f"query {nq.name}: cannot bind {params}: {exc}")
            continue
        chosen.append((nq.name, params, text))
    return chosen


def _param_key(p) -> str:
    """Which synthetic entity replaces a parameter's default (a curated IRI would match nothing)."""
    default = p.default or ""
    if p.type.value == "string":
        return "string"
    if not default or ":" not in default:
        return "-"
    prefix = default.split(":", 1)[0]
    if prefix == "orgs":
        return {"campaign": "campaign", "b": "org_b", "to": "org_b", "parent": "org_b"}.get(p.name, "org")
    if prefix == "rel":
        return "plan" if p.name == "plan" else "relationship"
    if prefix == "src":
        return "section" if p.name == "section" else "page"
    return {"event": "event", "person": "person", "post": "post", "res": "resource"}.get(prefix, "-")


def job_ours(spec: dict) -> None:
    path, runs = spec["ttl"], spec["runs"]

    def load():
        from oncograph.store import count_triples, load_graph

        g = load_graph(path, backend="oxigraph")
        return g, {"triples": count_triples(g)}

    graph = step("load", load)
    if graph is None:
        return

    def imports():
        """The analysis libraries, imported once before the steps that use them, so that the steps time their work
        on the data (the growth between sizes) and not whichever step happens to import a library first."""
        import importlib

        done = []
        for module in ("oncograph.analyse", "networkx", "scipy.sparse", "rustworkx", "igraph", "networkit"):
            try:
                importlib.import_module(module)
                done.append(module)
            except ImportError:
                pass
        return None, {"modules": done}

    step("imports (analysis libraries)", imports)

    def validate():
        from oncograph.validate import validate

        report = validate(graph, engine="fast")
        return report, {"results": len(report.violations), "conforms": report.conforms}

    step("validate", validate)

    def queries():
        q = need("oncograph.query")
        return run_queries(queries_to_run(spec), lambda name, params, text: len(q.run_query(name, params, graph=graph)),
                           runs, spec["query_timeout"])

    step("queries", queries)

    def queries_direct():
        """The same bound texts through graph.query (oxrdflib: straight to Oxigraph), without run_query's checks."""
        return run_queries(queries_to_run(spec), lambda name, params, text: len(list(graph.query(text))),
                           runs, spec["query_timeout"])

    step("queries (graph.query)", queries_direct)

    def projection():
        analyse = need("oncograph.analyse")
        G = analyse.project(graph)
        return G, {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}

    G = step("projection", projection)

    def projection_store():
        """The same projection read from the pyoxigraph Store behind the Graph (no rdflib term conversion)."""
        analyse = need("oncograph.analyse")
        from oncograph.store import oxigraph_of

        H = analyse.project(oxigraph_of(graph)[0])
        return None, {"nodes": H.number_of_nodes(), "edges": H.number_of_edges()}

    step("projection (raw store)", projection_store)

    def centrality():
        analyse = need("oncograph.analyse")
        if G is None:
            raise NotAvailable("no projection")
        fn = _centrality_function(analyse)
        n = G.number_of_nodes()
        error = spec["error"] if n > spec["exact_up_to"] else None
        out = fn(G, betweenness_error=error) if error else fn(G)
        extra = {"function": f"{fn.__module__}.{fn.__name__}", "nodes": n,
                 "betweenness": f"KADABRA, error {error}" if error else "exact"}
        top = _top20_betweenness(out)
        if top is not None:
            extra["top20"] = top
        return out, extra

    step("centrality", centrality)

    def brokers():
        analyse = need("oncograph.analyse")
        sample = spec["sample"] if G.number_of_nodes() > spec["exact_up_to"] else None
        rows = analyse.brokers(G, sample=sample)
        return None, {"rows": len(rows), "sources": f"sampled {sample} per group pair" if sample else "all"}

    def communities():
        analyse = need("oncograph.analyse")
        return None, {"communities": len(analyse.communities(G))}

    if G is not None:
        step("brokers", brokers)
        step("communities", communities)

    def reference():
        """Exact betweenness on the same (simple) projection in rustworkx, to score the centrality's top 20."""
        import networkx as nx
        import rustworkx as rx

        if G is None:
            raise NotAvailable("no projection")
        H = nx.Graph(G)
        R = rx.networkx_converter(H)
        bc = rx.betweenness_centrality(R, normalized=True)
        scores = {R[i]: v for i, v in bc.items()}
        top = [k for k, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:20]]
        return None, {"top20": top, "betweenness": "exact (rustworkx)"}

    step("betweenness exact (rustworkx)", reference)

    def export(fmt):
        ex = need("oncograph.export")
        data = ex.serialize_graph(graph, fmt)
        return None, {"bytes": len(data)}

    def export_together():
        """Canonical Turtle and JSON-LD from one index of the graph (what a repeated --out does)."""
        ex = need("oncograph.export")
        if not hasattr(ex, "serialize_many"):
            raise NotAvailable("oncograph.export.serialize_many")
        data = ex.serialize_many(graph, ["turtle", "jsonld"])
        return None, {"bytes": sum(map(len, data.values()))}

    def export_store(fmt):
        import tempfile

        ex = need("oncograph.export")
        with tempfile.TemporaryDirectory(dir=RESULTS) as tmp:
            path = ex.dump_store_order(graph, Path(tmp) / f"out.{fmt}", fmt)
            return None, {"bytes": path.stat().st_size}

    def export_store_together():
        import tempfile

        ex = need("oncograph.export")
        if not hasattr(ex, "dump_store_orders"):
            raise NotAvailable("oncograph.export.dump_store_orders")
        with tempfile.TemporaryDirectory(dir=RESULTS) as tmp:
            paths = ex.dump_store_orders(graph, {Path(tmp) / "out.ttl": "turtle", Path(tmp) / "out.jsonld": "jsonld"})
            return None, {"bytes": sum(p.stat().st_size for p in paths)}

    def export_graphml():
        import tempfile

        analyse = need("oncograph.analyse")
        with tempfile.TemporaryDirectory(dir=RESULTS) as tmp:
            analyse.export_projection(G, Path(tmp) / "out.graphml", fmt="graphml")
            return None, {"bytes": (Path(tmp) / "out.graphml").stat().st_size}

    for fmt, name in EXPORTS:
        if fmt == "jsonld-compact" and spec["triples"] > spec["compact_up_to"]:
            SKIP.add("export json-ld compact")
        step(f"export {name}", export, fmt)
    step("export turtle + json-ld together", export_together)
    for fmt, name in (("turtle", "turtle"), ("jsonld", "json-ld")):
        step(f"export {name} (store order)", export_store, fmt)
    step("export turtle + json-ld together (store order)", export_store_together)
    if G is not None:
        step("export graphml", export_graphml)


#: (oncograph.export format, step name) of every RDF format, canonical order.
EXPORTS = (("turtle", "turtle"), ("jsonld", "json-ld"), ("nt", "n-triples"), ("trig", "trig"), ("nquads", "n-quads"),
           ("jsonld-compact", "json-ld compact"))


def _centrality_function(analyse):
    """The analysis module's centrality report, whatever it is called (it is being written alongside)."""
    import importlib

    for module, names in (("oncograph.analyse", ("centrality_report", "centrality", "centralities")),
                          ("oncograph.analyse.centrality", ("centrality_report", "centrality", "centralities",
                                                            "compute", "report"))):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        for name in names:
            fn = getattr(mod, name, None)
            if callable(fn):
                return fn
    raise NotAvailable("oncograph.analyse has no centrality function yet")


def _top20_betweenness(out):
    """Top 20 node keys by betweenness from whatever the centrality report returned, if it can be found."""
    try:
        rows = out
        if hasattr(out, "to_dict") and hasattr(out, "columns"):  # a DataFrame
            col = next(c for c in out.columns if "between" in str(c).lower())
            return [str(k) for k in out.sort_values(col, ascending=False).index[:20]]
        if isinstance(rows, dict):
            for key, value in rows.items():
                if "between" in str(key).lower() and isinstance(value, dict):
                    return [k for k, _ in sorted(value.items(), key=lambda kv: (-kv[1], kv[0]))[:20]]
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            col = next(c for c in rows[0] if "between" in c.lower())
            idcol = next(c for c in rows[0] if c in ("node", "key", "id", "iri"))
            return [str(r[idcol]) for r in sorted(rows, key=lambda r: -r[col])[:20]]
    except (StopIteration, KeyError, TypeError, AttributeError):
        return None
    return None


def _query_summary(per: dict, errors: dict) -> dict:
    med = {k: v[0] for k, v in per.items()}
    return {"queries": len(med), "median_of_medians": statistics.median(med.values()), "max_median": max(med.values()),
            "slowest": max(med, key=med.get), "per_query": {k: round(v, 4) for k, v in sorted(med.items())},
            "rows": {k: v[1] for k, v in sorted(per.items())}, "errors": errors}


def job_naive(spec: dict) -> None:
    path, runs = spec["ttl"], spec["runs"]

    def parse():
        from rdflib import Graph

        g = Graph().parse(path, format="turtle")
        return g, {"triples": len(g)}

    graph = step("load", parse)
    if graph is None:
        return

    def queries():
        return run_queries(queries_to_run(spec, TYPICAL), lambda name, params, text: len(list(graph.query(text))),
                           max(1, min(runs, spec["naive_runs"])), spec["query_timeout"])

    step("queries", queries)

    def projection():
        import networkx as nx
        from rdflib import URIRef

        involves = URIRef("https://w3id.org/oncograph/ontology#involves")
        parties: dict = {}
        for r, _, a in graph.triples((None, involves, None)):
            parties.setdefault(r, []).append(a)
        G = nx.Graph()
        for members in parties.values():
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    if a != b:
                        G.add_edge(str(a), str(b))
        return G, {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}

    G = step("projection", projection)
    if G is not None:
        step("centrality", _networkx_centrality, G, spec)

    def export(fmt):
        data = graph.serialize(format=fmt, encoding="utf-8")
        return None, {"bytes": len(data)}

    step("export turtle", export, "turtle")
    step("export json-ld", export, "json-ld")
    step("export n-triples", export, "nt")


def _networkx_centrality(G, spec):
    """networkx as it comes: degree, PageRank and betweenness (exact up to 5,000 nodes, else 500 samples), with the
    top-20 agreement of the result to exact betweenness (rustworkx, not timed)."""
    import networkx as nx

    degree = nx.degree_centrality(G)
    nx.pagerank(G)
    n = G.number_of_nodes()
    k = None if n <= spec["exact_up_to"] else spec["sample"]
    bc = nx.betweenness_centrality(G, k=k, seed=1)
    top = [key for key, _ in sorted(bc.items(), key=lambda kv: (-kv[1], kv[0]))[:20]]
    extra = {"nodes": n, "betweenness": "exact" if k is None else f"sampled k={k}", "top20": top,
             "degree_top": max(degree, key=degree.get)}
    return None, extra


def job_floor(spec: dict) -> None:
    import pyoxigraph as ox

    path, runs = spec["ttl"], spec["runs"]

    def load():
        store = ox.Store()
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
        return store, {"triples": len(store)}

    store = step("load", load)
    if store is None:
        return

    def raw(name, params, text):
        result = store.query(text)
        return bool(result) if isinstance(result, ox.QueryBoolean) else sum(1 for _ in result)

    def queries():
        return run_queries(queries_to_run(spec), raw, runs, spec["query_timeout"])

    step("queries", queries)

    def edges():
        import networkx as nx

        q = "SELECT ?r ?a WHERE { ?r <https://w3id.org/oncograph/ontology#involves> ?a }"
        parties: dict = {}
        for row in store.query(q):
            parties.setdefault(row[0].value, []).append(row[1].value)
        G = nx.Graph()
        G.add_edges_from((a, b) for m in parties.values() for i, a in enumerate(m) for b in m[i + 1:] if a != b)
        return G, {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}

    G = step("projection", edges)

    def rustworkx_centrality():
        """Degree, PageRank and exact betweenness in rustworkx (Rust, both cores): the floor, and the reference the
        top-20 agreement of the others is measured against."""
        import rustworkx as rx

        R = rx.networkx_converter(G)  # node payloads are the networkx node names
        rx.degree_centrality(R)
        rx.pagerank(R.to_directed())
        bc = rx.betweenness_centrality(R, normalized=True)
        scores = {R[i]: v for i, v in bc.items()}
        top = [key for key, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:20]]
        return None, {"nodes": R.num_nodes(), "betweenness": "exact (rustworkx)", "top20": top}

    if G is not None:
        step("centrality", rustworkx_centrality)

    def dump(fmt):
        buf = io.BytesIO()
        store.dump(buf, format=fmt, from_graph=ox.DefaultGraph())
        return None, {"bytes": buf.tell()}

    step("export turtle", dump, ox.RdfFormat.TURTLE)
    step("export json-ld", dump, ox.RdfFormat.JSON_LD)
    step("export n-triples", dump, ox.RdfFormat.N_TRIPLES)


def job_pyshacl(spec: dict) -> None:
    from rdflib import Graph

    graph = step("load", lambda: (Graph().parse(spec["ttl"], format="turtle"), {}))
    if graph is None:
        return

    def run():
        import pyshacl

        from oncograph import paths

        conforms, results, _ = pyshacl.validate(graph, shacl_graph=paths.load_shapes(), inference="none",
                                                allow_warnings=True, advanced=False)
        return None, {"conforms": conforms}

    step("validate", run)


#: kind -> (HTTP port, extra environment) of the servers the benchmark starts on loopback (not the tests' ports)
SERVERS = {"oxigraph": (7979, {}), "virtuoso": (8991, {"SPARQL_SQL_PORT": "1119"})}
BENCH_GRAPH = "urn:oncograph:bench"


def job_server(spec: dict) -> None:
    """Publish the landscape to a real Oxigraph server and a real Virtuoso on loopback, then run the same bound
    named queries there through oncograph.endpoint (HTTP, SPARQLWrapper), median of --runs each."""
    import shutil

    for kind, (port, extra) in SERVERS.items():
        state = RESULTS / "servers"
        env = dict(os.environ, SPARQL_SRV_DIR=str(state), SPARQL_HTTP_PORT=str(port), **extra)
        script = ["bash", str(ROOT / "scripts" / "sparql-server.sh")]
        endpoint = f"http://127.0.0.1:{port}"
        auth = {"user": "dba", "password": "dba"} if kind == "virtuoso" else {}

        def start():
            shutil.rmtree(state / kind, ignore_errors=True)  # a clean database for each size
            for cmd in ("install", "start"):
                p = subprocess.run([*script, cmd, kind], env=env, capture_output=True, text=True)
                if p.returncode:
                    raise NotAvailable(f"{kind} server: {cmd} failed: {(p.stderr or p.stdout).strip()[-200:]}")
            return True, {}

        try:
            if not step(f"{kind}: start", start):
                continue

            def publish():
                from oncograph.endpoint import publish as publish_graph

                report = publish_graph(spec["ttl"], endpoint, graph=BENCH_GRAPH, kind=kind, timeout=600, **auth)
                return True, {"triples": getattr(report, "triples", None)}

            if not step(f"{kind}: publish", publish):
                # queries on a graph that is missing or half there would time nothing worth reporting, and a fast
                # empty answer must not count as the server winning (crossover() reads only "ok" query steps)
                emit(event="done", step=f"{kind}: queries", status="skipped",
                     note="not run: the publish step did not succeed")
                continue

            def queries():
                from oncograph.endpoint import query_endpoint

                def run(name, params, text):
                    result = query_endpoint(endpoint, text, graph=BENCH_GRAPH, kind=kind,
                                            timeout=spec["query_timeout"], **auth)
                    return result if isinstance(result, bool) else len(result.rows if hasattr(result, "rows")
                                                                          else result)

                out = run_queries(queries_to_run(spec), run, spec["runs"], spec["query_timeout"])
                pid = (state / kind / "pid").read_text().strip()
                out[1]["server_peak_mb"] = _process_peak_mb(pid)
                return out

            step(f"{kind}: queries", queries)
        finally:
            subprocess.run([*script, "stop", kind], env=env, capture_output=True, text=True)


def _process_peak_mb(pid: str) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return None


JOBS = {"ours": job_ours, "naive": job_naive, "floor": job_floor, "pyshacl": job_pyshacl, "server": job_server}


# =====================================================================================================================
# parent side
# =====================================================================================================================
def parse_size(text: str) -> int:
    text = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if text[-1] in "km" else text) * mult)


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else (
        f"{n // 1000}k" if n % 1000 == 0 else str(n))


def landscape(size: int, seed: int) -> tuple[Path, dict]:
    """The landscape file for ``size`` triples (generated once, then reused), and how it was made."""
    sys.path.insert(0, str(ROOT / "src"))
    from oncograph import synth

    orgs = max(20, round(size / TRIPLES_PER_ORG))
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"landscape-{orgs}-seed{seed}.ttl"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text())
    t0 = time.perf_counter()
    result = synth.write(path, orgs, seed=seed)
    meta = {"orgs": orgs, "triples": result.triples, "relationships": sum(result.relationships.values()),
            "generate_seconds": round(time.perf_counter() - t0, 2), "bytes": path.stat().st_size}
    meta_path.write_text(json.dumps(meta))
    return path, meta


def entities(path: Path) -> dict:
    """Well-connected entities of the landscape to bind the named queries' parameters to."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    P = ("PREFIX onco: <https://w3id.org/oncograph/ontology#> PREFIX org: <http://www.w3.org/ns/org#> "
         "PREFIX schema: <https://schema.org/> PREFIX foaf: <http://xmlns.com/foaf/0.1/> ")

    def top(q, n=1):
        rows = [r[0].value for r in store.query(P + q)]
        return rows[:n] if n > 1 else (rows[0] if rows else None)

    orgs = top("SELECT ?o (COUNT(*) AS ?n) WHERE { ?r onco:involves ?o . ?o a org:FormalOrganization } "
               "GROUP BY ?o ORDER BY DESC(?n) STR(?o) LIMIT 2", 2)
    params = {
        "org": orgs[0], "org_b": orgs[1] if len(orgs) > 1 else orgs[0],
        "campaign": top("SELECT ?c (COUNT(*) AS ?n) WHERE { ?r onco:campaign ?c } GROUP BY ?c ORDER BY DESC(?n) STR(?c)"),
        "plan": top("SELECT ?r WHERE { ?r a onco:CollaborationPlan } ORDER BY STR(?r) LIMIT 1"),
        "relationship": top("SELECT ?r WHERE { ?r a onco:Partnership ; schema:startDate ?d } ORDER BY STR(?r) LIMIT 1"),
        "page": top("SELECT ?p (COUNT(*) AS ?n) WHERE { ?r onco:listedIn ?p } GROUP BY ?p ORDER BY DESC(?n) STR(?p)"),
        "section": top("SELECT ?s (COUNT(*) AS ?n) WHERE { ?r onco:inSection ?s } GROUP BY ?s ORDER BY DESC(?n) STR(?s)"),
        "event": top("SELECT ?e (COUNT(*) AS ?n) WHERE { ?x schema:superEvent ?e } GROUP BY ?e ORDER BY DESC(?n) STR(?e)"),
        "person": top("SELECT ?p WHERE { ?p org:holds ?post } ORDER BY STR(?p) LIMIT 1"),
        "post": top("SELECT ?p WHERE { ?p a org:Post } ORDER BY STR(?p) LIMIT 1"),
        "resource": top("SELECT ?p WHERE { ?p a onco:InformationResource } ORDER BY STR(?p) LIMIT 1"),
        "string": "Cancer",
    }
    return {k: (f"<{v}>" if v and v.startswith("http") else v) for k, v in params.items()}


def run_job(job: str, spec: dict, *, step_timeout: float, log) -> dict:
    """Run a worker subprocess; returns {step: result}. A step over its limit is killed and marked timed out."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", job, "--spec", json.dumps(spec)]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    steps: dict[str, dict] = {}
    current, started = None, time.perf_counter()
    limit = spec.get("limits", {})
    while True:
        timeout = limit.get(current, step_timeout) if current else step_timeout
        left = timeout - (time.perf_counter() - started)
        if current and left <= 0:
            proc.kill()
            proc.wait()
            steps[current] = {"status": "timeout", "seconds": timeout, "note": f"timed out after {timeout:.0f} s"}
            log(f"  {job:8} {current:24} timed out after {timeout:.0f} s")
            break
        ready, _, _ = select.select([proc.stdout], [], [], max(0.1, min(left, 5.0)))
        if not ready:
            if proc.poll() is not None:
                break
            continue
        line = proc.stdout.readline()
        if not line:
            break
        if not line.startswith(MARK):
            continue
        ev = json.loads(line[len(MARK):])
        if ev["event"] == "start":
            current, started = ev["step"], time.perf_counter()
        elif ev["event"] == "done":
            current = None
            started = time.perf_counter()
            res = {k: v for k, v in ev.items() if k not in ("event", "step")}
            steps[ev["step"]] = res
            shown = f"{res['seconds']:.2f} s, {res['peak_mb']:.0f} MB" if res["status"] == "ok" else res["status"]
            log(f"  {job:8} {ev['step']:24} {shown}" + (f"  ({res.get('note')})" if res.get("note") else ""))
        elif ev["event"] == "note":
            log(f"  {job:8} note: {ev['note']}")
    proc.wait()
    err = proc.stderr.read()
    if proc.returncode not in (0, -9) and not steps:
        steps["(worker)"] = {"status": "error", "note": err[-500:]}
    return steps


def startup(runs: int = 7) -> dict:
    """Start-up time on the curated data: `oncograph --help`, and one named query, as subprocesses."""
    exe = ROOT / ".venv" / "bin" / "oncograph"
    out = {}
    for name, args in (("oncograph --help", ["--help"]),
                       ("oncograph query organisations-by-kind", ["query", "organisations-by-kind"])):
        times, code, err = [], 0, ""
        for _ in range(runs):
            t0 = time.perf_counter()
            p = subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=ROOT)
            times.append(time.perf_counter() - t0)
            code, err = p.returncode, p.stderr
        out[name] = ({"status": "ok", "median": statistics.median(times), "min": min(times), "runs": runs}
                     if code == 0 else {"status": "n/a" if "No such command" in err else "error",
                                        "note": err.strip()[-200:]})
    return out


def machine() -> dict:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal")),
               0)
    import importlib.metadata as md

    versions = {}
    for pkg in ("rdflib", "pyshacl", "pyoxigraph", "oxrdflib", "networkx", "rustworkx", "igraph", "networkit"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem, "python": platform.python_version(),
            "os": platform.platform(), "load_average_at_start": os.getloadavg(), "versions": versions}


# -- report -------------------------------------------------------------------------------------------------------
ROWS = [
    ("load / build", "load", "load", "load"),
    ("validate (full shapes)", "validate", "pyshacl:validate", None),
    ("named queries, median (max)", "queries", None, "queries"),
    ("the 3 typical queries, median (max)", "typical:queries", "queries", "typical:queries"),
    ("imports of the analysis libraries (once per process)", "imports (analysis libraries)", None, None),
    ("projection", "projection", "projection", "projection"),
    ("centrality report (degree, PageRank, betweenness)", "centrality", "centrality", "centrality"),
    ("brokers", "brokers", None, None),
    ("communities", "communities", None, None),
    ("export Turtle", "export turtle", "export turtle", "export turtle"),
    ("export JSON-LD (expanded)", "export json-ld", "export json-ld", "export json-ld"),
    ("Turtle + JSON-LD", "sum:export turtle+export json-ld", "sum:export turtle+export json-ld",
     "sum:export turtle+export json-ld"),
    ("Turtle + JSON-LD, written together", "export turtle + json-ld together", None,
     "sum:export turtle+export json-ld"),
    ("export Turtle, store order", "export turtle (store order)", None, "export turtle"),
    ("export JSON-LD, store order", "export json-ld (store order)", None, "export json-ld"),
    ("Turtle + JSON-LD, store order", "sum:export turtle (store order)+export json-ld (store order)", None,
     "sum:export turtle+export json-ld"),
    ("Turtle + JSON-LD, store order, written together", "export turtle + json-ld together (store order)", None,
     "sum:export turtle+export json-ld"),
    ("export N-Triples", "export n-triples", "export n-triples", "export n-triples"),
    ("export TriG", "export trig", None, None),
    ("export N-Quads", "export n-quads", None, None),
    ("export JSON-LD compacted", "export json-ld compact", None, None),
    ("export GraphML (projection)", "export graphml", None, None),
]


def lookup(results: dict, key: str | None) -> dict | None:
    """One step's result; ``typical:STEP`` re-summarises a query step over the 3 typical queries, ``sum:A+B`` adds
    two steps."""
    if not key:
        return None
    if key.startswith("sum:"):
        parts = [results.get(k) for k in key[4:].split("+")]
        if not all(p and p.get("status") == "ok" for p in parts):
            return next((p for p in parts if p and p.get("status") != "ok"), None)
        return {"status": "ok", "seconds": sum(p["seconds"] for p in parts),
                "peak_mb": max(p["peak_mb"] for p in parts)}
    if key.startswith("typical:"):
        res = results.get(key[8:])
        if not res or res.get("status") != "ok":
            return res
        per = {k: v for k, v in res.get("per_query", {}).items() if k in TYPICAL}
        if not per:
            return None
        return {**res, "median_of_medians": statistics.median(per.values()), "max_median": max(per.values())}
    return results.get(key)


def cell(res: dict | None, *, queries: bool = False) -> tuple[str, str, float | None]:
    """(seconds text, memory text, seconds) of one step result."""
    if not res:
        return "–", "", None
    if res["status"] == "timeout":
        return res["note"], "", None
    if res["status"] != "ok":
        return res["status"] + (f" ({res.get('note', '')[:60]})" if res["status"] == "error" else ""), "", None
    if queries and "median_of_medians" in res:
        return f"{res['median_of_medians']:.3f} ({res['max_median']:.3f})", f"{res['peak_mb']:.0f}", \
            res["median_of_medians"]
    return f"{res['seconds']:.2f}", f"{res['peak_mb']:.0f}", res["seconds"]


def ratio(x: float) -> str:
    """1.8×, or 0.04× where one decimal would round a real ratio to 0.0×."""
    return f"{x:.1f}×" if x >= 0.095 else f"{x:.2g}×"


def table(size_label: str, meta: dict, results: dict) -> str:
    ours, naive, floor, ps = (results.get(k, {}) for k in ("ours", "naive", "floor", "pyshacl"))
    lines = [f"### {size_label}: {meta['triples']:,} triples, {meta['orgs']:,} organisations, "
             f"{meta['relationships']:,} relationships (generated in {meta['generate_seconds']} s)", "",
             "| step | ours s | ours MB | naive s | naive MB | floor s | floor MB | naive / ours | ours / floor |",
             "|---|---|---|---|---|---|---|---|---|"]
    for title, o, n, f in ROWS:
        q = "queries" in o
        ores = lookup(ours, o)
        os_, om, ov = cell(ores, queries=q)
        nres = lookup(ps, n.split(":", 1)[1]) if n and n.startswith("pyshacl:") else lookup(naive, n)
        ns, nm, nv = cell(nres, queries=q) if n else ("–", "", None)
        fs, fm, fv = cell(lookup(floor, f), queries=q) if f else ("–", "", None)
        r1 = ratio(nv / ov) if nv and ov else ""
        if not r1 and nres and nres.get("status") == "timeout" and ov:
            r1 = f">{nres['seconds'] / ov:.0f}×"  # a lower bound: the naive step was stopped
        r2 = ratio(ov / fv) if ov and fv else ""
        lines.append(f"| {title} | {os_} | {om} | {ns} | {nm} | {fs} | {fm} | {r1} | {r2} |")
    notes = []
    for stack, res in (("ours", ours), ("naive", naive), ("floor", floor)):
        c = res.get("centrality") or {}
        if c.get("status") == "ok" and c.get("betweenness"):
            notes.append(f"{stack} betweenness: {c['betweenness']}")
    for stack, res, exact in (("ours", ours, (ours.get("betweenness exact (rustworkx)") or {}).get("top20")),
                              ("naive", naive, (floor.get("centrality") or {}).get("top20"))):
        top = (res.get("centrality") or {}).get("top20")
        if exact and top:
            notes.append(f"{stack} top-20 betweenness agreement with exact (rustworkx, same projection): "
                         f"{len(set(exact) & set(top))}/20")
    ref = ours.get("betweenness exact (rustworkx)")
    if ref and ref.get("status") == "ok":
        notes.append(f"exact betweenness of our projection in rustworkx: {ref['seconds']:.2f} s")
    ps = ours.get("projection (raw store)")
    if ps and ps.get("status") == "ok":
        notes.append(f"our projection read from the raw pyoxigraph store instead of the Graph: {ps['seconds']:.2f} s")
    qd = ours.get("queries (graph.query)")
    if qd and qd.get("status") == "ok":
        notes.append(f"ours queries through graph.query directly (no run_query checks): median "
                     f"{qd['median_of_medians']:.3f} s, max {qd['max_median']:.3f} s ({qd['slowest']})")
    q = ours.get("queries")
    if q and q.get("status") == "ok":
        notes.append(f"ours slowest named query: {q['slowest']} {q['max_median']:.3f} s; {q['queries']} queries ran"
                     + (f"; errors: {', '.join(q['errors'])}" if q.get("errors") else ""))
    return "\n".join(lines + ([""] + [f"- {n}" for n in notes] if notes else []) + server_table(results))


def server_table(results: dict) -> list[str]:
    """Embedded against server, per query: the embedded one-shot cost (a CLI call loads the file, then queries)
    and warm cost, against the server's median query over HTTP once the data is published."""
    ours, server = results.get("ours", {}), results.get("server", {})
    if not server:
        return []
    load, q = ours.get("load") or {}, ours.get("queries") or {}
    embedded_warm = q.get("median_of_medians") if q.get("status") == "ok" else None
    embedded_once = load["seconds"] + embedded_warm if embedded_warm is not None and load.get("status") == "ok" \
        else None
    lines = ["", "Embedded against server (median over the named queries; one-shot = load the file, then query, as "
             "each `oncograph query NAME --input FILE` call does):", "",
             "| | publish s | query median (max) s | server peak MB | errors |", "|---|---|---|---|---|"]
    if embedded_warm is not None:
        lines.append(f"| embedded, graph loaded | – | {embedded_warm:.3f} ({q['max_median']:.3f}) | – | "
                     f"{len(q.get('errors') or {})} |")
    if embedded_once is not None:
        lines.append(f"| embedded, one-shot | – | {embedded_once:.3f} | – | |")
    for kind in SERVERS:
        start = server.get(f"{kind}: start") or {}
        if start.get("status") not in ("ok", None):
            lines.append(f"| {kind} server | {start.get('status')}: {start.get('note', '')[:80]} | | | |")
            continue
        pub, sq = server.get(f"{kind}: publish") or {}, server.get(f"{kind}: queries") or {}
        ptxt = f"{pub['seconds']:.2f}" if pub.get("status") == "ok" else pub.get("status", "–")
        qtxt = (f"{sq['median_of_medians']:.3f} ({sq['max_median']:.3f})" if sq.get("status") == "ok"
                else sq.get("status", "–") + (f" ({sq.get('note', '')[:60]})" if sq.get("note") else ""))
        peak = sq.get("server_peak_mb")
        errs = sq.get("errors") or {}
        lines.append(f"| {kind} server | {ptxt} | {qtxt} | {f'{peak:.0f}' if peak else ''} | "
                     f"{len(errs)}{': ' + ', '.join(sorted(errs)[:4]) if errs else ''} |")
    return lines


def crossover(all_results: dict, sizes: list[str]) -> str:
    """The sentence the README needs: from which measured size a server query beats the embedded graph."""
    def medians(lab):
        res = all_results[lab]["results"]
        ours, server = res.get("ours", {}), res.get("server", {})
        load, q = ours.get("load") or {}, ours.get("queries") or {}
        if load.get("status") != "ok" or q.get("status") != "ok":
            return None
        best = [(server[f"{k}: queries"]["median_of_medians"], k) for k in SERVERS
                if (server.get(f"{k}: queries") or {}).get("status") == "ok"]
        return (load["seconds"] + q["median_of_medians"], q["median_of_medians"], min(best)) if best else None

    measured = [(lab, m) for lab in sizes if (m := medians(lab))]
    if not measured:
        return ""
    once = next(((lab, m) for lab, m in measured if m[2][0] < m[0]), None)
    warm = next(((lab, m) for lab, m in measured if m[2][0] < m[1]), None)
    text = ["### embedded or server\n\n"]
    text.append(f"A query on a server (best: {once[1][2][1]}, median {once[1][2][0]:.3f} s) beats a one-shot embedded "
                f"run (load + query, {once[1][0]:.2f} s) from {once[0]} triples, the smallest size measured where it "
                "does." if once else "A server query never beat a one-shot embedded run at the sizes measured.")
    text.append(f" Against a graph already loaded in the process, the server wins from {warm[0]}." if warm else
                " Against a graph already loaded in the process, the server is slower at every size measured "
                f"(largest: {measured[-1][0]}, embedded {measured[-1][1][1]:.3f} s against "
                f"{measured[-1][1][2][0]:.3f} s on {measured[-1][1][2][1]}).")
    return "".join(text)


def growth(all_results: dict, sizes: list[str]) -> str:
    """Time at each size / time at the previous size, per step of ours (cost should grow linearly)."""
    if len(sizes) < 2:
        return ""
    lines = ["### growth of our times between sizes (linear: about the size ratio)", "",
             "| step | " + " | ".join(f"{a} → {b}" for a, b in zip(sizes, sizes[1:])) + " |",
             "|---|" + "---|" * (len(sizes) - 1)]
    for title, o, _, _ in ROWS:
        cells = []
        for a, b in zip(sizes, sizes[1:]):
            _, _, va = cell(lookup(all_results[a]["results"].get("ours", {}), o), queries="queries" in o)
            _, _, vb = cell(lookup(all_results[b]["results"].get("ours", {}), o), queries="queries" in o)
            cells.append(f"{vb / va:.1f}×" if va and vb else "")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    global RESULTS, DATA  # --results moves them
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k,1m")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--naive-runs", type=int, default=3)
    ap.add_argument("--pyshacl-timeout", type=float, default=900)
    ap.add_argument("--query-timeout", type=float, default=120, help="seconds for one run of one query")
    ap.add_argument("--exact-up-to", type=int, default=5000,
                    help="exact betweenness up to this many nodes, sampled above")
    ap.add_argument("--sample", type=int, default=500,
                    help="above --exact-up-to: the naive stack's betweenness sample, and brokers' sources per pair")
    ap.add_argument("--error", type=float, default=0.005,
                    help="above --exact-up-to: our betweenness to within this error (KADABRA)")
    ap.add_argument("--compact-up-to", type=int, default=20_000_000,
                    help="time compacted JSON-LD only up to this many triples (a graph held in Oxigraph is compacted "
                         "from the index: 1M in about 5 s; pyld took 131 s there)")
    ap.add_argument("--step-timeout", type=float, default=1800)
    ap.add_argument("--only", default="startup,ours,floor,naive,pyshacl,server")
    ap.add_argument("--skip", default="", help="steps not to run, comma-separated: a step name, or JOB:step (e.g. 'ours:queries')")
    ap.add_argument("--results", default=str(RESULTS),
                    help="folder for the results and the generated landscapes (default bench/results, gitignored)")
    ap.add_argument("--worker")
    ap.add_argument("--spec")
    args = ap.parse_args(argv)
    if args.worker:
        spec = json.loads(args.spec)
        RESULTS = Path(spec.get("results", RESULTS))
        DATA = RESULTS / "data"
        SKIP.update(spec.get("skip", []))
        JOB[0] = args.worker
        # steps repeat for ours, the floor and the naive stack; pyshacl (capped by its timeout) and the servers
        # (started and loaded once) run each step once
        RUNS[0] = max(1, int({"ours": spec["runs"], "floor": spec["runs"], "naive": spec["naive_runs"]}.get(
            args.worker, 1)))
        JOBS[args.worker](spec)
        return 0

    only = set(args.only.split(","))
    RESULTS = Path(args.results).resolve()
    DATA = RESULTS / "data"
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    log_lines: list[str] = []

    def log(msg: str) -> None:
        print(msg, flush=True)
        log_lines.append(msg)

    info = machine()
    log(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB; load average "
        f"{' '.join(f'{x:.1f}' for x in info['load_average_at_start'])}; python {info['python']}")
    out = {"machine": info, "command": " ".join([".venv/bin/python", "bench/run.py", *sys.argv[1:]]), "sizes": {}}
    if "startup" in only:
        out["startup"] = startup()
        for k, v in out["startup"].items():
            log(f"startup  {k}: " + (f"median {v['median']:.3f} s (min {v['min']:.3f})" if v["status"] == "ok"
                                      else v["status"]))
    labels = []
    for text in args.sizes.split(","):
        size = parse_size(text)
        lab = label(size)
        labels.append(lab)
        path, meta = landscape(size, args.seed)
        log(f"== {lab}: {path.name}: {meta['triples']:,} triples")
        spec = {"results": str(RESULTS), "ttl": str(path), "runs": args.runs, "naive_runs": args.naive_runs, "params": entities(path),
                "query_timeout": args.query_timeout, "exact_up_to": args.exact_up_to, "sample": args.sample,
                "error": args.error, "compact_up_to": args.compact_up_to, "triples": meta["triples"],
                "skip": [x.strip() for x in args.skip.split(",") if x.strip()], "limits": {}}
        results = {}
        for job in ("ours", "floor", "naive", "pyshacl", "server"):
            if job not in only:
                continue
            job_spec = dict(spec, limits={"validate": args.pyshacl_timeout} if job == "pyshacl" else {})
            results[job] = run_job(job, job_spec, step_timeout=args.step_timeout, log=log)
        out["sizes"][lab] = {"meta": meta, "results": results}
        (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(out, indent=1, default=str))
    md = [f"## Benchmark {time.strftime('%Y-%m-%d %H:%M')}", "",
          f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB RAM, Python {info['python']}; "
          f"load average at start {' '.join(f'{x:.1f}' for x in info['load_average_at_start'])}. "
          + ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v) + ".",
          "", f"Command: `{out['command']}`", "",
          "ours = oncograph (Oxigraph-backed rdflib Graph, fast SHACL, oncograph.query / analyse / export); "
          "naive = rdflib Graph + pyshacl + networkx as they come; floor = pyoxigraph raw. "
          f"Seconds: the median of up to {args.runs} runs of each step (fewer where one more would take the step"
          f" past {REPEAT_BUDGET:.0f} s; loads and imports run once, queries are medians of their own; naive:"
          f" {args.naive_runs}; pyshacl and servers: once); MB = the highest peak resident memory of the step's"
          " process in its runs.", ""]
    if "startup" in out:
        md += ["Start-up on the curated data (median of 7 subprocess runs): " + "; ".join(
            f"`{k}` {v['median']:.2f} s" if v["status"] == "ok" else f"`{k}` {v['status']}"
            for k, v in out["startup"].items()), ""]
    for lab in labels:
        md += [table(lab, out["sizes"][lab]["meta"], out["sizes"][lab]["results"]), ""]
    md.append(growth(out["sizes"], labels))
    md += ["", crossover(out["sizes"], labels)]
    text = "\n".join(md)
    (RESULTS / f"bench-{stamp}.md").write_text(text + "\n")
    (RESULTS / "latest.md").write_text(text + "\n")
    (RESULTS / "latest.json").write_text(json.dumps(out, indent=1, default=str))
    print("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
