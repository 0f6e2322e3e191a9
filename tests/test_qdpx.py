"""REFI-QDA interoperability (issue 6): export, import, validation, hostile archives."""
from __future__ import annotations

import doctest
import io
import os
import stat
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altena_qca import refi
from altena_qca._io import fixed_zip_time
from altena_qca.errors import InputError
from altena_qca.refi import (
    _archive,
    _common,
    export_qdc,
    export_qdpx,
    import_qdc,
    import_qdpx,
    import_qdpx_to_folder,
    project_sets,
)
from altena_qca.refi._common import NS_CODEBOOK, NS_PROJECT

XSD = Path(__file__).parent / "data" / "refi-qda" / "Project.xsd"  # vendored (MIT), see its README
SAMPLES = SHARED / "refi-qda" / "samples"
NVIVO = SAMPLES / "nvivo15-mac-project.qdpx"
QC = SAMPLES / "qualitative-coding-demo.qdpx"

G = "{:08x}-0000-4000-8000-000000000000".format  # readable valid GUIDs for hand-made projects


def needs(path: Path):
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not found (shared reference material)")


@pytest.fixture(scope="module")
def schema():
    import xmlschema
    return xmlschema.XMLSchema(str(XSD))


@pytest.fixture(scope="module")
def groups(study):
    from altena_qca.analysis.typology import assign_groups
    return assign_groups(study.corpus, study.codebook, study.codings)


@pytest.fixture(scope="module")
def exported(study, groups, tmp_path_factory):
    memos = [{"id": "memo-1", "name": "Memo bij R01", "text": "Let op: € en ë blijven.", "document": "R01"},
             {"id": "memo-2", "text": "Definitie aangescherpt.", "code": "effects.trust"},
             {"id": "memo-3", "text": "Projectnotitie."}]
    return export_qdpx(study, tmp_path_factory.mktemp("export") / "altena.qdpx", groups=groups, memos=memos)


@pytest.fixture(scope="module")
def back(exported):
    return import_qdpx(exported)


# -- export ------------------------------------------------------------------

def test_export_is_a_qdpx_with_sources(exported, study):
    with zipfile.ZipFile(exported) as zf:
        names = zf.namelist()
        assert names[0] == "project.qde"
        assert len([n for n in names if n.startswith("sources/") and n.endswith(".txt")]) == len(study.corpus)
        assert all(i.date_time == fixed_zip_time() for i in zf.infolist())  # 1980-01-01 or SOURCE_DATE_EPOCH
        qde = zf.read("project.qde").decode("utf-8")
    assert 'plainTextPath="internal://' in qde
    assert ("creationDateTime" in qde) == bool(os.environ.get("SOURCE_DATE_EPOCH"))  # never the clock


def test_export_validates_against_the_xsd(exported, schema):
    with zipfile.ZipFile(exported) as zf:
        errors = list(schema.iter_errors(zf.read("project.qde").decode("utf-8")))
    assert errors == []


def test_two_exports_are_byte_identical(study, groups, exported, tmp_path):
    again = export_qdpx(study, tmp_path / "again.qdpx", groups=groups, memos=[
        {"id": "memo-1", "name": "Memo bij R01", "text": "Let op: € en ë blijven.", "document": "R01"},
        {"id": "memo-2", "text": "Definitie aangescherpt.", "code": "effects.trust"},
        {"id": "memo-3", "text": "Projectnotitie."}])
    assert again.read_bytes() == exported.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_source_date_epoch_sets_timestamps_not_the_clock(study, tmp_path, monkeypatch, schema):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1688169600")  # 2023-07-01
    a = export_qdpx(study, tmp_path / "a.qdpx", groups=None)
    b = export_qdpx(study, tmp_path / "b.qdpx", groups=None)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        assert zf.infolist()[0].date_time == (2023, 7, 1, 0, 0, 0)
        qde = zf.read("project.qde").decode()
    assert 'creationDateTime="2023-07-01T00:00:00Z"' in qde
    assert list(schema.iter_errors(qde)) == []


def test_streamed_project_is_laid_out_as_elementtree_would(exported):
    # project.qde is written element by element; parsing it and serialising
    # the whole tree with ElementTree must give the same bytes back
    from xml.etree import ElementTree as ET

    from altena_qca.refi.export import _serialise

    with zipfile.ZipFile(exported) as zf:
        qde = zf.read("project.qde")
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    root = ET.fromstring(qde)
    for el in root.iter():  # back to the unqualified tags under a default xmlns the writer uses
        el.tag = el.tag.split("}", 1)[-1]
    root.attrib = {"xmlns": "urn:QDA-XML:project:1.0", "xmlns:xsi": xsi,
                   **{k.replace("{%s}" % xsi, "xsi:"): v for k, v in root.attrib.items()}}  # noqa: UP031
    assert len(root.find("Sources")) == 14 and next(root.iter("PlainTextSelection")) is not None
    assert _serialise(root) == qde


def test_guids_do_not_churn_when_a_coding_is_added(study, tmp_path):
    from altena_qca.model import make_codings
    from altena_qca.study import Study

    def guids(path):
        with zipfile.ZipFile(path) as zf:
            qde = zf.read("project.qde").decode()
        import re
        return set(re.findall(r'guid="([^"]+)"', qde))

    a = guids(export_qdpx(study, tmp_path / "a.qdpx", groups=None))
    extra = make_codings(list(study.codings.to_dict("records"))
                         + [{"document": "R01", "start": 0, "end": 9, "code": "intro", "coder": "test"}])
    b = guids(export_qdpx(Study(study.corpus, study.codebook, extra), tmp_path / "b.qdpx", groups=None))
    assert a < b and len(b - a) == 3  # one user, one selection, one coding


# -- round trip --------------------------------------------------------------

def test_round_trip_documents(study, back):
    assert {d.id: (d.text, d.kind, d.respondent) for d in study.corpus} == \
           {d.id: (d.text, d.kind, d.respondent) for d in back.corpus}
    seg = lambda d: [(s.speaker, s.part, s.start, s.end) for s in d.segments]  # noqa: E731
    assert all(seg(d) == seg(back.corpus.documents[d.id]) for d in study.corpus)


def test_round_trip_codes(study, back):
    fields = ("id", "label_nl", "label_en", "parent", "kind", "definition", "indicators", "examples", "rules")
    assert [tuple(getattr(c, f) for f in fields) for c in study.codebook] == \
           [tuple(getattr(c, f) for f in fields) for c in back.codebook]
    assert back.codebook.analysis == study.codebook.analysis
    assert back.codebook.meta == study.codebook.meta


def test_round_trip_codings(study, back):
    cols = ["document", "start", "end", "code", "coder"]
    assert back.codings[cols].equals(study.codings[cols])
    assert set(back.codings["origin"]) == {"imported"}
    assert back.counts["codings"] == len(study.codings)


def test_round_trip_cases_sets_memos(study, groups, back):
    assert back.corpus.respondents == study.corpus.respondents
    assert {k: (v["sources"], v["codes"]) for k, v in back.sets.items()} == \
           {k: (v["sources"], v["codes"]) for k, v in project_sets(study.corpus, groups).items()}
    assert {"intern", "extern"} <= set(back.sets) and sum(k.startswith("Groep ") for k in back.sets) == 4
    placed = groups[groups["group"].notna()]
    got = back.groups.set_index("respondent")["group"]
    assert {r: int(g) for r, g in zip(placed["respondent"], placed["group"])} == \
           {r: int(got[r]) for r in placed["respondent"]}
    memos = back.memos.set_index("id")
    assert memos.loc["memo-1", "text"] == "Let op: € en ë blijven." and memos.loc["memo-1", "document"] == "R01"
    assert memos.loc["memo-2", "code"] == "effects.trust"
    assert back.warnings == []


def test_round_trip_through_a_study_folder(study, exported, tmp_path):
    from altena_qca import load_study
    out = tmp_path / "imported"
    project = import_qdpx_to_folder(exported, out)
    assert project.warnings == []
    with pytest.warns(UserWarning):  # pseudonymisation off: the texts are already as exported
        again = load_study(out, pseudonymise=False)
    assert {d.id: d.text for d in again.corpus} == {d.id: d.text for d in study.corpus}
    cols = ["document", "start", "end", "code", "coder"]
    assert again.codings[cols].equals(study.codings[cols])
    assert again.corpus.respondents == study.corpus.respondents
    seg = lambda d: [(s.speaker, s.part, s.start, s.end) for s in d.segments]  # noqa: E731
    assert all(seg(d) == seg(again.corpus.documents[d.id]) for d in study.corpus)
    assert {"cases.csv", "sets.csv", "memos.csv", "IMPORT.txt"} <= {p.name for p in out.iterdir()}


def test_qdc_export_and_import(study, tmp_path, schema):
    path = export_qdc(study.codebook, tmp_path / "altena.qdc")
    data = path.read_bytes()
    assert f'<CodeBook xmlns="{NS_CODEBOOK}"'.encode() in data
    # The codebook schema is not at hand; its Code type is the project schema's, so
    # the codes must validate inside a minimal project.
    body = data.decode().split("<Codes>", 1)[1].rsplit("</Codes>", 1)[0]
    project = f'<Project xmlns="{NS_PROJECT}" name="qdc"><CodeBook><Codes>{body}</Codes></CodeBook></Project>'
    assert list(schema.iter_errors(project)) == []
    codebook, warnings = import_qdc(path)
    assert warnings == []
    assert [(c.id, c.parent, c.label_nl, c.kind) for c in codebook] == \
           [(c.id, c.parent, c.label_nl, c.kind) for c in study.codebook]


def test_pipeline_stage_writes_the_project(study, tmp_path):
    from altena_qca.pipeline import STAGES
    assert dict(STAGES)["qdpx"](study, tmp_path).files == [tmp_path / "altena-qca.qdpx"]
    assert import_qdpx(tmp_path / "altena-qca.qdpx").counts["codings"] == len(study.codings)


# -- real files from other tools ---------------------------------------------

@needs(NVIVO)
def test_nvivo_sample_imports_with_warnings(tmp_path):
    p = import_qdpx(NVIVO)
    assert p.origin == "NVivo for Mac 15.0.0"
    assert (p.counts["codes"], p.counts["sources"], p.counts["selections"], p.counts["codings"]) == (262, 2, 0, 0)
    assert (len(p.codebook), len(p.corpus), len(p.codings), len(p.users)) == (262, 2, 0, 2)
    text = "\n".join(p.warnings)
    for expected in ("not RFC 4122", "has no text", "not referenced by the project: sources/.root",
                     "source name(s) are GUIDs"):
        assert expected in text
    # the same code name under several parents gets ids by path
    assert {"rq1_definition.competencies.programming", "rq1_definition.framings.cs_as_programming.programming"} \
        <= set(p.codebook.codes)
    out = import_qdpx_to_folder(NVIVO, tmp_path / "nvivo")
    assert "not written" in "\n".join(out.warnings)
    assert (tmp_path / "nvivo" / "codebook.yaml").exists()


@needs(QC)
def test_qualitative_coding_sample_imports_with_its_counts(tmp_path):
    p = import_qdpx(QC)
    assert (p.counts["codes"], p.counts["sources"], p.counts["selections"], p.counts["codings"]) == (262, 2, 158, 205)
    assert (len(p.codebook), len(p.corpus), len(p.codings)) == (262, 2, 205)
    assert sum(1 for w in p.warnings if "is not an internal:// path" in w) == 2
    board = p.corpus.documents["board_2017"].text
    first = p.codings.iloc[0]
    assert (first["start"], first["end"]) == (320, 400)
    assert board[320:400].startswith("This district goal is engage every student")
    assert all(0 <= s < e <= len(p.corpus.documents[d].text) for d, s, e in
               zip(p.codings["document"], p.codings["start"], p.codings["end"]))
    code = p.codebook["rq3_process.identity.self_categorization"]  # ids: slugs of the names by path
    assert (code.label_nl, code.parent) == ("self-categorization", "rq3_process.identity")
    from altena_qca import load_study
    import_qdpx_to_folder(QC, tmp_path / "qc")
    with pytest.warns(UserWarning):
        s = load_study(tmp_path / "qc", pseudonymise=False)
    assert len(s.codings) == 205 and len(s.codebook) == 262


# -- positions: code points, CRLF, non-ASCII, paths ----------------------------

def _project(sources: str, codes: str = "", extra: str = "", users: str = "") -> str:
    codes = codes or f'<Code guid="{G(1)}" name="Vertrouwen" isCodable="true"/>'
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS_PROJECT}" name="t">{users}'
            f'<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>{sources}</Sources>{extra}</Project>')


def _archive_bytes(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def _write(tmp_path: Path, members: dict, name: str = "in.qdpx") -> Path:
    path = tmp_path / name
    path.write_bytes(_archive_bytes(members))
    return path


def _selection(start: int, end: int, name: str = "", code: int = 1, guid: int = 100) -> str:
    return (f'<PlainTextSelection guid="{G(guid)}" name="{name}" startPosition="{start}" endPosition="{end}">'
            f'<Coding guid="{G(guid + 1)}"><CodeRef targetGUID="{G(code)}"/></Coding></PlainTextSelection>')


def test_crlf_and_non_ascii_do_not_shift_spans(tmp_path):
    text = "I: Hoe is dat voor Zoë?\r\nR: Het 😀 vertrouwen is weg, echt waar.\r\n"
    quote = "vertrouwen is weg"
    start = text.index(quote)  # code points, CRLF counted as two
    src = (f'<TextSource guid="{G(10)}" name="R1" plainTextPath="internal://{G(10)}.txt">'
           f'{_selection(start, start + len(quote), quote)}</TextSource>')
    p = import_qdpx(_write(tmp_path, {"project.qde": _project(src), f"sources/{G(10)}.txt": text}))
    doc = p.corpus.documents["R1"]
    row = p.codings.iloc[0]
    assert doc.text == text and doc.text[row["start"]:row["end"]] == quote
    assert not [w for w in p.warnings if "elsewhere" in w]
    # a writer that counted UTF-16 units (the emoji as two) is caught by the quote check
    shifted = src.replace(f'startPosition="{start}" endPosition="{start + len(quote)}"',
                          f'startPosition="{start + 1}" endPosition="{start + 1 + len(quote)}"')
    p = import_qdpx(_write(tmp_path, {"project.qde": _project(shifted), f"sources/{G(10)}.txt": text}, "s.qdpx"))
    assert [w for w in p.warnings if "elsewhere" in w]


@pytest.mark.parametrize("plain", ["a.txt", "dir/a.txt", "C:\\Users\\x\\a.txt", "/home/x/a.txt",
                                   "file:///home/x/a.txt", "../elders/a.txt"])
def test_non_conformant_paths_resolve_inside_the_archive_only(tmp_path, plain):
    src = f'<TextSource guid="{G(10)}" name="A" plainTextPath="{plain}">{_selection(0, 4)}</TextSource>'
    members = {"project.qde": _project(src), "sources/a.txt": "Tekst in het archief."}
    if plain == "dir/a.txt":
        members["sources/dir/a.txt"] = "Tekst in het archief."
    p = import_qdpx(_write(tmp_path, members))
    assert p.corpus.documents["A"].text == "Tekst in het archief."
    assert any("is not an internal:// path" in w for w in p.warnings)


def test_rich_text_only_source_is_read_from_docx(tmp_path):
    import docx
    d = docx.Document()
    d.add_paragraph("I: Wat is uw functie?")
    d.add_paragraph("R: Ik ben consulent.")
    buf = io.BytesIO()
    d.save(buf)
    src = f'<TextSource guid="{G(10)}" name="R1" richTextPath="internal://{G(10)}.docx">{_selection(3, 21)}</TextSource>'
    p = import_qdpx(_write(tmp_path, {"project.qde": _project(src), f"sources/{G(10)}.docx": buf.getvalue()}))
    assert p.corpus.documents["R1"].text == "I: Wat is uw functie?\nR: Ik ben consulent."
    assert any("only rich text" in w for w in p.warnings)
    # with a .txt beside the .docx, the .txt wins
    p = import_qdpx(_write(tmp_path, {"project.qde": _project(src), f"sources/{G(10)}.docx": buf.getvalue(),
                                      f"sources/{G(10)}.txt": "I: Eigen platte tekst van de tool."}, "b.qdpx"))
    assert p.corpus.documents["R1"].text == "I: Eigen platte tekst van de tool."


def test_unmappable_parts_are_reported_not_dropped(tmp_path):
    src = (f'<TextSource guid="{G(10)}" name="A" plainTextPath="internal://a.txt">'
           f'<PlainTextSelection guid="{G(20)}" startPosition="0" endPosition="4"/>'
           f'{_selection(2, 2, guid=30)}</TextSource>'
           f'<PDFSource guid="{G(11)}" name="scan.pdf" path="internal://scan.pdf"/>')
    extra = (f'<Cases><Case guid="{G(40)}" name="Piet"><SourceRef targetGUID="{G(10)}"/></Case></Cases>'
             f'<Links><Link guid="{G(50)}" originGUID="{G(1)}" targetGUID="{G(10)}"/></Links>')
    p = import_qdpx(_write(tmp_path, {"project.qde": _project(src, extra=extra), "sources/a.txt": "Een tekst."}))
    text = "\n".join(p.warnings)
    for expected in ("PDFSource", "carry no coding", "empty selection", "no 'side' variable", "link(s)"):
        assert expected in text, expected
    assert list(p.cases["case"]) == ["Piet"] and not p.corpus.respondents


def test_foreign_cases_variables_sets_and_encodings(tmp_path):
    from altena_qca import load_study
    var = (f'<Variables><Variable guid="{G(41)}" name="Kant" typeOfVariable="Text"/>'
           f'<Variable guid="{G(42)}" name="Functie" typeOfVariable="Text"/></Variables>')
    case = (f'<Cases><Case guid="{G(40)}" name="Wijkteam 1">'
            f'<VariableValue><VariableRef targetGUID="{G(41)}"/><TextValue>Extern</TextValue></VariableValue>'
            f'<VariableValue><VariableRef targetGUID="{G(42)}"/><TextValue>Wmo-consulent</TextValue></VariableValue>'
            f'<SourceRef targetGUID="{G(10)}"/></Case></Cases>')
    srcs = (f'<TextSource guid="{G(10)}" name="interview 1" plainTextPath="internal://a.txt">{_selection(0, 7)}'
            f'<Coding guid="{G(15)}"><CodeRef targetGUID="{G(1)}"/></Coding><NoteRef targetGUID="{G(70)}"/>'
            f'</TextSource>'
            f'<TextSource guid="{G(11)}" name="oud" plainTextPath="internal://b.txt">{_selection(0, 5, guid=200)}'
            f'</TextSource>')
    extra = (f'<Notes><Note guid="{G(70)}" name="Memo" plainTextPath="internal://n.txt">{_selection(0, 4, guid=300)}'
             f'</Note></Notes>'
             f'<Sets><Set guid="{G(60)}" name="Wijkteams"><MemberSource targetGUID="{G(10)}"/>'
             f'<MemberCode targetGUID="{G(1)}"/><MemberSource targetGUID="{G(99)}"/></Set></Sets>')
    xml = _project(srcs, extra=extra).replace("<Sources>", var + case + "<Sources>")
    members = {"project.qde": xml, "sources/a.txt": "\ufeffWijkteam zegt: het gaat goed.\r\n\r\nEinde.",
               "sources/b.txt": "Caf\xe9 en r\xe9gie".encode("cp1252"), "sources/n.txt": "Memotekst."}
    p = import_qdpx(_write(tmp_path, members))
    r = p.corpus.respondents["Wijkteam_1"]
    assert (r.side, r.function, r.label) == ("extern", "Wmo-consulent", "Wmo-consulent")
    assert p.corpus.documents["interview_1"].respondent == "Wijkteam_1"
    assert p.corpus.documents["interview_1"].text.startswith("Wijkteam zegt")  # BOM removed, reported
    assert p.corpus.documents["oud"].text == "Café en régie"
    assert p.sets["Wijkteams"]["sources"] == ["interview_1"] and p.sets["Wijkteams"]["codes"] == ["vertrouwen"]
    assert p.memos.loc[0, "text"] == "Memotekst." and p.memos.loc[0, "document"] == "interview_1"
    text = "\n".join(p.warnings)
    for expected in ("byte-order mark", "cp1252", "whole source", "set member(s)", "note's own text"):
        assert expected in text, expected
    # as a study folder: the respondent's document becomes its transcript, re-mapped and loadable
    out = import_qdpx_to_folder(_write(tmp_path, members, "again.qdpx"), tmp_path / "study")
    assert any("'Respondent:'" in w for w in out.warnings)
    with pytest.warns(UserWarning):
        s = load_study(tmp_path / "study", pseudonymise=False)
    assert list(s.corpus.documents) == ["Wijkteam_1", "oud"]
    quotes = {(row.document, s.corpus.documents[row.document].text[row.start:row.end]) for row in s.codings.itertuples()}
    assert ("Wijkteam_1", "Wijktea") in quotes and ("oud", "Café ") in quotes


# -- hostile archives: clear E400, nothing written -----------------------------

def _billion_laughs() -> str:
    ents = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))  # noqa: UP031
    return f'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY l0 "ha">{ents}]><Project name="&l9;"/>'


def _hostile(case: str, tmp_path: Path) -> Path:
    ok_src = f'<TextSource guid="{G(10)}" name="A" plainTextPath="internal://a.txt">{{sel}}</TextSource>'
    text = {"sources/a.txt": "Een korte tekst."}
    if case == "zip-slip":
        return _write(tmp_path, {"project.qde": _project(ok_src.format(sel="")), "../../evil.txt": "x", **text})
    if case == "zip-slip-absolute":
        return _write(tmp_path, {"project.qde": _project(ok_src.format(sel="")), "/etc/evil.txt": "x", **text})
    if case == "zip-slip-symlink":
        path = tmp_path / "in.qdpx"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("project.qde", _project(ok_src.format(sel="")))
            info = zipfile.ZipInfo("sources/a.txt")
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
        return path
    if case == "zip-slip-internal-path":
        src = ok_src.replace("internal://a.txt", "internal://../../../etc/passwd").format(sel="")
        return _write(tmp_path, {"project.qde": _project(src), **text})
    if case == "zip-bomb-ratio":
        return _write(tmp_path, {"project.qde": _project(ok_src.format(sel="")), "sources/a.txt": b"\0" * (20 << 20)})
    if case == "billion-laughs":
        return _write(tmp_path, {"project.qde": _billion_laughs(), **text})
    if case == "external-entity":
        xml = ('<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               f'<Project xmlns="{NS_PROJECT}" name="&x;"/>')
        return _write(tmp_path, {"project.qde": xml, **text})
    if case == "invalid-guid":
        codes = '<Code guid="not-a-guid" name="X" isCodable="true"/>'
        return _write(tmp_path, {"project.qde": _project(ok_src.format(sel=""), codes=codes), **text})
    if case == "duplicate-guid":
        codes = f'<Code guid="{G(1)}" name="X" isCodable="true"/><Code guid="{G(1)}" name="Y" isCodable="true"/>'
        return _write(tmp_path, {"project.qde": _project(ok_src.format(sel=""), codes=codes), **text})
    if case == "selection-outside-text":
        return _write(tmp_path, {"project.qde": _project(ok_src.format(sel=_selection(5, 500))), **text})
    if case == "unknown-code":
        return _write(tmp_path, {"project.qde": _project(ok_src.format(sel=_selection(0, 4, code=99))), **text})
    if case == "not-a-zip":
        path = tmp_path / "in.qdpx"
        path.write_bytes(b"%PDF-1.4 not a project")
        return path
    raise AssertionError(case)


HOSTILE = {
    "zip-slip": "zip-slip", "zip-slip-absolute": "absolute path", "zip-slip-symlink": "symbolic link",
    "zip-slip-internal-path": "escapes the sources folder", "zip-bomb-ratio": "zip bomb",
    "billion-laughs": "entity expansion", "external-entity": "external entit", "invalid-guid": "invalid GUID",
    "duplicate-guid": "duplicate GUID", "selection-outside-text": "outside its text",
    "unknown-code": "unknown code", "not-a-zip": "not a readable zip",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_archive_is_refused_and_nothing_is_written(case, tmp_path):
    archive = _hostile(case, tmp_path)
    out = tmp_path / "out"
    with pytest.raises(InputError) as err:
        import_qdpx_to_folder(archive, out)
    message = str(err.value)
    assert message.startswith("[E400]") and archive.name in message and HOSTILE[case] in message
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [archive.name]


def test_absurd_unpacked_size_is_refused(tmp_path, monkeypatch):
    archive = _write(tmp_path, {"project.qde": _project(""), "sources/a.txt": "x" * 5000})
    monkeypatch.setattr(_archive, "MAX_TOTAL_BYTES", 4096)
    with pytest.raises(InputError, match=r"\[E400\].*unpacks to .*zip bomb"):
        import_qdpx_to_folder(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_non_empty_output_folder_is_refused(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    archive = _write(tmp_path, {"project.qde": _project("")})
    with pytest.raises(InputError, match="not empty"):
        import_qdpx_to_folder(archive, tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]


# -- fuzzing: the reader raises InputError or succeeds, nothing else -----------

_SMALL = _archive_bytes({
    "project.qde": _project(f'<TextSource guid="{G(10)}" name="A" plainTextPath="internal://a.txt">'
                            f'{_selection(0, 3, "Een")}</TextSource>',
                            users=f'<Users><User guid="{G(2)}" name="u"/></Users>'),
    "sources/a.txt": "Een korte tekst.\r\nZoë.",
})


def _import_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.qdpx"
        path.write_bytes(data)
        try:
            import_qdpx(path)
        except InputError:
            pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_SMALL) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_fuzz_mutated_archive_bytes(mutations):
    data = bytearray(_SMALL)
    for index, value in mutations:
        data[index] = value
    _import_bytes(bytes(data))


_ODD = st.sampled_from([G(1), G(10), G(999), "{" + G(1) + "}", "bad", ""])  # clashing, unknown, invalid


def _mostly(usual, rare=_ODD):
    """``usual``, but one time in twenty ``rare``."""
    return st.integers(0, 19).flatmap(lambda k: rare if k == 13 else usual)


_GUIDS = _mostly(st.integers(10**4, 10**8).map(G))  # an element's own GUID: mostly fresh
_REFS = _mostly(st.sampled_from([G(1), G(2), G(3)]))  # a code reference: mostly known
_INTS = _mostly(st.integers(0, 12).map(str), st.one_of(st.integers(-5, 40).map(str), st.sampled_from(
    ["", "x", "1e3", " 3 ", "99999999999999999999"])))
_NAMES = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="<&\""), max_size=12)
_PATHS = st.sampled_from(["internal://a.txt"] * 6 + ["a.txt", "../a.txt", "internal://../a.txt", "", "C:\\a.txt",
                                                     "internal://b.docx", "file:///a.txt", "internal://missing.txt"])


@st.composite
def _projects(draw):
    sels = "".join(
        f'<PlainTextSelection guid="{draw(_GUIDS)}" name="{draw(_NAMES)}" startPosition="{draw(_INTS)}" '
        f'endPosition="{draw(_INTS)}"><Coding guid="{draw(_GUIDS)}" creatingUser="{draw(_REFS)}">'
        f'<CodeRef targetGUID="{draw(_REFS)}"/></Coding></PlainTextSelection>'
        for _ in range(draw(st.integers(0, 3))))
    codes = "".join(f'<Code guid="{draw(_mostly(st.just(G(i))))}" name="{draw(_NAMES)}" isCodable="true">'
                    f'<Description>{draw(_NAMES)}</Description></Code>' for i in range(1, draw(st.integers(2, 4))))
    src = f'<TextSource guid="{draw(_GUIDS)}" name="{draw(_NAMES)}" plainTextPath="{draw(_PATHS)}">{sels}</TextSource>'
    extra = draw(st.sampled_from([
        "", f'<Cases><Case guid="{G(40)}" name="c"><VariableValue><VariableRef targetGUID="{G(41)}"/>'
            f'<TextValue>intern</TextValue></VariableValue><SourceRef targetGUID="{G(10)}"/></Case></Cases>',
        f'<Sets><Set guid="{G(60)}" name="s"><MemberSource targetGUID="{G(10)}"/></Set></Sets>',
        f'<Notes><Note guid="{G(70)}" name="n" plainTextPath="{draw(_PATHS)}"/></Notes>']))
    xml = _project(src, codes=codes or " ", extra=extra)
    if draw(st.integers(0, 19)) == 13:  # now and then, cut the XML somewhere
        xml = xml[:draw(st.integers(0, len(xml)))]
    text = draw(st.text(min_size=8, max_size=30)) + draw(st.sampled_from(["", "\r\n", "\ufeff", "😀"]))
    data = draw(_mostly(st.just(text.encode("utf-8", "surrogatepass")), st.sampled_from([b"\xff\xfe\x00\x81", b""])))
    return {"project.qde": xml, "sources/a.txt": data}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_projects())
def test_fuzz_random_projects(members):
    _import_bytes(_archive_bytes(members))


# -- command line and docs -----------------------------------------------------

def test_cli_export_import_and_qdc(tmp_path):
    from altena_qca.cli import cli
    runner = CliRunner()
    res = runner.invoke(cli, ["export-qdpx", "--data", str(DATA), "--no-pseudonymise",
                              "--out", str(tmp_path / "a.qdpx")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["import-qdpx", str(tmp_path / "a.qdpx"), "--out", str(tmp_path / "study")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "study" / "respondents.csv").exists()
    res = runner.invoke(cli, ["export-qdc", "--out", str(tmp_path / "a.qdc")])
    assert res.exit_code == 0 and (tmp_path / "a.qdc").exists()
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(_archive_bytes({"project.qde": _billion_laughs()}))
    res = runner.invoke(cli, ["import-qdpx", str(bad), "--out", str(tmp_path / "bad")])
    assert res.exit_code == 2 and "[E400]" in res.output and not (tmp_path / "bad").exists()


def test_docstring_examples():
    from altena_qca.refi import _codes, _common, export, folder, qdc, reader
    for module in (refi, _common, _codes, export, reader, folder, qdc):
        failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert failed == 0, module.__name__


# -- other tools' ways: unique names for QualCoder, QualCoder-style projects (issue 13) ---------

def test_export_names_every_code_uniquely_and_keeps_the_codebook_label(exported, study):
    from xml.etree import ElementTree as ET
    with zipfile.ZipFile(exported) as zf:
        root = ET.fromstring(zf.read("project.qde"))
    ns = {"p": NS_PROJECT}
    codes = root.findall(".//p:Code", ns)
    names = [c.get("name") for c in codes]
    assert len(codes) == len(study.codebook) and len({n.casefold() for n in names}) == len(names)
    # a tool that looks codes up by name (QualCoder, qualitative-coding) now finds one code per name:
    by_name = {c.get("name"): c.get("guid") for c in codes}
    coded = [r.get("targetGUID") for r in root.iter(f"{{{NS_PROJECT}}}CodeRef")]
    assert len(set(coded)) == study.codings["code"].nunique() and set(coded) <= set(by_name.values())
    repeated = [c for c in study.codebook if sum(o.label_nl == c.label_nl for o in study.codebook) > 1]
    assert {c.label_nl for c in repeated} >= {"Positief", "Negatief", "Neutraal"}
    for code in repeated:
        el = next(c for c in codes if c.get("guid") == _common.guid("code", code.id))
        assert el.get("name").startswith(code.label_nl + " (")
        assert el.find("p:Description", ns).text.startswith(f"Label in het codeboek: {code.label_nl}")
    users = {u.get("guid") for u in root.iter(f"{{{NS_PROJECT}}}User")}
    selections = list(root.iter(f"{{{NS_PROJECT}}}PlainTextSelection"))
    assert selections and all(s.get("creatingUser") in users for s in selections)
    assert all(c.get("creatingUser") == s.get("creatingUser") for s in selections
               for c in s.findall("p:Coding", ns))


def _qualcoder_project(tmp_path, variables: dict[str, dict[str, str]], name="qualcoder.qdpx") -> Path:
    """A project as QualCoder writes it: cases without SourceRef, attributes as variables on the sources,
    the coder on the selection (creatingUser), selections with no name."""
    texts = {"interview_anna": "I: Hoe werkt u samen met de wijkteams?\nR: Er is weinig vertrouwen.\n",
             "interview_bert": "I: Wat merkt u van de wet?\nR: Korte lijntjes, veel overleg.\n",
             "interview_carla": "I: En de privacy?\nR: Daar maken we ons zorgen over.\n"}
    var_names = sorted({k for v in variables.values() for k in v})
    var_guid = {v: G(500 + i) for i, v in enumerate(var_names)}
    parts = [f'<Variable guid="{var_guid[v]}" name="{v}" typeOfVariable="Text"/>' for v in var_names]
    sources, members, k = [], {}, 0
    for i, (doc, text) in enumerate(texts.items()):
        sguid = G(100 + 10 * i)
        quote = text.split("R: ")[1].strip()
        start = text.index(quote)
        values = "".join(f'<VariableValue><VariableRef targetGUID="{var_guid[v]}"/><TextValue>{val}</TextValue>'
                         f'</VariableValue>' for v, val in sorted(variables.get(doc, {}).items()))
        sources.append(f'<TextSource guid="{sguid}" name="{doc}.txt" plainTextPath="internal://{sguid}.txt" '
                       f'creatingUser="{G(900)}"><PlainTextSelection guid="{G(101 + 10 * i)}" name="" '
                       f'startPosition="{start}" endPosition="{start + len(quote)}" creatingUser="{G(900)}">'
                       f'<Coding guid="{G(102 + 10 * i)}"><CodeRef targetGUID="{G(1)}"/></Coding>'
                       f'</PlainTextSelection>{values}</TextSource>')
        members[f"sources/{sguid}.txt"] = text
        k += 1
    cases = (f'<Cases><Case guid="{G(800)}" name="respondenten"/></Cases>')
    project = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS_PROJECT}" name="qc" origin="QualCoder 3.5">'
               f'<Users><User guid="{G(900)}" name="marieke"/></Users>'
               f'<CodeBook><Codes><Code guid="{G(1)}" name="Samenwerking" isCodable="true"/></Codes></CodeBook>'
               f'<Variables>{"".join(parts)}</Variables>{cases}<Sources>{"".join(sources)}</Sources></Project>')
    return _write(tmp_path, {"project.qde": project, **members}, name)


def test_qualcoder_style_project_gets_one_respondent_per_source(tmp_path):
    from altena_qca import load_study
    variables = {"interview_anna": {"functie": "Wijkverpleegkundige", "kant": "extern", "organisatie": "Zorg"},
                 "interview_bert": {"functie": "Beleidsmedewerker", "kant": "intern"},
                 "interview_carla": {"functie": "Huisarts", "kant": "extern", "leeftijd": "52"}}
    path = _qualcoder_project(tmp_path, variables)
    p = import_qdpx(path)
    assert sorted(p.corpus.respondents) == ["interview_anna", "interview_bert", "interview_carla"]
    anna = p.corpus.respondents["interview_anna"]
    assert (anna.function, anna.label, anna.side, anna.organisation) == \
           ("Wijkverpleegkundige", "Wijkverpleegkundige", "extern", "Zorg")
    assert all(d.respondent == d.id for d in p.corpus)
    assert set(p.codings["coder"]) == {"marieke"}  # read from the selection's creatingUser
    assert p.cases.set_index("case").loc["interview_carla", "leeftijd"] == "52"  # every variable kept
    assert any("QualCoder" in w and "3 respondent(s) made" in w for w in p.warnings)
    out = import_qdpx_to_folder(path, tmp_path / "study")
    with pytest.warns(UserWarning):
        s = load_study(tmp_path / "study", pseudonymise=False)
    assert sorted(s.corpus.respondents) == sorted(p.corpus.respondents) and len(s.codings) == 3
    assert out.counts["codings"] == 3 and not [w for w in out.warnings if "0 respondents" in w]


def test_qualcoder_sources_without_a_side_become_respondents_of_unknown_side(tmp_path):
    from altena_qca import load_study
    variables = {"interview_anna": {"functie": "Wijkverpleegkundige"}, "interview_bert": {"functie": "Beleid"},
                 "interview_carla": {"functie": "Huisarts", "kant": "extern"}}
    path = _qualcoder_project(tmp_path, variables)
    p = import_qdpx(path)
    assert {r.id: r.side for r in p.corpus.respondents.values()} == {
        "interview_anna": "", "interview_bert": "", "interview_carla": "extern"}
    assert any("2 without an intern/extern 'side'" in w for w in p.warnings)
    import_qdpx_to_folder(path, tmp_path / "study")
    with pytest.warns(UserWarning):
        s = load_study(tmp_path / "study", pseudonymise=False)
    assert len(s.corpus.respondents) == 3 and len(s.codings) == 3


def test_an_import_without_respondents_or_codings_says_what_is_missing(tmp_path):
    p = import_qdpx(_qualcoder_project(tmp_path, {}))  # no variables anywhere, cases name no source
    text = "\n".join(p.warnings)
    assert not p.corpus.respondents and "0 respondents" in text and "'side'" in text
    src = f'<TextSource guid="{G(10)}" name="R1" plainTextPath="internal://{G(10)}.txt"/>'
    p = import_qdpx(_write(tmp_path, {"project.qde": _project(src), f"sources/{G(10)}.txt": "R: Tekst."}, "b.qdpx"))
    assert any("0 codings" in w for w in p.warnings)


def test_nvivo_quirks_without_the_sample(tmp_path):
    """What the NVivo 15 sample (not vendored: no licence) shows, rebuilt by hand so a fresh clone tests it:
    GUIDs that are not RFC 4122, sources named by their GUID, one of them without text, a stray
    ``sources/.root`` member, and one code name under two parents."""
    odd = "{:08x}-0000-0000-0000-000000000000".format  # matches the schema's pattern, variant not RFC 4122
    codes = (f'<Code guid="{odd(1)}" name="rq1" isCodable="true"><Code guid="{odd(2)}" name="programming" '
             f'isCodable="true"/></Code><Code guid="{odd(3)}" name="framings" isCodable="true">'
             f'<Code guid="{odd(4)}" name="programming" isCodable="true"/></Code>')
    src = "".join(f'<TextSource guid="{odd(10 + i)}" name="{odd(10 + i)}" plainTextPath="internal://{odd(10 + i)}.txt"/>'
                  for i in range(2))
    members = {"project.qde": _project(src, codes), f"sources/{odd(10)}.txt": "R: Een tekst met inhoud.",
               f"sources/{odd(11)}.txt": "", "sources/.root": ""}
    p = import_qdpx(_write(tmp_path, members))
    text = "\n".join(p.warnings)
    for expected in ("not RFC 4122", "has no text", "not referenced by the project: sources/.root",
                     "source name(s) are GUIDs"):
        assert expected in text
    assert {"rq1.programming", "framings.programming"} <= set(p.codebook.codes)
    out = import_qdpx_to_folder(_write(tmp_path, members, "again.qdpx"), tmp_path / "nvivo")
    assert "not written" in "\n".join(out.warnings) and (tmp_path / "nvivo" / "codebook.yaml").exists()


def test_qualitative_coding_dialect_without_the_sample(tmp_path):
    """What the qualitative-coding sample (not vendored) shows, rebuilt by hand so a fresh clone tests it:
    source paths that are bare file names (not ``internal://``), a user that codes, code names with a
    hyphen three levels deep, several codings on one selection and codings whose spans the quote check
    confirms; imported as a study folder that loads with the same counts."""
    board = "This district goal is to engage every student. We met twice.\nThe board agreed on the plan."
    admin = "Admin notes: the plan was late. Teachers were not asked."
    codes = (f'<Code guid="{G(1)}" name="rq3_process" isCodable="true"><Code guid="{G(2)}" name="identity" '
             f'isCodable="true"><Code guid="{G(3)}" name="self-categorization" isCodable="true"/></Code></Code>'
             f'<Code guid="{G(4)}" name="rq1_definition" isCodable="true"/>')
    user = f'<Users><User name="cp" guid="{G(90)}"/></Users>'

    def sel(text: str, quote: str, guid: int, *code_numbers: int) -> str:
        start = text.index(quote)
        codings = "".join(f'<Coding guid="{G(guid + 1 + i)}" creatingUser="{G(90)}"><CodeRef targetGUID="{G(c)}"/>'
                          f'</Coding>' for i, c in enumerate(code_numbers))
        return (f'<PlainTextSelection guid="{G(guid)}" name="{quote}" startPosition="{start}" '
                f'endPosition="{start + len(quote)}" creatingUser="{G(90)}">{codings}</PlainTextSelection>')

    src = (f'<TextSource guid="{G(10)}" name="board_2017" plainTextPath="board_2017.txt">'
           f'{sel(board, "engage every student", 100, 3, 4)}{sel(board, "The board agreed", 110, 2)}</TextSource>'
           f'<TextSource guid="{G(11)}" name="admin-1" plainTextPath="admin-1.txt">'
           f'{sel(admin, "Teachers were not asked", 120, 3)}</TextSource>')
    members = {"project.qde": _project(src, codes, users=user).replace(' name="t"', ' origin="qc 1.3.2" name="qc"'),
               "sources/board_2017.txt": board, "sources/admin-1.txt": admin}
    p = import_qdpx(_write(tmp_path, members))
    assert p.origin == "qc 1.3.2"
    assert (p.counts["codes"], p.counts["sources"], p.counts["selections"], p.counts["codings"]) == (4, 2, 3, 4)
    assert sum(1 for w in p.warnings if "is not an internal:// path" in w) == 2
    assert not [w for w in p.warnings if "elsewhere" in w]            # every span is where its quote is
    code = p.codebook["rq3_process.identity.self_categorization"]   # ids: slugs of the names by path
    assert (code.label_nl, code.parent) == ("self-categorization", "rq3_process.identity")
    rows = p.codings.sort_values(["document", "start", "code"]).reset_index(drop=True)
    assert set(rows["coder"]) == {"cp"}
    assert [p.corpus.documents[d].text[s:e] for d, s, e in zip(rows["document"], rows["start"], rows["end"])] == \
        ["Teachers were not asked", "engage every student", "engage every student", "The board agreed"]
    from altena_qca import load_study
    import_qdpx_to_folder(_write(tmp_path, members, "again.qdpx"), tmp_path / "qc")
    with pytest.warns(UserWarning):
        s = load_study(tmp_path / "qc", pseudonymise=False)
    assert len(s.codings) == 4 and len(s.codebook) == 4
