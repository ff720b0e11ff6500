"""How fast the embedded store upserts through Arrow tables (LOAD FROM); prints figures, writes JSON.

    .venv/bin/python bench/embedded_upsert.py [--rows 200000]

Synthetic rows shaped like the real ones: Incident nodes and OCCURRED_IN relationships to 200
countries, written into a new database, then written again (the idempotent re-run), then a
further 20,000 new rows merged into the full table.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from graph.store.embedded import EmbeddedStore


def incidents(start: int, n: int) -> list[dict]:
    return [{"id": f"inc-{i:08d}", "date": "2020-01-02", "date_precision": "day", "year": 2020, "month": 1,
             "summary": "x" * 200, "physical": i % 2 == 0} for i in range(start, start + n)]


def occurred(start: int, n: int, countries: list[dict]) -> list[dict]:
    return [{"_from": f"inc-{i:08d}", "_to": countries[i % len(countries)]["iso2"], "source_record": f"f:line {i}",
             "source_urls": ["https://example.org/a"]} for i in range(start, start + n)]


def timed(store: EmbeddedStore, fn) -> float:
    t = time.perf_counter()
    with store.transaction():
        fn()
    return round(time.perf_counter() - t, 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--out", default="bench/results/embedded_upsert.json")
    args = ap.parse_args()
    n = args.rows
    countries = [{"iso2": f"{chr(65 + i // 26)}{chr(65 + i % 26)}", "name": f"C{i}"} for i in range(200)]
    nodes, rels = incidents(0, n), occurred(0, n, countries)
    more_nodes, more_rels = incidents(n, 20_000), occurred(n, 20_000, countries)
    with tempfile.TemporaryDirectory() as tmp, EmbeddedStore(Path(tmp) / "b.lbug", write=True) as store:
        store.ensure_schema()
        store.upsert_nodes("Country", countries)
        r = {"rows": n,
             "nodes_s": timed(store, lambda: store.upsert_nodes("Incident", nodes)),
             "rels_s": timed(store, lambda: store.upsert_rels("OCCURRED_IN", "Incident", "Country", rels)),
             "rerun_nodes_s": timed(store, lambda: store.upsert_nodes("Incident", nodes)),
             "rerun_rels_s": timed(store, lambda: store.upsert_rels("OCCURRED_IN", "Incident", "Country", rels)),
             "merge_20k_nodes_into_full_s": timed(store, lambda: store.upsert_nodes("Incident", more_nodes)),
             "merge_20k_rels_into_full_s": timed(
                 store, lambda: store.upsert_rels("OCCURRED_IN", "Incident", "Country", more_rels))}
        assert store.counts()["nodes"]["Incident"] == n + 20_000
    for k, v in r.items():
        print(f"{k:>30}: {v}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(r, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
