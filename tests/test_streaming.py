"""The streaming ingest (ingest/writer.py, ingest/pipeline.py): the graph does not depend on the chunk size,
and a re-ingest skips what it can prove unchanged, on both backends."""

from __future__ import annotations

import shutil

import pytest

from graph.store.embedded import EmbeddedStore
from graph.store.snapshot import graph_hash
from ingest import writer as ingest_writer
from ingest.pipeline import ingest, input_fingerprint, settings_fingerprint
from ingest.resolve import Decisions
from tests.helpers import FIXTURES, IN_CI, ROOT, SAMPLE

# the sample, a spreadsheet bundle (with its bad rows) and SII records: every kind of record a chunk can cut
INPUTS = [SAMPLE, FIXTURES / "bundle", FIXTURES / "external" / "sii"]
EXTERNAL = ROOT.parent / "shared" / "data" / "external"


def _load(store, paths, chunk, monkeypatch):
    monkeypatch.setattr(ingest_writer, "CHUNK_RECORDS", chunk)
    report = ingest(store, paths)
    return graph_hash(store), sorted(map(str, report.rejects))


def test_the_chunk_size_does_not_change_the_graph(empty_store, monkeypatch):
    small = _load(empty_store, INPUTS, 7, monkeypatch)
    empty_store.clear()
    whole = _load(empty_store, INPUTS, 100_000, monkeypatch)
    assert small == whole
    assert whole[1], "the bundle fixture's bad rows are rejected either way"


def test_the_chunk_size_does_not_change_the_graph_of_the_external_data(tmp_path, monkeypatch):
    # Citizen Lab's gazetteer is built from the graph, so the chunks before it must be in the store.
    if not EXTERNAL.exists():
        if IN_CI:
            pytest.fail(f"{EXTERNAL} missing")
        pytest.skip(f"{EXTERNAL} not present (required in CI)")
    hashes = []
    for chunk in (2_000, 1_000_000):
        with EmbeddedStore(tmp_path / f"c{chunk}.lbug", write=True) as store:
            hashes.append(_load(store, [SAMPLE, EXTERNAL], chunk, monkeypatch))
    assert hashes[0] == hashes[1]


def test_an_unchanged_input_is_skipped_and_a_changed_one_read(empty_store, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    first = ingest(empty_store, [data])
    clean = graph_hash(empty_store)
    again = ingest(empty_store, [data])
    assert [f.skipped for f in again.files] == [True, True, True]
    # what the skipped inputs held, as their completed load recorded it: 9 companies, 4 UN reports, 42 cases
    assert sorted((f.records, f.rejected) for f in again.files) == sorted((f.records, f.rejected) for f in first.files)
    assert sorted(f.records for f in again.files) == [4, 9, 42] and graph_hash(empty_store) == clean
    forced = ingest(empty_store, [data], force=True)
    assert not any(f.skipped for f in forced.files) and graph_hash(empty_store) == clean
    cases = data / "cases.jsonl"
    cases.write_text(cases.read_text().replace("Rwanda", "Rwanda ", 1))  # same facts, other bytes
    changed = {f.path.rsplit("/", 1)[-1]: f.skipped for f in ingest(empty_store, [data]).files}
    assert changed == {"companies.jsonl": True, "un_reprisals_reports.jsonl": True, "cases.jsonl": False}


def test_the_fingerprint_follows_the_settings(tmp_path):
    plain = settings_fingerprint(False, Decisions())
    assert plain == settings_fingerprint(False, Decisions())
    assert plain != settings_fingerprint(True, Decisions())
    decisions = tmp_path / "decisions.yaml"
    decisions.write_text("forbid: []\n")
    other = Decisions.load(decisions)
    assert settings_fingerprint(False, other) != plain
    assert input_fingerprint("cases", "ab" * 32, plain) != input_fingerprint("companies", "ab" * 32, plain)


def test_the_cli_says_what_it_skipped(cli_store, tmp_path):
    from tests.helpers import tnr

    args, env = cli_store
    assert tnr("ingest", str(SAMPLE), *args, "--rejects", str(tmp_path / "r.jsonl"), env=env).returncode == 0
    res = tnr("ingest", str(SAMPLE), *args, "--rejects", str(tmp_path / "r.jsonl"), env={**env, "COLUMNS": "400"})
    assert res.returncode == 0, res.stderr
    said = res.stdout + res.stderr
    assert said.count("unchanged since its last load, skipped") == 3
    assert "cases.jsonl (cases): unchanged since its last load, skipped (42 records, 0 rejected then" in said
