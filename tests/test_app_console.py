"""The Console page (app_pages/console.py) in Streamlit's test harness, on both backends. Expected values from
data/sample/cases.jsonl: Rwanda is the origin of ref-0002, ref-0004 (host ZA), ref-0032 (AE) and ref-0035 (US)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app_helpers import _page_opened_with, shown

PAGE = "app_pages/console.py"
RWANDA = ("MATCH (i:Incident)-[r:PERPETRATED_BY]->(c:Country {iso2: $origin}) "
          "RETURN i.id AS incident, i, r, c ORDER BY incident")


def _console(monkeypatch, sample_cli, **query) -> AppTest:
    return _page_opened_with(monkeypatch, sample_cli, PAGE, **query)


def test_a_query_from_the_url_shows_its_table_and_graph(sample_cli, monkeypatch):
    at = _console(monkeypatch, sample_cli, q=RWANDA, params='{"origin": "RW"}')
    assert not at.error
    assert at.text_area(key="console-q").value == RWANDA
    table = at.dataframe[0].value
    assert list(table.incident) == ["ref-0002", "ref-0004", "ref-0032", "ref-0035"]
    assert list(table.i) == ["Incident:ref-0002", "Incident:ref-0004", "Incident:ref-0032", "Incident:ref-0035"]
    assert set(table.c) == {"Country:RW"}
    assert list(table.r)[0] == "Incident:ref-0002 -[PERPETRATED_BY]-> Country:RW"
    assert list(table["c page"])[0] == "entity?kind=country&id=RW&name=Rwanda"  # a node links to its page
    assert any(c.value == "4 rows" for c in at.caption)
    assert "5 nodes and 4 relationships came back" in at.caption[-1].value
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download JSON",
                                                              "Download the graph as GraphML"]


def test_a_typed_query_runs_and_goes_into_the_url(sample_cli, monkeypatch):
    at = _console(monkeypatch, sample_cli)
    assert "Type a query" in shown(at.info[0].value)
    at.text_area(key="console-q").set_value("MATCH (i:Incident) WHERE i.year >= $y RETURN count(i) AS n")
    at.text_input(key="console-params").set_value('{"y": 2020}')
    at.button[0].click().run()
    assert not at.exception and not at.error
    # cases.jsonl: 22 incidents dated 2020 or later
    assert at.dataframe[0].value.to_dict("records") == [{"n": 22}]
    assert dict(at.query_params) == {"q": "MATCH (i:Incident) WHERE i.year >= $y RETURN count(i) AS n",
                                     "params": '{"y": 2020}'}


def test_a_refused_query_says_why_in_one_line(sample_cli, monkeypatch):
    at = _console(monkeypatch, sample_cli, q="MATCH (n) /* tidy up */ DETACH DELETE n")
    assert shown(at.error[0].value) == "refused (write): the console only reads; DETACH would change the graph"
    assert not at.dataframe
    at = _console(monkeypatch, sample_cli, q="RETURN $x AS x", params="{not json")
    assert shown(at.error[0].value).startswith("refused (parameter): the parameters are not JSON")
