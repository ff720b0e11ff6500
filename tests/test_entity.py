"""graph/entity.py (what an entity page shows) on the sample, both backends, and the link rule it uses
(graph.safe_text.web_link). Expected values are read by hand from data/sample: companies.jsonl line 1
(NSO Group, co-0001) and cases.jsonl (the lines named below)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.entity import FACT_SOURCE_COLUMNS, RELATION_COLUMNS, SOURCE_COLUMNS, country_sides, entity_profile
from graph.safe_text import web_link
from graph.store.base import StoreError


def _grouped(rel):
    return {k: sorted(g.key) for k, g in rel.groupby("relationship")}


def test_nso_group(sample_store):
    p = entity_profile(sample_store, "company", "company-nso-group")
    assert (p.label, p.name) == ("Company", "NSO Group")
    props = dict(zip(p.properties.property, p.properties.value))
    assert props == {"id": "company-nso-group", "name": "NSO Group", "sector": "spyware", "products": "Pegasus",
                     "hq_country": "IL",
                     "aliases": "NSO Group Technologies, Q Cyber Technologies (parent named in Apple suit)"}
    assert list(p.relations.columns) == list(RELATION_COLUMNS)
    # cases.jsonl lines 10, 12, 27, 28 name NSO (Pegasus, spyware_vendor); co-0001's clients RW, SA, EG;
    # three actions against it: a 2019 lawsuit (WhatsApp), the 2021 Entity List listing and Apple's 2021 suit.
    assert _grouped(p.relations) == {
        "FACILITATED →": ["ref-0013", "ref-0016", "ref-0034", "ref-0035"],
        "HEADQUARTERED_IN →": ["IL"],
        "SUPPLIED →": ["EG", "RW", "SA"],
        "← CONCERNS": sorted(p.relations[p.relations.label == "AccountabilityAction"].key),
    }
    actions = p.relations[p.relations.relationship == "← CONCERNS"]
    assert sorted(zip(actions.year, actions.name)) == [(2019, "lawsuit"), (2021, "export_control"), (2021, "lawsuit")]
    facilitated = p.relations[p.relations.relationship == "FACILITATED →"]
    assert list(facilitated.year) == [2018, 2018, 2021, 2021]
    assert set(facilitated.facts) == {"product: Pegasus; role: spyware_vendor"}
    # each fact its own sources: the Rwanda client cites one page, and only that one
    rw = p.fact_sources[(p.fact_sources.relationship == "SUPPLIED →") & (p.fact_sources.name == "Rwanda")]
    assert list(rw.link) == ["https://glpost.com/hotel-rwanda-activists-daughter-placed-under-pegasus-surveillance"]
    assert list(p.fact_sources.columns) == list(FACT_SOURCE_COLUMNS)
    assert all(web_link(u) == u for u in p.fact_sources.link)
    # attribution of the node itself: the two sample files (with the records that named it) and web pages
    assert list(p.sources.columns) == list(SOURCE_COLUMNS)
    files = p.sources[p.sources.kind == "file"].set_index("source")
    assert files.records.to_dict() == {"cases.jsonl": ["line 10", "line 12", "line 27", "line 28"],
                                       "companies.jsonl": ["line 1"]}
    assert files.link.isna().all()
    web = p.sources[p.sources.kind == "web"]
    jurist = "https://jurist.org/news/2021/11/us-department-of-commerce-restricts-operations-of-israel-spyware-company"
    assert jurist in set(web.link)
    # timeline: incidents 2018 x2 and 2021 x2; actions 2019 x1 and 2021 x2
    assert [tuple(r) for r in p.timeline.itertuples(index=False)] == [
        (2018, "FACILITATED →", 2), (2019, "← CONCERNS", 1), (2021, "FACILITATED →", 2), (2021, "← CONCERNS", 2)]
    assert p.graph.number_of_nodes() == 1 + len(p.relations) and "Company:company-nso-group" in p.graph
    assert p.sides == {}


def test_iran(sample_store):
    p = entity_profile(sample_store, "country", "IR")
    assert (p.label, p.name) == ("Country", "Iran")
    assert dict(zip(p.properties.property, p.properties.value)) == {"iso2": "IR", "name": "Iran", "region": "Southern Asia"}
    # cases.jsonl lines 13, 18, 20, 23, 24 (documented) and 39 (ref-0052, suspected) have origin IR
    perpetrated = p.relations[p.relations.relationship == "← PERPETRATED_BY"]
    assert list(zip(perpetrated.key, perpetrated.year, perpetrated.facts)) == [
        ("ref-0017", 2018, "attribution: documented"), ("ref-0022", 2019, "attribution: documented"),
        ("ref-0025", 2019, "attribution: documented"), ("ref-0028", 2020, "attribution: documented"),
        ("ref-0030", 2020, "attribution: documented"), ("ref-0052", 2024, "attribution: suspected")]
    assert len(p.relations[p.relations.relationship == "← PART_OF"]) == 5  # five Iranian agencies named
    assert [tuple(r) for r in p.timeline.itertuples(index=False)] == [
        (2018, "← PERPETRATED_BY", 1), (2019, "← PERPETRATED_BY", 2), (2020, "← PERPETRATED_BY", 2),
        (2024, "← PERPETRATED_BY", 1)]
    assert list(p.sides["abroad"].host) == ["AE", "FR", "GB", "IQ", "TR", "US"]
    assert p.sides["on its soil"].empty  # no other state's incident in the sample happened in Iran


def test_country_sides_of_a_host(sample_store):
    """The United States as host (cases.jsonl: ref-0005 SA, ref-0008 and ref-0041 CN, ref-0028 IR, ref-0035 RW,
    ref-0045 IN, ref-0048 HK, all documented); abroad, no US incident in the sample."""
    sides = country_sides(sample_store, "US")
    soil = sides["on its soil"]
    assert list(zip(soil.origin, soil.incidents, soil.documented)) == [
        ("CN", 2, 2), ("HK", 1, 1), ("IN", 1, 1), ("IR", 1, 1), ("RW", 1, 1), ("SA", 1, 1)]
    assert list(soil[soil.origin == "CN"][["first_year", "last_year"]].iloc[0]) == [2016, 2022]
    assert sides["abroad"].empty


def test_an_agency_and_an_incident(sample_store):
    p = entity_profile(sample_store, "agency", "org-ir-islamic-revolutionary-guard-corps-irgc")
    assert p.label == "Organization" and p.name == "Islamic Revolutionary Guard Corps (IRGC)"
    assert _grouped(p.relations)["PART_OF →"] == ["IR"]
    i = entity_profile(sample_store, "incident", "ref-0052")
    assert _grouped(i.relations)["PERPETRATED_BY →"] == ["IR"] and _grouped(i.relations)["OCCURRED_IN →"] == ["GB"]
    assert (2024, "this incident", 1) in [tuple(r) for r in i.timeline.itertuples(index=False)]


@pytest.mark.parametrize(("kind", "key", "message"), [("company", "company-nope", "no company with id 'company-nope'"),
                                                      ("source", "x", "no entity kind 'source'")])
def test_unknown_kind_or_key_is_a_clear_error(sample_store, kind, key, message):
    with pytest.raises(StoreError, match=message):
        entity_profile(sample_store, kind, key)


@pytest.mark.parametrize("url", ["http://a@b/", "https://user:pw@citizenlab.ca/", "javascript:alert(1)",
                                 "data:text/html,x", "file:///etc/passwd", "//citizenlab.ca/", "ftp://h/", "http:///x",
                                 "https://:443/", "http://h:99999/", "http://a b/", "https://h/\x1b[31m",
                                 "https://h/\u202e", "http://h\\@evil/", "https://h/\n", " https://h/", None, 3])
def test_web_link_refuses(url):
    assert web_link(url) is None


@pytest.mark.parametrize("url", ["https://citizenlab.ca/2018/10/x/", "HTTP://H.example:8080/a?b=@c#d",
                                 "https://[2001:db8::1]/x", "https://dailythepatriot.com/?p=165383"])
def test_web_link_keeps(url):
    assert web_link(url) == url


@given(st.text(max_size=60))
def test_a_web_link_is_always_http_with_a_host_and_no_userinfo(text):
    for url in (text, "http://" + text, "https://h/" + text):
        got = web_link(url)
        if got is not None:
            parts = urlsplit(got)
            assert got == url and parts.scheme.lower() in ("http", "https") and parts.hostname
            assert "@" not in parts.netloc and not any(c.isspace() or ord(c) < 32 or c == "\\" for c in got)
