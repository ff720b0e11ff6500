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
                        "country_keys", "data_version", "incident_physical", "ingested_files", "organization_names",
                        "pseudonymised_persons", "source_details", "unfinished_inputs"]
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
    # cases.jsonl ref-0032: a rendition (physical); 42 incidents in the sample
    physical = run_internal(sample_store, "incident_physical").set_index("incident")
    assert len(physical) == 42 and physical.loc["ref-0032", "physical"] is True
    assert "RW" in set(run_internal(sample_store, "country_keys").iso2)
    # the three sample files, each completed: 9 companies, 4 UN reports, 42 cases; no rejects
    done = run_internal(sample_store, "completed_inputs")
    assert sorted(done.records) == [4, 9, 42] and set(done.rejected) == {0} and done.loaded_with.str.len().eq(64).all()
