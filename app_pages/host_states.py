"""Host states and accountability: how host states behaved (host_exposure), the incidents left without any
accountability action (impunity_by_host) and the UN naming gap (un_naming_by_state, un_naming_gap), each as
an Altair chart (drawn by Streamlit's bundled Vega-Lite, no request beyond the app) and as a table with its
downloads and column meanings. The numbers are the named queries' own, as on the Questions page. Each
section's parameters live in the URL under its query's name (``?un_naming_by_state.year_from=2019``)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.ui import cached_query, keep_in_url, param_form, show_result
from graph.queries import QueryError, load_library
from graph.safe_text import markdown
from graph.store.base import StoreError

VIEW: dict[str, str] = {}  # every section's URL entries, written once the page is drawn
RESPONSES = ["cooperated", "failed_to_protect", "protected", "prosecuted", "expelled_diplomats", "response_unknown"]


def _section(name: str, title: str) -> pd.DataFrame | None:
    """A query's form and result table; its result for the chart, or None when there is nothing to draw."""
    query = load_library()[name]
    st.markdown(f"### {title}")
    st.caption(markdown(f"{query.description} (query {name})"))
    values, _ = param_form(f"host-states-{name}", query.parameters, submit="Apply", url_prefix=f"{name}.")
    VIEW.update(values.url)
    if values.unresolved:  # the form says which name matched nothing, and what is close
        return None
    try:
        result = cached_query(name, values)
    except (QueryError, StoreError) as e:
        st.error(markdown(e))
        return None
    if result.empty:
        st.info("No row for these parameters: widen the years or clear the state.")
        return None
    return result


def _table(result: pd.DataFrame, name: str) -> None:
    query = load_library()[name]
    show_result(result, f"host-states-{name}", query.columns, nodes=query.nodes)


st.subheader("Host states and accountability")
st.write("What host states did when a foreign state reached into their territory, which incidents no one "
         "was held to account for, and which states the UN named for reprisals.")

conduct = _section("host_exposure", "Conduct: how host states responded")
if conduct is not None:
    chart = alt.Chart(conduct).transform_fold(RESPONSES, as_=["response", "count"]).mark_bar().encode(
        y=alt.Y("host_name:N", sort="-x", title="host state"), x=alt.X("sum(count):Q", title="incidents"),
        color=alt.Color("response:N", sort=RESPONSES, title="documented response"),
        tooltip=["host_name:N", "response:N", "count:Q"])
    st.altair_chart(chart, width="stretch")
    _table(conduct, "host_exposure")

impunity = _section("impunity_by_host", "Impunity: incidents without any accountability action")
if impunity is not None:
    chart = alt.Chart(impunity).transform_calculate(with_action="datum.incidents - datum.without_action").transform_fold(
        ["without_action", "with_action"], as_=["outcome", "count"]).mark_bar().encode(
        y=alt.Y("host_name:N", sort="-x", title="host state"), x=alt.X("sum(count):Q", title="incidents"),
        color=alt.Color("outcome:N", sort=["without_action", "with_action"], title="accountability"),
        tooltip=["host_name:N", "outcome:N", "count:Q"])
    st.altair_chart(chart, width="stretch")
    _table(impunity, "impunity_by_host")

naming = _section("un_naming_by_state", "The UN naming gap: states with incidents, named or not")
if naming is not None:
    chart = alt.Chart(naming).mark_bar().encode(
        y=alt.Y("state_name:N", sort="-x", title="origin state"), x=alt.X("incidents:Q", title="incidents in the window"),
        color=alt.Color("named_in_window:N", title="named by the UN in the window"),
        tooltip=["state_name:N", "incidents:Q", "un_namings:Q", "named_in_window:N"])
    st.altair_chart(chart, width="stretch")
    _table(naming, "un_naming_by_state")

gaps = _section("un_naming_gap", "The UN naming gap, year by year")
if gaps is not None:
    chart = alt.Chart(gaps).mark_rect().encode(
        x=alt.X("year:O", title="incident year"), y=alt.Y("state_name:N", title="origin state"),
        color=alt.Color("incidents:Q", title="incidents"),
        tooltip=["state_name:N", "year:O", "incidents:Q", "named_that_year:Q"])
    st.altair_chart(chart, width="stretch")
    _table(gaps, "un_naming_gap")

keep_in_url(VIEW)
