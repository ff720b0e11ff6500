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

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

import pandas as pd

from graph.analysis.supply_links import goods_kinds, verdict, window
from graph.queries import INTERNAL_PACKAGE, get_query, run_internal, run_query
from graph.store.base import Store

WEIGHTS = {"facilitated": 3, "supply_linked": 1, "agency_attributed": 1, "physical": 1}
# The score's terms: result column -> (symbol, what it counts). The weights are WEIGHTS, the ones
# complicity_scores multiplies by; the Companies page and the score's column meanings show them;
# tests/test_companies.py checks every row's score against them.
TERMS = {
    "facilitated": ("F", "incidents in which the company's product or service was used (FACILITATED)"),
    "supply_linked": ("W", "further incidents perpetrated by a state the company supplied, directly or through an "
                      "agency PART_OF it (SUPPLIED), where the sale is evidence by the time-and-tactic rule: the "
                      "incident year lies in the documented supply period and the goods fit one of the incident's "
                      "tactics; incidents in F are not counted again, a sale resting only on an in-country "
                      "detection never counts"),
    "agency_attributed": ("A", "of the incidents in W, those attributed to the very agency the company supplied"),
    "physical": ("P", "physical incidents (Freedom House's test) among those in F and W"),
}


def formula() -> str:
    """The score's formula from the weights complicity_scores uses.

    >>> formula()
    'score = 3·F + 1·W + 1·A + 1·P'
    """
    return "score = " + " + ".join(f"{WEIGHTS[col]}·{sym}" for col, (sym, _) in TERMS.items())


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


class Group:
    """Incidents (complicity_incidents rows) that a link counts alike, with their ids sorted and as a set;
    shared by every link that gets the same verdicts, so nothing here is per link and incident."""

    __slots__ = ("rows", "ids", "idset")

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self.ids = sorted({r["incident"] for r in rows})
        self.idset = frozenset(self.ids)


@dataclass
class Judged:
    """One link of ``corporate_complicity`` and a group of incidents it counts the same way for."""

    link: dict
    counts_as: str  # facilitated, evidence, context or detection_only
    why: str
    group: Group


def _buckets(incidents: pd.DataFrame) -> dict[str, dict[tuple, list[dict]]]:
    """The incidents of each state grouped by what the time-and-tactic rule reads: year and tactics."""
    out: dict[str, dict[tuple, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in incidents.to_dict("records"):
        year = None if pd.isna(r["year"]) else int(r["year"])
        out[r["state"]][(year, tuple(sorted(r["tactics"] or ())))].append(r)
    return out


def complicity_incidents(store: Store, state: str = "", attribution: str = "any") -> pd.DataFrame:
    return run_internal(store, "complicity_incidents", {"state": state, "attribution": attribution})


def judged(store: Store, state: str = "", attribution: str = "any", company: str = "",
           incidents: pd.DataFrame | None = None) -> Iterator[Judged]:
    """Every link of ``corporate_complicity`` (of one company, or all) with what it counts as in the score,
    for each group of incidents that it counts alike (``incidents``: :func:`complicity_incidents`, if
    already read)."""
    links = run_query(store, "corporate_complicity", {"state": state, "attribution": attribution,
                                                      "include_outside": True})
    if company:
        links = links[links.company == company]
    if incidents is None and company:  # only the states the company's links reach
        frames = [complicity_incidents(store, s, attribution) for s in sorted(set(links.state))]
        incidents = (pd.concat(frames, ignore_index=True) if frames else
                     pd.DataFrame(columns=list(get_query("complicity_incidents", INTERNAL_PACKAGE).columns)))
    elif incidents is None:
        incidents = complicity_incidents(store, state, attribution)
    by_id = {(r["incident"], r["state"]): r for r in incidents.to_dict("records")}
    buckets = _buckets(incidents)
    verdicts: dict[tuple, list] = {}
    everything: dict[str, Group] = {}
    for link in links.to_dict("records"):
        if link["link"] == "facilitated":
            yield Judged(link, "facilitated", f"used in the incident ({link.get('evidence') or 'role not stated'})",
                         Group([by_id[(link["incident"], link["state"])]]))
            continue
        groups = buckets.get(link["state"], {})
        if link.get("basis_kind") == "in_country_detection":
            if link["state"] not in everything:
                everything[link["state"]] = Group([r for rows in groups.values() for r in rows])
            yield Judged(link, "detection_only", DETECTION, everything[link["state"]])
            continue
        kinds, period = goods_kinds(link), window(link)
        key = (link["state"], tuple(sorted((k, tuple(v)) for k, v in kinds.items())), period)
        if key not in verdicts:  # links with the same goods kinds and period get the same verdicts
            verdicts[key] = _verdicts(groups, kinds, period)
        for (counts_as, why), group in verdicts[key]:
            yield Judged(link, counts_as, why, group)


_FITS_NONE = re.compile(r"^(?P<kinds>.+) fits none of (?P<tactics>.+)$")


def _verdicts(groups: dict[tuple, list[dict]], kinds: dict, period: tuple[int, int] | None) -> list:
    """The incident groups of a state merged by the verdict of the time-and-tactic rule, evidence first.
    Context verdicts that differ only in the incidents' tactics are one group, naming all those tactics
    ("intrusion fits none of assassination, threats"): a state's incidents have hundreds of tactic mixes."""
    out: dict[tuple[str, str], list[dict]] = {}
    tactics_of: dict[str, set[str]] = defaultdict(set)
    for (year, tactics), rows in groups.items():
        counts_as, why = verdict(kinds, period, year, tactics)
        if counts_as == "context":
            parts, m = why.split("; "), None
            for n, part in enumerate(parts):
                if m := _FITS_NONE.match(part):
                    parts[n] = f"{m['kinds']} fits none of {{}}"
                    break
            why = "; ".join(parts)
            if m:
                tactics_of[why].update(m["tactics"].split(", "))
        out.setdefault((counts_as, why), []).extend(rows)
    merged = []
    for (counts_as, why), rows in out.items():
        if "{}" in why:
            why = why.replace("{}", ", ".join(sorted(tactics_of[why])))
        merged.append(((counts_as, why), Group(rows)))
    return sorted(merged, key=lambda kv: (kv[0][0] != "evidence", kv[0][1]))


def _agency_attributed(j: Judged) -> set[str]:
    if j.link["link"] != "supplied_agency":
        return set()
    return {r["incident"] for r in j.group.rows if j.link["supplied_id"] in (r["agencies"] or [])}


def complicity_links(store: Store, state: str = "", attribution: str = "any", company: str = "") -> pd.DataFrame:
    """What each link of ``corporate_complicity`` counts as in the complicity score, and why: one row per
    company, link and verdict (``counts_as``: facilitated, evidence, context or detection_only; ``why``: the
    role in the incident or the time-and-tactic rule's reason), with the number of incidents it holds for
    (``incidents``; ``incident`` when it is one, as for every facilitated link), their ids (at most
    :data:`LISTED`, the first by id) and ``agency_attributed`` (of them, those attributed to the supplied
    agency)."""
    rows = []
    for j in judged(store, state, attribution, company):
        ids = j.group.ids
        link = j.link
        rows.append({**{c: link[c] for c in _LINK}, "counts_as": j.counts_as, "why": j.why,
                     "incidents": len(ids), "incident": ids[0] if len(ids) == 1 else None,
                     "incident_ids": ids[:LISTED],
                     "agency_attributed": len(_agency_attributed(j)),
                     "evidence_path": link["evidence_path"], "link_sources": link["link_sources"],
                     "incident_sources": link["incident_sources"], "source_record": link["source_record"]})
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def _left(j: Judged, leave_out: set[str]) -> int:
    """How many incidents of ``j`` are not in ``leave_out`` (the intersection costs the smaller set)."""
    return len(j.group.idset) - len(j.group.idset & leave_out)


def _summary(j: Judged, leave_out: set[str]) -> tuple[int, str | None]:
    """How many incidents of ``j`` are not in ``leave_out``, and the line 'supplied_to: why: ids' saying so."""
    left = _left(j, leave_out)
    if not left:
        return 0, None
    first = list(islice((i for i in j.group.ids if i not in leave_out), 5))
    shown = ", ".join(first) + (f" and {left - 5} more" if left > 5 else "")
    return left, f"{j.link['supplied_to']}: {j.why}: {shown}"


def _distinct(js: list[Judged], leave_out: set[str], multi: frozenset[str]) -> int:
    """The number of distinct incidents in the groups of ``js`` that are not in ``leave_out``, without
    building their union where it cannot overlap: the groups of one link are disjoint, and groups of
    different states share only the incidents perpetrated by several states (``multi``)."""
    by_state: dict[str, list[Judged]] = defaultdict(list)
    for j in js:
        by_state[j.link["state"]].append(j)
    total, shared, shared_count = 0, set(), 0
    for group in by_state.values():
        if len({id(j.link) for j in group}) == 1:
            total += sum(_left(j, leave_out) for j in group)
            in_multi = set().union(*(j.group.idset & multi for j in group)) - leave_out
        else:
            union = set().union(*(j.group.idset for j in group)) - leave_out
            total += len(union)
            in_multi = union & multi
        shared |= in_multi
        shared_count += len(in_multi)
    return total - (shared_count - len(shared))


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
    incidents = complicity_incidents(store, state, attribution)
    physical = {i: bool(p) for i, p in zip(incidents.incident, incidents.physical)}
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for j in judged(store, state, attribution, incidents=incidents):
        t = tallies[j.link["company"]]
        t.name = j.link["company_name"]
        t.states.add(j.link["state"])
        t.sources.update(j.link["link_sources"] or [])
        if j.counts_as == "facilitated":
            t.fac.add(j.link["incident"])
            if j.link["evidence"]:
                t.roles.add(j.link["evidence"])
            t.sources.update(j.link["incident_sources"] or [])
            t.attribution.setdefault(j.link["incident"], set()).add(j.link["attribution"])
        elif j.counts_as == "evidence":
            t.evidence.append(j)
            t.agency |= _agency_attributed(j)
        else:
            (t.context if j.counts_as == "context" else t.detections).append(j)
    acts = run_internal(store, "actions_concerning_companies")
    actions = {c: int(n) for c, n in zip(acts.company, acts.actions)}
    multi = frozenset(incidents.incident[incidents.incident.duplicated()])
    out = [_score(company, t, physical, multi, actions.get(company, 0), attribution)
           for company, t in tallies.items()]
    df = pd.DataFrame(out, columns=COLUMNS)
    return df.sort_values(["score", "company_name"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _score(company: str, t: _Tally, physical: dict[str, bool], multi: frozenset[str], actions: int,
           attribution: str) -> dict:
    fac = t.fac
    w: set[str] = set()
    evidence_lines = []
    for j in t.evidence:
        ids = j.group.idset - fac
        w |= ids
        for r in j.group.rows:
            if r["incident"] in ids:
                t.attribution.setdefault(r["incident"], set()).add(r["attribution"])
                t.sources.update(r["incident_sources"] or [])
        evidence_lines.append(_summary(j, fac)[1])
    a = t.agency & w
    counted = fac | w
    context = _distinct(t.context, counted, multi)
    detections = _distinct(t.context + t.detections, counted, multi) - context
    context_lines = [line for j in t.context + t.detections if (line := _summary(j, counted)[1])]
    p = {i for i in counted if physical.get(i)}
    suspected = {i for i in counted if t.attribution.get(i, set()) - {"documented"}}
    score = (WEIGHTS["facilitated"] * len(fac) + WEIGHTS["supply_linked"] * len(w)
             + WEIGHTS["agency_attributed"] * len(a) + WEIGHTS["physical"] * len(p))
    return {
        "company": company, "company_name": t.name, "score": score,
        "facilitated": len(fac), "supply_linked": len(w), "agency_attributed": len(a), "physical": len(p),
        "suspected": len(suspected), "attribution": attribution, "context": context,
        "detection_only": detections, "states": sorted(t.states), "roles": sorted(t.roles),
        "facilitated_incidents": sorted(fac), "supply_linked_incidents": sorted(w),
        "supply_evidence": sorted(line for line in evidence_lines if line), "context_reasons": sorted(context_lines),
        "actions_concerning": actions, "sources": sorted(t.sources),
        "formula": f"3*{len(fac)} + {len(w)} + {len(a)} + {len(p)} = {score}",
    }
