"""Atomic, deterministic file output.

Every output is written to a temporary file in the target folder and renamed
into place, so an interrupted run never leaves a half-written table or
report. Zip-based outputs (.docx, .xlsx, .qdpx) get fixed member timestamps
(``SOURCE_DATE_EPOCH`` or 1980-01-01) so two runs give identical bytes.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Callable, Iterator, Mapping

__all__ = ["atomic_path", "write_text", "write_bytes", "write_files_atomically", "normalise_zip",
           "fixed_zip_time", "source_date_epoch"]


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` (reproducible builds) as seconds, or None when unset or not a number.

    The one place the variable is read (zip timestamps here, the project date of a ``.qdpx``).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return int(epoch) if epoch and epoch.isdigit() else None


def fixed_zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = source_date_epoch()
    if epoch is not None:
        t = time.gmtime(max(epoch, 315532800))
        return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
    return (1980, 1, 1, 0, 0, 0)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        _usual_mode(tmp_path)
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _usual_mode(path: Path) -> None:
    """mkstemp makes owner-only files; give outputs the mode a plain open() would."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _temp_beside(path: Path, suffix: str) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    _usual_mode(Path(tmp))
    return Path(tmp)


def write_files_atomically(files: Mapping[str | Path, bytes]) -> list[Path]:
    """Replace several files together: all get their new content or none does.

    Every new content is first written (and flushed to disk) to a temporary
    file beside its target, and every existing target is hard-linked (or
    copied) to a backup. Only then are the temporary files renamed onto the
    targets, one after the other. If a rename fails, the targets already
    replaced are restored from their backups (and targets that did not exist
    before are removed), and the error is raised. Temporary files and backups
    are removed in every case but one:

    The guarantee holds for errors Python sees (disk full, permissions, a
    rename refused, an exception, Ctrl-C). It cannot hold for a crash or power
    loss *between* two renames — a window of microseconds — after which the
    first file may be new and the second old; the backups
    (``.<name>.*.bak`` beside each file) are then left in place so the old
    state can be restored by hand. A single file is never half-written.

    Parameters
    ----------
    files
        Target path → new content.

    Returns
    -------
    list of Path
        The targets, in the order given.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_files_atomically({d / "a.yaml": b"a", d / "b.csv": b"b"})]
    ['a.yaml', 'b.csv']
    >>> sorted(p.name for p in d.iterdir())
    ['a.yaml', 'b.csv']
    """
    targets = [Path(p) for p in files]
    temps: dict[Path, Path] = {}
    backups: dict[Path, Path | None] = {}
    replaced: list[Path] = []
    done = False
    try:
        for target, data in zip(targets, files.values()):
            target.parent.mkdir(parents=True, exist_ok=True)
            temps[target] = tmp = _temp_beside(target, ".tmp")
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if target.exists():
                if target.is_file():  # keep the new file's mode the same as the old one's
                    os.chmod(tmp, target.stat().st_mode & 0o7777)
                backups[target] = bak = _temp_beside(target, ".bak")
                bak.unlink()
                try:
                    os.link(target, bak)
                except OSError:  # file systems without hard links
                    shutil.copy2(target, bak)
            else:
                backups[target] = None
        for target in targets:
            os.replace(temps[target], target)
            replaced.append(target)
        done = True
    except BaseException:
        _restore(replaced, backups)
        raise
    finally:
        for tmp in temps.values():
            if tmp.exists():
                tmp.unlink()
        if done or not replaced:
            for bak in backups.values():
                if bak is not None and bak.exists():
                    bak.unlink()
    return targets


def _restore(replaced: list[Path], backups: Mapping[Path, Path | None]) -> None:
    """Undo the renames already done; raise (keeping the backups) if that fails."""
    failed = []
    for target in reversed(replaced):
        bak = backups[target]
        try:
            if bak is None:
                target.unlink()
            else:
                os.replace(bak, target)
        except OSError as exc:
            failed.append(f"{target} (backup {bak}: {exc})")
    if failed:  # keep ``replaced`` so the caller keeps the backups
        raise OSError("could not restore " + "; ".join(failed))
    replaced.clear()


def write_bytes(path: str | Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text with Unix newlines, atomically."""
    return write_bytes(path, text.encode("utf-8"))


def normalise_zip(src: str | Path, dst: str | Path | None = None,
                  order: Callable[[list[str]], list[str]] | None = None) -> Path:
    """Rewrite a zip with fixed timestamps and permissions (deterministic bytes)."""
    src = Path(src)
    dst = Path(dst) if dst else src
    with zipfile.ZipFile(src) as zin:
        infos = zin.infolist()
        names = [i.filename for i in infos]
        names = order(names) if order else names
        blobs = {i.filename: zin.read(i.filename) for i in infos}
    with atomic_path(dst) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                info = zipfile.ZipInfo(name, date_time=fixed_zip_time())
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zout.writestr(info, blobs[name])
    return dst
