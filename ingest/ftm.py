"""``tnr ingest`` of FollowTheMoney entities (JSON lines): an OpenSanctions or Aleph export of companies
and people, or a ``tnr export --format ftm`` file. Each entity is checked with followthemoney's own model
(its schema exists, ``Schema.validate`` passes). The mapping (docs/export.md):

- Company -> Company through the company resolver (``ingest/resolve.py``): a name the graph or this
  ingest already knows, or a known alias, lands on that company and the merge is logged. Names: ``name``
  (first), aliases ``alias``, ``previousName``, ``weakAlias``; headquarters ``jurisdiction``, else
  ``mainCountry``, else ``country``; ``sector``, ``website``.
- Person -> Person; pseudonymised (ids.pseudonym) unless a public figure: topic ``role.pep`` (a
  politically exposed person) or ``tnr:public_figure`` in notes; ``nationality``/``citizenship`` -> NATIONAL_OF.
- Organization/PublicBody -> Organization (PublicBody is a state agency, PART_OF its ``jurisdiction``).
- Ownership -> OWNED_BY (asset to owner, both companies); Sanction -> AccountabilityAction (sanction)
  CONCERNS its entity.
- ``tnr export`` entities (ids ``tnr-<label>-<key>``) keep their keys, and their Event (incidents),
  UnknownLink (SUPPLIED, ATTRIBUTED) and ``tnr:`` notes map back; other Events, UnknownLinks and every
  other schema are rejected with the reason (nothing is dropped silently).
- Every ``sourceUrl`` becomes a web Source the node is SOURCED_FROM.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph import ids
from graph.schema import load_schema
from ingest import readers
from ingest.batch import RecordError, RecordGraph
from ingest.common import Context, company, country, parse_date, person, sourced, web_sources

TNR_ID = re.compile(r"^tnr-(company|person|organization|incident|accountabilityaction)-(.+)$")
LABELS = {"company": "Company", "person": "Person", "organization": "Organization", "incident": "Incident",
          "accountabilityaction": "AccountabilityAction"}
NOTE = re.compile(r"^tnr:([A-Z_]+)(->|<-)([A-Z]{2})(?: (\{.*\}))?$")
# Entities first (links refer to them), then events and links.
ORDER = ("Company", "Organization", "PublicBody", "Person", "Event", "Sanction", "Ownership", "UnknownLink")
KEYS = "ftm_keys"
EXPORT_CONTROL = re.compile(r"export|entity list|industry and security", re.I)


def is_ftm_record(keys: set[str]) -> bool:
    return {"schema", "properties"} <= keys and "id" in keys


def tnr_key(entity_id: str) -> tuple[str, str] | None:
    """(label, key) of an entity ``tnr export`` wrote.

    >>> tnr_key("tnr-company-company-nso-group"), tnr_key("NK-abc")
    (('Company', 'company-nso-group'), None)
    """
    m = TNR_ID.match(entity_id)
    return (LABELS[m.group(1)], m.group(2)) if m else None


def records(path: Path) -> Iterator[tuple[Path, str, int, Any, str | None, Any]]:
    rows = []
    for n, rec, err in readers.jsonl(path, load_schema().limits.jsonl_max_line_bytes):
        if err:
            yield path, str(path), n, rec, err, None
        elif not is_ftm_record(set(rec)):
            yield path, str(path), n, rec, "expected an FtM entity: an object with id, schema and properties", None
        else:
            rows.append((n, rec))
    rank = {s: i for i, s in enumerate(ORDER)}
    rows.sort(key=lambda r: (rank.get(str(r[1].get("schema")), len(ORDER)), r[0]))
    for n, rec in rows:
        yield path, str(path), n, rec, None, map_entity


def _first(props: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        if props.get(name):
            return props[name][0]
    return None


def _keys(ctx: Context) -> dict[str, tuple[str, str]]:
    return ctx.shared.setdefault(KEYS, {})


def _ref(ctx: Context, entity_id: str, prop: str) -> tuple[str, str]:
    found = _keys(ctx).get(entity_id) or tnr_key(entity_id)
    if not found:
        raise RecordError(prop, f"{prop}: entity {entity_id!r} is not in this file (or was rejected)")
    return found


def map_entity(rec: dict[str, Any], ctx: Context) -> RecordGraph:
    from followthemoney import model  # noqa: PLC0415 - a heavy import, only when FtM is ingested
    from followthemoney.exc import InvalidData  # noqa: PLC0415

    schema = model.get(rec.get("schema") or "")
    if schema is None:
        raise RecordError("schema", f"schema: {rec.get('schema')!r} is not a followthemoney schema")
    try:
        proxy = model.get_proxy(rec)
    except InvalidData as e:
        raise RecordError("id", f"id: {e}") from None
    data = proxy.to_dict()
    try:  # followthemoney 4 raises where earlier versions returned the error
        error = schema.validate(data)
    except InvalidData as e:
        error = getattr(e, "errors", None) or str(e)
    if error:
        raise RecordError("properties", f"properties: {error}")
    props = data["properties"]
    rg = RecordGraph()
    mapper = MAPPERS.get(schema.name)
    if mapper is None:
        raise RecordError("schema", f"schema: {schema.name} does not map to tnr-graph (docs/export.md lists what does)")
    label, key = mapper(rg, ctx, proxy.id, props)
    if key is not None:
        _keys(ctx)[proxy.id] = (label, key)
        urls = web_sources(rg, [{"url": u} for u in props.get("sourceUrl", [])], "sourceUrl")
        sourced(rg, ctx, label, key, urls)
        _notes(rg, ctx, label, key, props.get("notes", []))
    return rg


def _country_rel(rg: RecordGraph, ctx: Context, rtype: str, label: str, key: str, value: str, path: str,
                 reverse: bool = False, props: dict[str, Any] | None = None) -> None:
    iso2 = country(rg, ctx, value, path)
    ends = ("Country", iso2, label, key) if reverse else (label, key, "Country", iso2)
    rg.rel(rtype, *ends, {**ctx.provenance(), **(props or {})}, path)


def _notes(rg: RecordGraph, ctx: Context, label: str, key: str, notes: list[str]) -> None:
    for i, note in enumerate(notes):
        m = NOTE.match(note)
        if not m:
            continue
        try:
            props = json.loads(m.group(4)) if m.group(4) else {}
        except json.JSONDecodeError:
            raise RecordError(f"notes[{i}]", f"notes[{i}]: the properties after the country are not JSON") from None
        if m.group(1) not in load_schema().rels:
            raise RecordError(f"notes[{i}]", f"notes[{i}]: {m.group(1)} is not a relationship type")
        _country_rel(rg, ctx, m.group(1), label, key, m.group(3), f"notes[{i}]", m.group(2) == "<-", props)


def _company(rg: RecordGraph, ctx: Context, eid: str, props: dict[str, list[str]]) -> tuple[str, str]:
    mine = tnr_key(eid)
    hq = _first(props, "jurisdiction") if mine else _first(props, "jurisdiction", "mainCountry", "country")
    iso2 = country(rg, ctx, hq, "jurisdiction") if hq else None
    aliases = props.get("alias", []) + ([] if mine else props.get("previousName", []) + props.get("weakAlias", []))
    fields = {"name": props["name"][0], "aliases": sorted(set(aliases)) or None, "sector": _first(props, "sector"),
              "hq_country": iso2, "website": _first(props, "website")}
    if mine:
        offices = [country(rg, ctx, c, "country") for c in props.get("country", [])]
        cid = rg.node("Company", {**fields, "id": mine[1], "offices": offices or None})
    else:
        cid = company(rg, ctx, fields, "name")
        ctx.resolver.register(props["name"][0], aliases, rule=f"alias in {ctx.file_name}", cid=cid)
    if iso2:
        rg.rel("HEADQUARTERED_IN", "Company", cid, "Country", iso2, ctx.provenance())
    return "Company", cid


def _person(rg: RecordGraph, ctx: Context, eid: str, props: dict[str, list[str]]) -> tuple[str, str]:
    mine = tnr_key(eid)
    notes = set(props.get("notes", []))
    public = "tnr:public_figure" in notes or "role.pep" in props.get("topics", [])
    roles = load_schema().node("Person").props["role"].enum or ()
    role = _first(props, "classification")
    role = role if role in roles else None
    if mine:
        pid = rg.node("Person", {"id": mine[1], "name": props["name"][0], "role": role, "public_figure": public,
                                 "pseudonymised": True if "tnr:pseudonymised" in notes else None})
    else:
        pid = person(rg, ctx, props["name"][0], role, public, "name")
    for value in props.get("nationality", []) + props.get("citizenship", []):
        _country_rel(rg, ctx, "NATIONAL_OF", "Person", pid, value, "nationality")
    return "Person", pid


def _organization(rg: RecordGraph, ctx: Context, eid: str, props: dict[str, list[str]], public_body: bool = False):
    mine = tnr_key(eid)
    kinds = load_schema().node("Organization").props["kind"].enum or ()
    kind = _first(props, "classification") if mine else None
    kind = kind if kind in kinds else ("state_agency" if public_body else "other")
    where = _first(props, "jurisdiction") if mine else _first(props, "jurisdiction", "country")
    iso2 = country(rg, ctx, where, "jurisdiction") if where else None
    name = props["name"][0]
    oid = rg.node("Organization", {"id": mine[1] if mine else ids.organization_id(name, iso2), "name": name,
                                   "kind": kind, "country": iso2})
    if kind == "state_agency" and iso2:
        rg.rel("PART_OF", "Organization", oid, "Country", iso2, ctx.provenance())
    return "Organization", oid


def _event(rg: RecordGraph, ctx: Context, eid: str, props: dict[str, list[str]]):
    mine = tnr_key(eid)
    if not mine or mine[0] != "Incident":
        raise RecordError("schema", "schema: only Event entities that tnr export wrote (ids tnr-incident-...) map "
                                    "to incidents")
    schema = load_schema()
    tactics = [t for t in props.get("keywords", []) if t in schema.tactics]
    date = parse_date(_first(props, "date"), "date")
    iid = rg.node("Incident", {"id": mine[1], "summary": _first(props, "summary"), **date,
                               "physical": any(schema.tactics[t].physical for t in tactics) if tactics else None})
    for value in props.get("country", []):
        _country_rel(rg, ctx, "OCCURRED_IN", "Incident", iid, value, "country")
    for t in tactics:
        rg.rel("USED_TACTIC", "Incident", iid, "Tactic", t, ctx.provenance(), "keywords")
    for i, ref in enumerate(props.get("involved", [])):
        label, key = _ref(ctx, ref, f"involved[{i}]")
        if label == "Person":
            rg.rel("TARGETED", "Incident", iid, "Person", key, ctx.provenance(), f"involved[{i}]")
        elif label == "Company":
            rg.rel("FACILITATED", "Company", key, "Incident", iid, ctx.provenance(), f"involved[{i}]")
    for i, ref in enumerate(props.get("organizer", [])):
        label, key = _ref(ctx, ref, f"organizer[{i}]")
        rg.rel("ATTRIBUTED_TO", "Incident", iid, label, key, ctx.provenance(), f"organizer[{i}]")
    return "Incident", iid


def _sanction(rg: RecordGraph, ctx: Context, eid: str, props: dict[str, list[str]]):
    mine = tnr_key(eid.split("--", 1)[0])
    kinds = load_schema().node("AccountabilityAction").props["kind"].enum or ()
    program = _first(props, "program") or ""
    if mine:
        kind = program
    else:  # an export-control list (the US Entity List) is not a sanction programme
        kind = "export_control" if EXPORT_CONTROL.search(f"{program} {_first(props, 'authority') or ''}") else "sanction"
    date = parse_date(_first(props, "date", "startDate", "listingDate"), "date")
    where = _first(props, "country")
    aid = rg.node("AccountabilityAction", {
        "id": mine[1] if mine else f"action-{ids.short_hash('ftm', eid)}", "kind": kind if kind in kinds else "sanction",
        "date": date["date"], "year": date["year"], "body": _first(props, "authority"),
        "jurisdiction": where.upper() if where else None, "against": _first(props, "reason") if mine else None,
        "outcome": _first(props, "summary") if mine else None})
    label, key = _ref(ctx, props["entity"][0], "entity")
    rg.rel("CONCERNS", "AccountabilityAction", aid, label, key, ctx.provenance(props.get("sourceUrl")), "entity")
    return "AccountabilityAction", aid


def _link(rg: RecordGraph, ctx: Context, eid: str, props: dict[str, list[str]], rtype: str, a: str, b: str,
          extra: dict[str, Any]) -> tuple[str, None]:
    (fl, fk), (tl, tk) = _ref(ctx, props[a][0], a), _ref(ctx, props[b][0], b)
    rg.rel(rtype, fl, fk, tl, tk, {**ctx.provenance(props.get("sourceUrl")), **extra}, a)
    return rtype, None


def _ownership(rg, ctx, eid, props):
    return _link(rg, ctx, eid, props, "OWNED_BY", "asset", "owner", {})


def _unknown_link(rg, ctx, eid, props):
    role = _first(props, "role")
    if role not in ("SUPPLIED", "ATTRIBUTED"):
        raise RecordError("role", f"role: an UnknownLink maps only as SUPPLIED or ATTRIBUTED (got {role!r})")
    return _link(rg, ctx, eid, props, role, "subject", "object", {"product": _first(props, "description")})


MAPPERS = {"Company": _company, "Person": _person, "Organization": _organization,
           "PublicBody": lambda rg, ctx, eid, p: _organization(rg, ctx, eid, p, public_body=True),
           "Event": _event, "Sanction": _sanction, "Ownership": _ownership, "UnknownLink": _unknown_link}
