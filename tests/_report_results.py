"""Shared fixtures of test_report.py and test_figures.py: the results bundle, computed once."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def report_results(study):
    """compute_results on the bundled study (network included)."""
    from altena_qca.report import compute_results
    return compute_results(study)


@pytest.fixture(scope="session")
def written_report(study, report_results, tmp_path_factory):
    """The report and its figures, written once: (docx path, figures dict)."""
    from altena_qca.report import write_figures, write_report
    out = tmp_path_factory.mktemp("report")
    figures = write_figures(report_results, out / "figures")
    path = write_report(study, report_results, out / "report.docx", figures=figures)
    return path, figures
