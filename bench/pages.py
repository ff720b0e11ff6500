"""Every app page on a loaded graph: cold (first run, fresh caches) and warm (run again) seconds, by AppTest.

    .venv/bin/python bench/pages.py --db DB.lbug [--runs 3] [--out bench/results/pages.json]
    .venv/bin/python bench/pages.py --backend neo4j   # NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD

Issue 11's bars at 100k incidents: warm < 0.5 s, cold < 3 s per page. Each page of the navigation
(app_pages/main.py ``PAGES``) is opened as a visitor opens it, with its default inputs and no query string, in
Streamlit's test harness (``streamlit.testing.v1.AppTest``), as tests/app_helpers.py opens pages: the app's entry
script runs once (its default page), then every cache is emptied (Streamlit's ``cache_data`` and
``cache_resource``, and the subgraphs graph.analysis.subgraph keeps) and the page is switched to and timed: cold.
The same page is then run again ``--runs`` times: warm is the median. Times are of the script run in this
process (no browser, no network), so they are the page's own work: queries, analyses and layout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

BARS = {"cold_s": 3.0, "warm_s": 0.5}
TIMEOUT = 900  # seconds a page run may take before AppTest gives up on it (a figure, not a failure)


def _fresh_caches() -> None:
    import streamlit as st

    from graph.analysis import subgraph

    st.cache_data.clear()
    st.cache_resource.clear()
    subgraph._PULLED.clear()


def _timed(run) -> tuple[float, str | None]:
    start = time.perf_counter()
    try:
        at = run()
    except Exception as e:  # noqa: BLE001 - a page that times out or fails is a figure of the run
        return time.perf_counter() - start, f"{type(e).__name__}: {e}".splitlines()[0]
    seconds = time.perf_counter() - start
    return seconds, (at.exception[0].message if at.exception else None)


def measure_page(file_name: str, title: str, runs: int) -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    _fresh_caches()
    page = f"app_pages/{file_name}"
    cold, error = _timed(lambda: at.switch_page(page).run())
    warm = []
    while error is None and len(warm) < runs:
        seconds, error = _timed(at.run)
        warm.append(seconds)
    row = {"page": title, "file": file_name, "cold_s": round(cold, 3),
           "warm_s": round(statistics.median(warm), 3) if warm else None, "warm_runs_s": [round(w, 3) for w in warm]}
    if error:
        row["error"] = error
    row["meets_bars"] = error is None and all(row[k] < bar for k, bar in BARS.items())
    return row


def measure(runs: int) -> list[dict]:
    from app_pages.main import PAGES

    rows = []
    for file_name, title in PAGES:
        row = measure_page(file_name, title, runs)
        rows.append(row)
        print(f"{title:12} cold {row['cold_s']:7.2f} s  warm {row['warm_s'] if row['warm_s'] is not None else '-':>6} s"
              + (f"  error: {row['error']}" if "error" in row else ""), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="Ladybug database (embedded backend)")
    ap.add_argument("--backend", default="embedded", choices=("embedded", "neo4j"))
    ap.add_argument("--runs", type=int, default=3, help="warm runs per page (the median is reported)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "pages.json")
    args = ap.parse_args(argv)
    os.environ["TNR_BACKEND"] = args.backend
    if args.db:
        os.environ["TNR_DB"] = str(Path(args.db).resolve())
    from graph.store import default_backend, default_db, open_store

    with open_store(default_db(), backend=default_backend()) as store:
        incidents = int(store.counts()["nodes"].get("Incident", 0))
    rows = measure(args.runs)
    over = [r["page"] for r in rows if not r["meets_bars"]]
    print(f"{len(rows) - len(over)} of {len(rows)} pages within the bars (cold < 3 s, warm < 0.5 s)"
          + (f"; over: {', '.join(over)}" if over else ""))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"backend": args.backend, "incidents": incidents, "runs": args.runs,
                                    "bars": BARS, "pages": rows}, indent=2))
    print(f"wrote {args.out}")
    return 1 if any("error" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
