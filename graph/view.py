"""Turn analysis results into things to look at and download: a NetworkX graph, pyvis HTML, GraphML.

The Streamlit pages call these; nothing here reads the store. The HTML is self-contained: vis-network
is inlined (``cdn_resources='in_line'``) and the stylesheet and script that pyvis's template always
fetches from a CDN (Bootstrap) are removed, so the page asks no host but the app's own. No text from the
data becomes HTML: vis-network shows string titles as text, and no title carries the word that makes
pyvis show them as HTML (:func:`graph.safe_text.tooltip`).
"""

from __future__ import annotations

import io
import json
import re

import networkx as nx

from graph.analysis.ego import node_name
from graph.export.graphml import xml_graph
from graph.safe_text import strip_controls, tooltip
from graph.schema import NodeType, load_schema

# One colour per node label, from the display hints of graph/schema.yaml.
LABEL_COLOURS = {label: node.colour for label, node in load_schema().nodes.items()}
OTHER_COLOUR = NodeType.colour
# <link href="http..."> and <script src="http..."></script> elements: requests to other hosts.
_REMOTE = re.compile(r"""<link\b[^>]*\bhref\s*=\s*["']https?://[^>]*>|"""
                     r"""<script\b[^>]*\bsrc\s*=\s*["']https?://[^>]*>\s*</script>""", re.I | re.S)
# The layout is computed here (networkx, seeded), so vis-network's physics stays off and the same graph is
# always drawn the same way; the page is marked once it has drawn (the browser test waits for it).
_DRAWN = """network = new vis.Network(container, data, options);
                  network.once("afterDrawing", function () {
                      network.fit();
                      document.body.setAttribute("data-stabilised", "true");
                  });"""
_HOOK = "network = new vis.Network(container, data, options);"
LAYOUT_SEED = 12
LABEL_WIDTH = 24  # characters of a node's label on the canvas; the full name is in its tooltip
PATH_COLOUR = "#d62728"
FOLDED_COLOUR = "#1b9e77"  # the Transfer colour of graph/schema.yaml, for the edges folded from Transfers


def truncate(text: str, width: int = LABEL_WIDTH) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut.

    >>> truncate("Conseil Superieur De La Defense Nationale (CSDN)", 20), truncate("Iran")
    ('Conseil Superieur D…', 'Iran')
    """
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def positions(g: nx.MultiDiGraph, seed: int = LAYOUT_SEED, scale: int = 400) -> dict[str, tuple[int, int]]:
    """Fixed canvas positions of ``g``'s nodes: networkx's spring layout with a seed, on the graph's nodes
    and edges in sorted order, so that the same graph always gets the same positions."""
    h = nx.Graph()
    h.add_nodes_from(sorted(g.nodes))
    h.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in g.edges() if u != v}))
    if h.number_of_nodes() == 0:
        return {}
    k = 2.0 / max(h.number_of_nodes(), 1) ** 0.5
    pos = nx.spring_layout(h, seed=seed, k=k, iterations=100)
    return {n: (round(float(x) * scale), round(float(y) * scale)) for n, (x, y) in sorted(pos.items())}


def legend(g: nx.MultiDiGraph) -> tuple[list[tuple[str, str, int]], list[tuple[str, int]]]:
    """The node labels drawn in ``g`` with their colour and count, and the relationship types with their count."""
    labels: dict[str, int] = {}
    for _, d in g.nodes(data=True):
        labels[d.get("label") or "other"] = labels.get(d.get("label") or "other", 0) + 1
    rels: dict[str, int] = {}
    for _, _, k in g.edges(keys=True):
        rels[k] = rels.get(k, 0) + 1
    return ([(lab, LABEL_COLOURS.get(lab, OTHER_COLOUR), n) for lab, n in sorted(labels.items())],
            sorted(rels.items()))


def pyvis_html(g: nx.MultiDiGraph, height: int = 600, seed: int = LAYOUT_SEED) -> str:
    """A self-contained interactive HTML page of ``g`` (an ego network's graph), ``height`` pixels high.

    Nodes show their name (:func:`node_name`, truncated; the full name, label and key in the tooltip), are
    coloured by label (:data:`LABEL_COLOURS`; the centre, hop 0, is drawn larger) and placed at fixed
    :func:`positions` (the same graph, the same picture); edges are arrows labelled with the relationship
    type, their sources in the tooltip. Nodes and edges marked ``on_path`` (graph.analysis.ego.with_path)
    are drawn thick in :data:`PATH_COLOUR`. No resource is fetched from another host.
    """
    from pyvis.network import Network

    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    pos = positions(g, seed)
    # Labels are drawn on the canvas (no "multi": "html" font), titles go through safe_text.tooltip.
    for n in sorted(g.nodes):
        d = g.nodes[n]
        name = node_name(d)
        colour = LABEL_COLOURS.get(d.get("label"), OTHER_COLOUR)
        x, y = pos[n]
        extra = {"borderWidth": 4, "color": {"background": colour, "border": PATH_COLOUR}} if d.get("on_path") else {
            "color": colour}
        # one line: vis-network's innerText makes a newline a <br> element
        kind_key = f"{d.get('label')}: {d.get('key')}"
        title = kind_key if name == str(d.get("key")) else " ".join(f"{name} — {kind_key}".split())
        net.add_node(n, label=truncate(name), title=tooltip(title),
                     size=25 if d.get("hop") == 0 else 15, x=x, y=y, physics=False, **extra)
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        sources = d.get("sources") or []
        kind = strip_controls(d.get("type", k))
        label = f"{kind} ×{d['records']}" if d.get("records", 1) > 1 else kind
        style = {"color": PATH_COLOUR, "width": 4} if d.get("on_path") else (
            {"color": FOLDED_COLOUR, "dashes": True} if k == "TRANSFERS" else {})
        net.add_edge(u, v, label=label, title=tooltip("\n".join(map(str, sources)) or kind), **style)
    net.set_options(json.dumps({"physics": {"enabled": False}, "layout": {"randomSeed": seed},
                                "interaction": {"hover": True},
                                "edges": {"font": {"size": 10, "align": "middle"}, "smooth": False}}))
    html = net.generate_html(notebook=False)
    if "innerHTML = nodeData" in html:  # pyvis's link tooltips (see safe_text.tooltip): never with our data
        raise RuntimeError("pyvis chose its innerHTML tooltips: a title was not passed through safe_text.tooltip")
    html = _REMOTE.sub("", html)
    if _HOOK not in html:
        raise RuntimeError("pyvis template changed: cannot hook the drawn marker")
    return html.replace(_HOOK, _DRAWN, 1)


def cap_caption(attrs: dict, depth: int, max_nodes: int, name: str, expanded: int = 0) -> str:
    """What an explorer graph shows, truthfully: "showing N of M nodes", and when the cap was reached, at
    which hop it stopped the walk (so a depth-3 request cut at hop 2 does not claim three hops), and how
    many nodes were expanded. Plain text (the page passes it through safe_text.markdown: ``name`` is data).

    >>> cap_caption({"nodes": 5, "found": 5, "reached": 1, "cut_hop": None}, 1, 100, "GainJet")
    'Showing 5 of 5 nodes: everything within 1 hop of GainJet.'
    >>> cap_caption({"nodes": 6, "found": 40, "reached": 2, "cut_hop": 2}, 3, 6, "Iran")[:79]
    'Showing 6 of 40 nodes found: the cap of 6 was reached at hop 2 (of 3 asked), so'
    """
    shown, found, reached, cut = attrs["nodes"], attrs["found"], attrs["reached"], attrs.get("cut_hop")
    hops = lambda n: f"{n} hop" + ("s" if n != 1 else "")  # noqa: E731
    if cut is not None:
        return (f"Showing {shown} of {found} nodes found: the cap of {max_nodes} was reached at hop {cut} "
                f"(of {depth} asked), so hop {cut} is partial (nodes taken in name order) and nothing beyond it "
                "was looked for.")
    if expanded:
        text = (f"Showing {shown} of {found} nodes: everything within {hops(depth)} of {name}, and the "
                f"neighbours of {expanded} expanded node" + ("s" if expanded != 1 else ""))
    else:
        text = f"Showing {shown} of {found} nodes: everything within {hops(reached)} of {name}"
        if reached < depth:
            text += f" (nothing farther within the {hops(depth)} asked)"
    if found > shown:
        text += f"; the cap of {max_nodes} left {found - shown} out of the expanded nodes' neighbours"
    return text + "."


def remote_urls(html: str) -> list[str]:
    """The ``src``/``href`` URLs of ``html`` that point at another host (there should be none).

    >>> remote_urls('<script src="https://example.org/x.js"></script><a href="#top">')
    ['https://example.org/x.js']
    """
    return re.findall(r"""\b(?:src|href)\s*=\s*["'](https?://[^"']+)""", html, re.I)


def graphml_bytes(g: nx.MultiDiGraph) -> bytes:
    """``g`` as GraphML (UTF-8), for Gephi, yEd or Cytoscape.

    Node attributes ``label`` (Country, Company...), ``key``, ``name``, ``hop``; edge attributes ``type``
    (the relationship type, also the edge id), ``hop`` and ``sources`` (URLs separated by spaces, as
    GraphML has no lists).
    """
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, {k: v for k, v in d.items() if v is not None}) for n, d in g.nodes(data=True))
    for u, v, k, d in g.edges(keys=True, data=True):
        attrs = {a: (" ".join(x) if isinstance(x, list) else x) for a, x in d.items() if x is not None}
        out.add_edge(u, v, key=k, **attrs)
    buf = io.BytesIO()
    nx.write_graphml(xml_graph(out), buf, encoding="utf-8")
    return buf.getvalue()
