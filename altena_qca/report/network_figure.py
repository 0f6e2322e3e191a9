"""The partner-network figure, in the spirit of Figure 1 of the thesis.

The gemeente and its teams at the centre, the external partners on a ring
around them grouped and coloured by policy domain, interviewed partners with
a black outline and a bold name, partners outside Figure 1 open and dashed,
and the links that the corpus records (named together, named by the other's
respondent, present at the same meeting) as grey lines. Same conventions as
:mod:`altena_qca.report.figures`: Dutch, Okabe-Ito colours, 8 pt at A4 text
width, deterministic PNG and SVG.
"""
from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

from .style import _TEXT, _WIDTH, DOMAIN_COLOURS, _axes, _footnote, _header, _new_figure, figure_style, save_figure

__all__ = ["visible_graph", "plot_network"]


def _undirected_weights(G) -> dict[tuple[str, str], float]:
    w: dict[tuple[str, str], float] = {}
    for u, v, d in G.edges(data=True):
        key = (min(u, v), max(u, v))
        if G.is_directed():
            # comentions and copresence are stored both ways; mentions are directed
            part = float(d.get("mentions", 0)) + 0.5 * (float(d.get("comentions", 0)) + float(d.get("copresence", 0)))
            if not any(k in d for k in ("mentions", "comentions", "copresence")):
                part = 0.5 * float(d.get("weight", 1.0))
        else:
            part = float(d.get("weight", 1.0))
        w[key] = w.get(key, 0.0) + part
    return w


_R_OUTER, _R_INNER, _GAP = 2.45, 1.05, 26.0  # ring radii (data units), empty degrees at top and bottom


def _layout(G) -> tuple[dict[str, tuple[float, float]], dict[str, float], str | None,
                        list[tuple[str, float, float]]]:
    """Centre node, inner ring of teams, outer ring of partners sorted by domain.

    Returns positions, the angle (degrees) of each outer node, the centre
    node and the domain sectors ``(domain, from_angle, to_angle)``. The
    outer ring leaves a gap at the top and the bottom, so every label can
    run horizontally away from the circle.
    """
    nodes = sorted(G.nodes)
    attrs = {n: G.nodes[n] for n in nodes}
    intern = [n for n in nodes if attrs[n].get("side") == "intern"]
    centre = None
    roots = [n for n in intern if not attrs[n].get("parent")]
    if roots:
        centre = max(roots, key=lambda n: (int(attrs[n].get("n_respondents", 0) or 0), n))
    inner = [n for n in intern if n != centre]
    outer = [n for n in nodes if n not in intern]
    order = list(DOMAIN_COLOURS)

    def domain(n):
        return attrs[n].get("domain") if attrs[n].get("domain") in order else None

    outer.sort(key=lambda n: (order.index(domain(n)) if domain(n) else len(order),
                              not attrs[n].get("in_figure_1", False), str(attrs[n].get("label", n)).casefold()))
    pos: dict[str, tuple[float, float]] = {}
    if centre:
        pos[centre] = (0.0, 0.0)
    for k, n in enumerate(inner):
        a = math.pi / 4 + 2 * math.pi * k / max(1, len(inner))
        pos[n] = (_R_INNER * math.cos(a), _R_INNER * math.sin(a))
    m = len(outer)
    half = 180.0 - _GAP
    right = (m + 1) // 2
    angles: dict[str, float] = {}
    for k, n in enumerate(outer):
        if k < right:  # right half, top to bottom
            a = 90 - _GAP / 2 - half * (k + 0.5) / right
        else:          # left half, bottom to top (continuing clockwise)
            a = -90 - _GAP / 2 - half * (k - right + 0.5) / max(1, m - right)
        angles[n] = a
        pos[n] = (_R_OUTER * math.cos(math.radians(a)), _R_OUTER * math.sin(math.radians(a)))
    sectors = []
    runs: list[list[str]] = []
    for n in outer:
        if runs and domain(runs[-1][-1]) == domain(n):
            runs[-1].append(n)
        else:
            runs.append([n])
    step = half / max(1, right)
    for run in runs:
        hi, lo = angles[run[0]] + step / 2, angles[run[-1]] - step / 2
        sectors.append((domain(run[0]) or "overig", lo, hi))
    return pos, angles, centre, sectors


def visible_graph(G, thesis: bool, municipality: str = ""):
    """The actors a study's data support.

    For the thesis study every Figure 1 actor is kept (unsupported ones are
    marked in the figure). For any other study only organisations and teams
    that are mentioned, present at an observed meeting, employ a respondent
    or have a tie are kept, and the internal side is one node: the study's
    own gemeente (``municipality``). The package gazetteer describes the
    Altena study — its teams and 'Gemeente Altena' are what the generic words
    'gemeente' or 'Wmo-consulent' resolve to — so another study's report
    names its own gemeente instead.

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("g", label="Gemeente Altena", side="intern", mentioned=1)
    >>> G.add_node("t", label="Team Toegang", side="intern", parent="g", mentioned=1)
    >>> G.add_node("k", label="Kredietbank", side="extern", mentioned=0)
    >>> H = visible_graph(G, thesis=False, municipality="gemeente Heusden")
    >>> [d["label"] for _, d in H.nodes(data=True)]
    ['Gemeente Heusden']
    >>> sorted(visible_graph(G, thesis=True))
    ['g', 'k', 't']
    """
    if thesis:
        return G
    import networkx as nx
    keep = [n for n, d in G.nodes(data=True)
            if int(d.get("mentioned", 0) or 0) + int(d.get("present", 0) or 0) > 0 or d.get("interviewed")
            or G.degree(n) > 0]
    H = G.subgraph(keep).copy()
    intern = [n for n, d in H.nodes(data=True) if d.get("side") == "intern"]
    if not intern:
        return H
    name = (municipality[:1].upper() + municipality[1:]) if municipality else "Gemeente"
    out = nx.DiGraph() if H.is_directed() else nx.Graph()
    centre = "gemeente"
    mapping = {n: (centre if n in intern else n) for n in H.nodes}
    for n, d in H.nodes(data=True):
        m = mapping[n]
        if m == centre:
            prev = out.nodes[centre] if centre in out else {}
            out.add_node(centre, **{**d, **prev, "label": name, "parent": "", "side": "intern",
                                    "mentioned": int(prev.get("mentioned", 0) or 0) + int(d.get("mentioned", 0) or 0),
                                    "present": int(prev.get("present", 0) or 0) + int(d.get("present", 0) or 0),
                                    "interviewed": bool(prev.get("interviewed")) or bool(d.get("interviewed"))})
        else:  # 'Politie gemeente Altena' is the thesis's local police: in another study it is 'Politie'
            label = re.sub(r"\s+gemeente\s+\S+$", "", str(d.get("label", n))) or str(d.get("label", n))
            out.add_node(n, **{**d, "label": label})
    for u, v, d in H.edges(data=True):
        a, b = mapping[u], mapping[v]
        if a == b:
            continue
        if out.has_edge(a, b):
            old = out.edges[a, b]
            for k, val in d.items():
                if isinstance(val, (int, float)) and not isinstance(val, bool):
                    old[k] = old.get(k, 0) + val
        else:
            out.add_edge(a, b, **d)
    return out


def plot_network(G, stem: str | Path, *, title: str | None = None, min_weight: float = 2.0) -> list[Path]:
    """The partner network in the spirit of Figure 1 of the thesis.

    The gemeente (the intern actor without parent) is at the centre with its
    teams around it; the external partners form the outer ring, grouped and
    coloured by domain. Partners in Figure 1 of the thesis are filled,
    others (named in the corpus only) are open with a dashed edge; partners
    where a respondent works have a black outline and a bold name. Lines
    join organisations named together, named by a respondent of the other,
    or present at the same observed meeting; thickness is the count.

    Parameters
    ----------
    G : networkx.Graph
        :func:`~altena_qca.network.graph.partner_network` (node attributes
        ``label, side, domain, in_figure_1, interviewed, parent``; edge layers
        ``mentions, comentions, copresence``).
    stem : str or Path
        Output path without suffix.
    title : str, optional
        Figure title.
    min_weight : float
        Draw only links with at least this combined count (thin links
        clutter the centre).

    Returns
    -------
    list of Path
        The PNG and the SVG.
    """
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, Patch, Wedge
    pos, angles, centre, sectors = _layout(G)
    weights = {k: v for k, v in _undirected_weights(G).items() if v >= min_weight}
    wmax = max(weights.values(), default=1.0)
    xr, yr = 4.9, 3.0  # data half-widths; the axes box keeps this aspect
    box_w = _WIDTH - 0.1
    box_h = box_w * yr / xr
    height = 0.95 + box_h + 0.6
    halo = {"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 0.6}
    with figure_style():
        fig = _new_figure(_WIDTH, height)
        thesis = bool(_TEXT.get("thesis"))
        centre_name = str(G.nodes[centre].get("label", "")) if centre else ""
        _header(fig, title or "Het beleidsnetwerk rond een cliënt met meervoudige problematiek",
                (f"{centre_name} en haar teams in het midden, de partners eromheen naar domein"
                 if centre_name else "De partners naar domein")
                + (" (naar Figuur 1 van de scriptie)" if thesis else ""))
        ax = _axes(fig, 0.05, 0.95, box_w, box_h)
        ax.set_xlim(-xr, xr)
        ax.set_ylim(-yr, yr)
        ax.set_aspect("equal", adjustable="box")
        ax.set_axis_off()
        for dom, lo, hi in sectors:
            colour = DOMAIN_COLOURS.get(dom, "#DDDDDD")
            ax.add_patch(Wedge((0, 0), _R_OUTER + 0.42, lo + 0.8, hi - 0.8, width=0.84, facecolor=colour,
                               alpha=0.16, edgecolor="none", zorder=0))
        ax.add_patch(Circle((0, 0), _R_INNER + 0.5, facecolor=DOMAIN_COLOURS["sociaal domein"], alpha=0.10,
                            edgecolor="none", zorder=0))
        if centre_name:
            ax.text(0, -(_R_INNER + 0.36), f"intern: {centre_name}", ha="center", va="center",
                    color="#333333", style="italic", zorder=4, bbox=halo)
        for (u, v), w in sorted(weights.items()):
            (x0, y0), (x1, y1) = pos[u], pos[v]
            ax.plot([x0, x1], [y0, y1], color="#8C8C8C", lw=0.4 + 2.4 * w / wmax, alpha=0.4, zorder=1,
                    solid_capstyle="round")
        for n in sorted(G.nodes):
            d = G.nodes[n]
            x, y = pos[n]
            colour = DOMAIN_COLOURS.get(d.get("domain"), "#DDDDDD")
            interviewed = bool(d.get("interviewed"))
            in_fig = (bool(d.get("in_figure_1")) if thesis else True) or d.get("side") == "intern"
            seen = bool(int(d.get("mentioned", 0) or 0) + int(d.get("present", 0) or 0)) or G.degree(n) > 0
            unsupported = thesis and in_fig and not seen and d.get("side") != "intern"
            r = 0.3 if n == centre else (0.17 if d.get("side") == "intern" else 0.14)
            ax.add_patch(Circle((x, y), r, facecolor="white" if (unsupported or not in_fig) else colour,
                                edgecolor="black" if interviewed else colour, hatch="////" if unsupported else None,
                                lw=1.8 if interviewed else 1.2,
                                linestyle="-" if in_fig and not unsupported else (0, (2, 1.5)), zorder=3))
            label = str(d.get("label", n))
            weight = "bold" if interviewed else "normal"
            if n == centre:
                ax.text(x, y - r - 0.06, label, ha="center", va="top", fontweight=weight, zorder=4, bbox=halo)
            elif n not in angles:
                ax.text(x, y - r - 0.05, textwrap.fill(label, 14), ha="center", va="top", fontweight=weight,
                        zorder=4, bbox=halo, linespacing=1.0)
            else:
                a = math.radians(angles[n])
                lx, ly = x + 0.22 * math.cos(a), y + 0.22 * math.sin(a)
                ax.text(lx, ly, textwrap.fill(label, 24), ha="left" if math.cos(a) >= 0 else "right",
                        va="center", fontweight=weight, zorder=4, linespacing=1.0, bbox=halo)
        handles: list[Artist] = []
        present = {G.nodes[n].get("domain") for n in G.nodes}
        for dom, colour in DOMAIN_COLOURS.items():
            if dom in present:
                handles.append(Line2D([], [], marker="o", ls="none", markersize=8, markerfacecolor=colour,
                                      markeredgecolor=colour, label=dom))
        handles += [
            Line2D([], [], marker="o", ls="none", markersize=8, markerfacecolor="#DDDDDD", markeredgecolor="black",
                   markeredgewidth=1.8, label="een respondent werkt hier (vet)"),
        ]
        if thesis:
            handles += [
                Line2D([], [], marker="o", ls="none", markersize=8, markerfacecolor="white",
                       markeredgecolor="#7F7F7F", label="niet in Figuur 1, wel genoemd"),
                Patch(facecolor="white", edgecolor="#7F7F7F", hatch="////", linestyle=(0, (2, 1.5)),
                      label="in Figuur 1, niet in de gereconstrueerde gegevens"),
            ]
        handles += [
            Line2D([], [], color="#8C8C8C", lw=2, label=f"samen genoemd of aanwezig (≥ {min_weight:g}×)"),
        ]
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.1 / _WIDTH, 0.28 / height), ncol=2,
                   frameon=False, handletextpad=0.4, columnspacing=1.5)
        _footnote(fig)
        return save_figure(fig, stem, title=title or "Het beleidsnetwerk")
