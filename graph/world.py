"""The world boundary files shipped in the package, and the Reach map drawn from them (Altair/Vega-Lite).

``graph/data/world/`` holds world-atlas 2.0.2 (npm, ISC licence, Mike Bostock), which is Natural Earth
(public domain) as TopoJSON: ``countries-110m.json`` is drawn, ``countries-50m.json`` gives the centroids
(it also has the small states 110m leaves out: Hong Kong, Bahrain, Singapore, Malta...). Both are read
with ``importlib.resources``; the chart carries its data inline, so the map needs no network at all
(no tiles, no URL data, no web fonts). Features are keyed by ISO2 (world-atlas uses ISO 3166-1 numeric
codes; Kosovo, which has none, is XK).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

import pandas as pd
import pycountry

_WORLD = files("graph") / "data" / "world"
# world-atlas features without an ISO 3166-1 numeric code that the graph has a code for.
_NAMED = {"Kosovo": "XK"}
BACKGROUND, FOCUS, FLOW = "#e8e8e8", "#1f4e79", "#d95f02"


def _iso2(geometry: dict[str, Any]) -> str | None:
    numeric = geometry.get("id")
    country = pycountry.countries.get(numeric=numeric) if numeric else None
    return country.alpha_2 if country else _NAMED.get(geometry.get("properties", {}).get("name"))


@lru_cache(maxsize=2)
def topology(resolution: str = "110m") -> dict[str, Any]:
    """The world-atlas ``countries-<resolution>.json`` topology, each country's ``id`` replaced by its ISO2
    (``None`` for the two it has no code for: N. Cyprus, Somaliland)."""
    topo = json.loads((_WORLD / f"countries-{resolution}.json").read_text(encoding="utf-8"))
    for g in topo["objects"]["countries"]["geometries"]:
        g["id"] = _iso2(g)
    return topo


def _arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs as lists of (lon, lat): quantised, delta-encoded positions decoded."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(arcs: list[list[tuple[float, float]]], indices: list[int]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indices:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]  # a negative index is the arc reversed
        ring.extend(points if not ring else points[1:])
    return ring


def _area_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """|area| and centroid of a closed ring, by the shoelace formula (planar, in degrees). A ring that
    touches both sides of the antimeridian (Russia's Chukotka, Fiji) is taken on the 0..360 side."""
    if any(x < -170 for x, _ in ring) and any(x > 170 for x, _ in ring):
        ring = [(x + 360 if x < 0 else x, y) for x, y in ring]
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a, cx, cy = a + cross, cx + (x0 + x1) * cross, cy + (y0 + y1) * cross
    if a == 0:
        xs, ys = zip(*ring)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(a / 2), cx / (3 * a), cy / (3 * a)


@lru_cache(maxsize=1)
def centroids() -> dict[str, tuple[float, float]]:
    """ISO2 → (longitude, latitude): the centroid of each country's largest polygon (its mainland, so
    France is not pulled towards French Guiana nor the United States towards Alaska), from the 50m file."""
    topo = topology("50m")
    arcs = _arcs(topo)
    out = {}
    for g in topo["objects"]["countries"]["geometries"]:
        if not g["id"] or g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        area, lon, lat = max(_area_centroid(_ring(arcs, p[0])) for p in polygons)  # outer rings
        out[g["id"]] = (round((lon + 180) % 360 - 180, 3), round(lat, 3))
    return out


def locate_flows(flows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``flows`` (origin_host_flows rows) with origin and host coordinates, and the ISO2 codes that have
    no centroid (their rows are left out of the lines, and the page says so)."""
    where = centroids()
    missing = sorted({c for c in pd.concat([flows["origin"], flows["host"]]) if c not in where})
    located = flows[flows["origin"].isin(where) & flows["host"].isin(where)].copy()
    for side in ("origin", "host"):
        located[f"{side}_lon"] = [where[c][0] for c in located[side]]
        located[f"{side}_lat"] = [where[c][1] for c in located[side]]
    return located.reset_index(drop=True), missing


def reach_map(flows: pd.DataFrame, focus: str | None = None, width: int = 900, height: int = 460):
    """An Altair chart of origin-to-host flows over the 110m world: one line per origin and host state
    (width = incidents), a circle per host (area = incidents). With ``focus`` (an ISO2), that state is
    drawn dark and every state at the other end of its flows is shaded by its incidents (one state's
    reach abroad, or what happens on its soil). All data is inline in the chart's spec."""
    import altair as alt

    located, _ = locate_flows(flows)
    # one copy of the boundaries in the spec's datasets, shared by every layer that draws countries
    world = alt.NamedData(name="world-110m", format=alt.DataFormat(type="topojson", feature="countries"))
    projection = {"type": "equalEarth"}
    base = alt.Chart(world).mark_geoshape(fill=BACKGROUND, stroke="white", strokeWidth=0.5).project(**projection)
    layers = [base]
    if focus:
        others = pd.concat([located.assign(id=located.host)[["id", "incidents"]][located.origin == focus],
                            located.assign(id=located.origin)[["id", "incidents"]][located.host == focus]])
        others = others.groupby("id", as_index=False)["incidents"].sum()
        shaded = (alt.Chart(world).mark_geoshape(stroke="white", strokeWidth=0.5)
                  .transform_lookup(lookup="id", from_=alt.LookupData(others, "id", ["incidents"]))
                  .transform_filter("isValid(datum.incidents)")
                  .encode(color=alt.Color("incidents:Q", scale=alt.Scale(scheme="oranges"), title="incidents"))
                  .project(**projection))
        mark = (alt.Chart(world).mark_geoshape(fill=FOCUS, stroke="white", strokeWidth=0.5)
                .transform_filter(alt.datum.id == focus).project(**projection))
        layers += [shaded, mark]
    tip = [alt.Tooltip("origin_name:N", title="origin"), alt.Tooltip("host_name:N", title="host"),
           alt.Tooltip("incidents:Q"), alt.Tooltip("documented:Q"), alt.Tooltip("first_year:Q", title="first year"),
           alt.Tooltip("last_year:Q", title="last year")]
    lines = (alt.Chart(located).mark_rule(color=FLOW, opacity=0.55)
             .encode(longitude="origin_lon:Q", latitude="origin_lat:Q", longitude2="host_lon:Q",
                     latitude2="host_lat:Q", strokeWidth=alt.StrokeWidth("incidents:Q", scale=alt.Scale(range=[1, 6]),
                                                                         legend=None), tooltip=tip)
             .project(**projection))
    hosts = located.groupby(["host", "host_name", "host_lon", "host_lat"], as_index=False)["incidents"].sum()
    circles = (alt.Chart(hosts).mark_circle(color=FLOW, opacity=0.8)
               .encode(longitude="host_lon:Q", latitude="host_lat:Q",
                       size=alt.Size("incidents:Q", scale=alt.Scale(range=[20, 400]), title="incidents in host"),
                       tooltip=[alt.Tooltip("host_name:N", title="host"), alt.Tooltip("incidents:Q")])
               .project(**projection))
    layers += [lines, circles]
    chart = alt.layer(*layers).properties(width=width, height=height).configure_view(stroke=None)
    chart.datasets = {"world-110m": topology("110m")}
    return chart
