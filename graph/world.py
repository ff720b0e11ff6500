"""The world boundary files shipped in the package, and the Reach map drawn from them (Altair/Vega-Lite).

``graph/data/world/`` holds world-atlas 2.0.2 (npm, ISC licence, Mike Bostock), which is Natural Earth
4.1.0 (public domain) as TopoJSON: ``countries-110m.json`` is drawn, ``countries-50m.json`` gives the
centroids (it also has the small states 110m leaves out: Hong Kong, Bahrain, Singapore, Malta...). Both are
read with ``importlib.resources``; the chart carries its data inline, so the map needs no network at all
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

from graph.queries import run_query
from graph.store.base import Store

_WORLD = files("graph") / "data" / "world"
DRAWN, CENTROIDS = "110m", "50m"
# world-atlas features without an ISO 3166-1 numeric code that the graph has a code for.
_NAMED = {"Kosovo": "XK"}
BACKGROUND, FOCUS = "#e8e8e8", "#1f4e79"
# line colour per direction of a flow, seen from the state picked (all flows are "abroad" with none)
DIRECTIONS = {"abroad": "#d95f02", "on its soil": "#7570b3"}
FLOW_COLUMNS = {"direction": "abroad: the picked state's incidents in another state; on its soil: another "
                             "state's incidents in the picked state"}


def _iso2(geometry: dict[str, Any]) -> str | None:
    numeric = geometry.get("id")
    country = pycountry.countries.get(numeric=numeric) if numeric else None
    return country.alpha_2 if country else _NAMED.get(geometry.get("properties", {}).get("name"))


@lru_cache(maxsize=2)
def _topology(resolution: str) -> str:
    topo = json.loads((_WORLD / f"countries-{resolution}.json").read_text(encoding="utf-8"))
    for g in topo["objects"]["countries"]["geometries"]:
        g["id"] = _iso2(g)
    del topo["objects"]["land"]  # only the countries are drawn
    return json.dumps(topo)


def topology(resolution: str = DRAWN) -> dict[str, Any]:
    """The world-atlas ``countries-<resolution>.json`` topology (a fresh copy), each country's ``id``
    replaced by its ISO2 (``None`` for those it has no code for: N. Cyprus, Somaliland...)."""
    return json.loads(_topology(resolution))


@lru_cache(maxsize=1)
def drawn_codes() -> frozenset[str]:
    """The ISO2 codes that have a polygon in the drawn (110m) file."""
    return frozenset(g["id"] for g in topology(DRAWN)["objects"]["countries"]["geometries"] if g["id"])


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
    touches both sides of the antimeridian is taken on the 0..360 side."""
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
    France is not pulled towards French Guiana nor Australia to the Ashmore and Cartier Islands, which
    the file gives Australia's code too), from the 50m file."""
    topo = topology(CENTROIDS)
    arcs = _arcs(topo)
    best: dict[str, tuple[float, float, float]] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        if not g["id"] or g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        largest = max(_area_centroid(_ring(arcs, p[0])) for p in polygons)  # outer rings
        best[g["id"]] = max(best.get(g["id"], largest), largest)
    return {code: (round((lon + 180) % 360 - 180, 3), round(lat, 3)) for code, (_, lon, lat) in best.items()}


def reach_flows(store: Store, state: str = "", **filters: Any) -> pd.DataFrame:
    """The flows the Reach map draws: ``origin_host_flows`` with ``filters`` (year_from, year_to, tactic,
    attribution) for every state, or, for one ``state`` (ISO2), its flows abroad then the flows on its
    soil, each row with its ``direction`` first (:data:`FLOW_COLUMNS`)."""
    if not state:
        return run_query(store, "origin_host_flows", filters)
    abroad = run_query(store, "origin_host_flows", {**filters, "origin": state}).assign(direction="abroad")
    on_soil = run_query(store, "origin_host_flows", {**filters, "host": state}).assign(direction="on its soil")
    both = pd.concat([abroad, on_soil], ignore_index=True)
    return both[["direction", *both.columns.drop("direction")]]


def unlocated(flows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The states of ``flows`` that the map cannot draw as a shape: those with no centroid at all (no line
    reaches them) and those drawn as a point only (in the 50m file, too small for the 110m one)."""
    codes = sorted(set(flows["origin"]) | set(flows["host"])) if len(flows) else []
    where, shapes = centroids(), drawn_codes()
    return [c for c in codes if c not in where], [c for c in codes if c in where and c not in shapes]


def locate_flows(flows: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``flows`` whose two states both have a centroid, with their coordinates."""
    where = centroids()
    located = flows[flows["origin"].isin(where) & flows["host"].isin(where)].copy()
    for side in ("origin", "host"):
        located[f"{side}_lon"] = [where[c][0] for c in located[side]]
        located[f"{side}_lat"] = [where[c][1] for c in located[side]]
    return located.reset_index(drop=True)


def shading(flows: pd.DataFrame, focus: str | None = None) -> pd.DataFrame:
    """Incidents per state to shade the map with (columns id, incidents): with no ``focus``, each host by
    the incidents on its soil; with one, every state at the other end of the focus state's flows."""
    if not focus:
        other = flows.assign(id=flows.host)
    else:
        other = pd.concat([flows[flows.origin == focus].assign(id=lambda d: d.host),
                           flows[flows.host == focus].assign(id=lambda d: d.origin)])
    return other.groupby("id", as_index=False)["incidents"].sum() if len(other) else pd.DataFrame(
        {"id": pd.Series(dtype=str), "incidents": pd.Series(dtype=int)})


# Equal Earth (Šavrič, Patterson and Jenny 2018) at scale 1: x spans ±2.7064, y 1.3174 at the pole and
# -1.0613 at 58°S, below which no state but Antarctica (left out) lies.
_HALF_WIDTH, _TOP, _BOTTOM = 2.7064, 1.3174, -1.0613


def _projection(width: int) -> tuple[dict[str, Any], int]:
    """An Equal Earth projection that fits the world from the North Pole to 58°S into ``width`` pixels, and
    the height that takes (Vega-Lite's own fit left the Arctic out once the lines were layered on)."""
    scale = width / (2 * _HALF_WIDTH)
    return ({"type": "equalEarth", "scale": scale, "translate": [width / 2, _TOP * scale + 2]},
            round((_TOP - _BOTTOM) * scale) + 4)


@lru_cache(maxsize=1)
def _world_data():
    """The drawn boundaries as Altair inline data, built once (Altair checks the 100 kB topology on construction)."""
    import altair as alt

    return alt.InlineData(values=topology(DRAWN), format=alt.DataFormat(type="topojson", feature="countries"))


def reach_map(flows: pd.DataFrame, focus: str | None = None, width: int = 860):
    """An Altair chart of ``flows`` (:func:`reach_flows` rows) over the 110m world: one line per origin and
    host state (width = incidents, colour = direction), a circle per host (area = incidents), the states
    shaded by :func:`shading`, the ``focus`` state (an ISO2) dark. The boundaries are inline in the spec
    (one copy, the top-level data every country layer reads); no layer names a URL."""
    import altair as alt

    world = _world_data()
    projection, height = _projection(width)
    layers = [alt.Chart().mark_geoshape(fill=BACKGROUND, stroke="white", strokeWidth=0.5)
              .transform_filter(alt.datum.id != "AQ")  # no incident in Antarctica: the map fits the rest
              .project(**projection)]
    shaded = shading(flows, focus)
    if len(shaded):
        layers.append(alt.Chart().mark_geoshape(stroke="white", strokeWidth=0.5)
                      .transform_lookup(lookup="id", from_=alt.LookupData(shaded, "id", ["incidents"]))
                      .transform_filter("isValid(datum.incidents)")
                      .encode(color=alt.Color("incidents:Q", scale=alt.Scale(scheme="oranges", domainMin=0),
                                              legend=alt.Legend(format="d", tickMinStep=1, orient="bottom"),
                                              title="incidents" if not focus else "incidents with it"),
                              tooltip=[alt.Tooltip("incidents:Q")])
                      .project(**projection))
    if focus:
        layers.append(alt.Chart().mark_geoshape(fill=FOCUS, stroke="white", strokeWidth=0.5)
                      .transform_filter(alt.datum.id == focus).project(**projection))
    located = locate_flows(flows if "direction" in flows else flows.assign(direction="abroad"))
    if len(located):
        tip = [alt.Tooltip("origin_name:N", title="origin"), alt.Tooltip("host_name:N", title="host"),
               alt.Tooltip("incidents:Q"), alt.Tooltip("documented:Q"), alt.Tooltip("first_year:Q", title="first year"),
               alt.Tooltip("last_year:Q", title="last year")]
        colour = alt.Color("direction:N", scale=alt.Scale(domain=list(DIRECTIONS), range=list(DIRECTIONS.values())),
                           title="flow", legend=alt.Legend(orient="bottom") if focus else None)
        layers.append(alt.Chart(located).mark_rule(opacity=0.6, strokeCap="round")
                      .encode(longitude="origin_lon:Q", latitude="origin_lat:Q", longitude2="host_lon:Q",
                              latitude2="host_lat:Q", color=colour, tooltip=tip,
                              strokeWidth=alt.StrokeWidth("incidents:Q", scale=alt.Scale(range=[1, 6]), legend=None))
                      .project(**projection))
        hosts = located.groupby(["host", "host_name", "host_lon", "host_lat"], as_index=False)["incidents"].sum()
        layers.append(alt.Chart(hosts).mark_circle(color=DIRECTIONS["abroad"], opacity=0.8)
                      .encode(longitude="host_lon:Q", latitude="host_lat:Q",
                              size=alt.Size("incidents:Q", scale=alt.Scale(range=[20, 400]), title="incidents in host"),
                              tooltip=[alt.Tooltip("host_name:N", title="host"), alt.Tooltip("incidents:Q")])
                      .project(**projection))
    # "pad": the projection is fitted to exactly width x height, the legends go beside it (Streamlit's default,
    # "fit", would shrink the plot to make room for them and cut the edges of the world off)
    return (alt.layer(*layers, data=world).properties(width=width, height=height, autosize=alt.AutoSizeParams(type="pad"))
            .configure_view(stroke=None))


BREAKDOWNS = {"year": "year of the incident (undated: no date known)", "tactic": "tactic (an incident counts once "
              "under each tactic it used)", "host_name": "host state (where the incident happened)"}
BREAKDOWN_COLUMNS = {"attribution": "documented, or suspected (an attribution not stated counts as suspected)",
                     "incidents": "number of incidents"}


def reach_incidents(store: Store, state: str = "", **filters: Any) -> pd.DataFrame:
    """The incidents behind :func:`reach_flows` (``reach_incidents`` rows, same filters): for every state,
    or one ``state``'s incidents abroad and on its soil."""
    if not state:
        return run_query(store, "reach_incidents", filters)
    both = pd.concat([run_query(store, "reach_incidents", {**filters, "origin": state}),
                      run_query(store, "reach_incidents", {**filters, "host": state})], ignore_index=True)
    return both.sort_values(["year", "incident", "origin", "host"], na_position="last").reset_index(drop=True)


def breakdown(incidents: pd.DataFrame, by: str) -> pd.DataFrame:
    """Incidents per ``by`` (a key of :data:`BREAKDOWNS`) and attribution, most first (years in order);
    an incident counts once per group, whatever its number of origin states."""
    df = incidents.explode("tactics").rename(columns={"tactics": "tactic"}) if by == "tactic" else incidents
    df = df.assign(year=[str(int(y)) if pd.notna(y) else "undated" for y in df["year"]])
    out = (df.groupby([by, "attribution"], as_index=False)["incident"].nunique()
           .rename(columns={"incident": "incidents"}))
    if by == "year":
        return out.sort_values([by, "attribution"], key=lambda s: s.replace("undated", "9999")).reset_index(drop=True)
    total = out.groupby(by)["incidents"].transform("sum")
    return (out.assign(total=total).sort_values(["total", by, "attribution"], ascending=[False, True, True])
            .drop(columns="total").reset_index(drop=True))
