"""Write a DataFrame as a table, CSV or JSON (the CLI's ``--format``)."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

FORMATS = ("table", "csv", "json")


def plain(value: Any) -> Any:
    """A JSON-friendly value: NaN to None, numpy scalars to Python, lists recursively."""
    if isinstance(value, float) and math.isnan(value):
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


def to_json(df: pd.DataFrame) -> str:
    return json.dumps(records(df), ensure_ascii=False, indent=2)


def to_csv(df: pd.DataFrame) -> str:
    return pd.DataFrame({c: [_cell(v) for v in df[c]] for c in df.columns}, columns=df.columns).to_csv(index=False)


def to_rich_table(df: pd.DataFrame, title: str | None = None):
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for c in df.columns:
        table.add_column(str(c), overflow="fold")
    for row in df.itertuples(index=False, name=None):
        table.add_row(*(_cell(v) for v in row))
    return table
