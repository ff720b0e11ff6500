"""The schema, declared once in ``schema.yaml``, and everything generated from it.

>>> s = load_schema()
>>> s.nodes["Country"].key
'iso2'
>>> s.rels["SUPPLIED"].to_labels
('Country', 'Organization')
>>> ladybug_ddl(s)[0]
'CREATE NODE TABLE IF NOT EXISTS Country(iso2 STRING, name STRING, region STRING, PRIMARY KEY(iso2))'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Annotated, Any, Literal, Optional

import pyarrow as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model, field_validator

SCHEMA_FILE = files("graph") / "schema.yaml"
TYPES = ("STRING", "INT64", "DOUBLE", "BOOL", "STRING[]")
ARROW_TYPES = {"STRING": pa.string(), "INT64": pa.int64(), "DOUBLE": pa.float64(), "BOOL": pa.bool_(),
               "STRING[]": pa.list_(pa.string())}  # how a property travels in Arrow (COPY, spill files)


@dataclass(frozen=True)
class Prop:
    name: str
    type: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    description: str = ""
    max_length: int | None = None  # characters of a STRING, or of each item of a STRING[]
    format: str | None = None  # "url": an http:// or https:// URL
    keep_first: int | None = None  # a STRING[] kept to its first N items through merges (provenance on hubs)

    @property
    def is_list(self) -> bool:
        return self.type == "STRING[]"


@dataclass(frozen=True)
class Limits:
    """Input limits (``limits:`` in schema.yaml): field lengths, list sizes, input file and line sizes."""

    string_max_length: int = 1000
    list_max_items: int = 1000
    jsonl_max_line_bytes: int = 1 << 20
    xlsx_max_uncompressed_bytes: int = 64 << 20
    descriptions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NodeType:
    label: str
    key: str
    props: dict[str, Prop]
    description: str = ""
    caption: tuple[str, ...] = ()  # properties that name a node, first non-null wins (else the key)
    colour: str = "#999999"  # its colour in the app's graph views

    @cached_property
    def keep_first(self) -> dict[str, int]:
        """The cut of each list property that has one (see :func:`graph.store.upsert.merge_value`)."""
        return {p.name: p.keep_first for p in self.props.values() if p.keep_first}


@dataclass(frozen=True)
class RelType:
    type: str
    from_labels: tuple[str, ...]
    to_labels: tuple[str, ...]
    props: dict[str, Prop]
    description: str = ""

    def pairs(self) -> list[tuple[str, str]]:
        return [(a, b) for a in self.from_labels for b in self.to_labels]

    @cached_property
    def keep_first(self) -> dict[str, int]:
        """The cut of each list property that has one (see :func:`graph.store.upsert.merge_value`)."""
        return {p.name: p.keep_first for p in self.props.values() if p.keep_first}


@dataclass(frozen=True)
class Tactic:
    code: str
    label: str
    physical: bool


@dataclass(frozen=True)
class Schema:
    nodes: dict[str, NodeType]
    rels: dict[str, RelType]
    tactics: dict[str, Tactic] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)

    def node(self, label: str) -> NodeType:
        try:
            return self.nodes[label]
        except KeyError:
            raise KeyError(f"unknown node label {label!r}; known: {', '.join(self.nodes)}") from None

    def rel(self, rel_type: str) -> RelType:
        try:
            return self.rels[rel_type]
        except KeyError:
            raise KeyError(f"unknown relationship type {rel_type!r}; known: {', '.join(self.rels)}") from None


FORMATS = {"url": (re.compile(r"^(?i:https?)://\S"), "must be an http:// or https:// URL")}


def _props(spec: dict[str, Any] | None, limits: Limits) -> dict[str, Prop]:
    props = {}
    for name, p in (spec or {}).items():
        if p["type"] not in TYPES:
            raise ValueError(f"schema: property {name}: unknown type {p['type']}")
        if p.get("format") and p["format"] not in FORMATS:
            raise ValueError(f"schema: property {name}: unknown format {p['format']}")
        textual = p["type"] in ("STRING", "STRING[]")
        props[name] = Prop(
            name=name,
            type=p["type"],
            required=bool(p.get("required", False)),
            enum=tuple(p["enum"]) if "enum" in p else None,
            pattern=p.get("pattern"),
            description=p.get("description", ""),
            max_length=int(p.get("max_length", limits.string_max_length)) if textual else None,
            format=p.get("format"),
            keep_first=int(p["keep_first"]) if "keep_first" in p else None,
        )
    return props


def _limits(spec: dict[str, Any] | None) -> Limits:
    spec = spec or {}
    values = {k: int(v["value"]) for k, v in spec.items()}
    unknown = set(values) - set(Limits.__dataclass_fields__) - {"descriptions"}
    if unknown:
        raise ValueError(f"schema: unknown limits {sorted(unknown)}")
    return Limits(**values, descriptions=tuple((k, " ".join(str(v.get("description", "")).split()))
                                               for k, v in spec.items()))


@cache
def load_schema(path: Traversable = SCHEMA_FILE) -> Schema:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    limits = _limits(raw.get("limits"))
    nodes = {}
    for label, spec in raw["nodes"].items():
        props = _props(spec["properties"], limits)
        if spec["key"] not in props:
            raise ValueError(f"schema: {label}: key {spec['key']} is not a property")
        caption = tuple(spec.get("caption") or ())
        if any(c not in props for c in caption):
            raise ValueError(f"schema: {label}: caption {list(caption)} names a property it lacks")
        colour = spec.get("colour", NodeType.colour)
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            raise ValueError(f"schema: {label}: colour {colour!r} is not #rrggbb")
        nodes[label] = NodeType(label, spec["key"], props, " ".join(spec.get("description", "").split()), caption,
                                colour)
    common = _props(raw.get("relationship_common_properties"), limits)
    rels = {}
    for rtype, spec in raw["relationships"].items():
        for label in spec["from"] + spec["to"]:
            if label not in nodes:
                raise ValueError(f"schema: {rtype}: unknown label {label}")
        props = {**_props(spec.get("properties"), limits), **common}
        rels[rtype] = RelType(rtype, tuple(spec["from"]), tuple(spec["to"]), props, spec.get("description", ""))
    tactics = {code: Tactic(code, t["label"], bool(t["physical"])) for code, t in raw["tactics"].items()}
    return Schema(nodes, rels, tactics, limits)


# --- Ladybug DDL ------------------------------------------------------------------------------


def ladybug_ddl(schema: Schema) -> list[str]:
    """CREATE statements for every node and relationship table (idempotent)."""
    stmts = []
    for n in schema.nodes.values():
        cols = ", ".join(f"{p.name} {p.type}" for p in n.props.values())
        stmts.append(f"CREATE NODE TABLE IF NOT EXISTS {n.label}({cols}, PRIMARY KEY({n.key}))")
    for r in schema.rels.values():
        pairs = ", ".join(f"FROM {a} TO {b}" for a, b in r.pairs())
        cols = "".join(f", {p.name} {p.type}" for p in r.props.values())
        stmts.append(f"CREATE REL TABLE IF NOT EXISTS {r.type}({pairs}{cols})")
    return stmts


# --- Neo4j constraints and indexes ------------------------------------------------------------


def neo4j_constraints(schema: Schema) -> list[str]:
    """Named, idempotent uniqueness constraints on every key, plus lookup indexes (Community edition)."""
    stmts = []
    for n in schema.nodes.values():
        stmts.append(
            f"CREATE CONSTRAINT {n.label.lower()}_{n.key}_unique IF NOT EXISTS "
            f"FOR (n:{n.label}) REQUIRE n.{n.key} IS UNIQUE"
        )
    for n in schema.nodes.values():
        if "name" in n.props and n.key != "name":
            stmts.append(f"CREATE INDEX {n.label.lower()}_name IF NOT EXISTS FOR (n:{n.label}) ON (n.name)")
    stmts.append("CREATE INDEX incident_year IF NOT EXISTS FOR (n:Incident) ON (n.year)")
    return stmts


# --- Validation ---------------------------------------------------------------------------------

_PY_TYPES: dict[str, Any] = {"STRING": str, "INT64": int, "DOUBLE": float, "BOOL": bool, "STRING[]": list[str]}


def _annotation(p: Prop) -> Any:
    base = Literal[p.enum] if p.enum else _PY_TYPES[p.type]  # type: ignore[valid-type]
    return base if p.required else Optional[base]


def _model(name: str, props: dict[str, Prop], limits: Limits) -> type[BaseModel]:
    fields = {p.name: (_annotation(p), ... if p.required else None) for p in props.values()}
    patterns = {p.name: re.compile(p.pattern) for p in props.values() if p.pattern}
    textual = {p.name: p for p in props.values() if p.max_length is not None}

    def check_patterns(cls, v, info):
        rx = patterns.get(info.field_name)
        if v is not None and rx and not rx.match(v):
            raise ValueError(f"does not match {rx.pattern}")
        return v

    def check_text(cls, v, info):
        """Field lengths, list sizes and formats (schema.yaml ``limits`` and ``max_length``/``format``)."""
        if v is None:
            return v
        p = textual[info.field_name]
        items = v if isinstance(v, list) else [v]
        if isinstance(v, list) and len(v) > limits.list_max_items:
            raise ValueError(f"more than {limits.list_max_items} items ({len(v)})")
        for item in items:
            if isinstance(item, str) and len(item) > p.max_length:
                raise ValueError(f"longer than {p.max_length} characters ({len(item)})")
            if p.format and isinstance(item, str) and not FORMATS[p.format][0].match(item):
                raise ValueError(FORMATS[p.format][1])
        return v

    validators = {}
    if patterns:
        validators["check_patterns"] = field_validator(*patterns)(classmethod(check_patterns))
    if textual:
        validators["check_text"] = field_validator(*textual)(classmethod(check_text))
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True),
        __validators__=validators,
        **fields,
    )


def _constrained(p: Prop, limits: Limits) -> Any:
    """``p``'s annotation with its checks as pydantic-core constraints (run in Rust, no Python call per field)."""
    if p.enum or p.type not in ("STRING", "STRING[]"):
        return _annotation(p)
    rules = [f"(?:{p.pattern})"] if p.pattern else []
    rules += [f"(?:{FORMATS[p.format][0].pattern})"] if p.format else []
    # re.match semantics: anchored at the start; two rules are two lookaheads (Python's engine only: _fast_model)
    pattern = ("^" + "".join(f"(?={r})" for r in rules) if len(rules) > 1 else f"^{rules[0]}") if rules else None
    item = Annotated[str, StringConstraints(max_length=p.max_length, pattern=pattern)]
    base = Annotated[list[item], Field(max_length=limits.list_max_items)] if p.type == "STRING[]" else item
    return base if p.required else Optional[base]


def _fast_model(name: str, props: dict[str, Prop], limits: Limits) -> type[BaseModel]:
    """The twin of :func:`_model` with the same checks as constraints: it accepts only what :func:`_model`
    accepts (tests/test_schema.py checks this on generated input), and is tried first; a record it refuses is
    validated again by :func:`_model`, whose message names the rule in the schema's words."""
    fields = {p.name: (_constrained(p, limits), ... if p.required else None) for p in props.values()}
    lookaheads = any(p.pattern and p.format for p in props.values())  # Rust's regex has none; Python's is slower
    return create_model(
        f"{name}Fast",
        __config__=ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True,
                              regex_engine="python-re" if lookaheads else "rust-regex"),
        **fields,
    )


@cache
def node_model(label: str, fast: bool = False) -> type[BaseModel]:
    """A pydantic model validating a record of ``label``'s properties (``fast``: the constraint twin)."""
    return (_fast_model if fast else _model)(f"{label}Record", load_schema().node(label).props, load_schema().limits)


@cache
def rel_model(rel_type: str, fast: bool = False) -> type[BaseModel]:
    return (_fast_model if fast else _model)(f"{rel_type}Record", load_schema().rel(rel_type).props,
                                              load_schema().limits)


# --- Docs ---------------------------------------------------------------------------------------


def schema_markdown(schema: Schema) -> str:
    out = [
        "# Schema",
        "",
        "Generated from `graph/schema.yaml` by `tnr schema markdown --write docs/schema.md`; do not edit by hand.",
        "",
        "## Nodes",
        "",
    ]
    for n in schema.nodes.values():
        caption = ", ".join(f"`{c}`" for c in n.caption) or f"`{n.key}`"
        hints = f"Key: `{n.key}` (unique). Caption: {caption}. Colour: `{n.colour}`."
        out += [f"### {n.label}", "", n.description, "", hints, ""]
        out += ["| property | type | required | allowed values / pattern | max length | description |",
                "|---|---|---|---|---|---|"]
        for p in n.props.values():
            allowed = ", ".join(p.enum) if p.enum else (f"`{p.pattern}`" if p.pattern else "")
            allowed = "; ".join(x for x in (allowed, FORMATS[p.format][1] if p.format else "") if x)
            out.append(f"| {p.name} | {p.type} | {'yes' if p.required else ''} | {allowed} | {p.max_length or ''} "
                       f"| {p.description} |")
        out.append("")
    out += ["## Relationships", "", "| type | from | to | properties | description |", "|---|---|---|---|---|"]
    for r in schema.rels.values():
        props = ", ".join(
            f"{p.name}" + (f" ({'/'.join(p.enum)})" if p.enum else "")
            + (f" (≤ {p.max_length})" if p.max_length and p.max_length != schema.limits.string_max_length else "")
            + (f" ({p.format})" if p.format else "")
            + (f" (first {p.keep_first} kept)" if p.keep_first else "")
            for p in r.props.values()
        )
        out.append(f"| {r.type} | {', '.join(r.from_labels)} | {', '.join(r.to_labels)} | {props} | {r.description} |")
    out += ["", "## Limits", "", "Input beyond these is rejected with the file, record and field named "
            "(a whole file for the file limits).", "", "| limit | value | what |", "|---|---|---|"]
    for name, text in schema.limits.descriptions:
        out.append(f"| {name} | {getattr(schema.limits, name)} | {text} |")
    out += ["", "## Tactics", "", "| code | label | physical |", "|---|---|---|"]
    for t in schema.tactics.values():
        out.append(f"| {t.code} | {t.label} | {'yes' if t.physical else 'no'} |")
    return "\n".join(out) + "\n"
