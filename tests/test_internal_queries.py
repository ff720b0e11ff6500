"""The library's own queries (queries/internal/*.cypher): same header as the named ones, kept out of
`tnr queries`, and answering on both backends with the declared columns."""

from __future__ import annotations

import pytest

from graph.queries import INTERNAL_PACKAGE, load_library, run_internal
from tests.helpers import tnr

INTERNAL = sorted(load_library(INTERNAL_PACKAGE))
# The parameters of the internal queries that require some (values of the sample).
PARAMS = {"source_details": {"ids": ["file-5f1598dc99e94c6b"]}}


def test_internal_queries_are_not_named_queries():
    assert INTERNAL == ["actions_concerning_companies", "company_facets", "company_names", "completed_inputs",
                        "complicity_incidents", "country_keys", "data_version", "graph_version", "ingested_files",
                        "organization_names", "pseudonymised_persons", "source_details", "unfinished_inputs"]
    assert not set(INTERNAL) & set(load_library())
    listed = tnr("queries", "-f", "csv").stdout
    assert "company_names" not in listed and "cross_border_reach" in listed


@pytest.mark.parametrize("name", INTERNAL)
def test_each_answers_with_its_declared_columns(sample_store, name):
    df = run_internal(sample_store, name, PARAMS.get(name))  # raises if the columns differ from the header
    if name == "unfinished_inputs":  # the sample's load completed (tests/test_transaction.py makes one that did not)
        assert len(df) == 0
    else:
        assert len(df) > 0


def test_values_from_the_sample(sample_store):
    # companies.jsonl co-0009: GainJet, alias GainJet Aviation, product private charter flights, one lawsuit
    names = run_internal(sample_store, "company_names").set_index("id")
    assert names.loc["company-gainjet"].tolist() == ["GainJet", ["GainJet Aviation"], ["private charter flights"]]
    facets = run_internal(sample_store, "company_facets").set_index("company")
    gainjet = facets.loc["company-gainjet"].tolist()
    assert gainjet == [["GR"], "aviation_charter", ["private charter flights"], None]
    actions = run_internal(sample_store, "actions_concerning_companies").set_index("company")
    assert actions.loc["company-gainjet", "actions"] == 1
    # cases.jsonl ref-0032: Rwanda's rendition of Rusesabagina (physical, documented, attributed to the RIB);
    # 42 incidents in the sample, each attributed to one state
    incidents = run_internal(sample_store, "complicity_incidents").set_index("incident")
    assert len(incidents) == 42 and incidents.index.is_unique
    r = incidents.loc["ref-0032"]
    assert (r.state, r.year, r.attribution, r.physical) == ("RW", 2020, "documented", True)
    assert sorted(r.tactics) == ["abduction", "detention", "rendition"]
    assert r.agencies == ["org-rw-rwanda-investigation-bureau-rib"]
    # the graph's content for the subgraph cache: the three sample files, and data_version's counts
    version, counts = run_internal(sample_store, "graph_version").iloc[0], run_internal(sample_store, "data_version")
    assert list(counts.counted) == ["nodes", "relationships"]
    assert len(version.files) == 3 and [version.nodes, version.relationships] == list(counts.number)
    assert "RW" in set(run_internal(sample_store, "country_keys").iso2)
    # the three sample files, each completed: 9 companies, 4 UN reports, 42 cases; no rejects
    done = run_internal(sample_store, "completed_inputs")
    assert sorted(done.records) == [4, 9, 42] and set(done.rejected) == {0} and done.loaded_with.str.len().eq(64).all()
