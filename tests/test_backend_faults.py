"""Backend faults through the real ``tnr`` CLI (issue 14): each ends in one line on stderr naming the cause and
the fix, exit status 2 (nothing written), no traceback; and the store works again once the fault clears.

Real servers and real file systems only: Neo4j is stopped and started, a password is wrong, a port has no
listener, a host name does not resolve, a query outlives its timeout; the embedded database is held by another
writer, sits on a read-only file system (a tmpfs remounted read-only when root, whom chmod does not stop; chmod
otherwise) or on a full one (a tmpfs of a few megabytes: root only, required in CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.store.embedded import EmbeddedStore
from graph.store.snapshot import graph_hash
from tests.helpers import (
    IN_CI,
    ROOT,
    SAMPLE,
    _free_port,
    ensure_neo4j_sample,
    neo4j_store,
    one_error_line,
    server_script_env,
    stop_process_group,
    tnr,
)

ROOT_USER = os.geteuid() == 0


def neo4j_env(server: dict, **overrides: str) -> dict:
    return {**{k: v for k, v in server.items() if k.startswith("NEO4J_")}, **overrides}


# Neo4j -----------------------------------------------------------------------------------------------------

@pytest.mark.neo4j
def test_wrong_password_names_the_settings_to_check(neo4j_server):
    """A user of the test's own (Neo4j locks a user after 3 failed logins; one wrong attempt here, then the
    right one, so no other test's login is ever refused)."""
    user, password = f"tnr_faults_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    admin = neo4j_store(neo4j_server)
    try:
        with admin._driver.session(database="system") as s:
            s.run("CREATE USER $user SET PLAINTEXT PASSWORD $pw CHANGE NOT REQUIRED", user=user, pw=password).consume()
        ensure_neo4j_sample(neo4j_server)
        res = tnr("stats", "--backend", "neo4j", env=neo4j_env(neo4j_server, NEO4J_USER=user,
                                                              NEO4J_PASSWORD="not-" + password))
        line = one_error_line(res, f"Neo4j at {neo4j_server['NEO4J_URI']} refused the credentials of user '{user}'",
                              "check NEO4J_USER and NEO4J_PASSWORD")
        assert password not in line
        res = tnr("stats", "--backend", "neo4j", "--format", "json",
                  env=neo4j_env(neo4j_server, NEO4J_USER=user, NEO4J_PASSWORD=password))
        assert res.returncode == 0, res.stderr  # the right password: the same user reads the graph
    finally:
        with admin._driver.session(database="system") as s:
            s.run("DROP USER $user IF EXISTS", user=user).consume()
        admin.close()


@pytest.mark.parametrize("uri,needles", [
    (f"bolt://127.0.0.1:{_free_port()}", ("connection refused", "start the server (`tnr neo4j start`) or check NEO4J_URI")),
    ("bolt://tnr-no-such-host.invalid:7687", ("its host name does not resolve", "check the host in NEO4J_URI")),
    ("http://127.0.0.1:7474", ("is not a Neo4j server address", "bolt://")),
], ids=["nothing-listening", "bad-host-name", "not-a-bolt-uri"])
@pytest.mark.parametrize("command", [["stats"], ["query", "cross_border_reach"],
                                     ["ingest", str(SAMPLE / "un_reprisals_reports.jsonl")]],
                         ids=["stats", "query", "ingest"])
def test_an_unreachable_server_is_one_line(uri, needles, command, tmp_path):
    rejects = ["--rejects", str(tmp_path / "r.jsonl")] if command[0] == "ingest" else []
    res = tnr(*command, *rejects, "--backend", "neo4j", env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "irrelevant"})
    one_error_line(res, *needles)


@pytest.mark.neo4j
def test_a_query_over_its_timeout_names_the_setting(sample_cli, backend):
    if backend != "neo4j":
        pytest.skip("the read timeout is Neo4j's (the embedded store runs in-process, without one)")
    args, env = sample_cli
    # A millisecond: the server stops most runs of the hash's ~60 queries (measured: 5 of 6 runs), not every one,
    # as it checks the timeout from time to time. Each run either reads the whole graph or ends in the one line.
    outcomes = []
    for _ in range(6):
        res = tnr("stats", "--hash", *args, env={**env, "TNR_NEO4J_READ_TIMEOUT": "0.001"})
        if res.returncode == 0:
            assert "graph hash: " in res.stdout
            outcomes.append("read")
            continue
        one_error_line(res, "the query ran longer than its timeout of 0.001 s", "raise TNR_NEO4J_READ_TIMEOUT")
        outcomes.append("timed out")
        if outcomes.count("timed out") == 2:
            break
    assert "timed out" in outcomes, outcomes
    assert tnr("stats", "--hash", *args, env=env).returncode == 0  # the default timeout: the same graph reads


def _app_overview() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


@pytest.mark.neo4j
def test_neo4j_stopped_mid_session_then_back(neo4j_server, monkeypatch):
    """A store and the app open while the server stops: one line each; once it is back the same store, the
    same app session (a rerun, no restart) and the next CLI call work again."""
    if not neo4j_server.get("TNR_NEO4J_HOME"):
        pytest.skip("the test server was not started by graph/neo4j_server.py, so this test cannot stop it")
    ensure_neo4j_sample(neo4j_server)
    env = neo4j_env(neo4j_server)
    monkeypatch.setenv("TNR_BACKEND", "neo4j")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    at = _app_overview()
    assert {m.label: m.value for m in at.metric}["Incident"] == "42"
    script = [sys.executable, "-m", "graph.neo4j_server"]
    script_env = server_script_env(neo4j_server)
    with neo4j_store(neo4j_server) as store:
        assert store.counts()["nodes"]["Incident"] == 42
        assert subprocess.run([*script, "stop"], env=script_env, capture_output=True, timeout=120).returncode == 0
        try:
            for command in (["query", "cross_border_reach"], ["stats", "--hash"]):
                one_error_line(tnr(*command, "--backend", "neo4j", env=env),
                               f"cannot reach Neo4j at {neo4j_server['NEO4J_URI']}", "tnr neo4j start")
            from graph.store.base import StoreError

            with pytest.raises(StoreError, match="cannot reach Neo4j") as raised:
                store.counts()
            assert "\n" not in str(raised.value)
            at.run()  # the same app session, rerun while the server is down
            assert not at.exception
            assert len(at.error) == 1 and "cannot reach Neo4j" in at.error[0].value
            assert "\n" not in at.error[0].value and not at.metric
        finally:
            started = subprocess.run([*script, "start"], env=script_env, capture_output=True, text=True, timeout=300)
            assert started.returncode == 0, started.stdout + started.stderr
        assert store.counts()["nodes"]["Incident"] == 42  # the same store, its driver reconnects
    at.run()  # the same session again: the data, no error, without restarting the app
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Incident"] == "42"
    res = tnr("stats", "--backend", "neo4j", "--format", "json", env=env)
    assert res.returncode == 0, res.stderr


# Embedded --------------------------------------------------------------------------------------------------

HOLD_WRITER = """
import sys, time
from graph.store.embedded import EmbeddedStore
with EmbeddedStore(sys.argv[1], write=True):
    print("holding", flush=True)
    time.sleep(120)
"""


def test_locked_by_another_writer_then_free(sample_db, tmp_path):
    db = tmp_path / "tnr.lbug"
    shutil.copy(sample_db, db)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(db)], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT, start_new_session=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        res = tnr("ingest", str(SAMPLE), "--db", str(db), "--rejects", str(tmp_path / "r.jsonl"),
                  env={"TNR_LOCK_TIMEOUT": "1"})
        one_error_line(res, f"{db}: another process is using the database (waited 1s)", "wait for the other ingest")
    finally:
        stop_process_group(holder)
    res = tnr("ingest", str(SAMPLE), "--db", str(db), "--rejects", str(tmp_path / "r.jsonl"))
    assert res.returncode == 0, res.stderr  # the writer gone, the same ingest runs (and, unchanged, skips)


class Mounts:
    """tmpfs mounts for one test, always unmounted."""

    def __init__(self):
        self.points: list[Path] = []

    def tmpfs(self, where: Path, size: str) -> Path:
        where.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            if IN_CI:
                pytest.fail(f"CI runs as root but cannot mount a tmpfs: {done.stderr}")
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        self.points.append(where)
        return where

    @staticmethod
    def remount(where: Path, options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True, capture_output=True)

    def close(self) -> None:
        for p in reversed(self.points):
            subprocess.run(["umount", str(p)], capture_output=True)


@pytest.fixture()
def mounts():
    if not ROOT_USER:
        if IN_CI:
            pytest.fail("CI must run the file-system faults as root (tmpfs mounts)")
        pytest.skip("a tmpfs mount needs root; run as root (as CI does) to try a full or read-only disk")
    m = Mounts()
    try:
        yield m
    finally:
        m.close()


@pytest.fixture()
def read_only_folder(sample_db, tmp_path, request):
    """A folder holding a copy of the sample database that this process may not write in, and how: a read-only
    tmpfs as root (chmod does not stop root), chmod 0500/0400 otherwise."""
    if ROOT_USER:
        m = request.getfixturevalue("mounts")
        folder = m.tmpfs(tmp_path / "ro", "64m")
        shutil.copy(sample_db, folder / "tnr.lbug")
        m.remount(folder, "ro")
        yield folder, "read-only tmpfs mount"
        return
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(sample_db, folder / "tnr.lbug")
    (folder / "tnr.lbug").chmod(0o400)
    folder.chmod(0o500)
    try:
        yield folder, "chmod"
    finally:
        folder.chmod(0o700)


def test_read_only_folder(read_only_folder, sample_db, tmp_path, record_property):
    folder, how = read_only_folder
    record_property("read_only_by", how)
    cause = "is on a read-only file system" if how.startswith("read-only") else "may not write in"
    db = folder / "tnr.lbug"
    res = tnr("ingest", str(SAMPLE), "--db", str(db), "--rejects", str(tmp_path / "r.jsonl"), "--force")
    one_error_line(res, f"{db}: ", cause, "--db")
    res = tnr("ingest", str(SAMPLE), "--db", str(folder / "new.lbug"), "--rejects", str(tmp_path / "r.jsonl"))
    one_error_line(res, f"{folder / 'new.lbug'}: ", cause)
    with EmbeddedStore(sample_db) as s:
        expected = graph_hash(s)
    res = tnr("stats", "--hash", "--db", str(db), "--format", "json")  # reading needs no write access
    assert res.returncode == 0, res.stderr
    assert f'"hash": "{expected}"' in res.stdout


def _hash_of(db: Path) -> str:
    res = tnr("stats", "--hash", "--db", str(db), "--format", "json")
    assert res.returncode == 0, res.stderr
    import json

    return json.loads(res.stdout)["hash"]


def _used_bytes(where: Path) -> int:
    st = os.statvfs(where)
    return (st.f_blocks - st.f_bfree) * st.f_frsize


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from bench.generate import write

    out = tmp_path_factory.mktemp("synthetic")
    write(out, 400, 5)
    return out


@pytest.mark.parametrize("room", ["2m-fresh", "sample+256k", "sample+1m"])
def test_disk_full_keeps_the_previous_graph(room, mounts, sample_db, synthetic, tmp_path):
    """A full disk stops an ingest with one line; the graph is the one before it, readable while the disk is still
    full; once there is room the same ingest ends at the hash of a clean run."""
    rejects = str(tmp_path / "r.jsonl")
    clean = tmp_path / "clean.lbug"
    fresh = room.endswith("fresh")
    inputs = [str(SAMPLE)] if fresh else [str(synthetic)]
    res = tnr("ingest", *([str(SAMPLE)] if fresh else [str(SAMPLE), str(synthetic)]), "--db", str(clean),
              "--rejects", rejects)
    assert res.returncode == 0, res.stderr
    folder = mounts.tmpfs(tmp_path / "disk", "2m" if fresh else "64m")
    db = folder / "tnr.lbug"
    previous = None
    if not fresh:
        shutil.copy(sample_db, db)
        previous = _hash_of(db)
        margin = {"sample+256k": 256 << 10, "sample+1m": 1 << 20}[room]
        mounts.remount(folder, f"size={_used_bytes(folder) + margin}")
    res = tnr("ingest", *inputs, "--db", str(db), "--rejects", rejects)
    print(one_error_line(res, f"{db}: the disk holding {folder} is full", "free some space there", "--db"))
    if previous:  # still full: the graph before the ingest, whole
        assert _hash_of(db) == previous
    mounts.remount(folder, "size=64m")
    res = tnr("ingest", *inputs, "--db", str(db), "--rejects", rejects)
    assert res.returncode == 0, res.stderr
    assert _hash_of(db) == _hash_of(clean)


@pytest.mark.neo4j
def test_a_neo4j_ingest_refused_by_the_server_writes_nothing(neo4j_server, tmp_path):
    """The Neo4j half of "an ingest that cannot write": refused credentials stop it before its first write."""
    ensure_neo4j_sample(neo4j_server)
    with neo4j_store(neo4j_server) as s:
        before = graph_hash(s)
    res = tnr("ingest", str(SAMPLE / "un_reprisals_reports.jsonl"), "--backend", "neo4j", "--force",
              "--rejects", str(tmp_path / "r.jsonl"), env=neo4j_env(neo4j_server, NEO4J_USER="tnr_no_such_user"))
    one_error_line(res, "refused the credentials of user 'tnr_no_such_user'")
    with neo4j_store(neo4j_server) as s:
        assert graph_hash(s) == before
