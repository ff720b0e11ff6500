"""How fast a 10k-node subgraph exports to each format; prints figures, writes bench/results/export.json.

    .venv/bin/python bench/export.py [--nodes 10000]

A synthetic graph shaped like the real one goes into a new embedded store: Incidents (dated, with a
summary), Countries, Companies (aliases), pseudonymised Persons, web Sources, and OCCURRED_IN,
PERPETRATED_BY, TARGETED, FACILITATED and SOURCED_FROM relationships with their provenance (about three
relationships per node). Then it is read as one selection (``whole_graph``) and written in every format;
the graph hash is computed once and timed on its own (every export embeds it).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pycountry

from graph.export import FORMATS, Selection, export
from graph.export.selection import whole_graph
from graph.store.embedded import EmbeddedStore
from graph.store.snapshot import graph_hash


def build(store: EmbeddedStore, n: int) -> None:
    countries = sorted(c.alpha_2 for c in pycountry.countries)[:200]
    n_inc, n_co, n_per = int(n * 0.6), int(n * 0.1), int(n * 0.2)
    n_src = n - n_inc - n_co - n_per - len(countries)
    prov = {"source_record": "file-0123456789abcdef:line 1", "source_records": ["file-0123456789abcdef:line 1"],
            "source_urls": ["https://example.org/report"]}
    store.ensure_schema()
    with store.transaction():
        store.upsert_nodes("Country", [{"iso2": c, "name": f"Country {c}"} for c in countries])
        store.upsert_nodes("Incident", [{"id": f"inc-{i}", "date": f"{2000 + i % 24}-{1 + i % 12:02d}",
                                         "date_precision": "month", "year": 2000 + i % 24, "month": 1 + i % 12,
                                         "summary": "An incident summary of ordinary length. " * 4, "physical": i % 3 == 0}
                                        for i in range(n_inc)])
        store.upsert_nodes("Company", [{"id": f"company-{i}", "name": f"Company {i}", "aliases": [f"Co {i}", f"C{i} Ltd"],
                                        "hq_country": countries[i % 200]} for i in range(n_co)])
        store.upsert_nodes("Person", [{"id": f"person-{i:08x}", "name": f"Private person {i:08x}", "role": "activist",
                                       "public_figure": False, "pseudonymised": True} for i in range(n_per)])
        store.upsert_nodes("Source", [{"id": f"web-{i}", "kind": "web", "url": f"https://example.org/{i}"}
                                      for i in range(n_src)])
        store.upsert_rels("OCCURRED_IN", "Incident", "Country", [{"_from": f"inc-{i}", "_to": countries[i % 200], **prov}
                                                                 for i in range(n_inc)])
        store.upsert_rels("PERPETRATED_BY", "Incident", "Country", [
            {"_from": f"inc-{i}", "_to": countries[(i * 7) % 200], "attribution": "documented", **prov} for i in range(n_inc)])
        store.upsert_rels("TARGETED", "Incident", "Person", [{"_from": f"inc-{i}", "_to": f"person-{i % n_per:08x}", **prov}
                                                            for i in range(n_inc)])
        store.upsert_rels("FACILITATED", "Company", "Incident", [{"_from": f"company-{i % n_co}", "_to": f"inc-{i}",
                                                                  "role": "vendor", **prov} for i in range(0, n_inc, 3)])
        store.upsert_rels("SOURCED_FROM", "Incident", "Source", [{"_from": f"inc-{i}", "_to": f"web-{i % n_src}",
                                                                  "record": "line 1", **prov} for i in range(n_inc)])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=10000)
    args = ap.parse_args()
    results: dict = {"nodes": args.nodes}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with EmbeddedStore(tmp / "bench.lbug", write=True) as store:
            build(store, args.nodes)
            t = time.perf_counter()
            g = whole_graph(store)
            results["select_s"] = round(time.perf_counter() - t, 3)
            t = time.perf_counter()
            digest = graph_hash(store)
            results["graph_hash_s"] = round(time.perf_counter() - t, 3)
            results["relationships"] = g.number_of_edges()
            results["formats"] = {}
            for fmt in FORMATS:
                out = tmp / f"out.{fmt}"
                t, cpu = time.perf_counter(), time.process_time()
                files, _ = export(store, Selection(g, "all"), fmt, out, data_version=digest)
                seconds, cpu = round(time.perf_counter() - t, 3), round(time.process_time() - cpu, 3)
                size = sum(f.stat().st_size for f in files)
                results["formats"][fmt] = {"seconds": seconds, "cpu_seconds": cpu, "bytes": size}
                print(f"{fmt:8} {seconds:6.2f} s wall  {cpu:6.2f} s CPU  {size / 1e6:6.1f} MB")
    print(f"selection {results['select_s']} s, graph hash {results['graph_hash_s']} s, "
          f"{results['nodes']} nodes, {results['relationships']} relationships")
    out = Path(__file__).parent / "results" / "export.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
