"""Reach metrics per origin state: how many host states and regions it reached, over how many years.

Computed on the directed origin→host graph built from PERPETRATED_BY and OCCURRED_IN: an edge from
origin to host for every cross-border incident. Incidents inside the origin state (at home) are counted
apart and do not make the origin its own host.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from graph.analysis.subgraph import load_graph
from graph.store.base import Store

COLUMNS = ["origin", "origin_name", "hosts", "regions", "incidents_abroad", "physical_abroad", "incidents_at_home",
           "first_year", "last_year", "span_years", "host_list", "region_list"]


def origin_host_graph(store: Store) -> nx.MultiDiGraph:
    """Origin → host multigraph, one edge per incident (edge key = incident id, with year and physical)."""
    g = load_graph(store, ("PERPETRATED_BY", "OCCURRED_IN"))
    flows = nx.MultiDiGraph()
    for inc in sorted(n for n, d in g.nodes(data=True) if d["label"] == "Incident"):
        d = g.nodes[inc]
        for _, o, k in g.out_edges(inc, keys=True):
            if k != "PERPETRATED_BY":
                continue
            for _, h, k2 in g.out_edges(inc, keys=True):
                if k2 == "OCCURRED_IN":
                    for n in (o, h):
                        flows.add_node(n, **g.nodes[n])
                    flows.add_edge(o, h, key=d["key"], year=d.get("year"), physical=bool(d.get("physical")))
    return flows


def reach(store: Store, origin: str = "") -> pd.DataFrame:
    """Reach of each origin state (or one, by ISO2).

    Returns
    -------
    pandas.DataFrame
        origin, origin_name, hosts (number of host states other than itself), regions (number of UN
        sub-regions of those hosts), incidents_abroad, physical_abroad, incidents_at_home, first_year and
        last_year (of incidents abroad), span_years (last_year - first_year; 0 for a single year),
        host_list, region_list. Most hosts first.
    """
    flows = origin_host_graph(store)
    rows = []
    for o in sorted(n for n in flows if flows.out_degree(n)):
        if origin and flows.nodes[o]["key"] != origin:
            continue
        abroad = [(h, d) for _, h, d in flows.out_edges(o, data=True) if h != o]
        home = [d for _, h, d in flows.out_edges(o, data=True) if h == o]
        hosts = sorted({flows.nodes[h]["key"] for h, _ in abroad})
        regions = sorted({flows.nodes[h].get("region") for h, _ in abroad if flows.nodes[h].get("region")})
        years = [d["year"] for _, d in abroad if d.get("year") is not None]
        first, last = (min(years), max(years)) if years else (None, None)
        rows.append({"origin": flows.nodes[o]["key"], "origin_name": flows.nodes[o]["name"], "hosts": len(hosts),
                     "regions": len(regions), "incidents_abroad": len(abroad),
                     "physical_abroad": sum(1 for _, d in abroad if d["physical"]), "incidents_at_home": len(home),
                     "first_year": first, "last_year": last, "span_years": (last - first) if years else None,
                     "host_list": hosts, "region_list": regions})
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.sort_values(["hosts", "incidents_abroad", "origin"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)
