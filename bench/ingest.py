"""Ingest at scale, side by side in one run: ``tnr ingest`` against the engine's own COPY of the same rows.

    .venv/bin/python bench/ingest.py --sizes 10000,100000 [--seed 1] [--quick]

For each size: synthetic cases (bench/generate.py), then, each in its own process so that wall time and
peak RSS are whole-process figures (``os.wait4``): the first embedded ingest, the re-ingest of the same
unchanged input, and bench/raw_copy.py (flatten + COPY, no validation). Prints a table and writes
``bench/results/ingest.json``. ``--quick`` is one small size, a smoke run of the harness; ``--keep DB`` keeps the
largest size's database for the query and analysis benchmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import write as generate  # noqa: E402


def run(cmd: list[str], ok_codes: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> dict[str, float]:
    """Wall seconds and peak RSS (GiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code not in ok_codes:
        raise SystemExit(f"{' '.join(cmd)} exited {code}:\n{out[-2000:]}\n{err[-2000:]}")
    # CPU seconds beside wall time: on a shared machine the wall ratio moves with the other load
    return {"seconds": round(wall, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_gib": round(usage.ru_maxrss / 2**20, 3)}


def measure(n: int, seed: int, work: Path) -> dict:
    data = work / f"cases-{n}"
    generate(data, n, seed)
    py = sys.executable
    tnr = [py, "-m", "graph.cli", "ingest", str(data), "--rejects", str(work / "rejects.jsonl")]
    db = work / f"tnr-{n}.lbug"
    first = run([*tnr, "--db", str(db)])
    again = run([*tnr, "--db", str(db)])
    raw = run([py, str(HERE / "raw_copy.py"), str(data), str(work / f"raw-{n}.lbug")])
    return {"incidents": n, "seed": seed, "input_mib": round(sum(f.stat().st_size for f in data.iterdir()) / 2**20, 1),
            "ingest": first, "reingest": again, "raw_copy": raw,
            "ingest_vs_raw_copy": round(first["seconds"] / raw["seconds"], 2),
            "ingest_vs_raw_copy_cpu": round(first["cpu_seconds"] / raw["cpu_seconds"], 2),
            "first_vs_reingest": round(first["seconds"] / again["seconds"], 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="one small size (a smoke run of the harness)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "ingest.json")
    ap.add_argument("--keep", type=Path, help="move the largest size's database here (for bench/queries.py and "
                    "bench/analyses.py) instead of deleting it")
    args = ap.parse_args(argv)
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="tnr-bench-"))
    results = []
    try:
        for n in sizes:
            r = measure(n, args.seed, work)
            results.append(r)
            print(f"{n:>9} incidents  ingest {r['ingest']['seconds']:>8.2f} s {r['ingest']['peak_rss_gib']:.2f} GiB  "
                  f"re-ingest {r['reingest']['seconds']:>8.2f} s  raw COPY {r['raw_copy']['seconds']:>7.2f} s "
                  f"{r['raw_copy']['peak_rss_gib']:.2f} GiB  ratio {r['ingest_vs_raw_copy']}x", flush=True)
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.move(work / f"tnr-{sizes[-1]}.lbug", args.keep)
            print(f"kept the {sizes[-1]:,}-incident database at {args.keep}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": {"cores": os.cpu_count()}, "results": results}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
