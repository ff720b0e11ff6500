"""The MVT catalogue of mercenary-spyware indicator collections (``indicators.yaml``, MIT licence):
each collection becomes a report ``Source`` (credited organisations as ``authors``), its report URLs web
Sources, and, where the collection names a vendor, the vendor ``Company`` with the product, plus
``(Organization)-[:ATTRIBUTED {product}]->(Company)`` for each organisation credited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph import ids
from ingest.batch import RecordError, RecordGraph
from ingest.common import Context, company, sourced, web_sources
from ingest.readers import read_yaml

FILE = "indicators.yaml"
# Collection name (start) -> (vendor, product). Only where the collection's own name says it: NSO's
# Pegasus, Cytrox/Intellexa's Predator, RCS Lab, Quadream's KingSpawn, Wintego's Helios, Candiru's
# DevilsTongue, Cellebrite. Collections without a vendor (NoviSpy, Operation Triangulation, WyrmSpy,
# ResidentBat, DarkSword, Coruna, stalkerware, the 2023 "mercenary spyware company" campaign) stay
# report Sources only: the catalogue does not name a company for them.
VENDORS = {
    "NSO Group Pegasus": ("NSO Group", "Pegasus"),
    "Predator Spyware": ("Cytrox", "Predator"),
    "RCS Lab Spyware": ("RCS Lab", None),
    "Quadream KingSpawn": ("QuaDream", "KingSpawn"),
    "Wintego Helios": ("Wintego", "Helios"),
    "Candiru (DevilsTongue)": ("Candiru", "DevilsTongue"),
    "Cellebrite": ("Cellebrite", None),
}
NGOS = {"amnesty international", "citizen lab", "reporters without borders", "resident.ngo", "echap", "inside story"}


def is_mvt_file(path: Path) -> bool:
    if not path.is_file():
        return False
    data, err = read_yaml(path)
    return not err and isinstance(data, dict) and isinstance(data.get("indicators"), list)


def vendor_of(name: str) -> tuple[str, str | None] | None:
    for prefix, vp in VENDORS.items():
        if name.startswith(prefix):
            return vp
    return None


def map_collection(rec: dict[str, Any], ctx: Context) -> RecordGraph:
    rg = RecordGraph()
    name = rec.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RecordError("name", "name: required")
    refs = rec.get("references") or []
    if not isinstance(refs, list):
        raise RecordError("references", "references: expected a list of URLs")
    urls = web_sources(rg, [{"url": u} for u in dict.fromkeys(map(str, refs))], "references")
    credited = [str(s) for s in rec.get("sources") or []]
    gh = rec.get("github") or {}
    stix = (f"https://github.com/{gh.get('owner')}/{gh.get('repo')}/blob/{gh.get('branch')}/{gh.get('path')}"
            if gh.get("owner") and gh.get("path") else None)
    sid = rg.node("Source", {"id": ids.mvt_collection_id(name), "kind": "report", "title": name, "url": stix,
                             "publisher": "MVT indicators catalogue", "authors": credited or None}, "name")
    vp = vendor_of(name)
    if vp is None:
        return rg
    vendor, product = vp
    cid = company(rg, ctx, {"name": vendor, "products": [product] if product else None, "sector": "spyware"}, "name")
    sourced(rg, ctx, "Company", cid, urls)
    rg.rel("SOURCED_FROM", "Company", cid, "Source", sid, {"record": ctx.record_ref, **ctx.provenance()})
    for i, org in enumerate(credited):
        kind = "ngo" if org.lower() in NGOS else "other"
        oid = rg.node("Organization", {"id": ids.organization_id(org, None), "name": org, "kind": kind},
                      f"sources[{i}]")
        sourced(rg, ctx, "Organization", oid)
        rg.rel("ATTRIBUTED", "Organization", oid, "Company", cid, {**ctx.provenance(urls), "product": product})
    return rg


def records(path: Path) -> Iterator[tuple[Path, str, str, Any, str | None, Any]]:
    f = path / FILE if path.is_dir() else path
    data, err = read_yaml(f)
    if err:
        yield f, str(f), "file", None, err, None
        return
    items = data.get("indicators") if isinstance(data, dict) else None
    if not isinstance(items, list):
        yield f, str(f), "file", data, "expected a mapping with an 'indicators' list", None
        return
    for i, rec in enumerate(items, start=1):
        ref = f"indicators[{i - 1}]"
        yield f, str(f), ref, rec, None if isinstance(rec, dict) else "expected a mapping", map_collection
