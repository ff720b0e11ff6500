"""The console: analyst-written Cypher, checked against an allow-list, then run read-only with time and row limits.

:func:`check` tokenizes the text (string literals, backtick names, ``//`` and ``/* */`` comments, parameters) and
refuses, with one line naming the reason (:class:`ConsoleRefused`), anything but one read-only statement made of
the keywords and functions that ``graph/data/console_rules.yaml`` allows; docs/console.md lists the rules. What
runs is the text as checked, comments removed, so no engine reads a comment differently from the check.
:func:`run_console` runs it on either backend (``Store.bounded_rows``: a read-only Ladybug connection with a
query timeout; on Neo4j an ``EXPLAIN`` that must plan a read-only query, then a read transaction with a timeout)
and turns nodes, relationships and paths into ``Label:key`` text and a NetworkX graph (``df.attrs["graph"]``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

import pandas as pd
import yaml

from graph.queries import QueryError
from graph.store.base import QueryFailed, QueryTimedOut, Store, StoreError

RULES_FILE = files("graph") / "data" / "console_rules.yaml"
DEFAULT_ROWS = 1000
DEFAULT_TIMEOUT = 10.0
PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>//[^\r\n]*|/\*.*?\*/)
  | (?P<open_comment>/\*)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<open_string>['"])
  | (?P<name>`(?:[^`]|``)*`)
  | (?P<open_name>`)
  | (?P<param>\$(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+))
  | (?P<number>(?:0x[0-9A-Fa-f]+|(?:[0-9]+\.[0-9]+|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>->|<-|<>|!=|<=|>=|=~|\.\.|\+=|[()\[\]{},.:;|+\-*/%^=<>])
""", re.X | re.S)


@dataclass(frozen=True)
class Rules:
    reasons: dict[str, str]
    refused: dict[str, str]
    keywords: frozenset[str]
    names: frozenset[str]
    functions: frozenset[str]
    engine_keywords: frozenset[str]
    query_chars: int
    nesting: int
    range_items: int


@lru_cache(maxsize=1)
def rules() -> Rules:
    d = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return Rules(d["reasons"], d["refused"], frozenset(d["keywords"]), frozenset(d["names"]),
                 frozenset(f.lower() for f in d["functions"]), frozenset(d["engine_keywords"]),
                 int(d["limits"]["query_chars"]), int(d["limits"]["nesting"]), int(d["limits"]["range_items"]))


class ConsoleRefused(QueryError):
    """A console query that is not run, or was stopped: ``reason`` is a key of the rules' ``reasons``."""

    def __init__(self, reason: str, word: str = ""):
        self.reason, self.word = reason, word
        super().__init__(f"refused ({reason}): " + rules().reasons[reason].format(word=word))


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    at: int


@dataclass(frozen=True)
class Checked:
    text: str  # what runs: the query as checked, comments replaced by a space, no final ';'
    params: dict[str, Any]


def tokens(text: str) -> list[Token]:
    """Every token of ``text``, whitespace and comments included; raises :class:`ConsoleRefused` on text that
    cannot be tokenized (an unclosed string, comment or name; a character outside the language)."""
    out, at = [], 0
    while at < len(text):
        m = _TOKEN.match(text, at)
        if m is None:
            raise _odd_character(text, at)
        kind = m.lastgroup
        if kind.startswith("open_"):
            raise ConsoleRefused("lexical", f"unclosed {kind[5:].replace('_', ' ')} at character {at + 1}")
        tok = Token(kind, m.group(), at)
        if kind in ("name", "comment") and not tok.text.isascii():
            raise _odd_character(text, at + next(i for i, c in enumerate(tok.text) if not c.isascii()))
        out.append(tok)
        at = m.end()
    return out


def _odd_character(text: str, at: int) -> ConsoleRefused:
    c = text[at]
    if c.isascii():
        return ConsoleRefused("lexical", f"unexpected character {c!r} at character {at + 1}")
    # A look-alike (full-width letters, ligatures, mathematical letters) shows what it imitates.
    word = re.match(r"\w+", text[at:])
    shown = word.group() if word else c
    folded = unicodedata.normalize("NFKC", shown)
    hint = f", a look-alike of {folded!r}" if folded.isascii() and folded != shown else ""
    return ConsoleRefused("unicode", f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')} at character "
                                     f"{at + 1}{hint}")


def _unquote(tok: Token) -> str:
    return tok.text[1:-1].replace("``", "`") if tok.kind == "name" else tok.text


def check(text: str, params: dict[str, Any] | None = None) -> Checked:
    """``text`` as it will run, if the rules allow it; else :class:`ConsoleRefused` naming the first reason."""
    r = rules()
    if not isinstance(text, str):
        raise ConsoleRefused("empty")
    if len(text) > r.query_chars:
        raise ConsoleRefused("size", f"the query is {len(text)} characters long; at most {r.query_chars}")
    toks = tokens(text)
    code = [t for t in toks if t.kind not in ("ws", "comment")]
    if code and code[-1].text == ";":
        code = code[:-1]
        toks = toks[:toks.index(code[-1]) + 1] if code else []
    if not code:
        raise ConsoleRefused("empty")
    if any(t.text == ";" for t in code):
        raise ConsoleRefused("statements")
    depth = 0
    for i, t in enumerate(code):
        if t.text in ("(", "[", "{"):
            depth += 1
            if depth > r.nesting:
                raise ConsoleRefused("size", f"brackets nested deeper than {r.nesting} at character {t.at + 1}")
        elif t.text in (")", "]", "}"):
            depth -= 1
        if t.text == "=~":
            raise ConsoleRefused("regex")
        if t.kind == "word":
            _check_word(code, i, r)
        elif t.kind == "name" and i + 1 < len(code) and code[i + 1].text == "(":
            _check_function(code, i, r)
    return Checked("".join(" " if t.kind == "comment" else t.text for t in toks), _check_params(params))


def _check_word(code: list[Token], i: int, r: Rules) -> None:
    word = code[i].text.upper()
    prev = code[i - 1].text if i else ""
    after = code[i + 1].text if i + 1 < len(code) else ""
    # Right after a dot, a refused word is a property key (`n.delete`) or part of a function's name.
    key = prev == "." and code[i].at == code[i - 1].at + 1
    if word in r.refused and not key:
        raise ConsoleRefused(r.refused[word], word)
    if after == "(" and not (word in r.keywords and prev != "."):
        _check_function(code, i, r)  # a function name, namespaced (apoc.load.json) or not
    elif prev in (".", ":") or (after == ":" and prev in ("{", ",")):
        return  # a property key, a label or relationship type, a map key
    elif word in r.engine_keywords and word not in r.keywords and word not in r.names:
        raise ConsoleRefused("keyword", word)


def _check_function(code: list[Token], i: int, r: Rules) -> None:
    """The call whose name ends at ``code[i]`` (``a.b.c(`` is the namespaced function ``a.b.c``) must be allowed."""
    start = i
    while start >= 2 and code[start - 1].text == "." and code[start - 2].kind in ("word", "name"):
        start -= 2
    name = ".".join(_unquote(t) for t in code[start:i + 1:2])
    if name.lower() not in r.functions or any(t.kind == "name" for t in code[start:i + 1]):
        raise ConsoleRefused("function", name)
    if name.lower() == "range":
        _check_range(code, i + 2, r)


def _check_range(code: list[Token], at: int, r: Rules) -> None:
    """range(a, b[, step]) with integer literals, making at most ``range_items`` items: a list is built whole,
    before any time limit can stop it (measured: Ladybug took 55 s over range(1, 10^9) with a 1 s timeout)."""
    args, sign, j = [], 1, at
    while j < len(code) and code[j].text != ")":
        t = code[j].text
        if t == "-":
            sign = -sign
        elif code[j].kind == "number" and t.isdigit():
            args.append(sign * int(t))
            sign = 1
        elif t != ",":
            raise ConsoleRefused("size", "range() takes integer literals only")
        j += 1
    if len(args) not in (2, 3) or (len(args) == 3 and args[2] == 0):
        raise ConsoleRefused("size", "range() takes two or three integer literals (and a step other than 0)")
    step = args[2] if len(args) == 3 else 1
    items = max(0, (args[1] - args[0]) // step + 1)
    if items > r.range_items:
        raise ConsoleRefused("size", f"range() would make {items} items; at most {r.range_items}")


def _check_params(params: dict[str, Any] | None) -> dict[str, Any]:
    out = {}
    for name, value in (params or {}).items():
        if not isinstance(name, str) or not PARAM_NAME.fullmatch(name):
            raise ConsoleRefused("parameter", f"parameter name {name!r} is not a plain name")
        if not _plain_value(value):
            raise ConsoleRefused("parameter", f"parameter {name} is a {type(value).__name__}; "
                                              "only text, numbers, booleans, null, lists and maps")
        out[name] = value
    return out


def console_params(raw: dict[str, str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs of the command line as parameter values: a VALUE that parses as JSON (``2020``,
    ``true``, ``["RW", "CN"]``) is that value, anything else is the text as typed.

    >>> console_params({"year": "2020", "q": "x' CREATE (n) //", "codes": '["RW"]'})
    {'year': 2020, 'q': "x' CREATE (n) //", 'codes': ['RW']}
    """
    out = {}
    for name, text in raw.items():
        try:
            out[name] = json.loads(text)
        except ValueError:
            out[name] = text
    return out


def _plain_value(v: Any) -> bool:
    if v is None or isinstance(v, (str, bool, int, float)):
        return True
    if isinstance(v, list):
        return all(_plain_value(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _plain_value(x) for k, x in v.items())
    return False


# running --------------------------------------------------------------------------------------------------------

def run_console(store: Store, text: str, params: dict[str, Any] | None = None, limit: int = DEFAULT_ROWS,
                timeout: float = DEFAULT_TIMEOUT) -> pd.DataFrame:
    """Check ``text`` and run it on ``store`` (read-only), at most ``limit`` rows within ``timeout`` seconds.

    Nodes come back as ``Label:key``, relationships as ``Label:key -[TYPE]-> Label:key`` and paths as the chain
    of both; ``df.attrs["graph"]`` holds the nodes and relationships as a NetworkX graph (graph/view.py draws it)
    when any came back, ``df.attrs["node_columns"]`` names the columns that hold nodes only, and
    ``df.attrs["truncated"]`` says so when the row limit cut the result.
    """
    if limit < 1 or timeout <= 0:
        raise ConsoleRefused("size", "the row limit and the timeout must be positive")
    q = check(text, params)
    if getattr(store, "write", False):
        raise StoreError("the console reads only from a store opened read-only")
    try:
        if store.backend == "neo4j":
            kind = store.query_type(q.text, q.params)
            if kind != "r":
                raise ConsoleRefused("query_type", kind)
        columns, rows = store.bounded_rows(q.text, q.params, limit + 1, timeout)
    except QueryTimedOut:
        raise ConsoleRefused("timeout", f"{timeout:g}") from None
    except QueryFailed as e:  # any other StoreError (unreachable, an ingest under way) stays what it is
        raise ConsoleRefused("engine", " ".join(str(e).split())[:500]) from None
    found = _Found(store)
    values = [[found.value(v) for v in row] for row in rows[:limit]]
    found.add_edges()
    df = pd.DataFrame([[found.cell(v) for v in row] for row in values], columns=columns, dtype=object)
    if len(rows) > limit:
        df.attrs["truncated"] = f"the first {limit} rows; the query returns more"
    if found.graph.number_of_nodes():
        df.attrs["graph"] = found.graph
    node_columns = [c for j, c in enumerate(columns)
                    if values and all(isinstance(row[j], _Node) or row[j] is None for row in values)
                    and any(isinstance(row[j], _Node) for row in values)]
    if node_columns:
        df.attrs["node_columns"] = node_columns  # columns of Label:key only (the app links them to entity pages)
    return df


@dataclass(frozen=True)
class _Node:
    ref: Any


@dataclass(frozen=True)
class _Rel:
    ref: Any


@dataclass(frozen=True)
class _Path:
    items: tuple


class _Found:
    """The nodes and relationships of one result, read from either engine's values."""

    def __init__(self, store: Store):
        import networkx as nx

        self.schema = store.schema
        self.nodes: dict[Any, str] = {}  # engine id -> Label:key
        self.rels: dict[Any, tuple[Any, str, Any, dict[str, Any]]] = {}
        self.graph = nx.MultiDiGraph()

    def value(self, v: Any) -> Any:
        """Nodes, relationships and paths recorded and replaced by references; other values made plain."""
        import neo4j.graph

        if isinstance(v, neo4j.graph.Node):
            return self._node(v.element_id, next(iter(sorted(v.labels)), "?"), dict(v))
        if isinstance(v, neo4j.graph.Relationship):
            return self._rel(v.element_id, v.start_node.element_id, v.type, v.end_node.element_id, dict(v))
        if isinstance(v, neo4j.graph.Path):
            return _Path(tuple([self.value(v.nodes[0])] + [x for r, n in zip(v.relationships, v.nodes[1:])
                                                          for x in (self.value(r), self.value(n))]))
        if isinstance(v, dict) and "_NODES" in v and "_RELS" in v:  # a Ladybug path
            nodes = [self.value(n) for n in v["_NODES"]]
            rels = [self.value(r) for r in v["_RELS"]]
            return _Path(tuple([nodes[0]] + [x for r, n in zip(rels, nodes[1:]) for x in (r, n)]) if nodes else ())
        if isinstance(v, dict) and "_LABEL" in v and "_SRC" in v:  # a Ladybug relationship
            props = {k: x for k, x in v.items() if not k.startswith("_")}
            return self._rel(_lb_id(v["_ID"]), _lb_id(v["_SRC"]), v["_LABEL"], _lb_id(v["_DST"]), props)
        if isinstance(v, dict) and "_LABEL" in v and "_ID" in v:  # a Ladybug node
            return self._node(_lb_id(v["_ID"]), v["_LABEL"], {k: x for k, x in v.items() if not k.startswith("_")})
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        return _scalar(v)

    def _node(self, ref: Any, label: str, props: dict[str, Any]) -> _Node:
        from graph.analysis.subgraph import node_id

        if ref not in self.nodes:
            spec = self.schema.nodes.get(label)
            if spec is not None:  # a Ladybug node carries every label's columns: keep its own
                props = {k: x for k, x in props.items() if k in spec.props}
            key = props.get(spec.key) if spec is not None else None
            nid = node_id(label, key if key is not None else ref)
            self.nodes[ref] = nid
            self.graph.add_node(nid, label=label, key=key, name=props.get("name") or props.get("title") or key,
                                hop=None)
        return _Node(ref)

    def _rel(self, ref: Any, src: Any, rel_type: str, dst: Any, props: dict[str, Any]) -> _Rel:
        self.rels.setdefault(ref, (src, rel_type, dst, props))
        return _Rel(ref)

    def add_edges(self) -> None:
        """Draw every relationship both of whose ends came back (in any row)."""
        for src, rel_type, dst, props in self.rels.values():
            if src in self.nodes and dst in self.nodes:
                self.graph.add_edge(self.nodes[src], self.nodes[dst], key=rel_type, type=rel_type,
                                    sources=[_scalar(u) for u in props.get("source_urls") or []])

    def cell(self, v: Any) -> Any:
        """A value as the table shows it: nodes, relationships and paths as text."""
        if isinstance(v, _Node):
            return self.nodes[v.ref]
        if isinstance(v, _Rel):
            src, rel_type, dst, _ = self.rels[v.ref]
            return f"{self.nodes.get(src, '?')} -[{rel_type}]-> {self.nodes.get(dst, '?')}"
        if isinstance(v, _Path):
            parts = []
            for x in v.items:
                parts.append(self.nodes[x.ref] if isinstance(x, _Node) else f"-[{self.rels[x.ref][1]}]-")
            return " ".join(parts)
        if isinstance(v, list):
            return [self.cell(x) for x in v]
        if isinstance(v, dict):
            return {k: self.cell(x) for k, x in v.items()}
        return v


def _lb_id(i: dict[str, int]) -> tuple[int, int]:
    return (i["table"], i["offset"])


def _scalar(v: Any) -> Any:
    if isinstance(v, Decimal):  # Ladybug's INT128 sums
        return int(v) if v == v.to_integral_value() else float(v)
    if hasattr(v, "iso_format"):  # Neo4j temporal values
        return v.iso_format()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v
