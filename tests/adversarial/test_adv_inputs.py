"""Hostile inputs through the command line (issue 14, part B): each is a
generated input with its expected outcome -- *one error line* (exit 2, a
numbered error naming the file and, where there is one, the line; no
traceback; nothing written) -- on a small study made for the test.

Cases: ``code --input`` with binary content, numeric text, list ids,
duplicate ids, a named pipe, a folder or no passage; a transcript that is a
named pipe or a folder, or has a NUL byte after its first 8 KB; a .docx whose
XML declares an entity (the text after it was dropped); a key given twice in
the codebook, study.yaml, actors.yaml or claims.yaml; a codebook nested
10^5 levels deep (libyaml crashed the interpreter); a code id YAML reads as a
number. The output cases (disk full, read-only folder, ``--out`` naming a
file) are in test_adv_output.py.
"""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from altena_qca.cli import cli
from altena_qca.resources import DEFAULT_CODEBOOK

from .conftest import CODINGS, RESPONDENTS, make_small_study


def _cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.stderr


def assert_one_error_line(code: int, stderr: str, number: str, *where: str) -> str:
    """Exit 2, no traceback, exactly one ``error:`` line, numbered ``number``, naming every ``where``."""
    assert code == 2, stderr
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    assert errors[0].startswith(f"error: [{number}] "), errors[0]
    for part in where:
        assert part in errors[0], (part, errors[0])
    return errors[0]


@pytest.fixture
def small(tmp_path) -> Path:
    return make_small_study(tmp_path)


def test_the_small_study_itself_passes_the_check(small):
    # every case below breaks exactly one thing of this study
    code, stderr = _cli("check", "--data", str(small))
    assert code == 0, stderr
    assert "error:" not in stderr


# --------------------------------------------------------------------------- code --input

def _passages(lines) -> bytes:
    return "".join(json.dumps(x) + "\n" for x in lines).encode("utf-8")


@pytest.mark.parametrize("content, number, where", [
    (bytes(range(256)) * 40, "E103", "NUL byte at offset 0"),
    (b'{"id": "p1", "text": "ok"}\n' + b"\x81\x8d\x8f" * 10, "E103", "byte 0x81"),
    (_passages([{"id": "p1", "text": "Wij delen te weinig."}, {"id": "p2", "text": 123}]), "E125",
     "line 2: invalid value '123' for 'text' (the text must be a string, not a number)"),
    (_passages([{"id": [1, 2], "text": "Wij delen te weinig."}]), "E125",
     "line 1: invalid value '[1, 2]' for 'id' (an id is a non-empty string or a whole number, not a list)"),
    (_passages([{"id": 1.5, "text": "x"}]), "E125", "not a decimal number"),
    (_passages([{"id": "a", "text": "Eén."}, {"id": "b", "text": "Twee."}, {"id": "a", "text": "Drie."}]), "E125",
     "line 3: invalid value 'a' for 'id' (duplicate id; first on line 1)"),
    (_passages([{"id": 7, "text": "Eén."}, {"id": "7", "text": "Twee."}]), "E125", "duplicate id; first on line 1"),
    (b'{"id": "a", "text": "x"}\n[1, 2]\n', "E125", "line 2: invalid value '[1, 2]' for '(line)'"),
    (b"\n\n   \n", "E100", "file is empty"),
])
def test_code_input_refuses_what_it_cannot_code(small, tmp_path, content, number, where):
    path = tmp_path / "passages.jsonl"
    path.write_bytes(content)
    out = tmp_path / "suggestions.csv"
    code, stderr = _cli("code", "--data", str(small), "--input", str(path), "--out", str(out))
    assert_one_error_line(code, stderr, number, str(path), where)
    assert not out.exists()


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_code_input_that_is_no_file_is_refused_without_blocking(small, tmp_path, kind):
    path = tmp_path / "passages.jsonl"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()  # a FIFO without a writer blocked the reader forever
    code, stderr = _cli("code", "--data", str(small), "--input", str(path), "--out", str(tmp_path / "s.csv"))
    what = "named pipe (FIFO)" if kind == "fifo" else "is a folder"
    assert_one_error_line(code, stderr, "E109", str(path), what)


def test_good_passages_with_numeric_ids_are_coded(small, tmp_path):
    path = tmp_path / "passages.jsonl"
    path.write_bytes(_passages([{"id": 1, "text": "Wij delen te weinig gegevens met de gemeente."},
                                {"id": "twee", "text": ""}]))
    out = tmp_path / "suggestions.csv"
    code, stderr = _cli("code", "--data", str(small), "--input", str(path), "--out", str(out), "--no-pseudonymise")
    assert code == 0, stderr
    assert out.read_text(encoding="utf-8").startswith("id,code_id,confidence,start,end,rule")


# --------------------------------------------------------------------------- transcripts

def test_a_transcript_that_is_a_named_pipe_is_not_called_empty(small):
    fifo = small / "transcripts" / "R02.txt"
    fifo.unlink()
    os.mkfifo(fifo)
    code, stderr = _cli("check", "--data", str(small))
    line = assert_one_error_line(code, stderr, "E109", "R02.txt", "named pipe (FIFO)")
    assert "empty" not in line


def test_a_transcript_path_that_is_a_folder(small):
    (small / "transcripts" / "R02.txt").unlink()
    (small / "transcripts" / "R02.txt").mkdir()
    code, stderr = _cli("check", "--data", str(small))
    assert_one_error_line(code, stderr, "E109", "R02.txt", "is a folder, not a file")


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_a_nul_byte_after_the_first_8_kb_is_refused_like_a_binary_file(small, encoding):
    # Chosen outcome: refused (E103 with the byte offset), as a NUL in the first 8 KB always was.
    # A NUL is never text; reading on would put it inside a paragraph (and into every output).
    head = ("I: Wat is uw huidige functie?\nR: " + "Ik ben coördinator in de wijk. " * 400 + "\n").encode(encoding)
    tail_encoding = "utf-16-le" if encoding == "utf-16" else encoding  # no second byte-order mark
    data = head + "R: en dan\0dit.\n".encode(tail_encoding)
    offset = len(head) + len("R: en dan".encode(tail_encoding))
    assert offset > 8192
    (small / "transcripts" / "R02.txt").write_bytes(data)
    code, stderr = _cli("check", "--data", str(small))
    assert_one_error_line(code, stderr, "E103", "R02.txt", f"NUL byte at offset {offset}")


@pytest.mark.parametrize("name", ["respondents.csv", "codings.csv", "study.yaml", "codebook.yaml", "actors.yaml"])
@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_study_file_that_is_no_file_is_one_error_line(small, name, kind):
    # was: respondents.csv as a pipe blocked 'check' forever; codings.csv, study.yaml, codebook.yaml and
    # actors.yaml as a pipe or folder were silently taken as absent ('no codings', the package's codebook, ...)
    path = small / name
    if path.exists():
        path.unlink()
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    code, stderr = _cli("check", "--data", str(small))
    assert_one_error_line(code, stderr, "E109", str(path), "named pipe (FIFO)" if kind == "fifo" else "is a folder")
    assert "[W112]" not in stderr and "[W110]" not in stderr


def test_claims_yaml_that_is_a_named_pipe(small):
    os.mkfifo(small / "claims.yaml")
    code, stderr = _cli("claims", "--data", str(small), "--no-pseudonymise")
    assert_one_error_line(code, stderr, "E109", "claims.yaml", "named pipe (FIFO)")


def _docx(path: Path, body: str, doctype: str = "") -> None:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        zf.writestr("word/document.xml", f'<?xml version="1.0"?>{doctype}<w:document {ns}><w:body>{body}'
                                          "</w:body></w:document>")


def _p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


@pytest.mark.parametrize("doctype, entity, reason", [
    ('<!DOCTYPE w:document [<!ENTITY naam "Jan">]>', "&naam;", "declares a DTD"),
    ('<!DOCTYPE w:document SYSTEM "file:///etc/passwd">', "", "declares a DTD"),
    ("", "&nbsp;", "line 1, column"),
])
def test_docx_entities_never_cut_text_silently(small, doctype, entity, reason):
    (small / "transcripts" / "R02.txt").unlink()
    _docx(small / "transcripts" / "R02.docx",
          _p("I: Wat is uw functie?") + _p(f"R: Ik werk met {entity} samen in de wijk."), doctype)
    code, stderr = _cli("check", "--data", str(small))
    assert_one_error_line(code, stderr, "E101", "R02.docx", reason)


# --------------------------------------------------------------------------- YAML files

def _append_key(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_key_given_twice_in_study_yaml_is_refused_with_its_line(small):
    path = small / "study.yaml"
    first = next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if line.startswith("title:"))
    _append_key(path, "title: Een tweede titel\n")
    last = len(path.read_text(encoding="utf-8").splitlines())
    code, stderr = _cli("check", "--data", str(small))
    assert_one_error_line(code, stderr, "E130", "study.yaml",
                          f"line {last}: duplicate key 'title' (first on line {first})")


def test_a_key_given_twice_in_the_codebook_is_refused_with_its_line(small):
    path = small / "codebook.yaml"
    lines = DEFAULT_CODEBOOK.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.strip().startswith("label_nl:"))
    indent = lines[n][: len(lines[n]) - len(lines[n].lstrip())]
    lines.insert(n + 1, f"{indent}label_nl: Een ander label")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, stderr = _cli("check", "--data", str(small))
    assert_one_error_line(code, stderr, "E200", "codebook.yaml",
                          f"line {n + 2}: duplicate key 'label_nl' (first on line {n + 1})")
    code, stderr = _cli("codebook", "validate", str(path))
    assert code == 2 and "duplicate key 'label_nl'" in stderr and "Traceback" not in stderr


def test_a_key_given_twice_in_actors_yaml_is_refused_with_its_line(small):
    (small / "actors.yaml").write_text("actors:\n  - name: Zorg Oost\n    side: extern\n    name: Zorg West\n",
                                       encoding="utf-8")
    code, stderr = _cli("check", "--data", str(small))
    assert_one_error_line(code, stderr, "E300", "actors.yaml", "line 4: duplicate key 'name' (first on line 2)")


def test_a_key_given_twice_in_claims_yaml_is_refused_with_its_line(small):
    (small / "claims.yaml").write_text(
        "claims:\n  - id: c1\n    claim: Er zijn twee interviews.\n    measure: {respondents: {}}\n"
        "    expect: {count: 2}\n    expect: {count: 3}\n", encoding="utf-8")
    code, stderr = _cli("claims", "--data", str(small), "--no-pseudonymise")
    assert_one_error_line(code, stderr, "E138", "claims.yaml", "line 6", "duplicate key 'expect' (first on line 5)")


@pytest.mark.parametrize("nesting", [
    "[" * 100_000 + "]" * 100_000,  # crashed the interpreter (SIGSEGV in libyaml's composer)
    "{a: " * 100_000 + "1" + "}" * 100_000,
    "\n" + "".join("  " * i + "- \n" for i in range(1, 300)) + "  " * 300 + "- x",
])
def test_a_codebook_nested_100000_deep_is_one_error_line(small, nesting):
    path = small / "codebook.yaml"
    path.write_text("codes:\n  - id: a\n    label_nl: " + nesting + "\n", encoding="utf-8")
    code, stderr = _cli("codebook", "validate", str(path))
    assert code == 2 and "Traceback" not in stderr
    assert "[E200]" in stderr and "nested deeper than 100 levels" in stderr and str(path) in stderr
    code, stderr = _cli("check", "--data", str(small))
    assert_one_error_line(code, stderr, "E200", "codebook.yaml", "nested deeper than 100 levels")


@pytest.mark.parametrize("value, kind", [("1.10", "a number (1.1)"), ("123", "a number (123)"), ("yes", "true/false")])
def test_a_code_id_yaml_reads_as_a_number_names_the_codebook_line(small, value, kind):
    path = small / "codebook.yaml"
    text = DEFAULT_CODEBOOK.read_text(encoding="utf-8")  # the study's own codebook: the package's + one code
    text += f"  - id: {value}\n    label_nl: Een code met een getal als id\n"
    path.write_text(text, encoding="utf-8")
    line = len(text.splitlines()) - 1
    code, stderr = _cli("check", "--data", str(small))
    # before: accepted as the string '1.1' (not '1.10'), and codings.csv got E121 'unknown code'
    assert_one_error_line(code, stderr, "E215", "codebook.yaml", f"line {line}: the id is read as {kind}")


# --------------------------------------------------------------------------- codings, respondents, labels, .qdpx

@pytest.mark.parametrize("row, number, where", [
    ("R01,57,33,intro.function", "E126", "line 4: span 57-33 is not a span (end before start (reversed))"),
    ("R01,40,40,intro.function", "E126", "line 4: span 40-40 is not a span (zero-length span)"),
    ("R01,-5,20,intro.function", "E125", "line 4: invalid value '-5' for 'start'"),
    ("R01,33.5,57,intro.function", "E125", "line 4: invalid value '33.5' for 'start'"),
    ("R01,10,1e308,intro.function", "E125", "line 4: invalid value '1e+308' for 'end'"),
    ("R01,10,inf,intro.function", "E125", "line 4: invalid value 'inf' for 'end'"),
    ("R01,10,99999,intro.function", "E122", "line 4: span 10-99999 lies outside document 'R01' (length "),
])
def test_hostile_offsets_through_check_are_one_error_line(small, row, number, where):
    _append_key(small / "codings.csv", row + "\n")
    code, stderr = _cli("check", "--data", str(small))
    assert_one_error_line(code, stderr, number, "codings.csv", where)


def test_an_exact_duplicate_coding_counts_once_with_a_warning(small):
    _append_key(small / "codings.csv", CODINGS.splitlines()[1] + "\n")
    code, stderr = _cli("check", "--data", str(small))
    assert code == 0, stderr
    assert "[W125]" in stderr and "1 exact duplicate coding(s) ignored" in stderr and "line(s) 4" in stderr


def test_dutch_excel_respondents_in_cp1252_with_semicolons_are_read_with_a_warning(small):
    text = RESPONDENTS.replace("Beleidsmedewerker,", "Beleidsmedewerker coördinatie,").replace(",", ";")
    (small / "respondents.csv").write_bytes(text.encode("cp1252"))
    code, stderr = _cli("check", "--data", str(small))
    assert code == 0, stderr
    assert "[W101]" in stderr and "respondents.csv" in stderr


def test_an_unknown_label_like_prefix_is_warned_about(small):
    _append_key(small / "transcripts" / "R01.txt", "Notulist: de wethouder komt binnen.\n")
    code, stderr = _cli("check", "--data", str(small))
    assert code == 0, stderr
    assert "[W107]" in stderr and "'Notulist:' (line 5)" in stderr


def test_a_qdpx_whose_project_declares_an_entity_is_refused(tmp_path):
    path = tmp_path / "project.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE Project [<!ENTITY e "X">]>'
                                   '<Project xmlns="urn:QDA-XML:project:1.0" name="p&e;q"/>')
    out = tmp_path / "imported"
    code, stderr = _cli("import-qdpx", str(path), "--out", str(out))
    assert_one_error_line(code, stderr, "E400", str(path), "declares a DTD")
    assert not out.exists()


@pytest.mark.parametrize("encoding, delimiter, warning", [
    ("utf-8-sig", ";", None), ("cp1252", ";", "[W101]"), ("utf-16", ",", None), ("utf-16", "\t", None),
])
def test_codings_saved_by_excel_in_other_encodings_are_read(small, encoding, delimiter, warning):
    # was E125 "'utf-8' codec can't decode ..." for anything but UTF-8
    text = CODINGS.replace(",anna,", ",José,").replace(",", delimiter)
    (small / "codings.csv").write_bytes(text.encode(encoding))
    res = CliRunner().invoke(cli, ["check", "--data", str(small)])
    assert res.exit_code == 0, res.stderr
    assert "2 codings" in res.stdout
    assert (warning in res.stderr) if warning else "warning: [W10" not in res.stderr, res.stderr
