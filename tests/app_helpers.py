"""What the AppTest files share: pointing the app at the test store, opening a page, reading what an element
shows. Test modules import these from here (not from each other: a test file imported by another would be
loaded twice, under pytest's name and under ``tests.``; tests/test_imports_once.py checks)."""

from __future__ import annotations

import re

import pandas as pd
from streamlit.testing.v1 import AppTest

from graph.output import records
from graph.safe_text import WORD_JOINER
from tests.helpers import ROOT


def _point_app_at(monkeypatch, sample_cli):
    args, env = sample_cli
    if args[0] == "--db":
        monkeypatch.setenv("TNR_BACKEND", "embedded")
        monkeypatch.setenv("TNR_DB", args[1])
    else:
        monkeypatch.setenv("TNR_BACKEND", "neo4j")
        for k, v in env.items():
            monkeypatch.setenv(k, v)


def _app(monkeypatch, sample_cli) -> AppTest:
    _point_app_at(monkeypatch, sample_cli)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    return at


def _page(monkeypatch, sample_cli, page: str | None = None) -> AppTest:
    _point_app_at(monkeypatch, sample_cli)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at


def shown(markdown_text: str) -> str:
    """What a Markdown element shows: the text without the backslashes and word joiners of
    graph.safe_text.markdown."""
    return re.sub(r"\\(.)", r"\1", markdown_text).replace(WORD_JOINER, "")


def _plain(df: pd.DataFrame) -> list[dict]:
    """Rows as Python values (a shown table's list cells come back as numpy arrays)."""
    return records(df.map(lambda v: v.tolist() if hasattr(v, "tolist") and not isinstance(v, str) else v))


def _keys(value) -> set[str]:
    """Every key of a JSON value, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _page_opened_with(monkeypatch, sample_cli, page: str, **query) -> AppTest:
    """``page`` opened at its URL with ``query`` (as a shared link opens it: that page runs first; the
    Overview, the default page, would make the URL its own)."""
    _point_app_at(monkeypatch, sample_cli)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query)
    at.switch_page(page).run()
    assert not at.exception
    return at
