"""Analyses: the NetworkX analyses of ``graph.analysis.ANALYSES``, with a form made from their parameters and
the meanings of the columns each declares. The analysis, its parameters and whether it was run live in the
URL (``?analysis=reach&origin=RW&run=1``)."""

from __future__ import annotations

import streamlit as st

from app_pages.ui import clear_url, from_url, keep_in_url, one_of, param_form, show_result, store
from graph.analysis import ANALYSES, run_analysis
from graph.queries import QueryError
from graph.safe_text import markdown
from graph.store.base import StoreError

st.subheader("Analyses")
from_url("analysis", "analysis", one_of(ANALYSES))
name = st.selectbox("Analysis", list(ANALYSES), format_func=lambda n: n.replace("_", " "), key="analysis",
                    on_change=clear_url)
analysis = ANALYSES[name]
st.write(analysis.description)
st.caption("Formulas and caveats: docs/analyses.md.")
values, submitted = param_form(f"analysis-{name}", analysis.parameters, url_prefix="")
# Analyses can take a while on a large graph: run one only when asked (or when the URL says it was), then
# keep showing it.
if "analysis-ran" not in st.session_state and st.query_params.get("run") == "1":
    st.session_state["analysis-ran"] = name
if submitted:
    st.session_state["analysis-ran"] = name
ran = st.session_state.get("analysis-ran") == name and not values.unresolved
keep_in_url({"analysis": name, **values.url, "run": "1" if ran else ""})
if values.unresolved:  # the form says which name matched nothing, and what is close
    st.stop()
if not ran:
    st.info("Set the parameters and press Run.")
    with st.expander("Columns"):
        st.table({"column": list(analysis.columns), "meaning": list(analysis.columns.values())})
    st.stop()
try:
    with st.spinner(f"Running {name}..."), store() as s:
        result = run_analysis(s, name, values)
except (QueryError, StoreError, ValueError) as e:
    st.error(markdown(e))
else:
    # the meanings of the columns this result has (the ego network declares both of its views')
    show_result(result, name, {c: m for c, m in analysis.columns.items() if c in result.columns}, nodes=analysis.nodes)
