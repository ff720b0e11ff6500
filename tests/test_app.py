"""The Streamlit page, run headless by Streamlit's own test harness, on both backends."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def _point_app_at(monkeypatch, sample_cli):
    args, env = sample_cli
    if args[0] == "--db":
        monkeypatch.setenv("TNR_BACKEND", "embedded")
        monkeypatch.setenv("TNR_DB", args[1])
    else:
        monkeypatch.setenv("TNR_BACKEND", "neo4j")
        for k, v in env.items():
            monkeypatch.setenv(k, v)


def test_app_shows_counts_and_a_query(sample_cli, monkeypatch):
    _point_app_at(monkeypatch, sample_cli)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Incident"] == "42" and metrics["Company"] == "11"
    result = at.dataframe[1].value
    assert list(result.host) == ["ZA", "AE", "US"]
    at.text_input(key="origin").set_value("CN")
    at.button[0].click().run()
    assert list(at.dataframe[1].value.host) == ["TH", "US", "IE", "NL"]


def test_app_without_a_database_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("TNR_BACKEND", "embedded")
    monkeypatch.setenv("TNR_DB", str(tmp_path / "missing.lbug"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "tnr ingest" in at.error[0].value


def test_app_with_neo4j_unreachable_says_so(monkeypatch):
    monkeypatch.setenv("TNR_BACKEND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("NEO4J_PASSWORD", "irrelevant")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in at.error[0].value
