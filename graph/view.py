"""Turn analysis results into things to look at and download: a NetworkX graph, pyvis HTML, GraphML.

The Streamlit pages call these; nothing here reads the store. The HTML is self-contained: vis-network
is inlined (``cdn_resources='in_line'``) and the stylesheet and script that pyvis's template always
fetches from a CDN (Bootstrap) are removed, so the page asks no host but the app's own. No text from the
data becomes HTML: vis-network shows string titles as text, and no title carries the word that makes
pyvis show them as HTML (:func:`graph.safe_text.tooltip`).
"""

from __future__ import annotations

import io
import re

import networkx as nx

from graph.export.graphml import xml_graph
from graph.safe_text import strip_controls, tooltip
from graph.schema import NodeType, load_schema

# One colour per node label, from the display hints of graph/schema.yaml.
LABEL_COLOURS = {label: node.colour for label, node in load_schema().nodes.items()}
OTHER_COLOUR = NodeType.colour
# <link href="http..."> and <script src="http..."></script> elements: requests to other hosts.
_REMOTE = re.compile(r"""<link\b[^>]*\bhref\s*=\s*["']https?://[^>]*>|"""
                     r"""<script\b[^>]*\bsrc\s*=\s*["']https?://[^>]*>\s*</script>""", re.I | re.S)
# Stop the physics once the layout has settled, so the graph holds still; mark the page when it has.
_FREEZE = """network = new vis.Network(container, data, options);
                  network.once("stabilizationIterationsDone", function () {
                      network.setOptions({physics: false});
                      document.body.setAttribute("data-stabilised", "true");
                  });"""


def pyvis_html(g: nx.MultiDiGraph, height: int = 600) -> str:
    """A self-contained interactive HTML page of ``g`` (an ego network's graph), ``height`` pixels high.

    Nodes show their name and are coloured by label (:data:`LABEL_COLOURS`; the centre, hop 0, is drawn
    larger); edges are arrows labelled with the relationship type, their sources in the tooltip. The
    physics stops once the layout is stable. No resource is fetched from another host.
    """
    from pyvis.network import Network

    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    # Labels are drawn on the canvas (no "multi": "html" font), titles go through safe_text.tooltip.
    for n, d in g.nodes(data=True):
        net.add_node(n, label=strip_controls(d.get("name") or n), title=tooltip(f"{d.get('label')}: {d.get('key')}"),
                     color=LABEL_COLOURS.get(d.get("label"), OTHER_COLOUR), size=25 if d.get("hop") == 0 else 15)
    for u, v, k, d in g.edges(keys=True, data=True):
        sources = d.get("sources") or []
        kind = strip_controls(d.get("type", k))
        net.add_edge(u, v, label=kind, title=tooltip("\n".join(map(str, sources)) or kind))
    net.set_options('{"physics": {"stabilization": {"enabled": true, "iterations": 300}}, '
                    '"edges": {"font": {"size": 10, "align": "middle"}, "smooth": false}}')
    html = net.generate_html(notebook=False)
    if "innerHTML = nodeData" in html:  # pyvis's link tooltips (see safe_text.tooltip): never with our data
        raise RuntimeError("pyvis chose its innerHTML tooltips: a title was not passed through safe_text.tooltip")
    html = _REMOTE.sub("", html)
    if "network = new vis.Network(container, data, options);" not in html:
        raise RuntimeError("pyvis template changed: cannot hook the physics freeze")
    return html.replace("network = new vis.Network(container, data, options);", _FREEZE, 1)


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
