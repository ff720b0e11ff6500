"""A smoke run of `make bench`'s harness (bench/run.py --quick): every step runs and writes what the report
reads. Its figures are not checked against the bars (2,000 incidents on a shared machine say nothing)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app_pages.main import PAGES
from graph.analysis import ANALYSES
from graph.queries import load_library

ROOT = Path(__file__).resolve().parent.parent


def test_the_quick_bench_writes_every_figure_and_the_report(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n\nhand-written history\n\n<!-- bench:start -->\nstale table\n<!-- bench:end -->\n\nafter\n")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--results", str(tmp_path),
                           "--report", str(report)], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ingest = json.loads((tmp_path / "ingest.json").read_text())["results"][0]
    assert ingest["incidents"] == 2000 and ingest["ingest"]["seconds"] > 0 and ingest["raw_copy"]["seconds"] > 0
    assert ingest["ingest_vs_raw_copy"] == round(ingest["ingest"]["seconds"] / ingest["raw_copy"]["seconds"], 2)
    queries = json.loads((tmp_path / "queries-embedded.json").read_text())
    assert queries["incidents"] == 2000
    assert {r["query"] for r in queries["results"]} == set(load_library())
    assert all(r["p95_s"] >= r["p50_s"] > 0 for r in queries["results"])
    analyses = json.loads((tmp_path / "analyses-embedded.json").read_text())
    assert [a["analysis"] for a in analyses["analyses"]] == list(ANALYSES)
    assert all(a["rows"] > 0 for a in analyses["analyses"] if a["analysis"] != "paths")
    pages = json.loads((tmp_path / "pages.json").read_text())
    assert pages["incidents"] == 2000 and pages["runs"] == 1
    assert [p["page"] for p in pages["pages"]] == [title for _, title in PAGES]
    assert all("error" not in p and p["cold_s"] > 0 and p["warm_s"] == p["warm_runs_s"][0] > 0 for p in pages["pages"])
    assert all(p["meets_bars"] == (p["cold_s"] < 3 and p["warm_s"] < 0.5) for p in pages["pages"])
    text = report.read_text()
    assert text.startswith("# Benchmarks\n\nhand-written history") and text.endswith("\n\nafter\n")
    assert "stale table" not in text and "| 2,000 | " in text and "corporate_complicity" in text and "brokerage" in text
    assert "### App pages on embedded, 2,000 incidents" in text and "| Host states | " in text


@pytest.mark.neo4j
def test_the_quick_neo4j_ingest_bench_loads_the_same_graph_four_ways(tmp_path, neo4j_server):
    """bench/neo4j_ingest.py --quick on its own throwaway server: tnr ingest, LOAD CSV, the naive loop and
    neo4j-admin import each end with the node and relationship counts of the graph tnr ingest wrote."""
    out = tmp_path / "neo4j_ingest.json"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "neo4j_ingest.py"), "--quick", "--heap", "768m",
                           "--out", str(out)], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    r = json.loads(out.read_text())["results"][0]
    want = r["graph"]
    assert r["incidents"] == 500 and want["nodes"] > 500 and want["relationships"] > want["nodes"]
    for step in ("ingest", "load_csv", "naive", "admin_import"):
        assert {k: r[step][k] for k in want} == want, step
    assert r["naive"]["estimated"] is False and r["naive"]["rows"] == r["rows"] == sum(want.values())
    assert r["naive_vs_ingest"] == round(r["naive"]["seconds"] / r["ingest"]["seconds"], 2)
