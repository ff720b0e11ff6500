"""A batch of validated nodes and relationships, merged in memory before it is written."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.private_files import open_private
from graph.schema import Schema, load_schema, node_model, rel_model
from graph.store.upsert import merge_props
from ingest.readers import clip


@dataclass
class Reject:
    file: str
    line: int | str
    field: str | None
    reason: str
    record: Any

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (f" field {self.field}" if self.field else "")
        return f"{where}: {self.reason}"


class RecordError(ValueError):
    """A record cannot be loaded; carries the field it failed on."""

    def __init__(self, field: str | None, reason: str):
        reason = clip(reason, 500)  # a reason quotes the bad value: never a 200,000-character one whole
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _validate(fast, model, what: str, props: dict[str, Any], path: str | None) -> dict[str, Any]:
    """``props`` checked by ``fast`` (the schema's constraint twin of ``model``); what it refuses, ``model``
    validates again, to accept it or name the broken rule."""
    try:
        return dict(fast.model_validate(props).__dict__)  # the fields, flat: no model_dump copy needed
    except ValidationError:
        pass
    try:
        return dict(model.model_validate(props).__dict__)
    except ValidationError as e:
        err = e.errors()[0]
        name = ".".join(str(x) for x in err["loc"])
        got = repr(err.get("input"))
        got = got if len(got) <= 80 else f"{got[:60]}… ({len(got)} characters)"  # a 200,000-character value is not echoed
        raise RecordError(path or f"{what}.{name}", f"{what}.{name}: {err['msg']} (got {got})") from None


@dataclass
class RecordGraph:
    """The nodes and relationships one input record maps to, validated against the schema."""

    schema: Schema = field(default_factory=load_schema)
    nodes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    rels: list[tuple[str, str, str, str, str, dict[str, Any]]] = field(default_factory=list)

    def node(self, label: str, props: dict[str, Any], path: str | None = None) -> str:
        """Add a node; return its key. ``path`` names the input field for error messages."""
        clean = _validate(node_model(label, True), node_model(label), label, props, path)
        self.nodes.append((label, clean))
        return clean[self.schema.node(label).key]

    def rel(self, rel_type: str, from_label: str, from_key: str, to_label: str, to_key: str,
            props: dict[str, Any] | None = None, path: str | None = None) -> None:
        rt = self.schema.rel(rel_type)
        if from_label not in rt.from_labels or to_label not in rt.to_labels:
            raise RecordError(path or rel_type, f"{rel_type} cannot go from {from_label} to {to_label}")
        clean = _validate(rel_model(rel_type, True), rel_model(rel_type), rel_type, props or {}, path)
        self.rels.append((rel_type, from_label, from_key, to_label, to_key, clean))


@dataclass
class Batch:
    """Everything one ingest will write, deduplicated on node keys and relationship endpoints."""

    schema: Schema = field(default_factory=load_schema)
    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    rels: dict[tuple[str, str, str], dict[tuple[str, str], dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(dict))
    rejects: list[Reject] = field(default_factory=list)

    def add(self, rg: RecordGraph) -> None:
        for label, props in rg.nodes:
            node = self.schema.node(label)
            merge_props(self.nodes[label].setdefault(props[node.key], {}), props, node.keep_first)
        for rtype, fl, fk, tl, tk, props in rg.rels:
            merge_props(self.rels[(rtype, fl, tl)].setdefault((fk, tk), {}), props, self.schema.rel(rtype).keep_first)

    def has_node(self, label: str, key: str) -> bool:
        return key in self.nodes.get(label, {})

    def node_rows(self, label: str) -> list[dict[str, Any]]:
        return [self.nodes[label][k] for k in sorted(self.nodes.get(label, {}))]

    def rel_rows(self, key: tuple[str, str, str]) -> list[dict[str, Any]]:
        rows = self.rels.get(key, {})
        return [{"_from": f, "_to": t, **rows[(f, t)]} for f, t in sorted(rows)]

    def size(self) -> int:
        return sum(len(v) for v in self.nodes.values()) + sum(len(v) for v in self.rels.values())


def write_rejects(rejects: list[Reject], path: Path) -> None:
    """The rejects file, 0600 (the rejects are redacted already: see ingest/pipeline.py)."""
    with open_private(path) as f:
        for r in rejects:
            f.write(json.dumps(asdict(r), ensure_ascii=False, default=str) + "\n")
