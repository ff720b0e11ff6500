"""Console: read-only Cypher of the analyst's own (graph.console), the result as a table and, when nodes come
back, as a graph. The query and its parameters live in the URL (``?q=...&params=...``)."""

from __future__ import annotations

import json

import streamlit as st

from app_pages.ui import NODE_ID, data_version, file_stem, show_graph, show_result, store
from graph.console import DEFAULT_ROWS, ConsoleRefused, run_console
from graph.queries import QueryError
from graph.safe_text import markdown
from graph.store.base import StoreError
from graph.view import graphml_bytes, pyvis_html

HEIGHT = 500
EXAMPLE = "MATCH (i:Incident)-[:PERPETRATED_BY]->(c:Country {iso2: $origin})\nRETURN i, c LIMIT 25"


@st.cache_data(max_entries=32, show_spinner=False)
def _run(version: str, text: str, params_json: str, limit: int):
    """The result table, its node columns, and the graph as pyvis HTML and GraphML (cached per data version)."""
    with store() as s:
        df = run_console(s, text, json.loads(params_json), limit)
    g = df.attrs.pop("graph", None)
    drawn = (pyvis_html(g, HEIGHT), graphml_bytes(g), g.number_of_nodes(), g.number_of_edges()) if g else None
    return df, df.attrs.pop("node_columns", []), drawn


def _params(text: str) -> dict:
    """The parameters box: a JSON object, or nothing."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as e:
        raise ConsoleRefused("parameter", f"the parameters are not JSON ({e.msg}, character {e.pos + 1})") from None
    if not isinstance(value, dict):
        raise ConsoleRefused("parameter", 'the parameters must be a JSON object, e.g. {"origin": "RW"}')
    return value


st.subheader("Console")
st.caption("Read-only Cypher of your own, on the graph's schema (docs/schema.md): one statement, no writes, no "
           "procedures, no file or network access; at most the row limit, stopped after 10 s (docs/console.md).")
url = st.query_params
with st.form("console"):
    text = st.text_area("Cypher", value=url.get("q", ""), height=140, key="console-q", placeholder=EXAMPLE)
    params_text = st.text_input("Parameters (a JSON object)", value=url.get("params", ""), key="console-params",
                                placeholder='{"origin": "RW"}')
    limit = st.number_input("Row limit", min_value=1, max_value=10_000, value=DEFAULT_ROWS, step=100,
                            key="console-limit")
    run = st.form_submit_button("Run")
if run:  # the query is the page's state: a link to it reopens it
    st.query_params.from_dict({k: v for k, v in {"q": text, "params": params_text}.items() if v.strip()})
if not text.strip():
    st.info("Type a query and press Run, for example: " + markdown(EXAMPLE.replace("\n", " ")) + ' with parameters '
            + markdown('{"origin": "RW"}') + ".")
    st.stop()
try:
    params = _params(params_text)
    with st.spinner("Running..."):
        df, node_columns, drawn = _run(data_version(), text, json.dumps(params, sort_keys=True), int(limit))
except (QueryError, StoreError) as e:
    st.error(markdown(str(e).splitlines()[0]))
    st.stop()
show_result(df, "console", nodes={c: NODE_ID for c in node_columns})
if drawn:
    html, graphml, n_nodes, n_edges = drawn
    st.caption(f"{n_nodes} nodes and {n_edges} relationships came back")
    show_graph(html, HEIGHT)
    st.download_button("Download the graph as GraphML", graphml, file_name=f"{file_stem('console')}.graphml",
                       mime="application/graphml+xml", on_click="ignore", key="console-graphml")
