"""Typology (thesis 4.2.2): the rule comes from the codebook; conflicts are reported, not guessed."""
from __future__ import annotations

import ast
import importlib
import inspect

import pandas as pd
import pytest
from _analysis_synth import TYPOLOGY, codebook, codings, corpus

from altena_qca import load_codebook
from altena_qca.analysis.typology import assign_groups, typology_groups
from altena_qca.errors import CodebookError

PEOPLE = [("A", "regisseur", "intern"), ("B", "consulent", "extern"), ("C", "verpleegkundige", "extern")]


def _row(table, rid):
    return table.set_index("respondent").loc[rid]


def test_majority_counts_descendants_of_the_group_code():
    cod = codings(("A", 0, 10, "prob.few.slow"), ("A", 20, 30, "prob.few.slow"), ("A", 40, 50, "prob.many"))
    row = _row(assign_groups(corpus(PEOPLE), codebook(), cod), "A")
    assert row["status"] == "placed" and row["group"] == 7
    assert row["group_label"] == "Te weinig"
    assert (row["n_prob.few"], row["n_prob.many"], row["n_prob.none"]) == (2, 1, 0)
    assert row["evidence"] == "majority: prob.few=2, prob.many=1"


def test_conflicting_problem_codes_equally_often_are_ambiguous_not_guessed():
    cod = codings(("B", 0, 10, "prob.few"), ("B", 20, 30, "prob.many"), ("B", 40, 50, "prob.many"),
                  ("B", 60, 70, "prob.few.slow"))
    row = _row(assign_groups(corpus(PEOPLE), codebook(), cod), "B")
    assert row["status"] == "ambiguous"
    assert row["group"] is pd.NA
    assert row["group_label"] is None
    assert "prob.few" in row["evidence"] and "prob.many" in row["evidence"]


def test_respondent_without_group_code_is_unplaced():
    cod = codings(("C", 0, 10, "legal"), ("A", 0, 10, "prob.none"))
    t = assign_groups(corpus(PEOPLE), codebook(), cod)
    assert _row(t, "C")["status"] == "unplaced"
    assert _row(t, "C")["group"] is pd.NA
    assert _row(t, "B")["status"] == "unplaced"  # no codings at all
    assert _row(t, "A")["group"] == 9


def test_precedence_takes_the_first_group_listed_in_the_codebook():
    typ = {"resolve": "precedence", "groups": [TYPOLOGY["groups"][1], TYPOLOGY["groups"][0], TYPOLOGY["groups"][2]]}
    cod = codings(("A", 0, 10, "prob.few"), ("A", 20, 30, "prob.few"), ("A", 40, 50, "prob.many"))
    row = _row(assign_groups(corpus(PEOPLE), codebook(typology=typ), cod), "A")
    assert row["status"] == "placed" and row["group"] == 8  # prob.many is listed first
    assert row["evidence"].startswith("precedence: prob.many")


def test_group_ids_order_and_count_columns_come_from_the_codebook():
    t = assign_groups(corpus(PEOPLE), codebook(), codings(("A", 0, 10, "prob.many")))
    assert [c for c in t.columns if c.startswith("n_")] == ["n_prob.few", "n_prob.many", "n_prob.none"]
    assert typology_groups(codebook())["group"].tolist() == [7, 8, 9]
    assert str(t["group"].dtype) == "Int64"


def test_rows_are_sorted_by_respondent_and_observations_are_ignored():
    people = [PEOPLE[2], PEOPLE[0], PEOPLE[1]]
    cod = codings(("OBS", 0, 10, "prob.many"), ("OBS", 20, 30, "prob.many"), ("C", 0, 10, "prob.few"))
    t = assign_groups(corpus(people, observation=True), codebook(), cod)
    assert t["respondent"].tolist() == ["A", "B", "C"]
    assert t["n_prob.many"].sum() == 0


@pytest.mark.parametrize("typology, message", [
    ({}, "E210"),
    ({"groups": [{"id": 1, "code": "no.such.code"}]}, "E207"),
    ({"resolve": "vote", "groups": TYPOLOGY["groups"]}, "E210"),
    ({"groups": [{"id": 1, "code": "prob.few"}, {"id": 1, "code": "prob.many"}]}, "E210"),
    ({"groups": [{"code": "prob.few"}]}, "E210"),
])
def test_invalid_typology_section_raises(typology, message):
    with pytest.raises(CodebookError, match=message):
        assign_groups(corpus(PEOPLE), codebook(typology=typology), codings(("A", 0, 10, "prob.few")))


def _code_literals(module) -> list[str]:
    """String constants of a module's code, docstrings (with their examples) left out."""
    tree = ast.parse(inspect.getsource(module))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_no_code_id_of_the_thesis_codebook_is_written_in_the_analysis_code():
    ids = {c.id for c in load_codebook()}
    for name in ("typology", "effects", "selection", "cooccurrence"):
        module = importlib.import_module(f"altena_qca.analysis.{name}")
        literals = _code_literals(module)
        assert literals  # the walk found the module's strings
        # (root ids such as "effects" or "wams" are also section names of analysis: only dotted ids count)
        assert not [s for s in literals if (s in ids and "." in s) or s.startswith(("problems.", "effects.", "wams."))]


def test_bundled_study_places_everyone(study):
    t = assign_groups(study.corpus, study.codebook, study.codings)
    assert len(t) == 13 and (t["status"] == "placed").all()
