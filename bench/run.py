"""`make bench`: the ingest, query, analysis and app page benchmarks in one run, then BENCHMARKS.md's generated section.

    .venv/bin/python bench/run.py [--sizes 10000,100000] [--quick] [--results DIR] [--report FILE]

The largest size's embedded database is kept for the query, analysis and page benchmarks. ``--quick`` (2,000
incidents, 3 query runs, 1 warm page run) is a smoke run of the harness for small machines; its figures say nothing about the
bars. A missed bar is reported in the JSON and the tables, not as a failure: the exit status is non-zero only
when a step cannot run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def step(*args: str) -> int:
    print("$ " + " ".join(args), flush=True)
    return subprocess.run([sys.executable, *args], cwd=HERE.parent).returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--results", type=Path, default=HERE / "results", help="where the JSON files go")
    ap.add_argument("--report", type=Path, default=HERE.parent / "BENCHMARKS.md", help="the file to render into")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="tnr-bench-run-"))
    db = work / "largest.lbug"
    runs = "3" if args.quick else "20"
    try:
        sizing = ["--quick"] if args.quick else ["--sizes", args.sizes]
        out = args.results
        if step(str(HERE / "ingest.py"), *sizing, "--keep", str(db), "--out", str(out / "ingest.json")) != 0:
            return 1
        failed = [s for s in (["queries.py", "--db", str(db), "--runs", runs, "--out", str(out / "queries-embedded.json")],
                              ["analyses.py", "--db", str(db), "--out", str(out / "analyses-embedded.json")],
                              ["pages.py", "--db", str(db), "--runs", "1" if args.quick else "3",
                               "--out", str(out / "pages.json")])
                  if step(str(HERE / s[0]), *s[1:]) != 0]
        if step(str(HERE / "report.py"), "--results", str(out), "--out", str(args.report)) != 0:
            return 1
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
