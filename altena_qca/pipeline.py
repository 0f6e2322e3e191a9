"""``altena-qca run``: every analysis on a study, written to an output folder.

The run is a list of stages; each takes the :class:`~altena_qca.study.Study`
and the output folder and returns the tables it made (name → DataFrame).
All tables are written as CSV and collected in one Excel workbook, so two runs
on the same input give byte-identical files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from .study import Study

__all__ = ["STAGES", "run"]

Stage = Callable[[Study, Path], dict[str, pd.DataFrame]]


def _overview(study: Study, out: Path) -> dict[str, pd.DataFrame]:
    from .analysis.frequencies import code_frequencies, respondent_overview
    return {
        "respondents": respondent_overview(study.corpus, study.codebook, study.codings),
        "code_frequencies": code_frequencies(study.corpus, study.codebook, study.codings),
    }


#: The stages of a run, in data-flow order (ingest → code → analyse → report).
STAGES: list[tuple[str, Stage]] = [
    ("overview", _overview),
]


def run(study: Study, out_dir: str | Path, stages: list[tuple[str, Stage]] | None = None,
        log: Callable[[str], None] = lambda msg: None) -> list[Path]:
    """Run every stage and write its tables; return the files written."""
    from .report.tables import write_csv, write_workbook

    out = Path(out_dir)
    tables_dir = out / "tables"
    written: list[Path] = []
    all_tables: dict[str, pd.DataFrame] = {}
    for name, stage in stages or STAGES:
        log(f"{name} ...")
        tables = stage(study, out)
        for tname, df in tables.items():
            written.append(write_csv(df, tables_dir / f"{tname}.csv"))
            all_tables[tname] = df
    written.append(write_workbook(all_tables, out / "altena-qca.xlsx"))
    return written
