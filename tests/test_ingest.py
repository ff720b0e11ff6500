"""Ingest of the shipped sample and of small hand-made fixtures; expected values checked by hand
against data/sample/*.jsonl (see the comments)."""

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.pipeline import ingest
from tests.helpers import FIXTURES, SAMPLE, snapshot, tnr


def test_sample_counts(sample_store):
    c = sample_store.counts()
    # 42 lines in cases.jsonl, 9 in companies.jsonl; 14 tactics in the taxonomy.
    assert c["nodes"]["Incident"] == 42
    assert c["nodes"]["Tactic"] == 14
    # 9 companies in companies.jsonl + China Southern Airlines and Twitter, named only in cases
    # (Cytrox merges into Intellexa Consortium through its alias "Cytrox AD").
    assert c["nodes"]["Company"] == 11
    assert c["relationships"]["PERPETRATED_BY"] == 42  # every case in this copy names its origin_state
    assert c["relationships"]["OCCURRED_IN"] == 42
    # 13 of 42 cases have host_state_response "unknown": no RESPONDED_TO for them.
    assert c["relationships"]["RESPONDED_TO"] == 29
    # Every record is traced to its file: 3 file Sources.
    assert sample_store.rows("MATCH (s:Source {kind: 'file'}) RETURN count(s) AS c")[1] == [[3]]


def test_rwanda_incidents_by_hand(sample_store):
    # ref-0002 (ZA, 2010-06), ref-0004 (ZA, 2013-12-31), ref-0032 (AE, 2020-08-28), ref-0035 (US, 2021-01)
    rows = sample_store.rows(
        "MATCH (i:Incident)-[:PERPETRATED_BY]->(:Country {iso2: 'RW'}), (i)-[:OCCURRED_IN]->(h:Country) "
        "RETURN i.id AS id, h.iso2 AS host, i.date_precision AS p, i.year AS y ORDER BY id")[1]
    assert rows == [["ref-0002", "ZA", "month", 2010], ["ref-0004", "ZA", "day", 2013],
                    ["ref-0032", "AE", "day", 2020], ["ref-0035", "US", "month", 2021]]


def test_company_aliases_merge_and_keep_provenance(sample_store):
    # ref-0034 names "Cytrox" (MK); companies.jsonl lists "Cytrox AD" as an alias of Intellexa Consortium.
    rows = sample_store.rows(
        "MATCH (c:Company)-[f:FACILITATED]->(i:Incident {id: 'ref-0034'}) RETURN c.name AS n, f.product AS p ORDER BY n")[1]
    assert rows == [["Intellexa Consortium", "Predator"], ["NSO Group", "Pegasus"]]
    hq = sample_store.rows("MATCH (c:Company {id: 'company-intellexa-consortium'})-[:HEADQUARTERED_IN]->(h:Country) "
                           "RETURN h.iso2 AS hq ORDER BY hq")[1]
    assert hq == [["GR"], ["MK"]]  # GR from companies.jsonl, MK from the case (jurisdiction hopping kept)
    files = sample_store.rows("MATCH (c:Company {id: 'company-intellexa-consortium'})-[:SOURCED_FROM]->"
                              "(s:Source {kind: 'file'}) RETURN s.path AS p ORDER BY p")[1]
    assert files == [["cases.jsonl"], ["companies.jsonl"]]


def test_private_persons_are_pseudonymised(sample_store):
    # ref-0008 (Fox Hunt, US) names "Xu Jin" with public_figure false; ref-0007 names Gui Minhai, public.
    assert sample_store.rows("MATCH (p:Person) WHERE p.name CONTAINS 'Xu Jin' RETURN count(p) AS c")[1] == [[0]]
    rows = sample_store.rows("MATCH (:Incident {id: 'ref-0008'})-[:TARGETED]->(p:Person) "
                             "RETURN p.name AS n, p.pseudonymised AS ps, p.public_figure AS pf")[1]
    assert len(rows) == 1 and rows[0][0].startswith("Private person ") and rows[0][1:] == [True, False]
    assert sample_store.rows("MATCH (p:Person {name: 'Gui Minhai'}) RETURN p.pseudonymised AS ps")[1] == [[False]]


def test_un_reports_become_un_naming_actions(sample_store):
    # un-0002 (2019) names CN, RU, BH, CU, CO, EG, MM, PH, RW, TH.
    rows = sample_store.rows(
        "MATCH (a:AccountabilityAction {kind: 'un_naming', year: 2019})-[:CONCERNS]->(c:Country) "
        "RETURN c.iso2 AS iso2 ORDER BY iso2")[1]
    assert [r[0] for r in rows] == sorted(["CN", "RU", "BH", "CU", "CO", "EG", "MM", "PH", "RW", "TH"])


def test_every_relationship_names_its_source_record(sample_store):
    for rtype in sample_store.schema.rels:
        rows = sample_store.rows(f"MATCH ()-[r:{rtype}]->() WHERE r.source_record IS NULL RETURN count(r) AS c")[1]
        assert rows == [[0]], rtype


def test_ingesting_twice_changes_nothing(empty_store):
    assert ingest(empty_store, [SAMPLE]).rejected == 0
    first_counts, first = empty_store.counts(), snapshot(empty_store)
    assert first_counts["nodes"]["Incident"] == 42
    assert ingest(empty_store, [SAMPLE]).rejected == 0
    assert empty_store.counts() == first_counts
    assert snapshot(empty_store) == first


def test_five_bad_records_are_set_aside_and_the_good_ones_load(tmp_path, cli_store):
    args, env = cli_store
    rejects = tmp_path / "rejects.jsonl"
    res = tnr("ingest", str(FIXTURES / "cases_with_5_bad.jsonl"), *args, "--rejects", str(rejects), env=env)
    assert res.returncode == 1, res.stderr
    assert "5 record(s) rejected" in res.stderr
    got = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(r["line"], r["field"]) for r in got] == [
        (2, "tactics[1]"), (3, None), (5, "date"), (6, "host_state"), (7, "host_state_response")]
    assert "unknown tactic 'hacking_back'" in got[0]["reason"]
    assert got[1]["reason"].startswith("invalid JSON")
    assert "Atlantis" in got[3]["reason"]
    assert all(r["file"].endswith("cases_with_5_bad.jsonl") for r in got)
    # a record is kept (names redacted); a line that is not JSON is not copied: who it names cannot be told
    assert [bool(r["record"]) for r in got] == [True, False, True, True, True]
    res = tnr("stats", "--format", "json", *args, env=env)
    assert json.loads(res.stdout)["nodes"]["Incident"] == 3  # ref-0002, ref-0004, ref-0032


def _bundle_xlsx(tmp_path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for f in sorted((FIXTURES / "bundle").glob("*.csv")):
        ws = wb.create_sheet(f.stem)
        for row in csv.reader(f.open(encoding="utf-8")):
            ws.append(row)
    path = tmp_path / "bundle.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_bundle_loads_by_hand_counts(tmp_path, form, empty_store):
    src = FIXTURES / "bundle" if form == "csv" else _bundle_xlsx(tmp_path)
    assert ingest(empty_store, [src]).rejected == 0
    s = empty_store
    c = s.counts()
    assert {k: v for k, v in c["nodes"].items() if v} == {
        "Country": 2, "Incident": 1, "Tactic": 14, "Person": 1, "Organization": 1, "AccountabilityAction": 1,
        # one file Source per CSV (6) or one for the workbook, plus the one web page cited
        "Source": 7 if form == "csv" else 2}
    assert {k: v for k, v in c["relationships"].items() if v} == {
        "PERPETRATED_BY": 1, "OCCURRED_IN": 1, "USED_TACTIC": 1, "TARGETED": 1, "NATIONAL_OF": 1,
        "CONCERNS": 1, "TAKEN_BY": 1,
        # 6 node rows to their file, 3 rows citing the web page
        "SOURCED_FROM": 9}
    assert s.rows("MATCH (i:Incident)-[:OCCURRED_IN]->(c:Country) RETURN i.year AS y, i.month AS m, "
                  "i.date_precision AS p, c.name AS c")[1] == [[2006, 11, "day", "United Kingdom"]]


def test_bundle_relationship_to_a_missing_node_is_rejected(tmp_path, empty_store):
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "relationships.csv").write_text(
        "type,from_label,from_id,to_label,to_id\nOCCURRED_IN,Incident,ref-9999,Country,GB\n"
        "USED_TACTIC,Incident,ref-9999,Tactic,teleportation\n")
    report = ingest(empty_store, [bundle])
    assert [(r.line, r.field) for r in report.rejects] == [(2, "from_id"), (3, "from_id")]


def test_provenance_accumulates_across_ingests(empty_store, tmp_path):
    """A relationship asserted by two files, ingested one after the other, keeps both records and all URLs."""
    assert ingest(empty_store, [SAMPLE / "companies.jsonl"]).rejected == 0
    bundle = tmp_path / "more"
    bundle.mkdir()
    (bundle / "relationships.csv").write_text(
        "type,from_label,from_id,to_label,to_id,source_urls\n"
        "SUPPLIED,Company,company-nso-group,Country,SA,https://example.org/another-report\n")
    assert ingest(empty_store, [bundle]).rejected == 0
    assert ingest(empty_store, [bundle]).rejected == 0  # and again: nothing changes
    rows = empty_store.rows("MATCH (:Company {id: 'company-nso-group'})-[r:SUPPLIED]->(:Country {iso2: 'SA'}) "
                            "RETURN r.source_records AS recs, r.source_urls AS urls, r.basis AS basis")[1]
    assert len(rows) == 1
    recs, urls, basis = rows[0]
    # companies.jsonl line 1 (NSO Group) names SA as a client with the daddycow.com source; the bundle's row 2.
    assert [r.split(":", 1)[1] for r in recs] == ["line 1", "line 2"]
    assert urls == ["https://daddycow.com/livenewss/news/3693857/England-s-High-Court-orders-Saudi-Arabia-to-pay-3m-to-"
                    "dissident-over-Pegasus-hack", "https://example.org/another-report"]
    assert basis.startswith("English High Court accepted")  # the bundle's empty basis keeps the first one


def test_file_and_folder_hashes(tmp_path):
    import hashlib

    from ingest.pipeline import sha256_of

    (tmp_path / "d").mkdir()
    a = tmp_path / "d" / "a.jsonl"
    a.write_bytes(b'{"id": 1}\n')
    # a file: its plain sha256, the Source id's basis (unchanged from the hand-rolled loop)
    assert sha256_of(a) == hashlib.sha256(b'{"id": 1}\n').hexdigest()
    # a folder: relative path and sha256 of each file, so renaming a file changes it
    expected = hashlib.sha256(f"a.jsonl\0{sha256_of(a)}\n".encode()).hexdigest()
    assert sha256_of(tmp_path / "d") == expected
    a.rename(tmp_path / "d" / "b.jsonl")
    assert sha256_of(tmp_path / "d") != expected
