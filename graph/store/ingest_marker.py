"""The "ingest in progress" marker of a Neo4j store, so readers never take half a graph for the graph.

A Neo4j ingest writes in many transactions (one per batch), so a reader could see the batches committed so far.
The writer therefore claims one ``(:TnrIngest {id: 'ingest'})`` node before its first write: ``owner`` (a token),
``pid``, ``host``, ``started`` and a ``heartbeat`` it refreshes every ``TNR_INGEST_HEARTBEAT`` seconds, and it
removes them after its last write. Readers check the node before and after each query, in the query's own
transaction: while it is claimed they get "an ingest is in progress since ..., try again"; once its heartbeat is
older than ``TNR_INGEST_STALE`` seconds (or its process on this host is gone, or it failed) they get "an ingest
stopped before it finished; re-run it". ``generation`` counts the claims, so a reader whose query spanned a whole
ingest (or whose several queries saw different generations) is told to try again too.

The node carries a label outside schema.yaml: the graph hash, exports and sync, which read the schema's labels,
never see it. Times are the server's clock (``timestamp()``, ms), so clients' clocks do not matter.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import psutil

from graph.store.base import StoreError

CONSTRAINT = "CREATE CONSTRAINT tnr_ingest_marker IF NOT EXISTS FOR (m:TnrIngest) REQUIRE m.id IS UNIQUE"
STATE = ("OPTIONAL MATCH (m:TnrIngest {id: 'ingest'}) RETURN m.generation AS generation, m.owner AS owner, "
         "m.pid AS pid, m.host AS host, m.started AS started, timestamp() - m.heartbeat AS idle_ms, m.failed AS failed")
CLAIM = ("MERGE (m:TnrIngest {id: 'ingest'}) ON CREATE SET m.generation = 0 "
         "SET m.generation = m.generation "  # a write: holds the node's lock until this transaction ends
         "RETURN m.generation AS generation, m.owner AS owner, m.pid AS pid, m.host AS host, m.started AS started, "
         "timestamp() - m.heartbeat AS idle_ms, m.failed AS failed")
TAKE = ("MATCH (m:TnrIngest {id: 'ingest'}) SET m.generation = m.generation + 1, m.owner = $token, m.pid = $pid, "
        "m.host = $host, m.started = timestamp(), m.heartbeat = timestamp() REMOVE m.failed")
BEAT = "MATCH (m:TnrIngest {id: 'ingest'}) WHERE m.owner = $token SET m.heartbeat = timestamp()"
RELEASE = ("MATCH (m:TnrIngest {id: 'ingest'}) WHERE m.owner = $token "
           "REMOVE m.owner, m.pid, m.host, m.started, m.heartbeat, m.failed")
FAIL = "MATCH (m:TnrIngest {id: 'ingest'}) WHERE m.owner = $token SET m.failed = true"


def heartbeat_seconds() -> float:
    return float(os.environ.get("TNR_INGEST_HEARTBEAT", "5"))


def stale_seconds() -> float:
    return float(os.environ.get("TNR_INGEST_STALE", "30"))


@dataclass(frozen=True)
class Marker:
    """What the marker node says, as one read saw it."""

    generation: int | None
    owner: str | None = None
    pid: int | None = None
    host: str | None = None
    started: int | None = None  # ms since the epoch, server clock
    idle_ms: int | None = None
    failed: bool | None = None

    @classmethod
    def read(cls, tx) -> Marker:
        return cls(**tx.run(STATE).single().data())

    @property
    def claimed(self) -> bool:
        return self.owner is not None

    def gone(self) -> bool:
        """The claiming process is known to be dead: it failed, stopped its heartbeat, or left this host's process table."""
        if self.failed or (self.idle_ms or 0) > stale_seconds() * 1000:
            return True
        return self.host == socket.gethostname() and self.pid is not None and not psutil.pid_exists(self.pid)

    def since(self) -> str:
        if self.started is None:
            return "an unknown time"
        return datetime.fromtimestamp(self.started / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")

    def who(self) -> str:
        return f"process {self.pid} on {self.host}"

    def reader_message(self, at: str) -> str:
        if self.gone():
            why = ("it failed" if self.failed else f"no heartbeat for {(self.idle_ms or 0) / 1000:.0f} s"
                   if (self.idle_ms or 0) > stale_seconds() * 1000 else "its process is gone")
            return (f"Neo4j at {at}: an ingest started {self.since()} by {self.who()} stopped before it finished "
                    f"({why}), so the graph may hold only part of it; re-run the same `tnr ingest ... --backend neo4j` "
                    f"to complete it")
        return (f"Neo4j at {at}: an ingest is in progress since {self.since()} ({self.who()}); try again when it "
                f"finishes")


class IngestClaim:
    """The writer's hold on the marker: :meth:`take` before the first write, :meth:`release` after the last
    (:meth:`fail` if the writes stopped half-way). Re-entrant, so a rebuild can hold it across its clear and its
    writes."""

    def __init__(self, session_factory, shown_uri: str, timeout: float):
        self._session = session_factory
        self.at = shown_uri
        self.timeout = timeout
        self.token = uuid.uuid4().hex
        self.depth = 0
        self.previous: Marker | None = None  # an interrupted ingest this one took over
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def wait_for_others(self) -> None:
        """Wait while another live ingest holds the marker (a writer should not even read a half-written graph)."""
        deadline = time.monotonic() + self.timeout
        while True:
            with self._session() as s:
                m = s.execute_read(Marker.read)
            if not m.claimed or m.owner == self.token or m.gone():
                return
            if time.monotonic() >= deadline:
                raise StoreError(self._busy(m))
            time.sleep(0.2)

    def _busy(self, m: Marker) -> str:
        return (f"Neo4j at {self.at}: another ingest is writing since {m.since()} ({m.who()}; waited "
                f"{self.timeout:g} s, TNR_LOCK_TIMEOUT); wait for it to finish and run this one again")

    def take(self) -> None:
        if self.depth:
            self.depth += 1
            return
        deadline = time.monotonic() + self.timeout
        while True:
            with self._session() as s:
                m = s.execute_write(self._try_take)
            if m is None:
                break
            if time.monotonic() >= deadline:
                raise StoreError(self._busy(m))
            time.sleep(0.2)
        self.depth = 1
        self._stop.clear()
        self._beat = threading.Thread(target=self._heartbeat, name="tnr-ingest-heartbeat", daemon=True)
        self._beat.start()

    def _try_take(self, tx) -> Marker | None:
        """Claim the marker in one transaction (the node's lock serialises claims); return the holder if busy."""
        m = Marker(**tx.run(CLAIM).single().data())
        if m.claimed and m.owner != self.token and not m.gone():
            return m
        self.previous = m if m.claimed and m.owner != self.token else None
        tx.run(TAKE, token=self.token, pid=os.getpid(), host=socket.gethostname()).consume()
        return None

    def _heartbeat(self) -> None:
        while not self._stop.wait(heartbeat_seconds()):
            try:
                self._run(BEAT)
            except Exception:  # noqa: BLE001 - a missed beat is retried; the writes themselves report a lost server
                continue

    def _run(self, cypher: str) -> None:
        with self._session() as s:
            s.execute_write(lambda tx: tx.run(cypher, token=self.token).consume())

    def _end(self, cypher: str) -> None:
        self.depth -= 1
        if self.depth:
            return
        self._stop.set()
        if self._beat is not None:
            self._beat.join()
            self._beat = None
        self._run(cypher)

    def release(self) -> None:
        if self.depth:
            self._end(RELEASE)

    def fail(self) -> None:
        """The writes stopped half-way: leave the marker, failed, so readers are told to re-run the ingest."""
        if self.depth:
            self.depth = 1
            self._end(FAIL)


def check_unchanged(tx, first: Marker | None, at: str) -> Marker:
    """Read the marker inside a reader's transaction; raise if an ingest holds it or ran since ``first``."""
    m = Marker.read(tx)
    if m.claimed:
        raise StoreError(m.reader_message(at))
    if first is not None and m.generation != first.generation:
        raise StoreError(f"Neo4j at {at}: an ingest ran while this read was under way, so its answers may mix the "
                         f"graph before and after it; try again")
    return m

