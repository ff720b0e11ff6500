"""How fast Neo4jStore upserts at different batch sizes; prints a table and writes JSON.

    NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=... .venv/bin/python bench/neo4j_batch.py [--rows 50000]

It WIPES the database it is pointed at: use a throwaway server (`tnr neo4j` with its own
TNR_NEO4J_HOME). Synthetic rows shaped like the real ones: Incident nodes, and OCCURRED_IN
relationships to 200 Country nodes.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from graph.store import neo4j as neo


def rows(n: int) -> tuple[list[dict], list[dict], list[dict]]:
    countries = [{"iso2": f"{chr(65 + i // 26)}{chr(65 + i % 26)}", "name": f"C{i}"} for i in range(200)]
    incidents = [{"id": f"inc-{i:07d}", "date": "2020-01-02", "date_precision": "day", "year": 2020, "month": 1,
                  "summary": "x" * 200, "physical": i % 2 == 0} for i in range(n)]
    rels = [{"_from": f"inc-{i:07d}", "_to": countries[i % 200]["iso2"], "source_record": f"file-x:line {i}",
             "source_urls": ["https://example.org/a"]} for i in range(n)]
    return countries, incidents, rels


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--sizes", default="1000,5000,10000,20000,50000")
    ap.add_argument("--out", default="bench/results/neo4j_batch.json")
    args = ap.parse_args()
    countries, incidents, rels = rows(args.rows)
    results = []
    store = neo.Neo4jStore.from_env(write=True)
    store.ensure_schema()
    for size in map(int, args.sizes.split(",")):
        neo.BATCH_SIZE = size
        store.clear()
        store.upsert_nodes("Country", countries)
        t0 = time.perf_counter()
        store.upsert_nodes("Incident", incidents)
        t1 = time.perf_counter()
        store.upsert_rels("OCCURRED_IN", "Incident", "Country", rels)
        t2 = time.perf_counter()
        store.upsert_nodes("Incident", incidents)  # the idempotent re-run: every row matches
        t3 = time.perf_counter()
        r = {"batch": size, "rows": args.rows, "nodes_s": round(t1 - t0, 2), "rels_s": round(t2 - t1, 2),
             "rerun_nodes_s": round(t3 - t2, 2), "nodes_per_s": round(args.rows / (t1 - t0))}
        results.append(r)
        print(f"batch {size:>6}: nodes {r['nodes_s']:>6}s ({r['nodes_per_s']}/s)  rels {r['rels_s']:>6}s  "
              f"re-run {r['rerun_nodes_s']:>6}s", flush=True)
    store.clear()
    store.close()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
