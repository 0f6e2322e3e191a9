"""The one call behind ``altena-qca report`` and the report stage of ``altena-qca run``.

The top of the report package: it computes the results
(:mod:`~altena_qca.report.results`), draws the figures
(:mod:`~altena_qca.report.figures`) and writes the Word report
(:mod:`~altena_qca.report.docx_report`); none of those imports it.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..study import Study
from .docx_report import write_report
from .figures import write_figures
from .results import compute_results

__all__ = ["make_report"]


def make_report(study: Study, path: str | Path, *, figures_dir: str | Path | None = None,
                network=True, groups: pd.DataFrame | None = None, claims=None) -> dict[str, list[Path]]:
    """Compute the results of ``study``, write its figures and the Word report.

    Parameters
    ----------
    study : Study
        From :func:`altena_qca.load_study`.
    path : str or Path
        The ``.docx`` to write.
    figures_dir : str or Path, optional
        Where the PNG and SVG figures go; default ``figures/`` beside the
        report.
    network : bool or network result
        Include the partner network (computed, or as given).
    groups : DataFrame, optional
        The typology groups, if already computed.
    claims : DataFrame, optional
        :func:`~altena_qca.report.claims.check_claims`, if already computed
        (else computed from the study's ``claims.yaml``, when it has one).

    Returns
    -------
    dict
        ``report`` → [the .docx], and figure stem → [png, svg].
    """
    path = Path(path)
    results = compute_results(study, network=network, groups=groups, claims=True if claims is None else claims)
    figs = write_figures(results, Path(figures_dir) if figures_dir else path.parent / "figures")
    write_report(study, results, path, figures=figs)
    return {"report": [path], **figs}
