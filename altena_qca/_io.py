"""Atomic, deterministic file output.

Every output is written to a temporary file in the target folder and renamed
into place, so an interrupted run never leaves a half-written table or
report. Zip-based outputs (.docx, .xlsx, .qdpx) get fixed member timestamps
(``SOURCE_DATE_EPOCH`` or 1980-01-01) so two runs give identical bytes.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Callable, Iterator

__all__ = ["atomic_path", "write_text", "write_bytes", "normalise_zip", "fixed_zip_time"]


def fixed_zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        t = time.gmtime(max(int(epoch), 315532800))
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
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


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
