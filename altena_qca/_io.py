r"""Atomic, deterministic file output, tables included.

Every output is written to a temporary file in the target folder and renamed
into place, so an interrupted run never leaves a half-written table or
report. Zip-based outputs (.docx, .xlsx, .qdpx) get fixed member timestamps
(``SOURCE_DATE_EPOCH`` or 1980-01-01) so two runs give identical bytes.
Tables are written here too (:func:`write_csv`, :func:`write_workbook`), so
every layer that writes a table uses the same writer.

>>> import pandas as pd, tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_csv(pd.DataFrame({"code": ["a"], "share": [1 / 3]}), folder / "t.csv").read_text()
'code,share\na,0.3333\n'
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported by the writers that need it, not by every atomic write
    import pandas as pd

__all__ = ["check_input_file", "atomic_path", "write_text", "write_bytes", "write_files_atomically", "normalise_zip",
           "fixed_zip_time", "source_date_epoch", "write_csv", "write_workbook", "unique_name"]


def unique_name(base: str, taken: set[str], sep: str = "-") -> str:
    """``base``, else ``base-2``, ``base-3``, …: the first not in ``taken`` (a file name or id); added to ``taken``.

    >>> taken = {"R01", "R01-2"}
    >>> unique_name("R01", taken), unique_name("R02", taken), unique_name("a", taken, sep="_")
    ('R01-3', 'R02', 'a')
    >>> sorted(taken)
    ['R01', 'R01-2', 'R01-3', 'R02', 'a']
    """
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}{sep}{k}"
    taken.add(name)
    return name


def _not_a_file(mode: int) -> str | None:
    """Why a path with this ``st_mode`` is no file to read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file; save the data to a file first"
    return "is a device or socket, not a regular file"


def check_input_file(path: str | Path) -> Path:
    """``path`` if it names a regular file; else one error line.

    E106 when it does not exist, E109 when it is a folder, a named pipe (which
    would block the reader or read as empty), a device or a socket.
    Symbolic links are followed.

    >>> import tempfile, pathlib
    >>> check_input_file(pathlib.Path(tempfile.mkdtemp()))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    altena_qca.errors.InputError: [E109] ...: cannot read file (is a folder, not a file)
    """
    from .errors import Errors, InputError

    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(Errors.E106.format(path=path)) from None
    except OSError as exc:
        raise InputError(Errors.E109.format(path=path, reason=exc.strerror or type(exc).__name__)) from None
    kind = _not_a_file(info.st_mode)
    if kind:
        raise InputError(Errors.E109.format(path=path, reason=kind))
    return path


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` (reproducible builds) as seconds, or None when unset or invalid.

    The one place that reads it: zip member times and dates written into
    outputs both come from here.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(epoch) if epoch.isdigit() else None


def fixed_zip_time() -> tuple[int, int, int, int, int, int]:
    """Zip member time: ``SOURCE_DATE_EPOCH`` (not before 1980, zip's epoch), else 1980-01-01."""
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


def write_files_atomically(files: Mapping[Path, bytes] | Mapping[str, bytes]) -> list[Path]:
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
            for leftover in backups.values():
                if leftover is not None and leftover.exists():
                    leftover.unlink()
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


# --------------------------------------------------------------------------- tables

def write_csv(df: pd.DataFrame, path: str | Path, *, neutralise: bool = True) -> Path:
    """CSV with fixed float format and Unix newlines, written atomically.

    Text cells that a spreadsheet would run as a formula get a leading ``'``
    (:mod:`altena_qca._cells`); ``neutralise=False`` only for files the
    toolkit reads back as data (codings.csv).
    """
    from ._cells import neutralise_frame

    buf = io.StringIO()
    (neutralise_frame(df) if neutralise else df).to_csv(buf, index=False, float_format="%.4f", lineterminator="\n")
    return write_text(path, buf.getvalue())


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path, *, note: str | None = None) -> Path:
    """One sheet per table (names cut to Excel's 31 characters), atomically.

    openpyxl stamps the workbook with the current time; the properties are
    fixed and the zip normalised so two runs give identical bytes. ``note``
    (e.g. "automatisch gecodeerd, niet beoordeeld") becomes a first sheet
    "Let op" and the workbook's description, so no table is read without it.
    """
    import datetime as dt

    import pandas as pd

    from ._cells import strings_only

    path = Path(path)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        if note:
            pd.DataFrame({"Let op": [note]}).to_excel(xw, sheet_name="Let op", index=False)
        for name, df in tables.items():
            df.to_excel(xw, sheet_name=name[:31], index=False)
        strings_only(xw.book)  # no text cell is a formula, whatever it starts with
        props = xw.book.properties
        props.creator = "altena-qca"
        props.created = props.modified = dt.datetime(2023, 7, 1)
        if note:
            props.description = note
    write_bytes(path, _fix_core_dates(buf.getvalue()))
    normalise_zip(path)
    return path


_DATE_RE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fix_core_dates(xlsx: bytes) -> bytes:
    """openpyxl stamps ``docProps/core.xml`` with the save time; fix it."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _DATE_RE.sub(rb"\g<1>2023-07-01T00:00:00Z\g<3>", data)
            dst.writestr(info.filename, data)
    return out.getvalue()
