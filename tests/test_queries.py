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
