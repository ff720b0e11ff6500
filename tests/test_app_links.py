"""Every table cell that names an entity has a link to its page beside it (the columns a query header's
``nodes:`` or an analysis's ``nodes`` declares), in Streamlit's test harness on both backends.
Expected rows from data/sample: cases.jsonl has RW incidents in ZA, AE and US; SA's incidents."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

from tests.app_helpers import _app


def _link_columns(table) -> dict[str, str]:
    """The columns Streamlit is told to draw as links, with their display_text."""
    config = json.loads(table.proto.columns)
    return {c: v.get("type_config", {}).get("display_text") for c, v in config.items()
            if v.get("type_config", {}).get("type") == "link"}


def _state(url: str) -> dict[str, str]:
    assert urlsplit(url).path == "entity"
    return dict(parse_qsl(urlsplit(url).query))


def test_overview_rows_link_to_their_host_pages(sample_cli, monkeypatch):
    at = _app(monkeypatch, sample_cli)
    table = at.dataframe[1]
    df = table.value
    assert list(df.columns[:3]) == ["host", "host page", "host_name"]  # the link sits beside the key
    assert list(df["host page"]) == ["entity?kind=country&id=ZA&name=South%20Africa",
                                     "entity?kind=country&id=AE&name=United%20Arab%20Emirates",
                                     "entity?kind=country&id=US&name=United%20States"]
    assert _link_columns(table) == {"host page": r"name=([^&]*)"}
    assert "tactics page" not in df  # a list column keeps its keys: one link per cell


def test_questions_saudi_arabia_row_links_to_its_page(sample_cli, monkeypatch):
    at = _app(monkeypatch, sample_cli)
    at.switch_page("app_pages/questions.py").run()
    at.selectbox(key="question").set_value("impunity_by_origin").run()
    at.button[0].click().run()
    assert not at.exception and not at.error
    df = at.dataframe[0].value
    sa = df[df.origin == "SA"]
    assert _state(sa["origin page"].iloc[0]) == {"kind": "country", "id": "SA", "name": "Saudi Arabia"}
    assert _link_columns(at.dataframe[0]) == {"origin page": r"name=([^&]*)"}
    # the column meanings name the link column too
    meanings = at.table[0].value
    assert "the page of the entity in origin" in list(meanings.iloc[:, 1])
    # a query with several node columns: corporate_complicity links company, incident and state
    at.selectbox(key="question").set_value("corporate_complicity").run()
    at.text_input(key="query-corporate_complicity:state").set_value("Saudi Arabia")
    at.button[0].click().run()
    df = at.dataframe[0].value
    assert {"company page", "incident page", "state page"} <= set(df.columns)
    row = df[df.company == "company-nso-group"].iloc[0]
    assert _state(row["company page"]) == {"kind": "company", "id": "company-nso-group", "name": "NSO Group"}
    assert _state(row["state page"])["id"] == "SA"
    assert _state(row["incident page"]) == {"kind": "incident", "id": row.incident, "name": row.incident}


def test_analyses_company_rows_link_to_their_pages(sample_cli, monkeypatch):
    at = _app(monkeypatch, sample_cli)
    at.switch_page("app_pages/analyses.py").run()
    at.selectbox(key="analysis").set_value("complicity_score").run()
    at.button[0].click().run()
    assert not at.exception and not at.error
    df = at.dataframe[0].value
    nso = df[df.company == "company-nso-group"]
    assert _state(nso["company page"].iloc[0]) == {"kind": "company", "id": "company-nso-group", "name": "NSO Group"}
    # an analysis whose node column holds Label:key names: each row links to its own kind's page
    at.selectbox(key="analysis").set_value("communities").run()
    at.button[0].click().run()
    df = at.dataframe[0].value
    rw = df[df.node == "Country:RW"]
    assert _state(rw["node page"].iloc[0]) == {"kind": "country", "id": "RW", "name": "Rwanda"}
    gainjet = df[df.node == "Company:company-gainjet"]
    assert _state(gainjet["node page"].iloc[0])["kind"] == "company"
