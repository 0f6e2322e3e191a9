"""Start the workbench: ``altena-qca serve``."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import Errors, InputError
from .security import is_loopback, new_token

__all__ = ["serve", "start_url"]


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
