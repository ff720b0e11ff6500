"""The Companies ranking (graph/companies.py) on the sample, on both backends. Expected values by hand from
data/sample: companies.jsonl gives the headquarters (GainJet GR, Intellexa Consortium GR, FinFisher DE, Nexa
Technologies FR, NSO Group IL, Sandvine CA) and the clients; cases.jsonl ref-0032 (2020, RW, a rendition,
physical) used GainJet's charter flight. No client in companies.jsonl has a supply period, so no sale is
evidence under the time-and-tactic rule and W = A = 0 for every company (docs/analyses.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import companies
from graph.analysis.complicity import TERMS, WEIGHTS, formula
from graph.companies import (
    RANKING_COLUMNS,
    company_ranking,
    evidence,
    hq_countries,
    jurisdiction_groups,
    technologies,
)
from graph.queries import QueryError
from tests.helpers import ROOT


def _rows(df, *cols):
    return [tuple(r) for r in df[list(cols)].itertuples(index=False)]


def test_eu_filter(sample_store):
    eu = company_ranking(sample_store, jurisdiction="EU")
    # Amesys (FR, client LY) and Hacking Team (IT, clients SD, ET) supplied no state with an incident here
    assert _rows(eu, "company_name", "hq", "score", "facilitated", "physical") == [
        ("GainJet", "GR", 4, 1, 1), ("Intellexa Consortium", "GR", 3, 1, 0),
        ("FinFisher", "DE", 0, 0, 0), ("Nexa Technologies", "FR", 0, 0, 0)]
    assert list(eu.columns) == list(RANKING_COLUMNS)
    assert list(eu.formula)[0] == "3*1 + 0 + 0 + 1 = 4"
    assert _rows(company_ranking(sample_store, jurisdiction="FR"), "company_name") == [("Nexa Technologies",)]
    assert company_ranking(sample_store, jurisdiction="Five Eyes").company_name.tolist() == ["Twitter", "Sandvine"]


def test_state_technology_and_every_score_from_its_terms(sample_store):
    sa = company_ranking(sample_store, state="SA")
    assert _rows(sa, "company_name", "score", "facilitated", "physical", "states") == [
        ("NSO Group", 7, 2, 1, ["SA"]), ("Twitter", 3, 1, 0, ["SA"])]
    intrusion = company_ranking(sample_store, technology="intrusion")
    assert intrusion.company_name.tolist() == ["NSO Group", "Intellexa Consortium", "FinFisher"]
    assert company_ranking(sample_store, technology="transport").company_name.tolist() == ["GainJet"]
    everything = company_ranking(sample_store)
    assert len(everything) == 8 and everything.score.is_monotonic_decreasing
    for r in everything.to_dict("records"):  # the page's explanation is the score's own arithmetic
        assert r["score"] == sum(WEIGHTS[col] * r[col] for col in TERMS)
    assert sorted(hq_countries(sample_store)) == hq_countries(sample_store)
    assert {"GR", "IL", "DE", "FR", "CA", "IT"} <= set(hq_countries(sample_store))


def test_evidence_of_one_company(sample_store):
    links = evidence(sample_store, "company-gainjet")
    facilitated = links[links.counts_as == "facilitated"]
    assert _rows(facilitated, "incident", "incidents", "state") == [("ref-0032", 1, "RW")]
    # its supply link to RW reaches RW's four incidents; with no supply period, all context:
    # ref-0002, ref-0004 (assassinations) alike, ref-0035 (spyware, family intimidation) apart, and
    # ref-0032 (a rendition) fits the charter flight but still has no period
    supply = links[links.counts_as != "facilitated"]
    assert set(supply.counts_as) == {"context"} and set(supply.state) == {"RW"}
    assert sorted(i for ids in supply.incident_ids for i in ids) == ["ref-0002", "ref-0004", "ref-0032", "ref-0035"]
    assert _rows(supply, "incidents", "why")[0] == (1, "no documented supply period")


def test_the_formula_is_the_code_s_and_the_docs():
    assert set(TERMS) == set(WEIGHTS)
    assert formula() == "score = 3·F + 1·W + 1·A + 1·P"
    assert formula() in (ROOT / "docs" / "analyses.md").read_text(encoding="utf-8")


def test_groups_are_iso_codes():
    groups = jurisdiction_groups()
    assert len(groups["EU"].members) == 27 and "GR" in groups["EU"].members and "GB" not in groups["EU"].members
    assert "NO" in groups["Wassenaar"].members and len(groups["Wassenaar"].members) == 42
    assert technologies()[0] == "intrusion"


def test_a_bad_group_file_names_file_group_and_member(tmp_path: Path, monkeypatch):
    bad = tmp_path / "jurisdiction_groups.yaml"
    bad.write_text("groups:\n  Nordic:\n    name: Nordic\n    members: [DK, NO, SE]\n", encoding="utf-8")
    monkeypatch.setattr(companies, "GROUPS_FILE", bad)
    jurisdiction_groups.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"jurisdiction_groups.yaml: group Nordic: member False is not"):
            jurisdiction_groups()
    finally:
        jurisdiction_groups.cache_clear()


def test_unknown_filters_say_what_is_expected(sample_store):
    with pytest.raises(QueryError, match="one of the groups EU, Wassenaar"):
        company_ranking(sample_store, jurisdiction="Europe")
    with pytest.raises(QueryError, match="expected one of intrusion"):
        company_ranking(sample_store, technology="lasers")
