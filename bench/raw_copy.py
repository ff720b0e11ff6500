"""The engine's ceiling: the rows of a case file flattened and COPY'd into Ladybug with no validation.

    .venv/bin/python bench/raw_copy.py CASES_DIR DB

What ``tnr ingest`` is measured against (bench/ingest.py). It reads ``cases.jsonl`` and
``companies.jsonl`` as :mod:`bench.generate` writes them, builds the same node and relationship
tables the pipeline writes (keys, properties, per-fact provenance, file and web ``Source`` nodes)
with plain dicts, and loads each table with one ``COPY`` from Arrow into a new database made from
the schema's DDL. No pydantic, no resolution, no upsert: only reading, flattening and COPY.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

import ladybug
import pyarrow as pa

from graph import ids
from graph.countries import country_name, region_of
from graph.schema import ARROW_TYPES, ladybug_ddl, load_schema


class Tables:
    def __init__(self):
        self.nodes: dict[str, dict[str, dict]] = defaultdict(dict)
        self.rels: dict[tuple[str, str, str], dict[tuple[str, str], dict]] = defaultdict(dict)
        self.current: tuple[str, str, dict] = ("", "", {})  # file Source, record ref, provenance

    def node(self, label: str, key: str, props: dict) -> str:
        self.nodes[label].setdefault(key, props)
        return key

    def rel(self, rtype: str, fl: str, fk: str, tl: str, tk: str, props: dict) -> None:
        self.rels[(rtype, fl, tl)].setdefault((fk, tk), props)


def _country(t: Tables, iso2: str) -> str:
    t.node("Country", iso2, {"iso2": iso2, "name": country_name(iso2), "region": region_of(iso2)})
    fsrc, ref, prov = t.current  # a country is sourced to the file that named it, as the pipeline does
    t.rel("SOURCED_FROM", "Country", iso2, "Source", fsrc, {**prov, "source_urls": None, "record": ref, "records": [ref]})
    return iso2


def flatten(folder: Path) -> Tables:
    t = Tables()
    schema = load_schema()
    for code, tac in schema.tactics.items():
        t.node("Tactic", code, {"code": code, "label": tac.label, "physical": tac.physical})
    for path in (folder / "companies.jsonl", folder / "cases.jsonl"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        fsrc = t.node("Source", ids.file_source_id(digest), {"id": ids.file_source_id(digest), "kind": "file",
                                                              "path": path.name, "title": path.name, "sha256": digest})
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                rec = json.loads(line)
                ref = f"{fsrc}:line {n}"
                urls = [s["url"] for s in rec.get("sources") or []]
                prov = {"source_record": ref, "source_records": [ref], "source_urls": urls or None}
                t.current = (fsrc, ref, prov)
                for s in rec.get("sources") or []:
                    t.node("Source", ids.web_source_id(s["url"]), {"id": ids.web_source_id(s["url"]), "kind": "web",
                                                                    "url": s["url"], "title": s.get("title"),
                                                                    "publisher": s.get("publisher"), "date": s.get("date")})

                def sourced(label: str, key: str, _prov=prov, _urls=urls, _ref=ref, _file=fsrc) -> None:
                    for src in [_file, *(ids.web_source_id(u) for u in _urls)]:
                        t.rel("SOURCED_FROM", label, key, "Source", src, {**_prov, "record": _ref, "records": [_ref]})

                if "tactics" in rec:
                    _case(t, rec, prov, sourced, schema)
                else:
                    cid = ids.company_id(rec["name"])
                    t.node("Company", cid, {"id": cid, "name": rec["name"], "aliases": rec.get("aliases"),
                                            "sector": rec.get("sector"), "products": rec.get("products"),
                                            "hq_country": rec.get("hq_country")})
                    sourced("Company", cid)
                    t.rel("HEADQUARTERED_IN", "Company", cid, "Country", _country(t, rec["hq_country"]), prov)
                    for c in rec.get("clients") or []:
                        if c.get("source"):
                            sid = ids.web_source_id(c["source"])
                            t.node("Source", sid, {"id": sid, "kind": "web", "url": c["source"]})
                        t.rel("SUPPLIED", "Company", cid, "Country", _country(t, c["state"]),
                              {**prov, "source_urls": [c["source"]] if c.get("source") else urls or None,
                               "basis": c.get("basis")})
    return t


def _case(t: Tables, rec: dict, prov: dict, sourced, schema) -> None:
    iid = rec["id"]
    date = rec.get("date") or ""
    parts = date.split("-")
    t.node("Incident", iid, {"id": iid, "date": date or None,
                             "date_precision": ["year", "month", "day"][len(parts) - 1] if date else None,
                             "year": int(parts[0]) if date else None, "month": int(parts[1]) if len(parts) > 1 else None,
                             "summary": rec.get("summary"),
                             "physical": any(schema.tactics[c].physical for c in rec["tactics"])})
    sourced("Incident", iid)
    for code in rec["tactics"]:
        t.rel("USED_TACTIC", "Incident", iid, "Tactic", code, prov)
    origin = _country(t, rec["origin_state"])
    t.rel("PERPETRATED_BY", "Incident", iid, "Country", origin, {**prov, "attribution": rec.get("attribution")})
    host = _country(t, rec["host_state"])
    t.rel("OCCURRED_IN", "Incident", iid, "Country", host, prov)
    if rec.get("host_state_response") not in (None, "unknown"):
        t.rel("RESPONDED_TO", "Country", host, "Incident", iid, {**prov, "response": rec["host_state_response"]})
    for p in rec.get("targets") or []:
        public = bool(p.get("public_figure"))
        pid = ids.person_id(p["name"]) if public else ids.private_person_id(p["name"])
        t.node("Person", pid, {"id": pid, "name": p["name"] if public else ids.pseudonym(p["name"]),
                               "role": p.get("role"), "public_figure": public, "pseudonymised": not public})
        sourced("Person", pid)
        t.rel("TARGETED", "Incident", iid, "Person", pid, prov)
        if p.get("nationality"):
            t.rel("NATIONAL_OF", "Person", pid, "Country", _country(t, p["nationality"]), prov)
    for name in rec.get("agencies") or []:
        oid = ids.organization_id(name, origin)
        t.node("Organization", oid, {"id": oid, "name": name, "kind": "state_agency", "country": origin})
        sourced("Organization", oid)
        t.rel("ATTRIBUTED_TO", "Incident", iid, "Organization", oid, prov)
        t.rel("PART_OF", "Organization", oid, "Country", origin, prov)
    for c in rec.get("companies") or []:
        cid = ids.company_id(c["name"])
        t.node("Company", cid, {"id": cid, "name": c["name"], "hq_country": c.get("hq_country")})
        sourced("Company", cid)
        t.rel("FACILITATED", "Company", cid, "Incident", iid, {**prov, "role": c.get("role"), "product": c.get("product")})
        if c.get("hq_country"):
            t.rel("HEADQUARTERED_IN", "Company", cid, "Country", _country(t, c["hq_country"]), prov)
    for a in rec.get("accountability") or []:
        aid = "action-" + ids.short_hash(str(a.get("kind")), str(a.get("date")), str(a.get("body")),
                                         str(a.get("against")), iid)
        t.node("AccountabilityAction", aid, {"id": aid, "kind": a["kind"], "date": a.get("date"),
                                             "year": int(a["date"][:4]) if a.get("date") else None, "body": a.get("body"),
                                             "jurisdiction": a.get("jurisdiction"), "against": a.get("against"),
                                             "outcome": a.get("outcome")})
        sourced("AccountabilityAction", aid)
        t.rel("CONCERNS", "AccountabilityAction", aid, "Incident", iid, prov)
        t.rel("TAKEN_BY", "AccountabilityAction", aid, "Country", _country(t, a["jurisdiction"]), prov)


def copy(t: Tables, db: Path) -> dict[str, int]:
    schema = load_schema()
    conn = ladybug.Connection(ladybug.Database(str(db)))
    for stmt in ladybug_ddl(schema):
        conn.execute(stmt)
    rows = 0
    for label, nodes in t.nodes.items():
        props = list(schema.node(label).props.values())
        table = pa.table({p.name: pa.array([n.get(p.name) for n in nodes.values()], type=ARROW_TYPES[p.type]) for p in props})
        conn.execute(f"COPY {label} FROM $rows", {"rows": table})
        rows += len(nodes)
    for (rtype, fl, tl), rels in t.rels.items():
        props = list(schema.rel(rtype).props.values())
        cols = {"from": pa.array([k[0] for k in rels], type=pa.string()),
                "to": pa.array([k[1] for k in rels], type=pa.string()),
                **{p.name: pa.array([r.get(p.name) for r in rels.values()], type=ARROW_TYPES[p.type]) for p in props}}
        pair = f" (from='{fl}', to='{tl}')" if len(schema.rel(rtype).pairs()) > 1 else ""
        conn.execute(f"COPY {rtype} FROM $rows{pair}", {"rows": pa.table(cols)})
        rows += len(rels)
    conn.close()
    return {"rows": rows}


def main(argv: list[str]) -> int:
    folder, db = Path(argv[0]), Path(argv[1])
    print(json.dumps(copy(flatten(folder), db)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
