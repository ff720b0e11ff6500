"""Questions: every named query of the library (``queries/*.cypher``), with a form made from its header.
The question and its parameters live in the URL (``?question=incidents_per_host&year_from=2020``)."""

from __future__ import annotations

import streamlit as st

from app_pages.ui import clear_url, from_url, keep_in_url, one_of, param_form, show_result, store
from graph.queries import QueryError, load_library, run_query
from graph.safe_text import markdown
from graph.store.base import StoreError

st.subheader("Questions")
library = load_library()
from_url("question", "question", one_of(library))
name = st.selectbox("Question", list(library), format_func=lambda n: n.replace("_", " "), key="question",
                    on_change=clear_url)
query = library[name]
st.write(query.description)
values, _ = param_form(f"query-{name}", query.parameters, url_prefix="")
keep_in_url({"question": name, **values.url})
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
