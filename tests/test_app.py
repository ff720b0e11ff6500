"""The Streamlit page, run headless by Streamlit's own test harness."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_app_shows_counts_and_a_query(sample_db, monkeypatch):
    monkeypatch.setenv("TNR_DB", str(sample_db))
    monkeypatch.setenv("TNR_BACKEND", "embedded")
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
    monkeypatch.setenv("TNR_DB", str(tmp_path / "missing.lbug"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "tnr ingest" in at.error[0].value
