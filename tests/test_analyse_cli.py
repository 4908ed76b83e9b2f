"""`oncograph analyse ...` and `oncograph plot`, through CliRunner and as a subprocess (printed line, exit code)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from oncograph.analyse import AmbiguousName, EmptyProjection, UnknownName
from oncograph.cli import main
from oncograph.cli.analyse import analyse_cmd
from oncograph.errors import InputError

EXE = str(Path(sys.executable).parent / "oncograph")


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def ok(*args) -> str:
    res = invoke(*args)
    assert res.exit_code == 0, (res.output, res.exception)
    return res.output


@pytest.mark.parametrize("name", sorted(analyse_cmd.commands))
def test_every_subcommand_has_help(name):
    res = invoke("analyse", name, "--help")
    assert res.exit_code == 0 and "--types" in res.output
    # every command takes --as-of but changes, which has dates of its own (--since, --until)
    assert ("--as-of" in res.output) is (name != "changes") and ("--since" in res.output) is (name == "changes")
    assert len((analyse_cmd.commands[name].help or "").strip()) > 20


def test_centrality_table_csv_json():
    table = ok("analyse", "centrality", "--top", "3")
    assert table.splitlines()[0] == "Centrality, ranked by degree (75 nodes, 61 relationships)"
    assert "Rare Cancers Europe" in table.splitlines()[2]
    rows = list(csv.DictReader(io.StringIO(ok("analyse", "centrality", "--by", "pagerank", "--format", "csv"))))
    assert [r["key"] for r in rows[:3]] == ["org/rare-cancers-europe", "org/esmo", "org/who"]
    data = json.loads(ok("analyse", "centrality", "--top", "2", "--format", "json", "--as-of", "2020"))
    assert [r["acronym"] for r in data] == ["", "ESMO"]


def test_brokers_communities_components():
    assert "liaison" in ok("analyse", "brokers", "--top", "1")
    rows = json.loads(ok("analyse", "brokers", "--between", "patient:company", "--format", "json"))
    assert rows[0]["key"] == "org/rare-cancers-europe" and rows[0]["patient-company share"] == 1.0
    assert ok("analyse", "communities") == ok("analyse", "communities")  # seeded
    assert "23 connected components" in ok("analyse", "components")
    bad = invoke("analyse", "brokers", "--between", "patient")
    assert isinstance(bad.exception, InputError) and "joined by a colon" in str(bad.exception)


def test_path_paths_ego_changes():
    out = ok("analyse", "path", "spaen", "World Health Organization")
    assert "SPAEN → Rare Cancers Europe → ESMO → WHO (3 steps)" in out
    assert "ESMO and WHO are partners [since 2013 (derived)" in out
    hops = json.loads(ok("analyse", "path", "Europa Donna", "WHO", "--listing-ties", "--limit", "1",
                         "--format", "json"))
    assert hops[0]["from"] == "org/europa-donna" and "same section" in hops[0]["sentence"]
    assert "(3 steps)" in ok("analyse", "paths", "SPAEN", "WHO", "--max-length", "3")
    ego = ok("analyse", "ego", "ESMO", "--depth", "1")
    assert "(9 nodes, 16 relationships)" in ego.splitlines()[0]
    changes = ok("analyse", "changes", "--since", "2010", "--until", "2024", "--format", "csv")
    assert [r["date"] for r in csv.DictReader(io.StringIO(changes))] == ["2013", "2023-10", "2024", "2024-02-05"]
    snapshot = ok("analyse", "ego", "ESMO", "--as-of", "2020-06", "--format", "json")
    assert "collaboration plan" not in snapshot and "are partners" in snapshot


def test_errors_are_input_errors():
    res = invoke("analyse", "ego", "esmoo")
    assert isinstance(res.exception, UnknownName) and "did you mean European Society for Medical Oncology" in str(
        res.exception)
    res = invoke("analyse", "path", "Europa", "WHO")
    assert isinstance(res.exception, AmbiguousName) and "Europa Uomo" in str(res.exception)
    res = invoke("analyse", "centrality", "--as-of", "5 Feb 2024")
    assert isinstance(res.exception, InputError) and "YYYY, YYYY-MM or YYYY-MM-DD" in str(res.exception)
    res = invoke("analyse", "changes", "--since", "2020", "--until", "2024", "--as-of", "2020")
    assert res.exit_code == 2 and "No such option '--as-of'" in res.output
    res = invoke("analyse", "changes", "--since", "2020", "--until", "next year")
    assert "--until: 'next year' is not a date" in str(res.exception)
    res = invoke("analyse", "centrality", "--as-of", "1990", "--undated", "drop")
    assert isinstance(res.exception, EmptyProjection) and "as of 1990-01-01" in str(res.exception)
    res = invoke("analyse", "path", "Andres Cervantes", "WHO")
    assert "add --people" in str(res.exception)
    assert "Andrés Cervantes → ESMO President" in ok("analyse", "path", "Andres Cervantes", "WHO", "--people")


def test_export_command(tmp_path):
    out = ok("analyse", "export", "--format", "graphml", "--out", str(tmp_path / "p.graphml"))
    assert out.strip() == f"wrote {tmp_path / 'p.graphml'}"
    ok("analyse", "export", "--format", "csv", "--out", str(tmp_path / "csv"), "--follow-mergers")
    assert (tmp_path / "csv" / "nodes.csv").read_text().count("\n") == 71 + 1


def test_plot_command(tmp_path):
    out = ok("plot", "--out", str(tmp_path))
    assert out.split() == ["wrote", str(tmp_path / "network.png"), "wrote", str(tmp_path / "network.svg")]
    ok("plot", "ego", "ESMO", "--depth", "2", "--format", "svg", "--out", str(tmp_path))
    assert (tmp_path / "ego-esmo.svg").exists() and not (tmp_path / "ego-esmo.png").exists()
    res = invoke("plot", "path", "SPAEN", "--out", str(tmp_path))
    assert isinstance(res.exception, InputError) and "takes 2 name(s)" in str(res.exception)


def test_plot_and_analyse_of_a_big_input_say_what_they_do(tmp_path, monkeypatch):
    """Above PROGRESS_ABOVE bytes (lowered here to a small landscape's size) plot and analyse say on stderr, after
    reading, that they project and draw, with the network's size and the seconds taken; below it, stderr stays
    empty, and stdout is the same either way."""
    from oncograph import synth
    from oncograph.analyse import project
    from oncograph.cli import progress
    from oncograph.store import load_graph

    path = tmp_path / "landscape.ttl"
    synth.write(path, 120, seed=3)
    G = project(load_graph(path))
    quiet = CliRunner().invoke(main, ["plot", "--input", str(path), "--out", str(tmp_path / "q")])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    monkeypatch.setattr(progress, "PROGRESS_ABOVE", path.stat().st_size)
    loud = CliRunner().invoke(main, ["plot", "--input", str(path), "--out", str(tmp_path / "q")])
    assert loud.exit_code == 0 and loud.stdout == quiet.stdout
    lines = loud.stderr.splitlines()
    assert lines[0].startswith(f"reading {path} (") and lines[1].startswith(f"read {path} in ")
    assert lines[2] == "projecting the relationships onto a network ..."
    assert lines[3].startswith("projected in ")
    assert lines[3].endswith(f" s: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
    assert lines[4] == "laying out and drawing the network ..." and lines[5].startswith("drawn in ")
    assert len(lines) == 6
    centrality = CliRunner().invoke(main, ["analyse", "centrality", "--input", str(path), "--top", "3"])
    assert centrality.exit_code == 0, centrality.output
    assert "projecting the relationships onto a network ..." in centrality.stderr.splitlines()


def run(*args):
    return subprocess.run([EXE, *args], capture_output=True, text=True)


def test_subprocess_analyse_path_and_error():
    res = run("analyse", "path", "SPAEN", "WHO")
    assert res.returncode == 0 and "SPAEN → Rare Cancers Europe → ESMO → WHO" in res.stdout
    res = run("analyse", "ego", "Nobody Society")
    assert res.returncode == 2 and res.stderr.startswith("error: no organisation is called 'Nobody Society'")
    assert len(res.stderr.strip().splitlines()) == 1
    res = run("analyse", "centrality", "--as-of", "2024/02/05")
    assert res.returncode == 2 and "accepted forms: YYYY, YYYY-MM or YYYY-MM-DD" in res.stderr


def test_subprocess_plot(tmp_path):
    res = run("plot", "path", "SPAEN", "WHO", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "path-spaen-who.png").stat().st_size > 10_000
    assert (tmp_path / "path-spaen-who.svg").stat().st_size > 10_000


def test_big_networks_get_estimated_betweenness_and_say_so(monkeypatch):
    """Above ESTIMATE_ABOVE nodes (5,000; lowered here to the curated network's size) centrality and brokers
    estimate, as the benchmark measures them, say so on stderr and in the heading; --exact computes exactly."""
    import oncograph.cli.analyse as cli_analyse
    from oncograph.analyse import brokers, centrality, project
    from oncograph.build import build

    monkeypatch.setattr(cli_analyse, "ESTIMATE_ABOVE", 10)
    G = project(build().graph())
    res = invoke("analyse", "centrality", "--top", "0", "--format", "json")
    assert res.exit_code == 0, res.output
    assert "betweenness estimated to within 0.005 (90% confidence)" in res.stderr and "--exact" in res.stderr
    got = {r["key"]: r["betweenness"] for r in json.loads(res.stdout)}
    assert got == {r["key"]: r["betweenness"] for r in centrality(G, betweenness_error=0.005)}
    exact = invoke("analyse", "centrality", "--top", "0", "--format", "json", "--exact")
    assert exact.exit_code == 0 and exact.stderr == ""
    assert {r["key"]: r["betweenness"] for r in json.loads(exact.stdout)} == \
        {r["key"]: r["betweenness"] for r in centrality(G)}
    table = invoke("analyse", "centrality", "--top", "3")
    assert "betweenness within 0.005 (90% confidence)" in table.stdout.splitlines()[0]
    assert isinstance(invoke("analyse", "centrality", "--exact", "--error", "0.01").exception, InputError)

    res = invoke("analyse", "brokers", "--top", "0", "--format", "json")
    assert res.exit_code == 0 and "estimated from 500 random sources per group pair" in res.stderr
    assert json.loads(res.stdout) == json.loads(json.dumps(brokers(G, sample=500)))
    exact = invoke("analyse", "brokers", "--top", "0", "--format", "json", "--exact")
    assert exact.exit_code == 0 and exact.stderr == ""
    assert json.loads(exact.stdout) == json.loads(json.dumps(brokers(G)))
    assert isinstance(invoke("analyse", "brokers", "--exact", "--sample", "5").exception, InputError)


def test_small_networks_keep_exact_betweenness():
    res = invoke("analyse", "centrality", "--top", "1")
    assert res.exit_code == 0 and res.stderr == "" and "within" not in res.stdout
