"""Nothing undocumented (as datasette's docs tests do): every CLI command and option, every named query
and analysis with its parameters, and every environment setting the code reads is in README.md or docs/."""

from __future__ import annotations

import ast
import re

import pytest
import typer.main

from graph.analysis import ANALYSES, columns_markdown, run_analysis, with_columns_section
from graph.cli import app
from graph.queries import load_library
from tests.helpers import ROOT

DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
ANALYSES_DOC = (ROOT / "docs" / "analyses.md").read_text(encoding="utf-8")
SETTING = re.compile(r"^(TNR|NEO4J)_[A-Z0-9_]+$")
CLI = typer.main.get_command(app)


def _settings() -> set[str]:
    """Every TNR_*/NEO4J_* string literal in the library, the app, the ingest code, the tests and the
    benchmarks: the settings they read."""
    found = set()
    for folder in ("graph", "ingest", "app_pages", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and SETTING.match(node.value):
                    found.add(node.value)
    return found


@pytest.mark.parametrize("command", sorted(CLI.commands))
def test_every_command_and_option_is_documented(command):
    cmd = CLI.commands[command]
    assert cmd.help, f"tnr {command} has no help text"
    assert f"tnr {command}" in DOCS, f"`tnr {command}` is not in README.md or docs/"
    for param in cmd.params:
        for opt in param.opts:
            if opt.startswith("--"):
                assert opt in DOCS, f"tnr {command} {opt} is not in README.md or docs/"


@pytest.mark.parametrize("name", sorted(load_library()))
def test_every_query_and_parameter_is_documented(name):
    query = load_library()[name]
    assert f"`{name}`" in ANALYSES_DOC, f"query {name} is not in docs/analyses.md"
    for p in query.parameters.values():
        assert p.description, f"query {name}: parameter {p.name} has no description in its header"
    for column, meaning in query.columns.items():
        assert meaning, f"query {name}: column {column} has no meaning in its header"


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_every_analysis_and_parameter_is_documented(name):
    assert f"`{name}`" in ANALYSES_DOC, f"analysis {name} is not in docs/analyses.md"
    for p in ANALYSES[name].parameters.values():
        assert p.description, f"analysis {name}: parameter {p.name} has no description"


# Every analysis with parameters that give each of its result shapes (both views of the ego network).
ANALYSIS_CASES = [("ego_network", {"entity": "RW", "view": "edges"}), ("ego_network", {"entity": "GainJet", "view": "nodes"}),
                  ("brokerage", {}), ("company_state", {}), ("state_projection", {"via": "hosts"}),
                  ("state_projection", {"via": "suppliers"}), ("communities", {}), ("reach", {}),
                  ("paths", {"source": "NSO Group", "target": "Carine Kanimba"}), ("complicity_score", {}),
                  ("complicity_links", {})]


def test_the_cases_cover_every_analysis():
    assert {name for name, _ in ANALYSIS_CASES} == set(ANALYSES)


@pytest.mark.parametrize("name,params", ANALYSIS_CASES, ids=lambda v: v if isinstance(v, str) else repr(v))
def test_every_analysis_returns_only_the_columns_it_declares(sample_store, name, params):
    result = run_analysis(sample_store, name, params)
    assert len(result), f"{name} returned nothing on the sample: the check below would prove nothing"
    declared = list(ANALYSES[name].columns)
    undeclared = [c for c in result.columns if c not in declared]
    assert not undeclared, f"analysis {name} returns columns it does not declare in graph/analysis: {undeclared}"
    assert list(result.columns) == [c for c in declared if c in result.columns], f"{name}: not in the declared order"


def test_every_analysis_column_has_a_meaning_and_the_docs_show_it():
    for a in ANALYSES.values():
        assert a.columns, f"analysis {a.name} declares no columns"
        assert all(m.strip() for m in a.columns.values()), f"analysis {a.name}: a column has no meaning"
    assert columns_markdown() in ANALYSES_DOC and with_columns_section(ANALYSES_DOC) == ANALYSES_DOC, (
        "docs/analyses.md's analysis columns are not the declared ones: run `make docs`")
    help_text = " ".join(CLI.commands["analyze"].epilog.split())
    for a in ANALYSES.values():
        assert f"{a.name}: {', '.join(a.columns)}." in help_text, f"tnr analyze --help does not list {a.name}'s columns"


def test_every_setting_is_documented():
    missing = sorted(s for s in _settings() if s not in DOCS)
    assert not missing, f"settings read by the code but not in README.md or docs/: {missing}"


def test_the_scan_finds_the_settings_it_should():
    assert {"TNR_DB", "TNR_BACKEND", "NEO4J_URI", "TNR_LOCK_TIMEOUT", "TNR_TEST_NEO4J_URI", "TNR_SCREENSHOTS"} <= _settings()


FORMATS_DOC = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
# `tnr COMMAND ...` up to the end of a code span, a line or a comment, in the docs
MENTION = re.compile(r"\btnr ([a-z][a-z0-9-]*)([^`\n#|]*)")


def test_every_source_type_and_bundle_sheet_is_in_the_formats_doc():
    from ingest.bundle import sheet_names
    from ingest.pipeline import SOURCE_TYPES

    missing = [t for t in SOURCE_TYPES if f"`{t}`" not in FORMATS_DOC]
    missing += [f"{s}.csv" for s in sheet_names() if f"`{s}.csv`" not in FORMATS_DOC]
    assert not missing, f"docs/formats.md does not name: {missing}"


def test_the_docs_name_only_commands_and_options_that_exist():
    """The other direction: a `tnr X --opt` written in README.md or docs/ is a real command and option."""
    wrong = set()
    for command, rest in MENTION.findall(DOCS):
        if command not in CLI.commands:
            wrong.add(f"tnr {command}")
            continue
        opts = {o for p in CLI.commands[command].params for o in p.opts} | {"--help"}
        wrong |= {f"tnr {command} {o}" for o in re.findall(r"(?<![\w-])--[a-z][a-z-]*", rest) if o not in opts}
    assert not wrong, f"README.md or docs/ name commands or options tnr does not have: {sorted(wrong)}"
