"""Codebook edits keep every coding: rename, merge, move, split, delete; and the CLI."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from altena_qca import _io
from altena_qca._yamltext import dump_yaml, strip_lines
from altena_qca.cli import cli
from altena_qca.codebook import DEFAULT_CODEBOOK, load_codebook, read_codebook_file, validate_codebook
from altena_qca.codebook_edit import ORPHANED, delete_code, merge_codes, move_code, rename_code
from altena_qca.errors import CodebookError, InputError

ROOT = Path(__file__).resolve().parents[1]
CODINGS = ROOT / "altena_qca" / "resources" / "studies" / "altena" / "codings.csv"

SMALL = """\
# A small codebook.
analysis:
  typology:
    resolve: majority
    groups:
      - {id: 1, code: a.x, label_nl: a.x}
  effects:
    e: {today: {negative: b.x}}
codes:
  # ---- a
  - id: a
    label_nl: A
  - id: a.x       # twin of b.x
    parent: a
    label_nl: AX
    rules:
      negation_flips_to: b.x
  - id: a.y
    parent: a
    label_nl: AY
  # ---- b
  - id: b
    label_nl: B
  - id: b.x
    parent: b
    label_nl: BX
  - id: loose
    parent: b
    label_nl: Not dotted
"""


@pytest.fixture()
def small(tmp_path):
    p = tmp_path / "cb.yaml"
    p.write_text(SMALL, encoding="utf-8")
    codings = pd.DataFrame({"document": ["R01", "R01", "R02", "R02", "R03"], "start": [0, 5, 0, 9, 1],
                            "end": [4, 9, 3, 12, 2], "code": ["a", "a.x", "a.y", "b.x", "loose"],
                            "coder": ["anna", "anna", "piet", "piet", "anna"]})
    return read_codebook_file(p), codings


def _ids(data):
    return [e["id"] for e in data["codes"]]


def _same_rows(before, after):
    assert len(before) == len(after)
    cols = [c for c in before.columns if c != "code"]
    pd.testing.assert_frame_equal(before[cols].reset_index(drop=True), after[cols].reset_index(drop=True))


def test_rename_parent_renames_descendants_references_and_codings(small):
    data, codings = small
    new, out = rename_code(data, codings, "a", "alpha")
    assert _ids(new) == ["alpha", "alpha.x", "alpha.y", "b", "b.x", "loose"]
    assert [e.get("parent") for e in new["codes"]][:3] == [None, "alpha", "alpha"]
    assert new["analysis"]["typology"]["groups"][0]["code"] == "alpha.x"
    assert new["analysis"]["typology"]["groups"][0]["label_nl"] == "a.x"        # labels are text
    assert out["code"].tolist() == ["alpha", "alpha.x", "alpha.y", "b.x", "loose"]
    _same_rows(codings, out)
    assert _ids(data)[0] == "a" and codings["code"][0] == "a"                      # inputs untouched
    assert validate_codebook(new) == []


def test_rename_updates_negation_flips_to_and_analysis_effects(small):
    data, codings = small
    new, _ = rename_code(data, codings, "b.x", "b.z")
    assert new["codes"][1]["rules"]["negation_flips_to"] == "b.z"
    assert new["analysis"]["effects"]["e"]["today"]["negative"] == "b.z"


@pytest.mark.parametrize("new, code", [("a.y", "E214"), ("Bad Id", "E209"), ("b.x", "E214")])
def test_rename_refuses_existing_or_invalid_ids(small, new, code):
    data, codings = small
    with pytest.raises(CodebookError, match=code):
        rename_code(data, codings, "a.x", new)


def test_rename_unknown_code(small):
    with pytest.raises(CodebookError, match="E211.*'nope'"):
        rename_code(*small, "nope", "x")


def test_merge_folds_twin_children_and_moves_the_rest(small):
    data, codings = small
    new, out = merge_codes(data, codings, "a", "b")
    assert _ids(new) == ["b.y", "b", "b.x", "loose"]
    by = {e["id"]: e for e in new["codes"]}
    assert by["b.y"]["parent"] == "b"
    assert out["code"].tolist() == ["b", "b.x", "b.y", "b.x", "loose"]
    assert new["analysis"]["typology"]["groups"][0]["code"] == "b.x"
    _same_rows(codings, out)
    assert validate_codebook(new) == []


def test_merge_into_own_descendant_is_refused(small):
    with pytest.raises(CodebookError, match="E213"):
        merge_codes(*small, "a", "a.x")


def test_move_renames_after_new_parent_unless_keep_id(small):
    data, codings = small
    new, out = move_code(data, codings, "a.y", "b")
    assert "b.y" in _ids(new) and out["code"][2] == "b.y"
    new, out = move_code(data, codings, "a.y", "b", rename=False)
    assert {e["id"]: e.get("parent") for e in new["codes"]}["a.y"] == "b" and out["code"][2] == "a.y"
    new, _ = move_code(data, codings, "loose", "a")                     # not dotted: keeps its id
    assert {e["id"]: e.get("parent") for e in new["codes"]}["loose"] == "a"
    new, _ = move_code(data, codings, "a.y", None)
    assert "y" in _ids(new) and "parent" not in new["codes"][2]


@pytest.mark.parametrize("code, parent", [("a", "a.x"), ("a", "a")])
def test_move_below_itself_is_a_cycle(small, code, parent):
    with pytest.raises(CodebookError, match="E213"):
        move_code(*small, code, parent)


def test_move_onto_an_existing_id_is_refused(small):
    with pytest.raises(CodebookError, match="E214.*b.x"):
        move_code(*small, "a.x", "b")


def test_delete_refused_with_codings_unless_forced(small):
    data, codings = small
    with pytest.raises(CodebookError, match=r"E212.*'a.y' still has 1 coding"):
        delete_code(data, codings, "a.y")
    new, out = delete_code(data, codings, "a.y", force=True)
    assert _ids(new)[-1] == ORPHANED and out["code"][2] == ORPHANED
    new2, out2 = delete_code(new, out, "loose", force=True)               # _orphaned is reused
    assert _ids(new2).count(ORPHANED) == 1 and out2["code"].tolist().count(ORPHANED) == 2
    _same_rows(codings, out2)
    assert validate_codebook(new2) == []


def test_delete_without_codings_and_refusals(small):
    data, codings = small
    none = codings[codings["code"] != "loose"].reset_index(drop=True)
    new, out = delete_code(data, none, "loose")
    assert "loose" not in _ids(new) and ORPHANED not in _ids(new)
    with pytest.raises(CodebookError, match="E210.*code 'a' has 2 code"):
        delete_code(data, codings, "a")                                   # children
    with pytest.raises(CodebookError, match="E210.*used in.*analysis"):
        delete_code(data, codings, "b", force=True)                       # b.x is used by the analysis


def test_edits_refuse_invalid_input(small, tmp_path):
    data, codings = small
    bad = codings.copy()
    bad.loc[3, "code"] = "ghost"
    with pytest.raises(InputError, match="E121.*line 5.*ghost"):
        rename_code(data, bad, "a", "alpha")
    broken = dict(data, codes=data["codes"] + [{"id": "z", "parent": "nope", "label_nl": "Z"}])
    with pytest.raises(CodebookError, match="E202"):
        rename_code(broken, codings, "a", "alpha")


def test_thesis_codebook_rename_keeps_comments_and_layout():
    original = DEFAULT_CODEBOOK.read_text(encoding="utf-8")
    data = read_codebook_file(DEFAULT_CODEBOOK)
    codings = pd.read_csv(CODINGS, dtype=str, keep_default_na=False)
    new, out = rename_code(data, codings, "effects.trust", "effects.vertrouwen")
    text = dump_yaml(new, original)
    assert yaml.safe_load(text) == strip_lines(new)
    comments = lambda t: [ln for ln in t.splitlines() if ln.lstrip().startswith("#")]  # noqa: E731
    assert comments(text) == comments(original)
    assert len(text.splitlines()) == len(original.splitlines())
    assert "effects.trust" not in text and "negation_flips_to: effects.vertrouwen.today.positive" in text
    assert (out["code"] != codings["code"]).sum() == codings["code"].str.startswith("effects.trust").sum() > 0


def test_dump_without_original_or_with_unknown_layout_falls_back_to_a_full_dump(small):
    data, _ = small
    text = dump_yaml(data, None)
    assert yaml.safe_load(text) == strip_lines(data)
    weird = "codes: [{id: a, label_nl: A}]\n"                             # flow list: not patchable
    text = dump_yaml({"codes": [{"id": "b", "label_nl": "A"}]}, weird)
    assert yaml.safe_load(text) == {"codes": [{"id": "b", "label_nl": "A"}]}


# -- the CLI ----------------------------------------------------------------

@pytest.fixture()
def study_dir(tmp_path):
    d = tmp_path / "study"
    d.mkdir()
    shutil.copy(DEFAULT_CODEBOOK, d / "codebook.yaml")
    shutil.copy(CODINGS, d / "codings.csv")
    return d


def _snapshot(d):
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def test_cli_rename_rewrites_codebook_and_codings(study_dir):
    before = pd.read_csv(study_dir / "codings.csv", dtype=str, keep_default_na=False)
    res = CliRunner().invoke(cli, ["codebook", "rename", "effects.trust", "effects.vertrouwen",
                                   "--data", str(study_dir)])
    assert res.exit_code == 0, res.output
    assert "re-coded" in res.output
    after = pd.read_csv(study_dir / "codings.csv", dtype=str, keep_default_na=False)
    _same_rows(before, after)
    assert not after["code"].str.startswith("effects.trust").any()
    cb = load_codebook(study_dir / "codebook.yaml")
    assert "effects.vertrouwen.today.negative" in cb and "effects.trust" not in cb
    assert cb.analysis["effects"]["trust"]["today"]["negative"] == "effects.vertrouwen.today.negative"
    assert sorted(p.name for p in study_dir.iterdir()) == ["codebook.yaml", "codings.csv"]   # no temp files
    # the bundled thesis files are untouched
    assert "effects.trust.role" in CODINGS.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, code", [
    (["delete", "intro.function"], "E212"),
    (["delete", "intro"], "E210"),
    (["rename", "intro", "problems"], "E214"),
    (["rename", "nope", "x"], "E211"),
    (["move", "effects", "effects.trust"], "E213"),
])
def test_cli_refusals_exit_2_and_change_nothing(study_dir, args, code):
    before = _snapshot(study_dir)
    res = CliRunner().invoke(cli, ["codebook", *args, "--data", str(study_dir)])
    assert res.exit_code == 2
    assert res.output.strip().splitlines()[-1].startswith(f"error: [{code}]")
    assert _snapshot(study_dir) == before


def test_cli_delete_force_and_move_and_merge(study_dir):
    run = lambda *a: CliRunner().invoke(cli, ["codebook", *a, "--data", str(study_dir)])  # noqa: E731
    assert run("delete", "intro.function", "--force").exit_code == 0
    assert run("move", "network.islands", "boundaries").exit_code == 0
    assert run("move", "boundaries.islands", "--root", "--keep-id").exit_code == 0
    assert run("merge", "network.say.unequal", "network.relations.hierarchical",
               "network.relations.horizontal").exit_code == 0
    cb = load_codebook(study_dir / "codebook.yaml")
    codings = pd.read_csv(study_dir / "codings.csv", dtype=str, keep_default_na=False)
    assert len(codings) == len(pd.read_csv(CODINGS))
    assert set(codings["code"]) <= set(cb.codes)
    assert (codings["code"] == ORPHANED).sum() == 13 and cb[ORPHANED].parent is None
    assert cb["boundaries.islands"].parent is None
    assert "network.relations.hierarchical" not in cb


def test_cli_second_rename_failing_restores_the_first(study_dir, monkeypatch):
    before = _snapshot(study_dir)
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(Path(dst).name)
        if Path(dst).name == "codings.csv" and str(src).endswith(".tmp"):
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(_io.os, "replace", flaky)
    res = CliRunner().invoke(cli, ["codebook", "rename", "effects.trust", "effects.vertrouwen",
                                   "--data", str(study_dir)])
    assert res.exit_code == 2 and "error: [E210]" in res.output and "nothing changed" in res.output
    assert calls[:2] == ["codebook.yaml", "codings.csv"]                 # the first rename did happen
    assert _snapshot(study_dir) == before                                # ... and was undone


def test_cli_refuses_codings_pointing_at_unknown_codes_naming_the_file(study_dir):
    p = study_dir / "codings.csv"
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    parts = lines[4].split(",", 4)          # document, start, end, code, rest (the text may hold commas)
    parts[3] = "intro.ghost"
    lines[4] = ",".join(parts)
    p.write_text("".join(lines), encoding="utf-8")
    before = _snapshot(study_dir)
    res = CliRunner().invoke(cli, ["codebook", "rename", "intro", "kennismaking", "--data", str(study_dir)])
    assert res.exit_code == 2
    assert f"error: [E121] {p}, line 5: coding points at unknown code 'intro.ghost'" in res.output
    assert _snapshot(study_dir) == before
