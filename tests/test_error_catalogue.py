"""The error catalogue (errors.py) is complete: every numbered message lives there, once."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import altena_qca
from altena_qca.errors import AltenaError, Errors, InputError, Warnings

PACKAGE = Path(altena_qca.__file__).resolve().parent
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "errors.py")


def _catalogue_assignments() -> list[tuple[str, str, int]]:
    tree = ast.parse((PACKAGE / "errors.py").read_text(encoding="utf-8"))
    out = []
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name in {"Errors", "Warnings"}):
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        out.append((cls.name, target.id, stmt.lineno))
    return out


def test_no_number_is_defined_twice():
    seen: dict[str, int] = {}
    for _cls, name, line in _catalogue_assignments():
        assert name not in seen, f"errors.py:{line}: {name} already defined on line {seen[name]}"
        seen[name] = line


def test_numbers_belong_to_their_class():
    for cls, name, _line in _catalogue_assignments():
        assert re.fullmatch(r"[EW]\d{3}", name), name
        assert name[0] == ("E" if cls == "Errors" else "W"), f"{name} is in {cls}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_numbered_messages_come_from_the_catalogue(path):
    """No module writes '[E123]' itself; and every Errors.E123 it names exists."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    literal = [f"line {n.lineno}: {n.value!r}" for n in ast.walk(tree)
               if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
               and re.search(r"\[[EW]\d{3}\]", n.value)]
    assert not literal, f"{path.name}: numbered message outside errors.py: {literal}"
    for kind, number in re.findall(r"\b(Errors|Warnings)\.([EW]\d{3})\b", text):
        assert number in vars(Errors if kind == "Errors" else Warnings), f"{path.name}: {kind}.{number} undefined"


def test_code_attribute_is_the_number():
    assert InputError(Errors.E106.format(path="x")).code == "E106"
    assert AltenaError("no number here").code is None


def test_engine_errors_are_in_the_catalogue():
    from altena_qca.engine import get_engine
    with pytest.raises(AltenaError) as info:
        get_engine("spark")
    assert info.value.code == "E700"
    assert "spark" in str(info.value) and "local" in str(info.value)


def test_every_warning_has_a_dutch_title_for_the_workbench():
    """The workbench is Dutch: a warning added to the catalogue needs its title in workbench/messages.py."""
    from altena_qca.workbench.messages import ADVICE_NL, TITLES_NL

    codes = {name for name in vars(Warnings) if re.fullmatch(r"W\d{3}", name)}
    assert codes - set(TITLES_NL) == set()
    assert set(TITLES_NL) - codes == set()                          # no title for a warning that is gone
    assert set(ADVICE_NL) == codes                                  # and what to do, in Dutch
    assert all(advice.endswith(".") for advice in ADVICE_NL.values())
