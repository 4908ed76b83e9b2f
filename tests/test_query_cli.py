"""The query, sparql and publish commands: through click's CliRunner, and once each as a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Variable
from rdflib.query import Result

from oncograph.cli import main
from oncograph.errors import InputError

EXE = str(Path(sys.executable).parent / "oncograph")
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib JSON-LD
ROOT = Path(__file__).resolve().parent.parent


def cli(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def ok(*args, input=None) -> str:
    res = cli(*args, input=input)
    assert res.exit_code == 0, (res.output, res.exception)
    return res.output


def fails(*args, input=None) -> Exception:
    """The OncographError a command raised (standalone mode lets it through to CliRunner)."""
    res = cli(*args, input=input)
    assert res.exit_code != 0
    return res.exception


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- query -----------------------------------------------------------------------------------------------------

def test_list_prints_every_query_and_its_question():
    lines = ok("query", "--list").splitlines()
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert [line.split()[0] for line in lines] == names
    assert any(line.startswith("partners-of ") and line.endswith(
        "With which organisations is ?org in a partnership or collaboration plan, and over what period?")
        for line in lines)


def test_query_table_by_default():
    assert ok("query", "member-counts").splitlines() == [
        "org        name                          members",
        "---------  ----------------------------  -------",
        "orgs:glcc  Global Lung Cancer Coalition  28",
        "(1 row)",
    ]


def test_query_with_params_in_each_table_format():
    args = ("query", "partners-of", "--param", "org=orgs:who")
    table = ok(*args, "--format", "table")
    assert "orgs:esmo  European Society for Medical Oncology  rel:esmo-who-partnership" in table
    rows = list(csv.reader(io.StringIO(ok(*args, "--format", "csv"))))
    assert rows[0] == ["partner", "name", "relationship", "type", "start", "end"]
    assert rows[2][:2] == ["https://w3id.org/oncograph/id/org/esmo", "European Society for Medical Oncology"]
    for fmt in ("tsv", "json"):
        parsed = Result.parse(io.StringIO(ok(*args, "--format", fmt)), format=fmt)
        assert len(parsed.bindings) == 2
        assert str(parsed.bindings[1][Variable("start")]) == "2013"


def test_query_ask_and_construct_formats():
    assert ok("query", "is-part-of", "-p", "org=orgs:iarc", "-p", "parent=orgs:who") == "true\n"
    assert json.loads(ok("query", "is-part-of", "-p", "org=orgs:esbb", "--format", "json")) == \
        {"head": {}, "boolean": False}
    turtle = ok("query", "neighbourhood")
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(graph) == 5
    for fmt, parser in (("json-ld", "json-ld"), ("nt", "nt")):
        assert Graph().parse(data=ok("query", "neighbourhood", "--format", fmt), format=parser).isomorphic(graph)
    with pytest.raises(InputError, match="a CONSTRUCT result is a graph"):
        raise fails("query", "neighbourhood", "--format", "table")


def test_query_show_explains_without_running():
    out = ok("query", "relationships-as-of", "--show")
    assert out.startswith("relationships-as-of: Dated relationships in force on a day\n")
    assert "  date  date     default 2025-06-30. The day, as YYYY-MM-DD." in out
    assert "columns:\n  relationship  the relationship node" in out
    assert "SELECT DISTINCT ?relationship ?type ?start ?end" in out


@pytest.mark.parametrize("args, message", [
    (("query",), "give the NAME of a query, or --list"),
    (("query", "partners-of", "--param", "org"), "--param takes NAME=VALUE, got 'org'"),
    (("query", "partners-of", "-p", "org=orgs:who", "-p", "org=orgs:esmo"), "--param org is given twice"),
    (("query", "partners-of", "--graph", "urn:x:g"), "--graph names a graph on a SPARQL server"),
    (("query", "partners-of", "--data", "data", "--endpoint", "http://127.0.0.1:1"), "cannot be combined"),
    (("query", "partners", "-p", "org=orgs:who"), "no query named 'partners'; did you mean partners-of"),
    (("query", "founded-between", "-p", "from=MMX"), "parameter 'from' (year): 'MMX' is not a year"),
    (("query", "--list", "mergers"), "--list takes no NAME"),
])
def test_query_input_errors(args, message):
    err = fails(*args)
    assert isinstance(err, InputError) and message in str(err)


def test_query_data_option_builds_another_folder(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    orgs = data / "organisations.yaml"
    orgs.write_text(orgs.read_text(encoding="utf-8").replace("member_count: 28", "member_count: 29"),
                    encoding="utf-8")
    assert "orgs:glcc  Global Lung Cancer Coalition  29" in ok("query", "member-counts", "--data", str(data))


# --- sparql ----------------------------------------------------------------------------------------------------

def test_sparql_from_a_file_and_from_stdin(tmp_path):
    path = tmp_path / "count.rq"
    path.write_text("PREFIX onco: <https://w3id.org/oncograph/ontology#>\n"
                    "SELECT (COUNT(?r) AS ?n) WHERE { ?r a onco:Listing }\n", encoding="utf-8")
    res = cli("sparql", str(path), "--format", "csv")
    assert res.exit_code == 0 and res.stdout_bytes == b"n\r\n60\r\n"  # SPARQL CSV: CRLF line ends
    assert ok("sparql", "-", input=path.read_text()).splitlines()[2] == "60"


def test_sparql_construct_and_describe_formats():
    text = ("PREFIX org: <http://www.w3.org/ns/org#>\n"
            "CONSTRUCT { ?a org:subOrganizationOf ?b } WHERE { ?a org:subOrganizationOf ?b }")
    turtle = Graph().parse(data=ok("sparql", "-", input=text), format="turtle")
    assert len(turtle) == 8
    jsonld = Graph().parse(data=ok("sparql", "-", "--format", "json-ld", input=text), format="json-ld")
    assert jsonld.isomorphic(turtle)
    described = ok("sparql", "-", "--format", "nt", input="DESCRIBE <https://w3id.org/oncograph/id/org/glcc>")
    assert '<https://w3id.org/oncograph/id/org/glcc> <https://w3id.org/oncograph/ontology#memberCount> "28"' \
           in described


def test_sparql_syntax_error_names_line_and_column(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?s\nWHERE {\n  ?s ?p ?o\n  FILTR (?o)\n}\n", encoding="utf-8")
    err = fails("sparql", str(path))
    assert isinstance(err, InputError) and str(err).startswith(f"{path}:4:3: SPARQL syntax error")


@pytest.mark.parametrize("args, input, message", [
    (("sparql", "no-such-file.rq"), None, "no-such-file.rq: no such file"),
    (("sparql", "-"), "  \n", "<stdin>: no query in it"),
    (("sparql", "-"), "DELETE WHERE { ?s ?p ?o }", "this is a SPARQL Update"),
    (("sparql", "-", "--format", "turtle"), "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "turtle is for CONSTRUCT"),
])
def test_sparql_input_errors(args, input, message):
    err = fails(*args, input=input)
    assert isinstance(err, InputError) and message in str(err)


# --- publish ---------------------------------------------------------------------------------------------------

def test_publish_needs_an_endpoint():
    res = cli("publish")
    assert res.exit_code == 2 and "Missing option '--endpoint'" in res.output


def test_publish_credentials_come_from_the_environment(monkeypatch):
    """The options read ONCOGRAPH_ENDPOINT_USER / _PASSWORD; a half-given pair is refused before any request."""
    monkeypatch.setenv("ONCOGRAPH_ENDPOINT_USER", "dba")
    monkeypatch.delenv("ONCOGRAPH_ENDPOINT_PASSWORD", raising=False)
    err = fails("publish", "--endpoint", f"http://127.0.0.1:{closed_port()}")
    assert isinstance(err, InputError) and "both a user and a password" in str(err)


# --- as real processes: the one-line error and the exit code -------------------------------------------------------

def run(*args, input=None):
    return subprocess.run([EXE, *args], capture_output=True, text=True, input=input, timeout=300)


def test_query_subprocess():
    res = run("query", "mergers", "--format", "tsv")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == "?merger\t?result\t?result_name\t?original\t?original_name\t?source"
    assert len(res.stdout.splitlines()) == 5
    bad = run("query", "relationships-as-of", "-p", "date=2024-02-30")
    assert bad.returncode == 2
    assert bad.stderr == ("error: parameter 'date' (date): '2024-02-30' is not a valid date (day is out of range"
                          " for month); for example --param date=2025-06-30\n")


def test_sparql_subprocess():
    res = run("sparql", "-", "--format", "json", input="ASK { ?s ?p ?o }")
    assert res.returncode == 0 and json.loads(res.stdout) == {"head": {}, "boolean": True}
    bad = run("sparql", "-", input="SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p\n}")
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: <stdin>:3:3: SPARQL syntax error")  # the unfinished triple
    assert bad.stderr.count("\n") == 1


def test_publish_subprocess_to_an_unreachable_server():
    url = f"http://127.0.0.1:{closed_port()}"
    res = run("publish", "--endpoint", url)
    assert res.returncode == 3
    assert res.stderr.startswith("error: ") and "connection refused" in res.stderr
    assert "sparql-server.sh start" in res.stderr


# --- --input: the same commands on an RDF file ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def release_ttl(tmp_path_factory, graph):
    """The built graph as one Turtle file, as a data consumer downloads it."""
    path = tmp_path_factory.mktemp("input") / "oncograph.ttl"
    graph.serialize(path, format="turtle")
    return path


@pytest.mark.parametrize("args", [
    ("query", "organisations-by-kind", "--format", "csv"),
    ("query", "partners-of", "-p", "org=orgs:who", "--format", "tsv"),
    ("query", "relationships-as-of", "-p", "date=2024-06-30", "--format", "json"),
])
def test_query_on_an_input_file_answers_as_on_the_built_graph(release_ttl, args):
    assert ok(*args, "--input", str(release_ttl)) == ok(*args)


def test_sparql_and_analyse_on_an_input_file(release_ttl, graph):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert ok("sparql", "-", "--input", str(release_ttl), "--format", "csv", input=count) == f"n\n{len(graph)}\n"
    assert ok("analyse", "centrality", "--input", str(release_ttl), "--format", "csv") == \
        ok("analyse", "centrality", "--format", "csv")


@pytest.mark.parametrize("args, message", [
    (("query", "organisations-by-kind", "--input", "missing.ttl"), "missing.ttl: no such file"),
    (("query", "organisations-by-kind", "--input", "graph.xyz"), "unknown RDF file extension"),
    (("query", "organisations-by-kind", "--input", "kg.ttl", "--data", "data"), "give --data or --input, not both"),
    (("query", "organisations-by-kind", "--input", "kg.ttl", "--endpoint", "http://127.0.0.1:9"),
     "--input reads a local RDF file"),
    (("analyse", "centrality", "--input", "missing.ttl"), "missing.ttl: no such file"),
])
def test_input_file_errors(args, message):
    err = fails(*args, input="ASK {}")
    assert isinstance(err, InputError) and message in str(err)


def test_query_input_subprocess_on_a_broken_file(tmp_path):
    """Exit 2 and one line naming the file and the line of the error."""
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "unterminated .\n')
    res = run("query", "organisations-by-kind", "--input", str(bad))
    assert res.returncode == 2 and res.stderr.startswith("error: ") and "broken.ttl" in res.stderr
    assert "line 2" in res.stderr.lower() and res.stderr.count("\n") == 1


def test_query_input_checks_the_parameters_before_reading_the_file(tmp_path, monkeypatch):
    """A bad parameter is an error at once: the --input file (however big) is not read first."""
    from oncograph.cli import progress

    read = []
    monkeypatch.setattr(progress, "load_files", lambda files, *a, **k: read.append(files))
    (tmp_path / "kg.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n")
    err = fails("query", "relationships-as-of", "-p", "date=2024-02-30", "--input", str(tmp_path / "kg.ttl"))
    assert isinstance(err, InputError) and "parameter 'date'" in str(err)
    assert read == []
    ok("query", "relationships-as-of", "-p", "date=2024-02-28", "--input", str(tmp_path / "kg.ttl"))
    assert read == [[tmp_path / "kg.ttl"]]
