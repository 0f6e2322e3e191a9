"""Start the workbench: ``altena-qca serve``."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from ..errors import Errors, InputError
from .security import is_loopback, new_token

__all__ = ["serve", "start_url", "working_copy"]


def working_copy(bundled: Path) -> Path:
    """A writable copy of a bundled (read-only, package-data) study, made once.

    ``$XDG_DATA_HOME/altena-qca/studies/<name>`` (default
    ``~/.local/share/...``), private to the user (mode 0700). The copy is
    kept: coding continues where it stopped, and ``altena-qca run --data
    <copy>`` reads the codings made there.
    """
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    target = base / "altena-qca" / "studies" / Path(bundled).name
    if not (target / "respondents.csv").exists():
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.with_name(target.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(bundled, tmp, ignore=shutil.ignore_patterns("study.sqlite*", "__pycache__"))
        os.chmod(tmp, 0o700)
        tmp.replace(target)
    return target


def start_url(host: str, port: int, token: str) -> str:
    """The URL to open (it carries the token once; the browser then keeps a cookie)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def serve(data_dir: str | Path, *, host: str = "127.0.0.1", port: int = 8765, token: str | None = None,
          coder: str = "researcher", suggestions: bool = True, log=print) -> None:
    """Load the study once and serve the workbench until interrupted.

    Binding to anything but a loopback address needs an explicit ``token``
    (others on the network could otherwise guess nothing, but they would
    also have no way to get the random one; we refuse to guess the
    intent). The study's pseudonymisation key is never read.

    Raises
    ------
    InputError
        E603 for a non-loopback host without ``token``.
    """
    import uvicorn

    from .app import create_app
    from .state import Workbench

    if not is_loopback(host) and not token:
        raise InputError(Errors.E603.format(host=host))
    if token is not None and len(token) < 16:
        raise InputError(Errors.E604.format(n=len(token)))
    from ..study import is_bundled
    if is_bundled(data_dir):
        data_dir = working_copy(Path(data_dir))
        log(f"the bundled study is read-only package data; coding happens in a copy: {data_dir}\n"
            f"    (altena-qca run --data {data_dir} reads the codings made there)")
    log(f"loading study {Path(data_dir).resolve()} …")
    wb = Workbench(data_dir, coder=coder, suggestions=suggestions)
    hosts = {"127.0.0.1", "localhost", "::1"} if is_loopback(host) else None
    if hosts is not None and host not in hosts:
        hosts.add(host)
    app = create_app(wb, token=token or new_token(), hosts=hosts)
    url = start_url("127.0.0.1" if host in ("0.0.0.0", "::") else host, port, app.state.token)
    log(f"altena-qca workbench for '{wb.data_dir.name}' (coder: {coder})")
    log(f"open in your browser:\n    {url}")
    log("stop with Ctrl+C")
    sys.stdout.flush()
    wb._start_fit()
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                server_header=False, date_header=False)
