"""The Reach page (app_pages/reach.py) in Streamlit's test harness, on both backends: the flows shown for a
state given by its name, the filters (years, tactic, attribution) as the flow query's parameters, the view
in the URL, and a map whose spec carries its boundaries inline. Values counted by hand from
data/sample/cases.jsonl (42 incidents, every one cross-border, in 35 origin-host pairs)."""

from __future__ import annotations

import json

import pyarrow as pa

from tests.app_helpers import _keys, _page, shown


def _flows(at) -> list[tuple]:
    df = at.dataframe[0].value
    cols = [c for c in ("direction", "origin", "host", "incidents") if c in df]
    return [tuple(r) for r in df[cols].itertuples(index=False)]


def _spec(at) -> dict:
    return json.loads(at.get("vega_lite_chart")[0].proto.spec)  # the map; the three charts follow


def _chart_rows(at, i: int) -> list[tuple]:
    """The rows a chart draws (Streamlit sends a chart's table as Arrow beside its spec)."""
    (dataset,) = at.get("vega_lite_chart")[i].proto.datasets
    return [tuple(r) for r in pa.ipc.open_stream(dataset.data.data).read_all().to_pandas().itertuples(index=False)]


def _captions(at) -> list[str]:
    return [shown(c.value) for c in at.caption]


def test_every_states_flows_on_a_map_with_its_boundaries_inline(sample_cli, monkeypatch):
    at = _page(monkeypatch, sample_cli, "app_pages/reach.py")
    assert not at.error and not at.warning
    assert "every state: 42 incidents in 35 flows, every year (undated incidents included)" in _captions(at)
    # CN->TH ref-0007, ref-0055; CN->US ref-0008, ref-0041; RU->GB ref-0001, ref-0014; TR->KE ref-0037, ref-0053;
    # VN->TH ref-0023, ref-0044; SA->CA ref-0016, ref-0019; RW->ZA ref-0002, ref-0004: the seven pairs with 2
    assert _flows(at)[:7] == [("CN", "TH", 2), ("CN", "US", 2), ("RU", "GB", 2), ("RW", "ZA", 2), ("SA", "CA", 2),
                              ("TR", "KE", 2), ("VN", "TH", 2)]
    table = at.dataframe[0].value
    assert table["origin page"].iloc[0] == "entity?kind=country&id=CN&name=China"
    spec = _spec(at)
    assert "url" not in _keys(spec)
    assert spec["data"]["format"] == {"type": "topojson", "feature": "countries"}
    # one copy of the 110m boundaries, in the spec's datasets (Altair names inline data), read by every country layer
    world = spec["datasets"][spec["data"]["name"]]
    assert world["type"] == "Topology" and len(world["objects"]["countries"]["geometries"]) == 177
    # BH (ref-0021's origin) and HK (ref-0048, ref-0049) have a centroid in the 50m file, no 110m polygon
    assert "Drawn as a point only (too small for the 1:110m boundaries): Bahrain (BH), Hong Kong (HK)" in _captions(at)
    assert at.get("download_button")[0].proto.label == "Download CSV"
    # every state, per year: 2018 has 7 documented incidents and ref-0019 (SA in CA) suspected
    assert ("2018", "documented", 7) in _chart_rows(at, 1) and ("2018", "suspected", 1) in _chart_rows(at, 1)
    assert len(at.dataframe[1].value) == 42


def test_a_state_by_its_name_shows_both_sides_and_the_url_keeps_it(sample_cli, monkeypatch):
    at = _page(monkeypatch, sample_cli, "app_pages/reach.py")
    at.text_input(key="reach-state").set_value("Turkey").run()
    assert not at.exception and not at.error
    # TR abroad: ref-0037, ref-0053 KE; ref-0039 KG; ref-0018 MD. On its soil: ref-0034 EG, ref-0022 IR,
    # ref-0020 SA, ref-0006 TJ.
    assert _flows(at) == [("abroad", "TR", "KE", 2), ("abroad", "TR", "KG", 1), ("abroad", "TR", "MD", 1),
                          ("on its soil", "EG", "TR", 1), ("on its soil", "IR", "TR", 1),
                          ("on its soil", "SA", "TR", 1), ("on its soil", "TJ", "TR", 1)]
    assert "Türkiye: 8 incidents in 7 flows, every year (undated incidents included)" in _captions(at)
    spec = _spec(at)
    focus = [layer for layer in spec["layer"] if layer.get("mark", {}).get("fill") == "#1f4e79"]
    assert focus and focus[0]["transform"] == [{"filter": "(datum.id === 'TR')"}]
    assert dict(at.query_params) == {"state": "TR"}
    # the charts under the map count the same 8 incidents (all documented): per year, per tactic, per host
    assert _chart_rows(at, 1) == [("2015", "documented", 1), ("2018", "documented", 2), ("2019", "documented", 1),
                                  ("2021", "documented", 3), ("2024", "documented", 1)]
    assert _chart_rows(at, 2)[:2] == [("rendition", "documented", 4), ("abduction", "documented", 3)]
    assert _chart_rows(at, 3) == [("Türkiye", "documented", 4), ("Kenya", "documented", 2),
                                  ("Kyrgyzstan", "documented", 1), ("Moldova", "documented", 1)]
    incidents = at.dataframe[1].value
    assert list(incidents.incident) == ["ref-0006", "ref-0018", "ref-0020", "ref-0022", "ref-0034", "ref-0037",
                                        "ref-0039", "ref-0053"]
    assert incidents["incident page"].iloc[0].startswith("entity?kind=incident&id=ref-0006&")
    # 2018-2019: ref-0018 MD (2018) abroad; ref-0020 SA (2018) and ref-0022 IR (2019) on its soil
    at.slider(key="reach-years").set_value((2018, 2019)).run()
    assert _flows(at) == [("abroad", "TR", "MD", 1), ("on its soil", "IR", "TR", 1), ("on its soil", "SA", "TR", 1)]
    assert _chart_rows(at, 1) == [("2018", "documented", 2), ("2019", "documented", 1)]
    assert {k: at.query_params[k] for k in at.query_params} == {"state": "TR", "year_from": "2018", "year_to": "2019"}


def test_the_url_opens_a_filtered_view(sample_cli, monkeypatch):
    at = _page(monkeypatch, sample_cli)
    at.query_params["state"] = "SA"
    at.query_params["tactic"] = "spyware"
    at.switch_page("app_pages/reach.py").run()
    assert not at.exception and not at.error
    assert at.text_input(key="reach-state").value == "Saudi Arabia"
    # SA with spyware: ref-0016 CA, ref-0013 GB; nothing on its soil
    assert _flows(at) == [("abroad", "SA", "CA", 1), ("abroad", "SA", "GB", 1)]
    # documented only, every tactic: ref-0019 (CA, suspected) drops out of SA->CA
    at.selectbox(key="reach-tactic").set_value("")
    at.selectbox(key="reach-attribution").set_value("documented").run()
    assert _flows(at) == [("abroad", "SA", "CA", 1), ("abroad", "SA", "GB", 1), ("abroad", "SA", "TR", 1),
                          ("abroad", "SA", "US", 1)]


def test_a_name_that_matches_no_state_says_so(sample_cli, monkeypatch):
    at = _page(monkeypatch, sample_cli, "app_pages/reach.py")
    at.text_input(key="reach-state").set_value("Narnia").run()
    assert not at.exception
    assert "no match for “Narnia”" in shown(at.warning[0].value)
    assert not at.dataframe and not at.get("vega_lite_chart")
