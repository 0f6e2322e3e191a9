#!/usr/bin/env python3
"""Set up and run altena-qca on a fresh machine that has only python3.

    python3 tasks.py run      # set up, then run the analysis on the bundled data
    python3 tasks.py test     # set up, then run the test suite
    python3 tasks.py bench    # set up, then run the benchmarks (not tests)
    python3 tasks.py notebooks  # set up with JupyterLab, then open JupyterLab on notebooks/

Set-up makes ``.venv`` and installs the package with its pinned dependencies;
it is skipped when ``pyproject.toml`` has not changed since the last install.
Extra arguments are passed on (``python3 tasks.py test -k typology``).
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


def _say(msg: str) -> None:
    print(f"[tasks] {msg}", file=sys.stderr, flush=True)


def setup(extras: str = "test") -> None:
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want and PY.exists():
        return
    if not PY.exists():
        _say(f"creating {VENV.relative_to(ROOT)}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    _say("installing pinned dependencies (first time takes a minute or two)")
    pip = [str(PY), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.check_call(pip + ["install", "--upgrade", "pip"])
    subprocess.check_call(pip + ["install", "-e", f".[{extras}]"], cwd=ROOT)
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


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench", "setup", "notebooks"}:
        print(__doc__)
        return 2
    task, rest = argv[0], argv[1:]
    setup({"bench": "test,dask", "notebooks": "test,notebooks"}.get(task, "test"))
    env = dict(os.environ, PYTHONHASHSEED="0")
    if task == "setup":
        return 0
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
