"""The study cache (altena_qca.store.cache): same study with and without it, invalidated by every input, private.

Every test works on its own copy of a study folder and its own cache folder
(``$ALTENA_QCA_STUDY_CACHE``), and compares a cached load with a load that
does not use the cache at all (``cache=False``).
"""
from __future__ import annotations

import shutil
import sqlite3
import stat
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import bundled_subset

from altena_qca import engine as E
from altena_qca import load_study
from altena_qca.errors import AltenaError
from altena_qca.resources import DEFAULT_CODEBOOK
from altena_qca.store import cache as C
from altena_qca.store.cache import CachedDocument

#: Tables of `altena-qca run` compared byte for byte (the auto-coder and report stages are left out: slow).
STAGES = ("overview", "groups", "effects", "code_document", "cooccurrence")


KEEP = ("R01", "R04", "R09", "MaSS-2023-04-06")  # three interviews and the observation keep it quick


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    """Part of the bundled study (three interviews, the observation) and an empty cache folder of its own."""
    data = bundled_subset(tmp_path / "study", KEEP)
    monkeypatch.setenv(C.ENV, str(tmp_path / "cache"))
    return data


def _load(data, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_study(data, **kw)


def _same(a, b) -> None:
    """Two studies hold the same documents, codings, keys and offset maps."""
    assert list(a.corpus.documents) == list(b.corpus.documents)
    for doc_id, da in a.corpus.documents.items():
        db = b.corpus.documents[doc_id]
        assert (da.text, da.segments, da.meta, da.kind, da.respondent, da.path) == \
               (db.text, db.segments, db.meta, db.kind, db.respondent, db.path), doc_id
        assert da == db and db == da
    assert a.corpus.respondents == b.corpus.respondents
    pd.testing.assert_frame_equal(a.codings, b.codings)
    pa, pb = a.corpus.pseudonymiser, b.corpus.pseudonymiser
    assert dict(pa.key_) == dict(pb.key_)
    assert {k: v.edits for k, v in pa.offsets_.items()} == {k: v.edits for k, v in pb.offsets_.items()}


def _outputs(study, out: Path) -> dict[str, bytes]:
    from altena_qca.pipeline import STAGES as ALL
    from altena_qca.pipeline import run
    run(study, out, stages=[(n, f) for n, f in ALL if n in STAGES])
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "tables").glob("*.csv"))}


def _cached_ids(study) -> list[str]:
    return [d for d, doc in study.corpus.documents.items() if isinstance(doc, CachedDocument)]


def _check_same_as_uncached(data, tmp_path, name) -> object:
    warm = _load(data)
    plain = _load(data, cache=False)
    _same(plain, warm)
    assert _outputs(warm, tmp_path / f"{name}-cached") == _outputs(plain, tmp_path / f"{name}-plain")
    return warm


def test_second_load_comes_from_the_cache_and_equals_an_uncached_load(folder, tmp_path):
    cold = _load(folder)
    assert _cached_ids(cold) == []
    warm = _check_same_as_uncached(folder, tmp_path, "warm")
    assert _cached_ids(warm) == list(warm.corpus.documents)  # every document from the cache


def test_an_edited_transcript_is_read_again_alone(folder, tmp_path):
    _load(folder)
    path = folder / "observations" / "MaSS-2023-04-06.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n", "\nR: Jan Smit uit Almkerk belde over de Wams.\n", 1), encoding="utf-8")
    warm = _check_same_as_uncached(folder, tmp_path, "edited")
    assert "MaSS-2023-04-06" not in _cached_ids(warm)
    assert len(_cached_ids(warm)) == len(warm.corpus.documents) - 1


def test_an_edited_codebook_is_used(folder, tmp_path):
    _load(folder)
    # a label changed: outputs that show labels follow it
    shutil.copy(DEFAULT_CODEBOOK, folder / "codebook.yaml")
    text = (folder / "codebook.yaml").read_text(encoding="utf-8")
    (folder / "codebook.yaml").write_text(text.replace("label_nl: ", "label_nl: X ", 1), encoding="utf-8")
    _check_same_as_uncached(folder, tmp_path, "label")
    # a code that has codings removed: the codings are checked again and refused, as without the cache
    used = pd.read_csv(folder / "codings.csv")["code"].value_counts().index[-1]
    lines = (folder / "codebook.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {used}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("- id:")), len(lines))
    (folder / "codebook.yaml").write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    for kw in ({}, {"cache": False}):
        with pytest.raises(AltenaError, match="E121|E2"):
            _load(folder, **kw)


def test_edited_codings_are_used(folder, tmp_path):
    _load(folder)
    codings = (folder / "codings.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "codings.csv").write_text("".join(codings[:1] + codings[1::2]), encoding="utf-8")
    warm = _check_same_as_uncached(folder, tmp_path, "codings")
    assert len(warm.codings) == len(codings[1::2])
    assert _cached_ids(warm) == list(warm.corpus.documents)  # the documents did not change


def test_a_coding_made_invalid_is_refused_with_or_without_the_cache(folder):
    _load(folder)
    with (folder / "codings.csv").open("a", encoding="utf-8") as fh:
        fh.write("R01,10,5,intro.function,thesis,manual,1.0,\n")
    for kw in ({}, {"cache": False}):
        with pytest.raises(AltenaError, match=r"E12\d"):  # a reversed span
            _load(folder, **kw)


def test_a_new_package_version_reads_everything_again(folder, tmp_path, monkeypatch):
    _load(folder)
    monkeypatch.setattr(C, "code_fingerprint", lambda: "9.9.9+other")
    warm = _check_same_as_uncached(folder, tmp_path, "version")
    assert _cached_ids(warm) == []
    assert len(_cached_ids(_load(folder))) == len(warm.corpus.documents)


def test_changed_protected_terms_read_everything_again(folder, tmp_path):
    _load(folder)
    resp = folder / "respondents.csv"
    resp.write_text(resp.read_text(encoding="utf-8").replace("kwaliteitsregisseur,intern",
                                                             "regisseur kwaliteit,intern"), encoding="utf-8")
    warm = _check_same_as_uncached(folder, tmp_path, "terms")
    assert _cached_ids(warm) == []


def test_a_damaged_cache_file_is_rebuilt(folder, tmp_path):
    _load(folder)
    (db,) = (tmp_path / "cache").glob("*.sqlite")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"not a database" * 100)
    _check_same_as_uncached(folder, tmp_path, "damaged")


def test_texts_are_read_only_when_used(folder):
    from altena_qca.analysis.cooccurrence import cooccurrence_table

    _load(folder)
    warm = _load(folder)
    docs = list(warm.corpus.documents.values())
    cooccurrence_table(warm.corpus, warm.codebook, warm.codings, level="document")
    assert all(doc.__dict__["_text"] is None for doc in docs)  # codings were enough
    assert docs[0].text.startswith(docs[0].text[:10]) and docs[0].__dict__["_text"] is not None
    assert all(doc.__dict__["_text"] is None for doc in docs[1:])


def test_no_cache_without_pseudonymisation_or_inside_the_study(folder, tmp_path, monkeypatch):
    _load(folder, pseudonymise=False)
    assert not (tmp_path / "cache").exists()
    monkeypatch.setenv(C.ENV, str(folder / ".cache"))
    _load(folder)
    assert not (folder / ".cache").exists()
    monkeypatch.setenv(C.ENV, "off")
    assert C.open_study_cache(folder) is None


def test_process_pool_gives_the_same_corpus(folder):
    plain = _load(folder, engine=E.LocalEngine(), cache=False)
    pooled = _load(folder, engine=E.ProcessEngine(2), cache=False)
    _same(plain, pooled)


# --------------------------------------------------------------------------- privacy

NAMES = ["Johannes Verhoeven", "Petronella Kuipers", "Dorpsstraat 14", "Woudrichem", "06-12345678",
         "j.verhoeven@example.nl", "Kuipers", "Verhoeven"]


def _private_study(root: Path) -> Path:
    data = root / "mine"
    (data / "transcripts").mkdir(parents=True)
    (data / "respondents.csv").write_text(
        "id,function,label,side\nP1,Wijkverpleegkundige,wijkverpleegkundige,extern\n"
        "P2,Beleidsmedewerker,beleidsmedewerker,intern\n", encoding="utf-8")
    (data / "transcripts" / "P1.txt").write_text(
        "I: Kunt u een voorbeeld geven?\n"
        "R: Mevrouw Petronella Kuipers woont aan de Dorpsstraat 14 in Woudrichem. Haar zoon Johannes "
        "Verhoeven belde mij op 06-12345678 en mailde vanaf j.verhoeven@example.nl.\n"
        "I: En daarna?\nR: Daarna heb ik met Kuipers en Verhoeven overlegd met de huisarts.\n", encoding="utf-8")
    (data / "transcripts" / "P2.txt").write_text(
        "I: Hoe deelt u gegevens?\nR: Met toestemming van de cliënt, zoals bij mevrouw Petronella Kuipers.\n",
        encoding="utf-8")
    start = (data / "transcripts" / "P1.txt").read_text(encoding="utf-8").index("Mevrouw")
    (data / "codings.csv").write_text(f"document,start,end,code\nP1,{start},{start + 40},intro.function\n",
                                      encoding="utf-8")
    return data


def _rows(files, table: str) -> int:
    (db,) = [p for p in files if p.suffix == ".sqlite"]
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_the_cache_folder_holds_no_name_only_pseudonymised_text_and_offsets(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv(C.ENV, str(cache_dir))
    data = _private_study(tmp_path)
    first = _load(data)
    assert "[PERSOON-" in first.corpus.documents["P1"].text
    warm = _load(data)
    _same(_load(data, cache=False), warm)
    assert warm.corpus.pseudonymiser.key_["P1"]  # rebuilt in memory when asked for
    from altena_qca.analysis.autocode import autocode_tables
    from altena_qca.pipeline import kept
    assert len(kept(warm, "autocode", lambda: autocode_tables(warm))["auto_codings"])  # run's tables kept too
    from altena_qca.check import check_study
    assert check_study(data, fit_rules=False).ok  # and clean marks of `check`
    files = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert files
    for p in files:  # every byte of every file, and every value SQLite holds
        raw = p.read_bytes().lower()
        for name in NAMES:
            assert name.lower().encode() not in raw, (p.name, name)
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    (db,) = [p for p in files if p.suffix == ".sqlite"]
    conn = sqlite3.connect(db)
    assert _rows(files, "checks") and _rows(files, "results")
    values = [str(v) for table in ("documents", "codings", "results", "checks")
              for row in conn.execute(f"SELECT * FROM {table}") for v in row]
    conn.close()
    for name in NAMES:
        assert not any(name.lower() in v.lower() for v in values), name
    assert not list(data.rglob("*.sqlite*"))  # nothing written into the study


# --------------------------------------------------------------------------- derived results (run's auto-coding tables)

def _inputs_table(study) -> dict[str, pd.DataFrame]:
    """A stand-in for a derived result that shows every input: texts, segments, codings, codebook, respondents."""
    docs = pd.DataFrame({"document": list(study.corpus.documents),
                         "chars": [len(d.text) for d in study.corpus.documents.values()],
                         "text_hash": [str(hash(d.text)) for d in study.corpus.documents.values()],
                         "segments": [len(d.segments) for d in study.corpus.documents.values()]})
    codes = pd.DataFrame({"code": list(study.codebook.codes),
                          "label": [c.label_nl for c in study.codebook.codes.values()]})
    resp = pd.DataFrame({"respondent": list(study.corpus.respondents),
                         "side": [r.side for r in study.corpus.respondents.values()]})
    return {"docs": docs, "codings": study.codings.copy(), "codes": codes, "respondents": resp}


def _kept_equals_fresh(data) -> bool:
    """Tables via the cache equal tables computed on a load without the cache; True when computed now."""
    from altena_qca.pipeline import kept
    computed = []
    study = _load(data)
    got = kept(study, "inputs", lambda: computed.append(1) or _inputs_table(study))
    fresh = _inputs_table(_load(data, cache=False))
    assert list(got) == list(fresh)
    for name in fresh:
        pd.testing.assert_frame_equal(got[name], fresh[name], check_exact=True)
    return bool(computed)


def test_derived_results_are_kept_until_any_input_changes(folder, tmp_path, monkeypatch):
    assert _kept_equals_fresh(folder)          # computed
    assert not _kept_equals_fresh(folder)      # kept
    path = folder / "transcripts" / "R04.docx"  # a transcript
    import docx
    d = docx.Document(str(path))
    d.add_paragraph("R: Nog een zin over de Wams.")
    d.save(str(path))
    assert _kept_equals_fresh(folder)
    assert not _kept_equals_fresh(folder)
    codings = (folder / "codings.csv").read_text(encoding="utf-8").splitlines(keepends=True)  # the codings
    (folder / "codings.csv").write_text("".join(codings[:-1]), encoding="utf-8")
    assert _kept_equals_fresh(folder)
    shutil.copy(DEFAULT_CODEBOOK, folder / "codebook.yaml")  # the codebook: a label
    text = (folder / "codebook.yaml").read_text(encoding="utf-8")
    (folder / "codebook.yaml").write_text(text.replace("label_nl: ", "label_nl: X ", 1), encoding="utf-8")
    assert _kept_equals_fresh(folder)
    assert not _kept_equals_fresh(folder)
    resp = folder / "respondents.csv"  # a respondent's side
    resp.write_text(resp.read_text(encoding="utf-8").replace(",intern", ",extern", 1), encoding="utf-8")
    assert _kept_equals_fresh(folder)
    monkeypatch.setattr(C, "code_fingerprint", lambda: "9.9.9+other")  # the package version
    assert _kept_equals_fresh(folder)
    assert not _kept_equals_fresh(folder)
    monkeypatch.setattr(C, "_library_versions", lambda: "scikit-learn=0.0")  # a library's version
    assert _kept_equals_fresh(folder)


def test_derived_results_follow_codings_changed_in_memory(folder):
    from altena_qca.pipeline import kept
    study = _load(folder)
    kept(study, "inputs", lambda: _inputs_table(study))
    study.codings = study.codings.iloc[:-1].reset_index(drop=True)
    assert len(kept(study, "inputs", lambda: _inputs_table(study))["codings"]) == len(study.codings)
    study.corpus = _load(folder, cache=False).corpus  # a corpus the cache did not load: never kept
    assert C.study_fingerprint(study) is None


def test_run_auto_coding_tables_from_the_cache_are_byte_identical(folder, tmp_path):
    from altena_qca import pipeline
    stages = [(n, f) for n, f in pipeline.STAGES if n == "autocode"]
    outs = []
    for name in ("first", "kept", "plain"):
        study = _load(folder, cache=name != "plain")
        if name == "kept":
            key = C.study_fingerprint(study)
            row = study.cache.conn.execute("SELECT key FROM results WHERE name = 'autocode'").fetchone()
            assert row is not None and row["key"] == key
        pipeline.run(study, tmp_path / name, stages=stages, background=False)
        outs.append({p.name: p.read_bytes() for p in sorted((tmp_path / name).rglob("*.*"))})
    assert "autocode_groups.csv" in outs[0]
    assert outs[0] == outs[1] == outs[2]


def test_tables_blob_refuses_what_would_not_come_back_exactly():
    import numpy as np
    ok = {"t": pd.DataFrame({"a": [1, 2], "b": ["x", None], "c": pd.array([1, None], dtype="Int64"),
                             "d": [True, False], "e": [0.5, np.nan]})}
    back = C.tables_from_blob(C.tables_blob(ok))
    pd.testing.assert_frame_equal(back["t"], ok["t"], check_exact=True)
    assert C.tables_blob({"t": pd.DataFrame({"a": [object()]})}) is None
    assert C.tables_blob({"t": pd.DataFrame({"a": [1]}, index=[5])}) is None


# --------------------------------------------------------------------------- check_study remembers clean inputs

def _check(data, **kw):
    from altena_qca.check import check_study
    return check_study(data, fit_rules=False, **kw)


def _reads(monkeypatch) -> list[str]:
    from altena_qca.ingest import corpus as ingest_corpus
    seen: list[str] = []
    real = ingest_corpus.read_transcript

    def counting(path, *args, **kwargs):
        seen.append(Path(path).stem)
        return real(path, *args, **kwargs)
    monkeypatch.setattr(ingest_corpus, "read_transcript", counting)
    return seen


def _same_check(a, b) -> None:
    assert (a.problems, a.warnings, a.counts) == (b.problems, b.warnings, b.counts)


def test_check_reads_unchanged_clean_files_once(folder, monkeypatch):
    seen = _reads(monkeypatch)
    first = _check(folder)
    assert first.ok and sorted(seen) == sorted(KEEP)
    seen.clear()
    _same_check(_check(folder), first)
    assert seen == []  # nothing changed: nothing read
    _same_check(_check(folder, cache=False), first)
    # a changed transcript: the codings must be checked against it, so every text is read again
    path = folder / "observations" / "MaSS-2023-04-06.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nR: Nog een zin.\n", encoding="utf-8")
    seen.clear()
    _same_check(_check(folder), _check(folder, cache=False))
    assert "MaSS-2023-04-06" in seen


def test_check_finds_a_new_problem_in_codings_with_the_cache(folder, monkeypatch):
    _check(folder)
    with (folder / "codings.csv").open("a", encoding="utf-8") as fh:
        fh.write("R01,10,5,intro.function,thesis,manual,1.0,\n")
    cached, plain = _check(folder), _check(folder, cache=False)
    assert not cached.ok and any("E12" in p for p in cached.problems)
    _same_check(cached, plain)


def test_check_repeats_warnings_of_unchanged_files(folder, monkeypatch):
    path = folder / "observations" / "MaSS-2023-04-06.txt"
    path.write_bytes(path.read_text(encoding="utf-8").replace("Wams", "Wamsé").encode("cp1252"))  # W101
    first = _check(folder)
    assert any("W101" in w for w in first.warnings)
    seen = _reads(monkeypatch)
    again = _check(folder)
    _same_check(again, first)
    assert "MaSS-2023-04-06" in seen  # a file with a warning is read every time


def test_check_after_a_codebook_change_checks_the_codings_again(folder):
    _check(folder)
    shutil.copy(DEFAULT_CODEBOOK, folder / "codebook.yaml")
    used = pd.read_csv(folder / "codings.csv")["code"].value_counts().index[-1]
    lines = (folder / "codebook.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {used}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("- id:")), len(lines))
    (folder / "codebook.yaml").write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    cached, plain = _check(folder), _check(folder, cache=False)
    assert not cached.ok
    _same_check(cached, plain)
