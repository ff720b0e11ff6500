"""Questions: every named query of the library (``queries/*.cypher``), with a form made from its header."""

from __future__ import annotations

import streamlit as st

from app_pages.ui import param_form, show_result, store
from graph.queries import QueryError, load_library, run_query
from graph.safe_text import markdown
from graph.store.base import StoreError

st.subheader("Questions")
library = load_library()
name = st.selectbox("Question", list(library), format_func=lambda n: n.replace("_", " "), key="question")
query = library[name]
st.write(query.description)
values, _ = param_form(f"query-{name}", query.parameters)
if values.unresolved:  # the form says which name matched nothing, and what is close
    st.stop()
missing = [p.name for p in query.parameters.values() if p.required and p.name not in values]
if missing:
    st.info(f"Fill in {markdown(', '.join(missing))} and press Run.")
    st.stop()
try:
    with store() as s:
        result = run_query(s, name, values)
except (QueryError, StoreError) as e:
    st.error(markdown(e))
else:
    show_result(result, name, query.columns, nodes=query.nodes)
