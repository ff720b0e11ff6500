"""tnr-graph in the browser: a thin multipage Streamlit app over the library (``streamlit run app.py``).

Every number, table and graph comes from ``graph.store``, ``graph.queries``, ``graph.analysis`` and
``graph.view``; the pages in ``app_pages/`` only lay them out. Pages: Overview (counts and one
question, the default), Questions (every named query), Analyses (the NetworkX analyses) and Explore
(search an entity and draw its ego network). The app fetches nothing from any host but its own.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="tnr-graph", layout="wide")
st.title("tnr-graph")
st.caption("Transnational repression: who reaches across borders, who helps, and who is held to account.")

st.navigation([
    st.Page("app_pages/overview.py", title="Overview", default=True),
    st.Page("app_pages/questions.py", title="Questions"),
    st.Page("app_pages/analyses.py", title="Analyses"),
    st.Page("app_pages/explore.py", title="Explore"),
]).run()
