"""`altena-qca run` on studies other than the bundled one."""
from __future__ import annotations

from altena_qca import load_study
from altena_qca.pipeline import run


def test_run_on_a_project_from_another_tool_skips_thesis_stages(tmp_path):
    from test_qdpx import _qualcoder_project  # a QualCoder-style project, made by hand (no shared files)

    from altena_qca.refi import import_qdpx_to_folder

    variables = {"interview_anna": {"functie": "Wijkverpleegkundige", "kant": "extern"},
                 "interview_bert": {"functie": "Beleidsmedewerker", "kant": "intern"},
                 "interview_carla": {"functie": "Huisarts", "kant": "extern"}}
    folder = tmp_path / "imported"
    import_qdpx_to_folder(_qualcoder_project(tmp_path, variables), folder)
    study = load_study(folder)           # pseudonymised; codings checked against their quotes
    assert len(study.codings) == 3
    messages = []
    files = run(study, tmp_path / "out", log=messages.append)
    skipped = [m for m in messages if "skipped" in m]
    assert any(m.startswith("groups: skipped") for m in skipped)
    assert any(m.startswith("report: skipped") for m in skipped)
    names = {p.name for p in files}
    slug = study.config.slug               # output files are named after the study (study.yaml or derived)
    assert slug and "altena" not in slug
    assert {"code_frequencies.csv", "cooccurrence_document.csv", f"{slug}.qdpx", f"{slug}.xlsx"} <= names


def test_run_lists_the_files_stages_write_themselves(study, tmp_path):
    files = run(study, tmp_path)
    names = {p.name for p in files}
    assert {"report.docx", "effecten_per_groep.png", "altena-qca.qdpx", "groups.csv"} <= names
    assert all(p.exists() for p in files)


def test_quotes_of_pseudonymised_codings_are_checked_against_the_originals(tmp_path):
    (tmp_path / "transcripts").mkdir()
    (tmp_path / "respondents.csv").write_text(
        "id,function,label,side\nR01,Wijkverpleegkundige,wijkverpleegkundige,extern\n", encoding="utf-8")
    text = "I: Wat gebeurde er?\nR: Ik belde met Pieternel Jansen over de zorg.\n"
    (tmp_path / "transcripts" / "R01.txt").write_text(text, encoding="utf-8")
    start = text.index("Ik belde")
    quote = "Ik belde met Pieternel Jansen over de zorg."
    (tmp_path / "codings.csv").write_text(
        f"document,start,end,code,text\nR01,{start},{start + len(quote)},problems.none,{quote}\n", encoding="utf-8")
    study = load_study(tmp_path)
    doc = study.corpus.documents["R01"]
    row = study.codings.iloc[0]
    coded = doc.text[row["start"]:row["end"]]
    assert "Jansen" not in coded and coded.startswith("Ik belde met [PERSOON-1]") and coded.endswith("de zorg.")
