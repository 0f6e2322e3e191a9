"""Discourse-network analysis (DNA) of the codings: who agrees with whom on what.

Following Leifeld's Discourse Network Analysis [1]_, a *statement* links an
actor to a concept with a qualifier (agree / disagree). Here the actor is a
respondent's organisation (``respondents.csv``, resolved through the
gazetteer) or the respondent, the concept is one of the five effects of data
sharing, and the qualifier is the stance the codings give it today:
``positive`` or ``negative``. A respondent makes a statement when they have
at least one coding of the stance's code or a code below it (DNA's
"duplicates per document" setting).

The two-mode *affiliation network* links actors to concepts. Its one-mode
projections onto the actors are the *congruence network* (tie weight =
concept–qualifier pairs both actors state) and the *conflict network* (pairs
on which they state opposite qualifiers); with counts :math:`a_{ck}` of
actor :math:`a` on concept :math:`c` with qualifier :math:`k`:

.. math::

    \\mathrm{congruence}(a, b) = \\sum_{c,k} a_{ck} b_{ck} \\qquad
    \\mathrm{conflict}(a, b) = \\sum_{c} \\sum_{k \\ne l} a_{ck} b_{cl}

Normalisations divide the tie by

* ``average``: the two actors' mean number of statements,
  :math:`(\\sum a + \\sum b) / 2`;
* ``jaccard``: :math:`\\sum_{b_{ck}=0} a_{ck} + \\sum_{a_{ck}=0} b_{ck} +
  \\sum_{a_{ck}b_{ck}>0} a_{ck} b_{ck}` (with 0/1 counts: the size of the union);
* ``cosine``: :math:`\\lVert a \\rVert \\, \\lVert b \\rVert`, the Euclidean
  norms of the two actors' concept–qualifier vectors, so that congruence
  becomes the cosine similarity.

``average`` and ``jaccard`` are DNA's (``Exporter.computeOneModeMatrix``).
For ``cosine`` DNA divides by the product of the two actors' statement
totals, which is not the cosine similarity; this module uses the textbook
norms.

Examples
--------
>>> st = pd.DataFrame({"actor": ["A", "A", "B", "B", "C"], "concept": ["x", "y", "x", "y", "x"],
...                    "qualifier": ["positive", "positive", "positive", "negative", "negative"]})
>>> G = dna_projection(st, "congruence", "jaccard")
>>> round(G["A"]["B"]["weight"], 4)   # one shared pair (x+) of three distinct pairs
0.3333
>>> sorted(dna_projection(st, "conflict").edges())
[('A', 'B'), ('A', 'C'), ('B', 'C')]

References
----------
.. [1] Leifeld, P. (2016). *Policy Debates as Dynamic Networks: German
   Pension Politics and Privatization Discourse*. Campus.
   Leifeld, P. (2017). Discourse network analysis: policy debates as dynamic
   networks. In J. N. Victor et al. (eds.), *The Oxford Handbook of Political
   Networks*. https://doi.org/10.1093/oxfordhb/9780190228217.013.25
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import pandas as pd

from ..errors import CodebookError, Errors
from ..model import Codebook, Corpus
from .actors import Gazetteer, respondent_actors

__all__ = ["QUALIFIERS", "AGGREGATIONS", "NORMALIZATIONS", "dna_concepts", "dna_statements",
           "affiliation_network", "dna_projection", "dna_edges_frame"]

QUALIFIERS = ("positive", "negative")
AGGREGATIONS = ("congruence", "conflict", "subtract")
NORMALIZATIONS = ("no", "average", "jaccard", "cosine")


def dna_concepts(codebook: Codebook) -> dict[str, dict[str, str]]:
    """Concept → {qualifier: code}.

    ``analysis.dna.concepts`` of the codebook when present, else the *today*
    stances of ``analysis.effects`` (concept = the effect's ``label_nl``).
    """
    path = codebook.path or "codebook"
    spec = (codebook.analysis.get("dna") or {}).get("concepts")
    if spec is None:
        spec = {}
        for key, effect in (codebook.analysis.get("effects") or {}).items():
            today = effect.get("today") or {}
            if all(q in today for q in QUALIFIERS):
                spec[str(effect.get("label_nl", key))] = {q: today[q] for q in QUALIFIERS}
    if not spec:
        raise CodebookError(Errors.E210.format(
            path=path, reason="no DNA concepts: add analysis.dna.concepts or analysis.effects with today stances"))
    for concept, stances in spec.items():
        for q in QUALIFIERS:
            code = (stances or {}).get(q)
            if code not in codebook:
                raise CodebookError(Errors.E207.format(path=path, code=code, where=f"dna concept {concept}.{q}"))
    return {c: {q: s[q] for q in QUALIFIERS} for c, s in spec.items()}


def dna_statements(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, gazetteer: Gazetteer | None = None,
                   *, level: str = "organisation", concepts: Mapping | None = None,
                   source: str | Path = "respondents.csv") -> pd.DataFrame:
    """One statement per respondent, concept and qualifier the codings give.

    Parameters
    ----------
    level
        ``"organisation"`` (actor = the respondent's organisation, needs the
        gazetteer) or ``"respondent"`` (actor = the respondent's label).
    concepts
        Concept → {positive: code, negative: code}; default
        :func:`dna_concepts`.

    Returns
    -------
    pandas.DataFrame
        ``actor, respondent, concept, qualifier, code, n_codings``, sorted.
    """
    if level not in ("organisation", "respondent"):
        raise ValueError(f"level must be 'organisation' or 'respondent', got {level!r}")
    concepts = dict(concepts) if concepts is not None else dna_concepts(codebook)
    if level == "organisation":
        if gazetteer is None:
            raise ValueError("level='organisation' needs the gazetteer")
        actor_of = respondent_actors(corpus, gazetteer, source)
    else:
        actor_of = {r.id: r.label for r in corpus.respondents.values()}
    resp_of = {d.id: d.respondent for d in corpus if d.respondent is not None}
    rows = []
    for concept, stances in concepts.items():
        for qualifier, code in stances.items():
            ids = set(codebook.descendants(code))
            hit = codings[codings["code"].isin(ids) & codings["document"].isin(resp_of)]
            for rid, n in hit["document"].map(resp_of).value_counts().sort_index().items():
                if rid in actor_of:
                    rows.append({"actor": actor_of[rid], "respondent": rid, "concept": concept,
                                 "qualifier": qualifier, "code": code, "n_codings": int(n)})
    cols = ["actor", "respondent", "concept", "qualifier", "code", "n_codings"]
    return pd.DataFrame(rows, columns=cols).sort_values(cols[:4], kind="mergesort").reset_index(drop=True)


def _counts(statements: pd.DataFrame) -> dict[str, dict[tuple[str, str], float]]:
    out: dict[str, dict[tuple[str, str], float]] = {}
    for (actor, concept, qualifier), g in statements.groupby(["actor", "concept", "qualifier"], sort=True):
        out.setdefault(actor, {})[(concept, qualifier)] = float(len(g))
    return out


def affiliation_network(statements: pd.DataFrame, labels: Mapping[str, str] | None = None) -> nx.Graph:
    """The two-mode actor × concept network.

    Parameters
    ----------
    statements
        From :func:`dna_statements` (columns ``actor, concept, qualifier``).
    labels
        Display names of actors (e.g. the gazetteer's); default the actor itself.

    Returns
    -------
    networkx.Graph
        Nodes with ``label``, ``bipartite`` (0 actors, 1 concepts) and ``kind``; an edge
        per actor and concept with ``positive`` and ``negative`` counts,
        ``weight`` (their sum) and ``stance`` (``positive``, ``negative`` or
        ``mixed``; DNA's "combine").
    """
    G = nx.Graph(name="DNA affiliation network")
    labels = labels or {}
    for a in sorted(statements["actor"].unique()):
        G.add_node(a, label=str(labels.get(a, a)), bipartite=0, kind="actor")
    for c in sorted(statements["concept"].unique()):
        G.add_node(c, label=str(c), bipartite=1, kind="concept")
    for (a, c), g in statements.groupby(["actor", "concept"], sort=True):
        pos, neg = int((g["qualifier"] == "positive").sum()), int((g["qualifier"] == "negative").sum())
        stance = "mixed" if pos and neg else "positive" if pos else "negative"
        G.add_edge(a, c, positive=pos, negative=neg, weight=float(pos + neg), stance=stance)
    return G


def _tie(a: Mapping, b: Mapping, aggregation: str) -> float:
    congruence = sum(v * b.get(k, 0.0) for k, v in a.items())
    conflict = sum(v * w for (c1, q1), v in a.items() for (c2, q2), w in b.items() if c1 == c2 and q1 != q2)
    return {"congruence": congruence, "conflict": conflict, "subtract": congruence - conflict}[aggregation]


def _norm(a: Mapping, b: Mapping, normalization: str) -> float:
    if normalization == "no":
        return 1.0
    if normalization == "average":
        return (sum(a.values()) + sum(b.values())) / 2
    if normalization == "jaccard":
        m10 = sum(v for k, v in a.items() if not b.get(k))
        m01 = sum(v for k, v in b.items() if not a.get(k))
        m11 = sum(v * b[k] for k, v in a.items() if b.get(k))
        return m10 + m01 + m11
    return math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))


def dna_projection(statements: pd.DataFrame, aggregation: str = "congruence",
                   normalization: str = "no", labels: Mapping[str, str] | None = None) -> nx.Graph:
    """One-mode actor network: congruence, conflict or their difference.

    Parameters
    ----------
    statements
        Columns ``actor, concept, qualifier``; each row counts once.
    aggregation
        ``congruence``, ``conflict`` or ``subtract`` (congruence − conflict).
    normalization
        ``no``, ``average``, ``jaccard`` or ``cosine`` (module docstring).
    labels
        Display names of actors; default the actor itself.

    Returns
    -------
    networkx.Graph
        Every actor as a node (with ``label``); an edge where the tie is not 0, with
        ``weight`` (normalised) and ``raw`` (before normalisation).
    """
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}, got {aggregation!r}")
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {normalization!r}")
    counts = _counts(statements)
    G = nx.Graph(name=f"DNA {aggregation} network", normalization=normalization)
    labels = labels or {}
    G.add_nodes_from((a, {"label": str(labels.get(a, a))}) for a in sorted(counts))
    for a, b in itertools.combinations(sorted(counts), 2):
        raw = _tie(counts[a], counts[b], aggregation)
        norm = _norm(counts[a], counts[b], normalization)
        weight = raw / norm if norm else 0.0
        if weight:
            G.add_edge(a, b, weight=round(weight, 6), raw=float(raw))
    return G


def dna_edges_frame(statements: pd.DataFrame) -> pd.DataFrame:
    """Every actor pair with congruence and conflict, raw and under each normalisation.

    Returns
    -------
    pandas.DataFrame
        ``source, target, congruence, congruence_average, congruence_jaccard,
        congruence_cosine, conflict, conflict_average, ...``; pairs with
        neither congruence nor conflict are left out.
    """
    counts = _counts(statements)
    rows = []
    for a, b in itertools.combinations(sorted(counts), 2):
        row: dict[str, str | float] = {"source": a, "target": b}
        for agg in ("congruence", "conflict"):
            raw = _tie(counts[a], counts[b], agg)
            row[agg] = raw
            for norm in NORMALIZATIONS[1:]:
                d = _norm(counts[a], counts[b], norm)
                row[f"{agg}_{norm}"] = round(raw / d, 6) if d else 0.0
        if row["congruence"] or row["conflict"]:
            rows.append(row)
    cols = ["source", "target"] + [f"{agg}{suffix}" for agg in ("congruence", "conflict")
                                   for suffix in ("", "_average", "_jaccard", "_cosine")]
    return pd.DataFrame(rows, columns=cols)
