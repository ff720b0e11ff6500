"""Complicity score for companies: a documented, explainable count, shown next to the facts behind it.

The facts come from the ``corporate_complicity`` query (portable Cypher), run once for all states;
the score is computed from them in Python. The formula (also in docs/analyses.md)::

    score = 3 * F + 1 * W + 1 * A + 1 * P

    F  incidents in which the company's product or service was used (FACILITATED)
    W  further incidents perpetrated by a state the company supplied, directly or through an agency
       PART_OF it (SUPPLIED), whose supply period overlaps the incident's year or is unknown;
       incidents already in F are not counted again. A supply link that rests only on an in-country
       detection (``basis_kind`` in_country_detection: the vendor's device was seen in the country, as
       in the Surveillance Industry Index's Blue Coat records) is not a known sale and does not count;
       such incidents are listed in ``detection_only_incidents``
    A  of the incidents in W, those attributed to the very agency the company supplied
    P  physical incidents (Freedom House's test) among F and W

There are no hidden weights: a direct use in an incident counts three times a link through supply,
because the product is shown in the act; a supply link whose window is unknown counts like one that
overlaps and is flagged in ``window_unknown``. The score counts documented links; it says nothing about
intent, and carriers or platforms that were used (``roles``) score like vendors: read the roles.
"""

from __future__ import annotations

import pandas as pd

from graph.queries import run_internal, run_query
from graph.store.base import Store

WEIGHTS = {"facilitated": 3, "supply_linked": 1, "agency_attributed": 1, "physical": 1}
COLUMNS = ["company", "company_name", "score", "facilitated", "supply_linked", "agency_attributed", "physical",
           "window_unknown", "detection_only_incidents", "states", "roles", "facilitated_incidents", "supply_linked_incidents",
           "actions_concerning", "sources", "formula"]


def complicity_scores(store: Store, state: str = "") -> pd.DataFrame:
    """Complicity score of every company linked to an incident (of one origin state, or of all).

    Returns
    -------
    pandas.DataFrame
        company, company_name, score and its terms (facilitated = F, supply_linked = W,
        agency_attributed = A, physical = P), window_unknown (incidents in W whose supply period is
        unknown), states, roles, the incident ids behind F and W, actions_concerning (accountability
        actions concerning the company; not part of the score), sources (every web source cited by the
        links), and the formula with the numbers filled in. Highest score first.
    """
    links = run_query(store, "corporate_complicity", {"state": state})
    acts = run_internal(store, "actions_concerning_companies")
    actions = {c: int(n) for c, n in zip(acts.company, acts.actions)}
    incidents = run_internal(store, "incident_physical")
    physical = {i: bool(p) for i, p in zip(incidents.incident, incidents.physical)}
    out = []
    for company, grp in links.groupby("company", sort=True):
        fac = set(grp[grp.link == "facilitated"].incident)
        supplied = grp[grp.link != "facilitated"]
        detected = supplied.basis_kind == "in_country_detection"
        sup = supplied[~detected]
        w = set(sup.incident) - fac
        detection_only = set(supplied[detected].incident) - fac - w
        a = {i for i in w if sup[(sup.incident == i) & (sup.agency_attributed == True)].shape[0]}  # noqa: E712
        unknown = {i for i in w if not (sup[sup.incident == i].window == "overlaps").any()}
        p = {i for i in fac | w if physical.get(i)}
        score = (WEIGHTS["facilitated"] * len(fac) + WEIGHTS["supply_linked"] * len(w)
                 + WEIGHTS["agency_attributed"] * len(a) + WEIGHTS["physical"] * len(p))
        sources = sorted({u for lst in list(grp.link_sources) + list(grp.incident_sources) for u in (lst or [])})
        out.append({
            "company": company, "company_name": grp.company_name.iloc[0], "score": score,
            "facilitated": len(fac), "supply_linked": len(w), "agency_attributed": len(a), "physical": len(p),
            "window_unknown": len(unknown), "detection_only_incidents": sorted(detection_only),
            "states": sorted(set(grp.state)),
            "roles": sorted({r for r in grp[grp.link == "facilitated"].evidence if r}),
            "facilitated_incidents": sorted(fac), "supply_linked_incidents": sorted(w),
            "actions_concerning": actions.get(company, 0), "sources": sources,
            "formula": f"3*{len(fac)} + {len(w)} + {len(a)} + {len(p)} = {score}",
        })
    df = pd.DataFrame(out, columns=COLUMNS)
    return df.sort_values(["score", "company_name"], ascending=[False, True], kind="stable").reset_index(drop=True)
