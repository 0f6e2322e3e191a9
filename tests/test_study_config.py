"""study.yaml, StudyConfig, find_study, Study.coding_source and the memo of derived results."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from altena_qca.errors import InputError
from altena_qca.model import Code, Codebook, Corpus, make_codings
from altena_qca.study import (
    DEFAULT_DATA,
    Study,
    StudyConfig,
    find_study,
    is_bundled,
    load_config,
    slugify,
)


def _write(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.yaml").write_text(text, encoding="utf-8")
    return folder


def test_bundled_thesis_study_has_its_own_study_yaml():
    config = load_config(DEFAULT_DATA)
    assert config.thesis and config.reconstructed
    assert config.municipality == "Altena" and config.commissioner == "gemeente Altena"
    assert config.period == "2023" and config.language == "nl" and config.slug == "altena-qca"
    assert config.title.startswith("Het belang van persoonsgegevensuitwisseling")


def test_config_round_trips_through_its_yaml(tmp_path):
    config = StudyConfig(title="Zorg: 'netwerk' in Heusden", municipality="Heusden", commissioner="gemeente Heusden",
                         period="voorjaar 2024", speakers=(("Anna", "interviewer"), ("Piet", "respondent")))
    _write(tmp_path, config.to_yaml())
    assert load_config(tmp_path) == config
    assert config.slug == "zorg-netwerk-in-heusden"
    assert config.speaker_roles == {"Anna": "interviewer", "Piet": "respondent"}


@pytest.mark.parametrize("body, line, key", [
    ("title: T\nthesis: ja\n", 2, "thesis"),
    ("title: T\nlanguage: fr\n", 2, "language"),
    ("title: T\nmunicipality: X\nslug: Mijn Studie\n", 3, "slug"),
    ("title: T\nspeakers:\n  Anna: interviewster\n", 2, "speakers"),
    ("municipality: X\n", 1, "title"),
    ("title: [a, b]\n", 1, "title"),
])
def test_bad_values_name_file_line_and_key(tmp_path, body, line, key):
    _write(tmp_path, body)
    with pytest.raises(InputError) as exc:
        load_config(tmp_path)
    msg = str(exc.value)
    assert msg.startswith("[E131]") and f"study.yaml, line {line}:" in msg and f"'{key}'" in msg


def test_unknown_key_and_broken_yaml(tmp_path):
    _write(tmp_path, "title: T\nmunicpality: Heusden\n")
    with pytest.raises(InputError, match=r"\[E132\].*line 2: unknown key 'municpality'"):
        load_config(tmp_path)
    _write(tmp_path, "title: [unclosed\n")
    with pytest.raises(InputError, match=r"\[E130\]"):
        load_config(tmp_path)


def test_folder_without_study_yaml_is_derived_with_a_warning(tmp_path):
    folder = tmp_path / "heusden-2024"
    folder.mkdir()
    (folder / "respondents.csv").write_text(
        "id,function,label,side,interview_date,organisation\n"
        "R01,Beleidsmedewerker,beleid,intern,2024-03-05,Gemeente Heusden\n"
        "R02,Wijkagent,wijkagent,extern,2025-01-10,Politie\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"\[W110\]"):
        config = load_config(folder)
    assert (config.title, config.municipality, config.commissioner) == ("heusden-2024", "Heusden", "gemeente Heusden")
    assert config.period == "2024–2025" and not config.thesis and not config.reconstructed
    assert config.slug == "heusden-2024"


def test_find_study_like_git(tmp_path):
    study = _write(tmp_path / "s", "title: T\n")
    deep = study / "transcripts" / "sub"
    deep.mkdir(parents=True)
    assert find_study(start=deep) == study.resolve()
    assert find_study(start=study) == study.resolve()
    assert find_study(data=tmp_path) == tmp_path  # explicit --data wins
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(InputError, match=r"\[E133\]"):
        find_study(start=elsewhere)
    assert find_study(start=elsewhere, default=DEFAULT_DATA) == DEFAULT_DATA
    with pytest.raises(InputError, match=r"\[E134\]"):
        find_study(data=tmp_path / "missing")


def test_is_bundled(tmp_path):
    assert is_bundled(DEFAULT_DATA) and is_bundled(DEFAULT_DATA / "codings.csv")
    assert not is_bundled(tmp_path / "codings.csv")


def test_slugify_never_empty():
    assert slugify("!!!") == "studie"
    assert slugify("Één café in Súdwest-Fryslân") == "een-cafe-in-sudwest-fryslan"


def _tiny_study(codings):
    cb = Codebook([Code(id="a", label_nl="A")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Study(corpus=Corpus(respondents={}), codebook=cb, codings=codings)


def test_coding_source_is_derived_from_the_codings():
    assert _tiny_study(make_codings([])).coding_source == "none"
    s = _tiny_study(pd.DataFrame({"x": [1]}))
    assert s.coding_source == "manual"
    with pytest.raises(ValueError):
        Study(corpus=s.corpus, codebook=s.codebook, codings=s.codings, config=s.config, coding_source="auto")


def test_memo_follows_reassigned_codings_200_times():
    """Issue 18: the memo was keyed on id(), which Python reuses for a new object
    once the old one is freed, so a reassigned table could get the old result."""
    study = _tiny_study(pd.DataFrame({"x": [0]}))
    calls = 0
    for i in range(200):
        study.codings = pd.DataFrame({"x": [i]})  # the previous frame is freed here

        def compute():
            nonlocal calls
            calls += 1
            return int(study.codings["x"].iloc[0])
        assert study.memo("value", compute) == i
        assert study.memo("value", compute) == i  # computed once per state
    assert calls == 200
