"""Reach: a world map of origin-to-host flows (every state's, or one state's both ways: its reach abroad and
what other states did on its soil), drawn offline from the boundary file shipped in the package
(graph.world), with year, tactic and attribution filters that are the flow query's own parameters; the
flows as a table with entity links, downloads and column meanings. The view's state is the URL's."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.ui import cached_query, data_version, file_stem, keep_in_url, name_index, show_result, store
from graph.countries import country_name
from graph.output import to_csv
from graph.queries import QueryError, load_library
from graph.safe_text import markdown
from graph.schema import load_schema
from graph.search import pick
from graph.store.base import StoreError
from graph.world import (
    BREAKDOWN_COLUMNS,
    BREAKDOWNS,
    FLOW_COLUMNS,
    breakdown,
    reach_flows,
    reach_incidents,
    reach_map,
    unlocated,
)

FLOWS = "origin_host_flows"
NO_SPAN = (0, 9999)  # the flow query's defaults: every year, undated incidents included


@st.cache_data(max_entries=32, show_spinner=False)
def _flows(version: str, state: str, params: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    with store() as s:
        return reach_flows(s, state, **dict(params)), reach_incidents(s, state, **dict(params))


def _chart(incidents: pd.DataFrame, by: str, title: str, basename: str) -> None:
    """Incidents per ``by`` (graph.world.breakdown) as bars stacked by attribution, and its CSV."""
    counts = breakdown(incidents, by)
    if by == "year":
        position = {"x": alt.X("year:O", title=title, sort=None), "y": alt.Y("sum(incidents):Q", title="incidents")}
    else:  # most first, as breakdown orders them
        position = {"y": alt.Y(f"{by}:N", title=title, sort=None), "x": alt.X("sum(incidents):Q", title="incidents")}
    chart = alt.Chart(counts).mark_bar().encode(
        **position, color=alt.Color("attribution:N", sort=["documented", "suspected"], title="attribution"),
        tooltip=[alt.Tooltip(f"{by}:N", title=title), "attribution:N", "incidents:Q"])
    st.altair_chart(chart, width="stretch")
    st.download_button(f"Download incidents per {title} (CSV)", to_csv(counts), file_name=f"{file_stem(basename)}.csv",
                       mime="text/csv", on_click="ignore", key=f"reach-csv-{by}",
                       help="; ".join(f"{c}: {m}" for c, m in {by: BREAKDOWNS[by], **BREAKDOWN_COLUMNS}.items()))


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text not in (None, "") else default
    except ValueError:
        return default


st.subheader("Reach")
st.write("Where states reach across borders: one line per origin and host state, as wide as its incidents. "
         "Pick a state to see both sides: its incidents abroad and other states' incidents on its soil.")
query = load_library()[FLOWS]
url = st.query_params
try:
    version = data_version()
    every = cached_query(FLOWS, {})
    index = name_index()
except (QueryError, StoreError) as e:
    st.error(markdown(e))
    st.stop()
if every.empty:
    st.info("No cross-border incident in this graph: load incidents with `tnr ingest` first.")
    st.stop()

left, right = st.columns(2)
typed = left.text_input("State (a name, common name or code; empty for every state)", key="reach-state",
                        value=index.display("Country", url["state"]) if url.get("state") else "")
state = ""
if typed.strip():
    chosen = pick(index, typed, ["Country"])
    if chosen.chosen:
        state = chosen.chosen.key
        left.caption("→ " + markdown(chosen.message))
    else:
        left.warning(markdown(chosen.message))
        st.stop()
if every.first_year.notna().any():
    first, last = int(every.first_year.min()), int(every.last_year.max())
    years = right.slider("Years", first, last, key="reach-years", value=(
        max(first, _int(url.get("year_from"), first)), min(last, _int(url.get("year_to"), last))))
else:  # no dated incident: nothing to narrow
    first, last = years = NO_SPAN
    right.caption("Years: no incident in this graph has a date.")
tactics = load_schema().tactics
left, right = st.columns(2)
tactic = left.selectbox("Tactic", ["", *tactics], key="reach-tactic", format_func=lambda t: tactics[t].label if t else "any",
                        index=([""] + list(tactics)).index(url["tactic"]) if url.get("tactic") in tactics else 0)
attributions = list(query.parameters["attribution"].choices)
attribution = right.selectbox("Attribution", attributions, key="reach-attribution",
                              index=attributions.index(url["attribution"]) if url.get("attribution") in attributions else 0,
                              help=query.parameters["attribution"].description)

span = NO_SPAN if years == (first, last) else years
params = {"year_from": span[0], "year_to": span[1], "tactic": tactic, "attribution": attribution}
view = {k: str(v) for k, v in {"state": state, "year_from": years[0] if span != NO_SPAN else "",
                               "year_to": years[1] if span != NO_SPAN else "", "tactic": tactic,
                               "attribution": attribution if attribution != "any" else ""}.items() if v != ""}
keep_in_url(view)

try:
    flows, incidents = _flows(version, state, tuple(sorted(params.items())))
except (QueryError, StoreError) as e:
    st.error(markdown(e))
    st.stop()
who = country_name(state) if state else "every state"
if span == NO_SPAN:
    st.caption(markdown(f"{who}: {int(flows.incidents.sum())} incidents in {len(flows)} flows, every year "
                        f"(undated incidents included)"))
else:
    st.caption(markdown(f"{who}: {int(flows.incidents.sum())} incidents in {len(flows)} flows, {span[0]}–{span[1]}"))
if flows.empty:
    st.info("No flow for these filters: widen the years, choose any tactic or attribution, or clear the state.")
    st.stop()
st.altair_chart(reach_map(flows, state or None), width="content")
missing, points = unlocated(flows)
if missing:
    st.caption(markdown("Not on the map (no boundary in the shipped file), still counted in the table: "
                        + ", ".join(f"{country_name(c)} ({c})" for c in missing)))
if points:
    st.caption(markdown("Drawn as a point only (too small for the 1:110m boundaries): "
                        + ", ".join(f"{country_name(c)} ({c})" for c in points)))
st.caption("Boundaries: Natural Earth (public domain), via world-atlas 2.0.2 (ISC), shipped with the package.")

columns = {**(FLOW_COLUMNS if state else {}), **query.columns}
show_result(flows, f"reach-{state or 'all'}", columns, nodes=query.nodes)

st.markdown("### The incidents behind the flows")
st.caption("Each incident counts once per bar, whatever its number of origin states; per tactic, once under "
           "each tactic it used.")
base = f"reach-{state or 'all'}-{span[0]}-{span[1]}-{tactic or 'any'}-{attribution}"
one, two, three = st.columns(3)
with one:
    _chart(incidents, "year", "year", f"{base}-per-year")
with two:
    _chart(incidents, "tactic", "tactic", f"{base}-per-tactic")
with three:
    _chart(incidents, "host_name", "host state", f"{base}-per-host")
incident_query = load_library()["reach_incidents"]
show_result(incidents, f"{base}-incidents", incident_query.columns, nodes=incident_query.nodes)
