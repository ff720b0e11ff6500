"""tests/conftest.py runs once: pytest loads it as ``conftest``, and no test module imports it again as
``tests.conftest`` (which ran it a second time, with a second copy of its module state). What test modules share
is in tests/helpers.py."""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

from tests import helpers
from tests.helpers import ROOT, duplicated_modules

TESTS = ROOT / "tests"


def _conftest_imports(path: Path) -> list[int]:
    """Lines of ``path`` that import tests/conftest.py."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module in ("conftest", "tests.conftest"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "tests" and any(a.name == "conftest" for a in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.Import) and any(a.name in ("conftest", "tests.conftest") for a in node.names):
            lines.append(node.lineno)
    return lines


def test_no_test_module_imports_conftest():
    found = {p.name: lines for p in sorted(TESTS.glob("*.py")) if (lines := _conftest_imports(p))}
    assert found == {}, f"import shared names from tests.helpers, not tests/conftest.py: {found}"


def test_the_import_scan_sees_each_spelling(tmp_path):
    f = tmp_path / "t.py"
    f.write_text("import os\nfrom tests.conftest import ROOT\nfrom tests import conftest\nimport conftest\n"
                 "from conftest import tnr\nfrom tests.helpers import ROOT\n", encoding="utf-8")
    assert _conftest_imports(f) == [2, 3, 4, 5]


def test_sys_modules_holds_one_copy_of_each_test_file():
    """Whatever this session collected: every file of tests/ is in sys.modules under one name, conftest.py among
    them, and the helpers conftest uses are the ones the test modules use."""
    assert duplicated_modules() == {}
    assert "tests.conftest" not in sys.modules
    conftest = sys.modules["conftest"]  # the copy pytest loaded
    assert Path(conftest.__file__).resolve() == TESTS / "conftest.py"
    assert conftest._Neo4jContent is helpers._Neo4jContent


def test_a_file_under_two_names_is_found():
    one = types.ModuleType("conftest")
    one.__file__ = str(TESTS / "conftest.py")
    other = types.ModuleType("tests.conftest")
    other.__file__ = str(TESTS / "conftest.py")
    assert duplicated_modules({"conftest": one, "tests.conftest": other, "os": sys.modules["os"]}) == {
        "tests/conftest.py": ["conftest", "tests.conftest"]}
