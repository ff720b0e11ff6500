"""Partial input (issue 14): an ingest of several files where one cannot be read, or fails part-way through,
stops with one line naming that file (exit status 2) and loads nothing from it: all of a file or none of it.

What the others get (docs/reliability.md): on the embedded store nothing of the ingest is written (one
transaction); on Neo4j the inputs before the bad one in load order are loaded whole and marked complete, and the
bad one loads nothing, so re-running the same ingest once the file is fixed completes it.

The unreadable file is mode 000. Root reads it anyway, so as root the ``tnr`` child runs without the
capabilities that let root ignore file modes (``setpriv --bounding-set -dac_override,-dac_read_search``).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ingest.bundle import sheet_names
from tests.helpers import FIXTURES, ROOT, SAMPLE, one_error_line

ROOT_USER = os.geteuid() == 0


def _hash(args: list[str], env: dict) -> str:
    """The graph's hash as a writer's store sees it (on Neo4j past the marker a failed ingest leaves for readers)."""
    code = ("import sys; from graph.store import open_store; from graph.store.snapshot import graph_hash\n"
            "with open_store(sys.argv[1] or None, write=True, backend=sys.argv[2]) as s:\n"
            "    s.ensure_schema(); print(graph_hash(s))")
    db, backend = (args[1], "embedded") if args[0] == "--db" else ("", "neo4j")
    res = subprocess.run([sys.executable, "-c", code, db, backend], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, **env}, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


def _ingest(args, env, *paths, extra=(), run_env=None, wrap=()):
    cmd = [*wrap, sys.executable, "-m", "graph.cli", "ingest", *map(str, paths), *args, *extra]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env, **(run_env or {})},
                          timeout=300)


def _unreadable_wrapper() -> tuple[list[str], str]:
    if not ROOT_USER:
        return [], "chmod 000"
    if not shutil.which("setpriv"):
        pytest.skip("as root a mode-000 file is readable; setpriv (util-linux) is needed to drop that capability")
    probe = subprocess.run(["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot drop capabilities here: {probe.stderr.strip()}")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"], "chmod 000, run without CAP_DAC_OVERRIDE"


def test_an_unreadable_file_stops_the_ingest_by_name(cli_store, tmp_path, record_property):
    args, env = cli_store
    args = [*args, "--rejects", str(tmp_path / "r.jsonl")]
    wrap, how = _unreadable_wrapper()
    record_property("unreadable_by", how)
    folder = tmp_path / "in"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("README*"))
    bad = folder / "more_cases.jsonl"
    shutil.copy(SAMPLE / "cases.jsonl", bad)
    bad.chmod(0)
    before = _hash(args, env)
    try:
        for paths, extra in (([folder], ()), ([folder / "cases.jsonl", bad], ("--source-type", "cases"))):
            res = _ingest(args, env, *paths, extra=extra, wrap=wrap)
            one_error_line(res, f"{bad}: Permission denied")
            assert _hash(args, env) == before  # nothing of the ingest, the readable files included
    finally:
        bad.chmod(0o600)
    res = _ingest(args, env, folder)  # readable again: the same ingest loads
    assert res.returncode == 0, res.stderr


def test_a_folder_in_place_of_a_file_stops_the_ingest_by_name(cli_store, tmp_path):
    args, env = cli_store
    args = [*args, "--rejects", str(tmp_path / "r.jsonl")]
    folder = tmp_path / "in"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("README*"))
    (folder / "more_cases.jsonl").mkdir()
    before = _hash(args, env)
    one_error_line(_ingest(args, env, folder), f"{folder / 'more_cases.jsonl'}: no .jsonl")
    assert _hash(args, env) == before


def _workbook_cut_short(out: Path) -> Path:
    """tests/fixtures/analysis as one .xlsx whose last sheet (relationships) is cut off in the middle of a row: its
    first rows parse, then the reader fails."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    names = [s for s in sheet_names() if (FIXTURES / "analysis" / f"{s}.csv").exists()]
    for name in names:
        ws = wb.create_sheet(name)
        with open(FIXTURES / "analysis" / f"{name}.csv", newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                ws.append(row)
    whole = out.with_suffix(".whole.xlsx")
    wb.save(whole)
    last = f"xl/worksheets/sheet{len(names)}.xml"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == last:
                assert data.count(b"<row ") > 10
                data = data[: data.index(b"<row ", len(data) // 2) + 40]  # inside a row, half-way through the sheet
            dst.writestr(info.filename, data)
    return out


def test_a_workbook_cut_short_loads_nothing(cli_store, tmp_path):
    """Pseudonymising (the default) reads every name of the input before the first write, so the damaged sheet is
    found before anything is written, on both backends."""
    args, env = cli_store
    args = [*args, "--rejects", str(tmp_path / "r.jsonl")]
    book = _workbook_cut_short(tmp_path / "analysis.xlsx")
    before = _hash(args, env)
    res = _ingest(args, env, SAMPLE / "un_reprisals_reports.jsonl", book)
    one_error_line(res, f"{book}: sheet relationships cannot be read after row", "cut short")
    assert _hash(args, env) == before


def test_a_workbook_cut_short_while_writing_loads_none_of_it(cli_store, tmp_path):
    """--keep-private-names reads no names first, so the damaged sheet is found while the workbook's records are
    mapped (in chunks of 3 here). Every chunk is set aside on disk (ingest/spill.py) and nothing is written before
    every input is read whole, so the failure writes nothing, the file before it included, on both backends (until
    the spill-then-write, Neo4j kept the chunks mapped before the damage)."""
    args, env = cli_store
    args = [*args, "--rejects", str(tmp_path / "r.jsonl")]
    book = _workbook_cut_short(tmp_path / "analysis.xlsx")
    before = _hash(args, env)
    res = _ingest(args, env, SAMPLE / "un_reprisals_reports.jsonl", book, extra=("--keep-private-names",),
                  run_env={"TNR_INGEST_CHUNK": "3"})
    one_error_line(res, f"{book}: sheet relationships cannot be read after row")
    assert _hash(args, env) == before


def test_a_rebuild_from_a_damaged_workbook_keeps_the_old_graph(cli_store, tmp_path):
    """``tnr ingest --rebuild`` empties the graph, but not before its input is read: a workbook found damaged while it
    is read leaves the old graph whole, and readers see it as it was (no failed ingest to report). Until this, Neo4j
    deleted the graph first, so the failed rebuild left it empty."""
    args, env = cli_store
    args = [*args, "--rejects", str(tmp_path / "r.jsonl")]
    res = _ingest(args, env, SAMPLE / "un_reprisals_reports.jsonl")
    assert res.returncode == 0, res.stderr
    before = _hash(args, env)
    book = _workbook_cut_short(tmp_path / "analysis.xlsx")
    res = _ingest(args, env, book, extra=("--rebuild", "--keep-private-names"), run_env={"TNR_INGEST_CHUNK": "3"})
    one_error_line(res, f"{book}: sheet relationships cannot be read after row")
    assert _hash(args, env) == before
    read = _tnr_read(args[:2], env, "stats", "--hash")
    assert read.returncode == 0 and read.stdout.split()[-1] == before, (read.stdout, read.stderr)


def _tnr_read(args: list[str], env: dict, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph.cli", *command, *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **env}, timeout=120)


def test_an_input_after_the_report_corpus_is_read_before_anything_is_written(cli_store, tmp_path):
    """The Citizen Lab corpus is matched against the graph, so the inputs before it are written before it is mapped;
    the inputs from it on are read through first, so a neo4j-admin CSV (loaded after it) that fails part-way (a cell
    beyond the CSV reader's limit, in its third row) stops the ingest before any write, on both backends."""
    args, env = cli_store
    args = [*args, "--rejects", str(tmp_path / "r.jsonl")]
    corpus = tmp_path / "raw_citizenlab_report_data.json"
    corpus.write_text(json.dumps([{"report_link": "https://citizenlab.org/2020/01/a-report/", "title": "A report",
                                   "date": "2020-01-02", "text": "Spyware sold to Ethiopia."}]), encoding="utf-8")
    admin = tmp_path / "admin"
    admin.mkdir()
    big = "x" * (csv.field_size_limit() + 1)
    (admin / "nodes_Country.csv").write_text(f"iso2:ID(Country),:LABEL,name\nFR,Country,France\nDE,Country,{big}\n",
                                              encoding="utf-8")
    before = _hash(args, env)
    res = _ingest(args, env, SAMPLE / "cases.jsonl", corpus, admin)
    one_error_line(res, f"{admin / 'nodes_Country.csv'}: row 3: not CSV")
    assert _hash(args, env) == before
