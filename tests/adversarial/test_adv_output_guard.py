"""The output guard (issue 14): personal data planted in every form reaches no output.

A copy of the bundled study gets, in one transcript, every written form of
the Dutch identifiers (BSN with spaces and dots, licence plates of several
sidecodes, IBAN in groups, postcode, phone numbers, e-mail, KvK and AGB
numbers) and names hidden by Unicode (zero-width characters, soft hyphen,
fullwidth letters, combining accents, Cyrillic look-alikes) or shortened by
an organisation word ('Carlos Rivas', 'Truus Mee'); names in an observation's
file name (also in lower case with '_'), in a respondent's id = transcript
file name and in respondents.csv free text; a formula ``=HYPERLINK(...)`` as
a respondent's label and ``=1+2`` as a codebook label.

Then the whole pipeline runs on it: ``altena-qca run`` (tables, workbook,
figures, Word report, network files, .qdpx) and the four notebooks (01-03
on the planted study, 04 on its own study with a name in it), and every
file written is scanned -- names and contents, inside .xlsx/.docx/.qdpx
zips, PNG text chunks, the notebooks' displayed outputs. Expected outcome:
nothing planted is found, in any written form; no table cell is a live
formula.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import re
import shutil
import zipfile

import docx
import pytest
from _notebooks import NOTEBOOKS, write_kernel_spec
from click.testing import CliRunner
from conftest import DATA

from altena_qca._cells import neutralise
from altena_qca.cli import cli
from altena_qca.privacy import find_leaks
from altena_qca.privacy.identifiers import bsn_valid, iban_valid
from altena_qca.privacy.leaks import output_texts
from altena_qca.privacy.textview import normalised_view

pytestmark = pytest.mark.slow

# -- what is planted --------------------------------------------------------------------------
#: written form -> the characters that must not appear (letters and digits, lower case)
IDENTIFIERS = {
    "2639 18 476": "263918476", "716.205.932": "716205932", "482-073-160": "482073160",  # BSN (11-proef)
    "NL82 RABO 0318 4729 56": "nl82rabo0318472956", "NL52INGB0007395140": "nl52ingb0007395140",  # IBAN
    "12-GHJ-3": "12ghj3", "GH-123-J": "gh123j", "1-KLN-23": "1kln23", "VX-12-LN": "vx12ln",  # kenteken
    "4286 KL": "4286kl",  # postcode
    "06-12345678": "0612345678", "+31 6 2468 1357": "31624681357",  # phone
    "g.kuipers@voorbeeld.nl": "gkuipers@voorbeeldnl",  # e-mail
    "KvK-nummer 6543 2109": "65432109", "AGB-code 0312 3456": "03123456",
}
#: names as planted in the text -> words of them that must not appear
HIDDEN_NAMES = {
    "P\u200diet Hoogen\u200cdoorn": ["hoogendoorn"],  # zero-width joiner, non-joiner
    "\uff37\uff49\uff4c\uff4c\uff45\uff4d \uff33\uff43\uff48\uff4f\uff4c\uff54\uff45\uff4e": ["scholten"],  # fullwidth
    "Anne\u00admarie Vis\u00adser": ["annemarie", "visser"],  # soft hyphens
    "Bram De\u200bkker": ["dekker"],  # zero-width space
    "Jose\u0301 Garci\u0301a": ["garcía"],  # combining accents
    "\u0408\u043er\u0456s \u0412r\u043eu\u0435r": ["joris", "brouer"],  # Cyrillic Je, o, i, Ve, ie
    "Carlos Rivas": ["carlos"],  # 'Rivas' is also an organisation
    "Truus Mee": ["truus"],  # 'MEE' is an organisation
}
FUNCTION_NAME = "Sanne Verbeek"  # in respondents.csv free text
OBSERVATIONS = {"Overleg met Jan Pietersen.txt": ["pietersen"], "overleg_met_fenna_kramer.txt": ["fenna", "kramer"]}
RENAMED = ("R13", "R13_Femke_Hendriks")  # a respondent id = transcript file name with a name
FORMULA_LABEL = '=HYPERLINK("http://example.invalid","klik")'
FORMULA_CODE_LABEL = "=1+2"
#: notebook 04 writes its own study; its transcript names this person
NOTEBOOK_04_NAMES = ["marieke"]

WORDS = sorted({w for ws in HIDDEN_NAMES.values() for w in ws} | {w for ws in OBSERVATIONS.values() for w in ws}
               | {"verbeek", "femke", "hendriks"})
NAMES = ["Piet Hoogendoorn", "Willem Scholten", "Annemarie Visser", "Bram Dekker", "José García",
         "Joris Brouer", "Carlos Rivas", "Truus Mee", "Sanne Verbeek", "Jan Pietersen", "Fenna Kramer",
         "Femke Hendriks", "Marieke van Dongen"]


def test_the_planted_identifiers_are_valid():
    """The guard plants real identifiers: a BSN passes the 11-proef, an IBAN mod-97."""
    assert all(bsn_valid(t) for t in ("263918476", "716205932", "482073160"))
    assert iban_valid("NL82RABO0318472956") and iban_valid("NL52INGB0007395140")


def _planted_study(folder):
    shutil.copytree(DATA, folder)
    path = folder / "transcripts" / "R09.docx"
    d = docx.Document(str(path))
    forms = list(IDENTIFIERS)
    for chunk in (forms[:5], forms[5:10], forms[10:], list(HIDDEN_NAMES)[:4], list(HIDDEN_NAMES)[4:]):
        d.add_paragraph("I: Welke gegevens kwamen er in dat overleg op tafel?")
        d.add_paragraph("R: Ik noemde " + ", ".join(chunk) + ", en daarna ging het weer over de samenwerking.")
    d.save(str(path))
    rows = (folder / "respondents.csv").read_text(encoding="utf-8").splitlines()
    out = []
    for row in rows:
        if row.startswith("R04,"):
            row = row.replace("Mentor bij Smo Breda,", f'"Mentor bij Smo Breda (contact: {FUNCTION_NAME})",', 1)
        if row.startswith("R05,"):
            cells = next(csv.reader([row]))
            cells[2] = FORMULA_LABEL
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow(cells)
            row = buf.getvalue()
        if row.startswith(RENAMED[0] + ","):
            row = RENAMED[1] + row[len(RENAMED[0]):]
        out.append(row)
    (folder / "respondents.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    assert FUNCTION_NAME in (folder / "respondents.csv").read_text(encoding="utf-8")
    (folder / "transcripts" / "R13.docx").rename(folder / "transcripts" / f"{RENAMED[1]}.docx")
    codings = (folder / "codings.csv").read_text(encoding="utf-8")
    (folder / "codings.csv").write_text(re.sub(r"^R13,", f"{RENAMED[1]},", codings, flags=re.M), encoding="utf-8")
    for name in OBSERVATIONS:
        (folder / "observations" / name).write_text(
            "O: Het overleg met de wijkagent ging over het delen van gegevens, en over "
            + ", ".join(HIDDEN_NAMES) + ".\n", encoding="utf-8")
    from altena_qca.resources import DEFAULT_CODEBOOK
    codebook = DEFAULT_CODEBOOK.read_text(encoding="utf-8")
    first = re.compile(r"^(\s+label_nl:)\s*(.+)$", flags=re.M).search(codebook, codebook.index("\ncodes:"))
    (folder / "codebook.yaml").write_text(
        codebook[:first.start()] + f"{first.group(1)} '{FORMULA_CODE_LABEL}'" + codebook[first.end():], encoding="utf-8")
    return folder


# -- the runs ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """The planted study, the output of ``run`` and of the four notebooks (folders to scan)."""
    root = tmp_path_factory.mktemp("guard")
    study = _planted_study(root / "study")
    out = root / "run"
    res = CliRunner().invoke(cli, ["run", "--data", str(study), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return study, out, res.output


@pytest.fixture(scope="module")
def notebook_outputs(guarded, tmp_path_factory):
    """Each notebook executed (01-03 on the planted study): its displayed outputs and the files it wrote."""
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from _notebooks import run_notebook

    study, _, _ = guarded
    root = tmp_path_factory.mktemp("notebooks")
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PATH", str(write_kernel_spec(root / "jupyter")))
    results = {}
    try:
        for path in NOTEBOOKS:
            written = root / path.stem / "written"  # the notebook's tempfile folder
            shown = root / path.stem / "shown"
            written.mkdir(parents=True)
            shown.mkdir()
            before = (f"import functools, tempfile\ntempfile.tempdir = {str(written)!r}\nimport altena_qca\n"
                      f"_loads = []\n_real_load_study = altena_qca.load_study\n\n"
                      f"@functools.wraps(_real_load_study)\n"
                      f"def _planted_load_study(data_dir={str(study)!r}, *args, **kwargs):\n"
                      f"    _loads.append(str(data_dir))\n"
                      f"    return _real_load_study(data_dir, *args, **kwargs)\n\n"
                      f"altena_qca.load_study = _planted_load_study")
            nb = run_notebook(path, root, before=before, after="print('LOADS', _loads)")
            for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
                for j, output in enumerate(cell.get("outputs", [])):
                    _save_output(output, shown / f"cell{i:02d}-{j}")
            loads = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
            results[path.stem] = (written, shown, loads)
    finally:
        mp.undo()
    return results


def _save_output(output, stem):
    """A displayed output as files: text as .txt, images as .png (their metadata is scanned)."""
    texts = [output.get("text", ""), output.get("ename", ""), output.get("evalue", "")]
    for mime, value in (output.get("data") or {}).items():
        if mime == "image/png":
            stem.with_suffix(".png").write_bytes(base64.b64decode(value))
        else:
            texts.append(value if isinstance(value, str) else "".join(value))
    stem.with_suffix(".txt").write_text("\n".join(t if isinstance(t, str) else "".join(t) for t in texts),
                                        encoding="utf-8")


# -- the scan ---------------------------------------------------------------------------------

def _flat(text: str) -> str:
    """Letters, digits and '@' of ``text`` as a reader reads it, lower case (separators dropped)."""
    return re.sub(r"[\s.\-_/+\u00a0\u2009\u202f]+", "", normalised_view(text).text).casefold()


def _planted_in(paths, extra_words=()) -> list[str]:
    """Every planted identifier or name word found in ``paths`` (strict: any separators, any case)."""
    tokens = sorted(set(IDENTIFIERS.values()) | set(WORDS) | set(extra_words))
    found = []
    for where, text in output_texts(paths):
        variants = {text, html.unescape(re.sub(r"<[^>]*>", "", text))}  # Word splits words over runs
        flats = [_flat(v) for v in variants]
        found += [f"{where}: {t}" for t in tokens if any(t in f for f in flats)]
    found += [f"{where}: {term}" for where, term in find_leaks(list(paths), NAMES)]
    return found


def test_the_scan_finds_every_planted_form_where_it_is(guarded):
    # the scan is only worth something if it sees each form as planted (in the input study)
    study, _, _ = guarded
    flat = _flat("\n".join(t for _, t in output_texts([study / "transcripts" / "R09.docx"])))
    assert [t for t in IDENTIFIERS.values() if t not in flat] == []
    assert [w for n, ws in HIDDEN_NAMES.items() for w in ws if w not in flat] == []
    assert _planted_in([study / "observations"]) and _planted_in([study / "respondents.csv"])


def test_run_writes_nothing_planted(guarded):
    _, out, _ = guarded
    written = sorted(p for p in out.rglob("*") if p.is_file())
    suffixes = {p.suffix for p in written}
    assert {".csv", ".xlsx", ".docx", ".png", ".svg", ".graphml", ".gexf", ".qdpx"} <= suffixes, suffixes
    assert _planted_in([out]) == []


def test_the_run_says_what_it_renamed(guarded):
    _, _, output = guarded
    assert output.count("[W501]") == 3 and "[W502]" in output, output  # two observations, one respondent id
    assert not any(w in output.casefold() for w in WORDS), output  # the warnings show no name


def test_notebooks_ran_on_the_planted_study(guarded, notebook_outputs):
    study, _, _ = guarded
    for name, (_, _, loads) in notebook_outputs.items():
        if name != "04_own_study":
            assert str(study) in loads, (name, loads)


def test_notebooks_show_and_write_nothing_planted(notebook_outputs):
    leaks = []
    for name, (written, shown, _) in notebook_outputs.items():
        assert any(shown.iterdir()), name
        # notebook 04 makes its own study folder (its input, with the name in it): only what it wrote from it
        own = [p for p in written.rglob("*") if p.is_file() and not (name == "04_own_study" and _is_input(p))]
        leaks += _planted_in([shown, *own], NOTEBOOK_04_NAMES)
    assert leaks == []


def _is_input(path) -> bool:
    """A file of notebook 04's own study folder (its transcripts, respondents, codings, settings)."""
    parts = path.parts
    return "heusden" in parts and "out" not in parts[parts.index("heusden"):]


def test_no_table_cell_is_a_live_formula(guarded):
    import openpyxl

    _, out, _ = guarded
    planted = {"csv": set(), "xlsx": set()}
    for path in out.rglob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:
                assert neutralise(cell) == cell or cell.startswith("'"), (path, cell)  # OWASP: "'" in front
                assert neutralise(cell) == cell or not cell.lstrip(" ").startswith(("=", "+", "-", "@")), (path, cell)
                planted["csv"] |= {f for f in (FORMULA_LABEL, FORMULA_CODE_LABEL) if cell == "'" + f}
    for path in out.rglob("*.xlsx"):
        with zipfile.ZipFile(path) as z:
            for member in z.namelist():
                if member.startswith("xl/worksheets/"):
                    xml = z.read(member).decode("utf-8")
                    assert "<f>" not in xml and "<f " not in xml, (path, member)
        for ws in openpyxl.load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "@")):
                        assert cell.data_type == "s", (path, ws.title, cell.coordinate, cell.value)
                        planted["xlsx"] |= {cell.value} & {FORMULA_LABEL, FORMULA_CODE_LABEL}
    # both planted formulas reached both kinds of table -- as text
    assert planted == {"csv": {FORMULA_LABEL, FORMULA_CODE_LABEL}, "xlsx": {FORMULA_LABEL, FORMULA_CODE_LABEL}}
