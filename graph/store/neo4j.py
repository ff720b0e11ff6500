"""A Neo4j server as the store: a local Community server, a team's server, a cluster or Aura.

Connection from the environment: ``NEO4J_URI`` (bolt://, neo4j://, neo4j+s://; default
bolt://127.0.0.1:7687), ``NEO4J_USER`` (neo4j), ``NEO4J_PASSWORD`` (else the password file the
project's ``tnr neo4j`` keeps) and ``NEO4J_DATABASE`` (neo4j).

Reads run in managed read transactions with a timeout; writes are batched ``UNWIND $rows … MERGE``
in managed write transactions, which the driver retries on transient errors.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import neo4j
from neo4j import GraphDatabase, unit_of_work
from neo4j.exceptions import AuthError, ClientError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from graph.schema import Schema, neo4j_constraints
from graph.store.base import Store, StoreError
from graph.store.upsert import set_clause
from graph.uri import scrub, shown_uri

DEFAULT_URI = f"bolt://127.0.0.1:{os.environ.get('TNR_NEO4J_PORT') or 7687}"
PASSWORD_FILE = Path(os.environ.get("TNR_NEO4J_HOME", Path.home() / ".cache" / "tnr-graph" / "neo4j")) / "password"
BATCH_SIZE = int(os.environ.get("TNR_NEO4J_BATCH", "10000"))
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


class Neo4jStore(Store):
    backend = "neo4j"

    def __init__(self, uri: str, user: str, password: str | None, database: str = "neo4j", write: bool = False,
                 schema: Schema | None = None):
        super().__init__(schema)
        self.uri, self.database, self.write = uri, database, write
        self.shown_uri = shown_uri(uri)  # what messages show: credentials in the URI are redacted
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

    @classmethod
    def from_env(cls, write: bool = False) -> Neo4jStore:
        return cls(os.environ.get("NEO4J_URI", DEFAULT_URI), os.environ.get("NEO4J_USER", "neo4j"), _password(),
                   os.environ.get("NEO4J_DATABASE", "neo4j"), write)

    def _error(self, e: Exception) -> StoreError:
        return StoreError(scrub(self._message(e), self.uri))

    def _message(self, e: Exception) -> str:
        at = self.shown_uri
        if isinstance(e, AuthError):
            return f"Neo4j at {at} refused the credentials: {e.message}"
        if isinstance(e, (ServiceUnavailable, SessionExpired, OSError)) or (
                isinstance(e, DriverError) and not isinstance(e, Neo4jError)):
            return f"cannot reach Neo4j at {at}: {e}; is the server running? (`tnr neo4j status`)"
        if isinstance(e, Neo4jError):
            return f"Neo4j at {at}: {e.code}: {e.message}"
        return f"Neo4j at {at}: {e}"

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    # reads -------------------------------------------------------------------------------------
    def rows(self, cypher, params=None):
        @unit_of_work(timeout=READ_TIMEOUT)
        def work(tx):
            result = tx.run(cypher, params or {})
            keys = list(result.keys())
            return keys, [[_plain(v) for v in record.values()] for record in result]

        try:
            with self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as s:
                return s.execute_read(work)
        except Exception as e:  # noqa: BLE001
            raise self._error(e) from None

    # writes ------------------------------------------------------------------------------------
    def _write(self, cypher: str, params: dict | None = None) -> None:
        if not self.write:
            raise StoreError(f"Neo4j at {self.shown_uri} is open read-only")
        try:
            with self._driver.session(database=self.database) as s:
                s.execute_write(lambda tx: tx.run(cypher, params or {}).consume())
        except Exception as e:  # noqa: BLE001
            raise self._error(e) from None

    def ensure_schema(self) -> None:
        for stmt in neo4j_constraints(self.schema):
            try:
                with self._driver.session(database=self.database) as s:
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
        """Delete every node and relationship (tests and `tnr sync --replace`)."""
        self._write("MATCH (n) DETACH DELETE n")
