"""Hostile offsets in codings.csv (issue 14): *one error line* naming file,
line and the offsets as the file has them; exact duplicates: *warning*."""
from __future__ import annotations

import warnings

import pytest

from altena_qca.errors import InputError
from altena_qca.ingest.corpus import load_codings


@pytest.fixture(scope="module")
def corpus_and_codebook(study):
    return study.corpus, study.codebook


def _codings(tmp_path, start, end, code="intro.function", extra=""):
    path = tmp_path / "codings.csv"
    path.write_text(f"document,start,end,code\nR01,{start},{end},{code}\n{extra}", encoding="utf-8")
    return path


@pytest.mark.parametrize("start, end, pattern", [
    ("-5", "20", r"\[E125\].*line 2.*'start'.*whole number"),
    ("10", "1e308", r"\[E125\].*line 2: invalid value '1e\+308' for 'end' .*at most 2147483648\)$"),
    ("10", "inf", r"\[E125\].*line 2.*'end'"),
    ("392.5", "400", r"\[E125\].*line 2.*'start'"),
    ("618", "392", r"\[E126\].*line 2: span 618-392 .*reversed"),
    ("392", "392", r"\[E126\].*line 2: span 392-392 .*zero-length"),
    ("10", "99999999", r"\[E122\].*line 2: span 10-99999999 lies outside document 'R01' \(length \d+\)"),
])
def test_bad_offsets_are_one_error_line(tmp_path, corpus_and_codebook, start, end, pattern):
    corpus, codebook = corpus_and_codebook
    with pytest.raises(InputError, match=pattern) as err:
        load_codings(_codings(tmp_path, start, end), corpus, codebook)
    assert "\n" not in str(err.value)


def test_offsets_beyond_the_text_are_reported_in_file_terms(tmp_path, corpus_and_codebook):
    corpus, codebook = corpus_and_codebook
    length = corpus.pseudonymiser.offsets_["R01"].old_length
    with pytest.raises(InputError, match=rf"span 10-{length + 1} .*\(length {length}\)"):
        load_codings(_codings(tmp_path, 10, length + 1), corpus, codebook)


def test_exact_duplicate_codings_count_once_with_a_warning(tmp_path, corpus_and_codebook):
    corpus, codebook = corpus_and_codebook
    path = _codings(tmp_path, 100, 200, extra="R01,100,200,intro.function\nR01,100,200,intro.function\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        codings = load_codings(path, corpus, codebook)
    assert len(codings) == 1
    assert any(str(w.message).startswith("[W125]") and "2 exact duplicate" in str(w.message) and "3, 4" in str(w.message)
               for w in caught)


RESPONDENTS = "id,function,label,side,interview_date,organisation\nR01,Wijkverpleegkundige,wijkverpleegkundige,extern,2024-03-05,Zorg Oost\n"


@pytest.mark.parametrize("encoding, delimiter, warning", [
    ("utf-8", ",", None), ("cp1252", ",", "[W101]"), ("latin-1", ";", "[W101]"), ("utf-16", ",", None),
    ("utf-8-sig", ";", "[W103]"), ("utf-8", "\t", None),
])
def test_respondents_in_other_encodings_and_delimiters(tmp_path, encoding, delimiter, warning):
    from altena_qca.ingest.corpus import read_respondents

    path = tmp_path / "respondents.csv"
    path.write_bytes(RESPONDENTS.replace("Oost", "Oost-Brabant coördinatie").replace(",", delimiter).encode(encoding))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        respondents = read_respondents(path)
    assert respondents["R01"].organisation == "Zorg Oost-Brabant coördinatie"
    codes = [str(w.message)[:6] for w in caught]
    assert (warning in codes) if warning else codes == [], codes


def test_a_folder_as_respondents_or_codings_is_one_error_line(tmp_path, corpus_and_codebook):
    from altena_qca.ingest.corpus import read_respondents

    (tmp_path / "respondents.csv").mkdir()
    with pytest.raises(InputError, match=r"^\[E109\].*folder"):
        read_respondents(tmp_path / "respondents.csv")
    (tmp_path / "codings.csv").mkdir()
    with pytest.raises(InputError, match=r"^\[E109\].*is a folder, not a file"):
        load_codings(tmp_path / "codings.csv", *corpus_and_codebook)


def test_semicolon_codings_are_read(tmp_path, corpus_and_codebook):
    path = tmp_path / "codings.csv"
    path.write_text("document;start;end;code\nR01;392;618;intro.function\n", encoding="utf-8")
    assert len(load_codings(path, *corpus_and_codebook)) == 1


def test_a_mismatching_text_is_reported_at_the_files_offsets(tmp_path, corpus_and_codebook):
    # R01 has a pseudonymised name before offset 392: the message once quoted 391-617, the offsets
    # of the pseudonymised text, instead of the file's 392-618
    corpus, codebook = corpus_and_codebook
    offsets = corpus.pseudonymiser.offsets_["R01"]
    assert offsets.span(392, 618) != (392, 618)  # the case is only a case if the offsets differ
    path = tmp_path / "codings.csv"
    path.write_text("document,start,end,code,text\nR01,392,618,intro.function,Iets heel anders\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^\[E123\] .*line 2: coded text does not match document 'R01' at 392-618:"):
        load_codings(path, corpus, codebook)
