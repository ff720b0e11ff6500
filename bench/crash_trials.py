"""Crash safety: SIGKILL an ingest at chosen points, then check the database and that a re-run converges.

    .venv/bin/python bench/crash_trials.py --backend embedded --incidents 20000 --trials 20
    .venv/bin/python bench/crash_trials.py --backend neo4j ...   # NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD: a server it may wipe

Each trial starts from the same previous graph (the sample), runs the ingest of a synthetic input
(bench/generate.py) in a child process that reports its progress, and kills it with SIGKILL in one
phase: while reading, while writing nodes, while writing relationships, or at commit (after the last
row is written). Then it checks that the database opens and holds either the previous graph
(embedded: one transaction) or a prefix that the next run completes (Neo4j: batched transactions, behind
the "ingest stopped before it finished" marker that readers get instead), re-runs the same ingest to the
end and compares the canonical graph hash with that of a clean run.
Prints one line per trial and a summary; writes ``bench/results/crash-<backend>.json``.
tests/test_crash_safety.py runs the same trials with a reduced count inside ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

PHASES = ("read", "write-nodes", "write-rels", "commit")
CHUNK = 2000  # records per written chunk in the killed ingest, so that reading and writing alternate often

# The child: ingest with a progress callback that prints each step, so the parent can kill it in a phase.
CHILD = r"""
import sys
from graph.store import open_store
from ingest.pipeline import ingest
backend, db, *paths = sys.argv[1:]
def progress(stage, done, total):
    print(f"{stage} {done} {total}", flush=True)
with open_store(db, write=True, backend=backend) as store:
    ingest(store, paths, progress=progress)
print("done", flush=True)
"""


def _store(backend: str, db: Path):
    from graph.store import open_store

    return open_store(db, write=True, backend=backend)


def _load(backend: str, db: Path, paths: list[Path]) -> None:
    from ingest.pipeline import ingest

    with _store(backend, db) as s:
        ingest(s, paths)


def _hash(backend: str, db: Path, past_marker: bool = False) -> str:
    """The graph hash as a reader sees it; ``past_marker``: what the database holds even while a Neo4j ingest marker
    tells readers to wait (a writer's store reads past it, and takes over the marker of a dead ingest)."""
    from graph.store import open_store
    from graph.store.snapshot import graph_hash

    # past_marker: what a killed ingest left, whole or not; otherwise what a reader is given
    with open_store(db, backend=backend, write=past_marker and backend == "neo4j", whole=not past_marker) as s:
        return graph_hash(s)


def _reset(backend: str, db: Path, previous: list[Path]) -> None:
    """The previous graph: the sample loaded into an empty database."""
    if backend == "embedded":
        for p in (db, *db.parent.glob(f"{db.name}.*")):  # and whatever a kill left: .wal, .shadow, .wal.checkpoint...
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
    else:
        with _store(backend, db) as s:
            s.clear()
    _load(backend, db, previous)


def kill_in_phase(backend: str, db: Path, paths: list[Path], phase: str, rng: random.Random) -> dict:
    """Run the child ingest and SIGKILL it in ``phase``; return what was seen."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, backend, str(db), *map(str, paths)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
                             env={**os.environ, "TNR_INGEST_CHUNK": str(CHUNK)})
    seen, killed_at = None, None
    start = time.monotonic()
    try:
        for line in child.stdout:
            parts = line.split()
            if parts[0] == "done":
                break
            stage, done, total = parts[0], int(parts[1]), int(parts[2])
            seen = (stage, done, total)
            # The ingest streams: each chunk is read and mapped ("records"), then written (nodes, then relationships).
            if phase == "read" and stage in ("records", "read") and rng.random() < 0.5:
                killed_at = "read"
            elif phase == stage and phase in ("write-nodes", "write-rels") and rng.random() < 0.3:
                killed_at = phase
            elif phase == "commit" and stage == "commit":
                time.sleep(rng.random() * 0.05)
                killed_at = "commit"
            if killed_at:
                os.killpg(child.pid, signal.SIGKILL)
                break
    finally:
        if child.poll() is None and not killed_at:
            # the phase never came (a small input can read in one step): kill at the end of the stream
            os.killpg(child.pid, signal.SIGKILL)
            killed_at = f"{phase} (late)"
        child.wait()
    return {"phase": phase, "killed_at": killed_at, "last_progress": seen,
            "seconds_before_kill": round(time.monotonic() - start, 2)}


def trial(backend: str, db: Path, paths: list[Path], previous: list[Path], phase: str, rng: random.Random,
          clean_hash: str, previous_hash: str) -> dict:
    _reset(backend, db, previous)
    t = kill_in_phase(backend, db, paths, phase, rng)
    from graph.store.base import StoreError

    try:
        _hash(backend, db)
        t["reader"] = "graph"
    except StoreError as e:  # Neo4j: the marker of the killed ingest; embedded: a file committed in part
        rerun = "stopped before it finished" in str(e) or "has not finished" in str(e)
        t["reader"] = "re-run message" if rerun else f"error: {str(e)[:200]}"
    try:
        after_kill = _hash(backend, db, past_marker=True)  # the database opens and reads whole
        t["opens"] = True
        t["after_kill"] = ("previous" if after_kill == previous_hash else "new" if after_kill == clean_hash
                           else "partial")
    except Exception as e:  # noqa: BLE001 - the point is to report whatever a crash left
        t["opens"], t["after_kill"], t["error"] = False, "unreadable", str(e)[:300]
    _load(backend, db, paths)
    t["converged"] = _hash(backend, db) == clean_hash  # a plain reader: the re-run also cleared the marker
    return t


def run_trials(backend: str, incidents: int, trials: int, seed: int, work: Path, db: Path | None = None,
               out: Path | None = None) -> dict:
    from bench.generate import write as generate

    data = work / "input"
    generate(data, incidents, seed)
    previous = [ROOT / "data" / "sample"]
    paths = [data]
    db = db or work / "trial.lbug"
    # The clean run: previous graph, then the input, uninterrupted.
    _reset(backend, db, previous)
    previous_hash = _hash(backend, db)
    start = time.monotonic()
    _load(backend, db, paths)
    clean_seconds = time.monotonic() - start
    clean_hash = _hash(backend, db)
    rng = random.Random(seed)
    results = []
    for i in range(trials):
        phase = PHASES[i % len(PHASES)]
        r = trial(backend, db, paths, previous, phase, rng, clean_hash, previous_hash)
        results.append(r)
        print(f"trial {i + 1:>2} {backend:<8} kill in {r['killed_at']:<16} opens={r['opens']} "
              f"after kill: {r['after_kill']:<9} reader: {r['reader']:<14} re-run converged={r['converged']}",
              flush=True)
        summary = _summary(backend, incidents, trials, clean_seconds, results)
        if out:  # after every trial, so a run stopped early still leaves its counts
            out.write_text(json.dumps(summary, indent=2))
    return summary


def _summary(backend: str, incidents: int, trials: int, clean_seconds: float, results: list[dict]) -> dict:
    def tally(key: str) -> dict:
        return {k: sum(1 for r in results if r[key] == k) for k in sorted({r[key] for r in results})}

    return {"backend": backend, "incidents": incidents, "trials": trials, "done": len(results),
            "clean_ingest_seconds": round(clean_seconds, 1),
            "by_phase": {p: sum(1 for r in results if r["phase"] == p) for p in PHASES},
            "all_opened": all(r["opens"] for r in results), "all_converged": all(r["converged"] for r in results),
            "after_kill": tally("after_kill"), "reader_after_kill": tally("reader"),
            # a reader given half a graph as if it were the graph: must stay 0
            "partial_shown_as_graph": sum(1 for r in results if r["after_kill"] == "partial" and r["reader"] == "graph"),
            "results": results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded")
    ap.add_argument("--incidents", type=int, default=20_000)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="tnr-crash-"))
    out = args.out or HERE / "results" / f"crash-{args.backend}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        summary = run_trials(args.backend, args.incidents, args.trials, args.seed, work, out=out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out.write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k != "results"}))
    return 0 if summary["all_opened"] and summary["all_converged"] and not summary["partial_shown_as_graph"] else 1


if __name__ == "__main__":
    sys.exit(main())
