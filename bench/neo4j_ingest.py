"""Neo4j ingest at scale, side by side in one run: ``tnr ingest --backend neo4j`` against a naive
one-MERGE-per-row loop, ``LOAD CSV`` and ``neo4j-admin database import`` of the same graph.

    .venv/bin/python bench/neo4j_ingest.py --incidents 10000 [--seed 1] [--naive-budget SECONDS] [--quick]

Everything runs against a throwaway Neo4j Community server (``graph.neo4j_server`` with its own home and a
free port; jars from Maven Central), reset to an empty database before each contender:

1. ``tnr ingest`` of synthetic cases (bench/generate.py) in a child process, then the re-ingest of the same
   unchanged input; wall time (client and server together) and the client's peak RSS.
2. The graph it wrote, exported with ``tnr export --format csv`` (the neo4j-admin header convention,
   docs/export.md): the "same data" of the three others, node and relationship counts checked against it.
3. ``LOAD CSV`` of those files into the empty database after the schema's constraints: ``CREATE`` nodes,
   ``MATCH`` both ends and ``CREATE`` relationships, ``CALL {...} IN TRANSACTIONS OF 10000 ROWS``: the
   server's own bulk path for a live database.
4. ``neo4j-admin database import full`` of the same files into an offline database of a second home (the
   tool from the same Maven-resolved jars: ``org.neo4j.cli.AdminTool``).
5. The naive loop: after the constraints, one auto-commit ``MERGE ... SET n += $props`` per node row, and
   one ``MATCH`` both ends, ``MERGE`` the relationship, ``SET r += $props`` per relationship row. With
   ``--naive-budget S`` it stops after about S seconds (half on nodes, half on relationships, files
   round-robin, relationship rows only where both ends were written) and its full time is estimated
   from each file's measured rate (marked ``"estimated": true``); without, it loads every row.

Writes ``bench/results/neo4j_ingest.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import write as generate  # noqa: E402
from bench.ingest import run  # noqa: E402
from graph.neo4j_server import find_java  # noqa: E402
from graph.schema import load_schema, neo4j_constraints  # noqa: E402
from ingest.admin_csv import COLUMN, META_TYPES  # noqa: E402

CYPHER_CAST = {"long": "toInteger({})", "int": "toInteger({})", "double": "toFloat({})", "boolean": "toBoolean({})"}
BATCH = 10_000
csv.field_size_limit(2**31 - 1)


class Server:
    """A throwaway ``tnr neo4j`` server: its own home, a free loopback port, driver sessions on demand."""

    def __init__(self, home: Path, heap: str):
        self.home = home
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.env = {**os.environ, "TNR_NEO4J_HOME": str(home), "TNR_NEO4J_PORT": str(self.port),
                    "TNR_NEO4J_HEAP": heap, "TNR_NEO4J_PAGECACHE": os.environ.get("TNR_NEO4J_PAGECACHE", "1g"),
                    "TNR_NEO4J_TX_TIMEOUT": "3600s"}
        self._driver = None

    def _cli(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "graph.neo4j_server", *args], env=self.env, check=True,
                       stdout=subprocess.DEVNULL)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def password(self) -> str:
        return (self.home / "password").read_text().strip()

    def client_env(self) -> dict[str, str]:
        return {**self.env, "TNR_BACKEND": "neo4j", "NEO4J_URI": self.uri, "NEO4J_USER": "neo4j",
                "NEO4J_PASSWORD": self.password}

    def empty(self) -> None:
        """Stop, delete the data, start: an empty database (constraints included) for the next contender."""
        self.close_driver()
        self._cli("reset")
        self._cli("start")

    def stop(self) -> None:
        self.close_driver()
        self._cli("stop")

    def driver(self):
        import neo4j

        if self._driver is None:
            self._driver = neo4j.GraphDatabase.driver(self.uri, auth=("neo4j", self.password))
        return self._driver

    def close_driver(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def counts(self) -> dict[str, int]:
        """Nodes and relationships of the schema's labels (the ingest marker is not part of the graph)."""
        labels = list(load_schema().nodes)
        with self.driver().session() as s:
            nodes = s.run("MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) RETURN count(n) AS c",
                          labels=labels).single()["c"]
            rels = s.run("MATCH ()-[r]->() RETURN count(r) AS c").single()["c"]
        return {"nodes": nodes, "relationships": rels}

    def constraints(self) -> None:
        with self.driver().session() as s:
            for stmt in neo4j_constraints(load_schema()):
                s.run(stmt).consume()
            s.run("CALL db.awaitIndexes(300)").consume()


# --- the exported files ---------------------------------------------------------------------------------------


class File:
    """One exported CSV: node or relationship file, its label or type and ends, and its typed columns."""

    def __init__(self, path: Path):
        self.path = path
        with path.open(newline="", encoding="utf-8") as fh:
            self.header = next(csv.reader(fh))
        self.columns = [COLUMN.match(h).groupdict() for h in self.header]
        types = {c["type"] for c in self.columns}
        self.is_node = "ID" in types
        schema = load_schema()
        if self.is_node:
            self.id_col = next(i for i, c in enumerate(self.columns) if c["type"] == "ID")
            self.label = self.columns[self.id_col]["space"]
            self.key = schema.node(self.label).key
        else:
            self.start = next(i for i, c in enumerate(self.columns) if c["type"] == "START_ID")
            self.end = next(i for i, c in enumerate(self.columns) if c["type"] == "END_ID")
            self.type = path.stem.split("_", 1)[1].rsplit("_", 2)[0]
            self.from_label, self.to_label = self.columns[self.start]["space"], self.columns[self.end]["space"]
            self.from_key, self.to_key = schema.node(self.from_label).key, schema.node(self.to_label).key
        meta = set(META_TYPES)
        # a named ID column is a property too (neo4j-admin's convention): the node's key
        self.props = [(i, c["name"], "string" if c["type"] == "ID" else c["type"] or "string")
                      for i, c in enumerate(self.columns) if (c["type"] not in meta or c["type"] == "ID") and c["name"]]

    def rows(self) -> list[list[str]]:
        with self.path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            next(reader)
            return list(reader)

    def typed(self, row: list[str], delimiter: str) -> dict:
        out = {}
        for i, name, t in self.props:
            raw = row[i]
            if raw == "":
                continue
            if t.endswith("[]"):
                out[name] = raw.split(delimiter)
            elif t in ("long", "int"):
                out[name] = int(raw)
            elif t == "double":
                out[name] = float(raw)
            elif t == "boolean":
                out[name] = raw == "true"
            else:
                out[name] = raw
        return out

    def load_csv(self, url: str, delimiter: str) -> str:
        """The LOAD CSV statement of this file (labels, types and names from the schema and the header)."""
        def value(i: int, t: str) -> str:
            cell = f"row[{i}]"
            if t.endswith("[]"):
                return f"CASE WHEN {cell} IS NULL OR {cell} = '' THEN null ELSE split({cell}, '{delimiter}') END"
            return CYPHER_CAST.get(t, "{}").format(cell)

        props = ", ".join(f"`{name}`: {value(i, t)}" for i, name, t in self.props)
        head = f"LOAD CSV FROM '{url}' AS row WITH row SKIP 1 CALL (row) {{ "
        tail = f" }} IN TRANSACTIONS OF {BATCH} ROWS"
        if self.is_node:
            return head + f"CREATE (:{self.label} {{{props}}})" + tail
        return head + (f"MATCH (a:{self.from_label} {{{self.from_key}: row[{self.start}]}}) "
                       f"MATCH (b:{self.to_label} {{{self.to_key}: row[{self.end}]}}) "
                       f"CREATE (a)-[:{self.type} {{{props}}}]->(b)") + tail


def exported(folder: Path) -> tuple[list[File], str, dict]:
    meta = json.loads((folder / "export.meta.json").read_text())
    files = [File(folder / name) for name in meta["files"] if name.endswith(".csv")]
    return sorted(files, key=lambda f: not f.is_node), meta.get("array_delimiter", ";"), meta


# --- the contenders -------------------------------------------------------------------------------------------


def load_csv(server: Server, folder: Path, files: list[File], delimiter: str) -> dict:
    server.constraints()
    start = time.perf_counter()
    with server.driver().session() as s:
        for f in files:
            s.run(f.load_csv(f"file:///{folder.name}/{f.path.name}", delimiter)).consume()
    return {"seconds": round(time.perf_counter() - start, 2), **server.counts()}


def admin_import(server: Server, folder: Path, work: Path) -> dict:
    home = work / "admin-home"
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").write_text(f"server.directories.data={home / 'data'}\n"
                                               f"server.directories.logs={home / 'logs'}\n")
    script = (folder / "import.sh").read_text()
    command = " ".join(x for x in script.replace("\\\n", " ").splitlines() if not x.startswith("#"))
    args = shlex.split(command)[1:]  # after "neo4j-admin"
    java = find_java()
    start = time.perf_counter()
    done = subprocess.run([java, "-Xmx1g", "-cp", f"{server.home / 'lib'}/*", "org.neo4j.cli.AdminTool", *args],
                          cwd=folder, capture_output=True, text=True,
                          env={**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")})
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        return {"error": (done.stdout[-1500:] + done.stderr[-1500:]).strip()}
    m = re.search(r"Imported:\s+(\d+) nodes\s+(\d+) relationships\s+(\d+) properties", done.stdout)
    return {"seconds": round(seconds, 2), "nodes": int(m[1]) if m else None,
            "relationships": int(m[2]) if m else None, "properties": int(m[3]) if m else None}


def naive(server: Server, files: list[File], delimiter: str, budget: float | None) -> dict:
    """One auto-commit MERGE per row; with a budget, a round-robin sample of each file and an estimate."""
    server.constraints()
    data = {f.path.name: f.rows() for f in files}
    done: dict[str, int] = {}
    spent: dict[str, float] = {}
    written: dict[str, set] = {}
    chunk = 200

    def node_stmt(f: File) -> str:
        return f"MERGE (n:{f.label} {{{f.key}: $key}}) SET n += $props"

    def rel_stmt(f: File) -> str:
        return (f"MATCH (a:{f.from_label} {{{f.from_key}: $a}}) MATCH (b:{f.to_label} {{{f.to_key}: $b}}) "
                f"MERGE (a)-[r:{f.type}]->(b) SET r += $props")

    with server.driver().session() as s:
        for kind in ("nodes", "rels"):
            group = [f for f in files if f.is_node == (kind == "nodes")]
            queues = {}
            for f in group:
                rows = data[f.path.name]
                if kind == "rels" and budget is not None:  # only rows whose ends the sample wrote
                    rows = [r for r in rows if r[f.start] in written.get(f.from_label, ()) and
                            r[f.end] in written.get(f.to_label, ())]
                queues[f.path.name] = (f, iter(rows))
            deadline = time.perf_counter() + budget / 2 if budget is not None else None
            while queues and (deadline is None or time.perf_counter() < deadline):
                for name in list(queues):
                    f, it = queues[name]
                    batch = [r for _, r in zip(range(chunk), it)]
                    if not batch:
                        del queues[name]
                        continue
                    t0 = time.perf_counter()
                    for r in batch:
                        if f.is_node:
                            s.run(node_stmt(f), key=r[f.id_col], props=f.typed(r, delimiter)).consume()
                        else:
                            s.run(rel_stmt(f), a=r[f.start], b=r[f.end], props=f.typed(r, delimiter)).consume()
                    spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0
                    done[name] = done.get(name, 0) + len(batch)
                    if f.is_node:
                        written.setdefault(f.label, set()).update(r[f.id_col] for r in batch)
    total_rows = sum(len(r) for r in data.values())
    rows_done = sum(done.values())
    measured = sum(spent.values())
    if rows_done == total_rows:
        return {"seconds": round(measured, 2), "rows": total_rows, "estimated": False, **server.counts()}
    mean = {k: sum(spent[f.path.name] for f in files if f.is_node == k and f.path.name in done) /
            max(1, sum(done[f.path.name] for f in files if f.is_node == k and f.path.name in done)) for k in (True, False)}
    estimate = sum(len(data[f.path.name]) * (spent[f.path.name] / done[f.path.name] if done.get(f.path.name)
                                             else mean[f.is_node]) for f in files)
    return {"seconds": round(estimate, 2), "rows": total_rows, "estimated": True, "rows_run": rows_done,
            "seconds_run": round(measured, 2), "rows_per_second_run": round(rows_done / measured, 1)}


def step(name: str, result: dict) -> dict:
    print(f"{name}: {json.dumps(result)}", flush=True)  # as it goes: a 100k run takes long
    return result


def measure(n: int, seed: int, work: Path, budget: float | None, heap: str) -> dict:
    data = work / f"cases-{n}"
    generate(data, n, seed)
    server = Server(work / "home", heap)
    py = sys.executable
    try:
        server.empty()
        tnr = [py, "-m", "graph.cli", "ingest", str(data), "--rejects", str(work / "rejects.jsonl")]
        first = step("tnr ingest", run(tnr, env=server.client_env()))
        again = step("re-ingest", run(tnr, env=server.client_env()))
        ingest_counts = server.counts()
        folder = server.home / "import" / "csv"
        shutil.rmtree(folder, ignore_errors=True)
        run([py, "-m", "graph.cli", "export", "--all", "--format", "csv", "--output", str(folder)],
            env=server.client_env())
        files, delimiter, meta = exported(folder)
        server.empty()
        loaded = step("LOAD CSV", load_csv(server, folder, files, delimiter))
        server.empty()
        slow = step("naive loop", naive(server, files, delimiter, budget))
        admin = step("neo4j-admin import", admin_import(server, folder, work))
    finally:
        server.stop()
    out = {"incidents": n, "seed": seed, "rows": meta["nodes"] + meta["relationships"],
           "graph": {"nodes": meta["nodes"], "relationships": meta["relationships"]},
           "ingest": {**first, **ingest_counts}, "reingest": again, "load_csv": loaded, "naive": slow,
           "admin_import": admin, "first_vs_reingest": round(first["seconds"] / again["seconds"], 2),
           "naive_vs_ingest": round(slow["seconds"] / first["seconds"], 2),
           "ingest_vs_load_csv": round(first["seconds"] / loaded["seconds"], 2)}
    if "seconds" in admin:
        out["ingest_vs_admin_import"] = round(first["seconds"] / admin["seconds"], 2)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--naive-budget", type=float, help="seconds for the naive loop (then estimated)")
    ap.add_argument("--heap", default="2g", help="the server's maximum heap")
    ap.add_argument("--quick", action="store_true", help="500 incidents: a smoke run of the harness")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "neo4j_ingest.json")
    args = ap.parse_args(argv)
    n = 500 if args.quick else args.incidents
    work = Path(tempfile.mkdtemp(prefix="tnr-bench-neo4j-"))
    try:
        r = measure(n, args.seed, work, args.naive_budget, args.heap)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{n:>9} incidents ({r['rows']:,} rows)  tnr ingest {r['ingest']['seconds']:.1f} s  "
          f"re-ingest {r['reingest']['seconds']:.1f} s  LOAD CSV {r['load_csv']['seconds']:.1f} s  "
          f"neo4j-admin {r['admin_import'].get('seconds', 'failed')} s  naive {r['naive']['seconds']:.1f} s"
          f"{' (estimated)' if r['naive']['estimated'] else ''}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(args.out.read_text())["results"] if args.out.exists() else []
    results = [x for x in results if x["incidents"] != n] + [r]
    args.out.write_text(json.dumps({"machine": {"cores": os.cpu_count()},
                                    "results": sorted(results, key=lambda x: x["incidents"])}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
