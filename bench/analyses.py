"""Every registered analysis on a loaded graph, in one process: time, subgraph pull timed apart, peak RSS.

    .venv/bin/python bench/analyses.py --db DB.lbug [--out bench/results/analyses-embedded.json]
    .venv/bin/python bench/analyses.py --backend neo4j   # NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD

Issue 11's bar: all analyses together < 60 s and < 4 GiB at 100k incidents. Analyses that take an entity run
with the busiest origin state and the busiest company (bench/queries.py's choice), the worst case for one
entity. The pull is the time spent in graph.analysis.subgraph's readers (load_graph, neighbours, load_structure,
relationships): the queries that bring the subgraph into NetworkX, apart from the algorithm.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.queries import busiest  # noqa: E402
from graph.analysis import ANALYSES, run_analysis  # noqa: E402
from graph.store import open_store  # noqa: E402

BARS = {"total_seconds": 60.0, "peak_rss_gib": 4.0}
READERS = ("load_graph", "neighbours", "load_structure", "relationships")
MODULES = ("centrality", "communities", "ego", "paths", "projections", "reach", "subgraph", "complicity",
           "supply_links")


@contextmanager
def timed_pulls(spent: list[float]):
    """Count the seconds spent in the subgraph readers, wherever an analysis module imported them."""
    from graph.analysis import subgraph

    originals = {name: getattr(subgraph, name) for name in READERS}

    def timer(fn):
        def wrapped(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent.append(time.perf_counter() - start)
        return wrapped

    patched = []
    for mod_name in MODULES:
        mod = importlib.import_module(f"graph.analysis.{mod_name}")
        for name, fn in originals.items():
            if getattr(mod, name, None) is fn:
                setattr(mod, name, timer(fn))
                patched.append((mod, name, fn))
    try:
        yield
    finally:
        for mod, name, fn in patched:
            setattr(mod, name, fn)


def params_for(name: str, entity: dict[str, str]) -> dict:
    state, company = f"Country:{entity['state']}", f"Company:{entity['company']}"
    return {"ego_network": {"entity": state}, "paths": {"source": state, "target": company}}.get(name, {})


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def measure(store) -> dict:
    entity = busiest(store)
    rows = []
    for name in ANALYSES:
        spent: list[float] = []
        params = params_for(name, entity)
        start = time.perf_counter()
        with timed_pulls(spent):
            df = run_analysis(store, name, params)
        seconds = time.perf_counter() - start
        rows.append({"analysis": name, "params": params, "seconds": round(seconds, 3),
                     "pull_seconds": round(sum(spent), 3), "rows": len(df), "peak_rss_gib": round(peak_rss_gib(), 3)})
        print(f"{name:20} {seconds:8.2f} s  pull {sum(spent):7.2f} s  {len(df):7} rows  "
              f"peak {peak_rss_gib():.2f} GiB", flush=True)
    total = sum(r["seconds"] for r in rows)
    summary = {"entity": entity, "analyses": rows, "total_seconds": round(total, 2),
               "peak_rss_gib": round(peak_rss_gib(), 3)}
    summary["bars_met"] = {k: summary[k] < bar for k, bar in BARS.items()}
    print(f"{'all':20} {total:8.2f} s  peak {summary['peak_rss_gib']:.2f} GiB  bars met: {summary['bars_met']}")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="Ladybug database (embedded backend)")
    ap.add_argument("--backend", default="embedded", choices=("embedded", "neo4j"))
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    with open_store(args.db, backend=args.backend) as store:
        summary = measure(store)
    out = args.out or HERE / "results" / f"analyses-{args.backend}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"backend": args.backend, **summary}, indent=2))
    print(f"wrote {out}")
    return 0  # a missed bar is a figure in the JSON, not a failure of the harness


if __name__ == "__main__":
    sys.exit(main())
