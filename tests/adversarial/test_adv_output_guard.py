"""The output guard (issue 14): every identifier form, hidden names, a name in
an observation's file name and in respondents.csv, and spreadsheet formulas in
labels are planted in a new study; the whole `run` writes none of them, and
no cell of any table is a live formula.

(The notebooks are not run here; see the final report of issue 14.)
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from altena_qca.cli import cli
from altena_qca.privacy.textview import is_invisible

pytestmark = pytest.mark.slow

IDENTIFIERS = ["1234 56 782", "123.456.782", "NL91 ABNA 0417 1643 00", "NL91ABNA0417164300", "12-ABC-3",
               "AB-123-C", "4286 AB", "KvK-nummer 1234 5678", "AGB-code 12345678"]
HIDDEN = ["P\u200diet de V\u200cries", "\uff2a\uff41\uff4e \uff2a\uff41\uff4e\uff53\uff45\uff4e",
          "Jan\u00adsen", "Carlos Rivas"]
FORMULA = '=HYPERLINK("http://example.invalid","klik")'
RESPONDENTS = (
    "id,function,label,side,interview_date,organisation\n"
    "R01,Beleidsmedewerker sociaal domein,beleidsmedewerker,intern,5 maart 2024,Gemeente Heusden\n"
    f"R02,\"Mentor (contact: Sanne Verbeek)\",\"{FORMULA.replace(chr(34), chr(34) * 2)}\",extern,07-03-2024,Politie\n"
)
R01 = """\
I: Wat is uw huidige functie?
R: Ik ben beleidsmedewerker bij de gemeente. Ik werk veel samen met het wijkteam en de GGZ, en het vertrouwen is goed.
I: Welke gegevens deelt u?
R: {planted}
I: Wat verwacht u van de Wams?
R: Ik verwacht dat de Wams helpt bij het delen van gegevens, maar privacy blijft belangrijk.
"""
R02 = """\
Interviewer: Wat is uw huidige functie?
Respondent: Ik ben mentor en werk met jongeren. We delen te weinig met de gemeente.
Interviewer: Wat verwacht u van de Wams?
Respondent: Ik denk dat de Wams weinig verandert.
"""
#: words that must appear nowhere in the output (contents or file names)
PLANTED_WORDS = ["Pietersen", "Verbeek", "Vries", "Jansen", "Carlos"]  # Rivas is also an organisation (gazetteer)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", "".join(c for c in text if not is_invisible(c)))
    return re.sub(r"[\W_]+", "", text).casefold()


def _outputs(out: Path):
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        yield f"{path.relative_to(out)} (name)", path.name
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for member in z.namelist():
                    yield f"{path.name}!{member}", z.read(member).decode("utf-8", "replace")
        else:
            yield str(path.relative_to(out)), path.read_bytes().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def run_output(tmp_path_factory):
    root = tmp_path_factory.mktemp("guard")
    folder = root / "study"
    res = CliRunner().invoke(cli, ["init", str(folder), "--title", "Privacy-proef", "--municipality", "Heusden"])
    assert res.exit_code == 0, res.output
    (folder / "respondents.csv").write_text(RESPONDENTS, encoding="utf-8")
    planted = "Ik noem " + ", ".join(IDENTIFIERS + HIDDEN) + "."
    (folder / "transcripts" / "R01.txt").write_text(R01.format(planted=planted), encoding="utf-8")
    (folder / "transcripts" / "R02.txt").write_text(R02, encoding="utf-8")
    (folder / "observations").mkdir(exist_ok=True)
    (folder / "observations" / "Overleg met Jan Pietersen.txt").write_text(
        "O: Het overleg met de wijkagent ging over het delen van gegevens.\n", encoding="utf-8")
    out = root / "out"
    res = CliRunner().invoke(cli, ["run", "--data", str(folder), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out, res.output


def test_no_planted_identifier_name_or_file_name_reaches_any_output(run_output):
    out, _ = run_output
    plain_ids = [_plain(x.split(" ", 1)[1] if x.startswith(("KvK", "AGB")) else x) for x in IDENTIFIERS]
    plain_names = [_plain(n) for n in HIDDEN if n != "Carlos Rivas"] + [w.casefold() for w in PLANTED_WORDS]
    leaks = []
    for where, text in _outputs(out):
        flat = _plain(text)
        leaks += [f"{where}: {x}" for x in plain_ids + plain_names if x and x in flat]
    assert leaks == []


def test_no_table_cell_is_a_live_formula(run_output):
    out, _ = run_output
    for path in out.rglob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            assert not any(cell.lstrip(" ").startswith(("=", "@")) for cell in row), (path, row)
    for path in out.glob("*.xlsx"):
        with zipfile.ZipFile(path) as z:
            for member in z.namelist():
                if member.startswith("xl/worksheets/"):
                    assert "<f>" not in z.read(member).decode("utf-8"), (path, member)


def test_the_run_says_what_it_renamed(run_output):
    _, output = run_output
    assert "W501" in output and "W502" in output
