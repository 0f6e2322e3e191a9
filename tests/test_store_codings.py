"""The coding store study.sqlite: seed, actions, history/undo, export, concurrency, kill -9."""
from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from altena_qca import load_study
from altena_qca.model import CODING_COLUMNS, Document
from altena_qca.store._sqlite import connect
from altena_qca.store.codings import CodingStore, ConflictError, StoreError, export_codings_csv, read_store_codings

ROOT = Path(__file__).resolve().parents[1]
from altena_qca.resources import DEFAULT_DATA as DATA  # noqa: E402

DOC = Document(id="R01", text="I: Hoe gaat het?\nR: Goed, dank je. Het netwerk werkt.", kind="interview")


@pytest.fixture()
def store(tmp_path):
    s = CodingStore.open(tmp_path / "study.sqlite")
    yield s
    s.close()


@pytest.fixture(scope="module")
def study_copy(tmp_path_factory):
    """A copy of the bundled study folder (the store is written next to it)."""
    dest = tmp_path_factory.mktemp("study") / "altena"
    shutil.copytree(DATA, dest, ignore=shutil.ignore_patterns("study.sqlite*"))
    return dest


def test_add_update_delete_and_history(store):
    a = store.add(DOC, 20, 24, "x.a", coder="ans", memo="eerste")
    assert (a["text"], a["coder"], a["origin"], a["memo"]) == ("Goed", "ans", "manual", "eerste")
    b = store.update(a["id"], coder="bo", code="x.b", memo="")
    assert b["code"] == "x.b" and b["coder"] == "ans"   # the coding keeps its coder
    with pytest.raises(StoreError):
        store.update(a["id"], coder="bo", end=10_000, document=DOC)
    with pytest.raises(StoreError):
        store.add(DOC, 5, 5, "x.a", coder="ans")
    store.delete(a["id"], coder="ans")
    assert store.codings() == []
    hist = store.history()
    assert [(h["action"], h["coder"]) for h in hist] == [("delete", "ans"), ("update", "bo"), ("add", "ans")]


def test_undo_restores_and_is_recorded(store):
    a = store.add(DOC, 20, 24, "x.a", coder="ans")
    store.delete(a["id"], coder="ans")
    undone = store.undo(coder="ans")
    assert undone["action"] == "delete"
    assert store.get(a["id"])["code"] == "x.a"
    assert store.undo(coder="ans")["action"] == "add"
    assert store.codings() == []
    with pytest.raises(StoreError):
        store.undo(coder="ans")
    assert [h["action"] for h in store.history()][:2] == ["undo", "undo"]


def test_undo_refuses_when_a_later_action_changed_the_row(store):
    a = store.add(DOC, 20, 24, "x.a", coder="ans")
    store.update(a["id"], coder="bo", code="x.b")
    with pytest.raises(ConflictError):
        store.undo(coder="ans")          # ans's add; bo changed the coding since
    assert store.get(a["id"])["code"] == "x.b"   # nothing half-undone
    store.undo(coder="bo")
    store.undo(coder="ans")
    assert store.codings() == []


def test_document_memo_and_decisions(store):
    store.set_document_memo("R01", "Let op: R01 spreekt over de wijkteams.", coder="ans")
    assert store.document_memo("R01").startswith("Let op")
    d = store.decide(DOC, {"start": 20, "end": 24, "code": "x.a", "rule": "regel 3", "confidence": 0.7},
                     "accepted", coder="ans")
    assert store.get(d["coding"])["code"] == "x.a"
    store.decide(DOC, {"start": 25, "end": 33, "code": "x.b"}, "rejected", coder="ans")
    dec = store.decisions("R01")
    assert dec["decision"].tolist() == ["accepted", "rejected"] and dec["rule"].tolist() == ["regel 3", ""]
    store.undo(coder="ans")              # the reject
    store.undo(coder="ans")              # the accept: coding and decision go together
    assert store.codings() == [] and len(store.decisions()) == 0


def test_seeded_from_study_and_load_study_reads_it(study_copy):
    before = load_study(study_copy)
    s = CodingStore.open(study_copy / "study.sqlite", seed=before.codings, corpus=before.corpus)
    s.close()
    again = CodingStore.open(study_copy / "study.sqlite", seed=before.codings, corpus=before.corpus)
    assert len(again.codings()) == len(before.codings)      # seeded once only
    again.close()
    after = load_study(study_copy)
    pd.testing.assert_frame_equal(after.codings[CODING_COLUMNS], before.codings[CODING_COLUMNS])
    assert "memo" in after.codings.columns


def test_export_round_trip_and_deterministic(study_copy, tmp_path):
    study = load_study(study_copy)
    s = CodingStore.open(study_copy / "study.sqlite", seed=study.codings, corpus=study.corpus)
    doc = study.corpus.documents["R02"]
    s.add(doc, 100, 160, "network.description", coder="ans", memo='met "aanhalingstekens", en komma')
    s.close()
    study = load_study(study_copy)
    out1 = export_codings_csv(study, tmp_path / "a.csv")
    out2 = export_codings_csv(load_study(study_copy), tmp_path / "b.csv")
    assert out1.read_bytes() == out2.read_bytes()
    # the CSV reloads (without the store) to the very same codings
    plain = tmp_path / "plain"
    shutil.copytree(study_copy, plain, ignore=shutil.ignore_patterns("study.sqlite*", "codings.csv"))
    shutil.copy(out1, plain / "codings.csv")
    reloaded = load_study(plain)
    pd.testing.assert_frame_equal(reloaded.codings[CODING_COLUMNS], study.codings[CODING_COLUMNS])
    assert (reloaded.codings["memo"] == study.codings["memo"]).all()
    csv = pd.read_csv(out1, keep_default_na=False)
    keys = list(zip(csv.document, csv.start, csv.end, csv.code, csv.coder))
    assert keys == sorted(keys)


def test_store_that_no_longer_fits_the_transcript_is_reported(tmp_path):
    study = load_study(DATA)
    s = CodingStore.open(tmp_path / "study.sqlite")
    s.add(study.corpus.documents["R01"], 10, 30, "network.description", coder="ans")
    s.conn.execute("UPDATE codings SET text = 'iets anders'")
    s.close()
    with pytest.raises(Exception, match=r"E123.*coding 1"):
        read_store_codings(tmp_path / "study.sqlite", study.corpus)


def _writer(path, coder, n):
    doc = Document(id="R01", text="x" * 1000, kind="interview")
    s = CodingStore.open(path)
    for i in range(n):
        s.add(doc, i, i + 5, "x.a", coder=coder)
    s.close()


def test_two_writers_200_each_all_present(tmp_path):
    path = tmp_path / "study.sqlite"
    CodingStore.open(path).close()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, c, 200)) for c in ("ans", "bo")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
        assert p.exitcode == 0
    s = CodingStore.open(path)
    for coder in ("ans", "bo"):
        assert sorted(c["start"] for c in s.codings(coder=coder)) == list(range(200))
    assert len(s.history(limit=1000)) == 400
    assert s.integrity() == "ok"


_KILLED = r"""
import sys
from altena_qca.model import Document
from altena_qca.store.codings import CodingStore
s = CodingStore.open(sys.argv[1])
doc = Document(id="R01", text="woord " * 2000, kind="interview")
print("ready", flush=True)
i = 0
while True:   # each accept = coding + decision + action + 2 changes in one transaction
    s.decide(doc, {"start": i % 9000, "end": i % 9000 + 5, "code": "x.a", "rule": "r" * 500},
             "accepted", coder="ans")
    i += 1
"""


def test_kill_9_mid_write_leaves_a_consistent_store(tmp_path):
    path = tmp_path / "study.sqlite"
    CodingStore.open(path).close()
    proc = subprocess.Popen([sys.executable, "-c", _KILLED, str(path)], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"ready"
    deadline = time.monotonic() + 60
    conn = connect(path, readonly=True)
    while conn.execute("SELECT count(*) FROM decisions").fetchone()[0] < 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    conn.close()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    s = CodingStore.open(path)
    assert s.integrity() == "ok"
    c = s.conn
    n_codings = c.execute("SELECT count(*) FROM codings").fetchone()[0]
    n_decisions = c.execute("SELECT count(*) FROM decisions").fetchone()[0]
    n_actions = c.execute("SELECT count(*) FROM actions WHERE action = 'accept'").fetchone()[0]
    assert n_codings == n_decisions == n_actions >= 50
    # every action is whole: its two changes are there
    assert c.execute("SELECT count(*) FROM actions a WHERE action = 'accept' AND "
                     "(SELECT count(*) FROM changes WHERE action = a.id) != 2").fetchone()[0] == 0
    assert c.execute("SELECT count(*) FROM decisions d LEFT JOIN codings k ON k.id = d.coding "
                     "WHERE k.id IS NULL").fetchone()[0] == 0
    # and the store keeps working after the crash
    s.add(Document(id="R01", text="woord " * 10, kind="interview"), 0, 5, "x.a", coder="bo")
    s.close()


def test_cli_codebook_edit_migrates_the_store_too(tmp_path):
    """`altena-qca codebook rename` on a study with a store: no coding in the store is left behind."""
    from altena_qca.codebook_edit import edit_study_codebook
    from altena_qca.resources import DEFAULT_CODEBOOK
    folder = tmp_path / "altena"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("study.sqlite*"))
    shutil.copy(DEFAULT_CODEBOOK, folder / "codebook.yaml")
    study = load_study(folder)
    s = CodingStore.open(folder / "study.sqlite", seed=study.codings, corpus=study.corpus)
    s.add(study.corpus.documents["R03"], 10, 40, "effects.trust", coder="ans")
    n_before = len(s.codings())
    s.close()
    result = edit_study_codebook("rename", "effects.trust", "effects.vertrouwen", data_dir=folder)
    assert result.codings_changed > 0
    after = load_study(folder)           # reads the store: every code is known to the new codebook
    assert len(after.codings) == n_before
    assert not after.codings["code"].str.startswith("effects.trust").any()
    assert (after.codings["code"] == "effects.vertrouwen").sum() >= 1
    hist = CodingStore.open(folder / "study.sqlite").history(limit=1)
    assert hist[0]["action"] == "codebook" and hist[0]["coder"] == "altena-qca codebook"
