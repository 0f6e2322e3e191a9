"""Check a whole study folder before anything runs, listing every problem at once.

:func:`check_study` reads ``study.yaml``, ``respondents.csv``, every
transcript and observation, the codebook, the study's ``actors.yaml`` and
``codings.csv`` — without pseudonymising, so it is fast and writes nothing —
and returns every problem (errors that stop a run) and every warning
(findings a researcher should see). ``altena-qca check`` prints them;
``altena-qca run`` calls it first and writes nothing when there is a problem.

Examples
--------
>>> from altena_qca.study import DEFAULT_DATA
>>> result = check_study(DEFAULT_DATA)
>>> result.ok, result.problems, result.counts["respondents"]
(True, [], 13)
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AltenaError, Errors, InputError, Warnings

__all__ = ["CheckResult", "check_study"]


@dataclass
class CheckResult:
    """What :func:`check_study` found.

    Attributes
    ----------
    folder : Path
    problems : list of str
        Errors (``[E...]``), each naming its file and line; a run refuses to
        start while there is one.
    warnings : list of str
        Warnings (``[W...]``): the run goes on, but the researcher should know.
    counts : dict
        respondents, transcripts, observations, codes, codings.
    """

    folder: Path
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing stops a run."""
        return not self.problems

    def summary(self) -> str:
        """One line: what the study holds and how many problems and warnings."""
        c = self.counts
        held = (f"{c.get('respondents', 0)} respondents, {c.get('transcripts', 0)} transcripts, "
                f"{c.get('observations', 0)} observations, {c.get('codes', 0)} codes, "
                f"{c.get('codings', 0)} codings")
        state = "ready to run" if self.ok else f"{len(self.problems)} problem(s): nothing will run until fixed"
        return f"{self.folder}: {held}; {len(self.warnings)} warning(s); {state}"


class _Collector:
    """Runs one check, keeping its warnings and turning an error into a problem."""

    def __init__(self, result: CheckResult):
        self.result = result

    def __call__(self, func, *args, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = func(*args, **kwargs)
            except AltenaError as exc:
                self.result.problems.append(str(exc))
                value = None
        for w in caught:
            if issubclass(w.category, (DeprecationWarning, FutureWarning, ResourceWarning)):
                continue
            msg = " ".join(str(w.message).split())
            if msg not in self.result.warnings:
                self.result.warnings.append(msg)
        return value


def check_study(folder: str | Path, codebook: str | Path | None = None, *, fit_rules: bool = True) -> CheckResult:
    """Every problem and warning of a study folder, found without running anything.

    Parameters
    ----------
    folder
        The study folder (``docs/study-format.md``).
    codebook
        A codebook to use instead of ``<folder>/codebook.yaml`` (else the
        thesis codebook).
    fit_rules
        Also fit the rule coder once (a few seconds; ``run`` skips it, as its
        auto-coding stage fits the coder anyway).

    Returns
    -------
    CheckResult
    """
    from .codebook import (
        DEFAULT_CODEBOOK,
        load_codebook,
        read_codebook_file,
        validate_codebook,
    )
    from .ingest.corpus import (
        _transcript_files,
        load_codings,
        read_respondents,
        read_transcript,
    )
    from .model import Corpus
    from .rule_check import rule_problems
    from .study import load_config

    folder = Path(folder)
    result = CheckResult(folder)
    run = _Collector(result)
    if not folder.is_dir():
        result.problems.append(Errors.E134.format(path=folder, reason="folder not found"))
        return result
    config = run(load_config, folder)

    # respondents.csv: every row
    respondents = run(read_respondents, folder / "respondents.csv", result.problems) or {}
    result.counts["respondents"] = len(respondents)

    # transcripts and observations: names first, then every file
    resp_path, tdir = folder / "respondents.csv", folder / "transcripts"
    if not tdir.is_dir():
        result.problems.append(Errors.E134.format(path=tdir, reason="no transcripts/ folder; put one "
                                                  "<respondent id>.docx or .txt per interview there"))
    files = _transcript_files(tdir)
    by_id: dict[str, Path] = {}
    for f in files:
        if f.stem in by_id:
            result.problems.append(Errors.E112.format(
                path=f, line=1, value=f.stem, column="file name",
                reason=f"two transcripts for one respondent ({by_id[f.stem].name})"))
            continue
        by_id[f.stem] = f
        if respondents and f.stem not in respondents:
            result.problems.append(Errors.E114.format(doc=f.name, path=resp_path))
    for rid in respondents:
        if rid not in by_id:
            result.problems.append(Errors.E113.format(id=rid, path=resp_path, folder=tdir))
    speakers = config.speaker_roles if config is not None else None
    corpus = Corpus(respondents=respondents)
    unreadable: set[str] = set()
    for rid, f in sorted(by_id.items()):
        doc = run(read_transcript, f, rid, kind="interview", respondent=rid if rid in respondents else None,
                  speakers=speakers or None)
        if doc is not None:
            corpus.documents[doc.id] = doc
        else:
            unreadable.add(rid)
    observations = _transcript_files(folder / "observations")
    for f in observations:
        doc = run(read_transcript, f, f.stem, kind="observation", speakers=speakers or None)
        if doc is not None:
            corpus.documents[doc.id] = doc
        else:
            unreadable.add(f.stem)
    result.counts["transcripts"], result.counts["observations"] = len(by_id), len(observations)

    # the codebook: every problem, rules compiled
    cb_path = Path(codebook) if codebook is not None else (
        folder / "codebook.yaml" if (folder / "codebook.yaml").is_file() else DEFAULT_CODEBOOK)
    data = run(read_codebook_file, cb_path)
    cb = None
    if data is not None:
        problems = validate_codebook(data, cb_path)
        result.problems += problems
        if not problems:
            cb = run(load_codebook, cb_path)
            errors, rule_warnings = rule_problems(cb, fit=fit_rules)
            result.problems += errors
            result.warnings += rule_warnings
    result.counts["codes"] = len(cb) if cb is not None else 0

    # the study's own actors, and organisations the gazetteer does not know
    _check_actors(folder, corpus, result, run, config)

    # codings: every row, on the text as typed
    path = folder / "codings.csv"
    n = 0
    if path.is_file() and cb is not None:
        found: list[str] = []
        codings = run(load_codings, path, corpus, cb, found)
        n = len(codings) if codings is not None else 0
        # codings of a transcript that could not be read follow from that problem
        result.problems += [p for p in found if not any(f"unknown document '{d}'" in p for d in unreadable)]
    store = folder / "study.sqlite"  # the workbench's coding store, read by load_study when present
    if store.is_file():  # its codings lie on the pseudonymised text: counted here, checked by load_study
        n = max(n, run(_count_store_codings, store) or 0)
    if n == 0 and not (path.is_file() and cb is None):
        result.warnings.append(Warnings.W112.format(path=path))
    result.counts["codings"] = n
    return result


def _count_store_codings(path: Path) -> int:
    import contextlib
    import sqlite3

    from .store._sqlite import connect
    try:
        with contextlib.closing(connect(path, readonly=True)) as conn:
            return int(conn.execute("SELECT count(*) FROM codings").fetchone()[0])
    except sqlite3.Error as exc:
        raise InputError(Errors.E109.format(path=path, reason=f"not a coding store: {exc}")) from None


def _check_actors(folder: Path, corpus, result: CheckResult, run, config) -> None:
    from .network.actors import (
        DEFAULT_ACTORS,
        load_gazetteer,
        study_gazetteer,
        unresolved_organisations,
        validate_study_actors,
    )

    base = run(load_gazetteer, DEFAULT_ACTORS)
    if base is None:
        return
    local = folder / "actors.yaml"
    if local.is_file():
        problems = validate_study_actors(local, base)
        result.problems += problems
        if problems:
            return
    gazetteer = run(study_gazetteer, folder, municipality=config.municipality if config is not None else "",
                    thesis=config.thesis if config is not None else True)
    if gazetteer is None:
        return
    for org, rids in unresolved_organisations(corpus, gazetteer).items():
        result.warnings.append(Warnings.W111.format(path=folder / "respondents.csv", name=org,
                                                    where="organisation of " + ", ".join(rids)))
