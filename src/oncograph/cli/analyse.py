"""analyse, plot: network analysis of the projection. Each command parses options and calls oncograph.analyse."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path

import click

from ..errors import InputError
from .progress import is_big, say

FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                      show_default=True, help="Output: an aligned table, CSV, or JSON (all fields).")


@dataclass(frozen=True)
class ProjectionOptions:
    data_dir: Path | None
    input_file: Path | None
    as_of: str | None
    undated: str
    types: str | None
    listing_ties: bool
    follow_mergers: bool
    people: bool
    events: bool
    campaigns: bool

    def graph(self):
        """The RDF graph: built from data/ (or --data), or read from --input."""
        from .progress import load_files, one_source

        one_source(self.data_dir, self.input_file)
        if self.input_file:
            return load_files([self.input_file])  # a big file goes into Oxigraph: seconds, not minutes, at 1M
        from ..build import build

        return build(self.data_dir).graph()

    def project(self):
        """(projection, RDF graph) for these options."""
        from ..analyse import project
        from ..dates import parse_user_date

        as_of = parse_user_date(self.as_of, parameter="--as-of") if self.as_of else None
        types = [t for t in (self.types or "").split(",") if t.strip()] or None
        graph = self.graph()
        started = time.perf_counter()
        if self.loud:
            say("projecting the relationships onto a network ...")
        G = project(graph, relationship_types=types, include_people=self.people, include_events=self.events,
                    include_campaigns=self.campaigns, listing_ties=self.listing_ties,
                    follow_mergers=self.follow_mergers, as_of=as_of, undated=self.undated)
        if self.loud:
            say(f"projected in {time.perf_counter() - started:.1f} s: {G.number_of_nodes():,} nodes, "
                f"{G.number_of_edges():,} edges")
        return G, graph

    @property
    def loud(self) -> bool:
        """Whether the command says what it does on stderr: for a big --input, as reading it does."""
        return self.input_file is not None and is_big([self.input_file])

    def find(self, G, graph, name: str) -> str:
        from ..analyse import find_node, project

        return find_node(G, name, fuller=lambda: project(graph, include_people=True, include_events=True))


def projection_options(func=None, *, dated: bool = True):
    """The options every analysis command shares; the command receives them as one ProjectionOptions.

    ``dated=False`` leaves out --as-of and --undated, for a command about dates of its own (``changes``).
    """
    if func is None:
        return functools.partial(projection_options, dated=dated)
    options = [
        ("data_dir", click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
                                  help="Folder of curated YAML (default: the project's data/).")),
        ("input_file", click.option("--input", "input_file", type=click.Path(path_type=Path), default=None,
                                    help="Read this RDF file (e.g. dist/oncograph.ttl) instead of building data/.")),
        ("as_of", click.option("--as-of", "as_of", metavar="DATE", default=None,
                               help="Keep what held on DATE (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its "
                                    "first day).")),
        ("undated", click.option("--undated", type=click.Choice(["keep", "drop"]), default="keep", show_default=True,
                                 help="With --as-of: keep relationships that have no date, or drop them.")),
        ("types", click.option("--types", default=None, metavar="T1,T2",
                               help="Only these relationship types, e.g. Partnership,SubOrganisation "
                                    "(or partnership,event-role).")),
        ("listing_ties", click.option("--listing-ties", is_flag=True,
                                      help="Link organisations listed in the same section of a page (weak ties).")),
        ("follow_mergers", click.option("--follow-mergers", is_flag=True,
                                        help="Replace merged organisations by the one they merged into.")),
        ("people", click.option("--people", is_flag=True, help="Include people and posts.")),
        ("events", click.option("--events", is_flag=True,
                                help="Include events as nodes (otherwise organisations in the same event are "
                                     "linked).")),
        ("campaigns", click.option("--campaigns/--no-campaigns", default=True, show_default=True,
                                   help="Include campaigns (Rare Cancers Europe) as nodes.")),
    ]

    if not dated:
        options = [(name, o) for name, o in options if name not in ("as_of", "undated")]

    @functools.wraps(func)
    def wrapper(*args, data_dir, input_file, types, listing_ties, follow_mergers, people, events, campaigns,
                as_of=None, undated="keep", **rest):
        opts = ProjectionOptions(data_dir, input_file, as_of, undated, types, listing_ties, follow_mergers, people,
                                 events, campaigns)
        return func(opts, *args, **rest)

    for _, option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _emit(rows, fmt: str, *, columns=None, heading: str = "", max_width: int = 60) -> None:
    from ..analyse.report import render

    if fmt == "table" and heading:
        click.echo(heading)
    click.echo(render(rows, fmt, columns=columns if fmt == "table" else None, max_width=max_width))


def _heading(G, what: str) -> str:
    as_of = f"; as of {G.graph['as_of']}" if G.graph.get("as_of") else ""
    n, m = G.number_of_nodes(), G.number_of_edges()
    return f"{what} ({n} node{'s' * (n != 1)}, {m} relationship{'s' * (m != 1)}{as_of})"


@click.group("analyse")
def analyse_cmd():
    """Network analysis of the relationship graph: hubs, brokers, communities, paths, snapshots and changes.

    Every command projects the graph onto a network first; the shared options (--as-of, --types, --listing-ties,
    --follow-mergers, --people, --events) choose what goes in. Organisations are named by name, acronym or any
    other name, case and accents ignored: `oncograph analyse path SPAEN WHO`.
    """


#: Above this many nodes, betweenness (centrality) and brokerage (brokers) are estimated unless --exact: exact
#: betweenness takes 35 s at 28,000 nodes; the estimates under 3 s, with 19 of the exact top 20 (the benchmark).
ESTIMATE_ABOVE = 5_000
#: The estimates used above ESTIMATE_ABOVE: betweenness within this absolute error, brokerage from so many sources.
AUTO_ERROR = 0.005
AUTO_SOURCES = 500


def _estimated(G, exact: bool, given: bool) -> bool:
    """Whether to estimate: not asked for --exact or an estimate already, and the graph is over ESTIMATE_ABOVE."""
    return not exact and not given and G.number_of_nodes() > ESTIMATE_ABOVE


@analyse_cmd.command("centrality")
@projection_options
@click.option("--by", type=click.Choice(["degree", "betweenness", "pagerank", "ties", "relationships"]),
              default="degree", show_default=True, help="Rank by this measure.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True, help="How many rows (0: all).")
@click.option("--sample", type=click.IntRange(min=1), default=None,
              help="Estimate betweenness from this many random sources (large graphs).")
@click.option("--error", "error", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True), default=None,
              help="Estimate betweenness to within this absolute error (90%% confidence) by adaptive sampling, e.g."
                   " 0.005: under a second at 28,000 nodes, where exact takes 35 s. The default above 5,000 nodes.")
@click.option("--exact", is_flag=True, help="Exact betweenness whatever the size (above 5,000 nodes it is estimated "
                                            "to within 0.005 unless told).")
@FORMAT
def centrality_cmd(opts, by, top, sample, error, exact, fmt):
    """Degree, betweenness and PageRank of every organisation, best first.

    Above 5,000 nodes betweenness is estimated to within 0.005 (90% confidence), and stderr says so; --exact, --error
    or --sample choose otherwise.
    """
    from ..analyse import centrality
    from ..errors import InputError

    if sample and error:
        raise InputError("give --sample or --error, not both")
    if exact and (sample or error):
        raise InputError("--exact computes betweenness exactly: leave out --sample and --error")
    G, _ = opts.project()
    if _estimated(G, exact, bool(sample or error)):
        error = AUTO_ERROR
        say(f"betweenness estimated to within {error} (90% confidence) by adaptive sampling, as the network has "
            f"{G.number_of_nodes():,} nodes; --exact for exact values (35 s at 28,000 nodes)")
    how = f"; betweenness within {error} (90% confidence)" if error else (
        f"; betweenness from {sample} sources" if sample and sample < G.number_of_nodes() else "")
    rows = centrality(G, by=by, top=top or None, betweenness_sample=sample, betweenness_error=error)
    _emit(rows, fmt, heading=_heading(G, f"Centrality, ranked by {by}") + how,
          columns=["rank", "label", "acronym", "kind", "ties", "relationships", "degree", "betweenness", "pagerank"])


@analyse_cmd.command("brokers")
@projection_options
@click.option("--between", "between", multiple=True, metavar="A:B",
              help="Groups to broker between (repeatable): patient, professional, company or any kind id. "
                   "Default: patient:professional and patient:company.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True, help="How many rows (0: all).")
@click.option("--sample", type=click.IntRange(min=1), default=None,
              help="Estimate from this many random sources per pair (large graphs). The default above 5,000 nodes is "
                   "500.")
@click.option("--exact", is_flag=True, help="Every source, whatever the size (above 5,000 nodes 500 are sampled "
                                            "unless told).")
@FORMAT
def brokers_cmd(opts, between, top, sample, exact, fmt):
    """Organisations on the shortest paths between two groups, e.g. patient organisations and companies.

    A broker's score for groups A and B sums, over every connected pair (a in A, b in B), the share of shortest
    a–b paths passing through it; `share` divides by the number of such pairs. Above 5,000 nodes it is estimated
    from 500 sources per pair, and stderr says so; --exact or --sample choose otherwise.
    """
    from ..analyse import brokers
    from ..analyse.metrics import DEFAULT_BETWEEN

    if exact and sample:
        raise InputError("--exact uses every source: leave out --sample")

    pairs = []
    for spec in between:
        a, sep, b = spec.partition(":")
        if not sep or not a.strip() or not b.strip():
            raise InputError(f"--between {spec!r}: write two groups joined by a colon, such as patient:company")
        pairs.append((a.strip(), b.strip()))
    G, _ = opts.project()
    if _estimated(G, exact, bool(sample)):
        sample = AUTO_SOURCES
        say(f"brokerage estimated from {sample} random sources per group pair, as the network has "
            f"{G.number_of_nodes():,} nodes; --exact for every source (30 s at 28,000 nodes)")
    rows = brokers(G, between=pairs or DEFAULT_BETWEEN, top=top or None, sample=sample)
    share_cols = [k for k in (rows[0] if rows else {}) if k.endswith(" share")]
    how = f"; estimated from {sample} sources per group pair" if sample else ""
    _emit(rows, fmt, heading=_heading(G, "Brokers") + how, columns=["rank", "label", "kind", "groups", *share_cols,
                                                                     "total score"])


@analyse_cmd.command("communities")
@projection_options
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the Louvain method.")
@click.option("--resolution", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Louvain resolution: above 1 gives more, smaller communities.")
@click.option("--min-size", type=click.IntRange(min=1), default=2, show_default=True,
              help="Leave out communities smaller than this.")
@FORMAT
def communities_cmd(opts, seed, resolution, min_size, fmt):
    """Communities (Louvain, seeded: the same every run), largest first, with who is in each."""
    from ..analyse import communities

    G, _ = opts.project()
    rows = communities(G, seed=seed, resolution=resolution, min_size=min_size)
    _emit(rows, fmt, heading=_heading(G, "Communities"),
          columns=["community", "size", "top_members", "kinds", "disease_areas"])


@analyse_cmd.command("components")
@projection_options
@FORMAT
def components_cmd(opts, fmt):
    """Connected components, largest first (an organisation without ties is a component of one)."""
    from ..analyse import components

    G, _ = opts.project()
    rows = components(G)
    _emit(rows, fmt, heading=_heading(G, f"{len(rows)} connected components"),
          columns=["component", "size", "top_members", "kinds"])


def _paths_out(G, paths, fmt: str, heading: str) -> None:
    if fmt == "table":
        click.echo(heading)
        click.echo("\n\n".join(p.text(G) for p in paths) if paths else "(no path)")
        return
    rows = [row for i, p in enumerate(paths, 1) for row in p.rows(G, path_number=i)]
    _emit(rows, fmt)


@analyse_cmd.command("path")
@projection_options
@click.argument("a")
@click.argument("b")
@click.option("--limit", type=click.IntRange(min=1), default=3, show_default=True,
              help="Show at most this many shortest paths.")
@FORMAT
def path_cmd(opts, a, b, limit, fmt):
    """The shortest path(s) from A to B, told hop by hop with each relationship's period and source."""
    from ..analyse import shortest_paths

    G, graph = opts.project()
    ka, kb = opts.find(G, graph, a), opts.find(G, graph, b)
    paths = shortest_paths(G, ka, kb, limit=limit)
    _paths_out(G, paths, fmt, _heading(G, f"Shortest paths from {a} to {b}: showing {len(paths)}"))


@analyse_cmd.command("paths")
@projection_options
@click.argument("a")
@click.argument("b")
@click.option("--max-length", type=click.IntRange(min=1), default=4, show_default=True,
              help="Longest path, in steps.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="Show at most this many paths (shortest first).")
@FORMAT
def paths_cmd(opts, a, b, max_length, limit, fmt):
    """Every path from A to B of at most --max-length steps that visits no organisation twice."""
    from ..analyse import simple_paths

    G, graph = opts.project()
    ka, kb = opts.find(G, graph, a), opts.find(G, graph, b)
    paths = simple_paths(G, ka, kb, max_length=max_length, limit=limit)
    _paths_out(G, paths, fmt, _heading(G, f"Paths from {a} to {b} of at most {max_length} steps: "
                                          f"showing {len(paths)}"))


@analyse_cmd.command("ego")
@projection_options
@click.argument("a")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="Steps from A.")
@FORMAT
def ego_cmd(opts, a, depth, fmt):
    """Everyone within --depth steps of A, and how each is tied to the step before."""
    from ..analyse import ego_network, ego_rows

    G, graph = opts.project()
    ego = ego_network(G, opts.find(G, graph, a), depth=depth)
    _emit(ego_rows(ego), fmt, heading=_heading(ego, f"Within {depth} step(s) of {a}"),
          columns=["distance", "label", "kind", "via"], max_width=100)


def _until(text: str):
    """The last day a YYYY / YYYY-MM / YYYY-MM-DD can mean: --until 2024 includes all of 2024."""
    from ..dates import last_day, parse_date, parse_user_date

    parse_user_date(text, parameter="--until")  # raises InputError naming the accepted forms
    return last_day(parse_date(text))


@analyse_cmd.command("changes")
@projection_options(dated=False)  # its own dates: --since and --until
@click.option("--since", required=True, metavar="DATE", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", "until", required=True, metavar="DATE",
              help="To this date, included (--until 2024: all of 2024).")
@FORMAT
def changes_cmd(opts, since, until, fmt):
    """What changed between two dates: relationships started, ended or announced; organisations founded."""
    from ..analyse import changes
    from ..dates import parse_user_date

    d1, d2 = parse_user_date(since, parameter="--since"), _until(until)
    G, _ = opts.project()
    rows = changes(G, since=d1, until=d2)
    _emit(rows, fmt, heading=f"Changes from {d1.isoformat()} to {d2.isoformat()}",
          columns=["date", "change", "what", "period", "sources"], max_width=100)


@analyse_cmd.command("export")
@projection_options
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv"]), required=True,
              help="graphml (Cytoscape, yEd, igraph), gexf (Gephi) or csv (nodes.csv + edges.csv).")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="The file to write (a folder for csv).")
def export_cmd(opts, fmt, out):
    """Write the projection with all its attributes for Gephi, Cytoscape, igraph or a spreadsheet."""
    from ..analyse import export_projection
    from ..export import check_writable

    check_writable(out if fmt == "csv" else (out.parent if str(out.parent) else Path(".")))
    G, _ = opts.project()
    for path in export_projection(G, out, fmt=fmt):
        click.echo(f"wrote {path}")


@click.command("plot")
@projection_options
@click.argument("what", type=click.Choice(["network", "ego", "path"]), default="network")
@click.argument("names", nargs=-1)
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("plots"), show_default=True,
              help="Folder to write the pictures to.")
@click.option("--format", "formats", default="png,svg", show_default=True, metavar="png,svg",
              help="Picture formats, comma-separated.")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="For ego: steps from A.")
def plot_cmd(opts, what, names, out, formats, depth):
    """Draw the whole network, an ego network (ego A) or a path (path A B) as PNG and SVG.

    \b
    oncograph plot --out plots                      whole network, coloured by kind, sized by PageRank
    oncograph plot ego ESMO --depth 2 --out plots   everyone within two steps of ESMO
    oncograph plot path SPAEN WHO --out plots       the shortest path from SPAEN to WHO
    """
    from ..analyse import plot_ego, plot_network, plot_path, shortest_paths

    wanted = {"network": 0, "ego": 1, "path": 2}[what]
    if len(names) != wanted:
        usage = {"network": "plot network", "ego": "plot ego A", "path": "plot path A B"}[what]
        raise InputError(f"`{usage}` takes {wanted} name(s), got {len(names)}: {' '.join(names) or 'none'}")
    from ..export import check_writable

    fmts = [f for f in formats.split(",") if f.strip()]
    check_writable(out)
    G, graph = opts.project()
    started = time.perf_counter()
    if opts.loud:
        say(f"laying out and drawing the {what}{' network' if what == 'ego' else ''} ...")
    if what == "network":
        written = plot_network(G, out / "network", formats=fmts)
    elif what == "ego":
        centre = opts.find(G, graph, names[0])
        written = plot_ego(G, centre, out / f"ego-{_slug(centre)}", depth=depth, formats=fmts)
    else:
        a, b = opts.find(G, graph, names[0]), opts.find(G, graph, names[1])
        written = plot_path(G, shortest_paths(G, a, b, limit=1)[0], out / f"path-{_slug(a)}-{_slug(b)}", formats=fmts)
    if opts.loud:
        say(f"drawn in {time.perf_counter() - started:.1f} s")
    for path in written:
        click.echo(f"wrote {path}")


def _slug(key: str) -> str:
    return key.rsplit("/", 1)[-1]
