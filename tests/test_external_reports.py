"""MVT catalogue, UN reprisals reports (reference set) and the Citizen Lab corpus; expected values
counted by hand from the files (see the comments)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph import ids
from graph.countries import resolve_country
from graph.store.embedded import EmbeddedStore
from ingest.external.citizenlab import Gazetteer
from ingest.pipeline import ingest
from ingest.resolve import CompanyResolver, Decisions
from tests.helpers import IN_CI, ROOT

EXTERNAL = ROOT.parent / "shared" / "data" / "external"
REFERENCE = ROOT.parent / "shared" / "data" / "reference"
needs_external = pytest.mark.skipif(not IN_CI and not EXTERNAL.exists(), reason=f"{EXTERNAL} not present (required in CI)")


@needs_external
def test_mvt_vendors_products_and_attributions(tmp_path):
    db = tmp_path / "mvt.lbug"
    with EmbeddedStore(db, write=True) as store:
        report = ingest(store, [EXTERNAL / "mvt-spyware-indicators"])
    assert report.rejected == 0
    with EmbeddedStore(db) as s:
        # indicators.yaml has 15 collections: 15 report Sources.
        assert s.rows("MATCH (r:Source {kind: 'report'}) RETURN count(r) AS c")[1] == [[15]]
        # 7 name a vendor: NSO (Pegasus), Cytrox/Intellexa (Predator), RCS Lab, Quadream, Wintego, Candiru, Cellebrite.
        assert s.rows("MATCH (c:Company) RETURN count(c) AS c")[1] == [[7]]
        # Predator is credited to Meta, Amnesty International, Citizen Lab, Cisco, Inside Story, iVerify.
        rows = s.rows("MATCH (o:Organization)-[a:ATTRIBUTED]->(c:Company {id: 'company-intellexa-consortium'}) "
                      "RETURN o.name AS org, a.product AS p ORDER BY org")[1]
        assert [r[0] for r in rows] == sorted(["Meta", "Amnesty International", "Citizen Lab", "Cisco", "Inside Story",
                                               "iVerify"], key=str)
        assert {r[1] for r in rows} == {"Predator"}


@pytest.mark.skipif(not IN_CI and not REFERENCE.exists(), reason="reference set not present")
def test_un_reports_from_the_reference_set(tmp_path):
    db = tmp_path / "un.lbug"
    with EmbeddedStore(db, write=True) as store:
        report = ingest(store, [REFERENCE / "un_reprisals_reports.jsonl"])
    assert report.rejected == 0
    with EmbeddedStore(db) as s:
        # un-0001 (2018): 6 named + 7 follow-up, overlapping in BH, EG, MA, SA -> 9 states;
        # un-0002 (2019): 10; un-0003: none named; un-0004 as in the file.
        rows = dict(s.rows("MATCH (a:AccountabilityAction {kind: 'un_naming'}) WHERE a.year IN [2018, 2019] "
                           "RETURN a.year AS y, count(a) AS c")[1])
        assert rows == {2018: 9, 2019: 10}


@needs_external
def test_citizenlab_reports_and_mentions(tmp_path):
    db = tmp_path / "cl.lbug"
    with EmbeddedStore(db, write=True) as store:
        report = ingest(store, [ROOT / "data" / "sample", EXTERNAL / "citizenlab-reports-corpus"])
    assert report.rejected == 0
    with EmbeddedStore(db) as s:
        # 141 reports in the corpus.
        assert s.rows("MATCH (r:Source {kind: 'report', publisher: 'Citizen Lab'}) RETURN count(r) AS c")[1] == [[141]]
        r = s.rows("MATCH (r:Source {url: 'https://citizenlab.org/2017/05/tainted-leaks-disinformation-phish/'}) "
                   "RETURN r.date AS d, r.authors AS a")[1]
        assert r == [["2017-05-25", ["Adam Hulcoop", "John Scott-Railton", "Peter Tanchak", "Matt Brooks", "Ron Deibert"]]]
        # "Hacking Team Reloaded?" (2015-03-09) names Hacking Team and Ethiopia.
        rows = s.rows("MATCH (r:Source {kind: 'report'})-[m:MENTIONS]->(c:Company {id: 'company-hacking-team'}), "
                      "(r)-[:MENTIONS]->(:Country {iso2: 'ET'}) WHERE r.title STARTS WITH 'Hacking Team Reloaded' "
                      "RETURN m.count AS n, m.snippet AS s")[1]
        assert len(rows) == 1 and rows[0][0] > 10 and "Hacking Team" in rows[0][1]


def test_gazetteer_word_boundaries_case_and_common_words():
    gaz = Gazetteer.build([("Company", "c-area", ["Area"]), ("Company", "c-nso", ["NSO Group", "NSO"]),
                           ("Country", "OM", ["Oman"])], corpus="the area is large; an area; one area")
    hits = gaz.find("NSO Group and NSO sold to Oman. Romania. nso. The Area of study.")
    assert hits[("Company", "c-nso")]["count"] == 2
    assert hits[("Country", "OM")]["count"] == 1  # not inside "Romania"
    assert ("Company", "c-area") not in hits  # "area" is a common word in the corpus


# --- property tests: name normalisation and resolution ---------------------------------------------

names = st.text(alphabet=string.ascii_letters + " ", min_size=3, max_size=20).filter(lambda s: s.strip())


@given(names, st.sampled_from(["Ltd", "Ltd.", "GmbH", "S.r.l.", "Inc.", "SpA", "AG", "LLC"]),
       st.sampled_from([str.upper, str.lower, str.title, lambda x: x]))
def test_legal_suffix_and_case_do_not_change_the_company(name, suffix, case):
    r = CompanyResolver(use_known_aliases=False)
    cid, _ = r.register(name)
    assert r.resolve(case(f"  {name} {suffix} "))[0] == cid


@given(names, names)
def test_a_forbidden_pair_never_merges(a, b):
    if ids.normalise_name(a) == ids.normalise_name(b):
        return
    r = CompanyResolver(Decisions(forbid={frozenset((ids.normalise_name(a), ids.normalise_name(b)))}),
                        use_known_aliases=False)
    r.register(a, aliases=[b])
    assert r.resolve(b)[0] != ids.company_id(a) or ids.company_id(a) == ids.company_id(b)


@given(st.sampled_from(["Hong kong", "Italia", "Norwat", "Türkiye", "UAE", "Kosovo", "XK", "GBR", "United kingdom",
                        "Cote d'ivoire", "South africa"]),
       st.sampled_from([str.upper, str.lower, lambda x: f"  {x} "]))
def test_country_spellings_resolve_whatever_the_case(name, form):
    assert resolve_country(form(name)) == resolve_country(name)


def test_fixture_provenance_file_exists():
    assert (Path(__file__).parent / "fixtures" / "external" / "README.md").exists()


@needs_external
def test_reports_linking_a_vendor_to_a_state(empty_store):
    from graph.queries import run_query
    from tests.helpers import SAMPLE

    assert ingest(empty_store, [SAMPLE, EXTERNAL / "citizenlab-reports-corpus"]).rejected == 0
    got = run_query(empty_store, "reports_linking", {"company": "company-hacking-team", "state": "ET"})
    # Read in the corpus: "Hacking Team and the Targeting of Ethiopian Journalists" (2014-02-12) names
    # Hacking Team throughout and Ethiopia in its title and text.
    row = got[got.url == "https://citizenlab.org/2014/02/hacking-team-targeting-ethiopian-journalists/"]
    assert len(row) == 1 and row.iloc[0].date == "2014-02-12"
    assert row.iloc[0].company_mentions > 10 and row.iloc[0].state_mentions > 1
    assert list(got.date) == sorted(got.date)
    assert run_query(empty_store, "reports_linking", {"company": "company-hacking-team", "state": "IS"}).empty


def test_ambiguous_short_names_need_context():
    gaz = Gazetteer.build([("Company", "c-rcs-lab", ["RCS Lab", "RCS"]), ("Company", "c-ht", ["Hacking Team"]),
                           ("Organization", "o-kgb", ["KGB"]), ("Country", "BY", ["Belarus"])],
                          context={("Organization", "o-kgb"): ("Country", "BY")})
    # "RCS" alone (Hacking Team's Remote Control System) is not RCS Lab; with "RCS Lab" nearby it is.
    assert set(gaz.find("Hacking Team's RCS spyware, RCS again.")) == {("Company", "c-ht")}
    hit = gaz.find("RCS Lab sells RCS.")[("Company", "c-rcs-lab")]
    assert hit["count"] == 2 and hit["terms"] == ["RCS Lab", "RCS"]
    # An agency's short name counts only when its state is named in the same text.
    assert ("Organization", "o-kgb") not in gaz.find("a former Soviet KGB officer")
    assert ("Organization", "o-kgb") in gaz.find("Belarus's KGB bought it")
