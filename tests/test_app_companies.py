"""The Companies page (app_pages/companies.py) in Streamlit's test harness, on both backends. Expected values
by hand from data/sample, as in tests/test_companies.py: headquartered in the EU and linked to an incident
are GainJet (GR; ref-0032, a rendition: 3*1 + 1 = 4), Intellexa Consortium (GR; one facilitated incident of
EG: 3), FinFisher (DE) and Nexa Technologies (FR), whose sales are context only (0)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from tests.app_helpers import _page, shown


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
