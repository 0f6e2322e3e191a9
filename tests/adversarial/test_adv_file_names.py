"""Names in file names and in respondents.csv free text (issue 14).

Expected outcome: *tagged* with a *warning* (W501, W502): the document id and
the respondent's function no longer hold the name, and say so.
"""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from altena_qca.codebook import load_codebook
from altena_qca.ingest.corpus import load_codings, load_corpus
from altena_qca.privacy import Pseudonymiser, find_leaks
from altena_qca.resources import DEFAULT_CODEBOOK

pytestmark = pytest.mark.slow


def _study(root):
    (root / "transcripts").mkdir(parents=True)
    (root / "observations").mkdir()
    (root / "respondents.csv").write_text(
        "id,function,label,side,interview_date,organisation\n"
        "R01,Mentor bij Smo Breda (contact: Sanne Verbeek),mentor,extern,2024-03-05,Smo Breda\n",
        encoding="utf-8")
    (root / "transcripts" / "R01.txt").write_text(
        "I: Wat is uw functie?\nR: Ik ben mentor. Sanne Verbeek is mijn collega.\n", encoding="utf-8")
    (root / "observations" / "Overleg met Jan Pietersen.txt").write_text(
        "O: Het overleg begon om tien uur.\n", encoding="utf-8")
    return root


def _load_recording_warnings(root):
    """``load_corpus(root)`` and the warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_corpus(root)
    return corpus, caught


def test_names_in_file_names_and_respondent_fields_are_tagged_and_warned(tmp_path):
    root = _study(tmp_path / "study")
    corpus, caught = _load_recording_warnings(root)
    messages = [str(w.message) for w in caught]
    assert any(m.startswith("[W501]") and "'Overleg met PERSOON-1'" in m for m in messages), messages
    assert any(m.startswith("[W502]") and "line 2" in m and "'function'" in m for m in messages), messages
    assert not any("Pietersen" in m or "Verbeek" in m for m in messages)  # warnings show no name
    assert "Overleg met PERSOON-1" in corpus.documents
    doc = corpus.documents["Overleg met PERSOON-1"]
    assert doc.meta["file"] == "Overleg met PERSOON-1.txt"
    assert {s.document for s in doc.segments} == {"Overleg met PERSOON-1"}
    assert corpus.respondents["R01"].function == "Mentor bij Smo Breda (contact: PERSOON-1)"
    everything = [corpus.respondents["R01"].function, corpus.respondents["R01"].label,
                  *corpus.documents, *(d.text for d in corpus.documents.values()),
                  *(str(d.meta) for d in corpus.documents.values())]
    assert find_leaks(everything, ["Jan Pietersen", "Pietersen", "Sanne Verbeek", "Verbeek"]) == []
    # the transcript's mention of the colleague is tagged, not protected by the respondent's label
    assert "Verbeek" not in corpus.documents["R01"].text


def test_codings_on_a_renamed_observation_follow_the_new_id(tmp_path):
    corpus = load_corpus(_study(tmp_path / "study"))
    codings = pd.DataFrame({"document": ["Overleg met Jan Pietersen"], "start": [3], "end": [14], "code": ["x"]})
    moved = corpus.pseudonymiser.remap_codings(codings)
    assert moved.loc[0, "document"] == "Overleg met PERSOON-1"
    assert corpus.documents["Overleg met PERSOON-1"].text[3:14] == "Het overleg"


def _named_study(root):
    """A transcript and a respondent id with a name, observations named in lower case and with '_'."""
    (root / "transcripts").mkdir(parents=True)
    (root / "observations").mkdir()
    (root / "respondents.csv").write_text(
        "id,function,label,side,interview_date,organisation\n"
        "R01_Jan_Jansen,Beleidsmedewerker,beleidsmedewerker,intern,2024-03-05,\n"
        "R02,Wijkagent,wijkagent,extern,2024-03-06,\n", encoding="utf-8")
    (root / "transcripts" / "R01_Jan_Jansen.txt").write_text(
        "I: Wat is uw functie?\nR: Ik ben beleidsmedewerker. Het vertrouwen is goed.\n", encoding="utf-8")
    (root / "transcripts" / "R02.txt").write_text(
        "I: Wat is uw functie?\nR: Ik ben wijkagent.\n", encoding="utf-8")
    for name in ("overleg_met_piet_de_vries.txt", "Overleg met Sanne Verbeek.txt", "Overleg met Karel Bakker.txt",
                 "MaSS-2023-04-06.txt"):
        (root / "observations" / name).write_text("O: Het overleg ging over gegevens delen.\n", encoding="utf-8")
    start = "I: Wat is uw functie?\nR: Ik ben beleidsmedewerker. Het vertrouwen".index("vertrouwen")
    (root / "codings.csv").write_text(
        f"document,start,end,code\nR01_Jan_Jansen,{start},{start + 10},trust\noverleg_met_piet_de_vries,3,14,trust\n",
        encoding="utf-8")
    return root


def test_every_document_id_with_a_name_is_renamed_uniquely_and_codings_follow(tmp_path):
    root = _named_study(tmp_path / "study")
    corpus, caught = _load_recording_warnings(root)
    w501 = [str(w.message) for w in caught if str(w.message).startswith("[W501]")]
    assert len(w501) == 4, w501  # the respondent id and three observations, not 'MaSS-2023-04-06'
    assert not any(n in m for m in w501 for n in ("Jansen", "Vries", "Verbeek", "Bakker"))
    ids = sorted(corpus.documents)
    assert find_leaks(ids + [str(d.meta) for d in corpus.documents.values()] + list(corpus.respondents),
                      ["Jan Jansen", "Jansen", "Piet de Vries", "Vries", "Verbeek", "Bakker"]) == []
    # four documents, four ids: two observations whose names become 'Overleg met PERSOON-1' stay apart
    assert len(ids) == 6 and "MaSS-2023-04-06" in ids and "R02" in ids
    assert "R01_PERSOON-1" in corpus.respondents and corpus.respondents["R01_PERSOON-1"].id == "R01_PERSOON-1"
    assert corpus.documents["R01_PERSOON-1"].respondent == "R01_PERSOON-1"
    assert corpus.documents["R01_PERSOON-1"].meta["file"] == "R01_PERSOON-1.txt"
    assert {"Overleg met PERSOON-1", "Overleg met PERSOON-1-2"} <= set(ids)
    # codings typed against the old ids follow the new ones
    cb = load_codebook(DEFAULT_CODEBOOK)
    code = next(c.id for c in cb if c.id.startswith("effects.trust"))
    (root / "codings.csv").write_text((root / "codings.csv").read_text().replace(",trust", f",{code}"))
    codings = load_codings(root / "codings.csv", corpus, cb)
    assert sorted(codings["document"]) == sorted(["R01_PERSOON-1", next(i for i in ids if i.startswith("overleg"))])
    row = codings[codings["document"] == "R01_PERSOON-1"].iloc[0]
    assert corpus.documents["R01_PERSOON-1"].text[row["start"]:row["end"]] == "vertrouwen"


def test_a_name_only_in_lower_case_in_a_file_name_is_found():
    pseudo = Pseudonymiser().fit()
    assert pseudo.clean_name("interview_jan_jansen", file_name=True)[1] == ["PERSOON"]
    assert pseudo.clean_name("R01_Jan_Jansen", file_name=True) == ("R01_PERSOON-1", ["PERSOON"])
    assert pseudo.clean_name("R01JanJansen", file_name=True) == ("R01PERSOON-1", ["PERSOON"])  # run together
    assert pseudo.clean_name("InterviewSanneVerbeek", file_name=True)[1] == ["PERSOON"]
    # an address is personal, also beside a date; the day of a date is no house number
    assert pseudo.clean_name("Dorpsstraat 12 12-03-2024", file_name=True) == ("LOCATIE-1 12-03-2024", ["LOCATIE"])
    # ordinary document names stay as they are
    for name in ("R01", "MaSS-2023-04-06", "overleg_wijkteam", "Observatie zorgplatform", "veldnotities_dag_1",
                 "OverlegWijkteam", "BazaltWonen", "Interview3Wijkagent", "Overleg 12-03-2024"):
        assert pseudo.clean_name(name, file_name=True) == (name, []), name


def test_codings_written_on_the_new_ids_pass_the_check_and_load(tmp_path):
    # `code`, `review import` and the workbench write codings on the ids load_study gives
    from altena_qca import check_study, load_study

    root = _named_study(tmp_path / "study")
    cb = load_codebook(DEFAULT_CODEBOOK)
    code = next(c.id for c in cb if c.id.startswith("effects.trust"))
    start = "I: Wat is uw functie?\nR: Ik ben beleidsmedewerker. Het vertrouwen".index("vertrouwen")
    (root / "codings.csv").write_text(f"document,start,end,code\nR01_PERSOON-1,{start},{start + 10},{code}\n"
                                      f"Overleg met PERSOON-1,3,14,{code}\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        checked = check_study(root)
        assert checked.problems == [], checked.problems
        study = load_study(root)
    assert sorted(study.codings["document"]) == ["Overleg met PERSOON-1", "R01_PERSOON-1"]


def test_a_coding_store_made_on_an_old_id_follows_the_new_one(tmp_path):
    # a workbench store begun before the file name was read as holding a name
    from altena_qca.model import Document
    from altena_qca.store.codings import CodingStore, read_store_codings

    root = _named_study(tmp_path / "study")
    (root / "codings.csv").unlink()
    cb = load_codebook(DEFAULT_CODEBOOK)
    code = next(c.id for c in cb if c.id.startswith("effects.trust"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = load_corpus(root)
    new = corpus.documents["R01_PERSOON-1"]
    start = new.text.index("vertrouwen")
    store = CodingStore.open(tmp_path / "study.sqlite")
    store.add(Document(id="R01_Jan_Jansen", text=new.text, kind="interview"), start, start + 10, code, coder="ans")
    store.close()
    codings = read_store_codings(tmp_path / "study.sqlite", corpus)
    assert codings["document"].tolist() == ["R01_PERSOON-1"]
