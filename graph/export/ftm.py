"""FollowTheMoney entities (JSON lines), made and cleaned with the ``followthemoney`` package's model,
for Aleph, OpenSanctions tooling and ``ftm`` itself. The mapping (and what does not map) is in
docs/export.md; in short:

- Company -> Company (name, alias, sector, jurisdiction = headquarters, country = offices, website);
  Person -> Person (the pseudonym, never a real name; nationality; classification = role);
  Organization -> PublicBody (state agencies) or Organization (country, classification = kind);
  Incident -> Event (name = id, date, summary, country = host state, involved = targets and
  facilitating companies, organizer = attributed agencies, keywords = tactic codes);
  AccountabilityAction of kind sanction or export_control -> Sanction, one per concerned entity
  (program = kind, authority = body, country = jurisdiction, date).
- OWNED_BY -> Ownership; SUPPLIED to an agency and ATTRIBUTED -> UnknownLink (role = the type).
- Countries are not entities in FtM: they are ``country``-typed values. A relationship to a Country that no
  FtM property carries (PERPETRATED_BY, SUPPLIED to a state, RESPONDED_TO, TAKEN_BY, CONCERNS a state)
  becomes a line ``tnr:TYPE->ISO2`` (or ``tnr:TYPE<-ISO2`` for one from the country) in ``notes``, which
  ``tnr ingest`` reads back; ``tnr:pseudonymised`` and ``tnr:public_figure`` in a Person's notes likewise.
- Entity ids are ``tnr-<label>-<key>`` (an id outside FtM's id alphabet is hashed).
- ``sourceUrl`` carries the web pages a node is SOURCED_FROM (when Sources are in the selection) or that
  a link's relationship cites.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import networkx as nx

from graph.export.base import Exporter, write_sidecar
from graph.export.selection import NODE_LABEL, Selection

ENTITY_LABELS = {"Company": "Company", "Person": "Person", "Organization": "Organization", "Incident": "Event"}
SANCTION_KINDS = ("sanction", "export_control")
NOTE_PREFIX = "tnr:"
# Country relationships that an FtM property carries: (type, the entity's label) -> property
COUNTRY_PROPS = {("OCCURRED_IN", "Incident"): "country", ("HEADQUARTERED_IN", "Company"): "jurisdiction",
                 ("NATIONAL_OF", "Person"): "nationality", ("PART_OF", "Organization"): "jurisdiction"}


def entity_id(label: str, key: str) -> str:
    """The FtM id of a node.

    >>> entity_id("Company", "company-nso-group"), entity_id("Incident", "ref 1")[:21]
    ('tnr-company-company-nso-group', 'tnr-incident-h-78068a')
    """
    from followthemoney.types import registry  # noqa: PLC0415 - a heavy import, only for FtM exports

    if registry.entity.REGEX.match(key):
        return f"tnr-{label.lower()}-{key}"
    return f"tnr-{label.lower()}-h-{hashlib.sha1(key.encode()).hexdigest()[:16]}"


PROVENANCE_PROPS = ("source_record", "source_records", "source_urls")


def note(rtype: str, arrow: str, country_node: str, props: dict[str, Any]) -> str:
    """The note that carries a relationship to or from a country, with its own (non-provenance) properties.

    >>> note("RESPONDED_TO", "<-", "Country:CA", {"response": "protected", "source_urls": ["u"]})
    'tnr:RESPONDED_TO<-CA {"response": "protected"}'
    """
    own = {k: v for k, v in sorted(props.items()) if k not in PROVENANCE_PROPS and k != "rel_type"}
    text = f"{NOTE_PREFIX}{rtype}{arrow}{country_node.split(':', 1)[1]}"
    return text + (" " + json.dumps(own, ensure_ascii=False) if own else "")


class FtMExporter(Exporter):
    name = "ftm"
    suffix = ".ftm.jsonl"

    def entities(self, g: nx.MultiDiGraph) -> list[Any]:
        from followthemoney import model  # noqa: PLC0415 - a heavy import, only for FtM exports

        proxies: dict[str, Any] = {}
        ids: dict[str, str] = {}
        for n, d in g.nodes(data=True):
            label = d[NODE_LABEL]
            if label in ENTITY_LABELS:
                schema = ENTITY_LABELS[label]
                if label == "Organization" and d.get("kind") == "state_agency":
                    schema = "PublicBody"
                p = model.make_entity(schema)
                p.id = ids[n] = entity_id(label, d[self.schema.node(label).key])
                self._props(p, label, d)
                proxies[n] = p
        for u, v, k, d in g.edges(keys=True, data=True):
            self._edge(g, proxies, ids, u, v, k, d)
        for n, p in proxies.items():
            for _, src, ed in g.out_edges(n, data=True):
                if ed.get("rel_type") == "SOURCED_FROM" and g.nodes[src].get("url"):
                    p.add("sourceUrl", g.nodes[src]["url"])
        for n, d in g.nodes(data=True):
            if d[NODE_LABEL] == "AccountabilityAction" and d.get("kind") in SANCTION_KINDS:
                proxies.update(self._sanctions(g, ids, n, d))
        return [proxies[k] for k in sorted(proxies)]

    def _props(self, p, label: str, d: dict[str, Any]) -> None:
        if label == "Company":
            p.add("name", d.get("name"))
            p.add("alias", d.get("aliases") or [])
            p.add("sector", d.get("sector"))
            p.add("jurisdiction", d.get("hq_country"))
            p.add("country", d.get("offices") or [])
            p.add("website", d.get("website"))
        elif label == "Person":
            p.add("name", d.get("name"))
            p.add("classification", d.get("role"))
            for flag in ("pseudonymised", "public_figure"):
                if d.get(flag):
                    p.add("notes", NOTE_PREFIX + flag)
        elif label == "Organization":
            p.add("name", d.get("name"))
            p.add("classification", d.get("kind"))
            p.add("jurisdiction", d.get("country"))
        elif label == "Incident":
            p.add("name", d.get("id"))
            p.add("date", d.get("date"))
            p.add("summary", d.get("summary"))

    def _edge(self, g, proxies, ids, u, v, k, d) -> None:
        from followthemoney import model  # noqa: PLC0415

        lu, lv = g.nodes[u][NODE_LABEL], g.nodes[v][NODE_LABEL]
        if lv == "Country" and u in proxies:
            prop = COUNTRY_PROPS.get((k, lu))
            proxies[u].add(prop or "notes", v.split(":", 1)[1] if prop else note(k, "->", v, d))
        elif lu == "Country" and v in proxies:
            proxies[v].add("notes", note(k, "<-", u, d))
        elif k in ("TARGETED", "FACILITATED") and u in proxies and v in proxies:
            event = proxies[u] if k == "TARGETED" else proxies[v]
            event.add("involved", ids[v] if k == "TARGETED" else ids[u])
        elif k == "ATTRIBUTED_TO" and u in proxies and v in proxies:
            proxies[u].add("organizer", ids[v])
        elif k == "USED_TACTIC" and u in proxies:
            proxies[u].add("keywords", v.split(":", 1)[1])
        elif k == "OWNED_BY" and u in ids and v in ids:
            link = model.make_entity("Ownership")
            link.make_id("tnr-ownership", ids[v], ids[u])
            link.add("owner", ids[v])
            link.add("asset", ids[u])
            link.add("sourceUrl", d.get("source_urls") or [])
            proxies[f"~{link.id}"] = link
        elif k in ("SUPPLIED", "ATTRIBUTED") and u in ids and v in ids:
            link = model.make_entity("UnknownLink")
            link.make_id("tnr-link", k, ids[u], ids[v])
            link.add("subject", ids[u])
            link.add("object", ids[v])
            link.add("role", k)
            link.add("description", d.get("product"))
            link.add("sourceUrl", d.get("source_urls") or [])
            proxies[f"~{link.id}"] = link

    def _sanctions(self, g, ids, n, d) -> dict[str, Any]:
        from followthemoney import model  # noqa: PLC0415

        out = {}
        for _, target, ed in g.out_edges(n, data=True):
            if ed.get("rel_type") != "CONCERNS" or target not in ids:
                continue
            s = model.make_entity("Sanction")
            s.id = f"{entity_id('AccountabilityAction', d['id'])}--{ids[target]}"
            s.add("entity", ids[target])
            s.add("program", d.get("kind"))
            s.add("authority", d.get("body"))
            s.add("country", d.get("jurisdiction"))
            s.add("date", d.get("date"))
            s.add("summary", d.get("outcome"))
            s.add("reason", d.get("against"))
            s.add("sourceUrl", ed.get("source_urls") or [])
            out[f"~{s.id}"] = s
        return out

    def write(self, selection: Selection, path: Path, meta: dict[str, Any]) -> list[Path]:
        entities = self.entities(selection.graph)
        with path.open("w", encoding="utf-8") as f:
            for e in entities:
                f.write(json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        return [path, write_sidecar(path, {**meta, "entities": len(entities)})]
