"""graph/world.py: the shipped world-atlas files keyed by ISO2, centroids from the 50m file, the flows of
one state both ways (on both backends), and a map spec that carries all its data inline."""

from __future__ import annotations

import json

import pandas as pd

from graph.output import records
from graph.queries import run_query
from graph.world import (
    breakdown,
    centroids,
    drawn_codes,
    locate_flows,
    reach_flows,
    reach_incidents,
    reach_map,
    topology,
    unlocated,
)
from tests.app_helpers import _keys


def _ids(resolution: str) -> dict[str, str | None]:
    return {g["properties"]["name"]: g["id"] for g in topology(resolution)["objects"]["countries"]["geometries"]}


def test_features_are_keyed_by_iso2():
    small, medium = _ids("110m"), _ids("50m")
    assert (small["Kosovo"], small["France"], small["Türkiye" if "Türkiye" in small else "Turkey"]) == ("XK", "FR", "TR")
    assert small["N. Cyprus"] is None and small["Somaliland"] is None  # no ISO 3166-1 code
    assert "Hong Kong" not in small and medium["Hong Kong"] == "HK" and medium["Bahrain"] == "BH"
    assert {"HK", "BH", "SG", "MT"} <= set(centroids()) and not {"HK", "BH", "SG", "MT"} & drawn_codes()
    assert len(drawn_codes()) == 175  # 177 features, two without a code


def test_centroids_are_on_each_mainland():
    c = centroids()
    lon, lat = c["AU"]  # not the Ashmore and Cartier Islands, which the 50m file also codes 036
    assert 125 < lon < 145 and -30 < lat < -20
    lon, lat = c["FR"]  # not French Guiana
    assert -5 < lon < 8 and 42 < lat < 51
    lon, lat = c["US"]  # the contiguous states, not Alaska
    assert -125 < lon < -66 and 25 < lat < 49
    assert c["HK"] == (114.14, 22.439) and c["XK"] == (20.873, 42.571)


def _flow(origin: str, host: str, n: int = 1) -> dict:
    return {"origin": origin, "origin_name": origin, "host": host, "host_name": host, "incidents": n,
            "documented": n, "first_year": 2020, "last_year": 2020}


def test_states_without_a_shape_are_reported_and_their_lines_left_out():
    flows = pd.DataFrame([_flow("CN", "TV"), _flow("BH", "TH"), _flow("CN", "US", 2)])
    assert unlocated(flows) == (["TV"], ["BH"])  # Tuvalu is in neither file; Bahrain only in the 50m one
    assert list(zip(locate_flows(flows).origin, locate_flows(flows).host)) == [("BH", "TH"), ("CN", "US")]


def test_the_map_spec_names_no_url():
    flows = pd.DataFrame([_flow("HK", "US"), {**_flow("CN", "HK", 2), "direction": "on its soil"}])
    for focus in (None, "HK"):
        spec = reach_map(flows.assign(direction=flows.direction.fillna("abroad")), focus).to_dict()
        assert "url" not in _keys(spec), focus
        text = json.dumps(spec)
        assert "http" not in text.replace(spec["$schema"], ""), focus  # only the schema's own name
        assert spec["datasets"][spec["data"]["name"]]["type"] == "Topology"
    assert reach_map(flows.iloc[:0]).to_dict()["layer"][0]["mark"]["type"] == "geoshape"  # an empty map still draws


def test_reach_flows_of_one_state_both_ways(sample_store):
    # TR abroad: ref-0037, ref-0053 KE; ref-0039 KG; ref-0018 MD. On its soil: ref-0034 EG, ref-0022 IR,
    # ref-0020 SA, ref-0006 TJ (data/sample/cases.jsonl).
    got = reach_flows(sample_store, "TR")
    assert list(got.columns[:2]) == ["direction", "origin"]
    assert list(zip(got.direction, got.origin, got.host, got.incidents)) == [
        ("abroad", "TR", "KE", 2), ("abroad", "TR", "KG", 1), ("abroad", "TR", "MD", 1),
        ("on its soil", "EG", "TR", 1), ("on its soil", "IR", "TR", 1), ("on its soil", "SA", "TR", 1),
        ("on its soil", "TJ", "TR", 1)]
    got = reach_flows(sample_store, "TR", tactic="spyware")
    assert list(zip(got.direction, got.origin, got.host)) == [("on its soil", "EG", "TR")]  # ref-0034
    assert len(reach_flows(sample_store)) == 35


def test_reach_incidents_take_the_flow_filters(sample_store):
    # surveillance in the US from 2016: ref-0008 CN 2016, ref-0028 IR 2020, ref-0041 CN 2022 (ref-0005 is 2015)
    got = records(run_query(sample_store, "reach_incidents", {"host": "US", "tactic": "surveillance", "year_from": 2016}))
    assert [(r["incident"], r["year"], r["origin"], r["attribution"], r["physical"]) for r in got] == [
        ("ref-0008", 2016, "CN", "documented", False), ("ref-0028", 2020, "IR", "documented", True),
        ("ref-0041", 2022, "CN", "documented", False)]
    assert got[1]["tactics"] == ["abduction", "family_intimidation", "surveillance"]
    # the incidents behind the flows: as many per pair as the flow table counts
    flows = run_query(sample_store, "origin_host_flows")
    per_pair = run_query(sample_store, "reach_incidents").groupby(["origin", "host"]).incident.nunique()
    assert {(o, h): n for (o, h), n in per_pair.items()} == dict(zip(zip(flows.origin, flows.host), flows.incidents))


def test_breakdowns_of_one_states_incidents(sample_store):
    # TR both ways (all documented): ref-0006 2015 TJ, ref-0018 2018 MD, ref-0020 2018 SA, ref-0022 2019 IR,
    # ref-0034 2021 EG, ref-0037 2021 KE, ref-0039 2021 KG, ref-0053 2024 KE
    incidents = reach_incidents(sample_store, "TR")
    assert list(incidents.incident) == ["ref-0006", "ref-0018", "ref-0020", "ref-0022", "ref-0034", "ref-0037",
                                        "ref-0039", "ref-0053"]
    rows = lambda by: [tuple(r) for r in breakdown(incidents, by).itertuples(index=False)]  # noqa: E731
    assert rows("year") == [("2015", "documented", 1), ("2018", "documented", 2), ("2019", "documented", 1),
                            ("2021", "documented", 3), ("2024", "documented", 1)]
    # rendition: ref-0018, -0037, -0039, -0053; abduction: -0037, -0039, -0053; assassination: -0006, -0020, -0022
    assert rows("tactic") == [("rendition", "documented", 4), ("abduction", "documented", 3),
                              ("assassination", "documented", 3), ("deportation", "documented", 2),
                              ("spyware", "documented", 1)]
    assert rows("host_name") == [("Türkiye", "documented", 4), ("Kenya", "documented", 2),
                                 ("Kyrgyzstan", "documented", 1), ("Moldova", "documented", 1)]


def test_breakdown_by_year_puts_undated_last_and_splits_attribution():
    incidents = pd.DataFrame({"incident": ["a", "b", "b", "c", "d"], "year": [2020, None, None, 2019, 2020],
                              "origin": ["CN", "RU", "BY", "CN", "CN"], "attribution": ["suspected", "documented",
                              "documented", "documented", "documented"], "tactics": [[]] * 5, "host_name": ["X"] * 5})
    got = [tuple(r) for r in breakdown(incidents, "year").itertuples(index=False)]
    assert got == [("2019", "documented", 1), ("2020", "documented", 1), ("2020", "suspected", 1),
                   ("undated", "documented", 1)]  # b counts once though it has two origin states
