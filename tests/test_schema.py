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
