"""Issue 8, findings 7 and 8: data reaching a spreadsheet or a terminal is never a formula, markup or escape.

The payload graph (tests/fixtures/payloads) holds formula starts, Rich markup, ANSI and OSC-8 sequences in
names, ids and summaries; the real ``tnr`` CLI prints them on each backend.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from graph.output import to_csv, to_json, to_rich_table
from graph.safe_text import WORD_JOINER, markdown, spreadsheet_cell, strip_controls, terminal
from tests.helpers import PAYLOADS, tnr

PAYLOAD = json.loads((PAYLOADS / "payloads.json").read_text(encoding="utf-8"))
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")
WIDE = {"COLUMNS": "400"}  # a wide terminal, so table cells are not folded


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _no_formula(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, cell in row.items():
            assert not cell.lstrip(" ").startswith(FORMULA_START), (column, cell)


# Finding 7: CSV cells -----------------------------------------------------------------------------------------


def test_query_csv_cells_never_start_a_formula(payload_cli):
    args, env = payload_cli
    out = tnr("query", "search_entities", "-p", "q=cmd", *args, "-f", "csv", env=env)
    assert out.returncode == 0, out.stderr
    rows = _csv_rows(out.stdout)
    _no_formula(rows)
    # cases.jsonl, second record: the incident id "+1+cmd|..." and its target "-2+3+cmd|..."; companies.jsonl:
    # co-2's client basis is not a search hit, the company "Co [click](...)" is not either ("cmd" is not in it).
    assert sorted((r["label"], r["name"]) for r in rows) == [
        ("Incident", "'" + PAYLOAD["csv_plus"]), ("Person", "'" + PAYLOAD["csv_minus"])]


def test_analysis_csv_cells_never_start_a_formula_and_numbers_stay_numbers(payload_cli):
    args, env = payload_cli
    entity = f"entity=Incident:{PAYLOAD['csv_plus']}"
    out = tnr("analyze", "ego_network", "-p", entity, *args, "-f", "csv", env=env)
    assert out.returncode == 0, out.stderr
    rows = _csv_rows(out.stdout)
    _no_formula(rows)
    # The incident's neighbours: CN (perpetrator), US (host), surveillance, its two targets, the agency and
    # the companies "＝1+1" and "\t=1+1" (shown "=1+1": the name is stripped; normality folds the two to
    # different ids, company-11 and company-1-1, so they stay two companies); at hop 2 the agency's country
    # and co-2; hop is a number, written as one.
    names = {r["to_name"] for r in rows} | {r["from_name"] for r in rows}
    assert names == {"'" + PAYLOAD["csv_plus"], "'" + PAYLOAD["csv_minus"], "'" + PAYLOAD["csv_fullwidth"],
                     "'" + PAYLOAD["csv_tab"].strip(),
                     "China", "United States", "surveillance", PAYLOAD["rich"], strip_controls(PAYLOAD["ansi"])}
    assert {r["hop"] for r in rows} <= {"1", "2"}


def test_app_csv_download_is_the_same_neutralised_csv():
    """The app's 'Download CSV' is output.to_csv (app_pages/ui.py show_result), so it is neutralised too."""
    df = pd.DataFrame({"name": [PAYLOAD["csv_eq"], PAYLOAD["csv_at"], "GainJet"], "n": [-1, 0, 2],
                       "share": [-0.5, 0.25, 1.0], "aliases": [[PAYLOAD["csv_plus"], "x"], [], None]})
    rows = list(csv.reader(io.StringIO(to_csv(df))))
    assert rows == [["name", "n", "share", "aliases"],
                    ["'" + PAYLOAD["csv_eq"], "-1", "-0.5", "'" + PAYLOAD["csv_plus"] + "; x"],
                    ["'" + PAYLOAD["csv_at"], "0", "0.25", ""],
                    ["GainJet", "2", "1.0", ""]]


@given(st.text())
def test_no_text_cell_starts_a_formula(text):
    cell = spreadsheet_cell(text)
    assert not cell.lstrip(" ").startswith(FORMULA_START)
    assert cell.removeprefix("'") == strip_controls(text, keep="\n\t\r") or cell == strip_controls(text, keep="\n\t\r")


# Finding 8: the terminal --------------------------------------------------------------------------------------


def test_table_output_shows_rich_markup_as_text(payload_cli):
    args, env = payload_cli
    out = tnr("query", "search_entities", "-p", "q=rich", *args, env={**env, **WIDE})
    assert out.returncode == 0, out.stderr  # main: rich.errors.MarkupError, a traceback
    assert "Traceback" not in out.stderr
    # co-2, the agency of the second case and a target of the first: three rows with the markup as text
    assert out.stdout.count(PAYLOAD["rich"]) == 3, out.stdout


def test_table_and_json_output_carry_no_escape_sequence(payload_cli):
    args, env = payload_cli
    table = tnr("query", "search_entities", "-p", "q=osc8", *args, env={**env, **WIDE})
    assert table.returncode == 0, table.stderr
    assert "osc8 link red c1" in table.stdout
    as_json = tnr("query", "search_entities", "-p", "q=osc8", *args, "-f", "json", env=env)
    for out in (table.stdout, as_json.stdout):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), repr(out)
    # JSON keeps the text whole, escaped: the reader gets back the names as they were ingested (the second
    # case's target, and the first case, whose summary holds the payload)
    assert sorted(r["name"] for r in json.loads(as_json.stdout)) == [PAYLOAD["ansi"], f"ref-{PAYLOAD['img']}"]


def test_error_messages_show_data_as_text(payload_cli):
    args, env = payload_cli
    out = tnr("analyze", "ego_network", "-p", "entity=Company:[/bold]\x1b]8;;http://203.0.113.1/\x07x", *args,
              env={**env, **WIDE})
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr  # main: MarkupError traceback
    assert "no Company with id '[/bold]" in out.stderr and "\x1b" not in out.stderr


_markupish = st.lists(st.sampled_from(list("[]/\\=ab #:\x1b\x07\x9b;") + ["bold", "link", "red", "[/", "[link=", ":smile:"]),
                      max_size=30).map("".join)


@given(_markupish)
def test_terminal_text_prints_exactly_its_visible_characters(text):
    console = Console(file=io.StringIO(), width=1000, color_system=None, force_terminal=False)
    console.print(terminal(("error:", "red"), " ", text), end="")  # as the CLI's messages are built
    assert console.file.getvalue() == "error: " + strip_controls(text)


@given(_markupish)
def test_rich_table_cells_are_never_markup(text):
    console = Console(file=io.StringIO(), width=2000, color_system="truecolor", force_terminal=True)
    console.print(to_rich_table(pd.DataFrame({"name": [text]}), title=text))
    printed = re.sub(r"\x1b\[[0-9;]*m", "", console.file.getvalue())  # Rich's own styling of the table
    assert "\x1b]" not in console.file.getvalue()
    visible = strip_controls(text)
    assert visible.strip() == "" or visible in printed


def test_json_escapes_c1_controls_and_keeps_the_text():
    df = pd.DataFrame({"name": [PAYLOAD["ansi"], PAYLOAD["bidi"]]})
    text = to_json(df)
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e]", text.replace("\n", ""))
    assert [r["name"] for r in json.loads(text)] == [PAYLOAD["ansi"], PAYLOAD["bidi"]]


def test_markdown_escape_leaves_no_markup():
    """CommonMark (markdown-it, Rich's parser) renders the escaped payloads as their own text, tags included."""
    from html import escape

    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for name, payload in PAYLOAD.items():
        rendered = md.renderInline(markdown(payload)).replace(WORD_JOINER, "")
        assert rendered == escape(strip_controls(payload).replace("\n", " "), quote=True).replace("&#x27;", "'"), name
