"""Tests of altena_qca.privacy: pseudonymisation, the key, the output guard.

Tests marked ``slow`` run the real deduce; they share one instance through
the module-scoped ``deid`` fixture (building its tables the first time takes
a minute or more, loading them some seconds).
"""
from __future__ import annotations

import io
import logging
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altena_qca.errors import CodebookError, InputError
from altena_qca.ingest.segment import segment_paragraphs
from altena_qca.ingest.text import Paragraph
from altena_qca.model import Document, Respondent, Segment
from altena_qca.privacy import (
    Pseudonymiser,
    apply_replacements,
    deduce_cache_dir,
    find_leaks,
    get_deduce,
    load_protected_terms,
    write_key,
)

ROOT = Path(__file__).resolve().parents[1]
TAG = re.compile(r"\[[A-Z]+-\d+\]")
slow = pytest.mark.slow


# --------------------------------------------------------------------------- helpers

@dataclass
class _Annotation:
    start_char: int
    end_char: int
    tag: str


class StubDeidentifier:
    """Tags given strings wherever they occur, as deduce would (no deduce needed)."""

    def __init__(self, tags: dict[str, str]):
        self.tags = tags

    def deidentify(self, text, disabled=None):
        found = [_Annotation(m.start(), m.end(), tag) for original, tag in self.tags.items()
                 for m in re.finditer(re.escape(original), text)]

        class Result:
            annotations = found
        return Result()


def one_segment_doc(text: str, doc_id: str = "R99") -> Document:
    return Document(doc_id, text, segments=[Segment(doc_id, 0, "respondent", 3, 0, len(text))])


def undo(text: str, key: dict[str, str]) -> str:
    return TAG.sub(lambda m: key[m.group(0)], text)


# --------------------------------------------------------------------------- apply_replacements

def test_apply_replacements_maps_offsets():
    text = "Jan woont in Almkerk."
    new, offsets = apply_replacements(text, [(13, 20, "[LOCATIE-1]"), (0, 3, "[PERSOON-1]")])
    assert new == "[PERSOON-1] woont in [LOCATIE-1]."
    assert new[slice(*offsets.span(4, 9))] == "woont"
    assert offsets(len(text)) == len(new)
    # A span that cuts a replaced name grows to cover its whole tag.
    assert new[slice(*offsets.span(1, 9))] == "[PERSOON-1] woont"


@pytest.mark.parametrize("spans", [[(0, 4, "x"), (3, 6, "y")], [(2, 2, "x")], [(5, 99, "x")], [(-1, 2, "x")]])
def test_apply_replacements_rejects_bad_spans(spans):
    with pytest.raises(ValueError, match="E502"):
        apply_replacements("Jan de Vries", spans)


@st.composite
def texts_and_spans(draw):
    text = draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=80))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=12)))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        if start < end and draw(st.booleans()):
            spans.append((start, end, draw(st.text(max_size=15))))
    return text, draw(st.permutations(spans))


@settings(max_examples=200, deadline=None)
@given(texts_and_spans())
def test_apply_replacements_keeps_other_characters_aligned(case):
    text, spans = case
    new, offsets = apply_replacements(text, spans)
    inside = {i for s, e, _ in spans for i in range(s, e)}
    for i, char in enumerate(text):
        if i not in inside:
            assert new[offsets(i)] == char
    for s, e, replacement in spans:
        assert new[offsets(s):offsets(e, "end")] == replacement
    mapped = [offsets(i) for i in range(len(text) + 1)]
    assert mapped == sorted(mapped) and mapped[-1] == len(new)
    assert len(new) == len(text) + sum(len(r) - (e - s) for s, e, r in spans)


# --------------------------------------------------------------------------- protected terms

def test_default_allowlist_protects_organisations_not_villages():
    terms = {t.casefold() for t in load_protected_terms(actors=None)}
    assert {"bazalt wonen", "smo breda", "gemeente altena", "ggz-breburg", "veilig thuis"} <= terms
    assert not {"almkerk", "woudrichem", "werkendam", "altena", "breda"} & terms


def test_protected_terms_read_actors_defensively(tmp_path):
    allow = tmp_path / "allow.yaml"
    allow.write_text("orgs:\n  - Bazalt Wonen\nempty:\n", encoding="utf-8")
    actors = tmp_path / "actors.yaml"
    actors.write_text("actors:\n  - name: Veilig Thuis\n    aliases: [VT, 'Veilig  Thuis WB']\n"
                      "  - name: 12\n  - just a string\n  - {aliases: Toegang}\n", encoding="utf-8")
    # a bare string is a name (a study's own actors.yaml may list names only, issue 13)
    assert load_protected_terms(allow, actors) == ("Bazalt Wonen", "just a string", "Toegang", "Veilig Thuis",
                                                    "Veilig Thuis WB", "VT")
    assert load_protected_terms(allow, tmp_path / "missing.yaml") == ("Bazalt Wonen",)
    actors.write_text("actors: [unclosed", encoding="utf-8")
    with pytest.warns(UserWarning, match="W500"):
        assert load_protected_terms(allow, actors) == ("Bazalt Wonen",)


@pytest.mark.parametrize("content", ["- a list\n", "orgs: Bazalt Wonen\n", "orgs: [ok, 3]\n", "orgs: [\n"])
def test_malformed_allowlist_is_an_error(tmp_path, content):
    allow = tmp_path / "allow.yaml"
    allow.write_text(content, encoding="utf-8")
    with pytest.raises(CodebookError, match=r"E501.*allow\.yaml"):
        load_protected_terms(allow, None)


def test_missing_allowlist_is_an_error(tmp_path):
    with pytest.raises(CodebookError, match="not found"):
        Pseudonymiser(allowlist=tmp_path / "nope.yaml", actors=None).fit()


# --------------------------------------------------------------------------- trimming (stub)

def test_tags_are_cut_back_at_protected_terms():
    text = ("Ik bel Jan de Vries van Bazalt Wonen, de Gemeente Altena en Smo Breda. "
            "Een collega van Veilig Thuis mailt j.devries@bazalt.nl.")
    stub = StubDeidentifier({"Jan de Vries van Bazalt Wonen": "persoon", "Gemeente Altena": "persoon",
                             "Breda": "locatie", "collega van Veilig": "persoon",
                             "j.devries@bazalt.nl": "emailadres"})
    pseudo = Pseudonymiser(actors=None, deidentifier=stub)
    new = pseudo(one_segment_doc(text))
    assert new.text == ("Ik bel [PERSOON-1] van Bazalt Wonen, de Gemeente Altena en Smo Breda. "
                        "Een collega van Veilig Thuis mailt [EMAILADRES-1].")
    assert pseudo.key_ == {"R99": {"[PERSOON-1]": "Jan de Vries", "[EMAILADRES-1]": "j.devries@bazalt.nl"}}


def test_same_original_same_tag_and_existing_tags_kept():
    text = "[PERSOON-1] sprak Piet. Later belde piet, toen Kees, en Piet weer."
    stub = StubDeidentifier({"Piet": "persoon", "piet": "persoon", "Kees": "persoon"})
    pseudo = Pseudonymiser(allowlist=None, actors=None, deidentifier=stub)
    new = pseudo(one_segment_doc(text))
    assert new.text == "[PERSOON-1] sprak [PERSOON-2]. Later belde [PERSOON-2], toen [PERSOON-3], en [PERSOON-2] weer."
    assert pseudo.key_["R99"] == {"[PERSOON-2]": "Piet", "[PERSOON-3]": "Kees"}


def test_missed_occurrences_of_a_tagged_name_are_replaced_too():
    text = "Ik zag Anouk Bakker. Anouk Bakker belde. Een bakker."
    stub = StubDeidentifier({"Anouk Bakker": "persoon"})

    class FirstOnly(StubDeidentifier):
        def deidentify(self, text, disabled=None):
            result = super().deidentify(text, disabled)
            result.annotations = result.annotations[:1]
            return result

    new = Pseudonymiser(allowlist=None, actors=None, deidentifier=FirstOnly(stub.tags))(one_segment_doc(text))
    assert new.text == "Ik zag [PERSOON-1]. [PERSOON-1] belde. Een bakker."
    off = Pseudonymiser(allowlist=None, actors=None, propagate=False, deidentifier=FirstOnly(stub.tags))
    assert off(one_segment_doc(text)).text == "Ik zag [PERSOON-1]. Anouk Bakker belde. Een bakker."


def test_for_corpus_protects_respondent_labels():
    respondents = {"R06": Respondent("R06", "Procesregisseur Zorg en Veiligheid", "procesregisseur", "intern",
                                     organisation="Gemeente Altena")}
    stub = StubDeidentifier({"Procesregisseur Zorg": "persoon", "Karin": "persoon"})
    pseudo = Pseudonymiser.for_corpus(respondents, allowlist=None, actors=None, deidentifier=stub)
    assert hasattr(pseudo, "key_")
    new = pseudo(one_segment_doc("Als Procesregisseur Zorg en Veiligheid bel ik Karin."))
    assert new.text == "Als Procesregisseur Zorg en Veiligheid bel ik [PERSOON-1]."


def test_tag_across_a_segment_boundary_is_split():
    doc = segment_paragraphs([Paragraph("R: Ik sprak Anna", 1), Paragraph("I: Jansen?", 2)], "R98",
                             kind="observation")
    stub = StubDeidentifier({"Anna\nI: Jansen": "persoon"})
    new = Pseudonymiser(allowlist=None, actors=None, deidentifier=stub)(doc)
    assert [new.segment_text(s) for s in new.segments] == ["Ik sprak [PERSOON-1]", "[PERSOON-2]?"]
    assert new.text == "R: Ik sprak [PERSOON-1]\nI: [PERSOON-2]?"  # the label 'I' is no name


def test_sklearn_style_init_only_stores():
    pseudo = Pseudonymiser(protected=("x",), allowlist=None)
    assert vars(pseudo) == {"protected": ("x",), "allowlist": None, "actors": pseudo.actors,
                            "propagate": True, "deidentifier": None}
    with pytest.raises(TypeError):
        Pseudonymiser(("x",))


# --------------------------------------------------------------------------- write_key

KEY = {"R01": {"[PERSOON-1]": "Jan de Vries"}}


@pytest.mark.parametrize("inside", ["key.json", "altena_qca/resources/studies/altena/key.json", "out/deep/key.json"])
def test_write_key_refuses_the_project_folder(inside):
    target = ROOT / inside
    with pytest.raises(InputError, match=r"E500.*outside the project"):
        write_key(KEY, target)
    assert not target.exists()


def test_write_key_refuses_the_working_directorys_project(tmp_path, monkeypatch):
    project = tmp_path / "other-project"
    (project / "sub").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    monkeypatch.chdir(project / "sub")
    with pytest.raises(InputError, match="E500"):
        write_key(KEY, "key.json")


def test_write_key_writes_outside_for_the_owner_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_key(KEY, tmp_path / "keys" / "altena-key.json")
    assert path.read_text(encoding="utf-8").count("Jan de Vries") == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --------------------------------------------------------------------------- find_leaks

def _docx_bytes(*runs: str) -> bytes:
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph()
    for run in runs:
        paragraph.add_run(run)
    document.add_paragraph("Tweede alinea.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_find_leaks_in_docx_split_over_runs(tmp_path):
    path = tmp_path / "rapport.docx"
    path.write_bytes(_docx_bytes("Gesprek met Ja", "n de Vr", "ies over Almkerk"))
    leaks = find_leaks([path], ["Jan de Vries", "Almkerk", "Kees"])
    assert sorted(term for _, term in leaks) == ["Almkerk", "Jan de Vries"]
    assert all(where.startswith(f"{path}!word/document.xml") for where, _ in leaks)


def test_find_leaks_in_zip_nested_qdpx_xlsx_and_names(tmp_path):
    import openpyxl

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("project.qde", '<Project name="Altena"><User name="onderzoeker"/></Project>')
        z.writestr("sources/R01.docx", _docx_bytes("R: Ik sprak Anouk Bakker."))
    outer = tmp_path / "export.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("project.qdpx", inner.getvalue())
        z.writestr("tabel.csv", "document,tekst\nR02,belde mevr. Yilmaz\n")
    book = openpyxl.Workbook()
    book.active["B2"] = "Contact: Yilmaz"
    book.save(tmp_path / "tabel.xlsx")
    (tmp_path / "figuur.svg").write_text('<svg><text x="1">Anouk&#160;Bakker</text></svg>', encoding="utf-8")
    (tmp_path / "Kees Smit.graphml").write_text("<graphml/>", encoding="utf-8")

    leaks = find_leaks(tmp_path, ["Anouk Bakker", "yilmaz", "Kees Smit", "Altena"])
    where = {(w.replace(str(tmp_path), "~"), t) for w, t in leaks}
    assert ("~/export.zip!project.qdpx!sources/R01.docx!word/document.xml", "Anouk Bakker") in where
    assert ("~/export.zip!tabel.csv", "yilmaz") in where
    assert any(w.startswith("~/tabel.xlsx!xl/") and t == "yilmaz" for w, t in where)
    assert ("~/figuur.svg", "Anouk Bakker") in where
    assert ("~/Kees Smit.graphml (file name)", "Kees Smit") in where
    assert ("~/export.zip!project.qdpx!project.qde", "Altena") in where


def test_find_leaks_matches_words_not_parts():
    assert find_leaks("In januari met Jansen-Smit.", ["Jan", "Smit", "Jansen Smit"]) == [
        ("<text 0>", "Smit"), ("<text 0>", "Jansen Smit")]
    assert find_leaks(["niets"], []) == []
    with pytest.raises(InputError, match="E106"):
        find_leaks([Path("/nonexistent/out")], ["x"])


# --------------------------------------------------------------------------- deduce cache

def test_deduce_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert deduce_cache_dir().parent == tmp_path / "altena-qca" / "deduce"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert deduce_cache_dir().parents[2] == Path.home() / ".cache"


# --------------------------------------------------------------------------- with deduce

@pytest.fixture(scope="module")
def deid():
    """The shared deduce instance, and the root logger before and after making it."""
    root = logging.getLogger()
    before = (list(root.handlers), root.level, root.disabled)
    instance = get_deduce()
    return instance, before, (list(root.handlers), root.level, root.disabled)


@pytest.fixture(scope="module")
def pseudo(deid):
    return Pseudonymiser.for_corpus({}, actors=None)  # independent of the gazetteer in progress


@slow
def test_deduce_is_shared_cached_and_quiet(deid):
    instance, before, after = deid
    assert get_deduce() is instance
    assert before == after
    assert (deduce_cache_dir() / "cache" / "lookup_structs.pickle").is_file()


PERSONAL = ("R: Mevrouw Jansen woont aan de Dorpsstraat 12 in Almkerk. Bel 06-12345678 of mail "
            "j.devries@bazalt.nl, BSN 111222333, geboren 12 maart 1980, zie https://www.voorbeeld.nl. "
            "Later belde mevrouw Jansen opnieuw.")


@slow
def test_personal_data_replaced_by_stable_tags(pseudo):
    new = pseudo(one_segment_doc(PERSONAL, "P1"))
    key = pseudo.key_["P1"]
    originals = ["Jansen", "Dorpsstraat", "Almkerk", "06-12345678", "j.devries@bazalt.nl",
                 "111222333", "12 maart 1980", "www.voorbeeld.nl"]
    assert find_leaks(new.text, originals) == []
    kinds = {t.split("-")[0][1:] for t in key}
    assert {"PERSOON", "LOCATIE", "TELEFOONNUMMER", "EMAILADRES", "BSN", "DATUM", "URL"} <= kinds
    persons = TAG.findall(new.text)
    assert persons[0] == persons[-1] == "[PERSOON-1]"  # 'Mevrouw Jansen' ... 'mevrouw Jansen'
    assert undo(new.text, key).casefold() == PERSONAL.casefold()


@slow
def test_allowlisted_organisations_survive(pseudo):
    text = ("R: Ik werk met Jan de Vries van Bazalt Wonen, met Gemeente Altena, met Smo Breda "
            "en met GGZ-Breburg.")
    new = pseudo(one_segment_doc(text, "P2"))
    for organisation in ("Bazalt Wonen", "Gemeente Altena", "Smo Breda", "GGZ-Breburg"):
        assert organisation in new.text
    assert find_leaks(new.text, ["Jan", "Vries"]) == []
    assert pseudo.key_["P2"] == {"[PERSOON-1]": "Jan de Vries"}


@slow
def test_segment_offsets_are_remapped(pseudo):
    paragraphs = [Paragraph("Deel 1: kennismaking", 1, heading=True)]
    paragraphs += [Paragraph(text, n) for n, text in enumerate([
        "I: Wat is uw huidige functie?",
        "R: [00:01:02] Ik ben woonconsulent bij Bazalt Wonen en werk met Piet Janssen.",
        "Piet Janssen woont in Almkerk, Dorpsstraat 12.",
        "I: Wie belt u dan, bijvoorbeeld bij Smo Breda?",
        "R: Meestal mevrouw El Amrani van Smo Breda, op 06-12345678.",
        "I: Dank u.",
        "R:",
    ], start=2)]
    doc = segment_paragraphs(paragraphs, "P3")
    new = pseudo(doc)
    key = pseudo.key_["P3"]
    assert len(new.segments) == len(doc.segments) == 6
    for old_seg, new_seg in zip(doc.segments, new.segments):
        old_text, new_text = doc.segment_text(old_seg), new.segment_text(new_seg)
        assert undo(new_text, key) == old_text
        assert find_leaks(new_text, list(key.values())) == []
        assert (new_seg.index, new_seg.speaker, new_seg.part, new_seg.meta) == (
            old_seg.index, old_seg.speaker, old_seg.part, old_seg.meta)
    assert new.segment_text(new.segments[1]).startswith("Ik ben woonconsulent bij Bazalt Wonen en werk met [PERSOON-")
    assert "Smo Breda" in new.segment_text(new.segments[3])
    assert undo(new.text, key) == doc.text
    assert new.meta["pseudonymised"] is True and "pseudonymised" not in doc.meta


def test_remap_codings_follows_the_replacements():
    import pandas as pd

    text = "R: Interview 12 mei 2023. Ik werk met Kees Smit. Goed."
    pseudo = Pseudonymiser(allowlist=None, actors=None,
                           deidentifier=StubDeidentifier({"12 mei 2023": "datum", "Kees Smit": "persoon"}))
    doc = one_segment_doc(text)
    new = pseudo(doc)
    codings = pd.DataFrame({"document": ["R99", "R99", "other"], "start": [26, 43, 0], "end": [48, 54, 5],
                            "code": ["a", "b", "c"]})
    remapped = pseudo.remap_codings(codings)
    assert [new.text[s:e] for s, e in zip(remapped.start[:2], remapped.end[:2])] == [
        "Ik werk met [PERSOON-1].", "[PERSOON-1]. Goed."]  # a cut name grows to its whole tag
    assert remapped.loc[2, ["start", "end"]].tolist() == [0, 5]
    assert codings.start.tolist() == [26, 43, 0]
