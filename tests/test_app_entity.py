"""The entity page (app_pages/entity.py) in Streamlit's test harness, on both backends: found by name from its
search, opened from its URL, and followed from a link in one of its tables. Expected values from data/sample
(companies.jsonl line 1 is NSO Group, co-0001; cases.jsonl lines 13, 18, 20, 23, 24, 39 have origin IR)."""

from __future__ import annotations

import shutil
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
from streamlit.testing.v1 import AppTest

from app_pages.ui import data_version
from graph.queries import run_internal
from graph.store.embedded import EmbeddedStore
from tests.app_helpers import _page_opened_with, shown
from tests.helpers import FIXTURES, ROOT, load

PAGE = "app_pages/entity.py"


def _entity_page(monkeypatch, sample_cli, **query) -> AppTest:
    return _page_opened_with(monkeypatch, sample_cli, PAGE, **query)


def _group(at: AppTest, relationship: str) -> pd.DataFrame:
    """The table of one relationship group (its rows all have that relationship)."""
    return next(t.value for t in at.dataframe if "page" in t.value.columns and set(t.value.relationship) == {relationship})


def _table(at: AppTest, columns: list[str]) -> pd.DataFrame:
    return next(t.value for t in at.dataframe if list(t.value.columns) == columns)


def test_nso_group_from_the_search(sample_cli, monkeypatch):
    at = _entity_page(monkeypatch, sample_cli)
    assert "Type a name above" in at.info[0].value
    at.text_input(key="entity-q").set_value("NSO").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="entity-pick").value == "Company:company-nso-group"  # ranked first
    assert dict(at.query_params) == {"kind": "company", "id": "company-nso-group"}  # the page state is in the URL
    assert at.markdown[0].value == "### NSO Group"
    props = at.dataframe[0].value
    assert dict(zip(props.property, props.value))["hq_country"] == "IL"
    sources = at.dataframe[1].value.set_index("source")
    assert list(sources.loc["cases.jsonl", "records"]) == ["line 10", "line 12", "line 27", "line 28"]
    facilitated = _group(at, "FACILITATED →")
    assert list(facilitated.key) == ["ref-0013", "ref-0016", "ref-0034", "ref-0035"]
    assert list(facilitated.page)[0] == "entity?kind=incident&id=ref-0013&name=ref-0013"
    supplied = _group(at, "SUPPLIED →")
    assert list(supplied.name) == ["Egypt", "Rwanda", "Saudi Arabia"] and list(supplied.sources) == [1, 1, 1]
    facts = _table(at, ["relationship", "name", "link"])
    rw = facts[(facts.relationship == "SUPPLIED →") & (facts.name == "Rwanda")]
    assert list(rw.link) == ["https://glpost.com/hotel-rwanda-activists-daughter-placed-under-pegasus-surveillance"]
    timeline = _table(at, ["year", "what", "count"])
    assert list(zip(timeline.year, timeline.what, timeline["count"])) == [
        (2018, "FACILITATED →", 2), (2019, "← CONCERNS", 1), (2021, "FACILITATED →", 2), (2021, "← CONCERNS", 2)]
    assert "12 nodes" in at.caption[-1].value


def test_iran_from_its_url_and_a_link_to_a_host(sample_cli, monkeypatch):
    at = _entity_page(monkeypatch, sample_cli, kind="country", id="IR")
    assert not at.error and at.markdown[0].value == "### Iran"
    abroad = at.dataframe[2].value
    assert list(abroad.host) == ["AE", "FR", "GB", "IQ", "TR", "US"] and list(abroad.incidents) == [1] * 6
    assert "no cross-border incident on its soil" in at.info[0].value
    perpetrated = _group(at, "← PERPETRATED_BY")
    assert list(perpetrated.key) == ["ref-0017", "ref-0022", "ref-0025", "ref-0028", "ref-0030", "ref-0052"]
    assert list(perpetrated.facts).count("attribution: documented") == 5
    # follow the link of the United States row (a relative URL: the same page, another entity)
    url = abroad[abroad.host == "US"].state.iloc[0]
    assert urlsplit(url).path == "entity"
    state = {k: v for k, v in parse_qsl(urlsplit(url).query) if k in ("kind", "id")}
    us = _entity_page(monkeypatch, sample_cli, **state)
    assert us.markdown[0].value == "### United States"
    soil = us.dataframe[2].value  # the US has no incident abroad in the sample: its first side table is on its soil
    assert list(zip(soil.origin, soil.incidents)) == [("CN", 2), ("HK", 1), ("IN", 1), ("IR", 1), ("RW", 1), ("SA", 1)]


def test_a_bad_url_and_a_name_that_matches_nothing_say_so(sample_cli, monkeypatch):
    at = _entity_page(monkeypatch, sample_cli, kind="country", id="XX")
    assert len(at.error) == 1 and shown(at.error[0].value) == "no country with iso2 'XX'"
    at = _entity_page(monkeypatch, sample_cli, kind="planet", id="IR")
    assert shown(at.error[0].value).startswith("no entity kind 'planet'")
    at = _entity_page(monkeypatch, sample_cli)
    at.text_input(key="entity-q").set_value("Rwnda").run()
    assert not at.exception and "did you mean Rwanda" in shown(at.warning[0].value)


def test_a_reingest_that_changes_only_a_property_is_shown_at_once(tmp_path, monkeypatch):
    """The caches are keyed on the embedded database's files (app_pages/ui.py data_version), not on its counts:
    a rebuild from a bundle whose one change is an incident's summary leaves the node and relationship counts
    as they were (the file's Source is replaced, not added), and the next view shows the new summary, not the
    cached one."""
    bundle = tmp_path / "bundle"
    shutil.copytree(FIXTURES / "analysis", bundle)
    db = tmp_path / "fx.lbug"
    load(db, bundle)
    monkeypatch.setenv("TNR_BACKEND", "embedded")
    monkeypatch.setenv("TNR_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update({"kind": "incident", "id": "f-1"})
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error

    def summary() -> str:
        props = at.dataframe[0].value
        return dict(zip(props.property, props.value))["summary"]

    assert summary() == "Fixture: assassination by SA in TR."
    before, counts = data_version(), _counts(db)
    at.run()
    assert data_version() == before  # a read changes nothing: the cache holds
    incidents = bundle / "Incident.csv"
    incidents.write_text(incidents.read_text(encoding="utf-8").replace(
        "Fixture: assassination by SA in TR.", "Fixture: a killing by SA in TR (rewritten)."), encoding="utf-8")
    load(db, bundle, rebuild=True)
    assert _counts(db) == counts and data_version() != before
    at.run()
    assert not at.exception and summary() == "Fixture: a killing by SA in TR (rewritten)."


def _counts(db) -> list:
    with EmbeddedStore(db) as s:
        return list(run_internal(s, "data_version").number)
