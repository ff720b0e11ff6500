"""Readers and a writer in separate real processes never see a half-written graph."""

import json
import subprocess
import sys
import time

from tests.helpers import ROOT, SAMPLE, load, tnr

HOLD_WRITE_LOCK = """
import sys, time
from graph.store.embedded import EmbeddedStore
s = EmbeddedStore(sys.argv[1], write=True)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
s.close()
"""


def test_reader_during_ingest_gets_a_clear_message(tmp_path):
    db = tmp_path / "t.lbug"
    load(db, SAMPLE)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(db), "5"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        res = tnr("stats", "--db", str(db), "--format", "json", env={"TNR_LOCK_TIMEOUT": "0.5"})
        assert res.returncode == 2
        assert "ingest in progress" in res.stderr and "Traceback" not in res.stderr
    finally:
        holder.wait(timeout=30)
    res = tnr("stats", "--db", str(db), "--format", "json")
    assert res.returncode == 0 and json.loads(res.stdout)["nodes"]["Incident"] == 42


def test_reads_while_ingesting_see_the_old_or_the_new_graph(tmp_path):
    db = tmp_path / "t.lbug"
    load(db, SAMPLE / "companies.jsonl")
    with_companies_only = 0
    writer = subprocess.Popen([sys.executable, "-m", "graph.cli", "ingest", str(SAMPLE), "--db", str(db)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        res = tnr("stats", "--db", str(db), "--format", "json", env={"TNR_LOCK_TIMEOUT": "0.2"})
        if res.returncode == 0:
            seen.add(json.loads(res.stdout)["nodes"]["Incident"])
        else:
            assert "ingest in progress" in res.stderr, res.stderr
            seen.add("busy")
        if writer.poll() is not None and 42 in seen:
            break
    assert writer.wait(timeout=60) == 0, writer.stderr.read()
    assert seen <= {with_companies_only, 42, "busy"}
    assert 42 in seen


def test_two_writers_one_waits(tmp_path):
    db = tmp_path / "t.lbug"
    load(db, SAMPLE / "companies.jsonl")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(db), "3"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        res = tnr("ingest", str(SAMPLE), "--db", str(db), env={"TNR_LOCK_TIMEOUT": "0.5"})
        assert res.returncode == 2 and "another process is using the database" in res.stderr
        res = tnr("ingest", str(SAMPLE), "--db", str(db), env={"TNR_LOCK_TIMEOUT": "30"})
        assert res.returncode == 0, res.stderr
    finally:
        holder.wait(timeout=30)
