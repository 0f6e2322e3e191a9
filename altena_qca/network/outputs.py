"""Everything the network analysis produces for a study, in one call.

:func:`analyse_network` runs mention extraction, the partner network and its
measures, the Rhodes reading and DNA; :func:`network_tables` gives the tables
(``network_*``), :func:`write_graph_files` the GraphML/GEXF files and
:func:`write_network` both into one folder (``altena-qca network``).

Examples
--------
>>> from altena_qca import load_study
>>> result = analyse_network(load_study())           # doctest: +SKIP
>>> result.rhodes.classification                     # doctest: +SKIP
'beleidsgemeenschap'
>>> write_network(load_study(), "out/network")       # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pandas as pd

from ..study import Study
from .actors import Gazetteer, load_gazetteer, study_gazetteer, unresolved_organisations
from .dna import affiliation_network, dna_edges_frame, dna_projection, dna_statements
from .graph import edges_frame, export_gexf, export_graphml, partner_network
from .measures import graph_measures, node_measures, with_measures
from .mentions import CANDIDATE_COLUMNS, mentions_and_candidates
from .rhodes import RhodesReading, rhodes_reading

__all__ = ["NetworkResult", "analyse_network", "network_tables", "write_graph_files", "write_network"]


@dataclass
class NetworkResult:
    """The outputs of :func:`analyse_network`."""

    gazetteer: Gazetteer
    mentions: pd.DataFrame
    candidates: pd.DataFrame
    graph: nx.DiGraph
    summary: dict
    rhodes: RhodesReading
    statements: pd.DataFrame
    affiliation: nx.Graph
    congruence: nx.Graph
    conflict: nx.Graph


def analyse_network(study: Study, gazetteer: Gazetteer | str | Path | None = None, *,
                    normalization: str = "average") -> NetworkResult:
    """Run the whole network analysis on a study.

    Parameters
    ----------
    study
        From :func:`altena_qca.load_study`.
    gazetteer
        A :class:`Gazetteer`, a path to one, or None for the package
        gazetteer ``altena_qca/resources/codebook/actors.yaml`` merged with the study's own
        ``<data_dir>/actors.yaml`` when it has one
        (:func:`~altena_qca.network.actors.study_gazetteer`).
    normalization
        Normalisation of the congruence and conflict graphs written as files
        (the ``network_dna_edges`` table has all of them).

    Returns
    -------
    NetworkResult

    Raises
    ------
    CodebookError
        For an invalid gazetteer or ``analysis.rhodes`` section.

    Warns
    -----
    W111 for each organisation in ``respondents.csv`` that is not in the
    gazetteer; it becomes a row of the candidates (reason
    ``respondents.csv``) and its respondents are left out of the network.
    """
    if gazetteer is None:
        config = getattr(study, "config", None)
        gazetteer = study_gazetteer(study.data_dir, municipality=config.municipality if config else "",
                                    thesis=config.thesis if config else True)
    elif not isinstance(gazetteer, Gazetteer):
        gazetteer = load_gazetteer(gazetteer)
    source = Path(study.data_dir) / "respondents.csv" if study.data_dir else "respondents.csv"
    mentions, candidates = mentions_and_candidates(study.corpus, gazetteer)
    candidates = _with_unknown_organisations(candidates, study, gazetteer, source)
    G = partner_network(study.corpus, gazetteer, mentions, source=source)
    summary = graph_measures(G)
    reading = rhodes_reading(study.corpus, study.codebook, study.codings, summary)
    statements = dna_statements(study.corpus, study.codebook, study.codings, gazetteer, source=source)
    names = {a.id: a.name for a in gazetteer}
    return NetworkResult(
        gazetteer=gazetteer, mentions=mentions, candidates=candidates,
        graph=G, summary=summary, rhodes=reading, statements=statements,
        affiliation=affiliation_network(statements, names),
        congruence=dna_projection(statements, "congruence", normalization, names),
        conflict=dna_projection(statements, "conflict", normalization, names))


def _with_unknown_organisations(candidates: pd.DataFrame, study: Study, gazetteer: Gazetteer,
                                source) -> pd.DataFrame:
    """Warn about organisations of ``respondents.csv`` missing from the gazetteer; list them first."""
    import warnings

    from ..errors import Warnings
    unknown = unresolved_organisations(study.corpus, gazetteer)
    if not unknown:
        return candidates
    rows = []
    for org, rids in sorted(unknown.items()):
        warnings.warn(Warnings.W111.format(path=source, name=org, where="organisation of " + ", ".join(rids)),
                      stacklevel=3)
        rows.append({"text": org, "count": len(rids), "documents": len(rids),
                     "reason": "organisation in respondents.csv, not in the gazetteer",
                     "example_document": rids[0], "example_start": 0})
    known = candidates[~candidates["text"].map(lambda t: " ".join(str(t).split())).isin(unknown)]
    return pd.concat([pd.DataFrame(rows, columns=CANDIDATE_COLUMNS), known], ignore_index=True)


def network_tables(result: NetworkResult) -> dict[str, pd.DataFrame]:
    """The tables of a network analysis, by name.

    ``network_actors`` (the gazetteer), ``network_nodes`` (organisations with
    attributes and measures), ``network_edges``, ``network_summary``,
    ``network_rhodes``, ``network_mentions``, ``network_candidates``,
    ``network_dna_statements`` and ``network_dna_edges``.
    """
    summary = pd.DataFrame({"measure": list(result.summary),
                            "value": pd.Series(list(result.summary.values()), dtype=object)})
    return {
        "network_actors": result.gazetteer.to_frame(),
        "network_nodes": node_measures(result.graph),
        "network_edges": edges_frame(result.graph),
        "network_summary": summary,
        "network_rhodes": result.rhodes.to_frame(),
        "network_mentions": result.mentions,
        "network_candidates": result.candidates,
        "network_dna_statements": result.statements,
        "network_dna_edges": dna_edges_frame(result.statements),
    }


def write_graph_files(result: NetworkResult, out_dir: str | Path) -> list[Path]:
    """Write the partner network (with measures) and the DNA graphs as GraphML and GEXF."""
    out = Path(out_dir)
    graphs = {"partner_network": with_measures(result.graph), "dna_affiliation": result.affiliation,
              "dna_congruence": result.congruence, "dna_conflict": result.conflict}
    written = []
    for name, G in graphs.items():
        written.append(export_graphml(G, out / f"{name}.graphml"))
        written.append(export_gexf(G, out / f"{name}.gexf"))
    return written


def write_network(study: Study, out_dir: str | Path, gazetteer: Gazetteer | str | Path | None = None) -> list[Path]:
    """Run :func:`analyse_network` and write its tables (CSV) and graph files into ``out_dir``."""
    from .._io import write_csv

    result = analyse_network(study, gazetteer)
    out = Path(out_dir)
    written = [write_csv(df, out / f"{name}.csv") for name, df in network_tables(result).items()]
    return written + write_graph_files(result, out)
