"""All-or-nothing output folders: build a run in a staging folder, then swap it in.

``altena-qca run`` writes some fifty files. Killed half-way (``kill -9``, a
full disk, Ctrl-C), it must leave either the previous complete output or the
new complete one, never a mix. :func:`staged_folder` gives the run a private
staging folder beside the target (same file system) and, when the block ends
without an error, puts it in place with one atomic exchange of the two
folders (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, with
recovery of the old folder on the next run if a kill falls between them).
Staging and old folders left by a killed run are removed (or put back) the
next time.

A folder is replaced only if it is empty or was written by a previous run
(it holds :data:`MARKER`), so ``--out`` pointing at a folder of one's own
data is refused instead of emptied.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import Errors, InputError

__all__ = ["staged_folder", "check_target", "MARKER", "clean_stale"]

#: File in every run output folder; its presence allows replacing the folder.
MARKER = ".altena-qca-output"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux); False if the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP if hasattr(errno, "ENOTSUP") else errno.EINVAL):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(folder: Path) -> int | None:
    parts = folder.name.rsplit(".", 1)[-1].split("-")  # .<name>.staging-<pid>-<random>
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None


def clean_stale(target: Path) -> list[Path]:
    """Remove staging folders of dead runs beside ``target``; put back an old
    output a run was killed in the middle of swapping. Returns what was removed."""
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    for kind in ("old", "staging"):
        for folder in sorted(target.parent.glob(f".{target.name}.{kind}-*")):
            pid = _owner(folder)
            if pid is None or pid == os.getpid() or _pid_alive(pid):
                continue
            if kind == "old" and not target.exists():
                os.rename(folder, target)  # killed between the two renames: the old output returns
                continue
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def check_target(target: str | Path) -> None:
    """E150 unless ``target`` may become a run's output folder: new, empty, or
    written by an earlier run (checked again by :func:`staged_folder`; the CLI
    calls it first, so a wrong ``--out`` is refused before any work)."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise InputError(Errors.E150.format(path=target, reason="is a file, not a folder"))
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise InputError(Errors.E150.format(
            path=target, reason="is not empty and was not written by 'altena-qca run'; "
                                "choose a new or empty folder (nothing in it is replaced)"))


@contextlib.contextmanager
def staged_folder(target: str | Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success it becomes ``target`` in one step.

    Raises
    ------
    InputError
        E150 if ``target`` is a file, or a non-empty folder not written by a run.
    """
    target = Path(target).absolute()
    check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-{os.getpid()}-", dir=target.parent))
    os.chmod(stage, 0o777 & ~_umask())
    try:
        yield stage
        (stage / MARKER).write_text("written by altena-qca run; the folder is replaced as a whole by the next run\n",
                                    encoding="utf-8")
        _put_in_place(stage, target)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def _put_in_place(stage: Path, target: Path) -> None:
    if not target.exists():
        os.rename(stage, target)
        return
    if _exchange(stage, target):  # stage now holds the old output
        shutil.rmtree(stage, ignore_errors=True)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    os.rename(stage, target)
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
