"""Sampled betweenness (Brandes, from a set of pivot sources) in sparse-matrix form, for large graphs.

NetworkX's ``betweenness_centrality(g, k=...)`` runs one breadth-first search per pivot in Python: at 100k
incidents that is about 2 s a pivot. Here all pivots of a batch move through the graph together, one
sparse matrix product per BFS level (scipy), forward for the shortest-path counts and back for the
dependencies. The pivots are the ones NetworkX would draw with the same seed and the result is rescaled
as NetworkX rescales (normalised, endpoints excluded, undirected), so both give the same figures;
tests/test_analysis_networkx.py checks that on random graphs.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Sequence

import networkx as nx
import numpy as np
from scipy import sparse


def pivots(g: nx.Graph, k: int, seed: int) -> list[Hashable]:
    """The ``k`` sources NetworkX's sampled betweenness draws with ``seed``."""
    return random.Random(seed).sample(list(g.nodes()), k)


class Adjacency:
    """A graph's nodes, their positions and its symmetric 0/1 adjacency matrix (built once per graph)."""

    def __init__(self, g: nx.Graph):
        self.nodes = list(g.nodes())
        self.index = {v: i for i, v in enumerate(self.nodes)}
        n = len(self.nodes)
        pairs = np.array([(self.index[u], self.index[v]) for u, v in g.edges() if u != v], dtype=np.int64)
        pairs = pairs.reshape(-1, 2)
        rows, cols = np.concatenate([pairs[:, 0], pairs[:, 1]]), np.concatenate([pairs[:, 1], pairs[:, 0]])
        self.matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        self.matrix.data[:] = 1.0  # a multigraph's parallel edges are one adjacency


def dependencies(adj: Adjacency, sources: Sequence[Hashable]) -> np.ndarray:
    """Brandes' accumulated dependency of every node (in ``adj.nodes`` order) on the shortest paths from
    ``sources`` (unscaled)."""
    n, b = len(adj.nodes), len(sources)
    if n == 0 or b == 0:
        return np.zeros(n)
    a = adj.matrix
    src = np.array([adj.index[s] for s in sources])
    dist = np.full((n, b), -1, dtype=np.int32)
    sigma = np.zeros((n, b))
    dist[src, np.arange(b)] = 0
    sigma[src, np.arange(b)] = 1.0
    frontier = np.zeros((n, b))
    frontier[src, np.arange(b)] = 1.0
    depth = 0
    while True:
        reached = a @ frontier
        new = (reached > 0) & (dist < 0)
        if not new.any():
            break
        depth += 1
        dist[new] = depth
        sigma[new] = reached[new]
        frontier = np.where(new, sigma, 0.0)
    delta = np.zeros((n, b))
    with np.errstate(divide="ignore", invalid="ignore"):
        for d in range(depth, 0, -1):
            coeff = np.where(dist == d, (1.0 + delta) / sigma, 0.0)
            pulled = a @ coeff
            at_prev = dist == d - 1
            delta[at_prev] += sigma[at_prev] * pulled[at_prev]
    delta[src, np.arange(b)] = 0.0  # a source gains nothing from its own paths
    return delta.sum(axis=1)


def sampled_betweenness_centrality(g: nx.Graph, k: int, seed: int, batch: int = 64,
                                   adj: Adjacency | None = None) -> dict[Hashable, float]:
    """Normalised betweenness of an undirected graph estimated from ``k`` pivots drawn with ``seed``: the
    figures of ``networkx.betweenness_centrality(g, k=k, seed=seed, normalized=True)``. ``adj``: the
    graph's :class:`Adjacency`, if already built."""
    adj = adj or Adjacency(g)
    chosen = pivots(g, k, seed)
    raw = np.zeros(len(adj.nodes))
    for start in range(0, len(chosen), batch):
        raw += dependencies(adj, chosen[start:start + batch])
    big_n = len(g) - 1
    if big_n < 2:
        return dict(zip(adj.nodes, raw.tolist()))
    scale_source = 1 / ((k - 1) * (big_n - 1)) if k > 1 else math.nan
    scale_other = 1 / (k * (big_n - 1))
    sampled = set(chosen)
    return {v: x * (scale_source if v in sampled else scale_other) for v, x in zip(adj.nodes, raw.tolist())}
