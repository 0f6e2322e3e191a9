"""The Dask engine gives the same corpus, codings and auto-codings as the local engine.

A small :class:`distributed.LocalCluster` inside this process (two worker
threads); skipped when dask/distributed are not installed.
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from altena_qca import engine as E
from altena_qca import load_study
from altena_qca.errors import AltenaError

DOCS = ["R01", "R05", "R13"]  # a few transcripts keep the auto-coding part quick
TRAIN = ["R02", "R03", "R07", "R10"]


def _same_study(a, b) -> None:
    assert list(a.corpus.documents) == list(b.corpus.documents)
    for doc_id, da in a.corpus.documents.items():
        db = b.corpus.documents[doc_id]
        assert (da.text, da.segments, da.meta, da.kind, da.respondent) == \
               (db.text, db.segments, db.meta, db.kind, db.respondent), doc_id
    assert a.corpus.respondents == b.corpus.respondents
    pd.testing.assert_frame_equal(a.codings, b.codings)
    pa, pb = a.corpus.pseudonymiser, b.corpus.pseudonymiser
    assert (pa is None) == (pb is None)
    if pa is not None:
        assert pa.key_ == pb.key_
        assert {k: v.edits for k, v in pa.offsets_.items()} == {k: v.edits for k, v in pb.offsets_.items()}


@pytest.fixture(scope="module")
def local_study(study):
    return study  # conftest: load_study() of the bundled data, as `altena-qca run` loads it


@pytest.fixture(scope="module")
def dask_engine():
    pytest.importorskip("dask")
    pytest.importorskip("distributed")
    with E.get_engine("dask", n_workers=2, threads_per_worker=1, processes=False, window=4) as engine:
        yield engine


def test_local_engine_matches_load_study(local_study):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same_study(local_study, load_study(engine=E.LocalEngine(), cache=False))


def test_dask_engine_matches_local_engine(local_study, dask_engine):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same_study(local_study, load_study(engine=dask_engine, cache=False))


def test_dask_engine_without_pseudonymisation(dask_engine):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same_study(load_study(pseudonymise=False), load_study(pseudonymise=False, engine=dask_engine))


def test_dask_autocoding_matches_suggest(local_study, dask_engine):
    from altena_qca.coding import AutoCoder, suggest, training_data

    s = local_study
    X, y = training_data(s.corpus, s.codings, documents=TRAIN)  # a small training set: a quick fit
    coder = AutoCoder().fit(X, y, codebook=s.codebook)
    local = suggest(s.corpus, s.codebook, coder=coder, documents=DOCS)
    assert len(local)
    pd.testing.assert_frame_equal(local, E.suggest(s.corpus, s.codebook, coder=coder, documents=DOCS,
                                                   engine=dask_engine))
    pd.testing.assert_frame_equal(local, E.suggest(s.corpus, s.codebook, coder=coder, documents=DOCS))


def test_worker_errors_and_warnings_reach_the_driver(tmp_path, dask_engine):
    (tmp_path / "transcripts").mkdir()
    (tmp_path / "respondents.csv").write_text("id,function,label,side\nR1,Wijkverpleegkundige,wvk,extern\n"
                                              "R2,Wijkverpleegkundige,wvk,extern\n", encoding="utf-8")
    (tmp_path / "transcripts" / "R1.txt").write_bytes("I: Hoe gaat het?\nR: Goed.\n".encode("cp1252"))
    (tmp_path / "transcripts" / "R2.txt").write_bytes("I: Vraag?\nR: Caf\xe9 en zo.\n".encode("cp1252"))
    with pytest.warns(UserWarning) as record:
        corpus = E.load_corpus(tmp_path, pseudonymise=False, engine=dask_engine)
    assert list(corpus.documents) == ["R1", "R2"]
    assert any("cp1252" in str(w.message) for w in record)
    (tmp_path / "transcripts" / "R2.txt").write_bytes(b"")
    with warnings.catch_warnings(), pytest.raises(AltenaError, match="E100"):
        warnings.simplefilter("ignore")
        E.load_corpus(tmp_path, pseudonymise=False, engine=dask_engine)


def test_unknown_engine_is_a_clear_error():
    with pytest.raises(AltenaError, match="E700"):
        E.get_engine("spark")


def test_code_command_on_a_cluster_writes_what_the_local_command_writes(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    from click.testing import CliRunner

    from altena_qca.cli import cli

    real = E.get_engine
    # an in-process cluster keeps the test light; the command asks for "dask" with no scheduler
    monkeypatch.setattr(E, "get_engine", lambda name, scheduler=None, **o: real(
        name, scheduler, n_workers=2, threads_per_worker=1, processes=False, window=4))
    local, dask = tmp_path / "local.csv", tmp_path / "dask.csv"
    for args in (["code", "--out", str(local)], ["code", "--engine", "dask", "--out", str(dask)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
    assert len(pd.read_csv(local)) > 100
    assert dask.read_bytes() == local.read_bytes()


@pytest.mark.parametrize("args, message", [
    (["code", "--scheduler", "tcp://127.0.0.1:8786", "--out", "x.csv"], "--scheduler needs --engine dask"),
    (["run", "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --engine dask"),
    (["code", "--engine", "dask", "--input", "p.jsonl", "--out", "x.csv"], "not --input passages"),
])
def test_engine_options_are_checked_before_any_work(args, message, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from altena_qca.cli import cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and message in result.output
    assert list(tmp_path.iterdir()) == []
