"""A Neo4j server as the store: a local Community server, a team's server, a cluster or Aura.

Connection from the environment: ``NEO4J_URI`` (bolt://, neo4j://, neo4j+s://; default
bolt://127.0.0.1:7687), ``NEO4J_USER`` (neo4j), ``NEO4J_PASSWORD`` (else the password file the
project's ``tnr neo4j`` keeps) and ``NEO4J_DATABASE`` (neo4j).

Reads run in managed read transactions with a timeout; writes are batched ``UNWIND $rows … MERGE``
in managed write transactions, which the driver retries on transient errors. Because an ingest spans many
transactions, its writer holds an "ingest in progress" marker and readers check it (graph/store/ingest_marker.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import neo4j
from neo4j import GraphDatabase, unit_of_work
from neo4j.exceptions import AuthError, ClientError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from graph.schema import Schema, neo4j_constraints
from graph.store.base import QueryFailed, QueryTimedOut, Store, StoreError
from graph.store.ingest_marker import CONSTRAINT, IngestClaim, Marker, check_unchanged
from graph.store.upsert import set_clause
from graph.uri import scrub, shown_uri

DEFAULT_URI = f"bolt://127.0.0.1:{os.environ.get('TNR_NEO4J_PORT') or 7687}"
PASSWORD_FILE = Path(os.environ.get("TNR_NEO4J_HOME", Path.home() / ".cache" / "tnr-graph" / "neo4j")) / "password"
BATCH_SIZE = int(os.environ.get("TNR_NEO4J_BATCH", "10000"))
SCHEMES = ("bolt", "neo4j", "bolt+s", "neo4j+s", "bolt+ssc", "neo4j+ssc")
READ_TIMEOUT = float(os.environ.get("TNR_NEO4J_READ_TIMEOUT", "60"))


def _password() -> str | None:
    if os.environ.get("NEO4J_PASSWORD"):
        return os.environ["NEO4J_PASSWORD"]
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip()
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime)):
        return value.iso_format()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _unreachable(e: Exception) -> str:
    """Why the server cannot be reached, and what to do, from the driver's words."""
    text = str(e)
    if "DNS resolve" in text or "Name or service not known" in text:
        return "its host name does not resolve; check the host in NEO4J_URI"
    if "Connection refused" in text:
        return "nothing listens on that port (connection refused); start the server (`tnr neo4j start`) or check NEO4J_URI"
    if "timed out" in text.lower():
        return "no answer within 10 s; check NEO4J_URI and that the server is running and reachable"
    first = text.splitlines()[0][:200] if text else type(e).__name__
    return f"the connection failed or was lost ({first}); is the server running? (`tnr neo4j status`)"


def _said(e: Neo4jError) -> str:
    """The server's own words, without the full stop that ends them (our line goes on after a semicolon)."""
    return (e.message or "").rstrip(". ")


class Neo4jStore(Store):
    backend = "neo4j"

    def __init__(self, uri: str, user: str, password: str | None, database: str = "neo4j", write: bool = False,
                 schema: Schema | None = None):
        super().__init__(schema)
        self.uri, self.user, self.database, self.write = uri, user, database, write
        self.shown_uri = shown_uri(uri)  # what messages show: credentials in the URI are redacted
        self._driver = None
        if urlsplit(uri).scheme not in SCHEMES:
            raise StoreError(f"NEO4J_URI {self.shown_uri} is not a Neo4j server address: it must start with "
                             f"{', '.join(s + '://' for s in SCHEMES)}")
        if password is None:
            raise StoreError(f"no password for Neo4j at {self.shown_uri}: set NEO4J_PASSWORD (or start the local "
                             "server with `tnr neo4j start`, which keeps one)")
        try:
            self._driver = GraphDatabase.driver(uri, auth=(user, password), connection_timeout=10,
                                                max_transaction_retry_time=30,
                                                notifications_min_severity="OFF")
            self._driver.verify_connectivity()
        except Exception as e:  # noqa: BLE001 - every failure here becomes one clear message
            self._driver = None
            raise self._error(e) from None
        self._seen: Marker | None = None  # the marker as this reader's first query saw it
        self._wrote = False
        self._afresh = False  # start_afresh: empty the graph at the first write (reads see it empty until then)
        self._claim = IngestClaim(self._session, self.shown_uri,
                                  float(os.environ.get("TNR_LOCK_TIMEOUT", "120")))
        if write:
            try:
                self._claim.wait_for_others()
            except StoreError:
                self.close()
                raise
            except Exception as e:  # noqa: BLE001
                self.close()
                raise self._error(e) from None

    def _session(self, **kw):
        return self._driver.session(database=self.database, **kw)

    @classmethod
    def from_env(cls, write: bool = False) -> Neo4jStore:
        return cls(os.environ.get("NEO4J_URI", DEFAULT_URI), os.environ.get("NEO4J_USER", "neo4j"), _password(),
                   os.environ.get("NEO4J_DATABASE", "neo4j"), write)

    def _error(self, e: Exception) -> StoreError:
        return StoreError(" ".join(scrub(self._message(e), self.uri).split()))  # one line, whatever the driver says

    def _message(self, e: Exception) -> str:
        at = self.shown_uri
        if isinstance(e, AuthError):
            if "RateLimit" in (e.code or ""):
                return (f"Neo4j at {at} refused user {self.user!r} for now after repeated wrong passwords: {_said(e)}; "
                        "wait a few seconds, then check NEO4J_USER and NEO4J_PASSWORD")
            return (f"Neo4j at {at} refused the credentials of user {self.user!r}: {_said(e)}; check NEO4J_USER and "
                    "NEO4J_PASSWORD (the local server's are printed by `tnr neo4j env`)")
        if isinstance(e, (ServiceUnavailable, SessionExpired, OSError)) or (
                isinstance(e, DriverError) and not isinstance(e, Neo4jError)):
            return f"cannot reach Neo4j at {at}: {_unreachable(e)}"
        if isinstance(e, Neo4jError) and "TransactionTimedOut" in (e.code or ""):
            return (f"Neo4j at {at}: the query ran longer than its timeout of {READ_TIMEOUT:g} s and was stopped; "
                    f"raise TNR_NEO4J_READ_TIMEOUT or narrow the query")
        if isinstance(e, Neo4jError):
            return f"Neo4j at {at}: {e.code}: {e.message}"
        return f"Neo4j at {at}: {e}"

    def close(self) -> None:
        if getattr(self, "_claim", None) is not None and self._claim.depth:
            self._rollback()  # closed in the middle of writes: the marker stays, failed
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    # reads -------------------------------------------------------------------------------------
    def rows(self, cypher, params=None):
        if self._afresh:
            return [], []
        @unit_of_work(timeout=READ_TIMEOUT)
        def work(tx):
            # A reader checks the ingest marker before and after its query, in the same transaction: while an
            # ingest writes, or if one ran between this store's reads, it answers "try again" rather than half a graph.
            before = None if self.write else check_unchanged(tx, self._seen, self.shown_uri)
            result = tx.run(cypher, params or {})
            keys = list(result.keys())
            out = keys, [[_plain(v) for v in record.values()] for record in result]
            if before is not None:
                self._seen = check_unchanged(tx, before, self.shown_uri)
            return out

        try:
            with self._session(default_access_mode=neo4j.READ_ACCESS) as s:
                return s.execute_read(work)
        except StoreError:
            self._seen = None  # the caller may try again on this store: its next reads start afresh
            raise
        except Exception as e:  # noqa: BLE001
            raise self._error(e) from None

    def ingest_generation(self) -> int | None:
        """How many ingests (claims of the ingest marker: every write takes one) the graph has had, as this
        reader's last query saw the marker; None before its first query, or if nothing was ever written."""
        return None if self._seen is None else self._seen.generation

    def query_type(self, cypher: str, params: dict[str, Any]) -> str:
        """What Neo4j plans ``cypher`` to be, from ``EXPLAIN`` (nothing runs): r, rw, w or s (schema)."""
        try:
            with self._session(default_access_mode=neo4j.READ_ACCESS) as s:
                return s.run("EXPLAIN " + cypher, params or {}).consume().query_type
        except ClientError as e:
            raise QueryFailed(f"{e.code}: {e.message}") from None
        except Exception as e:  # noqa: BLE001
            raise self._error(e) from None

    def bounded_rows(self, cypher, params, max_rows, timeout):
        @unit_of_work(timeout=timeout)
        def work(tx):
            before = check_unchanged(tx, self._seen, self.shown_uri)  # no half-written graph, as in rows()
            result = tx.run(cypher, params or {})
            keys, rows = list(result.keys()), []
            for record in result:
                rows.append(list(record.values()))
                if len(rows) >= max_rows:
                    break
            self._seen = check_unchanged(tx, before, self.shown_uri)
            return keys, rows

        try:
            with self._session(default_access_mode=neo4j.READ_ACCESS) as s:
                return s.execute_read(work)
        except StoreError:
            self._seen = None
            raise
        except Neo4jError as e:
            if "TransactionTimedOut" in (e.code or ""):
                raise QueryTimedOut(f"the query ran longer than {timeout:g} s") from None
            if isinstance(e, ClientError):
                raise QueryFailed(f"{e.code}: {e.message}") from None
            raise self._error(e) from None
        except Exception as e:  # noqa: BLE001
            raise self._error(e) from None

    # writes ------------------------------------------------------------------------------------
    def _write(self, cypher: str, params: dict | None = None) -> None:
        if not self.write:
            raise StoreError(f"Neo4j at {self.shown_uri} is open read-only")
        self._empty_now()
        self._wrote = True
        try:
            with self._session() as s:
                s.execute_write(lambda tx: tx.run(cypher, params or {}).consume())
        except Exception as e:  # noqa: BLE001
            raise self._error(e) from None

    # The marker is held from the first write of a transaction (or of a rebuild) to its last.
    def _begin(self) -> None:
        if not self.write:
            raise StoreError(f"Neo4j at {self.shown_uri} is open read-only")
        if not self._claim.depth:
            self._wrote = False
        try:
            self._claim.take()
        except StoreError:
            raise
        except Exception as e:  # noqa: BLE001
            raise self._error(e) from None

    def _commit(self) -> None:
        try:
            self._claim.release()
        except Exception as e:  # noqa: BLE001
            raise self._error(e) from None

    def _rollback(self) -> None:
        try:
            self._claim.fail() if self._wrote else self._claim.release()
        except Exception:  # noqa: BLE001, S110 - the original error is the one to report; the marker goes stale
            pass

    def writing(self):
        return self.transaction()  # on Neo4j a transaction is the marker's claim; nested claims count

    # A rebuild empties the graph at its first write, not before: until then the store answers as the empty graph it
    # will be, so an input that fails while it is read (before anything is written) leaves the old graph whole.
    def start_afresh(self) -> None:
        self._begin()
        self._afresh = True

    def _empty_now(self) -> None:
        if self._afresh:
            self._afresh = False
            self.clear()

    def forget_previous(self) -> None:
        self._empty_now()  # a rebuild that wrote nothing still leaves an empty graph
        self._commit()

    def restore_previous(self) -> None:
        self._afresh = False
        self._rollback()  # once something was written the old graph is gone: the marker stays, failed, until a rebuild completes

    def ensure_schema(self) -> None:
        for stmt in [*neo4j_constraints(self.schema), CONSTRAINT]:
            try:
                with self._session() as s:
                    s.run(stmt).consume()  # schema commands cannot run in a managed transaction function
            except ClientError as e:
                if "EquivalentSchemaRule" not in (e.code or ""):
                    raise self._error(e) from None
            except Exception as e:  # noqa: BLE001
                raise self._error(e) from None

    def _batched(self, cypher: str, rows: list[dict[str, Any]]) -> None:
        for i in range(0, len(rows), BATCH_SIZE):
            self._write(cypher, {"rows": rows[i:i + BATCH_SIZE]})

    def upsert_nodes(self, label, rows):
        if not rows:
            return
        node = self.schema.node(label)
        others = [p for p in node.props.values() if p.name != node.key]
        sets = ", ".join(set_clause("n", p.name, p.is_list, p.keep_first) for p in others)
        self._batched(f"UNWIND $rows AS row MERGE (n:{label} {{{node.key}: row.{node.key}}})"
                      + (f" SET {sets}" if sets else ""), rows)

    def upsert_rels(self, rel_type, from_label, to_label, rows):
        if not rows:
            return
        rel = self.schema.rel(rel_type)
        a, b = self.schema.node(from_label), self.schema.node(to_label)
        sets = ", ".join(set_clause("r", p.name, p.is_list, p.keep_first) for p in rel.props.values())
        self._batched(
            f"UNWIND $rows AS row MATCH (a:{from_label} {{{a.key}: row._from}}) MATCH (b:{to_label} {{{b.key}: row._to}}) "
            f"MERGE (a)-[r:{rel_type}]->(b)" + (f" SET {sets}" if sets else ""), rows)

    def clear(self) -> None:
        """Delete every node and relationship (tests and `tnr sync --replace`); inside an ingest or a sync, the
        marker that tells readers so stays."""
        self._write("MATCH (n) WHERE NOT n:TnrIngest DETACH DELETE n" if self._claim.depth else "MATCH (n) DETACH DELETE n")
