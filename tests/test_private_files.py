"""Private by default on disk (issue 8, finding 9) and no credentials in messages (finding 11).

Everything tnr writes about the people in the graph is 0600 in 0700 folders whatever the umask: the
database and its WAL, the lock file, the rejects and merge log, the pseudonym secret and the local Neo4j
home (conf, data, transaction logs, logs, password).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from graph.store.embedded import EmbeddedStore
from tests.helpers import FIXTURES, ROOT, tnr

UMASKS = [0o022, 0o000]


def _mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def is_private(path: Path) -> bool:
    return not path.stat().st_mode & 0o077


@pytest.mark.parametrize("umask", UMASKS, ids=["umask-022", "umask-000"])
def test_an_ingest_writes_only_private_files(tmp_path, umask):
    env = {**os.environ, "TNR_SECRET_FILE": str(tmp_path / "config" / "tnr-graph" / "pseudonym.key")}
    db = tmp_path / "new" / "dir" / "tnr.lbug"
    rejects = tmp_path / "out" / "rejects.jsonl"
    res = subprocess.run([sys.executable, "-m", "graph.cli", "ingest", str(FIXTURES / "privacy"), "--db", str(db),
                          "--rejects", str(rejects)], cwd=ROOT, env=env, capture_output=True, text=True, umask=umask,
                         timeout=300)
    assert res.returncode == 1, res.stderr  # the fixture's rejects
    files = [db, Path(f"{db}.lock"), rejects, rejects.with_name("merges.jsonl")]
    assert {f.name: _mode(f) for f in files} == {f.name: "0o600" for f in files}
    assert _mode(Path(env["TNR_SECRET_FILE"])) == "0o600"
    folders = [db.parent, db.parent.parent, Path(env["TNR_SECRET_FILE"]).parent]  # folders tnr created
    assert {str(d): _mode(d) for d in folders} == {str(d): "0o700" for d in folders}


@pytest.mark.parametrize("umask", UMASKS, ids=["umask-022", "umask-000"])
def test_the_rows_an_ingest_sets_aside_are_private_and_removed(tmp_path, umask):
    from graph.schema import load_schema
    from ingest.spill import Spill

    old = os.umask(umask)
    try:
        with Spill(load_schema(), folder=tmp_path) as spill:
            spill.add("Person", [{"id": "person-1", "name": "person-1", "public_figure": False}])
            spill.add(("TARGETED", "Incident", "Person"), [{"_from": "incident-1", "_to": "person-1"}])
            made = [spill.folder, *spill.folder.iterdir()]
            assert len(made) == 3
            assert {p.name: _mode(p) for p in made} == {p.name: "0o700" if p.is_dir() else "0o600" for p in made}
        assert not spill.folder.exists()
    finally:
        os.umask(old)


@pytest.mark.parametrize("umask", UMASKS, ids=["umask-022", "umask-000"])
def test_the_embedded_store_keeps_its_wal_private(tmp_path, umask):
    old = os.umask(umask)
    try:
        with EmbeddedStore(tmp_path / "w.lbug", write=True) as store:
            store.ensure_schema()
            with store.transaction():
                store.upsert_nodes("Country", [{"iso2": "SE", "name": "Sweden"}])
                wal = tmp_path / "w.lbug.wal"
                assert wal.exists() and _mode(wal) == "0o600"
        assert _mode(tmp_path / "w.lbug") == "0o600" and _mode(tmp_path / "w.lbug.lock") == "0o600"
        probe = tmp_path / "probe"
        probe.touch()
        assert _mode(probe) == oct(0o666 & ~umask)  # the process umask is the caller's again
    finally:
        os.umask(old)


def test_a_database_made_world_readable_before_is_tightened(tmp_path):
    db = tmp_path / "old.lbug"
    with EmbeddedStore(db, write=True) as store:
        store.ensure_schema()
    os.chmod(db, 0o644)
    os.chmod(f"{db}.lock", 0o644)
    with EmbeddedStore(db, write=True):
        pass
    assert _mode(db) == "0o600" and _mode(Path(f"{db}.lock")) == "0o600"


@pytest.mark.parametrize("umask", UMASKS, ids=["umask-022", "umask-000"])
def test_the_neo4j_home_files_tnr_writes_are_private(tmp_path, monkeypatch, umask):
    from graph import neo4j_server

    home = tmp_path / "cache" / "neo4j"
    monkeypatch.setenv("TNR_NEO4J_HOME", str(home))
    (home / "data").mkdir(parents=True)  # as an older tnr left it: world-readable
    (home / "data" / "old.db").write_text("names")
    os.chmod(home / "data" / "old.db", 0o644)
    old = os.umask(umask)
    try:
        neo4j_server.prepare_home()  # what tnr neo4j start does before it writes the conf and starts the JVM
        neo4j_server.write_conf()
        neo4j_server.remember_password("a-long-password")
    finally:
        os.umask(old)
    written = [home, home / "conf", home / "conf" / "neo4j.conf", home / "password", home / "data",
               home / "data" / "old.db", home / "logs", home / "run"]
    assert all(is_private(p) for p in written), {str(p): _mode(p) for p in written}


@pytest.mark.neo4j
def test_the_running_neo4j_server_writes_private_files(neo4j_server):
    """The session's server (started by tests/conftest.py with tnr neo4j start) runs with umask 077, and every file
    in its home, the store and transaction logs holding the names included, is private."""
    home = Path(neo4j_server.get("TNR_NEO4J_HOME") or "")
    pid_file = home / "run" / "tnr-neo4j.pid"
    if not pid_file.exists():
        pytest.skip("the Neo4j server was not started by graph/neo4j_server.py in this session")
    pid = int(pid_file.read_text())
    umask = re.search(r"^Umask:\s*(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M)
    assert umask and int(umask.group(1), 8) == 0o077
    paths = [home, *home.rglob("*")]
    tx_logs = [p for p in paths if p.name.startswith("neostore.transaction.db")]
    assert tx_logs, "no transaction log found"
    leaky = [str(p) for p in paths if not p.is_symlink() and not is_private(p)]
    assert not leaky, leaky[:10]
    print(f"neo4j home: {len(paths)} paths private, {len(tx_logs)} transaction logs")


# --- credentials (finding 11) -----------------------------------------------------------------------------------

URI = "bolt://alice:s3cret-pw@127.0.0.1:9"


def test_credentials_in_a_uri_never_reach_a_message(monkeypatch):
    from graph.store.base import StoreError
    from graph.store.neo4j import Neo4jStore

    for password in ("irrelevant-password", None):
        with pytest.raises(StoreError) as e:
            Neo4jStore(URI, "neo4j", password)
        message = str(e.value)
        assert "s3cret-pw" not in message and "alice" not in message, message
        assert "bolt://***@127.0.0.1:9" in message
    res = tnr("stats", "--backend", "neo4j", env={"NEO4J_URI": URI, "NEO4J_PASSWORD": "irrelevant-password"})
    assert res.returncode == 2
    assert "s3cret-pw" not in res.stderr + res.stdout and "bolt://***@127.0.0.1:9" in res.stderr


def test_the_app_shows_a_redacted_uri(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.app_helpers import shown as app_shown

    monkeypatch.setenv("TNR_BACKEND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", URI)
    monkeypatch.setenv("NEO4J_PASSWORD", "irrelevant-password")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    shown = " ".join(app_shown(e.value) for e in at.error)  # the error is escaped Markdown (graph/safe_text.py)
    assert "bolt://***@127.0.0.1:9" in shown and "s3cret-pw" not in shown and "alice" not in shown


def test_compose_requires_a_password():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    auth = yaml.safe_load(text)["services"]["neo4j"]["environment"]["NEO4J_AUTH"]
    assert auth.startswith("neo4j/${NEO4J_PASSWORD:?") and auth.endswith("}")
    assert ":-" not in text  # no fixed fallback anywhere


def test_rows_a_killed_ingest_set_aside_are_removed_by_the_next(tmp_path):
    from graph.schema import load_schema
    from ingest.spill import PREFIX, Spill

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = tmp_path / f"{PREFIX}{dead.stdout.strip()}-abc"
    orphan.mkdir()
    (orphan / "1.arrow").write_bytes(b"rows")
    live = tmp_path / f"{PREFIX}{os.getpid()}-def"  # a running ingest's folder stays
    live.mkdir()
    with Spill(load_schema(), folder=tmp_path):
        assert not orphan.exists() and live.exists()
