"""All-or-nothing run output (issue 14): a run killed at any point leaves the
old complete output or the new complete one, and the next run cleans up."""
from __future__ import annotations

import hashlib
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

from .conftest import make_small_study

N_FILES = 40

# A child process that writes a complete output set through the real staging
# code, naming its generation in every file and reporting each step on stdout,
# so that the parent can kill it at a chosen point instead of after a guessed
# time (under load, start-up alone can take longer than any fixed sleep).
CHILD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from altena_qca import _staging
    from altena_qca._io import write_text
    target, generation, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    if len(sys.argv) > 4:  # a system without renameat2: two renames, stop between them
        _staging._exchange = lambda a, b: False
        rename = os.rename
        def slow_rename(src, dst):
            rename(src, dst)
            if ".old-" in str(dst):
                print("between", flush=True)
                time.sleep(60)
        _staging.os.rename = slow_rename
    with _staging.staged_folder(target) as out:
        print("staged", flush=True)
        for i in range(n):
            sub = out / ("tables" if i % 2 else "figures")
            write_text(sub / f"f{i:02d}.txt", f"{generation} {i}\\n" * 200)
            print(f"wrote {i + 1}", flush=True)
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


def _run(target: Path, generation: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(target), generation, str(N_FILES), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_at(child: subprocess.Popen, mark: str) -> list[str]:
    """Read the child's reports until ``mark``, then kill -9 it; the reports read."""
    seen = []
    assert child.stdout is not None
    for line in child.stdout:
        seen.append(line.strip())
        if seen[-1] == mark:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    return seen


def test_killed_runs_leave_the_old_or_the_new_complete_set(tmp_path):
    target = tmp_path / "out"
    first = _run(target, "g0")
    assert first.wait(timeout=120) == 0, first.stderr.read() if first.stderr else ""
    assert _generation(_snapshot(target)) == "g0"
    rng = random.Random(14)
    # every phase: start-up, the empty staging folder, each stretch of writing, and after the last
    # file (marker written, folders being swapped, or done -- the kill may land on either side)
    marks = ["", "staged", "wrote 1", *(f"wrote {k}" for k in sorted(rng.sample(range(2, N_FILES), 5))),
             f"wrote {N_FILES}"]
    current = "g0"
    for k, mark in enumerate(marks, start=1):
        child = _run(target, f"g{k}")
        if mark:
            reports = _kill_at(child, mark)
            assert reports[-1] == mark, reports  # the kill fell where it was meant to
        else:
            child.send_signal(signal.SIGKILL)  # during interpreter start-up
            child.wait(timeout=60)
        gen = _generation(_snapshot(target))
        if mark != f"wrote {N_FILES}":
            assert gen == current, (mark, gen)  # killed before the swap: the previous set, untouched
        else:
            assert gen in {current, f"g{k}"}, (mark, gen)
        current = gen
    last = _run(target, "final")
    assert last.wait(timeout=120) == 0, last.stderr.read() if last.stderr else ""
    assert _generation(_snapshot(target)) == "final"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "out"]
    assert leftovers == [], leftovers  # stale staging folders of the killed runs are gone


def test_a_kill_between_the_two_renames_is_repaired_by_the_next_run(tmp_path):
    # Where renameat2(RENAME_EXCHANGE) is missing the swap is two renames: out -> .out.old-*, stage -> out.
    # Killed between them, the output folder is briefly absent; the next run puts the old one back
    # before it starts, and a kill of that run too leaves the old set in place.
    target = tmp_path / "out"
    assert _run(target, "g0").wait(timeout=120) == 0
    reports = _kill_at(_run(target, "g1", "two-renames"), "between")
    assert reports[-1] == "between", reports
    assert not target.exists()
    assert len(list(tmp_path.glob(".out.old-*"))) == 1
    _kill_at(_run(target, "g2"), "wrote 3")
    assert _generation(_snapshot(target)) == "g0"
    assert _run(target, "g3").wait(timeout=120) == 0
    assert _generation(_snapshot(target)) == "g3"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


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


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _cli(study: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "altena_qca.cli", "run", "--data", str(study), "--out", str(out),
                             "--no-pseudonymise"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.slow
def test_kill_9_of_altena_qca_run_keeps_the_previous_output(tmp_path):
    """The real command, killed while it writes: the previous output stays byte for byte; the next
    run removes the killed run's staging folder and writes the same bytes again (deterministic)."""
    study = make_small_study(tmp_path)
    out = tmp_path / "runs" / "out"
    first = _cli(study, out)
    assert first.wait(timeout=600) == 0, first.stdout.read() if first.stdout else ""
    before = _digest(out)
    assert len(before) > 40
    child = _cli(study, out)
    staged: list[Path] = []
    while child.poll() is None:  # kill once the staging folder holds a third of the output
        staged = list(out.parent.glob(".out.staging-*"))
        if staged and sum(1 for p in staged[0].rglob("*") if p.is_file()) >= len(before) // 3:
            child.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    assert child.wait(timeout=60) == -signal.SIGKILL, "the run ended before it could be killed"
    assert _digest(out) == before
    assert staged and staged[0].exists()  # the killed run's half-written staging folder ...
    again = _cli(study, out)
    assert again.wait(timeout=600) == 0, again.stdout.read() if again.stdout else ""
    assert not staged[0].exists()  # ... is removed by the next run
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]
    assert _digest(out) == before
