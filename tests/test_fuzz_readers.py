"""Fuzzing every reader and validator through the real ingest (issue 14).

Each input format gets generated files: arbitrary bytes, invalid UTF-8, BOMs, CRLF, NUL, huge fields,
wrong types, deep nesting, unknown countries and tactics, impossible dates, duplicate ids with conflicting
data and dangling references, mixed with records that are valid. For every input, ``ingest`` either loads
it or refuses the whole file with an :class:`IngestError` naming it (never another exception), every
record is counted once as loaded or rejected, every reject names its file, record and reason, and every
valid record is in the graph.

``TNR_FUZZ_EXAMPLES`` sets the number of generated inputs per reader (default 60 in ``make test``; the full
count is ``TNR_FUZZ_EXAMPLES=1000 .venv/bin/python -m pytest tests/test_fuzz_readers.py``, docs/reliability.md).
"""

from __future__ import annotations

import csv
import io
import json
import os
import string
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.store.embedded import EmbeddedStore
from ingest.pipeline import IngestError, ingest
from tests.helpers import FIXTURES, SAMPLE

EXAMPLES = int(os.environ.get("TNR_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") is not None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

SAMPLE_CASES = [json.loads(line) for line in (SAMPLE / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
SII_COMPANIES = json.loads((FIXTURES / "external" / "sii" / "companies.json").read_text(encoding="utf-8"))
SII_TRANSFERS = json.loads((FIXTURES / "external" / "sii" / "transfers.json").read_text(encoding="utf-8"))

# --- building blocks -------------------------------------------------------------------------

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "\ufeff", "\r\n", "2023-13-45", "0000-00-00", "9999-99", "XX", "Atlantis",
                     "<script>x</script>", "=1+1", "[/bold]", "\x1b[31m", "null", "NaN", "-1", "1e309"]),
    st.just("A" * 200_000),
)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), nasty_text)
json_value = st.recursive(
    json_scalar, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3),
    max_leaves=8)
deep = st.integers(min_value=50, max_value=100_000).map(lambda n: "[" * n + "]" * n)


@st.composite
def mutated(draw, base: dict) -> dict:
    """``base`` with a few fields replaced by wrong types, nasty strings or removed."""
    rec = json.loads(json.dumps(base))
    for key in draw(st.lists(st.sampled_from(sorted(rec)), min_size=1, max_size=3, unique=True)):
        action = draw(st.sampled_from(["value", "drop", "nest"]))
        if action == "drop":
            rec.pop(key)
        elif action == "nest":
            rec[key] = {"deep": [[[[[rec.get(key)]]]]]}
        else:
            rec[key] = draw(json_value)
    return rec


@st.composite
def valid_case(draw, n: int) -> dict:
    base = dict(draw(st.sampled_from(SAMPLE_CASES)))
    return {**base, "id": f"fuzz-{n:04d}-{draw(st.integers(0, 10**9))}"}


def _raw_line(value) -> bytes:
    return value if isinstance(value, bytes) else json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


@st.composite
def case_file(draw) -> tuple[bytes, list[str]]:
    """A cases.jsonl with valid cases (their ids returned) among broken lines, in one of several encodings."""
    lines, good = [], []
    for n in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["good", "mutated", "bytes", "scalar", "deep", "duplicate"]))
        if kind == "good":
            rec = draw(valid_case(n))
            good.append(rec["id"])
            lines.append(_raw_line(rec))
        elif kind == "mutated":
            lines.append(_raw_line(draw(mutated(draw(st.sampled_from(SAMPLE_CASES))))))
        elif kind == "bytes":
            lines.append(draw(st.binary(max_size=60)).replace(b"\n", b" "))
        elif kind == "scalar":
            lines.append(_raw_line(draw(json_scalar)))
        elif kind == "deep":
            lines.append(draw(deep).encode())
        elif good:  # the same id again with conflicting data
            lines.append(_raw_line({**SAMPLE_CASES[0], "id": good[-1], "host_state": "Atlantis"}))
    sep = draw(st.sampled_from([b"\n", b"\r\n"]))
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + sep.join(lines) + sep, good


# --- the invariant ---------------------------------------------------------------------------


def check(stores: FuzzStore, paths: list[Path], source_type: str | None = None, good: list[str] = ()):
    """Ingest ``paths``: no exception but IngestError (naming the input), every record accounted for,
    every reject explained, every valid incident loaded. Returns the report (None if refused whole)."""
    store = stores.next()
    try:
        report = ingest(store, paths, source_type)
    except IngestError as e:
        assert any(p.name in str(e) for p in paths), f"the refusal does not name the input: {e}"
        assert not good, f"valid records {good} were refused with the whole file: {e}"
        return None
    for r in report.rejects:
        assert r.file and r.line is not None and r.reason, r
        assert len(str(r)) < 5_000, "a reject message must not echo a huge field"
    assert report.records >= report.rejected
    if good:
        _, rows = store.rows("MATCH (i:Incident) WHERE i.id IN $ids RETURN i.id", {"ids": list(good)})
        assert sorted(r[0] for r in rows) == sorted(set(good))
    return report


class FuzzStore:
    """One database for every generated input of a test, closed and opened again every ``REOPEN`` ingests: an open
    Ladybug database keeps about 18 MiB more with each ingest until it is closed (docs/reliability.md, section 4),
    so 1,000 inputs into one open store filled the machine's memory."""

    REOPEN = 20

    def __init__(self, path: Path):
        self.path, self.store, self.ingests = path, None, 0

    def next(self) -> EmbeddedStore:
        if self.store is None or self.ingests % self.REOPEN == 0:
            self.close()
            self.store = EmbeddedStore(self.path, write=True)
        self.ingests += 1
        return self.store

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


@pytest.fixture()
def fuzz_store(tmp_path):
    stores = FuzzStore(tmp_path / "fuzz.lbug")
    yield stores
    stores.close()


def _fresh(tmp_path: Path) -> Path:
    """A new folder per generated input (hypothesis runs every example in the same tmp_path)."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    return folder


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = _fresh(tmp_path) / name
    path.write_bytes(data)
    return path


# --- one test per reader -------------------------------------------------------------------------


@FUZZ
@given(case_file())
def test_case_jsonl(fuzz_store, tmp_path, generated):
    data, good = generated
    check(fuzz_store, [_write(tmp_path, "cases.jsonl", data)], "cases", good)


@FUZZ
@given(st.lists(st.one_of(st.builds(dict, report_year=json_value, symbol=nasty_text,
                                    states_named_in_sources=st.lists(nasty_text, max_size=3)),
                          st.dictionaries(st.text(max_size=10), json_value, max_size=4)), max_size=5))
def test_un_reports_jsonl(fuzz_store, tmp_path, recs):
    data = b"\n".join(_raw_line(r) for r in recs) + b"\n"
    check(fuzz_store, [_write(tmp_path, "un.jsonl", data)], "un_reports")


@FUZZ
@given(st.lists(st.one_of(st.builds(dict, name=nasty_text, hq_country=nasty_text, aliases=json_value, clients=json_value),
                          st.dictionaries(st.text(max_size=10), json_value, max_size=4)), max_size=5))
def test_companies_jsonl(fuzz_store, tmp_path, recs):
    data = b"\n".join(_raw_line(r) for r in recs) + b"\n"
    check(fuzz_store, [_write(tmp_path, "companies.jsonl", data)], "companies")


BUNDLE_SHEETS = {
    "Country.csv": ["iso2", "name", "region", "source_urls"],
    "Incident.csv": ["id", "date", "summary", "physical", "year", "source_urls"],
    "relationships.csv": ["type", "from_label", "from_id", "to_label", "to_id", "attribution"],
}
cell = st.one_of(nasty_text, st.sampled_from(["RW", "ZA", "Rwanda", "yes", "maybe", "2019", "2019-05-14",
                                              "OCCURRED_IN", "Incident", "Country", "b1", "b2", "nowhere"]))


@st.composite
def bundle_tables(draw) -> dict[str, list[list[str]]]:
    tables = {}
    for name, header in BUNDLE_SHEETS.items():
        head = draw(st.sampled_from([header, [*header, "unknown_column"], header[:2]]))
        tables[name] = [head, *draw(st.lists(st.lists(cell, min_size=len(head), max_size=len(head)), max_size=4))]
    # one valid incident with a valid relationship, always present
    tables["Incident.csv"].append(["fuzz-b1", "2019-05", "a summary", "no", "", ""][:len(tables["Incident.csv"][0])])
    return tables


@FUZZ
@given(bundle_tables(), st.sampled_from(["\n", "\r\n"]), st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
       st.binary(max_size=30))
def test_bundle_csv(fuzz_store, tmp_path, tables, newline, encoding, junk):
    folder = _fresh(tmp_path) / "bundle"
    folder.mkdir()
    for name, rows in tables.items():
        buf = io.StringIO()
        csv.writer(buf, lineterminator=newline).writerows(rows)
        (folder / name).write_bytes(buf.getvalue().encode(encoding, "replace") + junk.replace(b"\n", b""))
    check(fuzz_store, [folder], None)


@FUZZ
@given(bundle_tables())
def test_bundle_xlsx(fuzz_store, tmp_path, tables):
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        ws = wb.create_sheet(name.removesuffix(".csv"))
        for row in rows:  # a workbook cannot hold C0 control characters (openpyxl refuses them)
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    path = _fresh(tmp_path) / "bundle.xlsx"
    wb.save(path)
    check(fuzz_store, [path], None)


@FUZZ
@given(st.binary(max_size=200))
def test_bundle_xlsx_arbitrary_bytes(fuzz_store, tmp_path, data):
    check(fuzz_store, [_write(tmp_path, "bundle.xlsx", data)], None)


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(SII_COMPANIES + SII_TRANSFERS).flatmap(mutated),
                          st.sampled_from(SII_COMPANIES + SII_TRANSFERS), json_value), max_size=5),
       st.sampled_from(["list", "object", "deep", "bytes"]), st.binary(max_size=40))
def test_sii(fuzz_store, tmp_path, recs, shape, junk):
    folder = _fresh(tmp_path) / "sii"
    folder.mkdir()
    companies = [r for r in recs if isinstance(r, dict) and r.get("bibtex_type") == "Company"]
    transfers = [r for r in recs if not (isinstance(r, dict) and r.get("bibtex_type") == "Company")]
    body = {"list": lambda v: json.dumps(v).encode(), "object": lambda v: json.dumps({"records": v}).encode(),
            "deep": lambda v: ("[" * 20_000 + "]" * 20_000).encode(), "bytes": lambda v: junk}[shape]
    (folder / "companies.json").write_bytes(json.dumps(companies or SII_COMPANIES[:1]).encode())
    (folder / "transfers.json").write_bytes(body(transfers))
    check(fuzz_store, [folder], "sii")


mvt_collection = st.fixed_dictionaries({"name": nasty_text}, optional={
    "references": json_value, "organisations": json_value, "stix2_url": nasty_text, "type": nasty_text})


@FUZZ
@given(st.one_of(st.lists(st.one_of(mvt_collection, json_value), max_size=4).map(lambda v: {"indicators": v}),
                 json_value), st.booleans())
def test_mvt(fuzz_store, tmp_path, doc, as_yaml):
    text = yaml.safe_dump(doc, allow_unicode=True) if as_yaml else json.dumps(doc)
    path = _write(tmp_path, "indicators.yaml", text.encode("utf-8", "surrogatepass"))
    check(fuzz_store, [path], "mvt")


citizenlab_report = st.fixed_dictionaries({"report_link": nasty_text}, optional={
    "title": nasty_text, "date": nasty_text, "text": nasty_text, "description": nasty_text, "authors": json_value})


@FUZZ
@given(st.one_of(st.lists(st.one_of(citizenlab_report, json_value), max_size=4), json_value, deep),
       st.sampled_from(["", "\ufeff"]))
def test_citizenlab(fuzz_store, tmp_path, doc, bom):
    text = doc if isinstance(doc, str) and doc.startswith("[[") else json.dumps(doc)
    path = _write(tmp_path, "raw_citizenlab_report_data.json", (bom + text).encode("utf-8", "surrogatepass"))
    check(fuzz_store, [path], "citizenlab")


# --- hand-picked inputs whose outcome is known exactly --------------------------------------------


@pytest.mark.parametrize("data,loaded,rejected", [
    (b"\xff\xfe not utf-8\n" + json.dumps(SAMPLE_CASES[0]).encode() + b"\n", 1, 1),  # invalid UTF-8 on line 1
    (b"\xef\xbb\xbf" + json.dumps(SAMPLE_CASES[0]).encode() + b"\r\n", 1, 0),  # BOM and CRLF are fine
    (json.dumps({**SAMPLE_CASES[0], "date": "2023-13-45"}).encode() + b"\n", 0, 1),  # impossible date
    (("[" * 100_000 + "]" * 100_000).encode() + b"\n" + json.dumps(SAMPLE_CASES[1]).encode() + b"\n", 1, 1),  # deep
    (json.dumps({**SAMPLE_CASES[0], "tactics": ["teleportation"]}).encode() + b"\n", 0, 1),  # unknown tactic
    (json.dumps({**SAMPLE_CASES[0], "host_state": "Atlantis"}).encode() + b"\n", 0, 1),  # unknown country
    (json.dumps({**SAMPLE_CASES[0], "summary": "a\x00b"}).encode() + b"\n", 1, 0),  # NUL inside a string is text
])
def test_known_outcomes(fuzz_store, tmp_path, data, loaded, rejected):
    report = check(fuzz_store, [_write(tmp_path, "cases.jsonl", data)], "cases")
    assert (report.records - report.rejected, report.rejected) == (loaded, rejected), [str(r) for r in report.rejects]


def test_rejects_name_the_field(fuzz_store, tmp_path):
    bad = {**SAMPLE_CASES[0], "id": "fuzz-field", "tactics": ["spyware", "teleportation"]}
    report = check(fuzz_store, [_write(tmp_path, "cases.jsonl", json.dumps(bad).encode())], "cases")
    [r] = report.rejects
    assert (r.line, r.field) == (1, "tactics[1]") and "teleportation" in r.reason


def test_printable_alphabet_is_loaded(fuzz_store, tmp_path):
    """Any printable text in a free-text field is data, never a reason to reject."""
    rec = {**SAMPLE_CASES[0], "id": "fuzz-text", "summary": string.printable * 3}
    check(fuzz_store, [_write(tmp_path, "cases.jsonl", json.dumps(rec).encode())], "cases", ["fuzz-text"])


FTM_ENTITIES = [json.loads(line) for line in
                (FIXTURES / "ftm" / "entity_list_and_ofac.ftm.jsonl").read_text(encoding="utf-8").splitlines() if line]
ftm_entity = st.one_of(
    st.sampled_from(FTM_ENTITIES),
    st.sampled_from(FTM_ENTITIES).flatmap(mutated),
    st.builds(dict, id=nasty_text, schema=st.sampled_from(["Company", "Person", "Sanction", "Ownership", "Nope", ""]),
              properties=st.dictionaries(st.sampled_from(["name", "country", "jurisdiction", "owner", "asset", "x"]),
                                         st.one_of(st.lists(nasty_text, max_size=2), json_value), max_size=3)))


@FUZZ
@given(st.lists(st.one_of(ftm_entity, json_value), min_size=1, max_size=6), st.binary(max_size=20))
def test_ftm_jsonl(fuzz_store, tmp_path, recs, junk):
    data = b"\n".join(_raw_line(r) for r in recs) + b"\n" + junk.replace(b"\n", b"") + b"\n"
    check(fuzz_store, [_write(tmp_path, "entities.ftm.jsonl", data)], "ftm")


@FUZZ
@given(st.lists(st.lists(cell, min_size=3, max_size=3), max_size=5),
       st.lists(st.lists(cell, min_size=3, max_size=3), max_size=5), st.binary(max_size=20))
def test_admin_csv(fuzz_store, tmp_path, node_rows, rel_rows, junk):
    folder = _fresh(tmp_path) / "admin"
    folder.mkdir()
    for name, header, rows in (("nodes_Country.csv", ["iso2:ID(Country)", ":LABEL", "name"], node_rows),
                               ("rels_OCCURRED_IN.csv", [":START_ID(Incident)", ":END_ID(Country)", ":TYPE"], rel_rows)):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, *rows])
        (folder / name).write_bytes(buf.getvalue().encode("utf-8", "replace") + junk)
    check(fuzz_store, [folder], "admin_csv")
