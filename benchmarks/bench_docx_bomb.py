#!/usr/bin/env python3
"""Peak memory and time of reading a hostile .docx (issue 14): a zip bomb of 240 MiB unpacked.

Builds ``bomb.docx`` -- ``word/document.xml`` of 251,658,240 bytes of short
paragraphs (``I: a``), deflated to under 1 MB -- and reads it with
:func:`altena_qca.ingest.docx.read_docx_paragraphs` in a fresh process per
case, measuring wall and CPU seconds and the process's peak resident memory
(``os.wait4``), plus its resident memory before reading:

1. **as is** -- the reader's limits as shipped (:data:`altena_qca.ingest.docx.LIMITS`);
2. **ratio limit off** -- the compression-ratio check disabled, as if the
   zip header lied about the sizes: the worst case, refused while parsing by
   the element limit.

Run: ``python benchmarks/bench_docx_bomb.py [--work DIR]``; prints a Markdown
table (``docs/performance.md``, section "Hostile .docx").
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.wordprocessingml.document.main+xml"/></Types>')
UNPACKED = 240 * 1024 * 1024

CHILD = r"""
import json, resource, sys, time
from altena_qca.errors import InputError
from altena_qca.ingest import docx
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if sys.argv[2] == "ratio off":
    docx.LIMITS["ratio"] = 10 ** 9
t0 = time.perf_counter()
try:
    n = sum(1 for _ in docx.read_docx_paragraphs(sys.argv[1]))
    outcome = f"read: {n} paragraphs"
except InputError as exc:
    outcome = str(exc)
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - t0, "before_mb": before}))
"""


def build(path: Path) -> dict:
    """Write the bomb; return its packed size and the unpacked size of ``document.xml``."""
    para = b'<w:p><w:r><w:t xml:space="preserve">I: a</w:t></w:r></w:p>' * 1000
    head = f'<?xml version="1.0"?><w:document {NS}><w:body>'.encode()
    tail = b"</w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            for _ in range(UNPACKED // len(para)):
                fh.write(para)
            fh.write(tail)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("word/document.xml")
    return {"packed_mb": path.stat().st_size / 1e6, "unpacked_bytes": info.file_size,
            "ratio": info.file_size / info.compress_size}


def measure(path: Path, case: str) -> dict:
    """Read the bomb in a fresh process; its outcome, wall/CPU seconds and peak RSS."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path), case], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, ru = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(err.decode("utf-8", "replace")[-600:])
    result = json.loads(out)
    result.update(case=case, wall=time.perf_counter() - t0, cpu=ru.ru_utime + ru.ru_stime,
                  peak_mb=ru.ru_maxrss / 1024)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=None, help="folder for bomb.docx (default: a temporary one)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-docx-bomb-"))
    work.mkdir(parents=True, exist_ok=True)
    facts = build(work / "bomb.docx")
    print(f"bomb.docx: {facts['packed_mb']:.2f} MB packed, document.xml {facts['unpacked_bytes']:,} bytes "
          f"unpacked, ratio {facts['ratio']:.0f}; load average {os.getloadavg()[0]:.1f}")
    print("\n| case | outcome | read (s) | wall (s) | CPU (s) | peak RSS (MB) | RSS before reading (MB) |")
    print("|---|---|---|---|---|---|---|")
    for case in ("as is", "ratio off"):
        r = measure(work / "bomb.docx", case)
        print(f"| {case} | {r['outcome'][:90]} | {r['seconds']:.1f} | {r['wall']:.1f} | {r['cpu']:.1f} "
              f"| {r['peak_mb']:.0f} | {r['before_mb']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
