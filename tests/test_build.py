"""Build: the curated data compiles to the intended graph, and bad data is reported with file and line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS, XSD

from oncograph.build import build
from oncograph.errors import DataError
from oncograph.namespaces import BASE, ID, ONCO, ORG, SCHEMA

O, R, SRC = ID["org"], ID["rel"], ID["source"]
ROOT = Path(__file__).resolve().parent.parent


def test_every_relationship_has_a_source_document(graph):
    rels = set(graph.subjects(RDF.type, ONCO.Relationship))
    assert len(rels) > 100
    for r in rels:
        sources = set(graph.objects(r, PROV.wasDerivedFrom))
        assert sources and all((s, RDF.type, ONCO.SourceDocument) in graph for s in sources), r


def test_relationships_live_in_the_named_graph_of_their_source(built):
    ds = built.dataset
    for src in (SRC["rce-partners"], SRC["esmo-who-renewal-2024"]):
        g = ds.graph(src)
        rels = set(g.subjects(RDF.type, ONCO.Relationship))
        assert rels
        assert all((r, PROV.wasDerivedFrom, src) in g for r in rels)
    # the plan is stated by the 2024 news item only
    assert (R["esmo-who-collaboration-plan-2024-2026"], RDF.type, ONCO.CollaborationPlan) in ds.graph(SRC["esmo-who-renewal-2024"])
    assert (R["esmo-who-collaboration-plan-2024-2026"], None, None) not in ds.graph(SRC["rce-partners"])


def test_one_node_per_organisation_with_other_names_as_alt_labels(graph):
    eco = O["european-cancer-organisation"]
    assert graph.value(eco, SKOS.prefLabel) == Literal("European Cancer Organisation")
    assert {str(x) for x in graph.objects(eco, SKOS.altLabel)} == {"ECCO", "European CanCer Organisation"}
    assert {str(x) for x in graph.objects(O["ibta"], SKOS.altLabel)} == {"IBTA", "International Brain Tumor Alliance"}
    assert len(set(graph.subjects(SKOS.prefLabel, Literal("European Cancer Organisation")))) == 1


def test_misspellings_and_page_noise_are_not_data(graph):
    # curators' notes (skos:note) may describe the noise; names, descriptions and other values may not contain it
    texts = [str(o).lower() for _, p, o in graph if isinstance(o, Literal) and p != SKOS.note]
    for word in ("careers", "mcmillan", "cookie", "browser", "chrome"):
        assert not [t for t in texts if word in t], word
    assert graph.value(O["macmillan"], SKOS.prefLabel) == Literal("Macmillan Cancer Support")


def test_listings_by_page_and_section(graph):
    q = """SELECT ?label (COUNT(?l) AS ?n) WHERE { ?l a onco:Listing ; onco:inSection ?s . ?s skos:prefLabel ?label }
           GROUP BY ?label"""
    counts = {str(r.label): int(r.n) for r in graph.query(q)}
    assert counts == {"Partners": 30, "International Organisations": 7, "European Organisations": 10, "Other Organisations": 13}
    participants = set(graph.subjects(ONCO.participatesIn, O["rare-cancers-europe"]))
    assert len(participants) == 30 and O["esmo"] in participants and ID["resource"]["orphanet"] in participants


def test_partnership_start_is_derived_with_its_reason(graph):
    p = R["esmo-who-partnership"]
    assert graph.value(p, SCHEMA.startDate) == Literal("2013", datatype=XSD.gYear)
    assert graph.value(p, ONCO.startDateStatus) == ONCO.Derived
    assert "2023" in str(graph.value(p, ONCO.startDateDerivation))
    assert graph.value(p, ONCO.periodStart) == Literal("2013-01-01", datatype=XSD.date)


def test_collaboration_plan_period_and_focus_areas(graph):
    plan = R["esmo-who-collaboration-plan-2024-2026"]
    assert set(graph.objects(plan, ONCO.partner)) == {O["esmo"], O["who"]}
    assert graph.value(plan, SCHEMA.startDate) == Literal("2024", datatype=XSD.gYear)
    assert graph.value(plan, ONCO.startDateStatus) == ONCO.Stated
    assert graph.value(plan, ONCO.periodEnd) == Literal("2026-12-31", datatype=XSD.date)
    assert len(set(graph.objects(plan, ONCO.focusArea))) == 3


def test_direct_edges_are_materialised_beside_the_nodes(graph):
    assert (O["iarc"], ORG.subOrganizationOf, O["who"]) in graph
    assert (O["esbb"], ORG.subOrganizationOf, O["isber"]) in graph
    assert (O["eurobonet"], ONCO.mergedInto, O["eurosarc"]) in graph
    assert (O["gethi"], SCHEMA.founder, O["seom"]) in graph
    assert (O["esmo"], ONCO.partnerOf, O["who"]) in graph and (O["who"], ONCO.partnerOf, O["esmo"]) in graph
    assert (ID["person"]["andres-cervantes"], ORG.holds, ID["post"]["esmo-president"]) in graph
    assert (O["spaen"], SCHEMA.foundingDate, Literal("2009-04", datatype=XSD.gYearMonth)) in graph
    assert (O["esmo-patient-advocates-wg"], ORG.unitOf, O["esmo"]) in graph


def test_superclasses_are_materialised(graph):
    assert {ORG.FormalOrganization, ORG.Organization} <= set(graph.objects(O["esmo"], RDF.type))
    assert {ONCO.Merger, ORG.ChangeEvent, ONCO.Relationship} <= set(graph.objects(R["merger/conticanet+eurobonet--eurosarc"], RDF.type))


def test_iris_follow_the_documented_scheme(graph):
    for s in set(graph.subjects()):
        assert isinstance(s, URIRef) and str(s).startswith(BASE), s
        tail = str(s)[len(BASE):]
        assert tail == tail.lower() and " " not in tail, s


def test_origins_point_at_data_file_and_line(built):
    loc = built.origins[O["esso"]]
    assert loc.path.endswith("data/organisations.yaml")
    lines = (ROOT / "data" / "organisations.yaml").read_text().splitlines()
    assert lines[loc.line - 1].strip() == "- id: esso"


def test_build_is_deterministic(built):
    a = sorted(built.graph())
    b = sorted(build(ROOT / "data").graph())
    assert a == b


# --- bad data ---------------------------------------------------------------------------------------------
@pytest.fixture
def data_copy(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(ROOT / "data", d)
    return d


def edit(path: Path, old: str, new: str) -> int:
    """Replace old by new once; return the 1-based line of the change."""
    text = path.read_text()
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1))
    return line


def problems(data_dir) -> list[str]:
    with pytest.raises(DataError) as exc:
        build(data_dir)
    return [f"{loc}: {msg}" for loc, msg in exc.value.problems]


@pytest.mark.parametrize("file,old,new,expected", [
    ("organisations.yaml", "  kinds: [professional-society]\n  disciplines: [surgical-oncology]",
     "  kinds: [profesional-society]\n  disciplines: [surgical-oncology]", "unknown kinds concept 'profesional-society'"),
    ("relationships.yaml", "parent: who, child: iarc", "parent: whoo, child: iarc", "parent 'whoo' is not defined; define it in data/ or fix the id; did you mean who"),
    ("relationships.yaml", "  start: 2024\n  end: 2026", "  start: 2024\n  end: 26th of 2026", "end: '26th of 2026' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
    ("relationships.yaml", "{type: sub-organisation, parent: who, child: iarc, sources: [esmo-useful-links]}",
     "{type: sub-organisation, parent: who, child: iarc}", "no sources"),
    ("relationships.yaml", "{type: sub-organisation, parent: who, child: iarc,", "{type: sub-organisation, parnet: who, child: iarc,", "unknown field 'parnet'"),
    ("relationships.yaml", "type: merger\n  from: [eurobonet, conticanet]", "type: merger\n  from: [eurobonet]", "a merger needs at least 2 'from'"),
    ("organisations.yaml", "- id: esso\n", "- id: esmo\n", "id 'esmo' is already used"),
    ("organisations.yaml", "  member_count: 28", "  member_count: twenty-eight", "member_count must be a whole number"),
    ("relationships.yaml", "role: co-host,", "role: cohost,", "unknown event-roles concept 'cohost'"),
    ("listings.yaml", "section: european", "section: europe", "page 'esmo-useful-links' has no section 'europe'"),
    ("relationships.yaml", "    derived: \"ESMO and WHO celebrated", "    because: \"ESMO and WHO celebrated", "a date given as a mapping needs 'derived"),
])
def test_bad_data_is_reported_with_file_and_line(data_copy, file, old, new, expected):
    line = edit(data_copy / file, old, new)
    found = problems(data_copy)
    hits = [p for p in found if expected in p]
    assert hits, found
    # the message points into the edited file, at the edited entry
    assert any(f"{file}:" in p and abs(int(p.split(f"{file}:")[1].split(":")[0]) - line) <= 3 for p in hits), hits


def test_yaml_syntax_error_names_line_and_column(data_copy):
    line = edit(data_copy / "people.yaml", "  - id: bente-mikkelsen", "  - id: [bente-mikkelsen")
    msg = problems(data_copy)
    # YAML finds an unclosed [ where the next line starts, so the line it names is the edited one or the next
    assert any(m.split("people.yaml:")[1].split(":")[0] in (str(line), str(line + 1)) and "not valid YAML" in m
               for m in msg if "people.yaml:" in m), msg


def test_missing_data_file_is_named(data_copy):
    (data_copy / "listings.yaml").unlink()
    assert any("listings.yaml: missing data file" in m for m in problems(data_copy))


def test_every_problem_is_reported_at_once(data_copy):
    edit(data_copy / "relationships.yaml", "parent: who, child: iarc", "parent: whoo, child: iarc")
    edit(data_copy / "organisations.yaml", "  kinds: [pharmaceutical-company]\n  scopes: [international]\n  description: Global biopharmaceutical",
         "  kinds: [pharma]\n  scopes: [international]\n  description: Global biopharmaceutical")
    assert len(problems(data_copy)) == 2


# --- the CLI on bad data: exit codes, nothing half-written ----------------------------------------------------
def run_cli(*args, cwd=ROOT):
    exe = Path(sys.executable).parent / "oncograph"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd)


def test_malformed_data_exits_2_and_leaves_previous_outputs(data_copy, tmp_path):
    out = tmp_path / "dist"
    assert run_cli("build", "--data", str(data_copy), "--out", str(out), "-q").returncode == 0
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit(data_copy / "relationships.yaml", "parent: who, child: iarc", "parent: whoo, child: iarc")
    edit(data_copy / "organisations.yaml", "- id: esso\n  name: European Society of Surgical Oncology", "- id: esso\n  name: ESSO renamed")
    res = run_cli("build", "--data", str(data_copy), "--out", str(out))
    assert res.returncode == 2
    assert "relationships.yaml:" in res.stderr and "'whoo' is not defined" in res.stderr
    assert "Traceback" not in res.stderr
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_violating_data_exits_1_reports_and_writes_nothing(data_copy, tmp_path):
    edit(data_copy / "relationships.yaml", "  start: 2024\n  end: 2026", "  start: 2024\n  end: 2023")
    out = tmp_path / "dist"
    res = run_cli("build", "--data", str(data_copy), "--out", str(out))
    assert res.returncode == 1
    assert "[end not before start]" in res.stderr
    assert "ESMO–WHO Collaboration Plan 2024–2026" in res.stderr or "esmo-who-collaboration-plan-2024-2026" in res.stderr
    assert "data/relationships.yaml:" in res.stderr or "relationships.yaml:" in res.stderr
    assert not any(out.glob("*.ttl"))
    forced = run_cli("build", "--data", str(data_copy), "--out", str(out), "--force", "-q")
    assert forced.returncode == 0 and (out / "oncograph.ttl").exists()


def test_unwritable_output_is_refused_before_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    res = run_cli("build", "--out", str(blocker / "dist"))
    assert res.returncode == 2
    assert "cannot write to" in res.stderr and "building" not in res.stderr
