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
       ``context_incidents`` with the reason, never scored. A supply link that rests only on an
       in-country detection (``basis_kind`` in_country_detection: the vendor's device was seen in the
       country, as in the Surveillance Industry Index's Blue Coat records) is not a known sale and does not
       count either; such incidents are listed in ``detection_only_incidents``
    A  of the incidents in W, those attributed to the very agency the company supplied
    P  physical incidents (Freedom House's test) among F and W

Attribution: with ``attribution=any`` (the default) an incident whose attribution to the state is only
suspected weighs exactly like a documented one, and ``suspected`` says how many of F and W are such;
with ``attribution=documented`` suspected incidents are left out of every term.

There are no hidden weights: a direct use in an incident counts three times a link through supply,
because the product is shown in the act. The score counts documented links; it says nothing about
intent, and carriers or platforms that were used (``roles``) score like vendors: read the roles.
"""

from __future__ import annotations

import pandas as pd

from graph.analysis.supply_links import judge
from graph.queries import run_internal, run_query
from graph.store.base import Store

WEIGHTS = {"facilitated": 3, "supply_linked": 1, "agency_attributed": 1, "physical": 1}
COLUMNS = ["company", "company_name", "score", "facilitated", "supply_linked", "agency_attributed", "physical",
           "suspected", "attribution", "context_incidents", "detection_only_incidents", "states", "roles",
           "facilitated_incidents", "supply_linked_incidents", "supply_evidence", "actions_concerning", "sources",
           "formula"]


def counts_as(link: dict) -> tuple[str, str]:
    """What one ``corporate_complicity`` row counts as in the score, and why: ``facilitated`` (the product
    was used in the incident), ``evidence`` or ``context`` (a supply link judged by the time-and-tactic rule,
    graph.analysis.supply_links), or ``detection_only`` (a device seen in the country, not a known sale)."""
    if link["link"] == "facilitated":
        return "facilitated", f"used in the incident ({link.get('evidence') or 'role not stated'})"
    if link.get("basis_kind") == "in_country_detection":
        return "detection_only", "an in-country detection of the vendor's device, not a known sale"
    return judge(link)


def complicity_links(store: Store, state: str = "", attribution: str = "any") -> pd.DataFrame:
    """Every row of the ``corporate_complicity`` query with ``counts_as`` and ``why``: which links the
    complicity score counts as evidence, and which it keeps as context (the rule and its reasons)."""
    links = run_query(store, "corporate_complicity", {"state": state, "attribution": attribution})
    judged = [counts_as(r) for r in links.to_dict("records")]
    links.insert(links.columns.get_loc("link") + 1, "counts_as", [j[0] for j in judged])
    links.insert(links.columns.get_loc("counts_as") + 1, "why", [j[1] for j in judged])
    return links


def complicity_scores(store: Store, state: str = "", attribution: str = "any") -> pd.DataFrame:
    """Complicity score of every company linked to an incident (of one origin state, or of all).

    Returns
    -------
    pandas.DataFrame
        company, company_name, score and its terms (facilitated = F, supply_linked = W,
        agency_attributed = A, physical = P), suspected (incidents in F or W attributed to the state on
        suspicion only), attribution (the filter used), context_incidents (supply-linked incidents that
        fail the time-and-tactic rule, as 'incident: reason'), detection_only_incidents, states, roles,
        the incident ids behind F and W, supply_evidence (for each incident in W, why the sale counts),
        actions_concerning (accountability actions concerning the company; not part of the score),
        sources (every web source cited by the links), and the formula with the numbers filled in.
        Highest score first.
    """
    links = complicity_links(store, state, attribution)
    acts = run_internal(store, "actions_concerning_companies")
    actions = {c: int(n) for c, n in zip(acts.company, acts.actions)}
    incidents = run_internal(store, "incident_physical")
    physical = {i: bool(p) for i, p in zip(incidents.incident, incidents.physical)}
    out = []
    for company, grp in links.groupby("company", sort=True):
        fac = set(grp[grp.counts_as == "facilitated"].incident)
        evidence = {}
        for r in grp[grp.counts_as == "evidence"].itertuples():
            if r.incident not in fac:
                evidence.setdefault(r.incident, r.why)
        w = set(evidence)
        a = {r.incident for r in grp[grp.counts_as == "evidence"].itertuples()
             if r.incident in w and r.agency_attributed is True}
        context = {}
        for r in grp[grp.counts_as == "context"].itertuples():
            if r.incident not in fac and r.incident not in w:
                context.setdefault(r.incident, r.why)
        detection_only = set(grp[grp.counts_as == "detection_only"].incident) - fac - w
        p = {i for i in fac | w if physical.get(i)}
        suspected = set(grp[(grp.incident.isin(fac | w)) & (grp.attribution != "documented")].incident)
        score = (WEIGHTS["facilitated"] * len(fac) + WEIGHTS["supply_linked"] * len(w)
                 + WEIGHTS["agency_attributed"] * len(a) + WEIGHTS["physical"] * len(p))
        sources = sorted({u for lst in list(grp.link_sources) + list(grp.incident_sources) for u in (lst or [])})
        out.append({
            "company": company, "company_name": grp.company_name.iloc[0], "score": score,
            "facilitated": len(fac), "supply_linked": len(w), "agency_attributed": len(a), "physical": len(p),
            "suspected": len(suspected), "attribution": attribution,
            "context_incidents": [f"{i}: {context[i]}" for i in sorted(context)],
            "detection_only_incidents": sorted(detection_only),
            "states": sorted(set(grp.state)),
            "roles": sorted({r for r in grp[grp.link == "facilitated"].evidence if r}),
            "facilitated_incidents": sorted(fac), "supply_linked_incidents": sorted(w),
            "supply_evidence": [f"{i}: {evidence[i]}" for i in sorted(evidence)],
            "actions_concerning": actions.get(company, 0), "sources": sources,
            "formula": f"3*{len(fac)} + {len(w)} + {len(a)} + {len(p)} = {score}",
        })
    df = pd.DataFrame(out, columns=COLUMNS)
    return df.sort_values(["score", "company_name"], ascending=[False, True], kind="stable").reset_index(drop=True)
