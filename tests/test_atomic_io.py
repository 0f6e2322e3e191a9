"""Outputs are written atomically: an interrupted write leaves the old file and no debris."""
from __future__ import annotations

import os

import pytest

from altena_qca import _io
from altena_qca._io import atomic_path, write_files_atomically, write_text


class Interrupted(Exception):
    pass


def test_interrupted_write_keeps_the_previous_file_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "tables" / "frequencies.csv"
    write_text(target, "code,n\na,1\n")
    with pytest.raises(Interrupted):
        with atomic_path(target) as tmp:
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write("code,n\nb,")          # half a table ...
                fh.flush()
                raise Interrupted               # ... when the run dies
    assert target.read_text(encoding="utf-8") == "code,n\na,1\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["frequencies.csv"]


def test_keyboard_interrupt_is_handled_the_same_way(tmp_path):
    target = tmp_path / "report.docx"
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"PK partial")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []       # no previous file: still none, and no temp file


def test_files_replaced_together(tmp_path):
    a, b = tmp_path / "codebook.yaml", tmp_path / "codings.csv"
    a.write_text("old a")
    os.chmod(a, 0o640)
    write_files_atomically({a: b"new a", b: b"new b"})
    assert (a.read_text(), b.read_text()) == ("new a", "new b")
    assert a.stat().st_mode & 0o777 == 0o640    # the mode of the file it replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codebook.yaml", "codings.csv"]


@pytest.mark.parametrize("fail_on", [1, 2])
def test_a_failed_rename_restores_every_file(tmp_path, monkeypatch, fail_on):
    a, b, c = tmp_path / "a.yaml", tmp_path / "b.csv", tmp_path / "new.txt"
    a.write_text("old a")
    b.write_text("old b")
    real, n = os.replace, []

    def flaky(src, dst):
        if str(src).endswith(".tmp"):
            n.append(dst)
            if len(n) == fail_on + 1:
                raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(_io.os, "replace", flaky)
    with pytest.raises(OSError, match="No space"):
        write_files_atomically({c: b"new c", a: b"new a", b: b"new b"})
    assert (a.read_text(), b.read_text()) == ("old a", "old b")
    assert not c.exists()                        # created by the first rename, removed again
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.csv"]


def test_a_failed_temp_write_touches_nothing(tmp_path, monkeypatch):
    a, b = tmp_path / "a.yaml", tmp_path / "b.csv"
    a.write_text("old a")

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_io.os, "fsync", full)
    with pytest.raises(OSError):
        write_files_atomically({a: b"new a", b: b"new b"})
    assert a.read_text() == "old a" and not b.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]
