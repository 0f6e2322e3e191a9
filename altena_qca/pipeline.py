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


def _autocode(study: Study, out: Path) -> dict[str, pd.DataFrame]:
    """Auto-coding suggestions (origin auto, kept apart from the manual codings) and their evaluation."""
    from .coding.experiment import autocode_tables
    return autocode_tables(study)


def _slug(study: Study) -> str:
    """The output file stem of a study (study.yaml ``slug``; ``altena-qca`` for the thesis study)."""
    from .report.results import report_text
    return report_text(study).slug


def groups_of(study: Study) -> pd.DataFrame:
    """The typology groups of ``study``, computed once per run."""
    from .analysis.typology import assign_groups
    return study.memo("groups", lambda: assign_groups(study.corpus, study.codebook, study.codings))


def network_of(study: Study):
    """The partner-network analysis of ``study``, computed once per run."""
    from .network.outputs import analyse_network
    return study.memo("network", lambda: analyse_network(study))


def _has_typology(study: Study) -> bool:
    return bool((study.codebook.analysis.get("typology") or {}).get("groups"))


def _groups(study: Study, out: Path) -> dict[str, pd.DataFrame]:
    return {"groups": groups_of(study)}


def _effects(study: Study, out: Path) -> dict[str, pd.DataFrame]:
    from .analysis.effects import effect_evidence, effects_matrix, respondent_effects
    args = (study.corpus, study.codebook, study.codings)
    groups = groups_of(study)
    return {
        "effects_today": effects_matrix(*args, groups, when="today"),
        "effects_wams": effects_matrix(*args, groups, when="wams"),
        "effects_respondents": respondent_effects(*args, groups),
        "effects_evidence": effect_evidence(*args, groups),
    }


def _code_document(study: Study, out: Path) -> dict[str, pd.DataFrame]:
    from .analysis.frequencies import code_document_long, code_document_table
    args = (study.corpus, study.codebook, study.codings)
    if not _has_typology(study):  # e.g. a project imported from another tool
        return {"code_document": code_document_table(*args, by="respondent"),
                "code_document_by_side": code_document_table(*args, by="side")}
    groups = groups_of(study)
    return {
        "code_document": code_document_table(*args, by="respondent"),
        "code_document_by_group": code_document_table(*args, by="group", groups=groups),
        "code_document_by_side": code_document_table(*args, by="side"),
        "code_document_shares": pd.concat([code_document_long(*args, by=by, groups=groups)
                                           for by in ("respondent", "group", "side")], ignore_index=True),
    }


def _cooccurrence(study: Study, out: Path) -> dict[str, pd.DataFrame]:
    from .analysis.cooccurrence import cooccurrence_table, effect_cooccurrence
    args = (study.corpus, study.codebook, study.codings)
    tables = {f"cooccurrence_{level}": cooccurrence_table(*args, level=level)
              for level in ("segment", "document")}
    if not _has_typology(study):
        return tables
    groups = groups_of(study)
    for effect in study.codebook.analysis.get("effects") or {}:
        tables[f"cooccurrence_{effect}"] = pd.concat(
            [effect_cooccurrence(*args, effect, level=level, groups=groups) for level in ("document", "segment")],
            ignore_index=True)
    return tables


def _network(study: Study, out: Path) -> dict[str, pd.DataFrame]:
    """Partner network, measures, Rhodes reading, DNA; graph files go to ``out/network/``."""
    from .network.outputs import network_tables, write_graph_files
    result = network_of(study)
    write_graph_files(result, out / "network")
    return network_tables(result)


def _claims(study: Study, out: Path) -> dict[str, pd.DataFrame]:
    """The study's claims.yaml checked against the data (``claims.csv``); nothing without one."""
    table = _claims_of(study)
    return {"claims": table} if table is not None and len(table) else {}


def _claims_of(study: Study):
    """check_claims of the study's claims.yaml, once per run; None without one."""
    from .report.claims import check_claims
    if not (study.data_dir and (Path(study.data_dir) / "claims.yaml").exists()):
        return None
    groups = groups_of(study) if _has_typology(study) else None
    return study.memo("claims", lambda: check_claims(study, groups=groups, network=lambda: network_of(study)))


def _qdpx(study: Study, out: Path) -> dict[str, pd.DataFrame]:
    """The whole project as ``altena-qca.qdpx`` (REFI-QDA), for ATLAS.ti, NVivo, MAXQDA."""
    from .refi import export_qdpx
    export_qdpx(study, out / f"{_slug(study)}.qdpx", groups=export_groups(study))
    return {}


def export_groups(study: Study) -> pd.DataFrame | None:
    """The typology groups a ``.qdpx`` export carries, or None when the study has no typology."""
    if not study.codebook.analysis.get("typology") or not study.corpus.respondents:
        return None
    return groups_of(study)


def _report(study: Study, out: Path) -> dict[str, pd.DataFrame]:
    """Figures (PNG, SVG) in ``out/figures/`` and the Dutch Word report ``out/report.docx``."""
    from .report.results import make_report
    claims = _claims_of(study)
    make_report(study, out / "report.docx", figures_dir=out / "figures",
                groups=groups_of(study), network=network_of(study), claims=False if claims is None else claims)
    return {}


#: What a stage needs from the codebook's ``analysis`` section; a codebook
#: without it (a project imported from another tool) skips the stage.
NEEDS: dict[str, tuple[str, ...]] = {
    "groups": ("typology",),
    "effects": ("typology", "effects"),
    "network": ("rhodes",),
    "report": ("typology", "effects", "rhodes"),
}

#: The stages of a run, in data-flow order (ingest → code → analyse → report).
STAGES: list[tuple[str, Stage]] = [
    ("overview", _overview),
    ("autocode", _autocode),
    ("groups", _groups),
    ("effects", _effects),
    ("code_document", _code_document),
    ("cooccurrence", _cooccurrence),
    ("network", _network),
    ("claims", _claims),
    ("qdpx", _qdpx),
    ("report", _report),
]


def run(study: Study, out_dir: str | Path, stages: list[tuple[str, Stage]] | None = None,
        log: Callable[[str], None] = lambda msg: None) -> list[Path]:
    """Run every stage; write its tables and files; return every file written.

    A stage whose codebook settings are missing (:data:`NEEDS`) is skipped
    with a log message.
    """
    from .report.tables import write_csv, write_workbook

    out = Path(out_dir)
    tables_dir = out / "tables"
    written: list[Path] = []
    all_tables: dict[str, pd.DataFrame] = {}
    for name, stage in stages or STAGES:
        missing = [k for k in NEEDS.get(name, ()) if not study.codebook.analysis.get(k)]
        if missing:
            log(f"{name}: skipped (the codebook has no analysis.{', analysis.'.join(missing)})")
            continue
        log(f"{name} ...")
        before = set(out.rglob("*")) if out.exists() else set()
        tables = stage(study, out)
        for tname, df in tables.items():
            written.append(write_csv(df, tables_dir / f"{tname}.csv"))
            all_tables[tname] = df
        # files a stage writes itself (figures, report, graphs, .qdpx)
        written += sorted(p for p in set(out.rglob("*")) - before
                          if p.is_file() and p not in written and p.parent != tables_dir)
    written.append(write_workbook(all_tables, out / f"{_slug(study)}.xlsx"))
    return written
