"""Stages run in a forked process beside the others (altena_qca.engine.in_background, pipeline.run).

The written files must not depend on where a stage ran: background and
serial runs are compared byte for byte. Errors and warnings of the
background call reach the caller as if it had run here.
"""
from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import pytest

from altena_qca import engine as E
from altena_qca import pipeline
from altena_qca.errors import AltenaError, Errors, InputError

pytestmark = pytest.mark.skipif(not E.can_fork(), reason="needs fork and two cores")


def _pid_and(value):
    return os.getpid(), value


def _slow_in_child(parent: int, value):
    if os.getpid() != parent:
        time.sleep(120)
    return os.getpid(), value


def _fails():
    raise InputError(Errors.E100.format(path="x.txt"))


def _warns(n):
    warnings.warn("first", UserWarning, stacklevel=1)
    warnings.warn("second", RuntimeWarning, stacklevel=1)
    return n + 1


def test_a_background_call_runs_in_another_process_and_returns_its_value():
    call = E.in_background(_pid_and, {"a": [1, 2]})
    pid, value = call.result()
    assert pid != os.getpid() and value == {"a": [1, 2]}


def test_its_error_is_raised_here_with_its_code():
    call = E.in_background(_fails)
    with pytest.raises(AltenaError) as info:
        call.result()
    assert info.value.code == "E100"


def test_its_warnings_are_repeated_here_in_order():
    call = E.in_background(_warns, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert call.result() == 2
    assert [(w.category, str(w.message)) for w in caught] == [(UserWarning, "first"), (RuntimeWarning, "second")]


def test_a_killed_background_process_costs_time_not_the_result():
    call = E.in_background(_slow_in_child, os.getpid(), 5)
    call._process.kill()  # as the out-of-memory killer would
    pid, value = call.result()
    assert value == 5 and pid == os.getpid()  # made again here


def test_one_process_when_asked(monkeypatch):
    monkeypatch.setenv(E.PROCESSES_ENV, "1")
    assert E.in_background(_pid_and, 1) is None
    assert not E.can_fork()


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_background_and_serial_runs_write_the_same_bytes(tmp_path, monkeypatch):
    from altena_qca import load_study

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = load_study()
    # cheap stages, two of them in the background (the real one, autocode, takes seconds)
    monkeypatch.setattr(pipeline, "BACKGROUND_STAGES", ("overview", "cooccurrence"))
    stages = [(n, f) for n, f in pipeline.STAGES if n in ("overview", "groups", "cooccurrence", "code_document")]
    logged: list[str] = []
    a = pipeline.run(study, tmp_path / "bg", stages=stages, background=True, log=logged.append)
    b = pipeline.run(study, tmp_path / "serial", stages=stages, background=False)
    assert any("second process" in m for m in logged)
    assert [p.relative_to(tmp_path / "bg") for p in a] == [p.relative_to(tmp_path / "serial") for p in b]
    assert _files(tmp_path / "bg") == _files(tmp_path / "serial")
    assert "tables/cooccurrence_segment.csv" in _files(tmp_path / "bg")


def _small_study(root: Path) -> Path:
    from conftest import bundled_subset
    return bundled_subset(root / "study", ("R01", "R04", "MaSS-2023-04-06"))


def test_run_checks_beside_loading_and_a_problem_still_stops_it(tmp_path, monkeypatch):
    """The check runs beside load_study: the problems listed, the exit code and the output equal a serial run."""
    from click.testing import CliRunner

    from altena_qca.cli import cli
    data = _small_study(tmp_path)
    with (data / "codings.csv").open("a", encoding="utf-8") as fh:
        fh.write("R01,10,5,intro.function,thesis,manual,1.0,\n")  # reversed span: check and load both refuse
    (data / "transcripts" / "R04.docx").unlink()  # a respondent without transcript: only the check lists both
    results = []
    for processes in ("2", "1"):
        monkeypatch.setenv(E.PROCESSES_ENV, processes)
        out = tmp_path / f"out-{processes}"
        r = CliRunner().invoke(cli, ["run", "--data", str(data), "--out", str(out)])
        assert r.exit_code == 2 and not out.exists()
        results.append([line for line in r.stderr.splitlines() if line.startswith("error:")])
    assert results[0] == results[1] and len(results[0]) >= 2
    assert any("E113" in line for line in results[0]) and any("E12" in line for line in results[0])


def test_a_stage_whose_tables_are_kept_runs_here(tmp_path, monkeypatch):
    from altena_qca import load_study
    from altena_qca.store.cache import study_fingerprint

    monkeypatch.setenv("ALTENA_QCA_STUDY_CACHE", str(tmp_path / "cache"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = load_study(_small_study(tmp_path))
    monkeypatch.setattr(pipeline, "BACKGROUND_STAGES", ("overview",))
    stages = [(n, f) for n, f in pipeline.STAGES if n in ("overview", "groups")]
    logged: list[str] = []
    pipeline.run(study, tmp_path / "a", stages=stages, log=logged.append)
    assert any("second process" in m for m in logged)
    assert not pipeline.is_kept(study, "overview")
    study.cache.results("overview", study_fingerprint(study), lambda: {"t": study.codings.iloc[:0]})
    assert pipeline.is_kept(study, "overview")
    logged.clear()
    pipeline.run(study, tmp_path / "b", stages=stages, log=logged.append)
    assert not any("second process" in m for m in logged)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


@pytest.mark.parametrize("processes", ["2", "1"])
def test_check_then_load_is_the_check_and_then_the_loading(tmp_path, monkeypatch, processes):
    """pipeline.check_then_load, beside (2) or one after the other (1): problems stop it before any warning."""
    from altena_qca import load_study
    from altena_qca.check import check_study

    monkeypatch.setenv(E.PROCESSES_ENV, processes)
    monkeypatch.setenv("ALTENA_QCA_STUDY_CACHE", str(tmp_path / "cache"))
    data = _small_study(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        checked, study = pipeline.check_then_load(data, out=tmp_path / "out")
    assert checked.ok and study is not None and not (tmp_path / "out").exists()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alone = load_study(data)
    assert study.codings.equals(alone.codings) and [d.text for d in study.corpus] == [d.text for d in alone.corpus]
    messages = [str(w.message) for w in caught]
    assert messages[:len(checked.warnings)] == checked.warnings  # the check's warnings first
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(InputError, match="E150"):
        pipeline.check_then_load(data, out=tmp_path / "a-file")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, suggested = pipeline.check_then_load(data, codings="suggested")
    assert suggested is not None and suggested.coding_source == "suggested"
    assert any("W113" in str(w.message) for w in caught) and not any("W112" in str(w.message) for w in caught)
    (data / "transcripts" / "R04.docx").unlink()  # a respondent without transcript: a problem
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        checked, study = pipeline.check_then_load(data, out=tmp_path / "a-file")  # the check's verdict first
    assert study is None and not checked.ok and not caught
    assert checked.problems == check_study(data, fit_rules=False, names=False).problems


def test_a_run_hashes_the_study_once(tmp_path, monkeypatch):
    """run computes the study's fingerprint once and passes it to is_kept and kept (it hashes every coding)."""
    from altena_qca import load_study
    from altena_qca.store import cache as C

    monkeypatch.setenv("ALTENA_QCA_STUDY_CACHE", str(tmp_path / "cache"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = load_study(_small_study(tmp_path))
    kept_tables = {"auto_codings": study.codings.iloc[:3].reset_index(drop=True)}
    study.cache.results("autocode", C.study_fingerprint(study), lambda: kept_tables)
    calls = []
    real = C.study_fingerprint
    monkeypatch.setattr(C, "study_fingerprint", lambda s: calls.append(1) or real(s))
    stages = [(n, f) for n, f in pipeline.STAGES if n in ("overview", "autocode")]
    for background in (True, False):
        calls.clear()
        pipeline.run(study, tmp_path / f"out-{background}", stages=stages, background=background)
        assert len(calls) == 1
    assert _files(tmp_path / "out-True") == _files(tmp_path / "out-False")
    assert (tmp_path / "out-True" / "tables" / "auto_codings.csv").read_bytes().count(b"\n") == 4
    study.codings.loc[0, "code"] = "something.else"  # an edit in place: a new key, the tables not kept
    assert not pipeline.is_kept(study, "autocode") and len(calls) == 2
