"""The CLI: every command explains itself; build / validate / stats behave and exit as documented."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from oncograph.cli import COMMANDS, main

EXE = str(Path(sys.executable).parent / "oncograph")


def run(*args, **kw):
    return subprocess.run([EXE, *args], capture_output=True, text=True, **kw)


def test_top_level_help_lists_commands_and_exit_codes():
    res = run("--help")
    assert res.returncode == 0
    for name in ("build", "validate", "stats"):
        assert name in res.stdout
    assert "Exit codes" in res.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name):
    cmd = main.get_command(None, name)
    if cmd is None:
        pytest.skip(f"{name}: its module is not part of this install yet")
    res = CliRunner().invoke(main, [name, "--help"])
    assert res.exit_code == 0, res.output
    assert len((cmd.help or "").strip()) > 20, f"{name} needs a docstring that explains it"


def test_build_writes_release_and_summary(tmp_path):
    res = run("build", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert "conforms" in res.stdout and "relationships:" in res.stdout
    for name in ("oncograph.ttl", "oncograph.jsonld", "oncograph.trig", "oncograph.nq", "ontology.ttl", "shapes.ttl"):
        assert (tmp_path / name).stat().st_size > 1000, name


def test_stats_json_shares(tmp_path):
    res = run("stats", "--format", "json")
    assert res.returncode == 0
    stats = json.loads(res.stdout)
    assert stats["share_with_source"] == 1.0
    assert stats["relationships"] == sum(stats["relationships_by_type"].values())
    assert stats["relationships_by_type"]["onco:Listing"] == 60
    assert 0 < stats["share_with_date"] < 1


def test_validate_default_graph_conforms():
    res = run("validate")
    assert res.returncode == 0 and "conforms" in res.stdout


def test_validate_files_with_violations_exits_1(tmp_path, graph):
    g = type(graph)()
    for t in graph:
        g.add(t)
    from oncograph.namespaces import ID, ONCO

    g.remove((ID["org"]["esso"], ONCO.kind, None))
    path = tmp_path / "bad.ttl"
    g.serialize(path, format="turtle")
    res = run("validate", str(path))
    assert res.returncode == 1
    assert "[at least one kind]" in res.stdout and "European Society of Surgical Oncology" in res.stdout
    res = run("validate", str(path), "--format", "json")
    report = json.loads(res.stdout)
    assert report["conforms"] is False and report["violations"][0]["rule"] == "at least one kind"


def test_validate_malformed_file_exits_2_naming_the_line(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "unterminated .\n')
    res = run("validate", str(bad))
    assert res.returncode == 2
    assert res.stderr.startswith("error: ") and "broken.ttl" in res.stderr and "line" in res.stderr.lower()
    assert "Traceback" not in res.stderr


def test_validate_unknown_extension_lists_known(tmp_path):
    f = tmp_path / "graph.xyz"
    f.write_text("x")
    res = run("validate", str(f))
    assert res.returncode == 2 and ".ttl" in res.stderr


def test_validate_and_export_of_big_files_say_what_they_read(tmp_path, monkeypatch):
    """Above PROGRESS_ABOVE bytes (lowered here to this small landscape's size), validate and export tell on stderr
    what they read, how many triples and how long it took, and validate when it validates; the answers on stdout
    are the same as without. Below it, stderr stays empty."""
    from click.testing import CliRunner

    from oncograph import synth
    from oncograph.cli import main
    from oncograph.cli import progress

    path = tmp_path / "landscape.ttl"
    triples = synth.write(path, 60, seed=2).triples
    quiet = CliRunner().invoke(main, ["validate", str(path)])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    monkeypatch.setattr(progress, "PROGRESS_ABOVE", path.stat().st_size)
    loud = CliRunner().invoke(main, ["validate", str(path)])
    assert loud.exit_code == 0 and loud.stdout == quiet.stdout
    lines = loud.stderr.splitlines()
    assert lines[0] == f"reading {path} ({path.stat().st_size / 1e6:,.0f} MB) ..."
    assert lines[1].startswith(f"read {path} in ") and lines[1].endswith(f" s; {triples:,} triples in all")
    assert lines[2] == "validating against the shapes ..." and lines[3].startswith("validated in ")
    assert len(lines) == 4
    out = tmp_path / "copy.nt"
    exported = CliRunner().invoke(main, ["export", str(path), "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert exported.stderr.splitlines()[0].startswith(f"reading {path} (")
    assert exported.stderr.splitlines()[-1].startswith(f"wrote {out} (nt, canonical order")
