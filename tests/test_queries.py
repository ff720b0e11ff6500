"""The query library on the sample; expected rows worked out by hand from data/sample/*.jsonl."""

import json

import pytest

from graph.output import records
from graph.queries import QueryError, bind, get_query, load_library, run_query
from tests.helpers import tnr


def test_library_headers_are_complete():
    lib = load_library()
    assert {"cross_border_reach", "companies_linked_to_state", "incidents_per_host"} <= set(lib)
    for q in lib.values():
        assert q.description and q.columns, q.name
        for p in q.parameters.values():
            assert p.type in ("string", "int", "float", "bool", "list") and p.description, (q.name, p.name)


def test_cross_border_reach_of_rwanda(sample_store):
    # ref-0002 (2010, suspected) and ref-0004 (2013, documented) in ZA, ref-0032 in AE (2020), ref-0035 in
    # US (2021, spyware), both documented.
    got = records(run_query(sample_store, "cross_border_reach", {"origin": "RW"}))
    assert got == [
        {"host": "ZA", "host_name": "South Africa", "incidents": 2, "documented": 1, "suspected": 1,
         "physical_incidents": 2, "tactics": ["assassination"], "first_year": 2010, "last_year": 2013},
        {"host": "AE", "host_name": "United Arab Emirates", "incidents": 1, "documented": 1, "suspected": 0,
         "physical_incidents": 1, "tactics": ["abduction", "detention", "rendition"], "first_year": 2020,
         "last_year": 2020},
        {"host": "US", "host_name": "United States", "incidents": 1, "documented": 1, "suspected": 0,
         "physical_incidents": 0, "tactics": ["family_intimidation", "spyware"], "first_year": 2021, "last_year": 2021},
    ]
    # Documented only: the suspected 2010 case in South Africa drops out.
    got = records(run_query(sample_store, "cross_border_reach", {"origin": "RW", "attribution": "documented"}))
    assert [(r["host"], r["incidents"], r["suspected"], r["first_year"]) for r in got] == [
        ("AE", 1, 0, 2020), ("US", 1, 0, 2021), ("ZA", 1, 0, 2013)]


def test_attribution_takes_documented_or_any_only(sample_store):
    with pytest.raises(QueryError, match="attribution: expected one of any, documented"):
        run_query(sample_store, "origin_host_flows", {"attribution": "proven"})


def test_cross_border_reach_of_a_state_with_no_incidents(sample_store):
    assert run_query(sample_store, "cross_border_reach", {"origin": "IS"}).empty


def test_companies_linked_to_egypt(sample_store):
    # ref-0034 (Ayman Nour): NSO Group (Pegasus) and Cytrox/Intellexa (Predator) facilitated;
    # companies.jsonl lists EG as a client of NSO Group, Intellexa, Nexa Technologies and Sandvine.
    got = run_query(sample_store, "companies_linked_to_state", {"state": "EG"})
    assert list(zip(got.company_name, got.link, got.via, got.goods)) == [
        ("Intellexa Consortium", "facilitated", "ref-0034", "Predator"), ("Intellexa Consortium", "supplied", "EG", "Predator"),
        ("NSO Group", "facilitated", "ref-0034", "Pegasus"), ("NSO Group", "supplied", "EG", "Pegasus"),
        ("Nexa Technologies", "supplied", "EG", "Cerebro"), ("Sandvine", "supplied", "EG", "PacketLogic deep packet inspection"),
    ]
    assert all(isinstance(s, list) and s for s in got.sources)


def test_incidents_per_host_in_2020_2021(sample_store):
    # 10 cases dated 2020-2021. AE: ref-0030 (IR) and ref-0032 (RW), both abductions, host response unknown;
    # US: ref-0028 (IR, abduction plot, prosecuted) and ref-0035 (RW, spyware, not physical).
    got = run_query(sample_store, "incidents_per_host", {"year_from": 2020, "year_to": 2021})
    top = records(got.head(2))
    assert top == [
        {"host": "AE", "host_name": "United Arab Emirates", "incidents": 2, "physical_incidents": 2,
         "origins": ["IR", "RW"], "responses": []},
        {"host": "US", "host_name": "United States", "incidents": 2, "physical_incidents": 1,
         "origins": ["IR", "RW"], "responses": ["prosecuted"]},
    ]
    assert got.incidents.sum() == 10


def test_incidents_per_host_counts_every_incident_once(sample_store):
    got = run_query(sample_store, "incidents_per_host")
    assert got.incidents.sum() == 42
    assert got.iloc[0].host == "US" and got.iloc[0].incidents == 7


def test_parameters_are_checked():
    q = get_query("incidents_per_host")
    assert bind(q, {"year_from": "2019"}) == {"year_from": 2019, "year_to": 9999}
    with pytest.raises(QueryError, match="expected int"):
        bind(q, {"year_from": "last year"})
    with pytest.raises(QueryError, match="unknown parameter"):
        bind(q, {"origin": "RW"})
    with pytest.raises(QueryError, match="no query named"):
        get_query("drop_everything")


def test_parameters_are_never_pasted_into_cypher(sample_store):
    hostile = "RW'}) DETACH DELETE o //"
    assert run_query(sample_store, "cross_border_reach", {"origin": hostile}).empty
    assert sample_store.counts()["nodes"]["Incident"] == 42


def test_cli_query_json(sample_cli):
    args, env = sample_cli
    res = tnr("query", "cross_border_reach", "--param", "origin=RW", "--format", "json", *args, env=env)
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert [(r["host"], r["incidents"]) for r in rows] == [("ZA", 2), ("AE", 1), ("US", 1)]


def test_order_by_treats_nulls_alike_on_both_backends():
    import pandas as pd

    from graph.queries import normalise

    q = get_query("incidents_per_host")
    q = type(q)(**{**q.__dict__, "order_by": ("month", "-n")})
    # pandas makes a null in an int column NaN (Ladybug's result); Neo4j's is None: both sort last.
    a = normalise(q, pd.DataFrame({"month": [3.0, float("nan"), 1.0], "n": [1, 2, 3]}))
    b = normalise(q, pd.DataFrame({"month": [3, None, 1], "n": [1, 2, 3]}))
    assert list(a.n) == list(b.n) == [3, 1, 2]


# The Reach map's filters (issue 12): year span, tactic, attribution, one origin or one host, counted by
# hand from data/sample/cases.jsonl (one line per incident: id, year, origin, attribution, host, tactics).

def _flows(store, **params) -> list[tuple]:
    got = run_query(store, "origin_host_flows", params)
    return list(zip(got.origin, got.host, got.incidents, got.documented, got.suspected, got.physical_incidents,
                    got.first_year, got.last_year))


def test_origin_host_flows_of_one_origin(sample_store):
    # SA abroad: ref-0005 US 2015 (surveillance, digital_attack), ref-0013 GB 2018 (spyware, assault),
    # ref-0016 CA 2018 (spyware, family_intimidation), ref-0019 CA 2018 suspected (assassination...),
    # ref-0020 TR 2018 (assassination); every one documented but ref-0019.
    assert _flows(sample_store, origin="SA") == [
        ("SA", "CA", 2, 1, 1, 1, 2018, 2018), ("SA", "GB", 1, 1, 0, 1, 2018, 2018),
        ("SA", "TR", 1, 1, 0, 1, 2018, 2018), ("SA", "US", 1, 1, 0, 0, 2015, 2015)]
    assert _flows(sample_store, origin="SA", attribution="documented")[0] == ("SA", "CA", 1, 1, 0, 0, 2018, 2018)


def test_origin_host_flows_on_one_hosts_soil(sample_store):
    # TH: ref-0007 CN 2015 and ref-0055 CN 2025 (documented), ref-0023 VN 2019 and ref-0044 VN 2023
    # (suspected), ref-0021 BH 2018 (documented), ref-0054 KH 2025 (suspected).
    assert _flows(sample_store, host="TH") == [
        ("CN", "TH", 2, 2, 0, 2, 2015, 2025), ("VN", "TH", 2, 0, 2, 2, 2019, 2023),
        ("BH", "TH", 1, 1, 0, 1, 2018, 2018), ("KH", "TH", 1, 0, 1, 1, 2025, 2025)]
    assert _flows(sample_store, host="TH", year_from=2019, year_to=2023) == [("VN", "TH", 2, 0, 2, 2, 2019, 2023)]
    assert [f[:3] for f in _flows(sample_store, host="TH", attribution="documented")] == [("CN", "TH", 2), ("BH", "TH", 1)]


def test_origin_host_flows_of_one_tactic(sample_store):
    # spyware: ref-0013 SA->GB 2018, ref-0016 SA->CA 2018, ref-0034 EG->TR 2021, ref-0035 RW->US 2021
    assert _flows(sample_store, tactic="spyware") == [
        ("EG", "TR", 1, 1, 0, 0, 2021, 2021), ("RW", "US", 1, 1, 0, 0, 2021, 2021),
        ("SA", "CA", 1, 1, 0, 0, 2018, 2018), ("SA", "GB", 1, 1, 0, 1, 2018, 2018)]
    # surveillance in the US from 2016: ref-0008 CN 2016, ref-0041 CN 2022, ref-0028 IR 2020 (ref-0005 is 2015)
    assert _flows(sample_store, host="US", tactic="surveillance", year_from=2016) == [
        ("CN", "US", 2, 2, 0, 0, 2016, 2022), ("IR", "US", 1, 1, 0, 1, 2020, 2020)]
    assert _flows(sample_store, tactic="no_such_tactic") == []


def test_cross_border_reach_by_tactic_and_years(sample_store):
    # CN abroad with surveillance: ref-0008 US 2016, ref-0041 US 2022, ref-0042 IE 2022, ref-0043 NL 2022;
    # the tactics column lists every tactic of those incidents.
    got = records(run_query(sample_store, "cross_border_reach", {"origin": "CN", "tactic": "surveillance"}))
    assert [(r["host"], r["incidents"], r["tactics"], r["first_year"], r["last_year"]) for r in got] == [
        ("US", 2, ["coercion_by_proxy", "family_intimidation", "surveillance", "threats"], 2016, 2022),
        ("IE", 1, ["coercion_by_proxy", "surveillance"], 2022, 2022),
        ("NL", 1, ["coercion_by_proxy", "surveillance", "threats"], 2022, 2022)]
    # CN 2020-2025: ref-0041 US, ref-0042 IE, ref-0043 NL (2022), ref-0055 TH (2025, deportation, detention)
    got = run_query(sample_store, "cross_border_reach", {"origin": "CN", "year_from": 2020, "year_to": 2025})
    assert list(zip(got.host, got.incidents, got.physical_incidents, got.first_year)) == [
        ("IE", 1, 0, 2022), ("NL", 1, 0, 2022), ("TH", 1, 1, 2025), ("US", 1, 0, 2022)]
