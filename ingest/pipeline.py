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

from graph import ids, pseudonyms
from graph.countries import UnknownCountry, resolve_country
from graph.private_files import open_private
from graph.queries import run_internal
from graph.schema import load_schema
from graph.store.base import Store, StoreError
from ingest import admin_csv, bundle, ftm, readers, reference
from ingest.batch import Batch, RecordError, RecordGraph, Reject
from ingest.common import Context, is_public
from ingest.external import citizenlab, mvt, sii
from ingest.redact import Redactor
from ingest.resolve import DEFAULT_DECISIONS, AgencyResolver, CompanyResolver, Decisions, DecisionsError

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
    """The sha256 of a file; of a folder, the sha256 of its files' relative paths and sha256s, in order."""
    if path.is_file():
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    lines = (f"{f.relative_to(path).as_posix()}\0{sha256_of(f)}\n"
             for f in sorted(p for p in path.rglob("*") if p.is_file()))
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def detect_jsonl(path: Path) -> str:
    """Which reference format a JSON Lines file holds, from the keys of its first record."""
    for _, rec, err in read_jsonl(path):
        if not err:
            keys = set(rec)
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
    """(line number, record or raw text, error) for every non-empty line (ingest/readers.py)."""
    return readers.jsonl(path, load_schema().limits.jsonl_max_line_bytes)


def _store_aliases(store: Store) -> dict[str, tuple[str, str]]:
    out = {}
    for cid, name, aliases, _products in run_internal(store, "company_names").itertuples(index=False):
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
                if err or not isinstance(rec.get("name"), str) or not rec["name"].strip():
                    continue
                names = reference.company_aliases(rec)
                hq = rec.get("hq_country") if isinstance(rec.get("hq_country"), str) else None
                resolver.register(rec["name"], names[1:], rule=f"alias in {path.name}",
                                  hq=hq.upper() if hq and len(hq) == 2 else None)
        elif kind == "sii":
            sii.register(resolver, path)
    return resolver


def build_agency_resolver(store: Store, items: list[tuple[str, Path]], decisions: Decisions) -> AgencyResolver:
    """Every state agency name known before mapping (the graph, the cases, the SII end users), so that one
    state's names for one body resolve to one node whatever the load order."""
    agencies = AgencyResolver(decisions)
    for _, name, kind, state in run_internal(store, "organization_names").itertuples(index=False):
        if kind == "state_agency":
            agencies.register(name, state)
    for kind, path in items:
        if kind == "cases":
            for _, rec, err in read_jsonl(path):
                if err or not isinstance(rec.get("agencies"), list) or not isinstance(rec.get("origin_state"), str):
                    continue
                try:
                    origin = resolve_country(rec["origin_state"])
                except UnknownCountry:
                    continue
                for text in rec["agencies"]:
                    agencies.register(reference.split_agency(str(text))[0], origin)
        elif kind == "sii":
            sii.register_agencies(agencies, path)
    return agencies


class _Endpoints:
    """Answers whether a relationship's endpoint exists, in this batch or already in the store."""

    def __init__(self, store: Store, batch: Batch):
        self.store, self.batch = store, batch
        self.known: dict[str, set[str]] = {}

    def exists(self, label: str, key: str) -> bool:
        if self.batch.has_node(label, key):
            return True
        if label not in self.known:  # one query per label: built from the schema's names, not a file
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
        for sheet, f, line, row in _bundle_rows(path):
            where = f"{f}" if f.suffix == ".csv" else f"{f}[{sheet}]"
            if sheet == bundle.REL_SHEET:
                yield f, where, line, row, None, bundle.map_rel_row
            else:
                yield f, where, line, row, None, (lambda r, ctx, _s=sheet: bundle.map_node_row(_s, r, ctx))
        return
    for line, rec, err in read_jsonl(path):
        yield path, str(path), line, rec, err, MAPPERS[kind]


def _file_source(batch: Batch, path: Path, digest: str, redactor: Redactor) -> str:
    """The Source node of an ingested file, keyed by its content hash."""
    rg = RecordGraph()
    rg.node("Source", {"id": ids.file_source_id(digest), "kind": "file", "path": path.name, "title": path.name,
                       "sha256": digest})
    batch.add(redactor.graph(rg))
    return ids.file_source_id(digest)


def _bundle_rows(path: Path) -> Iterator[tuple[str, Path, int, dict[str, Any]]]:
    return bundle.read_xlsx(path) if path.suffix.lower() == ".xlsx" else bundle.read_csv_dir(path)


def collect_names(items: list[tuple[str, Path]]) -> tuple[Redactor, dict[str, dict[str, str]]]:
    """Every person the input names, read before any record is mapped (a name in the last record is redacted
    in the first): the redactor, and for each bundle the keyed id of each private person's given id."""
    redactor = Redactor()
    given_ids: dict[str, dict[str, str]] = {}
    for kind, path in items:
        if kind == "cases":
            for _, rec, err in read_jsonl(path):
                targets = rec.get("targets") if not err else None
                for t in targets if isinstance(targets, list) else []:
                    if isinstance(t, dict) and isinstance(t.get("name"), str) and t["name"].strip():
                        redactor.add(t["name"], public=is_public(t.get("public_figure")))
        elif kind == "bundle":
            for sheet, _f, _line, row in _bundle_rows(path):
                name = str(row.get("name") or "").strip()
                if sheet != "Person" or not name:
                    continue
                public = is_public(row.get("public_figure"))
                redactor.add(name, public)
                if not public and str(row.get("id") or "").strip():
                    given_ids.setdefault(str(path), {})[str(row["id"]).strip()] = ids.private_person_id(name)
    return redactor, given_ids


def _redacted_reject(redactor: Redactor, where: str, line: int | str, field: str | None, reason: str,
                     raw: Any) -> Reject:
    """A reject as it may be written and printed: names redacted; a line that is not a JSON object is not copied
    (who it names cannot be told), the file and line say where it is."""
    record = redactor.value(raw) if isinstance(raw, dict) else None
    return Reject(redactor.text(where), line, field, redactor.text(reason), record)


def build_batch(store: Store, items: list[tuple[str, Path]], keep_private_names: bool = False,
                progress: Progress | None = None, decisions: Decisions | None = None,
                ) -> tuple[Batch, list[FileReport], CompanyResolver, AgencyResolver, Redactor]:
    schema = load_schema()
    batch = Batch(schema)
    resolver = build_resolver(store, items, decisions or Decisions())
    agencies = build_agency_resolver(store, items, decisions or Decisions())
    redactor, given_ids = (Redactor(), {}) if keep_private_names else collect_names(items)
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
        shared["person_ids"] = given_ids.get(str(path), {})
        for f, where, line, raw, err, mapper in _records(kind, path):
            report.records += 1
            if err:
                batch.rejects.append(_redacted_reject(redactor, where, line, None, err, raw))
                report.rejected += 1
                continue
            if f not in sources:
                sources[f] = _file_source(batch, f, report.sha256 if f == path else sha256_of(f), redactor)
            ref = f"line {line}" if isinstance(line, int) else str(line)
            ctx = Context(sources[f], keep_private_names, resolver, agencies, record_ref=ref, file_name=f.name,
                          shared=shared)
            try:
                rg = redactor.graph(mapper(raw, ctx))
                _check_endpoints(rg, endpoints)
            except RecordError as e:
                batch.rejects.append(_redacted_reject(redactor, where, line, e.field, e.reason, raw))
                report.rejected += 1
                continue
            except (TypeError, KeyError, ValueError, AttributeError, IndexError, RecursionError) as e:
                # A value of a shape the mapper does not expect (a number where a list belongs...): the record
                # is bad, not the ingest; it is set aside like any other.
                reason = f"unexpected value ({type(e).__name__}: {readers.clip(str(e))})"
                batch.rejects.append(_redacted_reject(redactor, where, line, None, reason, raw))
                report.rejected += 1
                continue
            batch.add(rg)
        reports.append(report)
        if progress:
            progress("read", n, len(items))
    return batch, reports, resolver, agencies, redactor


def write_batch(store: Store, batch: Batch, progress: Progress | None = None) -> int:
    """Write a batch in one transaction; return the number of node and relationship rows written."""
    store.ensure_schema()
    total, done = batch.size(), 0
    with store.transaction():
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
    return done


class _EmptyGraph(Store):
    """The graph as a rebuild will leave it before loading: nothing to resolve names or endpoints against."""

    backend = "empty"

    def rows(self, cypher, params=None):
        return [], []

    def ensure_schema(self):
        pass

    def upsert_nodes(self, label, rows):
        raise StoreError("a rebuild writes to the real store")

    upsert_rels = clear = upsert_nodes


def old_pseudonyms(store: Store) -> list[str]:
    """Ids of persons that carry the old unkeyed pseudonyms (which anyone can recompute from a guessed name)."""
    rows = run_internal(store, "pseudonymised_persons").itertuples(index=False)
    return sorted(pid for pid, name in rows if pseudonyms.is_old_pseudonym(pid, name))


def _rebuild_hint(store: Store, old: list[str]) -> str:
    files = ", ".join(run_internal(store, "ingested_files").path) or "its source files"
    return (f"the graph holds {len(old)} person(s) with old, unkeyed pseudonyms (e.g. {old[0]}), which anyone who "
            f"guesses a name can recompute; their names cannot be recovered from the graph, so rebuild it from the "
            f"files it was loaded from ({files}): tnr ingest --rebuild PATH... (docs/safety.md, Migration)")


def ingest(store: Store, paths: list[str | Path], source_type: str | None = None,
           keep_private_names: bool = False, progress: Progress | None = None,
           decisions: str | Path | None = DEFAULT_DECISIONS, rebuild: bool = False) -> IngestReport:
    """Load ``paths``. ``decisions`` is the analyst's resolution file (confirm/forbid merges).

    ``rebuild`` empties the graph and loads ``paths`` alone: the batch is built as if the graph were empty, then
    the store starts afresh (a new embedded database file in place of the old, or every Neo4j node deleted) and
    the batch is written. A graph with old pseudonyms is refused without it."""
    items = discover([Path(p) for p in paths], source_type)
    try:
        dec = Decisions.load(Path(decisions) if decisions else None)
    except DecisionsError as e:
        raise IngestError(str(e)) from None
    for kind, path in items:
        if kind == "bundle" and path.suffix.lower() == ".xlsx":
            try:
                bundle.check_xlsx_size(path)  # before anything reads it
            except readers.UnreadableFile as e:
                raise IngestError(str(e)) from None
    store.ensure_schema()
    if not rebuild and (old := old_pseudonyms(store)):
        raise IngestError(_rebuild_hint(store, old))
    try:
        batch, files, resolver, agencies, redactor = build_batch(_EmptyGraph() if rebuild else store, items,
                                                       keep_private_names, progress, dec)
    except readers.UnreadableFile as e:
        raise IngestError(str(e)) from None
    if rebuild:
        store.start_afresh()
        try:
            written = write_batch(store, batch, progress)
        except BaseException:
            store.restore_previous()
            raise
        store.forget_previous()
    else:
        written = write_batch(store, batch, progress)
    return IngestReport(files, batch.rejects, written, [redactor.value(m) for m in resolver.log + agencies.log])


def write_merge_log(merges: list[dict[str, Any]], path: Path) -> None:
    """The merge log: one JSON object per merge (name as given, id and canonical name, rule, record)."""
    with open_private(path) as f:  # 0600, like every file about the people in the graph
        for m in merges:
            f.write(json.dumps(m, ensure_ascii=False) + "\n")
