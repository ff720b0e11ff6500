"""Analyses: the NetworkX analyses of ``graph.analysis.ANALYSES``, with a form made from their parameters and
the meanings of the columns each declares."""

from __future__ import annotations

import streamlit as st

from app_pages.ui import param_form, show_result, store
from graph.analysis import ANALYSES, run_analysis
from graph.queries import QueryError
from graph.safe_text import markdown
from graph.store.base import StoreError

st.subheader("Analyses")
name = st.selectbox("Analysis", list(ANALYSES), format_func=lambda n: n.replace("_", " "), key="analysis")
analysis = ANALYSES[name]
st.write(analysis.description)
st.caption("Formulas and caveats: docs/analyses.md.")
values, submitted = param_form(f"analysis-{name}", analysis.parameters)
if values.unresolved:  # the form says which name matched nothing, and what is close
    st.stop()
# Analyses can take a while on a large graph: run one only when asked, then keep showing it.
if submitted:
    st.session_state["analysis-ran"] = name
if st.session_state.get("analysis-ran") != name:
    st.info("Set the parameters and press Run.")
    st.stop()
try:
    with st.spinner(f"Running {name}..."), store() as s:
        result = run_analysis(s, name, values)
except (QueryError, StoreError, ValueError) as e:
    st.error(markdown(e))
else:
    # the meanings of the columns this result has (the ego network declares both of its views')
    show_result(result, name, {c: m for c, m in analysis.columns.items() if c in result.columns}, nodes=analysis.nodes)
