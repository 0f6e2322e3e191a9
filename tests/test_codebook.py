"""The codebook: the thesis's tree, and clear errors for broken ones."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from altena_qca.cli import cli
from altena_qca.codebook import DEFAULT_CODEBOOK, load_codebook, read_codebook_file, validate_codebook
from altena_qca.errors import CodebookError


def test_thesis_codebook_is_valid_and_complete():
    cb = load_codebook()
    # Bijlage 4 categories are roots
    assert {"intro", "network", "boundaries", "problems", "effects", "wams", "improvements"} <= set(cb.roots())
    # the four problem codes that define the groups, and the five effects with stances
    assert set(cb.children("problems")) == {"problems.insufficient", "problems.too_easy",
                                            "problems.interpretations", "problems.none"}
    for effect in ("trust", "relations", "coordination", "decisions", "goals"):
        for when, stances in (("today", ("negative", "positive")), ("wams", ("improves", "same"))):
            for s in stances:
                assert f"effects.{effect}.{when}.{s}" in cb
    # the boundaries of 4.2.1
    assert {f"boundaries.{b}" for b in ("legal", "personal", "institutional", "interprofessional")} <= set(cb.codes)
    # inductive codes the findings use
    inductive = {c.id for c in cb if c.kind == "inductive"}
    assert {"network.islands", "effects.coordination.feedback_missing", "wams.other.professional_secrecy",
            "wams.necessity", "boundaries.personal.anonymous_oral"} <= inductive
    assert all(c.label_nl for c in cb)


def _write(tmp_path, body):
    p = tmp_path / "cb.yaml"
    p.write_text(body, encoding="utf-8")
    return p


def test_duplicate_unknown_parent_cycle_and_empty_label_all_reported(tmp_path):
    p = _write(tmp_path, """codes:
- id: a
  label_nl: A
- id: a
  label_nl: A again
- id: b
  parent: nope
  label_nl: B
- id: c
  parent: d
  label_nl: C
- id: d
  parent: c
  label_nl: D
- id: e
  label_nl: "  "
""")
    problems = validate_codebook(read_codebook_file(p), p)
    text = "\n".join(problems)
    assert "[E201]" in text and "line 4" in text and "'a'" in text          # duplicate, with its line
    assert "[E202]" in text and "'nope'" in text                           # unknown parent
    assert "[E203]" in text and "c (line" in text and "d (line" in text    # cycle
    assert "[E204]" in text and "'e'" in text                              # empty label
    with pytest.raises(CodebookError, match="E201"):
        load_codebook(p)


def test_invalid_rules_and_analysis_refs(tmp_path):
    p = _write(tmp_path, """analysis:
  typology:
    groups:
      - {id: 1, code: missing.code}
codes:
- id: a
  label_nl: A
  rules:
    lemmas: [ok, ""]
- id: b
  label_nl: B
  rules:
    colour: red
""")
    text = "\n".join(validate_codebook(read_codebook_file(p), p))
    assert "[E208]" in text and "'a'" in text and "'lemmas'" in text
    assert "unknown rule key" in text and "'b'" in text
    assert "[E207]" in text and "missing.code" in text


def test_yaml_syntax_error_names_file(tmp_path):
    p = _write(tmp_path, "codes:\n- id: a\n  label_nl: [unclosed\n")
    with pytest.raises(CodebookError, match="E200.*cb.yaml"):
        load_codebook(p)


def test_cli_validate_exit_codes(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(cli, ["codebook", "validate", str(DEFAULT_CODEBOOK)])
    assert ok.exit_code == 0 and "no problems" in ok.output
    bad = _write(tmp_path, "codes:\n- id: a\n  parent: a\n  label_nl: A\n")
    res = runner.invoke(cli, ["codebook", "validate", str(bad)])
    assert res.exit_code == 2 and "E203" in res.output
