"""Readers during an ingest: CLI queries and the app read while another process ingests; count what they get.

    .venv/bin/python bench/reader_trials.py --backend embedded --trials 20
    .venv/bin/python bench/reader_trials.py --backend neo4j --trials 20   # NEO4J_*: a server it may wipe

Each trial starts from the previous graph (the sample), runs the real `tnr ingest` of a synthetic input
(bench/generate.py) in a child process and, until it ends, reads alternately with `tnr stats --hash` in a
separate process and with the app's Overview page (Streamlit's AppTest, in this process). A read is
"old" (the previous graph's hash, or for the app its node counts), "new" (a clean run's), "in progress"
(the documented message, exit status 2) or a failure: "half" (any other graph) or "error" (any other
output, a traceback, another exit status). The ingest must end with the clean run's hash.
Prints one line per trial and a summary; writes ``bench/results/readers-<backend>.json``.
tests/test_reader_trials.py runs the same trials with a reduced count inside ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.crash_trials import CHUNK, _hash, _reset, _store  # noqa: E402 - after the path is set

OUTCOMES = ("old", "new", "in progress", "half", "error")
READER_ENV = {"TNR_LOCK_TIMEOUT": "0.2"}  # a reader does not wait for the writer: it answers at once


def _counts(backend: str, db: Path) -> dict[str, int]:
    with _store(backend, db) as s:
        return s.counts()["nodes"]


def _target(backend: str, db: Path) -> tuple[list[str], dict[str, str]]:
    """CLI arguments and environment that point a reader (CLI or app) at the store."""
    if backend == "embedded":
        return ["--db", str(db), "--backend", "embedded"], {"TNR_BACKEND": "embedded", "TNR_DB": str(db)}
    return ["--backend", "neo4j"], {"TNR_BACKEND": "neo4j"}


def _try_again(message: str) -> bool:
    """The documented answers to a reader during an ingest: "ingest in progress ...; try again when it finishes"
    (both backends) or, on Neo4j, "an ingest ran while this read was under way ...; try again"."""
    return "try again" in message and ("in progress" in message or "ingest ran while" in message)


def cli_read(backend: str, db: Path, hashes: dict[str, str]) -> tuple[str, str]:
    args, env = _target(backend, db)
    res = subprocess.run([sys.executable, "-m", "graph.cli", "stats", "--hash", "--format", "json", *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, **env, **READER_ENV})
    if res.returncode == 0 and "Traceback" not in res.stderr:
        try:
            digest = json.loads(res.stdout)["hash"]
        except (ValueError, KeyError):
            return "error", res.stdout[-300:]
        return next((k for k, h in hashes.items() if h == digest), "half"), ""
    if res.returncode == 2 and _try_again(res.stderr) and "Traceback" not in res.stderr:
        return "in progress", ""
    return "error", f"exit {res.returncode}: {res.stderr[-300:]}"


def app_read(backend: str, db: Path, counts: dict[str, dict[str, int]]) -> tuple[str, str]:
    """The app's Overview page, headless: its node counts, or the message it shows."""
    from streamlit.testing.v1 import AppTest

    from graph.safe_text import WORD_JOINER

    _, env = _target(backend, db)
    saved = {k: os.environ.get(k) for k in [*env, *READER_ENV]}
    os.environ.update({**env, **READER_ENV})
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    if at.exception:
        return "error", str(at.exception[0].value)[:300]
    if at.error:
        text = re.sub(r"\\(.)", r"\1", at.error[0].value).replace(WORD_JOINER, "")
        return ("in progress", "") if _try_again(text) else ("error", text[:300])
    shown = {m.label: int(m.value) for m in at.metric}
    return next((k for k, c in counts.items() if c == shown), "half"), ""


def trial(backend: str, db: Path, paths: list[Path], previous: list[Path], hashes: dict[str, str],
          counts: dict[str, dict[str, int]], work: Path, app: bool) -> dict:
    _reset(backend, db, previous)
    args, _ = _target(backend, db)
    writer = subprocess.Popen([sys.executable, "-m", "graph.cli", "ingest", *map(str, paths), *args,
                               "--rejects", str(work / "rejects.jsonl")], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "TNR_INGEST_CHUNK": str(CHUNK)})
    reads: list[dict] = []
    try:
        while writer.poll() is None:
            kind = "app" if app and len(reads) % 2 else "cli"
            outcome, detail = app_read(backend, db, counts) if kind == "app" else cli_read(backend, db, hashes)
            reads.append({"reader": kind, "outcome": outcome, "during": writer.poll() is None,
                          **({"detail": detail} if detail else {})})
    finally:
        stderr = writer.communicate(timeout=900)[1]
    after, _ = cli_read(backend, db, hashes)
    return {"writer_exit": writer.returncode, "writer_error": stderr[-300:] if writer.returncode else "",
            "reads": reads, "after": after, "converged": after == "new"}


def run_trials(backend: str, incidents: int, trials: int, seed: int, work: Path, db: Path | None = None,
               app: bool = True, out: Path | None = None) -> dict:
    from bench.generate import write as generate
    from ingest.pipeline import ingest

    data = work / "input"
    generate(data, incidents, seed)
    previous, paths = [ROOT / "data" / "sample"], [data]
    db = db or work / "trial.lbug"
    _reset(backend, db, previous)
    hashes, counts = {"old": _hash(backend, db)}, {"old": _counts(backend, db)}
    start = time.monotonic()
    with _store(backend, db) as s:
        ingest(s, paths)
    clean_seconds = time.monotonic() - start
    hashes["new"], counts["new"] = _hash(backend, db), _counts(backend, db)
    results = []
    for i in range(trials):
        r = trial(backend, db, paths, previous, hashes, counts, work, app)
        results.append(r)
        tally = {o: sum(x["outcome"] == o for x in r["reads"]) for o in OUTCOMES}
        print(f"trial {i + 1:>2} {backend:<8} reads: {tally} writer exit {r['writer_exit']} after: {r['after']}",
              flush=True)
        summary = _summary(backend, incidents, trials, clean_seconds, results)
        if out:
            out.write_text(json.dumps(summary, indent=2))
    return summary


def _summary(backend: str, incidents: int, trials: int, clean_seconds: float, results: list[dict]) -> dict:
    reads = [x for r in results for x in r["reads"]]
    by_reader = {k: {o: sum(x["outcome"] == o for x in reads if x["reader"] == k) for o in OUTCOMES}
                 for k in ("cli", "app")}
    return {"backend": backend, "incidents": incidents, "trials": trials, "done": len(results),
            "clean_ingest_seconds": round(clean_seconds, 1), "reads": len(reads), "by_reader": by_reader,
            "failures": sum(x["outcome"] in ("half", "error") for x in reads),
            "writers_ok": sum(r["writer_exit"] in (0, 1) for r in results),  # 1: some generated records rejected
            "all_converged": all(r["converged"] for r in results), "results": results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded")
    ap.add_argument("--incidents", type=int, default=2_000)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--no-app", action="store_true", help="CLI readers only")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="tnr-readers-"))
    out = args.out or HERE / "results" / f"readers-{args.backend}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        summary = run_trials(args.backend, args.incidents, args.trials, args.seed, work, app=not args.no_app, out=out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out.write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k != "results"}))
    ok = not summary["failures"] and summary["all_converged"] and summary["writers_ok"] == summary["done"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
