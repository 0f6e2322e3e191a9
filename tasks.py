#!/usr/bin/env python3
"""Set up and run altena-qca on a fresh machine that has only python3.

    python3 tasks.py run      # set up, then run the analysis on the bundled data
    python3 tasks.py test     # set up, then run the test suite
    python3 tasks.py bench    # set up, then run the benchmarks (not tests)
    python3 tasks.py notebooks  # set up with JupyterLab, then open JupyterLab on notebooks/
    python3 tasks.py lock     # rewrite constraints.txt from what .venv has installed

Set-up makes ``.venv`` and installs the package with the exact versions of
``constraints.txt`` (``pip install -c constraints.txt -e .[test]``);
``pyproject.toml`` itself only gives compatible ranges, so the package can be
installed beside other tools. Set-up is skipped when neither file has changed
since the last install. Extra arguments are passed on
(``python3 tasks.py test -k typology``).

Adding a dependency: put a compatible range in ``pyproject.toml``
(``name>=X.Y,<X+1``), ``python3 tasks.py setup`` (installs it), then
``python3 tasks.py lock`` (pins it and whatever it pulls in) and commit both
files; ``environment.yml`` lists the same pins for the direct dependencies
(tests/test_packaging.py checks all three agree).
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".altena-qca-installed"
CONSTRAINTS = ROOT / "constraints.txt"
EXTRAS_LOCKED = "test,dask,notebooks"  # the extras whose closure constraints.txt pins


def _say(msg: str) -> None:
    print(f"[tasks] {msg}", file=sys.stderr, flush=True)


def setup(extras: str = "test") -> None:
    locked = CONSTRAINTS.read_bytes() if CONSTRAINTS.exists() else b""
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + locked + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want and PY.exists():
        return
    if not PY.exists():
        _say(f"creating {VENV.relative_to(ROOT)}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    _say("installing pinned dependencies (first time takes a minute or two)")
    pip = [str(PY), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.check_call(pip + ["install", "--upgrade", "pip"])
    pinned = ["-c", str(CONSTRAINTS)] if locked else []  # no lock yet: `tasks.py lock` writes one
    subprocess.check_call(pip + ["install", *pinned, "-e", f".[{extras}]"], cwd=ROOT)
    STAMP.write_text(want)


def ensure_chromium() -> None:
    """The browser tests drive the system's Chromium; install it with apt-get when missing.

    Playwright's own browser download is not used. Without root or apt-get the
    browser tests are skipped (and say so).
    """
    import shutil
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        _say("installing chromium for the browser tests (apt-get)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.call(["apt-get", "update", "-qq"], env=env)
        subprocess.call(["apt-get", "install", "-y", "-qq", "chromium"], env=env)
    else:
        _say("chromium not found: the workbench browser tests will be skipped (apt-get install chromium)")


_LOCK_SCRIPT = r"""
import sys
from importlib.metadata import PackageNotFoundError, distribution
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

root, extras = sys.argv[1], frozenset(filter(None, sys.argv[2].split(",")))
seen = {}
todo = [(root, extras)]
while todo:
    name, wanted = todo.pop()
    try:
        dist = distribution(name)
    except PackageNotFoundError:
        continue
    key = canonicalize_name(dist.metadata["Name"])
    had = seen.get(key, (None, frozenset()))[1]
    if key in seen and wanted <= had:
        continue
    wanted = wanted | had
    seen[key] = (dist.version, wanted)
    for spec in dist.requires or []:
        req = Requirement(spec)
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in (wanted or {""})):
            todo.append((req.name, frozenset(req.extras)))
seen.pop(canonicalize_name(root))
for tool in ("pip", "setuptools", "wheel"):  # packaging tools: pinned by the venv and build-system
    seen.pop(tool, None)
for key in sorted(seen):
    print(f"{key}=={seen[key][0]}")
"""


def lock() -> int:
    """Rewrite constraints.txt: every package altena-qca[test,dask] pulls in, at its installed version."""
    pins = subprocess.run([str(PY), "-c", _LOCK_SCRIPT, "altena-qca", EXTRAS_LOCKED], check=True,
                          capture_output=True, text=True).stdout
    head = ("# Exact versions for CI, tasks.py and reproducible outputs (same input, byte-identical tables).\n"
            "# pyproject.toml gives compatible ranges; this file pins them and everything they pull in.\n"
            f"# Written by `python3 tasks.py lock` (closure of altena-qca[{EXTRAS_LOCKED}], Python "
            f"{sys.version_info.major}.{sys.version_info.minor}, Linux); do not edit by hand.\n")
    CONSTRAINTS.write_text(head + pins)
    _say(f"wrote {CONSTRAINTS.name}: {len(pins.splitlines())} pins")
    return 0


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):
        print(f"altena-qca needs Python 3.11 or newer; this is {sys.version.split()[0]}", file=sys.stderr)
        return 2
    if not argv or argv[0] not in {"run", "test", "bench", "setup", "notebooks", "lock"}:
        print(__doc__)
        return 2
    task, rest = argv[0], argv[1:]
    setup({"bench": "test,dask", "notebooks": "test,notebooks", "lock": EXTRAS_LOCKED}.get(task, "test"))
    env = dict(os.environ, PYTHONHASHSEED="0")
    if task == "setup":
        return 0
    if task == "lock":
        return lock()
    if task == "run":
        cmd = [str(BIN / "altena-qca"), "run", *rest]
    elif task == "notebooks":
        # JupyterLab from this environment, on the notebooks folder; its default kernel is this interpreter
        cmd = [str(BIN / "jupyter"), "lab", f"--notebook-dir={ROOT / 'notebooks'}", *rest]
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI run as root; Jupyter refuses otherwise
            cmd.append("--allow-root")
    elif task == "test":
        ensure_chromium()
        cmd = [str(PY), "-m", "pytest", *rest]
    else:
        cmd = [str(PY), str(ROOT / "benchmarks" / "run.py"), *rest]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
