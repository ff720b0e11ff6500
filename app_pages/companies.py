"""Companies: the complicity ranking (graph.companies.company_ranking) with its formula and terms explained,
filtered by headquarters jurisdiction (a country or a group), recipient state, technology and documented
attribution; each company links to its entity page, and the links behind one company's score are listed.
The filters and the company whose links are listed live in the URL
(``?jurisdiction=EU&state=SA&technology=intrusion&documented_only=1&company=company-nso-group``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.ui import data_version, from_url, keep_in_url, one_of, param_form, show_result, store
from graph.analysis.complicity import TERMS, WEIGHTS, formula
from graph.analysis.supply_links import rules
from graph.companies import (
    EVIDENCE_COLUMNS,
    PARAMETERS,
    RANKING_COLUMNS,
    company_ranking,
    evidence,
    hq_countries,
    jurisdiction_groups,
    technologies,
)
from graph.countries import country_name
from graph.queries import QueryError
from graph.safe_text import markdown
from graph.store.base import StoreError


@st.cache_data(max_entries=32, show_spinner=False)
def _ranking(version: str, **params) -> pd.DataFrame:
    with store() as s:
        return company_ranking(s, **params)


@st.cache_data(max_entries=32, show_spinner=False)
def _evidence(version: str, company: str, state: str, documented_only: bool) -> pd.DataFrame:
    with store() as s:
        return evidence(s, company, state, documented_only)


@st.cache_data(max_entries=4, show_spinner=False)
def _hq_countries(version: str) -> list[str]:
    with store() as s:
        return hq_countries(s)


st.subheader("Companies")
st.write("Companies ranked by their complicity score: the documented links between a company and the "
         "incidents of transnational repression in this graph. The score is not a finding of intent or of "
         "legal liability, and it grows with how much has been documented about a company.")
st.code(formula(), language=None)
st.table(pd.DataFrame([(sym, WEIGHTS[col], col, what) for col, (sym, what) in TERMS.items()],
                      columns=["term", "weight", "column", "what it counts"]))
with st.expander("The time-and-tactic rule (when a sale counts in W)"):
    r = rules()
    st.write(f"A sale counts for an incident when the incident year lies within the documented supply period "
             f"(an open end, or an order year alone, is closed {r['window']['years_after_start']} years after "
             f"the start) and the goods fit one of the incident's tactics, as below "
             f"(graph/data/supply_links.yaml). Otherwise it is context, never scored.")
    st.table(pd.DataFrame([(g["kind"], ", ".join(g["words"]), ", ".join(g["tactics"])) for g in r["goods"]],
                          columns=["goods kind", "words in the goods or product", "tactics it fits"]))

try:
    version = data_version()
    hqs = _hq_countries(version)
except StoreError as e:
    st.error(markdown(e))
    st.stop()
groups = jurisdiction_groups()
from_url("companies-jurisdiction", "jurisdiction", one_of(["", *groups, *hqs]))
from_url("companies-technology", "technology", one_of(["", *technologies()]))
left, right = st.columns(2)
jurisdiction = left.selectbox(
    "Headquarters jurisdiction", ["", *groups, *hqs], key="companies-jurisdiction",
    format_func=lambda j: "any" if not j else (f"{groups[j].name} ({len(groups[j].members)} states)" if j in groups
                                               else country_name(j)))
technology = right.selectbox("Technology", ["", *technologies()], key="companies-technology",
                             format_func=lambda t: t or "any")
values, _ = param_form("companies", PARAMETERS, submit="Apply", url_prefix="")
view = {"jurisdiction": jurisdiction, "technology": technology, **values.url}
if values.unresolved:  # the form says which name matched nothing, and what is close
    keep_in_url(view)
    st.stop()
params = {"state": values.get("state", ""), "jurisdiction": jurisdiction, "technology": technology,
          "documented_only": bool(values.get("documented_only", False))}
try:
    ranking = _ranking(version, **params)
except (QueryError, StoreError) as e:
    st.error(markdown(e))
    keep_in_url(view)
    st.stop()
if jurisdiction in groups:
    st.caption(markdown(f"{groups[jurisdiction].name}: {', '.join(groups[jurisdiction].members)} "
                        f"({groups[jurisdiction].source})"))
if ranking.empty:
    st.info("No company is linked to an incident with these filters: choose another jurisdiction, technology "
            "or state, or clear them.")
    keep_in_url(view)
    st.stop()
show_result(ranking, "companies", RANKING_COLUMNS, nodes={"company": "Company", "hq": "Country"})

st.subheader("Evidence behind one company's score")
names = dict(zip(ranking.company, ranking.company_name))
from_url("companies-evidence", "company", one_of(names))
company = st.selectbox("Company", list(names), format_func=lambda c: names[c], key="companies-evidence")
keep_in_url({**view, "company": "" if company == ranking.company.iloc[0] else company})
links = _evidence(version, company, params["state"], params["documented_only"])
show_result(links, f"companies-evidence-{company}", EVIDENCE_COLUMNS, nodes={"incident": "Incident", "state": "Country"})
