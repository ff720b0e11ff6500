"""One entity as its page shows it (as Aleph shows an entity): every property, where the node comes from
(its attribution to sources), every relationship grouped by type with the sources of that one fact, a
timeline, a small neighbourhood graph, and for a country both sides: what the state does abroad and what
happens on its soil.

Labels come from the schema (``kind`` is checked against it), keys travel as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from graph.analysis.ego import ego_network
from graph.analysis.subgraph import factual_rels, neighbours, node_id
from graph.queries import run_internal, run_query
from graph.safe_text import web_link
from graph.store.base import Store, StoreError

# The words of a page's URL (``?kind=...``) for the node labels; an agency is an Organization.
KINDS = {"country": "Country", "company": "Company", "organization": "Organization", "agency": "Organization",
         "incident": "Incident", "person": "Person", "action": "AccountabilityAction", "tactic": "Tactic",
         "transfer": "Transfer"}
KIND_OF = {label: kind for kind, label in KINDS.items() if kind != "agency"}

PROPERTY_COLUMNS = {"property": "property of the node (docs/schema.md)", "value": "its value"}
RELATION_COLUMNS = {
    "relationship": "relationship type, read from this entity (→ outgoing, ← incoming)",
    "label": "the other entity's kind",
    "key": "the other entity's key",
    "name": "the other entity's name",
    "year": "the other entity's year (incidents, accountability actions)",
    "facts": "properties of this relationship (attribution, response, role, product, basis...)",
    "sources": "web pages cited for this relationship (http and https links only)",
    "records": "the file records that asserted this relationship",
}
FACT_SOURCE_COLUMNS = {"relationship": RELATION_COLUMNS["relationship"], "name": RELATION_COLUMNS["name"],
                       "link": "one web page cited for that relationship (http or https)"}
SOURCE_COLUMNS = {
    "source": "the ingested file's name, or the web page's title (its address when it has none)",
    "kind": "file, web or report",
    "publisher": "who published the page, if known",
    "date": "the page's date as given, if known",
    "link": "the page's address when it is an http(s) link (else empty)",
    "records": "the records of that source that named the node",
}
TIMELINE_COLUMNS = {"year": "year", "what": "what happened that year, as seen from this entity", "count": "how many"}
# Relationship properties that are provenance, not facts (shown as sources instead).
_PROVENANCE_PROPS = ("source_urls", "source_record", "source_records", "sources", "type", "hop")


@dataclass
class Profile:
    """What the entity page shows; every table has the columns of its ``*_COLUMNS`` declaration."""

    label: str
    key: str
    name: str
    properties: pd.DataFrame
    relations: pd.DataFrame
    fact_sources: pd.DataFrame
    sources: pd.DataFrame
    timeline: pd.DataFrame
    graph: nx.MultiDiGraph
    sides: dict[str, pd.DataFrame] = field(default_factory=dict)


def label_of(store: Store, kind: str) -> str:
    """The node label a page's ``kind`` names (country, company, agency/organization, incident, person...)."""
    label = KINDS.get(str(kind).lower())
    if label is None or label not in store.schema.nodes:
        raise StoreError(f"no entity kind {kind!r}; use one of {', '.join(sorted(KINDS))}")
    return label


def _properties(store: Store, label: str, key: str) -> dict:
    node = store.schema.node(label)
    props = list(node.props)
    cols, rows = store.rows(f"MATCH (n:{label}) WHERE n.{node.key} = $key RETURN "
                            + ", ".join(f"n.{p} AS {p}" for p in props), {"key": key})
    if not rows:
        raise StoreError(f"no {label.lower()} with {node.key} {key!r}")
    return {c: v for c, v in zip(cols, rows[0]) if v not in (None, [], "")}


def links(urls) -> list[str]:
    """The web links among ``urls`` (graph.safe_text.web_link), sorted, each once."""
    return sorted({u for u in (web_link(x) for x in urls or ()) if u})


def _text(v) -> str:
    return ", ".join(map(str, v)) if isinstance(v, list) else str(v)


def _facts(d: dict) -> str:
    return "; ".join(f"{k}: {_text(v)}" for k, v in sorted(d.items())
                     if k not in _PROVENANCE_PROPS and v not in (None, [], ""))


def _relations(store: Store, centre: str) -> pd.DataFrame:
    g = neighbours(store, [centre], factual_rels(store))
    rows = []
    for u, v, k, d in g.edges(keys=True, data=True):
        out = u == centre
        other = g.nodes[v if out else u]
        rows.append({"relationship": f"{k} →" if out else f"← {k}", "label": other["label"], "key": str(other["key"]),
                     "name": str(other["name"]), "year": other.get("year"), "facts": _facts(d),
                     "sources": links(d.get("source_urls")), "records": sorted(d.get("source_records") or [])})
    rel = pd.DataFrame(rows, columns=list(RELATION_COLUMNS))
    rel["year"] = rel["year"].astype("Int64")
    return rel.sort_values(["relationship", "year", "name", "key"], kind="stable", na_position="last").reset_index(drop=True)


def _fact_sources(rel: pd.DataFrame) -> pd.DataFrame:
    rows = [{"relationship": r.relationship, "name": r.name, "link": url}
            for r in rel.itertuples() for url in r.sources]
    return pd.DataFrame(rows, columns=list(FACT_SOURCE_COLUMNS))


def _sources(store: Store, centre: str) -> pd.DataFrame:
    """The node's own sources (its SOURCED_FROM edges) with the records of each that named it."""
    prov = neighbours(store, [centre], ("SOURCED_FROM",))
    records = {prov.nodes[v]["key"]: sorted(set(d.get("records") or ()) | ({d["record"]} if d.get("record") else set()))
               for u, v, d in prov.edges(data=True) if u == centre}
    if not records:
        return pd.DataFrame(columns=list(SOURCE_COLUMNS))
    details = run_internal(store, "source_details", {"ids": sorted(records)})
    rows = [{"source": r["title"] or r["url"] or r["path"] or r["id"], "kind": r["kind"], "publisher": r["publisher"],
             "date": r["date"], "link": web_link(r["url"]), "records": records[r["id"]]}
            for r in details.to_dict("records")]
    return pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))


def _timeline(label: str, props: dict, rel: pd.DataFrame) -> pd.DataFrame:
    """Per year: the dated incidents and accountability actions this entity is related to, by relationship."""
    dated = rel[rel.year.notna() & rel.label.isin(["Incident", "AccountabilityAction"])]
    t = dated.groupby(["year", "relationship"]).size().reset_index(name="count").rename(columns={"relationship": "what"})
    if label in ("Incident", "AccountabilityAction") and props.get("year") is not None:
        t = pd.concat([t, pd.DataFrame([{"year": props["year"], "what": "this " + label.lower(), "count": 1}])])
    t["year"] = t["year"].astype(int)
    return t.sort_values(["year", "what"]).reset_index(drop=True)[list(TIMELINE_COLUMNS)]


def country_sides(store: Store, iso2: str) -> dict[str, pd.DataFrame]:
    """Both sides of a state: where it reaches abroad (``cross_border_reach``, one row per host state) and,
    per origin state, what other states did on its soil (``origin_host_flows`` with that host;
    incidents by a state at home are in neither, as in both queries)."""
    abroad = run_query(store, "cross_border_reach", {"origin": iso2})
    flows = run_query(store, "origin_host_flows", {"host": iso2})
    on_soil = flows.drop(columns=["host", "host_name", "host_region"])
    return {"abroad": abroad, "on its soil": on_soil}


def entity_profile(store: Store, kind: str, key: str, graph_nodes: int = 40) -> Profile:
    """Everything the entity page shows about one node; ``graph_nodes`` caps its neighbourhood graph.

    Raises ``StoreError`` for an unknown kind or key.
    """
    label = label_of(store, kind)
    props = _properties(store, label, key)
    centre = node_id(label, key)
    rel = _relations(store, centre)
    g, _ = ego_network(store, centre, depth=1, max_nodes=graph_nodes)
    node = store.schema.node(label)
    name = next((str(props[c]) for c in node.caption if props.get(c) not in (None, "")), key)
    properties = pd.DataFrame([(p, _text(v)) for p, v in props.items()], columns=list(PROPERTY_COLUMNS))
    sides = country_sides(store, key) if label == "Country" else {}
    return Profile(label, key, name, properties, rel, _fact_sources(rel), _sources(store, centre),
                   _timeline(label, props, rel), g, sides)
