"""Explore: find an entity by name and steer its graph (graph.analysis.ego.explore_graph, drawn by
graph.view): depth, node cap, filters by node and relationship type, years and documented attribution,
Transfer records folded, a node panel with "expand", a path to a second entity drawn highlighted.

Every choice lives in the URL (``?entity=Country:IR&depth=2&...``), so a link reopens the same view.
"""

from __future__ import annotations

from html import escape as html_escape

import pandas as pd
import streamlit as st

from app_pages.main import page_path
from app_pages.ui import data_version, file_stem, from_url, keep_in_url, name_index, show_graph, show_result, store
from graph.analysis.ego import FOLDED, EgoFilter, explore_graph
from graph.analysis.subgraph import PROVENANCE, node_id, node_properties, split_node_id
from graph.entity import KIND_OF
from graph.queries import QueryError, run_query
from graph.safe_text import markdown, strip_controls
from graph.schema import load_schema
from graph.search import NameIndex, pick
from graph.store.base import StoreError
from graph.view import PATH_COLOUR, cap_caption, graphml_bytes, legend, node_name, pyvis_html

HEIGHT = 600
SCHEMA = load_schema()
LABELS = [label for label in SCHEMA.nodes if label != "Source"]
RELS = sorted([r for r in SCHEMA.rels if r not in PROVENANCE] + [FOLDED])
NODE_COLUMNS = {"property": "property of the node (docs/schema.md)", "value": "its value"}


@st.cache_data(max_entries=32, show_spinner=False)
def _explore(version: str, entity: str, depth: int, cap: int, f: EgoFilter, expand: tuple, path_to: str | None):
    """The drawn graph, its edges table, pyvis HTML and GraphML (cached per data version: the HTML is large)."""
    with store() as s:
        g, edges = explore_graph(s, entity, depth, cap, f, expand, path_to)
    return edges, pyvis_html(g, HEIGHT), graphml_bytes(g)


@st.cache_data(max_entries=64, show_spinner=False)
def _properties(version: str, node: str) -> pd.DataFrame:
    with store() as s:
        props = node_properties(s, [node]).get(node, {})
    return pd.DataFrame([(k, ", ".join(map(str, v)) if isinstance(v, list) else str(v))
                         for k, v in props.items() if v not in (None, [], "")], columns=list(NODE_COLUMNS))


@st.cache_data(max_entries=4, show_spinner=False)
def _year_bounds(version: str) -> tuple[int, int]:
    """The span of the incidents' years (the year slider's ends)."""
    with store() as s:
        years = [int(y) for y in run_query(s, "impunity_by_year").year if int(y) > 0]
    return (min(years), max(years)) if years else (2000, 2025)


def _csv(raw: str) -> list[str]:
    return [x for x in raw.split(",") if x]


def _choose_entity(index: NameIndex) -> tuple[str, str] | None:
    """The search box and the ranked picker (graph.search.pick): the chosen node and its name."""
    url_entity = st.query_params.get("entity", "")
    if "explore-q" not in st.session_state and url_entity and ":" in url_entity:
        st.session_state["explore-q"] = index.display(*split_node_id(url_entity))
    q = st.text_input("Find an entity by name (country, company, agency, person, incident)", key="explore-q",
                      placeholder="NSO Group, Iran, GainJet, ref-0032")
    if not q.strip():
        st.info("Type a name to start: the best match is drawn, the others are in the list below the box.")
        return None
    found = pick(index, q)
    if not found.chosen:
        hint = f"; did you mean {' or '.join(m.name for m in found.did_you_mean)}?" if found.did_you_mean else ""
        st.warning(f"Nothing matches “{markdown(q.strip())}”{markdown(hint)}")
        return None
    hits = {node_id(m.label, m.key): strip_controls(f"{m.label}: {m.name}" + (f" ({m.key})" if m.key != m.name else "")
                                                    + f" — {m.why}") for m in (found.chosen, *found.others)}
    if url_entity in hits and "explore-entity" not in st.session_state:
        st.session_state["explore-entity"] = url_entity
    entity = st.selectbox(f"{len(hits)} match(es), best first", list(hits), format_func=hits.get, key="explore-entity")
    return entity, index.display(*split_node_id(entity))


def _filters(version: str) -> tuple[int, int, EgoFilter]:
    lo, hi = _year_bounds(version)
    from_url("explore-depth", "depth", int, 1)
    from_url("explore-cap", "cap", int, 100)
    from_url("explore-labels", "labels", lambda r: [x for x in _csv(r) if x in LABELS], LABELS)
    from_url("explore-rels", "rels", lambda r: [x for x in _csv(r) if x in RELS], RELS)
    from_url("explore-years", "years", lambda r: tuple(sorted(max(lo, min(hi, int(y))) for y in r.split("-"))), (lo, hi))
    from_url("explore-documented", "documented", lambda r: r == "1", False)
    from_url("explore-fold", "fold", lambda r: r != "0", True)
    left, right = st.columns(2)
    depth = left.slider("Depth (hops)", 1, 3, key="explore-depth")
    cap = right.number_input("Node cap", min_value=2, max_value=1000, step=10, key="explore-cap")
    with st.expander("Filters"):
        labels = st.multiselect("Node types", LABELS, key="explore-labels")
        rels = st.multiselect("Relationship types (TRANSFERS: transfer records folded)", RELS, key="explore-rels")
        years = st.slider("Years (undated nodes and relationships stay)", lo, hi, key="explore-years")
        documented = st.checkbox("Documented attribution only (drops suspected PERPETRATED_BY)", key="explore-documented")
        fold = st.checkbox("Fold transfer records into one edge per supplier and recipient", key="explore-fold")
    f = EgoFilter(labels=None if set(labels) == set(LABELS) else frozenset(labels),
                  rel_types=None if set(rels) == set(RELS) else frozenset(rels),
                  year_from=None if years[0] == lo else years[0], year_to=None if years[1] == hi else years[1],
                  documented_only=documented, fold_transfers=fold)
    return depth, int(cap), f


def _path_target(index: NameIndex, entity: str) -> str | None:
    from_url("explore-path", "path", lambda r: index.display(*split_node_id(r)) if ":" in r else r, "")
    text = st.text_input("Draw a path to (a name)", key="explore-path", placeholder="United States, NSO Group")
    if not text.strip():
        return None
    found = pick(index, text)
    if not found.chosen:
        st.warning(markdown(found.message))
        return None
    target = node_id(found.chosen.label, found.chosen.key)
    return None if target == entity else target


def _legend(g) -> None:
    nodes, rels = legend(g)
    # Labels, colours and relationship types are the schema's own words, never data (escaped all the same).
    items = [f"<span style='color:{html_escape(c)}'>●</span> {html_escape(label)} ({n})" for label, c, n in nodes]
    if any(d.get("on_path") for _, d in g.nodes(data=True)):
        items.append(f"<span style='color:{PATH_COLOUR}'>━</span> the path")
    st.markdown(" · ".join(items), unsafe_allow_html=True)
    st.caption("Relationships: " + ", ".join(f"{markdown(k)} {n}" for k, n in rels) if rels else "No relationship drawn.")


def _node_panel(g, version: str) -> None:
    """The panel beside the graph: a drawn node's properties, its page and "expand" (a click in the graph
    cannot come back from pyvis's iframe, so the node is chosen here)."""
    nodes = sorted(g.nodes, key=lambda n: (g.nodes[n].get("hop") is None, g.nodes[n].get("hop") or 0, n))
    names = {n: strip_controls(f"{node_name(g.nodes[n])} ({g.nodes[n]['label']})") for n in nodes}
    if st.session_state.get("explore-node") not in names:
        url_node = st.query_params.get("node")
        st.session_state["explore-node"] = url_node if url_node in names else nodes[0]
    node = st.selectbox("Node", nodes, format_func=names.get, key="explore-node")
    label, key = split_node_id(node)
    # a button, not a link: an href would carry the node's key into the page's markup
    if label in KIND_OF and st.button("Open its entity page", key="explore-open"):
        st.switch_page(page_path("entity.py"), query_params={"kind": KIND_OF[label], "id": key})
    expanded = st.session_state.setdefault("explore-expand", [])
    if node in expanded:
        st.caption("Its neighbours are drawn (expanded).")
    elif st.button("Expand: add its neighbours", key="explore-expand-button"):
        expanded.append(node)
        st.rerun()
    if expanded and st.button("Undo the expansions", key="explore-collapse"):
        st.session_state["explore-expand"] = []
        st.rerun()
    st.dataframe(_properties(version, node), hide_index=True, width="stretch")


st.subheader("Explore")
try:
    version = data_version()
    index = name_index()
    chosen = _choose_entity(index)
except (QueryError, StoreError) as e:
    st.error(markdown(e))
    st.stop()
if chosen is None:
    st.stop()
entity, entity_name = chosen
if st.session_state.get("explore-last") not in (None, entity):  # another entity: its own expansions
    st.session_state["explore-expand"] = []
    st.session_state.pop("explore-node", None)
st.session_state["explore-last"] = entity
if "explore-expand" not in st.session_state:
    st.session_state["explore-expand"] = [n for n in _csv(st.query_params.get("expand", "")) if ":" in n]
depth, cap, f = _filters(version)
path_to = _path_target(index, entity)
try:
    with st.spinner("Pulling the graph..."):
        edges, html, graphml = _explore(version, entity, depth, cap, f, tuple(st.session_state["explore-expand"]),
                                        path_to)
except (QueryError, StoreError, ValueError) as e:
    st.error(markdown(e))
    st.stop()
g = edges.attrs["graph"]
st.caption(markdown(cap_caption(edges.attrs, depth, cap, entity_name, len(st.session_state["explore-expand"])))
           + f" {g.number_of_nodes()} nodes, {g.number_of_edges()} relationships drawn.")
if path_to:
    if edges.attrs["path"]:
        added = edges.attrs["path_added"]
        st.caption("Path (highlighted): " + markdown(" → ".join(node_name(g.nodes[n]) for n in edges.attrs["path"]))
                   + (f"; {added} of its nodes added beyond the network" if added else ""))
    else:
        st.info("No path within 4 relationships between these two entities.")
_legend(g)
graph_col, panel_col = st.columns([3, 1])
with graph_col:
    show_graph(html, HEIGHT)
with panel_col:
    _node_panel(g, version)
lo, hi = _year_bounds(version)
years = st.session_state["explore-years"]
keep_in_url({"entity": entity, "depth": str(depth), "cap": str(cap),
           "labels": "" if f.labels is None else ",".join(sorted(f.labels)),
           "rels": "" if f.rel_types is None else ",".join(sorted(f.rel_types)),
           "years": "" if tuple(years) == (lo, hi) else f"{years[0]}-{years[1]}",
           "documented": "1" if f.documented_only else "", "fold": "" if f.fold_transfers else "0",
           "node": st.session_state.get("explore-node", ""), "expand": ",".join(st.session_state["explore-expand"]),
           "path": path_to or ""})
st.download_button("Download as GraphML", graphml, file_name=f"explore-{file_stem(entity)}.graphml",
                   mime="application/graphml+xml", on_click="ignore", key="graphml")
st.markdown("**Relationships and their sources**")
show_result(edges, f"explore-{file_stem(entity)}", nodes={"from": "node", "to": "node"})
