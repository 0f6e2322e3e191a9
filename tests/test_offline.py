"""Everything runs offline: load_study() and the whole pipeline with networking disabled.

The run happens in a fresh Python process (so import-time network use is
caught too, whatever other tests imported first) in which creating a socket,
resolving a name or opening a connection raises ``OSError`` and is recorded.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r'''
import json, socket, sys, traceback, _socket

attempts = []

def _refuse(name, depth=2):
    def refuse(*args, **kwargs):
        caller = traceback.extract_stack()[-depth]
        attempts.append({"call": name, "args": repr(args[:2]), "file": caller.filename, "line": caller.lineno})
        raise OSError(f"network disabled for this process ({name})")
    return refuse

class _NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        _refuse("socket.socket", depth=3)(*args)

socket.socket = _socket.socket = _NoSocket
for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "socketpair", "fromfd"):
    setattr(socket, name, _refuse("socket." + name))

from altena_qca import load_study
from altena_qca.pipeline import run

study = load_study()
files = run(study, sys.argv[1])
print(json.dumps({"files": [str(f) for f in files], "attempts": attempts}))
'''

# Creating (not connecting) an IPv6 socket to see whether the machine supports
# IPv6 is what urllib3 does on import (spaCy imports requests for its model
# downloader); it binds to ::1 at most and copes with the refusal.
_HARMLESS = ("urllib3/util/connection.py",)


@pytest.mark.slow
def test_load_study_and_pipeline_run_with_networking_disabled(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "out")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["files"] and all(Path(f).exists() for f in result["files"])
    network = [a for a in result["attempts"]
               if a["call"] != "socket.socket" or not a["file"].endswith(_HARMLESS)]
    assert network == [], network
    print("socket attempts (all refused):", result["attempts"])
