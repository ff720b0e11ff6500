"""Overview, the default page: graph counts and one named query, with its parameters.

A thin page over the library: every number here comes from ``graph.store`` and ``graph.queries``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.ui import store
from graph.output import records
from graph.queries import QueryError, load_library, run_query
from graph.store.base import StoreError


def _counts() -> dict:
    with store() as s:
        return s.counts()


def _run(name: str, params: dict) -> pd.DataFrame:
    with store() as s:
        return run_query(s, name, params)


try:
    counts = _counts()
except StoreError as e:
    st.error(str(e))
    st.stop()

st.subheader("The graph")
cols = st.columns(4)
for i, (label, n) in enumerate(counts["nodes"].items()):
    cols[i % 4].metric(label, n)
with st.expander("Relationships per type"):
    st.dataframe(pd.DataFrame(sorted(counts["relationships"].items()), columns=["type", "count"]),
                 hide_index=True, width="stretch")

st.subheader("Ask a question")
library = load_library()
name = st.selectbox("Query", list(library), format_func=lambda n: n.replace("_", " "),
                    index=list(library).index("cross_border_reach") if "cross_border_reach" in library else 0)
query = library[name]
st.write(query.description)
params = {}
with st.form("params"):
    for p in query.parameters.values():
        if p.type == "int":
            params[p.name] = st.number_input(p.description or p.name, value=int(p.default or 0), step=1, key=p.name)
        else:
            params[p.name] = st.text_input(p.description or p.name, value="" if p.default is None else str(p.default),
                                           key=p.name)
    st.form_submit_button("Run")
try:
    result = _run(name, params)
except (QueryError, StoreError) as e:
    st.error(str(e))
else:
    st.caption(f"{len(result)} rows")
    st.dataframe(pd.DataFrame(records(result)), hide_index=True, width="stretch")
    with st.expander("Columns"):
        st.table(pd.DataFrame(query.columns.items(), columns=["column", "meaning"]))
