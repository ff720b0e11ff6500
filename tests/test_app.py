"""The Streamlit app (all four pages), run headless by Streamlit's own test harness, on both backends."""

import re

from streamlit.testing.v1 import AppTest

from graph.queries import load_library
from graph.safe_text import WORD_JOINER
from tests.helpers import ROOT


def _point_app_at(monkeypatch, sample_cli):
    args, env = sample_cli
    if args[0] == "--db":
        monkeypatch.setenv("TNR_BACKEND", "embedded")
        monkeypatch.setenv("TNR_DB", args[1])
    else:
        monkeypatch.setenv("TNR_BACKEND", "neo4j")
        for k, v in env.items():
            monkeypatch.setenv(k, v)


def test_app_shows_counts_and_a_query(sample_cli, monkeypatch):
    _point_app_at(monkeypatch, sample_cli)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Incident"] == "42" and metrics["Company"] == "11"
    result = at.dataframe[1].value
    assert list(result.host) == ["ZA", "AE", "US"]
    at.text_input(key="overview-cross_border_reach:origin").set_value("CN")
    at.button[0].click().run()
    assert list(at.dataframe[1].value.host) == ["TH", "US", "IE", "NL"]


def shown(markdown_text: str) -> str:
    """What a Markdown element shows: the text without the backslashes and word joiners of
    graph.safe_text.markdown."""
    return re.sub(r"\\(.)", r"\1", markdown_text).replace(WORD_JOINER, "")


def test_app_without_a_database_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("TNR_BACKEND", "embedded")
    monkeypatch.setenv("TNR_DB", str(tmp_path / "missing.lbug"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "tnr ingest" in shown(at.error[0].value)


def test_app_with_neo4j_unreachable_says_so(monkeypatch):
    monkeypatch.setenv("TNR_BACKEND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("NEO4J_PASSWORD", "irrelevant")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in shown(at.error[0].value)


def _app(monkeypatch, sample_cli) -> AppTest:
    _point_app_at(monkeypatch, sample_cli)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    return at


def test_questions_page_runs_every_query_from_its_header(sample_cli, monkeypatch):
    at = _app(monkeypatch, sample_cli)
    at.switch_page("app_pages/questions.py").run()
    for name in load_library():
        at.selectbox(key="question").set_value(name).run()
        assert not at.exception, name
        assert not at.error, (name, at.error[0].value)
    # a string parameter is a text input: countries, companies, persons... whose name contains "gain"
    at.selectbox(key="question").set_value("search_entities").run()
    at.text_input(key="query-search_entities:q").set_value("GAIN")
    at.button[0].click().run()
    assert list(at.dataframe[0].value.key) == ["company-gainjet"]
    # int parameters become number inputs. 2020 in cases.jsonl: AE ref-0030 (IR) and ref-0032 (RW);
    # AT ref-0031, FR ref-0026, SE ref-0027 (RU); US ref-0028 (IR).
    at.selectbox(key="question").set_value("incidents_per_host").run()
    at.number_input(key="query-incidents_per_host:year_from").set_value(2020)
    at.number_input(key="query-incidents_per_host:year_to").set_value(2020)
    at.button[0].click().run()
    result = at.dataframe[0].value
    assert list(result.host) == ["AE", "AT", "FR", "SE", "US"]
    assert list(result.incidents) == [2, 1, 1, 1, 1]
    assert list(result.origins[0]) == ["IR", "RW"]
    assert "5 rows" in [c.value for c in at.caption]
    assert [b.label for b in at.download_button] == ["Download CSV", "Download JSON"]
    assert "host" in list(at.table[0].value.column)  # the column meanings
    # bool parameters become checkboxes; a list parameter is a comma-separated text input
    at.selectbox(key="question").set_value("un_naming_gap").run()
    assert at.checkbox(key="query-un_naming_gap:only_gaps").value is True
    at.selectbox(key="question").set_value("impunity_by_host").run()
    assert "lawsuit" in at.text_input(key="query-impunity_by_host:kinds").value


def test_analyses_page_runs_an_analysis_on_demand(sample_cli, monkeypatch):
    at = _app(monkeypatch, sample_cli)
    at.switch_page("app_pages/analyses.py").run()
    assert not at.exception
    assert not at.dataframe and "press Run" in at.info[0].value  # nothing runs before it is asked to
    at.selectbox(key="analysis").set_value("reach").run()
    at.text_input(key="analysis-reach:origin").set_value("RW")
    at.button[0].click().run()
    assert not at.exception and not at.error
    # cases.jsonl, origin RW: ref-0002 and ref-0004 in ZA (2010, 2013), ref-0032 in AE (2020), ref-0035 in US (2021)
    row = at.dataframe[0].value.iloc[0]
    assert row.origin == "RW" and row.hosts == 3 and row.incidents_abroad == 4
    assert list(row.host_list) == ["AE", "US", "ZA"] and (row.first_year, row.last_year) == (2010, 2021)
    assert [b.label for b in at.download_button] == ["Download CSV", "Download JSON"]
    # a missing required parameter is the library's error, shown on the page
    at.selectbox(key="analysis").set_value("paths").run()
    at.button[0].click().run()
    assert not at.exception and "source is required" in shown(at.error[0].value)


def test_explore_page_draws_an_ego_network(sample_cli, monkeypatch):
    at = _app(monkeypatch, sample_cli)
    at.switch_page("app_pages/explore.py").run()
    assert not at.exception
    at.text_input(key="explore-q").set_value("gainj").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="explore-entity").value == "Company:company-gainjet"
    # companies.jsonl co-0009 (HQ GR, client RW, a lawsuit) and cases.jsonl ref-0032 (GainJet flew him; RW
    # perpetrated it): depth 1 is GainJet, Greece, Rwanda, ref-0032 and the lawsuit (one action: both files
    # record it, and it concerns GainJet and ref-0032); six relationships, two of them between neighbours
    # (ref-0032 PERPETRATED_BY Rwanda, the lawsuit CONCERNS ref-0032).
    edges = at.dataframe[0].value
    assert sorted(zip(edges.from_name, edges.type, edges.to_name)) == [
        ("GainJet", "FACILITATED", "ref-0032"), ("GainJet", "HEADQUARTERED_IN", "Greece"),
        ("GainJet", "SUPPLIED", "Rwanda"), ("lawsuit", "CONCERNS", "GainJet"), ("lawsuit", "CONCERNS", "ref-0032"),
        ("ref-0032", "PERPETRATED_BY", "Rwanda")]
    supplied = edges[edges.type == "SUPPLIED"].iloc[0]
    assert list(supplied.sources) == ["http://skynewsug.com/kagame-govt-admits-kidnapping-hotel-rwanda-hero/"]
    assert any("5 nodes, 6 relationships" in c.value for c in at.caption)
    html = at.get("iframe")[0].proto.srcdoc
    assert "new vis.Network" in html and '"label": "HEADQUARTERED_IN"' in html and "physics: false" in html
    assert "Download as GraphML" in [b.label for b in at.download_button]
    # depth 2 reaches further (Rwanda's other incidents), and the node cap cuts it reproducibly
    at.slider(key="explore-depth").set_value(2).run()
    assert len(at.dataframe[0].value) > 5
    at.number_input(key="explore-cap").set_value(6).run()
    assert any("6 nodes" in c.value and "node cap" in c.value for c in at.caption)


def test_explore_page_says_when_nothing_matches(sample_cli, monkeypatch):
    at = _app(monkeypatch, sample_cli)
    at.switch_page("app_pages/explore.py").run()
    at.text_input(key="explore-q").set_value("no such entity zz").run()
    assert not at.exception and "Nothing matches" in at.warning[0].value
