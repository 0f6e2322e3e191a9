"""Start the workbench: ``altena-qca serve``."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import Errors, InputError
from .security import is_loopback, new_token

__all__ = ["serve", "start_url", "working_copy", "serve_in_process", "RunningServer"]


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


@dataclass(frozen=True)
class RunningServer:
    """A workbench server started by :func:`serve_in_process`."""

    url: str
    """``http://127.0.0.1:<port>``, without a trailing slash."""
    token: str
    """Its access token (send ``Authorization: Bearer <token>``)."""
    process: subprocess.Popen
    """The ``altena-qca serve`` child process (for its pid, or to kill it)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str, token: str) -> bool:
    """Whether the server at ``url`` answers an authorised API request (loopback: no proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url + "/api/documents", headers={"Authorization": f"Bearer {token}"})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextlib.contextmanager
def serve_in_process(data_dir: str | Path, *, token: str | None = None, coder: str = "researcher",
                     suggestions: bool = True, timeout: float = 120.0) -> Iterator[RunningServer]:
    """Run ``altena-qca serve`` on ``data_dir`` in a child process on a free loopback port.

    For tests, benchmarks and scripts that need a real server (HTTP, a
    browser, a process to measure or kill). Enters once the server answers
    an API request; on leaving, the process is stopped (terminated, killed
    after 20 s) unless it has ended already.

    Raises
    ------
    RuntimeError
        When the process ends or does not answer within ``timeout`` seconds;
        the message ends with what it wrote.
    """
    token = token or new_token()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "altena_qca.cli", "serve", "--data", str(data_dir), "--port", str(port),
           "--token", token, "--coder", coder]
    if not suggestions:
        cmd.append("--no-suggestions")
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(cmd, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while not _answers(url, token):
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    process.wait()
                    output.seek(0)
                    said = output.read().decode("utf-8", "replace")[-4000:]
                    raise RuntimeError(f"the workbench server on {data_dir} did not start "
                                       f"(exit code {process.returncode}):\n{said}")
                time.sleep(0.3)
            yield RunningServer(url=url, token=token, process=process)
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
