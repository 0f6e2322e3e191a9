"""The console script ends without tearing down deduce's tables, and loses nothing doing so.

Freeing deduce's lookup tables at interpreter shutdown takes longer than
loading them; once they are loaded, ``altena_qca.cli.main`` flushes and ends the
process directly. These tests run the entry point in a fresh interpreter with
an empty annotation cache (so deduce really is loaded) and check the exit code,
the printed lines and the file written; an ``atexit`` line shows which way the
process ended.
"""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
from conftest import DATA

from altena_qca.privacy import deduce_cache_dir

SCRIPT = ("import atexit, sys; atexit.register(lambda: print('TEARDOWN', flush=True)); "
          "sys.argv = ['altena-qca', *sys.argv[1:]]; from altena_qca.cli import main; main()")


def _run(args, tmp_path, study):
    # `study` (conftest) has built deduce's tables; link them into an empty cache folder
    cache = tmp_path / "cache"
    tables = cache / "altena-qca" / "deduce" / deduce_cache_dir().name
    if not tables.exists():
        tables.parent.mkdir(parents=True)
        tables.symlink_to(deduce_cache_dir(), target_is_directory=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=600)


def test_a_command_that_loaded_deduce_ends_directly_with_its_output_complete(tmp_path, study):
    out = tmp_path / "segments.csv"
    proc = _run(["ingest", "--data", str(DATA), "--out", str(out)], tmp_path, study)
    assert proc.returncode == 0, proc.stderr
    assert "TEARDOWN" not in proc.stdout  # ended by os._exit: no interpreter shutdown
    lines = proc.stdout.splitlines()
    n = int(lines[0].split()[1])  # "wrote N segments to ..."
    assert len(pd.read_csv(out)) == n > 100
    assert len(lines) == 1 + len(study.corpus)  # one summary line per document, all flushed


def test_other_commands_and_errors_end_normally_with_their_exit_code(tmp_path, study):
    ok = _run(["codebook", "validate"], tmp_path, study)
    assert ok.returncode == 0 and "TEARDOWN" in ok.stdout
    bad = _run(["ingest", "--data", str(tmp_path / "missing")], tmp_path, study)
    assert bad.returncode == 2 and "TEARDOWN" in bad.stdout and bad.stderr.strip()
