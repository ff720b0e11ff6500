"""The installed package works on its own: build the wheel, install it into a fresh venv outside the
checkout, and use `tnr` (ingest, query, analyze, neo4j, app) and every app page from there."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT, SAMPLE, stop_process_group

APP_PAGES_CHECK = """
import sys
from importlib.resources import files
from streamlit.testing.v1 import AppTest

import app_pages
from app_pages.main import PAGES

assert "site-packages" in app_pages.__file__, app_pages.__file__
entry = str(files("app_pages") / "main.py")
at = AppTest.from_file(entry, default_timeout=120).run()
assert not at.exception, at.exception
shown = {}
for file_name, title in PAGES:
    at.switch_page(str(files("app_pages") / file_name)).run()
    assert not at.exception, (title, at.exception)
    shown[title] = len(at.main)
print(shown)
"""


# The Reach map from the installed package: its boundaries (the wheel's 110m file, 177 features) inline in
# the chart the page draws, its centroids from the wheel's 50m file.
MAP_CHECK = """
import json
from importlib.resources import files
from streamlit.testing.v1 import AppTest

import graph.world

assert "site-packages" in graph.world.__file__, graph.world.__file__
at = AppTest.from_file(str(files("app_pages") / "main.py"), default_timeout=120).run()
at.switch_page(str(files("app_pages") / "reach.py")).run()
assert not at.exception and not at.error, (at.exception, at.error)
spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)  # the map, then the three charts
world = spec["datasets"][spec["data"]["name"]]
print(len(world["objects"]["countries"]["geometries"]), len(graph.world.centroids()), graph.world.centroids()["HK"])
"""


def _run(cmd: list[str], cwd: Path, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{cmd}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder of a fresh venv with the wheel installed, a work folder outside the checkout, env)."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "TNR_DB", "TNR_BACKEND")}
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp / "dist"), str(ROOT)], tmp, env)
    wheel = next((tmp / "dist").glob("tnr_graph-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp, env)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], tmp, env, timeout=1200)
    work = tmp / "work"
    work.mkdir()
    env["TNR_DB"] = str(work / "tnr.lbug")
    _run([str(venv / "bin" / "tnr"), "ingest", str(SAMPLE)], work, env)
    return venv / "bin", work, env, wheel


def test_wheel_holds_code_queries_data_and_app(installed):
    names = set(zipfile.ZipFile(installed[3]).namelist())
    for needed in ("graph/schema.yaml", "graph/data/resolution.yaml", "graph/data/company_aliases.yaml",
                   "graph/neo4j_server.py", "ingest/external/sii.py", "queries/cross_border_reach.cypher",
                   "queries/internal/company_names.cypher",
                   "app_pages/main.py", "app_pages/explore.py", "app_pages/reach.py", "graph/world.py",
                   "graph/data/world/countries-110m.json", "graph/data/world/countries-50m.json",
                   "graph/data/world/LICENSE-world-atlas"):
        assert needed in names, needed


def test_installed_cli_ingests_queries_and_analyses(installed):
    bin_dir, work, env, _ = installed
    tnr = str(bin_dir / "tnr")
    counts = json.loads(_run([tnr, "stats", "-f", "json"], work, env).stdout)
    assert counts["nodes"]["Incident"] == 42
    reach = json.loads(_run([tnr, "query", "cross_border_reach", "-p", "origin=RW", "-f", "json"], work, env).stdout)
    assert [(r["host"], r["incidents"]) for r in reach] == [("ZA", 2), ("AE", 1), ("US", 1)]
    rows = json.loads(_run([tnr, "analyze", "reach", "-p", "origin=RW", "-f", "json"], work, env).stdout)
    assert rows[0]["origin"] == "RW"
    status = subprocess.run([tnr, "neo4j", "status"], cwd=work, env={**env, "TNR_NEO4J_HOME": str(work / "neo4j")},
                            capture_output=True, text=True, timeout=60)
    assert status.returncode == 3, status.stdout + status.stderr  # "not running": the runner is there and works


def test_installed_app_pages_render(installed):
    bin_dir, work, env, _ = installed
    out = _run([str(bin_dir / "python"), "-c", APP_PAGES_CHECK], work, env).stdout
    assert "Explore" in out


def test_installed_reach_map_renders_from_the_packaged_boundaries(installed):
    bin_dir, work, env, _ = installed
    out = _run([str(bin_dir / "python"), "-c", MAP_CHECK], work, env).stdout
    assert out.split()[-4:] == ["177", "236", "(114.14,", "22.439)"], out


def test_installed_tnr_app_serves(installed):
    bin_dir, work, env, _ = installed
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(bin_dir / "tnr"), "app", "--port", str(port)], cwd=work, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "the installed app did not answer"
                time.sleep(0.5)
        # the installed app refuses another Host (issue 8, finding 6; tests/test_app_server.py has the rest)
        forged = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": f"attacker.example:{port}"})
        try:
            urllib.request.urlopen(forged, timeout=5)
            raise AssertionError("a forged Host was served")
        except urllib.error.HTTPError as e:
            assert e.code == 403
    finally:
        stop_process_group(proc)  # `tnr app` and the Streamlit server it started
