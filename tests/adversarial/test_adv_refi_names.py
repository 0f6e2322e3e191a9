"""Names in the names of an imported REFI-QDA project's sources and cases (issue 14).

A .qdpx from another tool names its sources and cases after people ('R01 Jan
Jansen', 'Piet de Vries'); the import turns them into file names and ids
('R01_Jan_Jansen'). Expected outcome: *tagged* with a *warning* (W501/W502):
no output of ``run`` -- tables, workbook, the exported ``.qdpx`` with its
``name=`` attributes -- holds the name, by any of the three routes a source
takes (a case's document, a QualCoder-style source with its own variables,
a source without case = an observation).
"""
from __future__ import annotations

import io
import re
import uuid
import zipfile
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from altena_qca.cli import cli
from altena_qca.privacy import find_leaks
from altena_qca.refi import import_qdpx_to_folder
from altena_qca.refi._common import NS_PROJECT

pytestmark = pytest.mark.slow

NAMES = ["Jan Jansen", "Jansen", "Piet de Vries", "Vries", "Sanne Verbeek", "Verbeek", "Truus", "Karel Bakker",
         "Bakker"]
TEXT = "I: Wat is uw functie?\nR: Ik ben {what}. Het vertrouwen in de samenwerking is goed.\n"


def G(n: int) -> str:
    return str(uuid.UUID(int=n))


def _source(n: int, name: str, text: str, variables: str = "") -> str:
    start = text.index("vertrouwen")
    return (f'<TextSource guid="{G(n)}" name="{name}" plainTextPath="internal://{G(n)}.txt">'
            f'<PlainTextSelection guid="{G(n + 100)}" name="vertrouwen" startPosition="{start}" '
            f'endPosition="{start + 10}"><Coding guid="{G(n + 200)}"><CodeRef targetGUID="{G(1)}"/></Coding>'
            f'</PlainTextSelection>{variables}</TextSource>')


def _side(value: str) -> str:
    return (f'<VariableValue><VariableRef targetGUID="{G(2)}"/><TextValue>{value}</TextValue></VariableValue>')


def _qdpx(path, sources: list[tuple[int, str, str, str]], cases: str = "") -> None:
    body = "".join(_source(n, name, TEXT.format(what=what), variables) for n, name, what, variables in sources)
    project = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS_PROJECT}" name="Samenwerking">'
               f'<CodeBook><Codes><Code guid="{G(1)}" name="Vertrouwen" isCodable="true"/></Codes></CodeBook>'
               f'<Variables><Variable guid="{G(2)}" name="side" typeOfVariable="Text"/></Variables>'
               f'{cases}<Sources>{body}</Sources></Project>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("project.qde", project)
        for n, _, what, _ in sources:
            z.writestr(f"sources/{G(n)}.txt", TEXT.format(what=what))
    path.write_bytes(buf.getvalue())


def _case(n: int, name: str, side: str, source: int) -> str:
    return f'<Case guid="{G(n)}" name="{name}">{_side(side)}<SourceRef targetGUID="{G(source)}"/></Case>'


ROUTES = {
    # a case named after a person, its source named after another; a source without case
    "cases": ([(10, "Interview Truus Mee.txt", "mentor", ""), (11, "R02", "wijkagent", ""),
               (12, "Overleg met Sanne Verbeek", "notulist", "")],
              "<Cases>" + _case(50, "Piet de Vries", "extern", 10) + _case(51, "R02", "intern", 11) + "</Cases>"),
    # QualCoder: no cases, each source carries its variables and becomes a respondent
    "source variables": ([(10, "R01 Jan Jansen", "mentor", _side("extern")),
                          (11, "interview_karel_bakker.docx", "wijkagent", _side("intern"))], ""),
}


@pytest.fixture(scope="module", params=sorted(ROUTES))
def imported_run(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("refi")
    sources, cases = ROUTES[request.param]
    _qdpx(root / "in.qdpx", sources, cases)
    import_qdpx_to_folder(root / "in.qdpx", root / "study")
    out = root / "out"
    res = CliRunner().invoke(cli, ["run", "--data", str(root / "study"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return request.param, out, res.output


def test_the_import_really_carries_the_names_into_the_study_folder(imported_run, tmp_path):
    # the input side holds the names (it is the researcher's data): the test plants what it means to
    route, out, _ = imported_run
    study = out.parent / "study"
    assert find_leaks([study / "transcripts"], NAMES) or find_leaks([study / "observations"], NAMES)


def test_no_source_or_case_name_reaches_any_output(imported_run):
    route, out, output = imported_run
    assert "[W501]" in output, output
    assert not any(n in output for n in ("Jansen", "Vries", "Verbeek", "Bakker")), output
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert any(p.suffix == ".qdpx" for p in written) and any(p.suffix == ".xlsx" for p in written)
    assert find_leaks(written, NAMES) == []


def test_exported_qdpx_names_hold_no_person(imported_run):
    _, out, _ = imported_run
    qdpx = next(out.glob("*.qdpx"))
    with zipfile.ZipFile(qdpx) as z:
        root = ET.fromstring(z.read("project.qde"))
    names = {el.tag.split("}")[1]: [] for el in root.iter()}
    for el in root.iter():
        if "name" in el.attrib:
            names[el.tag.split("}")[1]].append(el.attrib["name"])
    sources = names.get("TextSource", [])
    assert sources and all(not re.search(r"Jansen|Vries|Verbeek|Bakker|Truus", n) for n in sources), sources
    assert all(not re.search(r"Jansen|Vries|Verbeek|Bakker|Truus", n) for ns in names.values() for n in ns), names
