"""Measures of the partner network: per organisation and for the whole network.

All structural measures are taken on the undirected *tie graph*
(:func:`tie_graph`): two organisations are tied when any layer links them,
and the tie's weight is ``mentions`` both ways + ``comentions`` +
``copresence``. In- and out-degree are read from the directed ``mentions``
layer only (who names whom).

.. math::

    C_D = \\frac{\\sum_i (d_{max} - d_i)}{(n-1)(n-2)} \\qquad
    G = \\frac{\\sum_i (2i - n - 1)\\, d_{(i)}}{n \\sum_i d_i}

:math:`C_D` is Freeman's degree centralization (1 for a star, 0 when every
node has the same degree) [1]_; :math:`G` is the Gini coefficient of the
degrees :math:`d_{(1)} \\le \\dots \\le d_{(n)}` (0 = equal, towards 1 =
concentrated).

Examples
--------
>>> import networkx as nx
>>> star = nx.star_graph(4)          # a hub and four spokes
>>> degree_centralization(star), round(gini([d for _, d in star.degree()]), 3)
(1.0, 0.3)
>>> degree_centralization(nx.cycle_graph(5))
0.0

References
----------
.. [1] Freeman, L. C. (1978). Centrality in social networks: conceptual
   clarification. *Social Networks*, 1(3), 215-239.
   https://doi.org/10.1016/0378-8733(78)90021-7
"""
from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import pandas as pd

__all__ = ["tie_graph", "degree_centralization", "gini", "node_measures", "graph_measures", "with_measures"]

_DIGITS = 6


def tie_graph(G: nx.Graph) -> nx.Graph:
    """The undirected tie graph of a partner network (see module docstring)."""
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes(data=True)))
    if not G.is_directed():
        H.add_edges_from(sorted(G.edges(data=True), key=lambda e: e[:2]))
        return H
    for u, v in sorted(G.edges):
        a, b = min(u, v), max(u, v)
        if H.has_edge(a, b):
            continue
        d1, d2 = G.get_edge_data(a, b, {}), G.get_edge_data(b, a, {})
        w = (d1.get("mentions", 0) + d2.get("mentions", 0)
             + max(d1.get("comentions", 0), d2.get("comentions", 0))
             + max(d1.get("copresence", 0), d2.get("copresence", 0)))
        if not any(k in d1 or k in d2 for k in ("mentions", "comentions", "copresence")):
            w = max(d1.get("weight", 1.0), d2.get("weight", 1.0))
        H.add_edge(a, b, weight=float(w))
    return H


def degree_centralization(G: nx.Graph) -> float:
    """Freeman's degree centralization of an undirected graph (0 for fewer than 3 nodes)."""
    n = G.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _, d in G.degree()]
    top = max(degrees)
    return round(sum(top - d for d in degrees) / ((n - 1) * (n - 2)), _DIGITS)


def gini(values: Sequence[float]) -> float:
    """Gini coefficient of non-negative values (0 when all are equal or all zero)."""
    xs = sorted(float(v) for v in values)
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return 0.0
    return round(sum((2 * i - n - 1) * x for i, x in enumerate(xs, start=1)) / (n * total), _DIGITS)


def _largest_component(H: nx.Graph) -> nx.Graph:
    if H.number_of_nodes() == 0:
        return H
    comps = sorted(nx.connected_components(H), key=lambda c: (-len(c), min(c)))
    return H.subgraph(comps[0]).copy()


def node_measures(G: nx.Graph) -> pd.DataFrame:
    """Centrality of every organisation.

    Parameters
    ----------
    G
        A partner network (directed, with layers) or any undirected graph.

    Returns
    -------
    pandas.DataFrame
        One row per node, sorted by id: the node attributes, then
        ``degree`` (ties), ``in_degree`` and ``out_degree`` (directed
        mentions), ``weighted_degree`` (sum of tie weights), ``betweenness``
        (normalised, unweighted), ``eigenvector`` (weighted, of the whole tie
        graph: 0 for isolates and near 0 outside the dominant component) and
        ``component`` (0 = the largest).
    """
    H = tie_graph(G)
    comps = sorted(nx.connected_components(H), key=lambda c: (-len(c), min(c)))
    comp_of = {n: i for i, c in enumerate(comps) for n in c}
    between = nx.betweenness_centrality(H, normalized=True)
    eig = {n: 0.0 for n in H}
    if H.number_of_edges():
        # The leading eigenvector of the whole graph: isolates and components
        # weaker than the dominant one get (close to) 0.
        eig.update(nx.eigenvector_centrality(H, max_iter=10_000, tol=1e-12, weight="weight"))
    mention_edges = [(u, v) for u, v, d in G.edges(data=True) if d.get("mentions", 0) > 0] \
        if G.is_directed() else []
    rows = []
    for n in sorted(H.nodes):
        rows.append({"id": n, **G.nodes[n], "degree": H.degree(n),
                     "in_degree": sum(1 for _, v in mention_edges if v == n),
                     "out_degree": sum(1 for u, _ in mention_edges if u == n),
                     "weighted_degree": round(H.degree(n, weight="weight"), _DIGITS),
                     "betweenness": round(between[n], _DIGITS), "eigenvector": round(eig[n], _DIGITS),
                     "component": comp_of[n]})
    if not rows:  # a study whose transcripts name no organisation: the columns, no rows
        return pd.DataFrame(columns=["id", "degree", "in_degree", "out_degree", "weighted_degree", "betweenness",
                                     "eigenvector", "component"])
    return pd.DataFrame(rows)


def graph_measures(G: nx.Graph) -> dict:
    """Whole-network measures of a partner network.

    Returns
    -------
    dict
        ``n_nodes, n_ties`` (undirected), ``n_mention_edges`` (directed),
        ``density``, ``n_components``, ``largest_component``, ``n_isolates``,
        ``degree_centralization`` and ``degree_gini`` over all nodes, and the
        same two over the largest component (``..._connected``): organisations
        in Figure 1 that the corpus never names are isolates, which says more
        about what the corpus records than about who dominates.
    """
    H = tie_graph(G)
    core = _largest_component(H)
    degrees = [d for _, d in H.degree()]
    return {
        "n_nodes": H.number_of_nodes(), "n_ties": H.number_of_edges(),
        "n_mention_edges": sum(1 for *_, d in G.edges(data=True) if d.get("mentions", 0) > 0)
        if G.is_directed() else 0,
        "density": round(nx.density(H), _DIGITS) if H.number_of_nodes() > 1 else 0.0,
        "n_components": nx.number_connected_components(H) if H.number_of_nodes() else 0,
        "largest_component": core.number_of_nodes(),
        "n_isolates": nx.number_of_isolates(H),
        "degree_centralization": degree_centralization(H),
        "degree_gini": gini(degrees),
        "degree_centralization_connected": degree_centralization(core),
        "degree_gini_connected": gini([d for _, d in core.degree()]),
    }


def with_measures(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` whose nodes also carry the columns of :func:`node_measures`
    and whose graph attributes carry :func:`graph_measures` (for Gephi)."""
    H = G.copy()
    nm = node_measures(G).set_index("id")
    for col in ("degree", "in_degree", "out_degree", "weighted_degree", "betweenness", "eigenvector",
                "component"):
        for n, v in nm[col].items():
            H.nodes[n][col] = v.item() if hasattr(v, "item") else v
    H.graph.update(graph_measures(G))
    return H
