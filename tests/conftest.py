"""Shared fixtures: the sample graph, ingested once per session into a temporary Ladybug file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.store.embedded import EmbeddedStore
from ingest.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def load(db: Path, *paths: Path, **kw) -> None:
    with EmbeddedStore(db, write=True) as store:
        report = ingest(store, list(paths), **kw)
    assert report.rejected == 0, [str(r) for r in report.rejects]


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "tnr.lbug"
    load(db, SAMPLE)
    return db


@pytest.fixture()
def sample_store(sample_db):
    with EmbeddedStore(sample_db) as store:
        yield store


def tnr(*args: str, env: dict | None = None, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real ``tnr`` CLI in a child process."""
    return subprocess.run([sys.executable, "-m", "graph.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=timeout)
