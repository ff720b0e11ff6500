"""The Companies page's ranking: the complicity score (graph.analysis.complicity) of every company, with
its headquarters and the technology it deals in, filtered by headquarters jurisdiction (a country or a
group of graph/data/jurisdiction_groups.yaml), recipient state, technology and documented attribution.

The score and its terms are computed by :func:`graph.analysis.complicity.complicity_scores` only;
:data:`~graph.analysis.complicity.TERMS` and :func:`~graph.analysis.complicity.formula` explain them from the
weights that function uses; the columns' meanings are the ``complicity_score`` and ``complicity_links``
analyses' own (graph.analysis.ANALYSES).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import pandas as pd
import pycountry
import yaml

from graph.analysis import ANALYSES
from graph.analysis.complicity import LINK_COLUMNS, TERMS, complicity_links, complicity_scores
from graph.analysis.supply_links import goods_kinds, rules
from graph.countries import country_name
from graph.queries import Param, QueryError, run_internal, run_query
from graph.store.base import Store

GROUPS_FILE = files("graph") / "data" / "jurisdiction_groups.yaml"

_SCORE = ANALYSES["complicity_score"].columns
RANKING_COLUMNS = {
    **{c: _SCORE[c] for c in ("company", "company_name")},
    "hq": "ISO2 of its headquarters country (the first by code if the graph gives several)",
    "hq_name": "name of that country",
    "technology": "kinds of technology it deals in (the goods kinds of graph/data/supply_links.yaml named by its "
                  "sector, products, technology or the goods of its links)",
    **{c: _SCORE[c] for c in ("score", *TERMS, "suspected", "states", "facilitated_incidents", "supply_linked_incidents",
                              "context", "detection_only", "context_reasons", "formula")},
}


# The ranking's parameters a form asks for (jurisdiction and technology are chosen from lists).
PARAMETERS = {
    "state": Param("state", "string", "", "the recipient (perpetrator) state whose incidents count ('' for all)",
                   picks=("Country",)),
    "documented_only": Param("documented_only", "bool", False, "only incidents attributed to the state on documented "
                             "evidence count (suspected ones weigh the same as documented ones otherwise)"),
}

EVIDENCE_COLUMNS = {c: ANALYSES["complicity_links"].columns[c] for c in (
    "state", "link", "supplied_to", "counts_as", "why", "incidents", "incident", "incident_ids", "evidence_path",
    "link_sources", "incident_sources")}
assert set(EVIDENCE_COLUMNS) <= set(LINK_COLUMNS)


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    source: str
    members: tuple[str, ...]


@lru_cache(maxsize=1)
def jurisdiction_groups() -> dict[str, Group]:
    """The groups of graph/data/jurisdiction_groups.yaml; a member that is not an ISO 3166-1 alpha-2 code
    raises, naming the file, the group and the member."""
    raw = yaml.safe_load(GROUPS_FILE.read_text(encoding="utf-8"))
    out = {}
    for code, spec in raw["groups"].items():
        members = []
        for m in spec["members"]:
            if not isinstance(m, str) or len(m) != 2 or pycountry.countries.get(alpha_2=m) is None:
                raise ValueError(f"{GROUPS_FILE.name}: group {code}: member {m!r} is not an ISO 3166-1 alpha-2 code")
            members.append(m)
        if len(set(members)) != len(members):
            raise ValueError(f"{GROUPS_FILE.name}: group {code}: a member is listed twice")
        out[str(code)] = Group(str(code), spec["name"], spec.get("source", ""), tuple(sorted(members)))
    return out


def jurisdiction_members(jurisdiction: str) -> set[str]:
    """The ISO2 codes a jurisdiction filter stands for: a group's members, or one country code."""
    groups = jurisdiction_groups()
    if jurisdiction in groups:
        return set(groups[jurisdiction].members)
    if len(jurisdiction) == 2 and jurisdiction.isalpha():
        return {jurisdiction.upper()}
    raise QueryError(f"jurisdiction {jurisdiction!r}: give an ISO2 code or one of the groups {', '.join(groups)}")


def hq_countries(store: Store) -> list[str]:
    """The headquarters countries of the graph's companies (ISO2), sorted."""
    return sorted({hq for hqs in run_internal(store, "company_facets").hq for hq in (hqs or [])})


def technologies() -> list[str]:
    """The technology kinds a company can be filtered by: the goods kinds of the time-and-tactic rule."""
    return [row["kind"] for row in rules()["goods"]]


def _technology(facets: dict, links: pd.DataFrame) -> list[str]:
    texts = [facets.get("sector") or "", *(facets.get("products") or []), *(facets.get("technology") or [])]
    kinds = set(goods_kinds({"goods": texts, "product": None}))
    for r in links.itertuples():
        kinds |= set(goods_kinds({"goods": r.goods, "product": r.product}))
    return [k for k in technologies() if k in kinds]


def company_ranking(store: Store, state: str = "", jurisdiction: str = "", technology: str = "",
                    documented_only: bool = False) -> pd.DataFrame:
    """The complicity ranking (highest score first), one row per company with the columns of
    :data:`RANKING_COLUMNS`.

    ``state``: only the incidents of this perpetrator (recipient) state count ('' for all);
    ``jurisdiction``: only companies headquartered in this ISO2 country or group; ``technology``: only
    companies dealing in this goods kind (:func:`technologies`); ``documented_only``: only incidents
    attributed to the state on documented evidence count (complicity_scores' ``attribution=documented``).
    """
    if technology and technology not in technologies():
        raise QueryError(f"technology {technology!r}: expected one of {', '.join(technologies())}")
    members = jurisdiction_members(jurisdiction) if jurisdiction else None
    attribution = "documented" if documented_only else "any"
    scores = complicity_scores(store, state, attribution)
    links = run_query(store, "corporate_complicity", {"state": state, "attribution": attribution,
                                                      "include_outside": True})
    facets = {r["company"]: r for r in run_internal(store, "company_facets").to_dict("records")}
    rows = []
    for r in scores.to_dict("records"):
        f = facets.get(r["company"], {})
        hq = (f.get("hq") or [None])[0]
        tech = _technology(f, links[links.company == r["company"]])
        if members is not None and hq not in members:
            continue
        if technology and technology not in tech:
            continue
        rows.append({**r, "hq": hq, "hq_name": country_name(hq) if hq else None, "technology": tech})
    return pd.DataFrame(rows, columns=list(RANKING_COLUMNS))


def evidence(store: Store, company: str, state: str = "", documented_only: bool = False) -> pd.DataFrame:
    """The links behind one company's score (complicity_links), with their evidence path and sources."""
    links = complicity_links(store, state, "documented" if documented_only else "any", company)
    return links[list(EVIDENCE_COLUMNS)].reset_index(drop=True)
