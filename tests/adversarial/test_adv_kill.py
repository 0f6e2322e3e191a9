"""All-or-nothing run output (issue 14): a run killed at any point leaves the
old complete output or the new complete one, and the next run cleans up."""
from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from altena_qca._staging import MARKER, staged_folder
from altena_qca.errors import InputError

N_FILES = 40

# A child process that writes a complete output set through the real staging
# code, slowly, naming its generation in every file.
CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from altena_qca._staging import staged_folder
    from altena_qca._io import write_text
    target, generation, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    with staged_folder(target) as out:
        for i in range(n):
            sub = out / ("tables" if i % 2 else "figures")
            write_text(sub / f"f{i:02d}.txt", f"{generation} {i}\\n" * 200)
            time.sleep(0.01)
    print("done", flush=True)
""")


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER}


def _generation(snapshot: dict[str, str]) -> str:
    gens = {text.split(" ", 1)[0] for text in snapshot.values()}
    assert len(gens) == 1, f"a mix of outputs: {sorted(gens)}"
    assert len(snapshot) == N_FILES, f"{len(snapshot)} of {N_FILES} files"
    return gens.pop()


def _run(target: Path, generation: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(target), generation, str(N_FILES)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_killed_runs_leave_the_old_or_the_new_complete_set(tmp_path):
    target = tmp_path / "out"
    first = _run(target, "g0")
    assert first.wait(timeout=120) == 0, first.stderr.read()
    assert _generation(_snapshot(target)) == "g0"
    rng = random.Random(14)
    seen = {"g0"}
    for k in range(1, 9):
        child = _run(target, f"g{k}")
        time.sleep(rng.uniform(0.0, 1.2))  # anywhere: start-up, writing, swapping, done
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        gen = _generation(_snapshot(target))
        assert gen in {f"g{k}"} | seen, gen
        seen.add(gen)
    last = _run(target, "final")
    assert last.wait(timeout=120) == 0, last.stderr.read()
    assert _generation(_snapshot(target)) == "final"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "out"]
    assert leftovers == [], leftovers  # stale staging folders of the killed runs are gone


def test_a_failing_run_keeps_the_old_output(tmp_path):
    target = tmp_path / "out"
    with staged_folder(target) as out:
        (out / "a.txt").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with staged_folder(target) as out:
            (out / "a.txt").write_text("new", encoding="utf-8")
            raise RuntimeError("disk full, say")
    assert (target / "a.txt").read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_out_that_is_a_file_or_someone_elses_folder_is_refused(tmp_path):
    afile = tmp_path / "report.docx"
    afile.write_bytes(b"x")
    with pytest.raises(InputError, match=r"^\[E150\].*is a file"):
        with staged_folder(afile):
            pass
    mine = tmp_path / "my-data"
    mine.mkdir()
    (mine / "interview.docx").write_bytes(b"precious")
    with pytest.raises(InputError, match=r"^\[E150\].*not written by 'altena-qca run'"):
        with staged_folder(mine):
            pass
    assert (mine / "interview.docx").read_bytes() == b"precious"
