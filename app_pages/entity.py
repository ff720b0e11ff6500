"""Entity page: one country, company, agency, incident or person (graph.entity.entity_profile): its
properties, its sources, its relationships grouped by type with each fact's own links, a timeline, its
neighbourhood graph and, for a country, both sides. The entity is in the URL (``?kind=company&id=...``)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.ui import (
    data_version,
    entity_link_column,
    entity_url,
    file_stem,
    name_index,
    show_graph,
    show_result,
    store,
    web_link_column,
)
from graph.analysis.subgraph import node_id, split_node_id
from graph.entity import (
    FACT_SOURCE_COLUMNS,
    KIND_OF,
    PROPERTY_COLUMNS,
    RELATION_COLUMNS,
    SOURCE_COLUMNS,
    TIMELINE_COLUMNS,
    entity_profile,
)
from graph.queries import QueryError, load_library
from graph.safe_text import markdown, strip_controls
from graph.search import pick
from graph.store.base import StoreError
from graph.view import graphml_bytes, pyvis_html

GRAPH_HEIGHT = 420
SIDES = {"abroad": "cross_border_reach", "on its soil": "origin_host_flows"}


@st.cache_data(max_entries=64, show_spinner=False)
def _profile(version: str, kind: str, key: str):
    with store() as s:
        p = entity_profile(s, kind, key)
    return p, pyvis_html(p.graph, GRAPH_HEIGHT), graphml_bytes(p.graph)


def _find() -> None:
    """The search box: the chosen match becomes the page's URL state."""
    q = st.text_input("Find an entity by name (country, company, agency, person, incident)", key="entity-q",
                      placeholder="NSO Group, Iran, ref-0032")
    if not q.strip():
        return
    index = name_index()
    chosen = pick(index, q)
    if not chosen.chosen:
        st.warning(markdown(chosen.message))
        return
    hits = [chosen.chosen, *chosen.others]
    labels = {node_id(m.label, m.key): strip_controls(f"{m.label}: {m.name}" + (f" ({m.key})" if m.key != m.name else "")
                                                      + f" — {m.why}") for m in hits}
    label, key = split_node_id(st.selectbox(f"{len(hits)} match(es), best first", list(labels), format_func=labels.get,
                                            key="entity-pick"))
    state = {"kind": KIND_OF[label], "id": key}
    if {k: st.query_params.get(k) for k in state} != state:
        st.query_params.from_dict(state)


def _with_page_links(df: pd.DataFrame, label_col: str | None, label: str | None, key_col: str, name_col: str,
                     column: str = "page") -> pd.DataFrame:
    """``df`` with a first column of links to the page of the entity each row names."""
    out = df.copy()
    out.insert(0, column, [entity_url(r[label_col] if label_col else label, str(r[key_col]), str(r[name_col]))
                           for r in df.to_dict("records")])
    return out


def _relations(p) -> None:
    st.markdown("**Related entities, by relationship**")
    if p.relations.empty:
        st.info("No relationship: this entity stands alone in the graph.")
    for rel, rows in p.relations.groupby("relationship", sort=True):
        st.caption(f"{markdown(rel)}: {len(rows)}")
        shown = _with_page_links(rows.drop(columns=["sources"]).assign(sources=rows.sources.map(len)),
                                 "label", None, "key", "name")
        meanings = {"page": "the other entity's page", **RELATION_COLUMNS,
                    "sources": "how many web pages this relationship cites (listed below)"}
        show_result(shown, f"{p.key}-{rel}", meanings, {"page": entity_link_column("entity")})
    st.markdown("**Sources of each fact**")
    if p.fact_sources.empty:
        st.info("No relationship of this entity cites a web page.")
    else:
        show_result(p.fact_sources, f"{p.key}-fact-sources", FACT_SOURCE_COLUMNS, {"link": web_link_column("link")})


def _timeline(p) -> None:
    st.markdown("**Timeline**")
    if p.timeline.empty:
        st.info("No dated incident or accountability action is related to this entity.")
        return
    chart = alt.Chart(p.timeline).mark_bar().encode(
        x=alt.X("year:O", title="year"), y=alt.Y("sum(count):Q", title="how many"),
        color=alt.Color("what:N", title="what"), tooltip=["year", "what", "count"])
    st.altair_chart(chart, width="stretch")
    show_result(p.timeline, f"{p.key}-timeline", TIMELINE_COLUMNS)


def _sides(p) -> None:
    library = load_library()
    for side, df in p.sides.items():
        st.markdown(f"**{markdown(p.name)} {side}**")
        if df.empty:
            st.info(f"Nothing in the graph: no cross-border incident {side} for this state.")
            continue
        key_col, name_col = ("host", "host_name") if side == "abroad" else ("origin", "origin_name")
        shown = _with_page_links(df, None, "Country", key_col, name_col, column="state")
        show_result(shown, f"{p.key}-{side}", {"state": "the other state's page", **library[SIDES[side]].columns},
                    {"state": entity_link_column("state")})


st.subheader("Entity")
_find()
kind, key = st.query_params.get("kind"), st.query_params.get("id")
if not kind or not key:
    st.info("Type a name above to open an entity's page, or follow an entity's link from a table.")
    st.stop()
try:
    with st.spinner("Reading the entity..."):
        profile, graph_html, graphml = _profile(data_version(), kind, key)
except (QueryError, StoreError) as e:
    st.error(markdown(e))
    st.stop()

st.markdown(f"### {markdown(profile.name)}")
st.caption(f"{markdown(profile.label)} {markdown(profile.key)}")
st.markdown("**Properties**")
show_result(profile.properties, f"{profile.key}-properties", PROPERTY_COLUMNS)
st.markdown("**Where this entity comes from**")
if profile.sources.empty:
    st.info("No source is recorded for this entity.")
else:
    show_result(profile.sources, f"{profile.key}-sources", SOURCE_COLUMNS, {"link": web_link_column("link")})
if profile.sides:
    _sides(profile)
_relations(profile)
_timeline(profile)
st.markdown("**Neighbourhood**")
st.caption(f"{profile.graph.number_of_nodes()} nodes, {profile.graph.number_of_edges()} relationships one hop away")
show_graph(graph_html, GRAPH_HEIGHT)
st.download_button("Download the neighbourhood as GraphML", graphml, file_name=f"entity-{file_stem(profile.key)}.graphml",
                   mime="application/graphml+xml", on_click="ignore", key="entity-graphml")
