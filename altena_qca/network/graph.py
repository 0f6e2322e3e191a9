"""The partner network: organisations around the client and who names whom.

Nodes are the gazetteer's organisations and teams (``network.node_kinds`` of
``altena_qca/resources/codebook/actors.yaml``) that are in Figure 1, employ a respondent, or are
named or present in the corpus. Edges of the :class:`networkx.DiGraph` carry
three layers:

``mentions``
    directed: in how many of a respondent's segments the respondent's
    organisation (``respondents.csv``, resolved through the gazetteer) names
    the other organisation;
``comentions``
    symmetric (stored in both directions): in how many segments the two are
    named together;
``copresence``
    symmetric: at how many observed meetings both were present (observation
    segments that hold a presence cue such as *aanwezig*);

and ``weight = mentions + comentions + copresence``. Node attributes are
plain ``str``/``int``/``bool`` values, ready for GraphML and GEXF, and give
what a Figure-1 style drawing needs: ``domain``, ``side``, ``ring``,
``in_figure_1``, ``interviewed``.

Examples
--------
>>> from altena_qca import load_study
>>> from altena_qca.network import load_gazetteer
>>> study = load_study(pseudonymise=False)  # doctest: +SKIP
>>> G = partner_network(study.corpus, load_gazetteer())  # doctest: +SKIP
>>> G.nodes["thebe"]["domain"], G.nodes["thebe"]["interviewed"]  # doctest: +SKIP
('sociaal domein', True)
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pandas as pd

from .._io import write_text
from ..model import Corpus
from .actors import Gazetteer, interviewed_actors, respondent_actors
from .mentions import extract_mentions

__all__ = ["NODE_ATTRIBUTES", "EDGE_LAYERS", "partner_network", "presence", "edges_frame",
           "sorted_graph", "export_graphml", "export_gexf"]

#: Node attributes of the partner network, in table order.
NODE_ATTRIBUTES = ["label", "kind", "side", "domain", "domains", "in_figure_1", "interviewed", "respondents",
                   "n_respondents", "ring", "parent", "mentioned", "present"]
#: Edge layers; ``weight`` is their sum.
EDGE_LAYERS = ["mentions", "comentions", "copresence"]


def presence(corpus: Corpus, mentions: pd.DataFrame, gazetteer: Gazetteer) -> dict[str, list[str]]:
    """Who was present at each observed meeting.

    An observation segment whose text holds one of the gazetteer's
    ``network.presence_cues`` (whole word, any case) lists attendees; every
    organisation or team (``network.node_kinds``) named there was present.

    Returns
    -------
    dict
        Observation document id → sorted actor ids.
    """
    kinds = set(gazetteer.network.get("node_kinds", ["organisation", "team"]))
    mentions = mentions[mentions["actor"].map(lambda a: a in gazetteer and gazetteer[a].kind in kinds).astype(bool)]
    cues = [c.casefold() for c in gazetteer.network.get("presence_cues", [])]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, cues)) + r")\b", re.IGNORECASE) if cues else None
    out: dict[str, list[str]] = {}
    for doc in corpus:
        if doc.kind != "observation" or pattern is None:
            continue
        segs = {s.index for s in doc.segments if pattern.search(doc.segment_text(s))}
        m = mentions[(mentions["document"] == doc.id) & mentions["segment"].isin(segs)]
        out[doc.id] = sorted(set(m["actor"]))
    return out


def partner_network(corpus: Corpus, gazetteer: Gazetteer, mentions: pd.DataFrame | None = None, *,
                    generic: bool = True, source: str | Path = "respondents.csv") -> nx.DiGraph:
    """Build the partner network of a study.

    Parameters
    ----------
    corpus
        The study's corpus (respondents with ``organisation``).
    gazetteer
        The actor gazetteer.
    mentions
        From :func:`~altena_qca.network.mentions.extract_mentions`; computed
        when not given.
    generic
        Count mentions through generic aliases ('de GGZ', 'huisarts'), which
        the gazetteer says refer to that organisation in this study.
    source
        Named in the error when a respondent's organisation is unknown.

    Returns
    -------
    networkx.DiGraph
        Nodes sorted by id with :data:`NODE_ATTRIBUTES`; edges with
        :data:`EDGE_LAYERS` and ``weight``. Self-mentions (a respondent
        naming their own organisation) are not edges.

    Raises
    ------
    InputError
        ``[E300]`` when a respondent's organisation is not in the gazetteer.
    """
    if mentions is None:
        mentions = extract_mentions(corpus, gazetteer)
    kinds = set(gazetteer.network.get("node_kinds", ["organisation", "team"]))
    # astype(bool): an empty object Series would select columns, not rows (no mentions: KeyError 'speaker')
    m = mentions[mentions["actor"].map(lambda a: a in gazetteer and gazetteer[a].kind in kinds).astype(bool)]
    if not generic:
        m = m[~m["generic"]]
    m = m[m["speaker"] != "interviewer"]
    own = respondent_actors(corpus, gazetteer, source)
    staff = interviewed_actors(own)
    present = presence(corpus, m, gazetteer)

    directed: Counter = Counter()
    said = m[(m["speaker"] == "respondent") & m["respondent"].isin(own)]
    for (rid, _doc, _seg), g in said.groupby(["respondent", "document", "segment"], sort=True):
        for target in sorted(set(g["actor"]) - {own[rid]}):
            directed[(own[rid], target)] += 1
    together: Counter = Counter()
    for _, g in m.groupby(["document", "segment"], sort=True):
        for a, b in itertools.combinations(sorted(set(g["actor"])), 2):
            together[(a, b)] += 1
    met: Counter = Counter()
    for actors in present.values():
        for a, b in itertools.combinations(actors, 2):
            met[(a, b)] += 1

    # distinct segments naming each actor (a Series also when there are no mentions: apply() on an
    # empty groupby gives a frame, whose to_dict() has the column names as keys)
    named = m.drop_duplicates(["actor", "document", "segment"]).groupby("actor").size().to_dict()
    times_present = Counter(a for actors in present.values() for a in actors)
    include = {a.id for a in gazetteer if a.kind in kinds and (a.in_figure_1 or a.id in staff)}
    include |= set(named) | set(times_present)
    G = nx.DiGraph(name="partner network", description=(
        "nodes: organisations; mentions = segments in which the source's respondents name the target; "
        "comentions = segments naming both; copresence = observed meetings attended by both"))
    for aid in sorted(include):
        a = gazetteer[aid]
        G.add_node(aid, label=a.name, kind=a.kind, side=a.side, domain=a.domain, domains="; ".join(a.domains),
                   in_figure_1=bool(a.in_figure_1), interviewed=aid in staff,
                   respondents=" ".join(staff.get(aid, [])), n_respondents=len(staff.get(aid, [])),
                   ring=int(a.ring), parent=a.parent or "", mentioned=int(named.get(aid, 0)),
                   present=int(times_present.get(aid, 0)))
    pairs = set(directed) | {p for p in together} | {(b, a) for a, b in together} \
        | {p for p in met} | {(b, a) for a, b in met}
    for u, v in sorted(pairs):
        key = (min(u, v), max(u, v))
        layers = {"mentions": int(directed.get((u, v), 0)), "comentions": int(together.get(key, 0)),
                  "copresence": int(met.get(key, 0))}
        G.add_edge(u, v, **layers, weight=float(sum(layers.values())))
    return G


def edges_frame(G: nx.Graph) -> pd.DataFrame:
    """The edges and their attributes as a table (source, target, ...), sorted."""
    rows = [{"source": u, "target": v, **d} for u, v, d in sorted(G.edges(data=True), key=lambda e: e[:2])]
    cols = ["source", "target"] + sorted({k for _, _, d in G.edges(data=True) for k in d},
                                         key=lambda k: (k not in EDGE_LAYERS + ["weight"], k))
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- export

def _clean(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        return round(value, 6)
    return value


def sorted_graph(G: nx.Graph) -> nx.Graph:
    """A copy with nodes and edges inserted in sorted order and values GraphML/GEXF can hold.

    ``None`` becomes ``""``, numpy scalars become Python ones and floats are
    rounded to 6 decimals, so two runs write identical files.
    """
    H = G.__class__()
    H.graph.update({k: _clean(v) for k, v in sorted(G.graph.items())})
    for n in sorted(G.nodes):
        H.add_node(n, **{k: _clean(v) for k, v in sorted(G.nodes[n].items())})
    for u, v in sorted(G.edges, key=lambda e: (str(e[0]), str(e[1]))):
        H.add_edge(u, v, **{k: _clean(x) for k, x in sorted(G.edges[u, v].items())})
    return H


def export_graphml(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` as GraphML (deterministic bytes); read back with :func:`networkx.read_graphml`."""
    text = "\n".join(nx.generate_graphml(sorted_graph(G), encoding="utf-8", prettyprint=True))
    return write_text(path, text + "\n")


def export_gexf(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` as GEXF 1.2 for Gephi (deterministic: no modification date)."""
    text = "\n".join(nx.generate_gexf(sorted_graph(G), encoding="utf-8", prettyprint=True))
    text = re.sub(r'\s+lastmodifieddate="[^"]*"', "", text)
    return write_text(path, text + "\n")
