"""Complicity score for companies: a documented, explainable count, shown next to the facts behind it.

The facts come from the ``corporate_complicity`` query (portable Cypher), run once for all states;
the score is computed from them in Python. The formula (also in docs/analyses.md)::

    score = 3 * F + 1 * W + 1 * A + 1 * P

    F  incidents in which the company's product or service was used (FACILITATED)
    W  further incidents perpetrated by a state the company supplied, directly or through an agency
       PART_OF it (SUPPLIED), where the supply is evidence by the time-and-tactic rule
       (graph/data/supply_links.yaml, applied by graph.analysis.supply_links): the incident year lies
       within the documented supply period and the goods fit one of the incident's tactics. Incidents
       already in F are not counted again. Supply links that fail the rule are context: listed in
       ``context_reasons`` with the reason, never scored. A supply link that rests only on an
       in-country detection (``basis_kind`` in_country_detection: the vendor's device was seen in the
       country, as in the Surveillance Industry Index's Blue Coat records) is not a known sale and does not
       count either; such incidents are counted in ``detection_only``
    A  of the incidents in W, those attributed to the very agency the company supplied
    P  physical incidents (Freedom House's test) among F and W

Attribution: with ``attribution=any`` (the default) an incident whose attribution to the state is only
suspected weighs exactly like a documented one, and ``suspected`` says how many of F and W are such;
with ``attribution=documented`` suspected incidents are left out of every term.

There are no hidden weights: a direct use in an incident counts three times a link through supply,
because the product is shown in the act. The score counts documented links; it says nothing about
intent, and carriers or platforms that were used (``roles``) score like vendors: read the roles.

The rule is applied once per supply link and group of the state's incidents with the same year and
tactics (the verdict depends on nothing else), never once per link and incident: a state with 35,000
incidents and 1,300 suppliers is 1,300 links times a few hundred groups, not 46 million rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from graph.analysis.supply_links import goods_kinds, verdict, window
from graph.queries import run_internal, run_query
from graph.store.base import Store

WEIGHTS = {"facilitated": 3, "supply_linked": 1, "agency_attributed": 1, "physical": 1}
COLUMNS = ["company", "company_name", "score", "facilitated", "supply_linked", "agency_attributed", "physical",
           "suspected", "attribution", "context", "detection_only", "states", "roles",
           "facilitated_incidents", "supply_linked_incidents", "supply_evidence", "context_reasons",
           "actions_concerning", "sources", "formula"]
# complicity_links lists at most this many incident ids per row (the first by id; `incidents` counts all).
LISTED = 50
DETECTION = "an in-country detection of the vendor's device, not a known sale"
_LINK = ["company", "company_name", "state", "link", "supplied_to", "product", "goods", "basis_kind",
         "transfer_ids", "supply_year", "since", "until"]
LINK_COLUMNS = [*_LINK[:4], "counts_as", "why", "incidents", "incident", "incident_ids", "agency_attributed", *_LINK[4:],
                "evidence_path", "link_sources", "incident_sources", "source_record"]


@dataclass
class Judged:
    """One link of ``corporate_complicity`` and a group of incidents it counts the same way for."""

    link: dict
    counts_as: str  # facilitated, evidence, context or detection_only
    why: str
    incidents: list[dict] = field(default_factory=list)  # complicity_incidents rows


def _buckets(incidents: pd.DataFrame) -> dict[str, dict[tuple, list[dict]]]:
    """The incidents of each state grouped by what the time-and-tactic rule reads: year and tactics."""
    out: dict[str, dict[tuple, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in incidents.to_dict("records"):
        year = None if pd.isna(r["year"]) else int(r["year"])
        out[r["state"]][(year, tuple(r["tactics"] or ()))].append(r)
    return out


def judged(store: Store, state: str = "", attribution: str = "any", company: str = "") -> Iterator[Judged]:
    """Every link of ``corporate_complicity`` (of one company, or all) with what it counts as in the score,
    for each group of incidents that it counts alike."""
    links = run_query(store, "corporate_complicity", {"state": state, "attribution": attribution,
                                                      "include_outside": True})
    if company:
        links = links[links.company == company]
    incidents = run_internal(store, "complicity_incidents", {"state": state, "attribution": attribution})
    by_id = {(r["incident"], r["state"]): r for r in incidents.to_dict("records")}
    buckets = _buckets(incidents)
    for link in links.to_dict("records"):
        if link["link"] == "facilitated":
            yield Judged(link, "facilitated", f"used in the incident ({link.get('evidence') or 'role not stated'})",
                         [by_id[(link["incident"], link["state"])]])
            continue
        groups = buckets.get(link["state"], {})
        if link.get("basis_kind") == "in_country_detection":
            yield Judged(link, "detection_only", DETECTION, [r for rows in groups.values() for r in rows])
            continue
        kinds, period = goods_kinds(link), window(link)
        verdicts: dict[tuple[str, str], Judged] = {}
        for (year, tactics), rows in groups.items():
            counts_as, why = verdict(kinds, period, year, tactics)
            verdicts.setdefault((counts_as, why), Judged(link, counts_as, why)).incidents.extend(rows)
        yield from sorted(verdicts.values(), key=lambda j: (j.counts_as != "evidence", j.why))


def _agency_attributed(j: Judged) -> list[dict]:
    if j.link["link"] != "supplied_agency":
        return []
    return [r for r in j.incidents if j.link["supplied_id"] in (r["agencies"] or [])]


def complicity_links(store: Store, state: str = "", attribution: str = "any", company: str = "") -> pd.DataFrame:
    """What each link of ``corporate_complicity`` counts as in the complicity score, and why: one row per
    company, link and verdict (``counts_as``: facilitated, evidence, context or detection_only; ``why``: the
    role in the incident or the time-and-tactic rule's reason), with the number of incidents it holds for
    (``incidents``; ``incident`` when it is one, as for every facilitated link), their ids (at most
    :data:`LISTED`, the first by id) and ``agency_attributed`` (of them, those attributed to the supplied
    agency)."""
    rows = []
    for j in judged(store, state, attribution, company):
        ids = sorted({r["incident"] for r in j.incidents})
        link = j.link
        rows.append({**{c: link[c] for c in _LINK}, "counts_as": j.counts_as, "why": j.why,
                     "incidents": len(ids), "incident": ids[0] if len(ids) == 1 else None,
                     "incident_ids": ids[:LISTED],
                     "agency_attributed": len({r["incident"] for r in _agency_attributed(j)}),
                     "evidence_path": link["evidence_path"], "link_sources": link["link_sources"],
                     "incident_sources": link["incident_sources"], "source_record": link["source_record"]})
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def _summary(j: Judged, ids: list[str]) -> str:
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return f"{j.link['supplied_to']}: {j.why}: {shown}"


@dataclass
class _Tally:
    name: str = ""
    fac: set = field(default_factory=set)
    evidence: list = field(default_factory=list)  # Judged groups counted as evidence
    context: list = field(default_factory=list)
    detections: list = field(default_factory=list)
    agency: set = field(default_factory=set)
    states: set = field(default_factory=set)
    roles: set = field(default_factory=set)
    sources: set = field(default_factory=set)
    attribution: dict = field(default_factory=dict)  # incident -> attributions of the links that count it


def complicity_scores(store: Store, state: str = "", attribution: str = "any") -> pd.DataFrame:
    """Complicity score of every company linked to an incident (of one origin state, or of all).

    Returns
    -------
    pandas.DataFrame
        company, company_name, score and its terms (facilitated = F, supply_linked = W,
        agency_attributed = A, physical = P), suspected (incidents in F or W attributed to the state on
        suspicion only), attribution (the filter used), context (supply-linked incidents that fail the
        time-and-tactic rule: not scored), detection_only (incidents linked only by in-country detections),
        states, roles, the incident ids behind F and W, supply_evidence and context_reasons (for each link
        and reason, the incidents it holds for: 'supplied_to: why: ids'), actions_concerning (accountability
        actions concerning the company; not part of the score), sources (every web source cited by the
        links) and the formula with the numbers filled in. Highest score first.
    """
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    physical: dict[str, bool] = {}
    for j in judged(store, state, attribution):
        t = tallies[j.link["company"]]
        t.name = j.link["company_name"]
        t.states.add(j.link["state"])
        t.sources.update(j.link["link_sources"] or [])
        for r in j.incidents:
            physical[r["incident"]] = bool(r["physical"])
        if j.counts_as == "facilitated":
            t.fac.add(j.link["incident"])
            if j.link["evidence"]:
                t.roles.add(j.link["evidence"])
            t.sources.update(j.link["incident_sources"] or [])
            t.attribution.setdefault(j.link["incident"], set()).add(j.link["attribution"])
        elif j.counts_as == "evidence":
            t.evidence.append(j)
            t.agency.update(r["incident"] for r in _agency_attributed(j))
        else:
            (t.context if j.counts_as == "context" else t.detections).append(j)
    acts = run_internal(store, "actions_concerning_companies")
    actions = {c: int(n) for c, n in zip(acts.company, acts.actions)}
    out = [_score(company, t, physical, actions.get(company, 0), attribution) for company, t in tallies.items()]
    df = pd.DataFrame(out, columns=COLUMNS)
    return df.sort_values(["score", "company_name"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _score(company: str, t: _Tally, physical: dict, actions: int, attribution: str) -> dict:
    fac = t.fac
    w: set[str] = set()
    evidence_lines = []
    for j in t.evidence:
        ids = sorted({r["incident"] for r in j.incidents} - fac)
        w.update(ids)
        for r in j.incidents:
            if r["incident"] in ids:
                t.attribution.setdefault(r["incident"], set()).add(r["attribution"])
                t.sources.update(r["incident_sources"] or [])
        if ids:
            evidence_lines.append(_summary(j, ids))
    a = t.agency & w
    counted = fac | w
    context: set[str] = set()
    context_lines = []
    for j in t.context:
        ids = sorted({r["incident"] for r in j.incidents} - counted)
        context.update(ids)
        if ids:
            context_lines.append(_summary(j, ids))
    detections: set[str] = set()
    for j in t.detections:
        ids = sorted({r["incident"] for r in j.incidents} - counted)
        detections.update(ids)
        if ids:
            context_lines.append(_summary(j, ids))
    detections -= context
    p = {i for i in counted if physical.get(i)}
    suspected = {i for i in counted if t.attribution.get(i, set()) - {"documented"}}
    score = (WEIGHTS["facilitated"] * len(fac) + WEIGHTS["supply_linked"] * len(w)
             + WEIGHTS["agency_attributed"] * len(a) + WEIGHTS["physical"] * len(p))
    return {
        "company": company, "company_name": t.name, "score": score,
        "facilitated": len(fac), "supply_linked": len(w), "agency_attributed": len(a), "physical": len(p),
        "suspected": len(suspected), "attribution": attribution, "context": len(context),
        "detection_only": len(detections), "states": sorted(t.states), "roles": sorted(t.roles),
        "facilitated_incidents": sorted(fac), "supply_linked_incidents": sorted(w),
        "supply_evidence": sorted(evidence_lines), "context_reasons": sorted(context_lines),
        "actions_concerning": actions, "sources": sorted(t.sources),
        "formula": f"3*{len(fac)} + {len(w)} + {len(a)} + {len(p)} = {score}",
    }
