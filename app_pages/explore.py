"""Explore: find an entity by name and draw its ego network (pyvis), with the edges, their sources and GraphML."""

from __future__ import annotations

import os
from html import escape as html_escape

import streamlit as st

from app_pages.ui import file_stem, show_result, store
from graph.analysis import run_analysis
from graph.analysis.subgraph import node_id
from graph.queries import QueryError, run_query
from graph.safe_text import markdown, strip_controls
from graph.store import default_backend, default_db
from graph.store.base import StoreError
from graph.view import LABEL_COLOURS, OTHER_COLOUR, graphml_bytes, pyvis_html

HEIGHT = 600


@st.cache_data(ttl=300, max_entries=32, show_spinner=False)
def _ego(where: str, entity: str, depth: int, max_nodes: int):
    """Edges table, pyvis HTML and GraphML of one ego network (cached: the HTML is large)."""
    with store() as s:
        edges = run_analysis(s, "ego_network", {"entity": entity, "depth": depth, "max_nodes": max_nodes})
    g = edges.attrs["graph"]
    return edges, pyvis_html(g, HEIGHT), graphml_bytes(g), g.number_of_nodes(), g.number_of_edges()


def _where() -> str:
    """Which graph the cache entry belongs to."""
    if default_backend() == "embedded":
        return f"embedded:{default_db().resolve()}"
    return f"neo4j:{os.environ.get('NEO4J_URI', '')}/{os.environ.get('NEO4J_DATABASE', '')}"


st.subheader("Explore")
q = st.text_input("Find an entity (country, company, organisation, person, incident)", key="explore-q",
                  placeholder="GainJet, Rwanda, ref-0032")
if not q.strip():
    st.info("Type part of a name to start.")
    st.stop()
try:
    with store() as s:
        hits = run_query(s, "search_entities", {"q": q.strip()})
except (QueryError, StoreError) as e:
    st.error(markdown(e))
    st.stop()
if hits.empty:
    st.warning(f"Nothing matches “{markdown(q.strip())}”.")
    st.stop()
# Option labels are plain text in a selectbox; captions are Markdown, hence markdown() there.
choices = {node_id(r["label"], r["key"]): strip_controls(f"{r['label']}: {r['name']}"
                                                         + (f" ({r['key']})" if r["key"] != r["name"] else ""))
           for r in hits.to_dict("records")}
entity = st.selectbox(f"{len(choices)} match(es)", list(choices), format_func=choices.get, key="explore-entity")
left, right = st.columns(2)
depth = left.slider("Depth (hops)", 1, 3, 1, key="explore-depth")
max_nodes = right.number_input("Node cap", min_value=2, max_value=1000, value=100, step=10, key="explore-cap")
try:
    with st.spinner("Pulling the ego network..."):
        edges, html, graphml, n_nodes, n_edges = _ego(_where(), entity, depth, int(max_nodes))
except (QueryError, StoreError, ValueError) as e:
    st.error(markdown(e))
    st.stop()
st.caption(f"{n_nodes} nodes, {n_edges} relationships within {depth} hop(s) of {markdown(choices[entity])}"
           + (" — cut at the node cap (nodes of the last hop taken in name order)" if edges.attrs.get("truncated") else ""))
legend = {**LABEL_COLOURS, "other": OTHER_COLOUR}
# The legend is the code's own constants (labels and colours), never data.
st.markdown(" ".join(f"<span style='color:{html_escape(c)}'>●</span> {html_escape(label)}" for label, c in legend.items()),
            unsafe_allow_html=True)
if hasattr(st, "iframe"):  # newer Streamlit: st.components.v1.html is deprecated in favour of st.iframe
    st.iframe(html, height=HEIGHT + 20)
else:
    import streamlit.components.v1 as components

    components.html(html, height=HEIGHT + 20)
st.download_button("Download as GraphML", graphml, file_name=f"ego-{file_stem(entity)}.graphml",
                   mime="application/graphml+xml", on_click="ignore", key="graphml")
st.markdown("**Relationships and their sources**")
show_result(edges, f"ego-{file_stem(entity)}")
