"""Output that cannot be written (issue 14, part B): ``--out`` naming a file,
a read-only output folder, a full disk. Each through ``altena-qca run`` on a
small study: *one error line* (exit 2, E150/E151, no traceback), and nothing
lost -- the previous output stays byte for byte, no staging folder is left.

A full disk and a read-only folder are simulated (the tests may run as root,
whom permissions do not stop, and no small file system can be mounted): the
operating-system call the run makes raises the OSError the kernel would.
"""
from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from altena_qca import _staging
from altena_qca.cli import cli

from .conftest import make_small_study
from .test_adv_inputs import assert_one_error_line


def _run(study: Path, out: Path) -> tuple[int, str]:
    res = CliRunner().invoke(cli, ["run", "--data", str(study), "--out", str(out), "--no-pseudonymise"])
    return res.exit_code, res.stderr


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A small study and one complete run of it (the output a failing run must not touch)."""
    root = tmp_path_factory.mktemp("out")
    study = make_small_study(root)
    out = root / "runs" / "out"
    code, stderr = _run(study, out)
    assert code == 0, stderr  # a study naming no known organisation runs (network: columns, no rows)
    assert (out / "tables" / "network_nodes.csv").read_text(encoding="utf-8").startswith("id,")
    return study, out, _digest(out)


def test_out_naming_an_existing_file_is_refused_before_any_work(finished, tmp_path):
    study, _, _ = finished
    report = tmp_path / "rapport.docx"
    report.write_bytes(b"my own report")
    code, stderr = _run(study, report)
    assert_one_error_line(code, stderr, "E150", str(report), "is a file, not a folder")
    assert report.read_bytes() == b"my own report"
    assert "overview ..." not in stderr  # refused before the first stage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.docx"]


def test_a_read_only_output_folder_is_one_error_line(finished, tmp_path, monkeypatch):
    study, _, _ = finished
    ro = tmp_path / "alleen-lezen"
    ro.mkdir()
    if os.geteuid() != 0:
        ro.chmod(0o555)
    else:  # root may write anywhere: the kernel's answer for a read-only folder, given by hand
        real = tempfile.mkdtemp

        def mkdtemp(*args, dir=None, **kwargs):
            if dir is not None and Path(dir) == ro:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(ro))
            return real(*args, dir=dir, **kwargs)
        monkeypatch.setattr(_staging.tempfile, "mkdtemp", mkdtemp)
    try:
        code, stderr = _run(study, ro / "out")
    finally:
        ro.chmod(0o755)
    assert_one_error_line(code, stderr, "E151", str(ro), "permission denied")
    assert list(ro.iterdir()) == []


def test_a_full_disk_keeps_the_previous_output_byte_for_byte(finished, monkeypatch):
    study, out, before = finished
    real, calls = os.replace, []

    def replace(src, dst, *args, **kwargs):  # every output file is written to a temporary file, then replaced
        calls.append(dst)
        if len(calls) == 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "replace", replace)
    code, stderr = _run(study, out)
    monkeypatch.undo()
    assert len(calls) == 5
    line = assert_one_error_line(code, stderr, "E151", "no space left on device (disk full)",
                                 "an earlier output is unchanged")
    assert str(out) + os.sep in line and ".staging-" not in line  # named by the folder it was to become
    assert _digest(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]  # the staging folder is gone
