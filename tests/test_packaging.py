"""Packaging: ranges in pyproject.toml, exact pins in constraints.txt, environment.yml in step; CLI documented."""
from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _requirements(extras: tuple[str, ...] = ("test", "dask", "notebooks")) -> list[Requirement]:
    project = _project()
    optional = project["optional-dependencies"]
    return [Requirement(s) for s in project["dependencies"] + [s for e in extras for s in optional[e]]]


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, exact = line.split("==")
            pins[_norm(name)] = exact
    return pins


def test_python_3_11_or_newer_everywhere():
    assert _project()["requires-python"] == ">=3.11"
    assert sys.version_info >= (3, 11)
    assert "3.11 or newer" in (ROOT / "README.md").read_text()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    tasks = (ROOT / "tasks.py").read_text()
    assert "(3, 11)" in tasks  # tasks.py refuses an older interpreter with a clear message


def test_dependencies_are_ranges_pinned_exactly_in_constraints():
    pins = _constraints()
    for req in _requirements():
        spec = str(req.specifier)
        assert "==" not in spec and "<" in spec and ">=" in spec, f"{req}: give a compatible range >=X,<Y"
        name = _norm(req.name)
        assert name in pins, f"{req.name} is not pinned in constraints.txt (run python3 tasks.py lock)"
        assert req.specifier.contains(pins[name]), f"constraints.txt pins {name}=={pins[name]} outside {spec}"


def test_the_test_environment_has_the_locked_versions():
    pins = _constraints()
    for req in _requirements(("test",)):  # what tasks.py test installs
        name = _norm(req.name)
        assert version(req.name) == pins[name], f"{name}: installed {version(req.name)}, locked {pins[name]}"


def test_environment_yml_pins_match_constraints():
    pins = _constraints()
    direct = {_norm(r.name) for r in _requirements()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep and not dep.startswith("python="):
            name, exact = dep.split("=", 1)
            conda[_norm(name)] = exact
        elif isinstance(dep, dict):
            for item in dep.get("pip", []):
                if "==" in item:
                    name, exact = item.split("==")
                    conda[_norm(name)] = exact
    assert conda == {name: pins[name] for name in direct}


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 tasks.py test" in readme and "python3 tasks.py test" in ci
    assert "python3 tasks.py run" in readme


def test_every_cli_command_has_help_and_an_example():
    from altena_qca.cli import cli

    def walk(group, prefix=""):
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                yield from walk(cmd, prefix + name + " ")
            else:
                yield prefix + name, cmd
    for name, cmd in walk(cli):
        assert cmd.help and "Example:" in cmd.help, name
