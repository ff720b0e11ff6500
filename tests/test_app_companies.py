"""The Companies page (app_pages/companies.py) in Streamlit's test harness, on both backends. Expected values
by hand from data/sample, as in tests/test_companies.py: headquartered in the EU and linked to an incident
are GainJet (GR; ref-0032, a rendition: 3*1 + 1 = 4), Intellexa Consortium (GR; one facilitated incident of
EG: 3), FinFisher (DE) and Nexa Technologies (FR), whose sales are context only (0)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from tests.app_helpers import _page, _page_opened_with, shown


def test_formula_terms_and_the_eu_filter(sample_cli, monkeypatch):
    at = _page(monkeypatch, sample_cli, "app_pages/companies.py")
    assert not at.error
    assert at.code[0].value == "score = 3·F + 1·W + 1·A + 1·P"
    terms = at.table[0].value
    assert list(zip(terms.term, terms.weight, terms.column)) == [
        ("F", 3, "facilitated"), ("W", 1, "supply_linked"), ("A", 1, "agency_attributed"), ("P", 1, "physical")]
    ranking = at.dataframe[0].value
    assert len(ranking) == 8 and list(ranking.company_name)[:3] == ["NSO Group", "China Southern Airlines", "GainJet"]
    at.selectbox(key="companies-jurisdiction").set_value("EU").run()
    assert not at.exception and not at.error
    ranking = at.dataframe[0].value
    assert list(zip(ranking.company_name, ranking.hq, ranking.score)) == [
        ("GainJet", "GR", 4), ("Intellexa Consortium", "GR", 3), ("FinFisher", "DE", 0), ("Nexa Technologies", "FR", 0)]
    assert any(shown(c.value).startswith("European Union: AT, BE, BG") for c in at.caption)
    url = ranking[ranking.company_name == "GainJet"]["company page"].iloc[0]
    assert urlsplit(url).path == "entity"
    assert dict(parse_qsl(urlsplit(url).query)) == {"kind": "company", "id": "company-gainjet", "name": "GainJet"}
    # the evidence of the first company of the ranking: GainJet's flight in ref-0032, and its context links
    evidence = at.dataframe[1].value
    assert list(evidence[evidence.counts_as == "facilitated"].incident) == ["ref-0032"]
    assert list(evidence["incident page"])[0].startswith("entity?kind=incident&id=ref-00")


def test_recipient_state_by_name_and_technology(sample_cli, monkeypatch):
    at = _page(monkeypatch, sample_cli, "app_pages/companies.py")
    assert not at.error
    at.text_input(key="companies:state").set_value("Saudi Arabia")
    at.button[0].click().run()
    assert not at.exception and not at.error
    ranking = at.dataframe[0].value
    assert list(zip(ranking.company_name, ranking.score, ranking.facilitated)) == [("NSO Group", 7, 2), ("Twitter", 3, 1)]
    at.selectbox(key="companies-technology").set_value("intrusion").run()
    assert list(at.dataframe[0].value.company_name) == ["NSO Group"]
    at.selectbox(key="companies-technology").set_value("transport").run()
    assert "No company is linked" in at.info[0].value


def _url(at) -> dict:
    return {k: at.query_params[k] for k in at.query_params}


def test_a_url_gives_the_recipient_state_by_name_and_keeps_the_view(sample_cli, monkeypatch):
    # a shared link with the state by its name: the page shows Saudi Arabia's ranking and writes its key
    at = _page_opened_with(monkeypatch, sample_cli, "app_pages/companies.py", state="Saudi Arabia")
    assert not at.error and at.text_input(key="companies:state").value == "Saudi Arabia"
    ranking = at.dataframe[0].value
    assert list(zip(ranking.company_name, ranking.score, ranking.facilitated)) == [("NSO Group", 7, 2), ("Twitter", 3, 1)]
    assert _url(at) == {"state": "SA"}
    # a changed widget changes the URL; the evidence company chosen (not the first) is kept too
    at.selectbox(key="companies-evidence").set_value("company-twitter").run()
    assert _url(at) == {"state": "SA", "company": "company-twitter"}
    assert set(at.dataframe[1].value.state) == {"SA"} and list(at.dataframe[1].value.counts_as) == ["facilitated"]
    at.selectbox(key="companies-technology").set_value("intrusion").run()
    assert list(at.dataframe[0].value.company_name) == ["NSO Group"]
    assert _url(at) == {"state": "SA", "technology": "intrusion"}  # Twitter is no longer in the ranking
    # that URL, opened in a new session, is the same view
    again = _page_opened_with(monkeypatch, sample_cli, "app_pages/companies.py", **_url(at))
    assert list(again.dataframe[0].value.company_name) == ["NSO Group"]
    assert again.selectbox(key="companies-technology").value == "intrusion"


def test_a_url_gives_the_jurisdiction_group_and_the_evidence_company(sample_cli, monkeypatch):
    at = _page_opened_with(monkeypatch, sample_cli, "app_pages/companies.py", jurisdiction="EU",
                           company="company-intellexa-consortium")
    assert not at.error
    ranking = at.dataframe[0].value
    assert list(zip(ranking.company_name, ranking.score)) == [("GainJet", 4), ("Intellexa Consortium", 3),
                                                              ("FinFisher", 0), ("Nexa Technologies", 0)]
    assert at.selectbox(key="companies-evidence").value == "company-intellexa-consortium"
    # Intellexa Consortium: one facilitated incident of EG (companies.jsonl, cases.jsonl ref-0034)
    evidence = at.dataframe[1].value
    assert list(evidence[evidence.counts_as == "facilitated"].incident) == ["ref-0034"]
    # a name no state has: the form says so, and the URL keeps what was typed
    at = _page_opened_with(monkeypatch, sample_cli, "app_pages/companies.py", state="Narnia")
    assert "no match for “Narnia”" in shown(at.warning[0].value) and not at.dataframe
    assert _url(at) == {"state": "Narnia"}
