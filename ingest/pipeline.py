"""Ingest files into a store: detect the format, validate and map each record, set aside the bad
ones, then write everything in one transaction.

Re-running an ingest on the same input changes nothing: every write is an upsert keyed on ids
that come from the input or are derived from content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import ids
from graph.schema import load_schema
from graph.store.base import Store
from ingest import admin_csv, bundle, ftm, reference
from ingest.batch import Batch, RecordError, RecordGraph, Reject
from ingest.common import Context
from ingest.external import citizenlab, mvt, sii
from ingest.resolve import DEFAULT_DECISIONS, CompanyResolver, Decisions, DecisionsError

# Load order: vendors first (so their names and aliases resolve), then facts that name them, then the
# report corpus last (its gazetteer is built from everything else).
SOURCE_TYPES = ("companies", "sii", "mvt", "ftm", "un_reports", "cases", "bundle", "citizenlab", "admin_csv")
MAPPERS = {"cases": reference.map_case, "companies": reference.map_company, "un_reports": reference.map_un_report}
WRITE_CHUNK = 5000

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class FileReport:
    path: str
    source_type: str
    sha256: str
    records: int = 0
    rejected: int = 0


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    written: int = 0
    merges: list[dict[str, Any]] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def rejected(self) -> int:
        return len(self.rejects)


class IngestError(ValueError):
    pass


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def detect_jsonl(path: Path) -> str:
    """Which reference format a JSON Lines file holds, from the keys of its first record."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                try:
                    keys = set(json.loads(line))
                except (json.JSONDecodeError, TypeError):
                    break
                if "host_state" in keys or "tactics" in keys:
                    return "cases"
                if "report_year" in keys:
                    return "un_reports"
                if "clients" in keys or "products" in keys:
                    return "companies"
                if ftm.is_ftm_record(keys):
                    return "ftm"
                break
    raise IngestError(f"{path}: cannot tell the format from the first record; name it with --source-type")


def _external_kind(path: Path) -> str | None:
    """The external dataset a folder or a .json/.yaml file holds (docs/external-data.md), if any."""
    if sii.is_sii_dir(path):
        return "sii"
    if admin_csv.is_admin_csv_dir(path):
        return "admin_csv"
    if path.is_dir():
        if mvt.is_mvt_file(path / mvt.FILE):
            return "mvt"
        return None
    if path.suffix.lower() == ".json":
        return sii.json_kind(path)
    if path.suffix.lower() in (".yaml", ".yml") and mvt.is_mvt_file(path):
        return "mvt"
    return None


def _inner(path: Path) -> list[Path]:
    out = []
    for p in sorted(path.iterdir()):
        if p.suffix.lower() in (".jsonl", ".xlsx") or bundle.is_bundle_dir(p):
            out.append(p)
        elif p.is_dir() and any(_external_kind(q) for q in [p, *sorted(p.iterdir())]):
            out.append(p)  # a dataset folder (e.g. ../shared/data/external/privacy-international-sii)
        elif p.suffix.lower() in (".json", ".yaml", ".yml") and _external_kind(p):
            out.append(p)
    return out


def discover(paths: list[Path], source_type: str | None = None) -> list[tuple[str, Path]]:
    """(source type, path) for each input, in load order: companies first so their aliases resolve."""
    found: list[tuple[str, Path]] = []
    for path in paths:
        if not path.exists():
            raise IngestError(f"{path}: no such file or directory")
        kind = _external_kind(path)
        if bundle.is_bundle_dir(path) or path.suffix.lower() == ".xlsx":
            found.append(("bundle", path))
        elif kind:
            found.append((kind, path))
        elif path.is_dir():
            inner = _inner(path)
            if not inner:
                raise IngestError(f"{path}: no .jsonl, .xlsx, bundle folder or known dataset inside")
            found += discover(inner, source_type)
        elif path.suffix.lower() == ".jsonl":
            found.append((source_type or detect_jsonl(path), path))
        elif source_type in ("sii", "mvt", "citizenlab", "ftm"):
            found.append((source_type, path))
        else:
            raise IngestError(f"{path}: unsupported file (expected .jsonl, .xlsx, a folder of bundle CSVs or a "
                              f"dataset of docs/external-data.md; name it with --source-type)")
    if source_type and source_type not in SOURCE_TYPES:
        raise IngestError(f"unknown source type {source_type!r}; choose one of {', '.join(SOURCE_TYPES)}")
    return sorted(found, key=lambda x: (SOURCE_TYPES.index(x[0]), str(x[1])))


def read_jsonl(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, record or raw text, error) for every non-empty line."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                yield n, line.rstrip("\n"), f"invalid JSON: {e.msg} at column {e.colno}"
                continue
            if not isinstance(rec, dict):
                yield n, rec, "expected a JSON object"
                continue
            yield n, rec, None


def _store_aliases(store: Store) -> dict[str, tuple[str, str]]:
    out = {}
    _, rows = store.rows("MATCH (c:Company) RETURN c.id AS id, c.name AS name, c.aliases AS aliases")
    for cid, name, aliases in rows:
        for n in [name, *(aliases or [])]:
            if n:
                out.setdefault(ids.normalise_name(n), (cid, name))
    return out


def build_resolver(store: Store, items: list[tuple[str, Path]], decisions: Decisions) -> CompanyResolver:
    """Every company name known before mapping: analyst decisions, the graph, companies files, the SII."""
    resolver = CompanyResolver(decisions)
    for norm, (cid, name) in _store_aliases(store).items():
        resolver.add_known(norm, cid, name, "alias (in the graph)")
    for kind, path in items:
        if kind == "companies":
            for _, rec, err in read_jsonl(path):
                if err or not rec.get("name"):
                    continue
                names = reference.company_aliases(rec)
                resolver.register(rec["name"], names[1:], rule=f"alias in {path.name}")
        elif kind == "sii":
            sii.register(resolver, path)
    return resolver


class _Endpoints:
    """Answers whether a relationship's endpoint exists, in this batch or already in the store."""

    def __init__(self, store: Store, batch: Batch):
        self.store, self.batch = store, batch
        self.known: dict[str, set[str]] = {}

    def exists(self, label: str, key: str) -> bool:
        if self.batch.has_node(label, key):
            return True
        if label not in self.known:
            node = load_schema().node(label)
            _, rows = self.store.rows(f"MATCH (n:{label}) RETURN n.{node.key} AS k")
            self.known[label] = {r[0] for r in rows}
        return key in self.known[label]


def _check_endpoints(rg: RecordGraph, endpoints: _Endpoints) -> None:
    local = {(label, props[load_schema().node(label).key]) for label, props in rg.nodes}
    for _type, fl, fk, tl, tk, _ in rg.rels:
        for label, key, side in ((fl, fk, "from_id"), (tl, tk, "to_id")):
            if (label, key) not in local and not endpoints.exists(label, key):
                raise RecordError(side, f"{side}: no {label} with key {key!r} in this input or the graph")


def _records(kind: str, path: Path) -> Iterator[tuple[Path, str, int, Any, str | None, Callable]]:
    """(file, where, line, raw record, parse error, mapper) for every record of one input."""
    if kind == "sii":
        yield from sii.records(path)
        return
    if kind == "mvt":
        yield from mvt.records(path)
        return
    if kind == "citizenlab":
        yield from citizenlab.records(path)
        return
    if kind in ("admin_csv", "ftm"):
        yield from (admin_csv if kind == "admin_csv" else ftm).records(path)
        return
    if kind == "bundle":
        rows = bundle.read_xlsx(path) if path.suffix.lower() == ".xlsx" else bundle.read_csv_dir(path)
        for sheet, f, line, row in rows:
            where = f"{f}" if f.suffix == ".csv" else f"{f}[{sheet}]"
            if sheet == bundle.REL_SHEET:
                yield f, where, line, row, None, bundle.map_rel_row
            else:
                yield f, where, line, row, None, (lambda r, ctx, _s=sheet: bundle.map_node_row(_s, r, ctx))
        return
    for line, rec, err in read_jsonl(path):
        yield path, str(path), line, rec, err, MAPPERS[kind]


def _file_source(batch: Batch, path: Path, digest: str) -> str:
    """The Source node of an ingested file, keyed by its content hash."""
    rg = RecordGraph()
    rg.node("Source", {"id": ids.file_source_id(digest), "kind": "file", "path": path.name, "title": path.name,
                       "sha256": digest})
    batch.add(rg)
    return ids.file_source_id(digest)


def build_batch(store: Store, items: list[tuple[str, Path]], keep_private_names: bool = False,
                progress: Progress | None = None, decisions: Decisions | None = None,
                ) -> tuple[Batch, list[FileReport], CompanyResolver]:
    schema = load_schema()
    batch = Batch(schema)
    resolver = build_resolver(store, items, decisions or Decisions())
    shared: dict[str, Any] = {"store": store, "batch": batch}
    endpoints = _Endpoints(store, batch)
    seed = RecordGraph()
    for t in schema.tactics.values():
        seed.node("Tactic", {"code": t.code, "label": t.label, "physical": t.physical})
    batch.add(seed)
    reports = []
    for n, (kind, path) in enumerate(items, start=1):
        report = FileReport(str(path), kind, sha256_of(path))
        sources: dict[Path, str] = {}  # file -> its Source id; a single-file input is hashed once
        for f, where, line, raw, err, mapper in _records(kind, path):
            report.records += 1
            if err:
                batch.rejects.append(Reject(where, line, None, err, raw))
                report.rejected += 1
                continue
            if f not in sources:
                sources[f] = _file_source(batch, f, report.sha256 if f == path else sha256_of(f))
            ref = f"line {line}" if isinstance(line, int) else str(line)
            ctx = Context(sources[f], keep_private_names, resolver, record_ref=ref, file_name=f.name, shared=shared)
            try:
                rg = mapper(raw, ctx)
                _check_endpoints(rg, endpoints)
            except RecordError as e:
                batch.rejects.append(Reject(where, line, e.field, e.reason, raw))
                report.rejected += 1
                continue
            batch.add(rg)
            batch.records += 1
        reports.append(report)
        if progress:
            progress("read", n, len(items))
    return batch, reports, resolver


def write_batch(store: Store, batch: Batch, progress: Progress | None = None) -> int:
    """Write a batch in one transaction; return the number of node and relationship rows written."""
    store.ensure_schema()
    total, done = batch.size(), 0
    store.begin()
    try:
        for label in batch.schema.nodes:
            rows = batch.node_rows(label)
            for i in range(0, len(rows), WRITE_CHUNK):
                store.upsert_nodes(label, rows[i:i + WRITE_CHUNK])
                done += len(rows[i:i + WRITE_CHUNK])
                if progress:
                    progress("write", done, total)
        for key in sorted(batch.rels):
            rows = batch.rel_rows(key)
            for i in range(0, len(rows), WRITE_CHUNK):
                store.upsert_rels(*key, rows[i:i + WRITE_CHUNK])
                done += len(rows[i:i + WRITE_CHUNK])
                if progress:
                    progress("write", done, total)
        store.commit()
    except BaseException:
        store.rollback()
        raise
    return done


def ingest(store: Store, paths: list[str | Path], source_type: str | None = None,
           keep_private_names: bool = False, progress: Progress | None = None,
           decisions: str | Path | None = DEFAULT_DECISIONS) -> IngestReport:
    """Load ``paths``. ``decisions`` is the analyst's resolution file (confirm/forbid merges)."""
    items = discover([Path(p) for p in paths], source_type)
    try:
        dec = Decisions.load(Path(decisions) if decisions else None)
    except DecisionsError as e:
        raise IngestError(str(e)) from None
    store.ensure_schema()
    batch, files, resolver = build_batch(store, items, keep_private_names, progress, dec)
    written = write_batch(store, batch, progress)
    return IngestReport(files, batch.rejects, written, resolver.log)


def write_merge_log(merges: list[dict[str, Any]], path: Path) -> None:
    """The merge log: one JSON object per merge (name as given, id and canonical name, rule, record)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for m in merges:
            f.write(json.dumps(m, ensure_ascii=False) + "\n")
