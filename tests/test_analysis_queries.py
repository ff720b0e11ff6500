"""The accountability queries (issue 4), on a hand-made fixture and on the sample.

Fixture: tests/fixtures/analysis (read its CSVs). In short:
  SA: f-1 2018 in TR (assassination, physical; TR prosecuted; act-1 prosecution)
      f-2 2019-05 in GB (spyware; Alpha FACILITATED; targets Dissident One; no action)
      f-3 2020 in CA (spyware, family_intimidation; suspected; CA protected; act-2 lawsuit)
      f-4 2015 in GB (threats; no action)
  IR: f-5 2021-03 in TR (abduction, rendition, detention, physical; TR cooperated; attributed to the
      Ministry of Intelligence; Gamma FACILITATED; no action)
      f-6 2021 in DE (assassination, physical; DE prosecuted; act-3 conviction)
      f-7 2019 in IR itself (family_intimidation; no action)
  SUPPLIED: Alpha -> SA 2017-2021; Beta -> Ministry of Intelligence (PART_OF IR), period unknown;
            Beta -> SA 2010-2012. HQ: Alpha IL, Beta FR, Gamma DE. act-4 export_control by FR
            concerning Beta; act-5 un_naming of SA in 2019.
Every expected value below was counted by hand from those files (or from data/sample/*.jsonl).
"""

import json
import re

import pytest

from graph.output import records
from graph.queries import load_library, run_query
from tests.helpers import tnr

NEW_QUERIES = {"origin_host_flows", "host_exposure", "corporate_complicity", "jurisdictions_that_could_act",
               "impunity_by_origin", "impunity_by_host", "impunity_by_tactic", "impunity_by_year",
               "incidents_without_accountability", "un_naming_gap", "tactic_profile", "incident_timeline"}


def test_new_queries_are_in_the_library_with_described_columns():
    lib = load_library()
    assert NEW_QUERIES <= set(lib)
    for name in NEW_QUERIES:
        q = lib[name]
        assert all(q.columns.values()), name
        assert q.order_by, name  # every result has a declared, backend-independent row order


FORBIDDEN = [r"\btype\(", r"\blabels\(", r"\blabel\(", r"shortestPath", r"CALL\s*\{", r"apoc\.", r"elementId",
             r"\btoString\(", r"\bto_string\(", r"\btoInteger\(", r"\bdate\(", r"\bsubstring\("]


@pytest.mark.parametrize("name", sorted(NEW_QUERIES))
def test_queries_use_only_portable_cypher(name):
    text = load_library()[name].text
    for pattern in FORBIDDEN:
        assert not re.search(pattern, text), (name, pattern)


def test_origin_host_flows(fx):
    # SA->GB: f-2 (2019), f-4 (2015); SA->TR f-1 (2018, physical); SA->CA f-3 (2020);
    # IR->TR f-5 (2021, physical); IR->DE f-6 (2021, physical); f-7 (IR at home) is left out.
    got = [(r["origin"], r["host"], r["incidents"], r["physical_incidents"], r["first_year"], r["last_year"])
           for r in records(run_query(fx, "origin_host_flows"))]
    assert got == [("SA", "GB", 2, 0, 2015, 2019), ("IR", "DE", 1, 1, 2021, 2021), ("IR", "TR", 1, 1, 2021, 2021),
                   ("SA", "CA", 1, 0, 2020, 2020), ("SA", "TR", 1, 1, 2018, 2018)]
    # 2019-2020 only: f-2 (SA->GB) and f-3 (SA->CA); f-7 is domestic
    got = run_query(fx, "origin_host_flows", {"year_from": 2019, "year_to": 2020})
    assert list(zip(got.origin, got.host, got.incidents)) == [("SA", "CA", 1), ("SA", "GB", 1)]


def test_host_exposure(fx):
    # GB: f-2, f-4 (SA), no response recorded. TR: f-1 (SA, prosecuted) and f-5 (IR, cooperated, with
    # detention and rendition -> the host acted for the origin state). CA: f-3 protected. DE: f-6 prosecuted.
    got = records(run_query(fx, "host_exposure"))
    assert [(r["host"], r["incidents"], r["origins"]) for r in got] == [
        ("GB", 2, ["SA"]), ("TR", 2, ["IR", "SA"]), ("CA", 1, ["SA"]), ("DE", 1, ["IR"])]
    tr = got[1]
    assert (tr["cooperated"], tr["prosecuted"], tr["failed_to_protect"], tr["response_unknown"]) == (1, 1, 0, 0)
    assert (tr["acted_for_origin"], tr["acted_for_origin_incidents"]) == (1, ["f-5"])
    assert (got[0]["response_unknown"], got[2]["protected"], got[3]["prosecuted"]) == (2, 1, 1)


def test_host_exposure_on_the_sample(sample_store):
    # Thailand in cases.jsonl: ref-0007 (CN, failed_to_protect), ref-0021 (BH, interpol_abuse+detention,
    # cooperated), ref-0023 (VN, unknown), ref-0044 (VN, failed_to_protect), ref-0054 (KH, unknown),
    # ref-0055 (CN, deportation+detention, cooperated).
    th = records(run_query(sample_store, "host_exposure", {"host": "TH"}))
    assert th == [{"host": "TH", "host_name": "Thailand", "incidents": 6, "origins": ["BH", "CN", "KH", "VN"],
                   "cooperated": 2, "failed_to_protect": 2, "protected": 0, "prosecuted": 0, "expelled_diplomats": 0,
                   "response_unknown": 2, "acted_for_origin": 2, "acted_for_origin_incidents": ["ref-0021", "ref-0055"]}]


def test_corporate_complicity_time_window_and_agencies(fx):
    # One row per company and link. Alpha: f-2 facilitated; supplied SA 2017-2021: of SA's incidents f-1
    # (2018), f-2 (2019), f-3 (2020) overlap, f-4 (2015) is outside -> 3 incidents. Beta: supplied the
    # Ministry (PART_OF IR), period unknown -> IR's f-5, f-6, f-7 have an unknown window, f-5 is attributed
    # to that agency; Beta -> SA 2010-2012 is outside all four SA incidents, so it shows only with
    # include_outside. Gamma: f-5 facilitated.
    got = run_query(fx, "corporate_complicity")
    assert [tuple(r) for r in got[["company_name", "state", "link", "incident", "incidents", "overlapping",
                                   "window_unknown", "outside"]].itertuples(index=False)] == [
        ("Alpha Spyware", "SA", "facilitated", "f-2", 1, 0, 0, 0),
        ("Alpha Spyware", "SA", "supplied_state", None, 3, 3, 0, 1),
        ("Beta Systems", "IR", "supplied_agency", None, 3, 0, 3, 0),
        ("Gamma Air", "IR", "facilitated", "f-5", 1, 0, 0, 0),
    ]
    beta = got[got.company_name == "Beta Systems"].iloc[0]
    assert (beta.agency_incidents, beta.supplied_to, beta.supplied_id) == (1, "Ministry of Intelligence", "org-mois")
    # every link carries its evidence path and the sources of the company's edge; a facilitated link the
    # incident's attribution sources too
    for r in records(got):
        assert r["link_sources"] and r["source_record"] and r["evidence_path"].startswith("(")
        assert bool(r["incident_sources"]) == (r["link"] == "facilitated")
    assert got.iloc[1].link_sources == ["https://example.org/alpha-sa"]
    assert got.iloc[1].evidence_path == "(Alpha Spyware)-[SUPPLIED]->(SA)<-[PERPETRATED_BY]-(Incident)"
    wide = run_query(fx, "corporate_complicity", {"include_outside": True})
    assert len(wide) == 5
    assert tuple(wide.iloc[3][["company_name", "state", "incidents", "outside"]]) == ("Beta Systems", "SA", 0, 4)
    assert list(run_query(fx, "corporate_complicity", {"state": "IR"}).company_name) == ["Beta Systems", "Gamma Air"]
    # documented attribution only: f-3 (suspected) leaves Alpha's supply link
    documented = run_query(fx, "corporate_complicity", {"attribution": "documented"})
    assert documented.iloc[1].incidents == 2


def test_corporate_complicity_of_rwanda_on_the_sample(sample_store):
    # NSO Group: FACILITATED ref-0035 (Pegasus) and SUPPLIED RW (Citizen Lab), so its supply link reaches
    # all four RW incidents (ref-0002, -0004, -0032, -0035; window unknown: companies.jsonl gives no
    # period); GainJet: FACILITATED ref-0032 (charter flight) and SUPPLIED RW: the same four.
    got = run_query(sample_store, "corporate_complicity", {"state": "RW"})
    assert [tuple(r) for r in got[["company_name", "link", "incident", "incidents", "window_unknown"]]
            .itertuples(index=False)] == [
        ("GainJet", "facilitated", "ref-0032", 1, 0), ("GainJet", "supplied_state", None, 4, 4),
        ("NSO Group", "facilitated", "ref-0035", 1, 0), ("NSO Group", "supplied_state", None, 4, 4)]


def test_jurisdictions_that_could_act(fx):
    # DE: Gamma facilitated f-5 in TR (IR). IL: Alpha facilitated f-2 in GB (SA), supplied SA.
    # FR: Beta facilitated nothing, supplied SA and the Ministry (IR); FR took act-4 against Beta.
    got = records(run_query(fx, "jurisdictions_that_could_act"))
    assert [(r["hq"], r["companies"], r["incident_ids"], r["hosts"], r["origins"]) for r in got] == [
        ("DE", ["Gamma Air"], ["f-5"], ["TR"], ["IR"]),
        ("IL", ["Alpha Spyware"], ["f-2"], ["GB"], ["SA"]),
        ("FR", ["Beta Systems"], [], [], []),
    ]
    fr = got[2]
    assert (fr["supplied_states"], fr["supplied_agencies"]) == (["SA"], ["Ministry of Intelligence (IR)"])
    assert (fr["actions_by_hq"], fr["action_kinds"]) == (1, ["export_control"])
    assert (got[0]["actions_by_hq"], got[1]["supplied_states"]) == (0, ["SA"])


def test_impunity(fx):
    # Actions concern f-1 (act-1), f-3 (act-2), f-6 (act-3); act-5 concerns SA itself, not an incident.
    got = records(run_query(fx, "impunity_by_origin"))
    assert [(r["origin"], r["incidents"], r["without_action"]) for r in got] == [("IR", 3, 2), ("SA", 4, 2)]
    assert got[0]["share_without"] == pytest.approx(2 / 3) and got[1]["share_without"] == pytest.approx(0.5)
    # counting only prosecutions and convictions, f-3's lawsuit no longer counts
    strict = run_query(fx, "impunity_by_origin", {"kinds": "prosecution,conviction"})
    assert list(zip(strict.origin, strict.without_action)) == [("SA", 3), ("IR", 2)]
    host = run_query(fx, "impunity_by_host")
    assert list(zip(host.host, host.incidents, host.without_action)) == [
        ("GB", 2, 2), ("IR", 1, 1), ("TR", 2, 1), ("CA", 1, 0), ("DE", 1, 0)]
    tactic = run_query(fx, "impunity_by_tactic").set_index("tactic")
    assert tactic.loc["spyware", ["incidents", "without_action"]].tolist() == [2, 1]
    assert tactic.loc["assassination", ["incidents", "without_action"]].tolist() == [2, 0]
    year = run_query(fx, "impunity_by_year")
    assert list(zip(year.year, year.incidents, year.without_action)) == [
        (2015, 1, 1), (2018, 1, 0), (2019, 2, 2), (2020, 1, 0), (2021, 2, 1)]
    none = records(run_query(fx, "incidents_without_accountability"))
    # ordered by the date as given: f-4 "2015", f-7 "2019", f-2 "2019-05", f-5 "2021-03"
    assert [r["incident"] for r in none] == ["f-4", "f-7", "f-2", "f-5"]
    assert none[3]["tactics"] == ["abduction", "detention", "rendition"] and none[3]["host_response"] == "cooperated"


def test_impunity_on_the_sample(sample_store):
    # Hong Kong's two bounty cases (ref-0048, ref-0049) have no accountability entry at all.
    hk = run_query(sample_store, "impunity_by_origin").set_index("origin").loc["HK"]
    assert (hk.incidents, hk.without_action, hk.share_without) == (2, 2, 1.0)


def test_un_naming_gap(fx):
    # SA has incidents in 2015, 2018, 2019, 2020 and was named in 2019; IR (2019, 2021) never.
    got = records(run_query(fx, "un_naming_gap"))
    assert [(r["state"], r["year"], r["incidents"]) for r in got] == [
        ("IR", 2019, 1), ("IR", 2021, 2), ("SA", 2015, 1), ("SA", 2018, 1), ("SA", 2020, 1)]
    assert got[4]["documented"] == 0  # f-3 is only suspected
    assert got[2]["named_in_years"] == [2019] and got[0]["named_in_years"] == []
    every = run_query(fx, "un_naming_gap", {"only_gaps": False})
    assert every[(every.state == "SA") & (every.year == 2019)].named_that_year.tolist() == [1]


def test_un_naming_gap_on_the_sample(sample_store):
    # The 2018 report names SA and BH: SA's four 2018 cases and BH's ref-0021 (2018) are no gap;
    # SA's 2015 case (ref-0005) is.
    got = run_query(sample_store, "un_naming_gap")
    assert list(got[got.state == "SA"].year) == [2015]
    assert "BH" not in set(got.state)


def test_tactic_profile_and_timeline(fx):
    got = records(run_query(fx, "tactic_profile", {"origin": "SA"}))
    assert [(r["tactic"], r["incidents"], r["share"], r["hosts"]) for r in got] == [
        ("spyware", 2, 0.5, ["CA", "GB"]), ("assassination", 1, 0.25, ["TR"]),
        ("family_intimidation", 1, 0.25, ["CA"]), ("threats", 1, 0.25, ["GB"])]
    tl = records(run_query(fx, "incident_timeline", {"origin": "IR"}))
    assert [(r["year"], r["month"], r["incident_ids"]) for r in tl] == [
        (2019, 0, ["f-7"]), (2021, 0, ["f-6"]), (2021, 3, ["f-5"])]
    assert run_query(fx, "incident_timeline").incidents.sum() == 7


def test_cli_runs_new_queries(fx_db):
    res = tnr("query", "host_exposure", "-p", "host=TR", "-f", "json", "--db", str(fx_db))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)[0]["acted_for_origin_incidents"] == ["f-5"]


def test_jurisdictions_flag_hq_as_host_and_as_perpetrator(sample_store):
    # cases.jsonl ref-0005: Twitter (HQ US) was used by Saudi Arabia's agents in the US itself (the host),
    # where the one HQ prosecution of the sample happened; ref-0055: China Southern Airlines (HQ CN) flew
    # Uyghurs deported from Thailand for China, the perpetrator.
    got = run_query(sample_store, "jurisdictions_that_could_act").set_index("hq")
    us, cn = got.loc["US"], got.loc["CN"]
    assert (us.incidents_abroad, us.incident_ids, us.incidents_hq_is_host) == (0, ["ref-0005"], ["ref-0005"])
    assert (cn.incidents_abroad, cn.incidents_hq_is_perpetrator, cn.incidents_hq_is_host) == (1, ["ref-0055"], [])
    assert got.loc["IL"].incidents_hq_is_perpetrator == [] and got.loc["IL"].incidents_abroad == 4


def test_un_naming_by_state_over_a_window(fx):
    # 2018-2020: SA has f-1 (2018), f-2 (2019), f-3 (2020, suspected) and act-5 names it in 2019;
    # IR has f-7 (2019) and no naming.
    got = records(run_query(fx, "un_naming_by_state", {"year_from": 2018, "year_to": 2020}))
    assert [(r["state"], r["incidents"], r["documented"], r["un_namings"], r["named_in_years"], r["named_in_window"])
            for r in got] == [("IR", 1, 1, 0, [], False), ("SA", 3, 2, 1, [2019], True)]
    # The window decides: 2020 alone has SA's f-3 and no naming; documented only, f-3 drops out.
    assert records(run_query(fx, "un_naming_by_state", {"year_from": 2020, "year_to": 2020})) == [
        {"state": "SA", "state_name": "Saudi Arabia", "incidents": 1, "documented": 0, "first_year": 2020,
         "last_year": 2020, "un_namings": 0, "named_in_years": [], "named_in_window": False}]
    assert run_query(fx, "un_naming_by_state", {"year_from": 2020, "year_to": 2020, "attribution": "documented"}).empty
