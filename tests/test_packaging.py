"""Packaging: pins agree between pyproject.toml and environment.yml; CLI documented."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_environment_yml_pins_match_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {}
    for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
        name, version = spec.split("==")
        pins[_norm(name)] = version
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep and not dep.startswith("python="):
            name, version = dep.split("=", 1)
            conda[_norm(name)] = version
        elif isinstance(dep, dict):
            for item in dep.get("pip", []):
                if "==" in item:
                    name, version = item.split("==")
                    conda[_norm(name)] = version
    assert conda == pins


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
