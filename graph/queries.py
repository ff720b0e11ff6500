"""The query library: ``queries/*.cypher`` files with a YAML metadata header in ``//`` comments.

A header names the query and declares its parameters (type, default, description) and result
columns. ``order_by`` makes the runner sort the result the same way on every backend; ``sort_lists``
names list columns whose items come back in no fixed order. One body runs on both backends.
The files ship in the ``queries`` package and are read through :mod:`importlib.resources`.

Parameters always travel as query parameters, never as text pasted into Cypher.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import pandas as pd
import yaml

from graph.store.base import Store

QUERIES_PACKAGE = "queries"
INTERNAL_PACKAGE = "queries.internal"  # the library's own queries: same format, not listed by `tnr queries`
PARAM_TYPES = {"string": str, "int": int, "float": float, "bool": bool, "list": list}


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any = None
    description: str = ""
    required: bool = False
    choices: tuple[Any, ...] = ()  # the only values allowed, when given
    # node labels whose key this parameter takes (the app's forms offer a picker by name, graph.search)
    picks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    text: str
    path: str
    parameters: dict[str, Param] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    order_by: tuple[str, ...] = ()
    sort_lists: tuple[str, ...] = ()
    # column -> node label, for columns that hold node keys (a list column holds several): what
    # ``tnr export --query`` exports of a result
    nodes: dict[str, str] = field(default_factory=dict)


def split_header(source: str, path: str) -> tuple[dict[str, Any], str]:
    """The YAML in the leading ``//`` comment lines, and the Cypher body after them."""
    header, body = [], []
    lines = source.splitlines()
    i = 0
    while i < len(lines) and (lines[i].startswith("//") or not lines[i].strip()):
        header.append(lines[i][3:] if lines[i].startswith("// ") else lines[i][2:])
        i += 1
    body = lines[i:]
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as e:
        raise QueryError(f"{path}: header is not valid YAML: {e}") from None
    if not isinstance(meta, dict):
        raise QueryError(f"{path}: header must be a YAML mapping")
    return meta, "\n".join(body).strip()


def parse_query_file(file: Traversable) -> Query:
    path = str(file)
    meta, body = split_header(file.read_text(encoding="utf-8"), path)
    for key in ("name", "description", "columns"):
        if key not in meta:
            raise QueryError(f"{path}: header lacks {key!r}")
    if meta["name"] != file.name.removesuffix(".cypher"):
        raise QueryError(f"{path}: name {meta['name']!r} differs from the file name")
    params = {}
    for name, spec in (meta.get("parameters") or {}).items():
        spec = spec or {}
        ptype = spec.get("type", "string")
        if ptype not in PARAM_TYPES:
            raise QueryError(f"{path}: parameter {name}: unknown type {ptype!r}")
        picks = spec.get("picks") or ()
        picks = (picks,) if isinstance(picks, str) else tuple(picks)
        params[name] = Param(name, ptype, spec.get("default"), spec.get("description", ""),
                             bool(spec.get("required", "default" not in spec)), tuple(spec.get("choices") or ()), picks)
    columns = {str(k): str(v or "") for k, v in meta["columns"].items()}
    nodes = {str(k): str(v) for k, v in (meta.get("nodes") or {}).items()}
    if set(nodes) - set(columns):
        raise QueryError(f"{path}: nodes names columns it does not declare: {', '.join(sorted(set(nodes) - set(columns)))}")
    return Query(meta["name"], " ".join(str(meta["description"]).split()), body, path, params, columns,
                 tuple(meta.get("order_by") or ()), tuple(meta.get("sort_lists") or ()), nodes)


@lru_cache(maxsize=4)
def load_library(package: str = QUERIES_PACKAGE) -> dict[str, Query]:
    """Every query of the library: the ``*.cypher`` files of ``package``, by name."""
    out = {}
    for file in sorted(files(package).iterdir(), key=lambda f: f.name):
        if file.name.endswith(".cypher"):
            q = parse_query_file(file)
            out[q.name] = q
    return out


def get_query(name: str, package: str = QUERIES_PACKAGE) -> Query:
    lib = load_library(package)
    if name not in lib:
        raise QueryError(f"no query named {name!r}; `tnr queries` lists them: {', '.join(lib)}")
    return lib[name]


def coerce(param: Param, raw: Any) -> Any:
    """A parameter value of the declared type, from a CLI string or a Python value.

    >>> coerce(Param("year", "int"), "2019")
    2019
    >>> coerce(Param("states", "list"), "RW, CN")
    ['RW', 'CN']
    """
    if raw is None:
        return None
    if param.type == "list":
        return raw if isinstance(raw, list) else [x.strip() for x in str(raw).split(",") if x.strip()]
    if param.type == "bool":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("true", "yes", "1"):
            return True
        if str(raw).lower() in ("false", "no", "0"):
            return False
        raise QueryError(f"parameter {param.name}: expected true/false, got {raw!r}")
    try:
        value = PARAM_TYPES[param.type](raw)
    except (TypeError, ValueError):
        raise QueryError(f"parameter {param.name}: expected {param.type}, got {raw!r}") from None
    if param.choices and value not in param.choices:
        raise QueryError(f"parameter {param.name}: expected one of {', '.join(map(str, param.choices))}, got {raw!r}")
    return value


def bind_params(what: str, parameters: dict[str, Param], given: dict[str, Any]) -> dict[str, Any]:
    """Typed values for every declared parameter, defaults filled in; unknown or missing required ones raise."""
    unknown = set(given) - set(parameters)
    if unknown:
        raise QueryError(f"{what}: unknown parameter(s) {', '.join(sorted(unknown))}; "
                         f"it takes {', '.join(parameters) or 'none'}")
    out = {}
    for name, p in parameters.items():
        if name in given:
            out[name] = coerce(p, given[name])
        elif p.required:
            raise QueryError(f"{what}: parameter {name} is required ({p.description})")
        else:
            out[name] = coerce(p, p.default)
    return out


def bind(query: Query, given: dict[str, Any]) -> dict[str, Any]:
    return bind_params(query.name, query.parameters, given)


def parse_cli_params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise QueryError(f"--param {pair!r}: expected NAME=VALUE")
        k, v = pair.split("=", 1)
        out[k.strip()] = v
    return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _sort_key(value: Any) -> tuple:
    """Nulls (None, or the NaN pandas makes of a null in a number column) last; numbers as numbers."""
    if _missing(value):
        return (True, "", 0)
    if hasattr(value, "item") and not isinstance(value, (list, str)):
        value = value.item()
    kind = "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(type(value))
    return (False, kind, value)


def normalise(query: Query, df: pd.DataFrame) -> pd.DataFrame:
    """Sort list cells named in ``sort_lists`` and rows by ``order_by`` (a leading '-' is descending)."""
    for col in query.sort_lists:
        if col in df:
            df[col] = [sorted(v, key=_sort_key) if isinstance(v, list) else v for v in df[col]]
    if query.order_by and len(df):
        for spec in reversed(query.order_by):
            col, desc = spec.lstrip("-"), spec.startswith("-")
            values = df[col].tolist()
            order = sorted(range(len(df)), key=lambda i: _sort_key(values[i]), reverse=desc)
            df = df.iloc[order].reset_index(drop=True)
    return df


def run_query(store: Store, name: str, params: dict[str, Any] | None = None,
              package: str = QUERIES_PACKAGE) -> pd.DataFrame:
    """Run a library query on any store; the result has exactly the declared columns."""
    query = get_query(name, package)
    bound = bind(query, params or {})
    df = store.query(query.text, bound)
    if df.empty and not len(df.columns):  # a store with no graph at all (the one a rebuild resolves against)
        df = pd.DataFrame(columns=list(query.columns), dtype=object)
    if list(df.columns) != list(query.columns):
        raise QueryError(f"{query.name}: returned columns {list(df.columns)}, header declares {list(query.columns)}")
    return normalise(query, df)


def run_internal(store: Store, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run one of the library's own queries (``queries/internal/*.cypher``)."""
    return run_query(store, name, params, INTERNAL_PACKAGE)
