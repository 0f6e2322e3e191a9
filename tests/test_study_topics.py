"""A study's own topic list (``topiclist.yaml`` in the study folder) places the turns in the four parts.

A follow-up study asks other questions than the thesis's Bijlage 1; its interview parts come from its own
list when the folder has one (load, check and the study cache all use it), and a broken list is one clear
error line (E139 or E130) naming the file.
"""
from __future__ import annotations

import pytest

from altena_qca import load_study
from altena_qca.check import check_study
from altena_qca.errors import InputError
from altena_qca.ingest import read_transcript
from altena_qca.ingest.segment import load_topic_list
from altena_qca.init import init_study

HEADER = "id,function,label,side,interview_date,organisation\n"

#: Questions no topic list of the thesis asks, with no cue word of the thesis's parts either.
INTERVIEW = """\
I: Sinds wanneer zit u in het buurtoverleg?
R: Sinds twee jaar, als jeugdconsulent.
I: Hoe loopt het buurtoverleg met de corporatie en de huisarts?
R: We zien elkaar elke maand, de lijnen zijn kort.
I: Welke zorgen heeft u over het uitwisselen van dossiers in het buurtoverleg?
R: Soms weet ik niet of ik iets mag zeggen over een gezin.
I: Stel dat de Wams morgen ingaat: wat merkt het buurtoverleg daarvan?
R: Ik denk dat we sneller kunnen schakelen.
"""

OWN_TOPICS = """\
# the topic list of this follow-up study
parts:
  1: [Sinds wanneer zit u in het buurtoverleg?]
  2: [Hoe loopt het buurtoverleg met de corporatie en de huisarts?]
  3: [Welke zorgen heeft u over het uitwisselen van dossiers in het buurtoverleg?]
  4: ["Stel dat de Wams morgen ingaat: wat merkt het buurtoverleg daarvan?"]
"""


def _study(tmp_path):
    folder = tmp_path / "vervolg"
    init_study(folder, title="Vervolgonderzoek", municipality="Zuidwolde", period="2026")
    (folder / "respondents.csv").write_text(
        HEADER + "Z01,Jeugdconsulent,jeugdconsulent,intern,3 maart 2026,Gemeente Zuidwolde\n", encoding="utf-8")
    (folder / "transcripts" / "Z01.txt").write_text(INTERVIEW, encoding="utf-8")
    return folder


def _parts(study) -> list[int]:
    return [s.part for s in study.corpus.documents["Z01"].segments]


def test_init_gives_the_study_an_editable_copy_of_the_thesis_topic_list(tmp_path):
    folder = _study(tmp_path)
    own = load_topic_list(folder / "topiclist.yaml")
    assert own == load_topic_list()  # the same list until the researcher edits it


def test_the_study_topic_list_places_the_turns(tmp_path, monkeypatch):
    monkeypatch.setenv("ALTENA_QCA_STUDY_CACHE", str(tmp_path / "cache"))
    folder = _study(tmp_path)
    thesis_parts = _parts(load_study(folder))
    (folder / "topiclist.yaml").write_text(OWN_TOPICS, encoding="utf-8")
    own_parts = _parts(load_study(folder))  # the study cache must not give the old parts back
    assert own_parts == [1, 1, 2, 2, 3, 3, 4, 4]
    assert thesis_parts != own_parts
    # the same with the cache off, and read_transcript given the list
    monkeypatch.setenv("ALTENA_QCA_STUDY_CACHE", "off")
    assert _parts(load_study(folder)) == own_parts
    doc = read_transcript(folder / "transcripts" / "Z01.txt", "Z01", topics=folder / "topiclist.yaml")
    assert [s.part for s in doc.segments] == own_parts
    assert check_study(folder, fit_rules=False).ok


@pytest.mark.parametrize("text, match", [
    ("parts:\n  5: [Wat doet u?]\n", r"\[E139\].*topiclist\.yaml.*part 5; the interview parts are 1, 2, 3 and 4"),
    ("parts:\n  1: Wat doet u?\n  1: Wie bent u?\n", r"\[E130\].*topiclist\.yaml.*line 3: duplicate key 1"),
    ("vragen:\n  1: [Wat doet u?]\n", r"\[E139\].*unknown section\(s\) vragen"),
    ("parts:\n  1: [{a: b}]\n", r"\[E139\].*part 1: expected a list of phrases"),
    ("parts: {}\n", r"\[E139\].*no questions, cues or headings"),
    ("parts: [\n", r"\[E130\].*topiclist\.yaml"),
])
def test_a_broken_topic_list_is_one_clear_line_in_load_and_check(tmp_path, monkeypatch, text, match):
    monkeypatch.setenv("ALTENA_QCA_STUDY_CACHE", "off")
    folder = _study(tmp_path)
    (folder / "topiclist.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        load_study(folder)
    problems = check_study(folder, fit_rules=False).problems
    assert len(problems) == 1 and problems[0].startswith(("[E139]", "[E130]"))
