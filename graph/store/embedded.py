"""The embedded default store: a Ladybug database in one file on disk."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from contextlib import contextmanager, nullcontext
from decimal import Decimal
from pathlib import Path
from typing import Any

import ladybug
import pyarrow as pa

from graph.private_files import private_dir, private_umask, tighten
from graph.schema import ARROW_TYPES, Prop, Schema, ladybug_ddl
from graph.store.base import QueryFailed, QueryTimedOut, Store, StoreError
from graph.store.locking import DatabaseBusy, DbLock, IngestInProgress
from graph.store.storage_errors import explain
from graph.store.upsert import merge_value


def _column(prop: Prop, rows: list[dict[str, Any]], name: str) -> pa.Array:
    return pa.array([r.get(name) for r in rows], type=ARROW_TYPES[prop.type])


def _fresh(rows: list[dict[str, Any]], props: list[Prop]) -> list[dict[str, Any]]:
    """Rows of new nodes or relationships as the upsert rule stores them over nothing (a list once per item)."""
    cut = {p.name: p.keep_first for p in props if p.keep_first}
    lists = [p.name for p in props if p.is_list]
    out = []
    for r in rows:
        fixed = {k: merge_value(None, r[k], cut.get(k)) for k in lists if r.get(k) is not None and len(r[k]) > 1}
        out.append({**r, **fixed} if fixed else r)  # a list of one item is stored as it is
    return out


# Replays a write-ahead log as a writer's open does, in a child process (see EmbeddedStore._recover).
# What Ladybug says when a commit reached the write-ahead log but folding it into the database file failed.
CHECKPOINT_FAILED = "committed successfully, but the post-commit checkpoint failed"
REPLAY = "import os, sys, ladybug; os.umask(0o077); ladybug.Database(sys.argv[1]).close()"


def commit_rows() -> int:
    return int(os.environ.get("TNR_COMMIT_ROWS", "200000"))


ASIDE = ".before-rebuild"


def database_files(path: Path) -> list[Path]:
    """A Ladybug database file and the files Ladybug keeps beside it (WAL, ...), not the lock nor the copy a
    rebuild sets aside."""
    prefix = f"{path.name}."
    return [path, *(p for p in path.parent.iterdir() if p.name.startswith(prefix)
                    and not p.name.endswith((".lock", ASIDE)))]


def files_signature(path: str | Path) -> str:
    """What changes whenever a write reaches the database at ``path``: each of its files' name, inode, size
    and modification time (ns), hashed. Read from the file system alone (microseconds, nothing opened):
    a commit writes the WAL and checkpoints it into the file, a rebuild puts a new file in place. Readers
    open the database read-only and change none of it. Empty when there is no database."""
    path = Path(path)
    if not path.exists():
        return ""
    parts = []
    for f in sorted(database_files(path)):
        try:
            st = f.stat()
        except FileNotFoundError:  # a WAL folded in and removed between the listing and the stat
            continue
        parts.append(f"{f.name}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


class EmbeddedStore(Store):
    """Ladybug on disk. Readers open it read-only under a shared lock, the writer under an exclusive one.

    Writes happen in one transaction per :meth:`transaction` block, so a crash mid-ingest leaves the
    previous graph.
    """

    backend = "embedded"
    write_rows = 200_000  # Ladybug COPYs large tables fast and small ones slowly (BENCHMARKS.md)
    _in_transaction = False
    _uncommitted = 0
    _parts = 0

    def __init__(self, path: str | Path, write: bool = False, schema: Schema | None = None,
                 lock_timeout: float | None = None):
        super().__init__(schema)
        self.path = Path(path)
        self.write = write
        if lock_timeout is None:
            lock_timeout = float(os.environ.get("TNR_LOCK_TIMEOUT", "120" if write else "10"))
        if not write and not self.path.exists():
            raise StoreError(f"no database at {self.path}; load data first with `tnr ingest PATH`")
        self._lock = DbLock(self.path, exclusive=write, timeout=lock_timeout)
        try:
            self._lock.acquire()
        except (IngestInProgress, DatabaseBusy) as e:
            raise StoreError(str(e)) from None
        try:
            private_dir(self.path.parent)
            self._open()  # the database file and its WAL are created 0600 (docs/safety.md)
            if write:
                self._tighten()
        except StoreError:  # already says which database and why
            self._lock.release()
            raise
        except Exception as e:  # ladybug raises RuntimeError with its own text
            self._lock.release()
            raise StoreError(explain(self.path, e) or f"cannot open {self.path}: {e}") from None

    def close(self) -> None:
        try:
            if getattr(self, "_conn", None) is not None:
                self._close_db()
                if self.write:
                    self._tighten()
        finally:
            self._lock.release()

    ASIDE = ASIDE

    def _files(self) -> list[Path]:
        """The database file and the files Ladybug keeps beside it (WAL, ...), not the lock."""
        return database_files(self.path)

    def _open(self) -> None:
        if self._interrupted():
            self._recover()
        with private_umask():
            try:
                self._db = ladybug.Database(str(self.path), read_only=not self.write)
            except RuntimeError as e:
                if self.write or "recovery is pending" not in str(e):
                    raise
                self._recover()
                self._db = ladybug.Database(str(self.path), read_only=True)
            self._conn = ladybug.Connection(self._db)

    def _beside(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)

    def _interrupted(self) -> bool:
        """Did a writer die before its write-ahead log was folded into the database file? (A clean close leaves
        none of these files.)"""
        return any(self._beside(f).exists() for f in (".wal", ".wal.checkpoint", ".shadow"))

    def _recover(self) -> None:
        """Finish or undo what a killed writer left, under the writer's lock, before anything else opens it.

        Found by bench/crash_trials.py: a writer killed during its commit's checkpoint leaves ``.wal.checkpoint``
        and an empty ``.shadow``; Ladybug 0.22 then crashes the opening process with SIGSEGV (LadybugDB/ladybug
        #615, #1007 are the same family). With the shadow file empty no page of the database file was
        overwritten yet: the header still names the previous graph, so the unfinished checkpoint is dropped and
        the previous graph opens (the killed ingest never reported success; its next run completes it).
        A plain log (a kill before or during the commit) is replayed as a writer would, in a child process,
        so that an engine crash on a damaged log becomes a message, not the death of the app."""
        held = self._lock.exclusive
        if not held:
            self._lock.release()
        try:
            with nullcontext() if held else DbLock(self.path, exclusive=True, timeout=self._lock.timeout):
                checkpoint, shadow = self._beside(".wal.checkpoint"), self._beside(".shadow")
                if checkpoint.exists() and (not shadow.exists() or shadow.stat().st_size == 0):
                    for f in (checkpoint, shadow, self._beside(".checkpoint.intent.lock"),
                              self._beside(".checkpoint.apply.lock")):
                        f.unlink(missing_ok=True)
                if self._interrupted():
                    replay = subprocess.run([sys.executable, "-c", REPLAY, str(self.path)], capture_output=True,
                                            text=True, timeout=3600)
                    if replay.returncode != 0:
                        why = replay.stderr.strip().splitlines()[-1:] or [f"the engine died (status {replay.returncode})"]
                        if full := explain(self.path, RuntimeError(why[0])):
                            raise StoreError(full)  # the log is sound; the disk refuses to take it
                        raise StoreError(f"{self.path}: the write-ahead log a killed ingest left cannot be replayed "
                                         f"({why[0][:300]}); move {self.path}* aside and rebuild the graph from its "
                                         "files (tnr ingest --rebuild PATH...)")
        finally:
            if not held:
                self._lock.acquire()

    @contextmanager
    def _disk_faults(self):
        """A write Ladybug cannot make for want of disk (full, read-only, not permitted) becomes one line naming
        the fix; any other engine error stays as it is."""
        try:
            yield
        except RuntimeError as e:
            if (line := explain(self.path, e)) is None:
                raise
            raise StoreError(line) from None

    def _close_db(self) -> None:
        with private_umask(), self._disk_faults():
            try:
                self._conn.close()
                self._db.close()
            finally:
                self._conn = None

    def start_afresh(self) -> None:
        """A new, empty database file in place of the old one, which is set aside and deleted once the rebuild is
        written: deleted rows may linger in a database file's free pages, a new file holds none (the lock stays held)."""
        if not self.write:
            raise StoreError(f"{self.path} is open read-only")
        self._close_db()
        for f in self._files():
            if f.exists():
                f.rename(f.with_name(f.name + self.ASIDE))
        self._open()

    def forget_previous(self) -> None:
        for f in self.path.parent.glob(f"{self.path.name}*{self.ASIDE}"):
            f.unlink()

    def restore_previous(self) -> None:
        self._close_db()
        for f in self._files():
            f.unlink(missing_ok=True)
        for f in self.path.parent.glob(f"{self.path.name}*{self.ASIDE}"):
            f.rename(f.with_name(f.name[: -len(self.ASIDE)]))
        self._open()

    def _tighten(self) -> None:
        """A database made by an older tnr (or copied in) is made 0600 too."""
        for f in (self.path, Path(f"{self.path}.wal")):
            if f.exists() and f.stat().st_uid == os.getuid():
                tighten(f)

    # reads -------------------------------------------------------------------------------------
    def _read(self, cypher, params):
        try:
            return self._conn.execute(cypher, params or {})
        except RuntimeError as e:
            hint = ""
            if "does not exist" in str(e) or "Cannot find property" in str(e):
                hint = ("; the database predates the current schema: run `tnr ingest` on any file (it adds the new "
                        "tables and properties) or load the data again")
            raise StoreError(f"query failed on {self.path}: {e}{hint}") from None

    def rows(self, cypher, params=None):
        res = self._read(cypher, params)
        columns = res.get_column_names()
        rows = [[_plain(v) for v in row] for row in res.get_all()]
        res.close()
        return columns, rows

    def columns(self, cypher, params=None):
        res = self._read(cypher, params)
        try:  # one Arrow table, a Python list per column: 0.6 s for 778k rows of two keys, where rows() takes 3.5 s
            table = res.get_as_arrow(chunk_size=-1)
        finally:
            res.close()
        return {name: [_plain(v) for v in col.to_pylist()] if pa.types.is_decimal(col.type) else col.to_pylist()
                for name, col in zip(table.column_names, table.columns)}

    def bounded_rows(self, cypher, params, max_rows, timeout):
        if self.write:
            raise StoreError(f"{self.path} is open for writing; console queries need a read-only store")
        self._conn.set_query_timeout(max(1, int(timeout * 1000)))  # also while the rows are read: they may stream
        res = None
        try:
            res = self._conn.execute(cypher, params or {})
            columns, rows = res.get_column_names(), []
            while len(rows) < max_rows and res.has_next():
                rows.append(res.get_next())
        except RuntimeError as e:
            if str(e).strip() == "Interrupted.":
                raise QueryTimedOut(f"the query ran longer than {timeout:g} s") from None
            raise QueryFailed(f"{e}".strip()) from None
        finally:
            if res is not None:
                res.close()
            self._conn.set_query_timeout(0)
        return columns, rows

    # writes ------------------------------------------------------------------------------------
    def _exec(self, cypher: str, params: dict | None = None) -> None:
        if not self.write:
            raise StoreError(f"{self.path} is open read-only")
        with private_umask(), self._disk_faults():
            self._conn.execute(cypher, params or {})

    def ensure_schema(self) -> None:
        for stmt in ladybug_ddl(self.schema):
            self._exec(stmt)
        self._migrate()

    def _migrate(self) -> None:
        """Bring tables made by an older schema up to date: CREATE ... IF NOT EXISTS does not alter, so add
        the properties and relationship endpoints that schema.yaml gained since (additions only)."""
        tables = [(n.label, n.props) for n in self.schema.nodes.values()]
        tables += [(r.type, r.props) for r in self.schema.rels.values()]
        for table, props in tables:
            have = {row[1] for row in self.rows(f"CALL table_info('{table}') RETURN *")[1]}
            for p in props.values():
                if p.name not in have:
                    self._exec(f"ALTER TABLE {table} ADD IF NOT EXISTS {p.name} {p.type}")
        for r in self.schema.rels.values():
            have = {tuple(row[:2]) for row in self.rows(f"CALL show_connection('{r.type}') RETURN *")[1]}
            for a, b in r.pairs():
                if (a, b) not in have:
                    self._exec(f"ALTER TABLE {r.type} ADD FROM {a} TO {b}")

    def _begin(self) -> None:
        self._exec("BEGIN TRANSACTION")
        self._in_transaction, self._uncommitted, self._parts = True, 0, 0

    def _commit(self) -> None:
        self._in_transaction = False
        self._commit_now()

    def _commit_now(self) -> None:
        try:
            with private_umask():
                self._conn.execute("COMMIT")
        except RuntimeError as e:
            line = explain(self.path, e)
            if line is None:
                raise
            if CHECKPOINT_FAILED in str(e):
                line += self._undo_logged_commit()
            raise StoreError(line) from None

    def _undo_logged_commit(self) -> str:
        """When the disk fills during a commit's checkpoint, Ladybug 0.22 says the transaction is durable in the
        write-ahead log, but replaying that log then crashes the engine (SIGSEGV), even once there is room (found by
        tests/test_backend_faults.py). With the shadow file empty no page of the database file was overwritten, so
        dropping the log leaves the graph as the last commit left it (the previous graph, or the parts committed before
        this one: _wrote), and the ingest reports the failure. The store
        stays closed (opening it as a writer on the full disk would start a checkpoint again)."""
        try:
            self._close_db()
        except StoreError:
            pass  # the close tries the checkpoint again; the disk is still full
        shadow = self._beside(".shadow")
        if shadow.exists() and shadow.stat().st_size:
            return "; the ingest is kept in the write-ahead log beside the database, which the next open replays"
        for f in (self._beside(".wal"), shadow):
            f.unlink(missing_ok=True)
        if self._parts:  # commits in parts (_wrote): what earlier parts wrote stays, its files marked pending
            return ("; this part of the ingest was not kept, the parts committed before it were: run the same "
                    "`tnr ingest` again once there is room to complete it")
        return "; nothing of this ingest was kept: the graph is as it was before it"

    def _rollback(self) -> None:
        self._in_transaction = False
        try:
            self._exec("ROLLBACK")
        except RuntimeError as e:  # a failed statement already ended the transaction
            if "No active transaction" not in str(e):
                raise

    def _wrote(self, rows: int) -> None:
        """Commit a transaction's part once it holds ``TNR_COMMIT_ROWS`` rows: Ladybug keeps uncommitted rows in
        its buffer pool, which a whole large ingest would overflow. A part committed before a failure stays; the
        ingest marks each input's file Source pending until its last row is in (ingest/pipeline.py), so the
        next run of the same ingest completes it."""
        self._uncommitted += rows
        if self._in_transaction and self._uncommitted >= commit_rows():
            self._commit_now()
            self._exec("BEGIN TRANSACTION")
            self._uncommitted, self._parts = 0, self._parts + 1

    def clear(self) -> None:
        """Delete every node and relationship."""
        self._exec("MATCH (n) DETACH DELETE n")

    # Upserts: MERGE into a large table is slow in Ladybug (measured in bench/embedded_upsert.py: 20,000
    # relationships merged into 200,000 took 18 s), while COPY of new rows takes about a second. So each
    # upsert looks up which rows exist, COPYs the new ones, and SETs only the existing rows whose merged
    # properties differ, which makes re-running an ingest write nothing at all.

    def upsert_nodes(self, label, rows):
        if not rows:
            return
        node = self.schema.node(label)
        props = list(node.props.values())
        others = [p for p in props if p.name != node.key]
        keys = pa.table({"k": pa.array([r[node.key] for r in rows], type=pa.string())})
        cols = "".join(f", n.{p.name} AS {p.name}" for p in others)
        names, found = self._scan(keys, f"MATCH (n:{label} {{{node.key}: k}}) RETURN k{cols}")
        existing = {r[0]: dict(zip(names[1:], r[1:])) for r in found}
        new = _fresh([r for r in rows if r[node.key] not in existing], props)
        if new:
            self._copy(label, pa.table({p.name: _column(p, new, p.name) for p in props}))
        changed = _changed(rows, lambda r: existing.get(r[node.key]), others)
        if changed:
            table = pa.table({"k": pa.array([r[node.key] for r in changed], type=pa.string()),
                              **{f"p_{p.name}": _column(p, changed, p.name) for p in others}})
            sets = ", ".join(f"n.{p.name} = p_{p.name}" for p in others)
            self._scan(table, f"MATCH (n:{label} {{{node.key}: k}}) SET {sets}")
        self._wrote(len(rows))

    def upsert_rels(self, rel_type, from_label, to_label, rows):
        if not rows:
            return
        rel = self.schema.rel(rel_type)
        a, b = self.schema.node(from_label), self.schema.node(to_label)
        props = list(rel.props.values())
        match = f"MATCH (a:{from_label} {{{a.key}: src}})-[r:{rel_type}]->(b:{to_label} {{{b.key}: dst}})"
        cols = "".join(f", r.{p.name} AS {p.name}" for p in props)
        names, found = self._existing_rels(rows, match, f"RETURN src, dst{cols}")
        existing = {(r[0], r[1]): dict(zip(names[2:], r[2:])) for r in found}
        new = _fresh([r for r in rows if (r["_from"], r["_to"]) not in existing], props)
        if new:
            table = pa.table({"from": pa.array([r["_from"] for r in new], type=pa.string()),
                              "to": pa.array([r["_to"] for r in new], type=pa.string()),
                              **{p.name: _column(p, new, p.name) for p in props}})
            pair = f"from='{from_label}', to='{to_label}'" if len(rel.pairs()) > 1 else ""
            self._copy(rel_type, table, pair)
        changed = _changed(rows, lambda r: existing.get((r["_from"], r["_to"])), props)
        if changed:
            table = pa.table({"src": pa.array([r["_from"] for r in changed], type=pa.string()),
                              "dst": pa.array([r["_to"] for r in changed], type=pa.string()),
                              **{f"p_{p.name}": _column(p, changed, p.name) for p in props}})
            self._scan(table, f"{match} SET " + ", ".join(f"r.{p.name} = p_{p.name}" for p in props))
        self._wrote(len(rows))

    # Ladybug 0.22 keeps about 1 MiB of its buffer pool, until the database is closed, for every ``LOAD FROM`` of a
    # new Arrow table through a relationship pattern (a node pattern keeps none; the same table scanned again keeps
    # nothing more): about 18 MiB per ingest of the sample, 19 such lookups (docs/reliability.md, section 4).
    # An UNWIND of a list parameter keeps nothing but takes 0.28 s for 20,000 pairs where LOAD FROM takes 0.01 s,
    # so small lookups (every lookup of a small ingest) go through UNWIND and large ones through LOAD FROM.
    unwind_rows = 2_000

    def _existing_rels(self, rows: list[dict[str, Any]], match: str, ret: str) -> tuple[list[str], list[list[Any]]]:
        """``match`` (naming ``src`` and ``dst``) then ``ret`` for each (``_from``, ``_to``) of ``rows``."""
        if len(rows) > self.unwind_rows:
            ends = pa.table({"src": pa.array([r["_from"] for r in rows], type=pa.string()),
                             "dst": pa.array([r["_to"] for r in rows], type=pa.string())})
            return self._scan(ends, f"{match} {ret}")
        if not self.write:
            raise StoreError(f"{self.path} is open read-only")
        pairs = [{"s": r["_from"], "d": r["_to"]} for r in rows]
        with private_umask(), self._disk_faults():
            res = self._conn.execute(f"UNWIND $pairs AS e WITH e.s AS src, e.d AS dst {match} {ret}", {"pairs": pairs})
        out = res.get_column_names(), res.get_all()
        res.close()
        return out

    def _scan(self, table: pa.Table, body: str) -> tuple[list[str], list[list[Any]]]:
        """Run ``LOAD FROM <table> <body>``; the Arrow table carries the exact column types."""
        if not self.write:
            raise StoreError(f"{self.path} is open read-only")
        with private_umask(), self._disk_faults():
            res = self._conn.execute(f"LOAD FROM $rows {body}", {"rows": table})
        out = res.get_column_names(), res.get_all()
        res.close()
        return out

    def _copy(self, table_name: str, table: pa.Table, options: str = "") -> None:
        # COPY matches columns by position: follow the table's real order, which differs from schema.yaml's
        # once _migrate has appended columns to a table made by an older schema.
        order = [r[1] for r in self.rows(f"CALL table_info('{table_name}') RETURN *")[1]]
        ends = [c for c in table.column_names if c not in order]
        table = table.select(ends + [c for c in order if c in table.column_names])
        with private_umask(), self._disk_faults():
            self._conn.execute(f"COPY {table_name} FROM $rows" + (f" ({options})" if options else ""), {"rows": table})


def _plain(value: Any) -> Any:
    """Ladybug's sum() of INT64 is an INT128 that arrives as a Decimal; Neo4j gives an int."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _changed(rows: list[dict[str, Any]], old_of, props: list[Prop]) -> list[dict[str, Any]]:
    """Rows that exist already and whose merged properties (:func:`~graph.store.upsert.merge_value`) differ from
    the stored ones."""
    out = []
    for r in rows:
        old = old_of(r)
        if old is None:
            continue
        merged = {p.name: merge_value(old.get(p.name), r.get(p.name), p.keep_first) for p in props}
        if any(merged[k] != old.get(k) for k in merged):
            out.append({**r, **merged})
    return out
