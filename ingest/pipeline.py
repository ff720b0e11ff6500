"""Ingest files into a store: detect the format, read what resolution and redaction need from the whole
input, then stream: validate and map each record, set aside the bad ones, and set the mapped rows aside on disk
a chunk at a time (ingest/writer.py, ingest/spill.py), in one store transaction. Nothing is written until every
input has been read whole (the Citizen Lab corpus, matched against the graph, has the inputs before it written
first, once every input from it on has been read through), so an input that fails part-way writes nothing, on
either backend.

Re-running an ingest on the same input changes nothing: every write is an upsert keyed on ids
that come from the input or are derived from content, and an input whose load completed with the same
bytes and settings is skipped (its file Source records ``loaded_with``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from graph import ids, pseudonyms
from graph.countries import UnknownCountry, resolve_country
from graph.private_files import open_private
from graph.queries import run_internal
from graph.schema import load_schema
from graph.store.base import Store, StoreError
from ingest import admin_csv, bundle, ftm, readers, reference
from ingest.batch import RecordError, RecordGraph, Reject
from ingest.common import Context, is_public
from ingest.external import citizenlab, mvt, sii
from ingest.redact import Redactor
from ingest.resolve import DEFAULT_DECISIONS, AgencyResolver, CompanyResolver, Decisions, DecisionsError
from ingest.writer import GraphWriter, Progress

# Load order: vendors first (so their names and aliases resolve), then facts that name them, then the
# report corpus last (its gazetteer is built from everything else).
SOURCE_TYPES = ("companies", "sii", "mvt", "ftm", "un_reports", "cases", "bundle", "citizenlab", "admin_csv")
MAPPERS = {"cases": reference.map_case, "companies": reference.map_company, "un_reports": reference.map_un_report}


@dataclass
class FileReport:
    path: str
    source_type: str
    sha256: str
    records: int = 0
    rejected: int = 0
    skipped: bool = False  # unchanged since a completed load with the same settings: not read again
    fingerprint: str = ""


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


def read_through(kind: str, path: Path) -> None:
    """Read every record of one input and map none: a file that cannot be read whole fails here
    (:class:`~ingest.readers.UnreadableFile`)."""
    for _ in _records(kind, path):
        pass


PENDING = "pending "  # the loaded_with of a file Source whose input's load has not completed


def _file_source(writer: GraphWriter, path: Path, digest: str, redactor: Redactor, fingerprint: str) -> str:
    """The Source node of an ingested file, keyed by its content hash. Its ``loaded_with`` says "pending" until
    the input's last row is written (the writer writes file Sources before any other row), so a load that stopped
    part-way can be told from a complete one (:func:`unfinished_inputs`)."""
    rg = RecordGraph()
    rg.node("Source", {"id": ids.file_source_id(digest), "kind": "file", "path": path.name, "title": path.name,
                       "sha256": digest, "loaded_with": PENDING + fingerprint})
    writer.add(redactor.graph(rg))
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


MappingContext = tuple[CompanyResolver, AgencyResolver, Redactor, dict[str, dict[str, str]]]


def settings_fingerprint(keep_private_names: bool, decisions: Decisions) -> str:
    """What, besides an input's bytes, decides the graph it loads to: the schema, the shipped name tables and
    resolution rules, the analyst's decisions file and the options."""
    h = hashlib.sha256(f"pipeline 1\0{keep_private_names}\0".encode())
    data = files("graph")
    for name in ["schema.yaml", *sorted(f"data/{p.name}" for p in (data / "data").iterdir() if p.name.endswith(".yaml"))]:
        h.update(name.encode() + b"\0" + (data / name).read_bytes() + b"\0")
    if decisions.path and Path(decisions.path).exists():
        h.update(Path(decisions.path).read_bytes())
    if not keep_private_names:  # another secret gives other pseudonyms; only a keyed digest of it is kept
        h.update(hmac.new(pseudonyms.secret(), b"tnr-settings", hashlib.sha256).digest())
    return h.hexdigest()


def input_fingerprint(kind: str, digest: str, settings: str) -> str:
    """The ``loaded_with`` of an input's file Sources once its load completed."""
    return hashlib.sha256(f"{kind}\0{digest}\0{settings}".encode()).hexdigest()


def build_context(store: Store, items: list[tuple[str, Path]], keep_private_names: bool, decisions: Decisions,
                  ) -> MappingContext:
    """What the mapping needs from the whole input before its first record: every name of a company, of an
    agency and of a private person."""
    resolver = build_resolver(store, items, decisions)
    agencies = build_agency_resolver(store, items, decisions)
    redactor, given_ids = (Redactor(), {}) if keep_private_names else collect_names(items)
    return resolver, agencies, redactor, given_ids


def _map_input(kind: str, path: Path, report: FileReport, writer: GraphWriter,
               ctx_of: Callable[[str, Path, str], Context], redactor: Redactor) -> dict[Path, str]:
    """Map every record of one input into ``writer``; bad records go to its rejects. Return the file Sources made."""
    sources: dict[Path, str] = {}  # file -> its Source id; a single-file input is hashed once
    for f, where, line, raw, err, mapper in _records(kind, path):
        report.records += 1
        if err:
            writer.reject(_redacted_reject(redactor, where, line, None, err, raw))
            report.rejected += 1
            continue
        if f not in sources:
            digest = report.sha256 if f == path else sha256_of(f)
            sources[f] = _file_source(writer, f, digest, redactor, report.fingerprint)
        ref = f"line {line}" if isinstance(line, int) else str(line)
        try:
            rg = redactor.graph(mapper(raw, ctx_of(sources[f], f, ref)))
            writer.check_endpoints(rg)
        except RecordError as e:
            writer.reject(_redacted_reject(redactor, where, line, e.field, e.reason, raw))
            report.rejected += 1
            continue
        except (TypeError, KeyError, ValueError, AttributeError, IndexError, RecursionError) as e:
            # A value of a shape the mapper does not expect (a number where a list belongs...): the record
            # is bad, not the ingest; it is set aside like any other.
            reason = f"unexpected value ({type(e).__name__}: {readers.clip(str(e))})"
            writer.reject(_redacted_reject(redactor, where, line, None, reason, raw))
            report.rejected += 1
            continue
        writer.add(rg)
    return sources


def load(store: Store, items: list[tuple[str, Path]], keep_private_names: bool = False,
         progress: Progress | None = None, decisions: Decisions | None = None, force: bool = False,
         context: MappingContext | None = None) -> tuple[list[FileReport], GraphWriter, CompanyResolver, AgencyResolver,
                                                   Redactor]:
    """Stream ``items`` into ``store``: records are mapped a chunk at a time and set aside, then written table by
    table (ingest/writer.py) once every input is read, in one store transaction (committed in parts when large:
    Store.transaction). The mapping context is read from the whole input first. An input whose load completed
    before with the same bytes and settings is skipped unless ``force``. ``context``: what :func:`build_context`
    gave (default: built here, over ``store``)."""
    schema = load_schema()
    store.ensure_schema()  # idempotent; a rebuild's fresh store has no tables yet
    decisions = decisions or Decisions()
    settings = settings_fingerprint(keep_private_names, decisions)
    done = {} if force else {r.loaded_with: r for r in run_internal(store, "completed_inputs").itertuples(index=False)}
    reports, todo = [], []
    for kind, path in items:
        report = FileReport(str(path), kind, sha256_of(path))
        report.fingerprint = input_fingerprint(kind, report.sha256, settings)
        if (prior := done.get(report.fingerprint)) is not None:
            report.skipped, report.records, report.rejected = True, int(prior.records or 0), int(prior.rejected or 0)
        else:
            todo.append((kind, path))
        reports.append(report)
    if context is None:
        context = (build_context(store, items, keep_private_names, decisions) if todo
                   else (CompanyResolver(decisions), AgencyResolver(decisions), Redactor(), {}))
    resolver, agencies, redactor, given_ids = context
    writer = GraphWriter(store, schema, progress=progress)
    with store.transaction():
        with writer:  # leaving it writes every row set aside
            if todo:
                seed = RecordGraph()
                for t in schema.tactics.values():
                    seed.node("Tactic", {"code": t.code, "label": t.label, "physical": t.physical})
                writer.add(seed)
            shared: dict[str, Any] = {"store": store}
            drained = False
            for n, ((kind, path), report) in enumerate(zip(items, reports), start=1):
                if report.skipped:
                    continue
                if kind == "citizenlab" and not drained:
                    # Its gazetteer is built from the graph, so everything before it is written now: first every input
                    # still to map is read through, so that one failing part-way stops the ingest before any write.
                    for later, later_report in zip(items[n - 1:], reports[n - 1:]):
                        if not later_report.skipped:
                            read_through(*later)
                    writer.drain()
                    drained = True
                shared["person_ids"] = given_ids.get(str(path), {})

                def ctx_of(source_id: str, f: Path, ref: str) -> Context:
                    shared["batch"] = writer.batch  # the chunk being mapped (earlier chunks are in the store)
                    return Context(source_id, keep_private_names, resolver, agencies, record_ref=ref, file_name=f.name,
                                   shared=shared)

                made = _map_input(kind, path, report, writer, ctx_of, redactor)
                completed = {"loaded_with": report.fingerprint, "input_records": report.records,
                             "input_rejected": report.rejected}
                writer.complete([{"id": sid, **completed} for sid in made.values()])
                if progress:
                    progress("read", n, len(items))
        if progress:  # every row is written: what is left is the commit
            progress("commit", 0, 1)
    return reports, writer, resolver, agencies, redactor


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
           decisions: str | Path | None = DEFAULT_DECISIONS, rebuild: bool = False, force: bool = False) -> IngestReport:
    """Load ``paths``. ``decisions`` is the analyst's resolution file (confirm/forbid merges). ``force`` reads
    inputs again that are unchanged since their last completed load (which are otherwise skipped).

    ``rebuild`` empties the graph and loads ``paths`` alone: names resolve as if the graph were empty, the store
    starts afresh (a new embedded database file in place of the old, or every Neo4j node deleted) and the input
    is loaded. A graph with old pseudonyms is refused without it."""
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
    with store.writing():  # from the first read of the graph to the last write (Neo4j: the ingest marker)
        if not rebuild and (old := old_pseudonyms(store)):
            raise IngestError(_rebuild_hint(store, old))
        context = None
        try:
            if rebuild:  # names resolve as in an empty graph; a file that cannot be read stops it before the graph goes
                context = build_context(_EmptyGraph(), items, keep_private_names, dec)
                store.start_afresh()
            files, writer, resolver, agencies, redactor = load(store, items, keep_private_names, progress, dec,
                                                               force=force or rebuild, context=context)
        except BaseException as e:
            if rebuild and context is not None:
                store.restore_previous()
            if isinstance(e, readers.UnreadableFile):
                raise IngestError(str(e)) from None
            raise
        if rebuild:
            store.forget_previous()
    return IngestReport(files, writer.rejects, writer.written,
                        [redactor.value(m) for m in resolver.log + agencies.log])


def write_merge_log(merges: list[dict[str, Any]], path: Path) -> None:
    """The merge log: one JSON object per merge (name as given, id and canonical name, rule, record)."""
    with open_private(path) as f:  # 0600, like every file about the people in the graph
        for m in merges:
            f.write(json.dumps(m, ensure_ascii=False) + "\n")
