"""``altena-qca run``: every analysis on a study, written to an output folder.

The run is a list of stages; each takes the :class:`~altena_qca.study.Study`
and the output folder and returns a :class:`StageOutput`: the tables it made
(name → DataFrame) and the files it wrote itself (figures, report, graphs,
``.qdpx``). All tables are written as CSV and collected in one Excel
workbook, so two runs on the same input give byte-identical files. Output
file stems come from ``study.yaml`` (``slug``).

A study without manual codings is run with a loud warning (W112): every
count then rests on no codings. :func:`use_suggestions` puts the
auto-coder's unreviewed suggestions in their place (``run --codings
suggested``; ``study.coding_source == "suggested"``).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd

from .errors import Warnings
from .study import Study

if TYPE_CHECKING:
    from .check import CheckResult

__all__ = ["STAGES", "BACKGROUND_STAGES", "StageOutput", "check_then_load", "export_groups", "is_kept", "kept", "run",
           "use_suggestions"]


class StageOutput(NamedTuple):
    """What a stage made: tables (written as CSV by :func:`run`) and the files it wrote."""

    tables: dict[str, pd.DataFrame]
    files: tuple[Path, ...] | list[Path] = ()


Stage = Callable[[Study, Path], StageOutput]


def _overview(study: Study, out: Path) -> StageOutput:
    from .analysis.frequencies import code_frequencies, respondent_overview
    return StageOutput({
        "respondents": respondent_overview(study.corpus, study.codebook, study.codings),
        "code_frequencies": code_frequencies(study.corpus, study.codebook, study.codings),
    })


def _autocode(study: Study, out: Path, *, key: str | None = None) -> StageOutput:
    """Auto-coding suggestions (origin auto, kept apart from the manual codings) and their evaluation."""
    if study.coding_source == "suggested":  # the codings are the suggestions: no evaluation against themselves
        return StageOutput({"auto_codings": study.codings})
    from .analysis.autocode import autocode_tables
    return StageOutput(kept(study, "autocode", lambda: autocode_tables(study), key=key))


def _key(study: Study, key: str | None) -> str | None:
    from .store.cache import study_fingerprint

    # None from study_fingerprint means "no cache to vouch for": found before any hashing, cheap to ask again
    return key if key is not None else study_fingerprint(study)


def is_kept(study: Study, name: str, *, key: str | None = None) -> bool:
    """True when :func:`kept` would take ``name``'s tables from the study cache (nothing to compute).

    ``key``: the study's :func:`~altena_qca.store.cache.study_fingerprint` when
    the caller has it already (:func:`run` computes it once); else computed here.
    """
    key = _key(study, key)
    return key is not None and study.cache.has_results(name, key)


def kept(study: Study, name: str, compute: Callable[[], dict[str, pd.DataFrame]], *,
         key: str | None = None) -> dict[str, pd.DataFrame]:
    """``compute()``'s tables, kept in the study cache under ``name`` while the study is unchanged.

    The key is :func:`altena_qca.store.cache.study_fingerprint` (every input
    file's content, the codebook, the codings in memory, code and library
    versions); without a study cache the tables are computed every time.
    ``compute`` must depend on nothing else. ``key``: that fingerprint when
    the caller has it already (it hashes every coding: :func:`run` computes
    it once per run); else computed here — never remembered on the study,
    so codings edited in place give a new key.
    """
    key = _key(study, key)
    if key is None:
        return compute()
    return study.cache.results(name, key, compute)


def _slug(study: Study) -> str:
    """The output file stem of a study (study.yaml ``slug``; ``altena-qca`` for the thesis study)."""
    from .report.text import report_text
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


def _groups(study: Study, out: Path) -> StageOutput:
    return StageOutput({"groups": groups_of(study)})


def _effects(study: Study, out: Path) -> StageOutput:
    from .analysis.effects import effect_evidence, effects_matrix, respondent_effects
    args = (study.corpus, study.codebook, study.codings)
    groups = groups_of(study)
    return StageOutput({
        "effects_today": effects_matrix(*args, groups, when="today"),
        "effects_wams": effects_matrix(*args, groups, when="wams"),
        "effects_respondents": respondent_effects(*args, groups),
        "effects_evidence": effect_evidence(*args, groups),
    })


def _code_document(study: Study, out: Path) -> StageOutput:
    from .analysis.frequencies import code_document_long, code_document_table
    args = (study.corpus, study.codebook, study.codings)
    if not _has_typology(study):  # e.g. a project imported from another tool
        return StageOutput({"code_document": code_document_table(*args, by="respondent"),
                            "code_document_by_side": code_document_table(*args, by="side")})
    groups = groups_of(study)
    return StageOutput({
        "code_document": code_document_table(*args, by="respondent"),
        "code_document_by_group": code_document_table(*args, by="group", groups=groups),
        "code_document_by_side": code_document_table(*args, by="side"),
        "code_document_shares": pd.concat([code_document_long(*args, by=by, groups=groups)
                                           for by in ("respondent", "group", "side")], ignore_index=True),
    })


def _cooccurrence(study: Study, out: Path) -> StageOutput:
    from .analysis.cooccurrence import cooccurrence_table, effect_cooccurrence
    args = (study.corpus, study.codebook, study.codings)
    tables = {f"cooccurrence_{level}": cooccurrence_table(*args, level=level)
              for level in ("segment", "document")}
    if not _has_typology(study):
        return StageOutput(tables)
    groups = groups_of(study)
    for effect in study.codebook.analysis.get("effects") or {}:
        tables[f"cooccurrence_{effect}"] = pd.concat(
            [effect_cooccurrence(*args, effect, level=level, groups=groups) for level in ("document", "segment")],
            ignore_index=True)
    return StageOutput(tables)


def _network(study: Study, out: Path) -> StageOutput:
    """Partner network, measures, Rhodes reading, DNA; graph files go to ``out/network/``."""
    from .network.outputs import network_tables, write_graph_files
    result = network_of(study)
    files = write_graph_files(result, out / "network")
    return StageOutput(network_tables(result), list(files))


def _claims(study: Study, out: Path) -> StageOutput:
    """The study's claims.yaml checked against the data (``claims.csv``); nothing without one."""
    table = _claims_of(study)
    return StageOutput({"claims": table} if table is not None and len(table) else {})


def _claims_of(study: Study):
    """check_claims of the study's claims.yaml, once per run; None without one."""
    from .report.claims import check_claims
    if not (study.data_dir and (Path(study.data_dir) / "claims.yaml").exists()):
        return None
    groups = groups_of(study) if _has_typology(study) else None
    return study.memo("claims", lambda: check_claims(study, groups=groups, network=lambda: network_of(study)))


def _qdpx(study: Study, out: Path) -> StageOutput:
    """The whole project as ``<slug>.qdpx`` (REFI-QDA), for ATLAS.ti, NVivo, MAXQDA."""
    from .refi import export_qdpx
    return StageOutput({}, [export_qdpx(study, out / f"{_slug(study)}.qdpx", groups=export_groups(study))])


def export_groups(study: Study) -> pd.DataFrame | None:
    """The typology groups a ``.qdpx`` export carries, or None when the study has no typology."""
    if not study.codebook.analysis.get("typology") or not study.corpus.respondents:
        return None
    return groups_of(study)


def _report(study: Study, out: Path) -> StageOutput:
    """Figures (PNG, SVG) in ``out/figures/`` and the Dutch Word report ``out/report.docx``."""
    from .report.make import make_report
    claims = _claims_of(study)
    files = make_report(study, out / "report.docx", figures_dir=out / "figures",
                        groups=groups_of(study), network=network_of(study),
                        claims=False if claims is None else claims)
    return StageOutput({}, [p for paths in files.values() for p in paths])


#: What a stage needs from the codebook's ``analysis`` section; a codebook
#: without it (a project imported from another tool) skips the stage.
NEEDS: dict[str, tuple[str, ...]] = {
    "groups": ("typology",),
    "effects": ("typology", "effects"),
    "network": ("rhodes",),
    "report": ("typology", "effects", "rhodes"),
}

#: Stages that only read the study and return tables: with two or more cores, :func:`run`
#: starts them in a forked copy of the process and runs the other stages meanwhile
#: (the same tables, written in the same order; :func:`altena_qca.engine.in_background`) —
#: unless their tables are already kept in the study cache (:func:`is_kept`; stage name = kept name).
BACKGROUND_STAGES = ("autocode",)

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


def use_suggestions(study: Study, *, coder=None) -> Study:
    """The study with the auto-coder's suggestions as its codings (``run --codings suggested``).

    The coder is trained on the study's manual codings when it has any (else
    it uses the codebook's rules alone) and codes every respondent turn. The
    result's ``coding_source`` is ``"suggested"``; warning W113 says that the
    codings are "automatisch gecodeerd, niet beoordeeld".
    """
    from dataclasses import replace

    from .coding import AutoCoder, suggest

    table = suggest(study.corpus, study.codebook, study.codings if len(study.codings) else None,
                    coder=coder if coder is not None else AutoCoder())
    codings = table[[c for c in study.codings.columns if c in table.columns]].reset_index(drop=True) \
        if len(study.codings.columns) else table
    warnings.warn(Warnings.W113.format(n=len(codings), docs=codings["document"].nunique() if len(codings) else 0),
                  stacklevel=2)
    return replace(study, codings=codings, coding_source="suggested", _memo={})


def check_then_load(data_dir: str | Path, codebook: str | Path | None = None, *, pseudonymise: bool = True,
                    engine: str = "local", scheduler: str | None = None, out: str | Path | None = None,
                    codings: str = "manual") -> tuple[CheckResult, Study | None]:
    """Check a study folder, and load it if the check finds no problem: ``altena-qca run``'s first step.

    With the local engine and a second core, :func:`~altena_qca.check.check_study`
    runs in a forked process (:func:`altena_qca.engine.in_background`) while
    this one loads the study; otherwise the check runs first. Either way the
    result is what the two one after the other would give: nothing is loaded
    for nothing, the check's verdict comes first, its problems win over an
    error of the loading, and the loading's warnings come after the check's.

    Parameters
    ----------
    data_dir, codebook, pseudonymise
        As for :func:`~altena_qca.study.load_study`.
    engine, scheduler
        :func:`altena_qca.engine.get_engine`'s ``name`` and ``scheduler``: who
        reads and pseudonymises the documents (a Dask cluster is started only
        after a clean check; the check then runs first, here).
    out
        The output folder the run will write: refused (E150, raised) after a
        clean check, before anything of the loading is reported.
    codings : {"manual", "suggested"}
        ``"suggested"``: the study's codings are the auto-coder's suggestions
        (:func:`use_suggestions`), and the check's W112 ('no codings') is left
        out (W113 says what the codings are).

    Returns
    -------
    (CheckResult, Study or None)
        With problems (``result.ok`` is False): the result and None, and no
        warning is raised (the caller lists ``result.warnings`` and
        ``result.problems``). Else the study, after the check's warnings and
        then the loading's were raised as Python warnings.

    Raises
    ------
    AltenaError
        An error of the loading that the check did not find; E150 for ``out``.
    """
    import contextlib

    from ._staging import check_target
    from .check import check_study
    from .engine import get_engine, in_background
    from .errors import AltenaError, message_code
    from .study import load_study

    if engine == "local":
        call = in_background(check_study, data_dir, codebook, fit_rules=False, names=False)
    else:
        call = None
    loaded: Study | None = None
    failed: AltenaError | None = None
    held: list[warnings.WarningMessage] = []
    try:
        if call is not None:
            with warnings.catch_warnings(record=True) as held:
                warnings.simplefilter("always")
                try:
                    loaded = load_study(data_dir, codebook, pseudonymise=pseudonymise)
                except AltenaError as exc:
                    failed = exc
            checked = call.result()
        else:
            checked = check_study(data_dir, codebook, fit_rules=False, names=False)
    finally:
        if call is not None:
            call.cancel()
    if codings == "suggested":
        checked.warnings = [w for w in checked.warnings if message_code(w) != "W112"]
    if not checked.ok:
        return checked, None
    for message in checked.warnings:
        warnings.warn(message, stacklevel=2)
    if out is not None:
        check_target(out)  # a file or someone's own folder: refused before the analysis (E150)
    if call is not None:
        for w in held:
            warnings.warn(w.message, w.category, stacklevel=2)
        if failed is not None:
            raise failed
        assert loaded is not None  # loaded unless it failed
        study = loaded
    else:  # local on one core: load_study's own choice (a pool when many documents are new)
        with contextlib.nullcontext(None) if engine == "local" else get_engine(engine, scheduler) as runner:
            study = load_study(data_dir, codebook, pseudonymise=pseudonymise, engine=runner)
    return checked, use_suggestions(study) if codings == "suggested" else study


def run(study: Study, out_dir: str | Path, stages: list[tuple[str, Stage]] | None = None,
        log: Callable[[str], None] = lambda msg: None, *, background: bool | None = None) -> list[Path]:
    """Run every stage; write its tables and files; return every file written.

    A stage whose codebook settings are missing (:data:`NEEDS`) is skipped
    with a log message. A study without codings warns (W112) first.
    The output is all-or-nothing (:func:`altena_qca._staging.staged_folder`):
    written into a staging folder beside ``out_dir`` and put in place at the
    end; ``out_dir`` must be new, empty or a previous run's output (E150).

    ``background``: run the :data:`BACKGROUND_STAGES` in a forked process
    beside the others (default: when the machine has two or more cores and
    can fork). The written files are the same either way (tested).
    """
    from ._io import write_csv, write_text, write_workbook

    if study.coding_source == "none":
        path = Path(study.data_dir) / "codings.csv" if study.data_dir else "codings.csv"
        warnings.warn(Warnings.W112.format(path=path), stacklevel=2)
        log(f"WARNING: {Warnings.W112.format(path=path)}")
    from ._staging import staged_folder

    final = Path(out_dir)
    # All or nothing: the run is built in a staging folder beside --out and
    # swapped in at the end; until then the previous output stays as it was.
    with staged_folder(final) as out:
        tables_dir = out / "tables"
        written: list[Path] = []
        all_tables: dict[str, pd.DataFrame] = {}
        todo = []
        for name, stage in stages or STAGES:
            missing = [k for k in NEEDS.get(name, ()) if not study.codebook.analysis.get(k)]
            if missing:
                log(f"{name}: skipped (the codebook has no analysis.{', analysis.'.join(missing)})")
            else:
                todo.append((name, stage))
        results = _run_stages(study, out, todo, log, background)
        for name, _ in todo:  # written in stage order, wherever a stage ran
            result = results[name]
            for tname, df in result.tables.items():
                written.append(write_csv(df, tables_dir / f"{tname}.csv"))
                all_tables[tname] = df
            written += [Path(p) for p in result.files if Path(p) not in written]
        note = ("Automatisch gecodeerd, niet beoordeeld: elke tabel in deze map rust op voorstellen van de "
                "automatische codeerder die niemand heeft beoordeeld." if study.coding_source == "suggested" else None)
        if note:
            written.append(write_text(tables_dir / "LET_OP.txt", note + "\n"))
        written.append(write_workbook(all_tables, out / f"{_slug(study)}.xlsx", note=note))
        written = [final / Path(p).relative_to(out) for p in written]
    return written


def _run_stages(study: Study, out: Path, todo: list[tuple[str, Stage]], log: Callable[[str], None],
                background: bool | None) -> dict[str, StageOutput]:
    """Each stage's output; :data:`BACKGROUND_STAGES` in a forked process when ``background`` allows."""
    import inspect

    from .engine import can_fork, in_background
    from .store.cache import study_fingerprint

    if background is None:
        background = can_fork()
    background = background and len(todo) > 1
    # Stages that keep their tables (a ``key`` parameter: :func:`kept`) get the study's fingerprint,
    # computed once here for the whole run (the stages only read the study).
    keyed = {name for name, stage in todo if "key" in inspect.signature(stage).parameters}
    needs_key = keyed or (background and any(name in BACKGROUND_STAGES for name, _ in todo))
    key = study_fingerprint(study) if needs_key else None
    args = {name: {"key": key} if name in keyed else {} for name, _ in todo}
    side = {}
    if background:
        for name, stage in todo:
            if name in BACKGROUND_STAGES and not (name == "autocode" and study.coding_source == "suggested") \
                    and not is_kept(study, name, key=key):
                call = in_background(stage, study, out, **args[name])
                if call is not None:
                    side[name] = call
    results: dict[str, StageOutput] = {}
    try:
        for name, stage in todo:
            log(f"{name} ..." + (" (beside the other stages, in a second process)" if name in side else ""))
            if name not in side:
                results[name] = stage(study, out, **args[name])
        for name, call in side.items():
            results[name] = call.result()
    finally:
        for call in side.values():
            call.cancel()
    return results

