"""The Host states page (app_pages/host_states.py) in Streamlit's test harness, on both backends: each of its
tables equals the Questions page's answer to the same query with the same parameters, each section draws a
chart, and a table's row links to the host's entity page. Values from data/sample: cases.jsonl has 42
incidents, the US the most cross-border ones (7: 5 prosecuted, 2 with no documented response)."""

from __future__ import annotations

import json

from tests.app_helpers import _page, _page_opened_with, _plain

SECTIONS = ["host_exposure", "impunity_by_host", "un_naming_by_state", "un_naming_gap"]


def _without_links(df) -> list[dict]:
    """A shown table's rows less the entity-page link columns the page adds beside node columns."""
    return _plain(df.drop(columns=[c for c in df.columns if c.endswith(" page")]))


def _questions_answer(at, name: str, **values) -> list[dict]:
    at.switch_page("app_pages/questions.py").run()
    at.selectbox(key="question").set_value(name).run()
    for k, v in values.items():
        at.number_input(key=f"query-{name}:{k}").set_value(v)
    at.button[0].click().run()
    assert not at.exception and not at.error
    return _without_links(at.dataframe[0].value)


def test_each_table_is_the_questions_page_answer(sample_cli, monkeypatch):
    at = _page(monkeypatch, sample_cli, "app_pages/host_states.py")
    assert not at.error
    tables = [t.value for t in at.dataframe]
    assert len(tables) == len(SECTIONS)
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    marks = [s["mark"]["type"] if isinstance(s["mark"], dict) else s["mark"] for s in specs]
    assert marks == ["bar", "bar", "bar", "rect"]
    assert specs[0]["transform"][0]["fold"][0] == "cooperated"  # one bar segment per documented response
    conduct = tables[0]
    assert list(conduct.iloc[0][["host", "incidents", "prosecuted", "response_unknown"]]) == ["US", 7, 5, 2]
    assert conduct["host page"].iloc[0].startswith("entity?kind=country&id=US&")
    # every incident of a host counted once under one documented response or as unknown
    responses = ["cooperated", "failed_to_protect", "protected", "prosecuted", "expelled_diplomats", "response_unknown"]
    assert (conduct[responses].sum(axis=1) == conduct.incidents).all()
    shown = {name: _without_links(t) for name, t in zip(SECTIONS, tables)}
    for name in SECTIONS:
        assert shown[name] == _questions_answer(at, name), name


def test_a_year_window_changes_the_naming_table_as_on_the_questions_page(sample_cli, monkeypatch):
    at = _page(monkeypatch, sample_cli, "app_pages/host_states.py")
    assert not at.error
    at.number_input(key="host-states-un_naming_by_state:year_from").set_value(2019)
    at.number_input(key="host-states-un_naming_by_state:year_to").set_value(2020)
    at.button[2].click().run()
    assert not at.exception and not at.error
    naming = at.dataframe[2].value
    # cases.jsonl 2019-2020: IR 4, RU 3, RW 1, VN 1; un_reprisals_reports.jsonl un-0002 (2019) names RU and RW
    # (un-0004 names VN but has no report year, so it closes no window)
    assert list(zip(naming.state, naming.incidents, naming.named_in_window)) == [
        ("IR", 4, False), ("RU", 3, True), ("RW", 1, True), ("VN", 1, False)]
    expected = _questions_answer(at, "un_naming_by_state", year_from=2019, year_to=2020)
    assert _without_links(naming) == expected


def test_a_url_gives_one_sections_years_and_a_changed_form_writes_them(sample_cli, monkeypatch):
    at = _page_opened_with(monkeypatch, sample_cli, "app_pages/host_states.py",
                           **{"un_naming_by_state.year_from": "2019", "un_naming_by_state.year_to": "2020"})
    assert not at.error
    # the same 2019-2020 window as above, from the URL alone; the other sections keep their defaults
    naming = at.dataframe[2].value
    assert list(zip(naming.state, naming.incidents, naming.named_in_window)) == [
        ("IR", 4, False), ("RU", 3, True), ("RW", 1, True), ("VN", 1, False)]
    assert at.number_input(key="host-states-un_naming_gap:year_from").value != 2019
    assert dict(at.query_params) == {"un_naming_by_state.year_from": "2019", "un_naming_by_state.year_to": "2020"}
    # the conduct section for Thailand (docs/analyses.md: 6 incidents, cooperated 2, failed to protect 2,
    # unknown 2), given by name: its key joins the URL beside the other section's window
    at.text_input(key="host-states-host_exposure:host").set_value("Thailand")
    at.button[0].click().run()
    conduct = at.dataframe[0].value
    assert list(conduct.iloc[0][["host", "incidents", "cooperated", "failed_to_protect", "response_unknown"]]) == [
        "TH", 6, 2, 2, 2]
    assert dict(at.query_params) == {"host_exposure.host": "TH", "un_naming_by_state.year_from": "2019",
                                     "un_naming_by_state.year_to": "2020"}
