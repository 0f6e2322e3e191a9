"""The auto-coding commands: code (study and free passages), review, evaluate, agreement."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from altena_qca.cli import cli

DATA = Path(__file__).resolve().parents[1] / "altena_qca" / "resources" / "studies" / "altena"

PASSAGES = [
    {"id": "p1", "text": "Er is geen vertrouwen meer tussen de professionals."},
    {"id": "p2", "text": ""},
    {"id": 3, "text": "De korte lijntjes met de wijkverpleegkundige helpen, en de AVG is duidelijk."},
]


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("code")
    out = tmp / "suggestions.csv"
    result = CliRunner().invoke(cli, ["code", "--input", str(_jsonl(tmp / "passages.jsonl", PASSAGES)),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    return pd.read_csv(out, dtype={"id": str}, keep_default_na=False)


def test_passages_interface_writes_exactly_the_agreed_columns(coded):
    assert list(coded.columns) == ["id", "code_id", "confidence", "start", "end", "rule"]
    assert coded["confidence"].between(0, 1).all() and (coded["start"] < coded["end"]).all()


def test_passages_are_coded_with_explained_spans_and_empty_ones_get_nothing(coded):
    texts = {str(p["id"]): p["text"] for p in PASSAGES}
    assert set(coded["id"]) == {"p1", "3"}
    p1 = coded[coded["id"] == "p1"].set_index("code_id")
    assert p1.loc["effects.trust.today.negative", "rule"].startswith("negated:lemma:vertrouwen")
    row = p1.loc["effects.trust.today.negative"]
    assert texts["p1"][row["start"]:row["end"]] == "geen vertrouwen"
    p3 = set(coded.loc[coded["id"] == "3", "code_id"])
    assert {"boundaries.legal"} <= p3 and p3 & {"effects.relations", "effects.relations.today.positive"}
    for r in coded.itertuples():
        assert 0 <= r.start < r.end <= len(texts[r.id])


def test_bad_passages_file_fails_with_the_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "ok"}\n{"text": "no id"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["code", "--input", str(bad), "--out", str(tmp_path / "s.csv")])
    assert result.exit_code == 2 and "[E125]" in result.output and "line 2" in result.output
    result = CliRunner().invoke(cli, ["code", "--input", str(bad)])
    assert result.exit_code == 2 and "--out is required" in result.output


def test_code_review_import_round_trip_on_the_study(tmp_path):
    runner = CliRunner()
    sugg, review, merged = tmp_path / "s.csv", tmp_path / "review.csv", tmp_path / "codings.csv"
    result = runner.invoke(cli, ["code", "--method", "rules", "--out", str(sugg)])
    assert result.exit_code == 0, result.output
    auto = pd.read_csv(sugg)
    assert set(auto["origin"]) == {"auto"} and len(auto) > 100
    assert runner.invoke(cli, ["review", "export", "--suggestions", str(sugg), "--out", str(review)]).exit_code == 0
    table = pd.read_csv(review, dtype=str, keep_default_na=False)
    table.loc[:1, "decision"] = "accept"
    table.to_csv(review, index=False)
    result = runner.invoke(cli, ["review", "import", str(review), "--reviewer", "student-a", "--out", str(merged)])
    assert result.exit_code == 0, result.output
    out = pd.read_csv(merged)
    original = pd.read_csv(DATA / "codings.csv")
    assert (out["coder"] == "student-a").sum() == 2 and (out["coder"] == "thesis").sum() == len(original)
    # the written file is a valid codings.csv of the study: it loads again
    from altena_qca import load_study
    study_dir = tmp_path / "study"
    shutil.copytree(DATA, study_dir)
    shutil.copy(merged, study_dir / "codings.csv")
    assert (load_study(study_dir).codings["coder"] == "student-a").sum() == 2


def test_evaluate_against_a_gold_jsonl_per_label(tmp_path):
    gold = _jsonl(tmp_path / "gold.jsonl", [
        {"id": "a", "text": "Er is geen vertrouwen meer.", "labels": ["trust"]},
        {"id": "b", "text": "Volgens de AVG mag dat niet.", "labels": ["legal_boundary"]},
        {"id": "c", "text": "Het regent.", "labels": []},
    ])
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold), "--labels", "--method", "rules"])
    assert result.exit_code == 0, result.output
    lines = {line.split(",")[0]: line for line in result.output.splitlines()}
    assert lines["trust"].split(",")[1:4] == ["1", "1", "1"]          # support, predicted, tp
    assert lines["legal_boundary"].split(",")[1:4] == ["1", "1", "1"]
    assert lines["micro"].split(",")[-1] == "1.0000"


def test_agreement_of_a_codings_file_with_itself(tmp_path):
    out = tmp_path / "agreement.csv"
    result = CliRunner().invoke(cli, ["agreement", "--a", str(DATA / "codings.csv"), "--b",
                                      str(DATA / "codings.csv"), "--effects", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out).set_index("code")
    assert table.loc["overall", "kappa"] == 1.0 and table.loc["overall", "alpha"] == 1.0
    assert "effects.trust.today.negative" in table.index
