"""`altena-qca run` writes the analysis tables byte-identically; the analysis commands work."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from altena_qca.cli import cli
from altena_qca.pipeline import run

ANALYSIS_TABLES = [
    "groups", "effects_today", "effects_wams", "effects_evidence", "effects_respondents",
    "code_document", "code_document_by_group", "code_document_by_side", "code_document_shares",
    "cooccurrence_segment", "cooccurrence_document",
    "cooccurrence_trust", "cooccurrence_relations", "cooccurrence_coordination", "cooccurrence_decisions",
    "cooccurrence_goals",
]


@pytest.fixture(scope="module")
def two_runs(study, tmp_path_factory):
    one, two = tmp_path_factory.mktemp("one"), tmp_path_factory.mktemp("two")
    return one, run(study, one), two, run(study, two)


def test_run_writes_the_analysis_tables_as_byte_identical_csv(two_runs):
    one, first, two, second = two_runs
    names = [p.relative_to(one) for p in first]
    assert names == [p.relative_to(two) for p in second]
    for table in ANALYSIS_TABLES:
        assert (one / "tables" / f"{table}.csv").exists(), table
    csvs = [n for n in names if n.suffix == ".csv"]
    assert len(csvs) >= len(ANALYSIS_TABLES)
    for name in csvs:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_run_writes_a_byte_identical_workbook(two_runs):
    one, first, two, _ = two_runs
    for name in (p.relative_to(one) for p in first if p.suffix == ".xlsx"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


@pytest.mark.parametrize("args, first_column", [
    (["effects", "--when", "wams"], "section"),
    (["effects", "--evidence"], "section"),
    (["frequencies", "--by", "side", "--values", "column"], "code"),
    (["cooccurrence", "--level", "document", "--group", "1", "--part", "3"], "code1"),
])
def test_analysis_commands_print_csv(args, first_column):
    result = CliRunner().invoke(cli, [*args, "--no-pseudonymise"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table.columns[0] == first_column and len(table) > 0


def test_groups_command_writes_a_file(tmp_path):
    out = tmp_path / "groups.csv"
    result = CliRunner().invoke(cli, ["groups", "--no-pseudonymise", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == 13


def test_unknown_group_is_a_one_line_error():
    result = CliRunner().invoke(cli, ["cooccurrence", "--no-pseudonymise", "--group", "6"])
    assert result.exit_code == 2
    assert "E210" in result.stderr and "no typology group 6" in result.stderr
