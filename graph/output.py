"""Write a DataFrame as a table, CSV or JSON (the CLI's ``--format`` and the app's downloads).

Text from the data is made inert on the way out (:mod:`graph.safe_text`): a CSV text cell never starts a
formula, a table cell is never Rich markup nor a terminal escape, and JSON escapes every control character.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pandas as pd

from graph.safe_text import spreadsheet_cell, strip_controls

FORMATS = ("table", "csv", "json")


def plain(value: Any) -> Any:
    """A JSON-friendly value: NaN and pandas' NA to None, numpy scalars to Python, lists recursively."""
    if value is pd.NA or isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{c: plain(v) for c, v in zip(df.columns, row)} for row in df.itertuples(index=False, name=None)]


def _cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


# json.dumps escapes C0 controls; these it leaves as they are, and a terminal may act on them.
_JSON_UNESCAPED_CONTROLS = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def to_json(df: pd.DataFrame) -> str:
    """The rows as a JSON array, text kept whole; DEL, C1 and bidi controls written as ``\\uXXXX``.

    >>> to_json(pd.DataFrame({"name": ["a\x9b31mb"]}))
    '[\\n  {\\n    "name": "a\\\\u009b31mb"\\n  }\\n]'
    """
    text = json.dumps(records(df), ensure_ascii=False, indent=2)
    return _JSON_UNESCAPED_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _csv_cell(value: Any) -> Any:
    """A number stays a number; any other value becomes text that cannot start a formula."""
    value = plain(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return spreadsheet_cell(_cell(value))


def to_csv(df: pd.DataFrame) -> str:
    """CSV, one text cell per list (items joined by ``; ``), text cells neutralised per OWASP.

    >>> print(to_csv(pd.DataFrame({"name": ["=1+1", "GainJet"], "n": [-3, 2]})), end="")
    name,n
    '=1+1,-3
    GainJet,2
    """
    return pd.DataFrame({c: [_csv_cell(v) for v in df[c]] for c in df.columns}, columns=df.columns).to_csv(index=False)


def to_rich_table(df: pd.DataFrame, title: str | None = None):
    """A Rich table whose every cell, header and title is plain text (``rich.text.Text``: never markup)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(strip_controls(title)) if title else None, show_lines=False)
    for c in df.columns:
        table.add_column(Text(strip_controls(str(c))), overflow="fold")
    for row in df.itertuples(index=False, name=None):
        table.add_row(*(Text(strip_controls(_cell(v))) for v in row))
    return table
