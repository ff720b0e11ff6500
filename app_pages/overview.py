"""Overview, the default page: graph counts and one named query, with the same form as the Questions page.

A thin page over the library: every number here comes from ``graph.store`` and ``graph.queries``. The
query and its parameters live in the URL (``?query=tactic_profile&origin=IR``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.ui import clear_url, from_url, keep_in_url, one_of, param_form, show_result, store
from graph.queries import QueryError, load_library, run_query
from graph.safe_text import markdown
from graph.store.base import StoreError

try:
    with store() as s:
        counts = s.counts()
except StoreError as e:
    st.error(markdown(e))
    st.stop()

st.subheader("The graph")
cols = st.columns(4)
for i, (label, n) in enumerate(counts["nodes"].items()):
    cols[i % 4].metric(markdown(label), n)
with st.expander("Relationships per type"):
    st.dataframe(pd.DataFrame(sorted(counts["relationships"].items()), columns=["type", "count"]),
                 hide_index=True, width="stretch")

st.subheader("Ask a question")
library = load_library()
DEFAULT = "cross_border_reach" if "cross_border_reach" in library else next(iter(library))
from_url("overview-query", "query", one_of(library), DEFAULT)
name = st.selectbox("Query", list(library), format_func=lambda n: n.replace("_", " "), key="overview-query",
                    on_change=clear_url)
query = library[name]
st.write(query.description)
values, _ = param_form(f"overview-{name}", query.parameters, url_prefix="")
keep_in_url({"query": "" if name == DEFAULT else name, **values.url})
if values.unresolved:  # the form says which name matched nothing, and what is close
    st.stop()
try:
    with store() as s:
        result = run_query(s, name, values)
except (QueryError, StoreError) as e:
    st.error(markdown(e))
else:
    show_result(result, f"overview-{name}", query.columns, nodes=query.nodes)
