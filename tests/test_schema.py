from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.schema import ladybug_ddl, load_schema, neo4j_constraints, node_model, rel_model, schema_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_every_issue_fact_is_representable():
    s = load_schema()
    assert set(s.nodes) == {"Country", "Incident", "Tactic", "Person", "Organization", "Company",
                            "AccountabilityAction", "Source", "Transfer"}
    assert s.rels["PERPETRATED_BY"].props["attribution"].enum == ("documented", "suspected")
    assert s.rels["RESPONDED_TO"].props["response"].enum == (
        "cooperated", "failed_to_protect", "protected", "prosecuted", "expelled_diplomats")
    assert s.rels["SUPPLIED"].to_labels == ("Country", "Organization")
    assert set(s.rels["CONCERNS"].to_labels) == {"Incident", "Company", "Country", "Organization", "Person"}
    assert set(s.rels["SOURCED_FROM"].from_labels) == set(s.nodes) - {"Source"}
    assert len(s.tactics) == 14 and s.tactics["rendition"].physical and not s.tactics["spyware"].physical
    assert s.tactics["digital_attack"].label == "Digital attack (hacking, phishing)"  # a comma in a YAML flow map


def test_ladybug_ddl_has_a_table_per_label_and_type():
    ddl = ladybug_ddl(load_schema())
    # 9 labels (Transfer added with the SII import); 14 relationship types + 6 from issue 5 (OWNED_BY,
    # SUPPLIER_OF, TRANSFER_TO, EXPORTED_FROM, ATTRIBUTED, MENTIONS).
    assert len(ddl) == 9 + 20
    assert "CREATE REL TABLE IF NOT EXISTS SUPPLIED(FROM Company TO Country, FROM Company TO Organization, " \
           "product STRING, since STRING, until STRING, basis STRING, goods STRING[], year INT64, " \
           "completed STRING, basis_kind STRING, transfer_ids STRING[], source_record STRING, source_records STRING[], " \
           "source_urls STRING[])" in ddl


def test_neo4j_constraints_are_named_and_idempotent():
    stmts = neo4j_constraints(load_schema())
    uniques = [s for s in stmts if "IS UNIQUE" in s]
    assert len(uniques) == 9
    assert "CREATE CONSTRAINT country_iso2_unique IF NOT EXISTS FOR (n:Country) REQUIRE n.iso2 IS UNIQUE" in uniques


def test_validation_rejects_bad_values_and_unknown_fields():
    Incident = node_model("Incident")
    assert Incident(id="x", date="2019-05", year=2019).date == "2019-05"
    with pytest.raises(ValidationError, match="date"):
        Incident(id="x", date="May 2019")
    with pytest.raises(ValidationError, match="colour"):
        Incident(id="x", colour="red")
    with pytest.raises(ValidationError, match="response"):
        rel_model("RESPONDED_TO")(response="ignored")
    with pytest.raises(ValidationError, match="iso2"):
        node_model("Country")(iso2="gbr")


def test_schema_docs_are_generated_from_the_schema():
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == schema_markdown(load_schema()), \
        "docs/schema.md is stale: run `tnr schema markdown --write docs/schema.md`"


def test_bundle_templates_match_the_schema():
    import csv

    from openpyxl import load_workbook

    from ingest.bundle import template_rows

    templates = ROOT / "data" / "templates"
    book = load_workbook(templates / "tnr-bundle-template.xlsx", read_only=True)
    for sheet, columns in template_rows().items():
        with (templates / f"{sheet}.csv").open(encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == columns, f"{sheet}.csv is stale: run `make templates`"
        assert [c for c in next(book[sheet].iter_rows(values_only=True))] == columns, sheet


def test_display_hints_are_in_the_schema():
    s = load_schema()
    assert {label: n.caption for label, n in s.nodes.items()} == {
        "Country": ("name",), "Incident": ("id",), "Tactic": ("code",), "Person": ("name",), "Organization": ("name",),
        "Company": ("name",), "AccountabilityAction": ("kind",), "Source": ("url",), "Transfer": ("id",)}
    assert s.nodes["Country"].colour == "#66c2a5" and len({n.colour for n in s.nodes.values()}) == len(s.nodes)


@pytest.mark.parametrize(("hint", "error"), [("caption: [nickname]", "caption"), ('colour: "red"', "colour")])
def test_a_bad_display_hint_is_refused(tmp_path, hint, error):
    text = (ROOT / "graph" / "schema.yaml").read_text(encoding="utf-8")
    text = text.replace("    caption: [name]\n    colour: \"#66c2a5\"\n", f"    {hint}\n", 1)
    bad = tmp_path / "schema.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=f"Country: {error}"):
        load_schema(bad)


def _record_strategy(props):
    """Records over ``props``: each field absent, null, or a value near its rules (lengths at and past the cut,
    pattern look-alikes, padding, wrong types), plus now and then an unknown field."""
    from hypothesis import strategies as st

    near = st.one_of(st.text(max_size=12), st.sampled_from(["GB", "gb", " GB ", "GBR", "2019", "2019-05", "2019-5",
                                                             "2019-05-01\n", "https://x", "HTTPS://x y", "ftp://x",
                                                             "http:// x", "", "  "]),
                     st.integers(-3, 3000), st.booleans(), st.floats(allow_nan=False))
    def value(p):
        choices = [near, st.none()]
        if p.max_length:
            choices.append(st.integers(p.max_length - 1, p.max_length + 1).map(lambda n: "a" * n))
        if p.enum:
            choices.append(st.sampled_from(p.enum))
        if p.type == "STRING[]":
            choices.append(st.lists(near, max_size=4))
        return st.one_of(*choices)
    plain = st.sampled_from(["GB", "ref-1", "2019-05-01", "https://example.org/a"])  # often valid: keys, codes
    required = {n: st.one_of(plain, value(p)) for n, p in props.items() if p.required}
    optional = {n: value(p) for n, p in props.items() if not p.required}
    return st.fixed_dictionaries(required, optional={**optional, "unknown": st.just(1)})


@pytest.mark.parametrize("kind,name", [("node", n) for n in load_schema().nodes] +
                         [("rel", r) for r in load_schema().rels])
def test_the_fast_twin_accepts_only_what_the_schema_model_accepts(kind, name):
    """Ingest validates with the constraint twin first (ingest/batch.py): wherever it accepts a record, the
    schema's model must accept it too, with the same values."""
    from hypothesis import given, settings

    schema = load_schema()
    props = (schema.node(name) if kind == "node" else schema.rel(name)).props
    make = node_model if kind == "node" else rel_model

    @settings(max_examples=150, deadline=None)
    @given(_record_strategy(props))
    def check(record):
        try:
            fast = make(name, True).model_validate(record).__dict__
        except ValidationError:
            return
        assert make(name).model_validate(record).__dict__ == fast, record

    check()


def test_the_fast_twin_refuses_what_the_rules_refuse():
    Source, Country = node_model("Source", True), node_model("Country", True)
    assert Country.model_validate({"iso2": " GB "}).iso2 == "GB"
    for bad in ({"iso2": "gb"}, {"iso2": "GBR"}, {"iso2": "GB", "colour": "red"}):
        with pytest.raises(ValidationError):
            Country.model_validate(bad)
    with pytest.raises(ValidationError):
        Source.model_validate({"id": "s", "kind": "web", "url": "ftp://example.org"})
    limit = load_schema().node("Incident").props["summary"].max_length
    with pytest.raises(ValidationError):
        node_model("Incident", True).model_validate({"id": "x", "summary": "a" * (limit + 1)})
