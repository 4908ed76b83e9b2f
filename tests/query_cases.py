"""Expected answers of every named query in queries/ on the curated data.

Each answer was worked out by hand from data/*.yaml (and, for the facts, the source texts in ../shared/sources),
not copied from what the query returns. tests/test_queries.py checks them on the embedded graph;
tests/test_query_servers.py runs the same cases on Virtuoso and Oxigraph server and compares.

Terms are written the way ``show()`` renders them: an IRI as its prefixed name (``orgs:esmo``; ``<...>`` outside
oncograph's prefixes, such as a web address), a plain or
language-tagged string as its text, an xsd:integer as an int, any other typed literal as ``"lexical^^xsd:type"``
(so ``"2013^^xsd:gYear"`` checks the date's precision too), unbound as None.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from oncograph.query import prefixed_name


def show(term):
    """A term as the expected answers below write it."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        name = prefixed_name(str(term))
        return name
    if isinstance(term, Literal):
        if term.language or term.datatype in (None, XSD.string):
            return str(term)
        if term.datatype == XSD.integer:
            return int(term)
        return f"{term}^^{prefixed_name(str(term.datatype))}"
    return str(term)


class Has(str):
    """Matches any text containing this text (for long derivation notes whose wording may be polished)."""

    def __eq__(self, other):
        return isinstance(other, str) and str(self) in other

    __hash__ = str.__hash__


@dataclass(frozen=True)
class Rows:
    """The exact rows, in order."""

    rows: list


@dataclass(frozen=True)
class Column:
    """For long answers: the exact values of one column, in order (so also the row count)."""

    name: str
    values: list
    including: list = field(default_factory=list)  # some whole rows that must be among the answer's


@dataclass(frozen=True)
class Triples:
    """A CONSTRUCT answer: exactly these triples (shown as above)."""

    triples: set


@dataclass(frozen=True)
class Case:
    query: str
    params: dict
    expected: object  # Rows, Column, Triples, or a bool for ASK

    @property
    def id(self) -> str:
        return self.query + ("[" + ",".join(f"{k}={v}" for k, v in self.params.items()) + "]" if self.params else "")


def check_answer(result, expected) -> None:
    """Assert that a QueryResult is the expected answer (Rows, Column, Triples, or a bool for ASK)."""
    if isinstance(expected, bool):
        assert result.boolean is expected
    elif isinstance(expected, Triples):
        assert {tuple(show(t) for t in triple) for triple in result.graph} == expected.triples
    elif isinstance(expected, Rows):
        assert [tuple(show(t) for t in row) for row in result.rows] == expected.rows
    elif isinstance(expected, Column):
        got = [tuple(show(t) for t in row) for row in result.rows]
        i = result.columns.index(expected.name)
        assert [row[i] for row in got] == expected.values
        for row in expected.including:
            assert row in got, f"{row} not among the rows"
    else:  # pragma: no cover - a mistake in this file
        raise AssertionError(f"unknown expectation {expected!r}")


RENEWAL = "src:esmo-who-renewal-2024"
RENEWAL_TITLE = "ESMO's special status as non-State actor in official relations with WHO has been renewed"
RENEWAL_URL = ("<https://www.esmo.org/newsroom/esmo-society-updates/"
               "esmo-s-special-status-as-non-state-actor-in-official-relations-with-who-has-been-renewed>")
USEFUL = "src:esmo-useful-links"
USEFUL_TITLE = "ESMO – Useful Links to Patient Support Websites"
RCE = "src:rce-partners"
RCE_TITLE = "Rare Cancers Europe – cooperating organisations / partners of the campaign"
ECO = "src:eco-topic-networks"
ECO_TITLE = "European Cancer Organisation – Focused Topic Networks; mission, vision and values"
ACTIVITIES = "src:esmo-patient-activities"
ACTIVITIES_TITLE = ("ESMO – patient activities (Patient Advocacy Track, Guides for Patients, working groups,"
                    " Advocacy in Action Forums)")
PLAN = "rel:esmo-who-collaboration-plan-2024-2026"
PARTNERSHIP = "rel:esmo-who-partnership"
STATUS = "rel:who-esmo-official-relations"
CEREMONY = "event:esmo-who-signature-ceremony-2023"
CEREMONY_NAME = "ESMO–WHO signature ceremony at ESMO Congress 2023"
CEREMONY_PARTICIPANTS = ("bente-mikkelsen", "esmo", "esmo-president", "who")  # people, a post, organisations
CEREMONY_ROLES = [f"rel:event-role/{who}--esmo-who-signature-ceremony-2023--participant"
                  for who in CEREMONY_PARTICIPANTS]
FORUMS = "event:advocacy-in-action-forums"
ESMO = "European Society for Medical Oncology"
WHO = "World Health Organization"

# The 30 cooperating partners on the Rare Cancers Europe page (data/listings.yaml, rce-partners), by name as
# SPARQL orders strings (code point: capitals before small letters).
RCE_PARTNERS = [
    ("orgs:ecl", "Association of European Cancer Leagues"),
    ("orgs:bristol-myers-squibb", "Bristol-Myers Squibb"),
    ("orgs:cml-advocates-network", "CML Advocates Network"),
    ("orgs:cancer52", "Cancer 52"),
    ("orgs:chordoma-foundation", "Chordoma Foundation"),
    ("orgs:cml-support-group", "Chronic Myeloid Leukaemia Support Group"),
    ("orgs:ecpc", "European Cancer Patient Coalition"),
    ("orgs:ieo", "European Institute of Oncology"),
    ("orgs:eons", "European Oncology Nursing Society"),
    ("orgs:eurordis", "European Organisation for Rare Diseases"),
    ("orgs:eortc", "European Organisation for Research and Treatment of Cancer"),
    ("orgs:eso", "European School of Oncology"),
    ("orgs:esmo", ESMO),
    ("orgs:siop-europe", "European Society for Paediatric Oncology"),
    ("orgs:esp", "European Society of Pathology"),
    ("orgs:esso", "European Society of Surgical Oncology"),
    ("orgs:esbb", "European, Middle Eastern and African Society for Biopreservation and Biobanking"),
    ("orgs:fondazione-irccs-int", "Fondazione IRCCS Istituto Nazionale dei Tumori"),
    ("orgs:gist-support-uk", "GIST Support UK & PAWS-GIST"),
    ("orgs:gethi", "Grupo Español de Tumores Huérfanos e Infrecuentes"),
    ("orgs:ibta", "International Brain Tumour Alliance"),
    ("orgs:ikcc", "International Kidney Cancer Coalition"),
    ("orgs:novartis-oncology", "Novartis Oncology"),
    ("res:orphanet", "Orphanet"),
    ("orgs:pfizer-oncology", "Pfizer Oncology"),
    ("orgs:rarer-cancers-foundation", "Rarer Cancers Foundation"),
    ("orgs:spaen", "Sarcoma Patients EuroNet Association"),
    ("orgs:world-sarcoma-network", "World Sarcoma Network"),
    ("res:ecancer", "ecancer"),
    ("orgs:eurosarc", "euroSARC"),
]

CASES: list[Case] = [
    # --- organisations by kind, disease area, scope --------------------------------------------------------------
    Case("organisations-by-kind", {}, Column("org", [  # patient organisation + advocacy groups + support groups
        "orgs:cml-advocates-network", "orgs:cml-support-group", "orgs:europa-donna", "orgs:europa-uomo",
        "orgs:europacolon", "orgs:ecpc", "orgs:european-myeloma-platform", "orgs:eurordis", "orgs:gist-support-uk",
        "orgs:gcca", "orgs:glcc", "orgs:heralopecia", "orgs:ibta", "orgs:ikcc", "orgs:livestrong", "orgs:macmillan",
        "orgs:myeloma-euronet", "orgs:myeloma-patients-europe", "orgs:rarer-cancers-foundation", "orgs:spaen",
        "orgs:vital-options", "orgs:walce"])),
    Case("organisations-by-kind", {"kind": "kind:research-organisation"}, Rows([  # + research networks, institutes
        ("orgs:conticanet", "ConTiCaNET"),
        ("orgs:eurobonet", "EuroBoNet"),
        ("orgs:ieo", "European Institute of Oncology"),
        ("orgs:eortc", "European Organisation for Research and Treatment of Cancer"),
        ("orgs:fondazione-irccs-int", "Fondazione IRCCS Istituto Nazionale dei Tumori"),
        ("orgs:gethi", "Grupo Español de Tumores Huérfanos e Infrecuentes"),
        ("orgs:iarc", "International Agency for Research on Cancer"),
        ("orgs:world-sarcoma-network", "World Sarcoma Network"),
        ("orgs:eurosarc", "euroSARC"),
    ])),
    Case("organisations-by-kind", {"kind": "https://w3id.org/oncograph/id/kinds/charity"}, Column("org", [
        "orgs:anticancer-fund", "orgs:chordoma-foundation", "orgs:gist-support-uk", "orgs:lynns-bowel-cancer-campaign",
        "orgs:macmillan", "orgs:pancreatic-cancer-uk", "orgs:rarer-cancers-foundation", "orgs:roy-castle"])),
    Case("organisations-by-disease-area", {}, Rows([  # sarcoma and everything under it
        ("orgs:chordoma-foundation", "Chordoma Foundation"),
        ("orgs:conticanet", "ConTiCaNET"),
        ("orgs:eurobonet", "EuroBoNet"),
        ("orgs:gist-support-uk", "GIST Support UK & PAWS-GIST"),
        ("orgs:spaen", "Sarcoma Patients EuroNet Association"),
        ("orgs:world-sarcoma-network", "World Sarcoma Network"),
        ("orgs:eurosarc", "euroSARC"),
    ])),
    Case("organisations-by-disease-area", {"disease": "disease:lung-cancer"}, Rows([
        ("orgs:glcc", "Global Lung Cancer Coalition"),
        ("orgs:roy-castle", "Roy Castle Lung Cancer Foundation"),
        ("orgs:walce", "Women Against Lung Cancer Europe"),
    ])),
    Case("organisations-by-disease-area", {"disease": "disease:rare-cancers"}, Column("org", [  # 3 levels down
        "orgs:cancer52", "orgs:chordoma-foundation", "orgs:conticanet", "orgs:eurobonet", "orgs:gist-support-uk",
        "orgs:gethi", "res:mesothelioma-guide", "orgs:rare-cancers-europe", "orgs:rarer-cancers-foundation",
        "orgs:spaen", "orgs:world-sarcoma-network", "orgs:eurosarc"])),
    Case("organisations-by-scope", {}, Rows([
        ("orgs:cancer52", "Cancer 52"),
        ("res:cancerhelp-uk", "CancerHelp UK"),
        ("orgs:gist-support-uk", "GIST Support UK & PAWS-GIST"),
        ("orgs:macmillan", "Macmillan Cancer Support"),
        ("orgs:pancreatic-cancer-uk", "Pancreatic Cancer UK"),
        ("orgs:rarer-cancers-foundation", "Rarer Cancers Foundation"),
    ])),
    Case("organisations-by-scope", {"scope": "scope:europe"}, Column("org", [  # Europe 24 + UK 6 + Spain 2
        "orgs:ecl", "orgs:cancer52", "res:cancerhelp-uk", "orgs:conticanet", "orgs:eurobonet", "orgs:europa-donna",
        "orgs:europa-uomo", "orgs:europacolon", "orgs:european-cancer-organisation", "orgs:ecpc", "orgs:ecca",
        "orgs:european-myeloma-platform", "orgs:eons", "orgs:eurordis", "orgs:eortc", "orgs:eso", "orgs:esmo",
        "orgs:siop-europe", "orgs:esp", "orgs:esso", "orgs:gist-support-uk", "orgs:gethi", "orgs:macmillan",
        "orgs:myeloma-euronet", "orgs:myeloma-patients-europe", "orgs:pancreatic-cancer-uk",
        "orgs:rare-cancers-europe", "orgs:rarer-cancers-foundation", "orgs:spaen", "orgs:seom", "orgs:walce",
        "orgs:eurosarc"])),
    Case("organisations-per-kind", {}, Rows([
        ("kind:patient-advocacy-group", "patient advocacy group", 14),
        ("kind:umbrella-organisation", "umbrella organisation", 14),
        ("kind:information-resource", "information resource", 11),
        ("kind:professional-society", "professional society", 9),
        ("kind:patient-support-group", "patient support group", 6),
        ("kind:charity", "charity", 5),
        ("kind:research-network", "research network", 5),
        ("kind:foundation", "foundation", 3),
        ("kind:pharmaceutical-company", "pharmaceutical company", 3),
        ("kind:cancer-institute", "cancer institute", 2),
        ("kind:department", "department or division", 2),
        ("kind:intergovernmental-organisation", "intergovernmental organisation", 2),
        ("kind:member-collective", "members collectively", 2),
        ("kind:patient-organisation", "patient organisation", 2),
        ("kind:research-organisation", "research organisation", 2),
        ("kind:working-group", "working group", 2),
        ("kind:campaign", "campaign", 1),
        ("kind:committee", "committee", 1),
        ("kind:education-provider", "education provider", 1),
        ("kind:unspecified", "kind not stated", 1),
        ("kind:regional-chapter", "regional chapter", 1),
        ("kind:topic-network", "topic network", 1),
    ])),
    # --- names and classification ----------------------------------------------------------------------------
    Case("find-organisation", {}, Rows([  # ECCO: the acronym of one body, and part of another's other name
        ("orgs:european-cancer-organisation", "European Cancer Organisation", "ECCO"),
        ("orgs:eco-patient-advisory-committee", "European Cancer Organisation Patient Advisory Committee",
         "ECCO Patient Advisory Committee"),
    ])),
    Case("find-organisation", {"text": "myeloma"}, Rows([
        ("orgs:european-myeloma-platform", "European Myeloma Platform", "European Myeloma Platform"),
        ("orgs:myeloma-euronet", "Myeloma Euronet", "Myeloma Euronet"),
        ("orgs:myeloma-patients-europe", "Myeloma Patients Europe", "Myeloma Patients Europe"),
    ])),
    Case("find-organisation", {"text": "tumor"}, Rows([  # any part of a name: Tumori, Tumores, Tumors, Tumor
        ("orgs:fondazione-irccs-int", "Fondazione IRCCS Istituto Nazionale dei Tumori",
         "Fondazione IRCCS Istituto Nazionale dei Tumori"),
        ("orgs:gethi", "Grupo Español de Tumores Huérfanos e Infrecuentes",
         "Grupo Español de Tumores Huérfanos e Infrecuentes"),
        ("orgs:gethi", "Grupo Español de Tumores Huérfanos e Infrecuentes",
         "Spanish Group for Research on Orphan and Uncommon Tumors"),
        ("orgs:ibta", "International Brain Tumour Alliance", "International Brain Tumor Alliance"),  # US spelling
    ])),
    Case("find-organisation", {"text": 'x" } } ; DROP ALL ; #'}, Rows([])),  # an injection attempt: just text
    Case("organisation-names", {}, Rows([
        ("European Cancer Organisation", "preferred"),
        ("ECCO", "other"),
        ("European CanCer Organisation", "other"),
    ])),
    Case("organisation-names", {"org": "orgs:ibta"}, Rows([
        ("International Brain Tumour Alliance", "preferred"),
        ("IBTA", "other"),
        ("International Brain Tumor Alliance", "other"),
    ])),
    Case("organisation-profile", {}, Rows([
        ("discipline", "discipline:medical-oncology", "medical oncology"),
        ("disease area", "disease:cancer", "cancer in general"),
        ("kind", "kind:professional-society", "professional society"),
        ("scope", "scope:europe", "Europe"),
    ])),
    Case("organisation-profile", {"org": "orgs:spaen"}, Rows([
        ("disease area", "disease:desmoid-tumour", "desmoid tumour"),
        ("disease area", "disease:gist", "gastro-intestinal stromal tumour (GIST)"),
        ("disease area", "disease:sarcoma", "sarcoma"),
        ("kind", "kind:patient-advocacy-group", "patient advocacy group"),
        ("kind", "kind:umbrella-organisation", "umbrella organisation"),
        ("scope", "scope:europe", "Europe"),
    ])),
    Case("member-counts", {}, Rows([("orgs:glcc", "Global Lung Cancer Coalition", 28)])),
    # --- members, partners, parts --------------------------------------------------------------------------
    Case("members-of", {}, Rows([
        ("orgs:eco-member-societies", "European Cancer Organisation Member Societies", "memberrole:member-society", ECO),
        ("orgs:eco-patient-advocacy-groups", "European Cancer Organisation Patient Advocacy Groups",
         "memberrole:patient-advocacy-group-member", ECO),
    ])),
    Case("members-of", {"org": "orgs:esmo"}, Rows([])),
    Case("partners-of", {}, Rows([
        ("orgs:who", WHO, PLAN, "onco:CollaborationPlan", "2024^^xsd:gYear", "2026^^xsd:gYear"),
        ("orgs:who", WHO, PARTNERSHIP, "onco:Partnership", "2013^^xsd:gYear", None),
    ])),
    Case("partners-of", {"org": "orgs:who"}, Rows([
        ("orgs:esmo", ESMO, PLAN, "onco:CollaborationPlan", "2024^^xsd:gYear", "2026^^xsd:gYear"),
        ("orgs:esmo", ESMO, PARTNERSHIP, "onco:Partnership", "2013^^xsd:gYear", None),
    ])),
    Case("campaign-partners", {}, Rows([(iri, name, "campaignrole:partner", RCE) for iri, name in RCE_PARTNERS])),
    Case("sub-organisations", {}, Rows([
        ("orgs:iarc", "International Agency for Research on Cancer", "orgs:who", WHO),
        ("orgs:who-uhc-division", "WHO Division for Universal Health Coverage", "orgs:who", WHO),
        ("orgs:who-ncd-department", "WHO Non-Communicable Diseases Department", "orgs:who-uhc-division",
         "WHO Division for Universal Health Coverage"),
    ])),
    Case("sub-organisations", {"org": "orgs:european-cancer-organisation"}, Rows([
        ("orgs:eco-focused-topic-networks", "European Cancer Organisation Focused Topic Networks",
         "orgs:european-cancer-organisation", "European Cancer Organisation"),
        ("orgs:eco-patient-advisory-committee", "European Cancer Organisation Patient Advisory Committee",
         "orgs:european-cancer-organisation", "European Cancer Organisation"),
    ])),
    Case("parent-organisations", {}, Rows([
        ("orgs:who-uhc-division", "WHO Division for Universal Health Coverage", "direct"),
        ("orgs:who", WHO, "indirect"),
    ])),
    Case("parent-organisations", {"org": "orgs:esbb"}, Rows([
        ("orgs:isber", "International Society for Biological and Environmental Repositories", "direct"),
    ])),
    Case("parent-organisations", {"org": "orgs:esmo"}, Rows([])),
    Case("is-part-of", {}, True),
    Case("is-part-of", {"org": "orgs:iarc", "parent": "orgs:who"}, True),
    Case("is-part-of", {"org": "orgs:esbb", "parent": "orgs:who"}, False),
    Case("is-part-of", {"org": "orgs:who", "parent": "orgs:who-ncd-department"}, False),
    Case("regional-chapters", {}, Rows([
        ("orgs:esbb", "European, Middle Eastern and African Society for Biopreservation and Biobanking",
         "orgs:isber", "International Society for Biological and Environmental Repositories", "scope:emea"),
    ])),
    Case("resource-publishers", {}, Rows([
        ("res:cancer-net", "Cancer.Net", "orgs:asco", "American Society of Clinical Oncology"),
        ("res:cancerhelp-uk", "CancerHelp UK", "orgs:cancer-research-uk", "Cancer Research UK"),
        ("res:esmo-guides-for-patients", "ESMO Guides for Patients", "orgs:esmo", ESMO),
        ("res:esmo-personalised-medicine-guide", "ESMO patient guide to personalised medicine", "orgs:esmo", ESMO),
    ])),
    # --- mergers and founding ------------------------------------------------------------------------------
    Case("mergers", {}, Rows([
        ("rel:merger/european-myeloma-platform+myeloma-euronet--myeloma-patients-europe",
         "orgs:myeloma-patients-europe", "Myeloma Patients Europe",
         "orgs:european-myeloma-platform", "European Myeloma Platform", USEFUL),
        ("rel:merger/european-myeloma-platform+myeloma-euronet--myeloma-patients-europe",
         "orgs:myeloma-patients-europe", "Myeloma Patients Europe", "orgs:myeloma-euronet", "Myeloma Euronet", USEFUL),
        ("rel:merger/conticanet+eurobonet--eurosarc", "orgs:eurosarc", "euroSARC", "orgs:conticanet", "ConTiCaNET", RCE),
        ("rel:merger/conticanet+eurobonet--eurosarc", "orgs:eurosarc", "euroSARC", "orgs:eurobonet", "EuroBoNet", RCE),
    ])),
    Case("formed-from", {}, Rows([
        ("orgs:european-myeloma-platform", "European Myeloma Platform",
         "rel:merger/european-myeloma-platform+myeloma-euronet--myeloma-patients-europe"),
        ("orgs:myeloma-euronet", "Myeloma Euronet",
         "rel:merger/european-myeloma-platform+myeloma-euronet--myeloma-patients-europe"),
    ])),
    Case("formed-from", {"org": "orgs:eurosarc"}, Rows([
        ("orgs:conticanet", "ConTiCaNET", "rel:merger/conticanet+eurobonet--eurosarc"),
        ("orgs:eurobonet", "EuroBoNet", "rel:merger/conticanet+eurobonet--eurosarc"),
    ])),
    Case("founders", {}, Rows([("orgs:seom", "Spanish Society for Medical Oncology", None, None, RCE)])),
    Case("founders", {"org": "orgs:lynns-bowel-cancer-campaign"}, Rows([
        ("person:lynn-faulds-wood", "Lynn Faulds Wood", None, None, USEFUL)])),
    Case("founders", {"org": "orgs:glcc"}, Rows([(None, None, "2001^^xsd:gYear", "onco:Stated", USEFUL)])),
    Case("founders", {"org": "orgs:eco-focused-topic-networks"}, Rows([
        ("orgs:european-cancer-organisation", "European Cancer Organisation", None, None, ECO)])),
    Case("founding-dates", {}, Rows([
        ("orgs:glcc", "Global Lung Cancer Coalition", "2001^^xsd:gYear", "2001-01-01^^xsd:date", "onco:Stated"),
        ("orgs:walce", "Women Against Lung Cancer Europe", "2006^^xsd:gYear", "2006-01-01^^xsd:date", "onco:Stated"),
        ("orgs:spaen", "Sarcoma Patients EuroNet Association", "2009-04^^xsd:gYearMonth", "2009-04-01^^xsd:date",
         "onco:Stated"),
    ])),
    Case("founded-between", {}, Rows([
        ("orgs:glcc", "Global Lung Cancer Coalition", "2001^^xsd:gYear"),
        ("orgs:walce", "Women Against Lung Cancer Europe", "2006^^xsd:gYear"),
        ("orgs:spaen", "Sarcoma Patients EuroNet Association", "2009-04^^xsd:gYearMonth"),
    ])),
    Case("founded-between", {"from": "2005", "to": "2009"}, Column("org", ["orgs:walce", "orgs:spaen"])),
    Case("founded-between", {"from": "2010", "to": "2024"}, Rows([])),
    # --- dates and periods ----------------------------------------------------------------------------------
    Case("relationships-as-of", {}, Rows([
        (PLAN, "onco:CollaborationPlan", "2024^^xsd:gYear", "2026^^xsd:gYear"),
        ("rel:establishment/glcc", "onco:Establishment", "2001^^xsd:gYear", None),
        ("rel:establishment/spaen", "onco:Establishment", "2009-04^^xsd:gYearMonth", None),
        ("rel:establishment/walce", "onco:Establishment", "2006^^xsd:gYear", None),
        # not the four parts played in the signature ceremony: they have no dates of their own, and the
        # ceremony's (October 2023, start stated, end derived) are long past
        (PARTNERSHIP, "onco:Partnership", "2013^^xsd:gYear", None),
    ])),
    Case("relationships-as-of", {"date": "2023-10-31"}, Rows([  # the ceremony's last possible day
        ("rel:establishment/glcc", "onco:Establishment", "2001^^xsd:gYear", None),
        ("rel:establishment/spaen", "onco:Establishment", "2009-04^^xsd:gYearMonth", None),
        ("rel:establishment/walce", "onco:Establishment", "2006^^xsd:gYear", None),
        # the ceremony's dates date its four parts
        *[(f"rel:event-role/{who}--esmo-who-signature-ceremony-2023--participant", "onco:EventRole",
           "2023-10^^xsd:gYearMonth", "2023-10^^xsd:gYearMonth") for who in CEREMONY_PARTICIPANTS],
        (PARTNERSHIP, "onco:Partnership", "2013^^xsd:gYear", None),
    ])),
    Case("relationships-as-of", {"date": "2023-11-01"}, Column("relationship", [  # the day after
        "rel:establishment/glcc", "rel:establishment/spaen", "rel:establishment/walce", PARTNERSHIP])),
    Case("relationships-as-of", {"date": "2023-09-30"}, Column("relationship", [  # the day before the ceremony
        "rel:establishment/glcc", "rel:establishment/spaen", "rel:establishment/walce", PARTNERSHIP])),
    Case("relationships-as-of", {"date": "2023-10-01"}, Column("relationship", [  # the first day it can mean
        "rel:establishment/glcc", "rel:establishment/spaen", "rel:establishment/walce", *CEREMONY_ROLES,
        PARTNERSHIP])),
    Case("relationships-as-of", {"date": "2010-01-01"}, Column("relationship", [
        "rel:establishment/glcc", "rel:establishment/spaen", "rel:establishment/walce"])),
    Case("relationships-as-of", {"date": "2009-03-31"}, Column("relationship", [  # SPAEN: April 2009
        "rel:establishment/glcc", "rel:establishment/walce"])),
    Case("relationships-as-of", {"date": "2026-12-31"}, Column("relationship", [  # the plan's last day
        PLAN, "rel:establishment/glcc", "rel:establishment/spaen", "rel:establishment/walce", PARTNERSHIP])),
    Case("relationships-as-of", {"date": "2027-01-01"}, Column("relationship", [
        "rel:establishment/glcc", "rel:establishment/spaen", "rel:establishment/walce", PARTNERSHIP])),
    Case("organisation-relationships-as-of", {}, Rows([  # ESMO on 1 January 2020: not yet the 2024 plan
        ("rel:campaign-participation/rare-cancers-europe--esmo--partner", "onco:CampaignParticipation",
         "orgs:rare-cancers-europe", "Rare Cancers Europe"),
        ("rel:event-role/esmo--advocacy-in-action-forums--co-host", "onco:EventRole", FORUMS,
         "European Advocacy in Action Forums"),
        ("rel:event-role/esmo--esmo-patient-advocacy-track--organiser", "onco:EventRole",
         "event:esmo-patient-advocacy-track", "ESMO Patient Advocacy Track"),
        # not the 2023 signature ceremony: that role takes the ceremony's date
        ("rel:listing/rce-partners--partners--esmo", "onco:Listing", RCE, RCE_TITLE),
        (STATUS, "onco:OfficialStatus", "orgs:who", WHO),
        (PARTNERSHIP, "onco:Partnership", "orgs:who", WHO),
        ("rel:publishes/esmo--esmo-guides-for-patients", "onco:ResourcePublication", "res:esmo-guides-for-patients",
         "ESMO Guides for Patients"),
        ("rel:publishes/esmo--esmo-personalised-medicine-guide", "onco:ResourcePublication",
         "res:esmo-personalised-medicine-guide", "ESMO patient guide to personalised medicine"),
        ("rel:sub-organisation/esmo--esmo-cancer-patient-wg", "onco:SubOrganisation", "orgs:esmo-cancer-patient-wg",
         "ESMO Cancer Patient Working Group"),
        ("rel:sub-organisation/esmo--esmo-patient-advocates-wg", "onco:SubOrganisation",
         "orgs:esmo-patient-advocates-wg", "ESMO Patient Advocates Working Group"),
    ])),
    Case("organisation-relationships-as-of", {"org": "orgs:who", "date": "2025-01-01"}, Column("relationship", [
        PLAN,  # in force in 2025; the 2023 signature ceremony is not (it took place in October 2023)
        STATUS, PARTNERSHIP,
        "rel:sub-organisation/who--iarc", "rel:sub-organisation/who--who-uhc-division"])),
    Case("relationship-changes", {}, Rows([
        ("2024-01-01^^xsd:date", "started", PLAN, "onco:CollaborationPlan", "2024^^xsd:gYear"),
        ("2024-02-05^^xsd:date", "renewed", "rel:who-esmo-official-relations-renewal-2024", "onco:StatusRenewal",
         "2024-02-05^^xsd:date"),
        ("2026-12-31^^xsd:date", "ended", PLAN, "onco:CollaborationPlan", "2026^^xsd:gYear"),
    ])),
    Case("relationship-changes", {"from": "2013-01-01", "to": "2013-12-31"}, Rows([
        ("2013-01-01^^xsd:date", "started", PARTNERSHIP, "onco:Partnership", "2013^^xsd:gYear")])),
    Case("relationship-changes", {"from": "2027-01-01", "to": "2030-12-31"}, Rows([])),
    # --- people ---------------------------------------------------------------------------------------------
    Case("people-in-posts", {}, Rows([
        ("person:andres-cervantes", "Andrés Cervantes", "post:esmo-president", "ESMO President", "orgs:esmo", ESMO,
         RENEWAL),
        ("person:bente-mikkelsen", "Bente Mikkelsen", "post:who-ncd-director",
         "Director of the WHO Non-Communicable Diseases Department", "orgs:who-ncd-department",
         "WHO Non-Communicable Diseases Department", RENEWAL),
    ])),
    Case("person-roles", {}, Rows([
        ("holds post", "post:who-ncd-director", "Director of the WHO Non-Communicable Diseases Department", None),
        ("participant", CEREMONY, CEREMONY_NAME, None),
    ])),
    Case("person-roles", {"person": "person:andres-cervantes"}, Rows([  # at the ceremony as ESMO President
        ("holds post", "post:esmo-president", "ESMO President", None),
        ("participant", CEREMONY, CEREMONY_NAME, "post:esmo-president"),
    ])),
    Case("person-roles", {"person": "person:lynn-faulds-wood"}, Rows([
        ("founded", "orgs:lynns-bowel-cancer-campaign", "Lynn's Bowel Cancer Campaign", None)])),
    Case("posts-in-organisation", {}, Rows([  # two levels below WHO
        ("post:who-ncd-director", "Director of the WHO Non-Communicable Diseases Department", "orgs:who-ncd-department",
         "WHO Non-Communicable Diseases Department", "person:bente-mikkelsen", "Bente Mikkelsen"),
    ])),
    Case("posts-in-organisation", {"org": "orgs:esmo"}, Rows([
        ("post:esmo-president", "ESMO President", "orgs:esmo", ESMO, "person:andres-cervantes", "Andrés Cervantes")])),
    Case("posts-in-organisation", {"org": "orgs:iarc"}, Rows([])),
    # --- events ---------------------------------------------------------------------------------------------
    Case("event-roles", {}, Rows([
        ("orgs:esmo-cancer-patient-wg", "ESMO Cancer Patient Working Group", "eventrole:co-organiser", "co-organiser",
         ACTIVITIES),
        ("orgs:eco-patient-advisory-committee", "European Cancer Organisation Patient Advisory Committee",
         "eventrole:collaborator", "collaborator", ACTIVITIES),
        ("orgs:esmo", ESMO, "eventrole:co-host", "co-host", ACTIVITIES),
        ("orgs:vital-options", "Vital Options International", "eventrole:co-organiser", "co-organiser", ACTIVITIES),
        ("orgs:vital-options", "Vital Options International", "eventrole:producer", "producer", ACTIVITIES),
    ])),
    Case("event-roles", {"event": CEREMONY}, Column("agent", [
        "person:bente-mikkelsen", "post:esmo-president", "orgs:esmo", "orgs:who"])),
    Case("events-of-organisation", {}, Rows([
        ("event:esmo-patient-advocacy-track", "ESMO Patient Advocacy Track", "organiser", None),
        (CEREMONY, CEREMONY_NAME, "participant", "2023-10^^xsd:gYearMonth"),
        (FORUMS, "European Advocacy in Action Forums", "co-host", None),
    ])),
    Case("events-of-organisation", {"org": "orgs:vital-options"}, Rows([
        (FORUMS, "European Advocacy in Action Forums", "co-organiser", None),
        (FORUMS, "European Advocacy in Action Forums", "producer", None),
    ])),
    Case("event-organisers", {}, Rows([
        ("event:esmo-patient-advocacy-track", "ESMO Patient Advocacy Track", "orgs:esmo", ESMO, "organiser"),
        (FORUMS, "European Advocacy in Action Forums", "orgs:esmo-cancer-patient-wg",
         "ESMO Cancer Patient Working Group", "co-organiser"),
        (FORUMS, "European Advocacy in Action Forums", "orgs:esmo", ESMO, "co-host"),
        (FORUMS, "European Advocacy in Action Forums", "orgs:vital-options", "Vital Options International",
         "co-organiser"),
        ("event:european-cancer-summit", "European Cancer Summit", "orgs:european-cancer-organisation",
         "European Cancer Organisation", "organiser"),
    ])),
    Case("sub-events", {}, Rows([
        ("event:esmo-congress-2023", "ESMO Congress 2023", "event:esmo-congress", "2023-10^^xsd:gYearMonth"),
        ("event:esmo-patient-advocacy-track", "ESMO Patient Advocacy Track", "event:esmo-congress", None),
        (CEREMONY, CEREMONY_NAME, "event:esmo-congress-2023", "2023-10^^xsd:gYearMonth"),
        (FORUMS, "European Advocacy in Action Forums", "event:esmo-congress", None),
    ])),
    # --- paths between organisations ------------------------------------------------------------------------
    Case("paths-between", {}, Rows([  # ESMO to IARC: through WHO, and through the 2023 ceremony and WHO
        (2, PLAN, "orgs:who", "rel:sub-organisation/who--iarc", None, None),
        (2, PARTNERSHIP, "orgs:who", "rel:sub-organisation/who--iarc", None, None),
        (2, STATUS, "orgs:who", "rel:sub-organisation/who--iarc", None, None),
        (3, "rel:event-role/esmo--esmo-who-signature-ceremony-2023--participant", CEREMONY,
         "rel:event-role/who--esmo-who-signature-ceremony-2023--participant", "orgs:who",
         "rel:sub-organisation/who--iarc"),
    ])),
    Case("paths-between", {"max_hops": "2"}, Column("hops", [2, 2, 2])),
    Case("paths-between", {"from": "orgs:eurobonet", "to": "orgs:conticanet", "max_hops": "1"}, Rows([
        (1, "rel:merger/conticanet+eurobonet--eurosarc", None, None, None, None)])),
    Case("paths-between", {"from": "orgs:ibta", "to": "orgs:spaen", "max_hops": "2"}, Rows([  # not via the page
        (2, "rel:campaign-participation/rare-cancers-europe--ibta--partner", "orgs:rare-cancers-europe",
         "rel:campaign-participation/rare-cancers-europe--spaen--partner", None, None)])),
    Case("reachable-organisations", {}, Rows([
        ("orgs:european-myeloma-platform", "European Myeloma Platform"),
        ("orgs:myeloma-euronet", "Myeloma Euronet"),
    ])),
    Case("reachable-organisations", {"org": "orgs:asco"}, Rows([("res:cancer-net", "Cancer.Net")])),
    Case("reachable-organisations", {"org": "orgs:lynns-bowel-cancer-campaign"}, Rows([
        ("person:lynn-faulds-wood", "Lynn Faulds Wood")])),
    Case("neighbourhood", {}, Triples({
        ("orgs:iarc", "org:subOrganizationOf", "orgs:who"),
        ("orgs:iarc", "onco:listedOn", USEFUL),
        ("orgs:iarc", "skos:prefLabel", "International Agency for Research on Cancer"),
        ("orgs:who", "skos:prefLabel", WHO),
        (USEFUL, "skos:prefLabel", USEFUL_TITLE),
    })),
    Case("co-listed", {}, Rows([
        (USEFUL, USEFUL_TITLE, "src:esmo-useful-links/european", "src:esmo-useful-links/european"),
        (RCE, RCE_TITLE, "src:rce-partners/partners", "src:rce-partners/partners"),
    ])),
    Case("co-listed", {"a": "orgs:ibta", "b": "orgs:iarc"}, Rows([
        (USEFUL, USEFUL_TITLE, "src:esmo-useful-links/international", "src:esmo-useful-links/international")])),
    Case("co-listed", {"a": "orgs:esmo", "b": "orgs:iarc"}, Rows([])),
    # --- provenance -----------------------------------------------------------------------------------------
    Case("sources-of-relationship", {}, Rows([(RENEWAL, RENEWAL_TITLE, "orgs:esmo", "2024-02-05^^xsd:date",
                                                RENEWAL_URL)])),
    Case("sources-of-relationship",
         {"relationship": "rel:sub-organisation/european-cancer-organisation--eco-patient-advisory-committee"}, Rows([
             (ECO, ECO_TITLE, "orgs:european-cancer-organisation", None, "<https://europeancancer.org/topic-networks.html>"),
             (ACTIVITIES, ACTIVITIES_TITLE, "orgs:esmo", None, None),
         ])),
    Case("relationships-between", {}, Rows([
        (PLAN, "onco:CollaborationPlan", RENEWAL, RENEWAL_TITLE),
        (STATUS, "onco:OfficialStatus", RENEWAL, RENEWAL_TITLE),
        (PARTNERSHIP, "onco:Partnership", RENEWAL, RENEWAL_TITLE),
    ])),
    Case("relationships-between", {"a": "orgs:isber", "b": "orgs:esbb"}, Rows([
        ("rel:sub-organisation/isber--esbb", "onco:SubOrganisation", RCE, RCE_TITLE)])),
    Case("relationships-between", {"a": "orgs:esmo", "b": "orgs:iarc"}, Rows([])),
    Case("derived-dates", {}, Rows([
        ("event:esmo-congress-2023", "end", "2023-10^^xsd:gYearMonth", Has("within October 2023"), RENEWAL),
        ("event:esmo-congress-2023", "start", "2023-10^^xsd:gYearMonth", Has("last October"), RENEWAL),
        (CEREMONY, "end", "2023-10^^xsd:gYearMonth", Has("within October 2023"), RENEWAL),
        (CEREMONY, "start", "2023-10^^xsd:gYearMonth", Has("last October"), RENEWAL),
        (PARTNERSHIP, "start", "2013^^xsd:gYear", Has("2023 - 10 = 2013"), RENEWAL),
    ])),
    Case("listings-per-section", {}, Rows([
        ("src:esmo-useful-links/european", "European Organisations", 10),
        ("src:esmo-useful-links/international", "International Organisations", 7),
        ("src:esmo-useful-links/other", "Other Organisations", 13),
    ])),
    Case("listings-per-section", {"page": RCE}, Rows([("src:rce-partners/partners", "Partners", 30)])),
    Case("listed-in-section", {}, Rows([
        ("orgs:cml-advocates-network", "CML Advocates Network", None),
        ("orgs:gcca", "Global Colon Cancer Association", None),
        ("orgs:glcc", "Global Lung Cancer Coalition", None),
        ("orgs:iarc", "International Agency for Research on Cancer", None),
        ("orgs:ibta", "International Brain Tumour Alliance", "Listed under the US spelling International Brain Tumor Alliance."),
        ("orgs:roy-castle", "Roy Castle Lung Cancer Foundation", None),
        ("orgs:vital-options", "Vital Options International", None),
    ])),
    Case("listed-in-section", {"section": "src:esmo-useful-links/european"}, Column("item", [
        "orgs:ecl", "orgs:europa-donna", "orgs:europa-uomo", "orgs:europacolon", "orgs:european-cancer-organisation",
        "orgs:ecpc", "orgs:ecca", "orgs:myeloma-patients-europe", "orgs:spaen", "orgs:walce",
    ], including=[
        ("orgs:european-cancer-organisation", "European Cancer Organisation", Has("European CanCer Organisation (ECCO)")),
    ])),
    Case("listed-in-section", {"section": "src:esmo-useful-links/other"}, Column("item", [
        "orgs:anticancer-fund", "res:acor", "res:cares-initiative", "res:cancer-net",
        "res:cancerhelp-uk", "res:careacross", "orgs:heralopecia", "orgs:livestrong", "orgs:lynns-bowel-cancer-campaign",
        "orgs:macmillan", "res:mesothelioma-guide", "res:oncolink", "orgs:pancreatic-cancer-uk",
    ], including=[
        ("orgs:macmillan", "Macmillan Cancer Support", Has("McMillan")),
        ("orgs:livestrong", "LIVESTRONG", Has("lost its heading")),
    ])),
    Case("listed-on-several-pages", {}, Rows([
        ("orgs:ecl", "Association of European Cancer Leagues", 2),
        ("orgs:cml-advocates-network", "CML Advocates Network", 2),
        ("orgs:ecpc", "European Cancer Patient Coalition", 2),
        ("orgs:ibta", "International Brain Tumour Alliance", 2),
        ("orgs:spaen", "Sarcoma Patients EuroNet Association", 2),
    ])),
    Case("source-documents", {}, Rows([
        (ECO, ECO_TITLE, "orgs:european-cancer-organisation", "European Cancer Organisation", None,
         "<https://europeancancer.org/topic-networks.html>"),
        (ACTIVITIES, ACTIVITIES_TITLE, "orgs:esmo", ESMO, None, None),
        (USEFUL, USEFUL_TITLE, "orgs:esmo", ESMO, None,
         "<http://esmo.org/Patients/Useful-Links-to-Patient-Support-Websites>"),
        (RENEWAL, RENEWAL_TITLE, "orgs:esmo", ESMO, "2024-02-05^^xsd:date", RENEWAL_URL),
        (RCE, RCE_TITLE, "orgs:rare-cancers-europe", "Rare Cancers Europe", None,
         "<https://www.rarecancerseurope.org/About-the-Campaign/Cooperating-Organisations/Partners>"),
    ])),
    Case("relationships-per-source", {}, Rows([
        (RCE, RCE_TITLE, 63),  # 30 listings, 30 campaign partners, ESBB chapter, euroSARC merger, GETHI founding
        (USEFUL, USEFUL_TITLE, 38),  # 30 listings, IARC in WHO, MPE merger, 4 foundings, 2 publishers
        (RENEWAL, RENEWAL_TITLE, 12),
        (ACTIVITIES, ACTIVITIES_TITLE, 11),
        (ECO, ECO_TITLE, 6),
    ])),
    Case("corroborated-relationships", {}, Rows([
        ("rel:sub-organisation/european-cancer-organisation--eco-patient-advisory-committee", ECO),
        ("rel:sub-organisation/european-cancer-organisation--eco-patient-advisory-committee", ACTIVITIES),
    ])),
    Case("entity-sources", {}, Rows([
        (ACTIVITIES, ACTIVITIES_TITLE, 6),  # two working groups, two event roles, two guides
        (USEFUL, USEFUL_TITLE, 0),  # ESMO publishes the page but is not listed on it
        (RENEWAL, RENEWAL_TITLE, 4),  # status, partnership, plan, ceremony
        (RCE, RCE_TITLE, 2),  # listed, and a campaign partner
    ])),
    Case("entity-sources", {"entity": "person:bente-mikkelsen"}, Rows([(RENEWAL, RENEWAL_TITLE, 2)])),
    Case("official-statuses", {}, Rows([
        ("orgs:esmo", ESMO, "orgs:who", WHO, "status:who-non-state-actor",
         "non-State actor in official relations with WHO", "2024-02-05^^xsd:date"),
    ])),
    Case("plan-focus-areas", {}, Rows([
        ("focus:oncology-workforce", "a stronger oncology workforce"),
        ("focus:equitable-access", "equitable access to essential cancer medicines and technologies"),
        ("focus:cancer-control-policies", "policies and strategies for cancer prevention, diagnosis and treatment"),
    ])),
    Case("relationship-types", {}, Rows([
        ("onco:Listing", 60, 0),
        ("onco:CampaignParticipation", 30, 0),
        ("onco:EventRole", 11, 0),
        ("onco:SubOrganisation", 8, 0),
        ("onco:Establishment", 6, 3),  # SPAEN, GLCC and WALCE have founding dates
        ("onco:ResourcePublication", 4, 0),
        ("org:Membership", 2, 0),
        ("onco:Merger", 2, 0),
        ("onco:PostHolding", 2, 0),
        ("onco:CollaborationPlan", 1, 1),
        ("onco:OfficialStatus", 1, 0),
        ("onco:Partnership", 1, 1),
        ("onco:StatusRenewal", 1, 0),  # announced on a day, but that is not a period
    ])),
]
