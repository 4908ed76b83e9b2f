"""Benchmark the explorer: median and 95th-percentile response times of each page and of the SPARQL endpoint,
under a bounded number of concurrent clients on loopback.

    .venv/bin/python bench/bench_serve.py                      # starts `oncograph serve` on a free port
    .venv/bin/python bench/bench_serve.py --clients 4 --requests 25 --max-seconds 60
    .venv/bin/python bench/bench_serve.py --url http://127.0.0.1:8765/   # a server you started
    .venv/bin/python bench/bench_serve.py --input landscape.ttl          # a big file: start-up, first and next views

Each target gets ``--clients`` threads, each sending ``--requests`` requests over its own keep-alive connection,
stopping early after ``--max-seconds``. Only loopback addresses are accepted. Prints a Markdown table.
Run on purpose; it is not part of the test suite.

The graph never changes while the explorer runs, so it keeps what it computes (entity pages, network projections
and layouts, parsed queries): most targets repeat one request and so measure the kept path after the warm-up.
Targets marked "uncached" change the request each time (another date, parameter or LIMIT) to show the full cost.

With ``--input FILE`` (a landscape from ``oncograph synth``) it measures what a reader of a big graph waits for
instead: the seconds until the explorer answers, then each page's first request (nothing kept yet) and the next
one, for pages about the landscape's best-connected organisation.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import platform
import statistics
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

QUERY_SELECT = ("PREFIX onco: <https://w3id.org/oncograph/ontology#> "
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                "SELECT ?kind (COUNT(?o) AS ?n) WHERE { ?o onco:kind ?k . ?k skos:prefLabel ?kind } "
                "GROUP BY ?kind ORDER BY DESC(?n)")
QUERY_DESCRIBE = "DESCRIBE <https://w3id.org/oncograph/id/org/esmo>"


def q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def day(i: int) -> str:
    """A different date for each request, so the network view cannot answer from its cache."""
    return time.strftime("%Y-%m-%d", time.gmtime(946684800 + 86400 * (i % 9000)))


#: (name shown, method, path or path maker, headers, body)
TARGETS = [
    ("search: name", "GET", "/?q=european+cancer+organisaton", {}, None),
    ("search: filter", "GET", "/?kind=patient-organisation", {}, None),
    ("profile: ESMO", "GET", "/id/org/esmo", {}, None),
    ("source document", "GET", "/id/source/rce-partners", {}, None),
    ("network: landscape", "GET", "/network", {}, None),
    ("network: ego + as of (cached)", "GET", "/network?focus=org/who&radius=2&as_of=2020-01-01", {}, None),
    ("network: as of, uncached", "GET", lambda i: f"/network?as_of={day(i)}", {}, None),
    ("paths: ESMO to IARC", "GET", "/paths?from=org/esmo&to=org/iarc", {}, None),
    ("queries: list", "GET", "/queries", {}, None),
    ("queries: partners-of", "GET", "/queries/partners-of?run=1&p.org=orgs:who", {}, None),
    ("queries: partners-of, uncached", "GET", lambda i: f"/queries/partners-of?run=1&p.org=orgs:x{i}", {}, None),
    ("console: SELECT", "GET", f"/console?query={q(QUERY_SELECT)}", {}, None),
    ("downloads", "GET", "/downloads", {}, None),
    ("/sparql GET SELECT json", "GET", f"/sparql?query={q(QUERY_SELECT)}",
     {"Accept": "application/sparql-results+json"}, None),
    ("/sparql GET SELECT json, uncached", "GET", lambda i: f"/sparql?query={q(QUERY_SELECT + f' LIMIT {i + 1}')}",
     {"Accept": "application/sparql-results+json"}, None),
    ("/sparql POST SELECT csv", "POST", "/sparql", {"Accept": "text/csv",
     "Content-Type": "application/sparql-query"}, QUERY_SELECT.encode()),
    ("/sparql DESCRIBE turtle", "GET", f"/sparql?query={q(QUERY_DESCRIBE)}", {"Accept": "text/turtle"}, None),
]


@dataclass
class Outcome:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall: float = 0.0


def run_target(host: str, port: int, method: str, path, headers: dict, body, *, clients: int, requests: int,
               max_seconds: float) -> Outcome:
    out = Outcome()
    lock = threading.Lock()
    deadline = time.perf_counter() + max_seconds
    counter = iter(range(10**9))

    def client():
        conn = http.client.HTTPConnection(host, port, timeout=max_seconds + 30)
        try:
            for _ in range(requests):
                if time.perf_counter() > deadline:
                    break
                with lock:
                    i = next(counter)
                target = path(i) if callable(path) else path
                t0 = time.perf_counter()
                try:
                    conn.request(method, target, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                    status = response.status
                except (OSError, http.client.HTTPException) as exc:
                    ok, status = False, f"{type(exc).__name__}"
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=max_seconds + 30)
                elapsed = time.perf_counter() - t0
                with lock:
                    if ok:
                        out.times.append(elapsed)
                    else:
                        out.errors.append(str(status))
        finally:
            conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.wall = time.perf_counter() - t0
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def cold_run(path: str, *, workers: int) -> int:
    """Start ``oncograph serve --input path``, then time each landscape page twice: the first and the next request."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from pathlib import Path

    from run import entities  # bench/run.py: the best-connected organisations of a landscape

    from oncograph.serve.server import ServerProcess

    ent = entities(Path(path))
    a, b = (ent[k].strip("<>").split("/id/", 1)[1] for k in ("org", "org_b"))
    pages = [
        ("home", "/"), ("search: cancer", "/?q=cancer"), (f"profile: {a}", f"/id/{a}"),
        ("network: landscape", "/network"), (f"network: focus {a}", f"/network?focus={a}"),
        (f"network: focus {a}, radius 2", f"/network?focus={a}&radius=2"),
        (f"paths: {a} to {b}", f"/paths?from={a}&to={b}"),
        ("/sparql COUNT(*)", "/sparql?query=" + q("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")),
        ("queries: organisations-by-kind", "/queries/organisations-by-kind?run=1"), ("downloads", "/downloads"),
    ]
    t0 = time.perf_counter()
    rows, failed = [], 0
    with ServerProcess(["--input", path, "--workers", str(workers)], start_timeout_s=1800) as server:
        ready = time.perf_counter() - t0
        parts = urllib.parse.urlsplit(server.url)
        for name, target in pages:
            times = []
            for _ in range(2):
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=1800)
                t = time.perf_counter()
                conn.request("GET", target, headers={"Accept": "application/sparql-results+json"}
                             if target.startswith("/sparql") else {})
                response = conn.getresponse()
                size = len(response.read())
                times.append(time.perf_counter() - t)
                failed += response.status != 200
                conn.close()
            rows.append((name, response.status, size, *times))
            print(f"  {name}: {times[0]:.2f} s, then {times[1]:.2f} s", file=sys.stderr)
    print(f"`oncograph serve --input {os.path.basename(path)} --workers {workers}`: answering after {ready:.1f} s; "
          f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}\n")
    print("| page | status | bytes | first request (s) | next request (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, status, size, first, then in rows:
        print(f"| {name} | {status} | {size:,} | {first:.2f} | {then:.2f} |")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an explorer already running on loopback (default: start one)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients per target (default 4)")
    parser.add_argument("--requests", type=int, default=25, help="requests per client (default 25)")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time bound per target (default 60)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured requests per target first (default 2)")
    parser.add_argument("--input", metavar="FILE", help="a big RDF file (a synthetic landscape): time start-up and "
                        "the first and next request of each page instead")
    parser.add_argument("--workers", type=int, default=2, help="query workers, with --input (default 2)")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 16 or not 1 <= args.requests <= 1000:
        parser.error("--clients must be 1-16 and --requests 1-1000")
    if args.input:
        if args.url:
            parser.error("give --input or --url, not both")
        if not os.path.isfile(args.input):
            parser.error(f"--input {args.input}: no such file")
        return cold_run(args.input, workers=args.workers)

    server = None
    url = args.url
    if url is None:
        from oncograph.serve.server import ServerProcess

        server = ServerProcess().start()
        url = server.url
    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1") and not (parts.hostname or "").startswith("127."):
        parser.error("the benchmark only sends traffic to loopback addresses")
    host, port = parts.hostname, parts.port or 80
    try:
        rows = []
        for name, method, path, headers, body in TARGETS:
            if args.warmup:
                run_target(host, port, method, path, headers, body, clients=1, requests=args.warmup,
                           max_seconds=args.max_seconds)
            out = run_target(host, port, method, path, headers, body, clients=args.clients,
                             requests=args.requests, max_seconds=args.max_seconds)
            if out.times:
                rows.append((name, len(out.times), len(out.errors), statistics.median(out.times) * 1000,
                             percentile(out.times, 95) * 1000, len(out.times) / out.wall))
            else:
                rows.append((name, 0, len(out.errors), float("nan"), float("nan"), 0.0))
            print(f"  {name}: done ({len(out.times)} ok, {len(out.errors)} errors)", file=sys.stderr)
    finally:
        if server is not None:
            server.stop()
    print(f"{args.clients} concurrent clients x {args.requests} requests per target, loopback, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| target | requests | errors | median (ms) | p95 (ms) | requests/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, n, errors, median, p95, rate in rows:
        print(f"| {name} | {n} | {errors} | {median:.1f} | {p95:.1f} | {rate:.1f} |")
    return 1 if any(r[2] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
