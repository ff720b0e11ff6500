"""Every page's parameters come from the one form helper (app_pages/ui.py param_form), on both backends:
one widget per type (string, int, float, bool, list), keys namespaced by query, the same figures on the
Overview as on the Questions page."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from graph.analysis import run_analysis
from graph.queries import load_library
from tests.app_helpers import _page, _plain


def _rows(at: AppTest, i: int = 0) -> list[dict]:
    return _plain(at.dataframe[i].value)


def _query_box(at: AppTest):
    """The Overview's query selectbox (found by its label, as a reader finds it)."""
    return next(box for box in at.selectbox if box.label == "Query")


def _overview_result(at: AppTest) -> pd.DataFrame:
    return at.dataframe[1].value  # [0] is the relationships-per-type table


def test_overview_list_parameter_is_a_list(sample_cli, monkeypatch):
    """impunity_by_origin on the Overview: its kinds default is a list, not the text "['prosecution', ...".

    By hand from data/sample/cases.jsonl (every accountability kind there is one of the default kinds):
    CN has 6 incidents, all with an action (0 unaccounted); IR 6, 2 without (ref-0022 and ref-0025); HK 2
    of 2 without. With kinds "prosecution, conviction": CN's ref-0008 (conviction) and ref-0041
    (prosecution) count, 4 without; IR's ref-0017, ref-0028 and ref-0052 count, 3 without.
    """
    at = _page(monkeypatch, sample_cli)
    _query_box(at).set_value("impunity_by_origin").run()
    assert not at.exception and not at.error
    by_origin = {r["origin"]: (r["incidents"], r["without_action"]) for r in _plain(_overview_result(at))}
    assert (by_origin["CN"], by_origin["IR"], by_origin["HK"]) == ((6, 0), (6, 2), (2, 2))
    at.text_input(key="overview-impunity_by_origin:kinds").set_value("prosecution, conviction")
    at.button[0].click().run()
    by_origin = {r["origin"]: (r["incidents"], r["without_action"]) for r in _plain(_overview_result(at))}
    assert (by_origin["CN"], by_origin["IR"]) == ((6, 4), (6, 3))


def test_overview_shows_the_figures_of_the_questions_page(sample_cli, monkeypatch):
    overview = _page(monkeypatch, sample_cli)
    questions = _page(monkeypatch, sample_cli, "app_pages/questions.py")
    for name in load_library():
        _query_box(overview).set_value(name).run()
        questions.selectbox(key="question").set_value(name).run()
        assert not overview.exception and not overview.error, name
        assert _plain(_overview_result(overview)) == _rows(questions), name


def test_overview_string_parameters_do_not_carry_over_between_queries(sample_cli, monkeypatch):
    """cross_border_reach and tactic_profile both take ``origin``; each keeps its own (defaults RW and CN)."""
    at = _page(monkeypatch, sample_cli)
    _query_box(at).set_value("cross_border_reach").run()
    at.text_input(key="overview-cross_border_reach:origin").set_value("IR")
    at.button[0].click().run()
    _query_box(at).set_value("tactic_profile").run()
    assert at.text_input(key="overview-tactic_profile:origin").value == "China"  # the picker shows CN's name
    questions = _page(monkeypatch, sample_cli, "app_pages/questions.py")
    questions.selectbox(key="question").set_value("tactic_profile").run()
    assert _plain(_overview_result(at)) == _rows(questions)


def test_overview_resets_each_query_to_its_defaults(sample_cli, monkeypatch):
    """Issue 12's two reproductions. cross_border_reach with Rwanda, then tactic_profile: origin is its own
    default (CN; cases.jsonl: 6 Chinese incidents, coercion_by_proxy and surveillance in 4 each). Companies
    linked to SA (4 rows: NSO in ref-0013, ref-0016 and as SA's supplier, Twitter in ref-0005), then
    corporate_complicity: its default state '' (all states), the 16 rows `tnr query corporate_complicity` gives (8
    facilitated incidents and 8 supply links, reaching 4 + 4 + 1 + 1 + 4 + 5 + 1 + 1 = 21 incidents)."""
    at = _page(monkeypatch, sample_cli)
    _query_box(at).set_value("cross_border_reach").run()
    at.text_input(key="overview-cross_border_reach:origin").set_value("Rwanda")
    at.button[0].click().run()
    assert list(_overview_result(at).host) == ["ZA", "AE", "US"]
    _query_box(at).set_value("tactic_profile").run()
    assert at.text_input(key="overview-tactic_profile:origin").value == "China"
    got = _overview_result(at)
    assert list(got.tactic[:2]) == ["coercion_by_proxy", "surveillance"] and list(got.incidents[:2]) == [4, 4]
    _query_box(at).set_value("companies_linked_to_state").run()
    at.text_input(key="overview-companies_linked_to_state:state").set_value("saudi")
    at.button[0].click().run()
    got = _overview_result(at)
    assert list(zip(got.company, got.via)) == [("company-nso-group", "ref-0013"), ("company-nso-group", "ref-0016"),
                                              ("company-nso-group", "SA"), ("company-twitter", "ref-0005")]
    _query_box(at).set_value("corporate_complicity").run()
    assert at.text_input(key="overview-corporate_complicity:state").value == ""
    got = _overview_result(at)
    assert len(got) == 16 and (got.link == 'facilitated').sum() == 8
    assert got[got.link != 'facilitated'].incidents.sum() == 21


def test_a_state_given_by_name_or_code_finds_the_same_rows(sample_cli, monkeypatch):
    """"Saudi Arabia", "saudi" and "sa" all mean SA; a name that matches nothing says so, with a hint."""
    at = _page(monkeypatch, sample_cli, "app_pages/questions.py")
    at.selectbox(key="question").set_value("companies_linked_to_state").run()
    shown = []
    for text in ("Saudi Arabia", "saudi", "sa", "SA"):
        at.text_input(key="query-companies_linked_to_state:state").set_value(text)
        at.button[0].click().run()
        assert not at.exception and not at.warning, text
        shown.append(_rows(at))
        assert any("Saudi Arabia (Country SA)" in c.value.replace("\\", "") for c in at.caption), text
    assert all(rows == shown[0] for rows in shown) and len(shown[0]) == 4
    at.text_input(key="query-companies_linked_to_state:state").set_value("Rwnda")
    at.button[0].click().run()
    assert not at.exception and not at.dataframe
    assert "no match" in at.warning[0].value and "Rwanda" in at.warning[0].value


def test_overview_int_parameter(sample_cli, monkeypatch):
    """2020 in cases.jsonl: AE ref-0030 and ref-0032; AT ref-0031, FR ref-0026, SE ref-0027, US ref-0028."""
    at = _page(monkeypatch, sample_cli)
    _query_box(at).set_value("incidents_per_host").run()
    at.number_input(key="overview-incidents_per_host:year_from").set_value(2020)
    at.number_input(key="overview-incidents_per_host:year_to").set_value(2020)
    at.button[0].click().run()
    result = _overview_result(at)
    assert list(result.host) == ["AE", "AT", "FR", "SE", "US"] and list(result.incidents) == [2, 1, 1, 1, 1]


def test_overview_bool_parameter(sample_cli, monkeypatch):
    """un_naming_gap: only_gaps is a checkbox (True by default); unticked, every named-state row is listed."""
    at = _page(monkeypatch, sample_cli)
    _query_box(at).set_value("un_naming_gap").run()
    assert at.checkbox(key="overview-un_naming_gap:only_gaps").value is True
    gaps = _plain(_overview_result(at))
    at.checkbox(key="overview-un_naming_gap:only_gaps").uncheck()
    at.button[0].click().run()
    everything = _plain(_overview_result(at))
    assert gaps and len(everything) > len(gaps) and all(r in everything for r in gaps)


def test_analyses_float_parameter(sample_cli, sample_store, monkeypatch):
    """communities: resolution is a float input; the page's result is the library's for that resolution."""
    at = _page(monkeypatch, sample_cli, "app_pages/analyses.py")
    at.selectbox(key="analysis").set_value("communities").run()
    box = at.number_input(key="analysis-communities:resolution")
    assert box.value == 1.0
    box.set_value(2.5)
    at.button[0].click().run()
    assert not at.exception and not at.error
    shown = at.dataframe[0].value
    assert list(shown["node page"])[0].startswith("entity?kind=")  # the page links sit beside the node column
    assert _plain(shown.drop(columns=["node page"])) == _plain(run_analysis(sample_store, "communities", {"resolution": 2.5}))
