#!/usr/bin/env python3
"""Benchmark of the coding workbench (not a test; results go to docs/performance.md).

    .venv/bin/python benchmarks/bench_workbench.py [--repeat 15] [--json out.json]

Measures, against a real ``altena-qca serve`` process over HTTP on loopback:

1. **Render** — a 9,000-word transcript with 300 codings: (a) the server's
   answer to ``GET /documents/{id}`` (HTML of every turn), (b) in Chromium,
   from navigation start until the page's script has drawn every highlight
   and margin bar (the ``wb-drawn`` performance mark; Playwright, the
   system's chromium).
2. **Save + analysis** on the bundled study (746 codings): ``POST
   /api/codings`` and then ``GET /analysis`` (groups, effects today/Wams and
   one effect's co-occurrence recomputed from the new codings), as the page
   does after a change; then the same for ``DELETE``.

The transcript is made of the bundled interviews' turns, repeated in order
until 9,000 words; codings are 300 spans of 1–3 sentences spread over the
respondent turns (seeded). Medians and 90th percentiles of ``--repeat``
runs after one warm-up. Besides wall time, the server process's own CPU
time per request (``/proc/<pid>/stat``, all threads) is reported: on a
shared, busy machine it is what the request costs, whatever else runs.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from altena_qca.resources import DEFAULT_DATA  # noqa: E402  (the bundled study)
from altena_qca.workbench.server import serve_in_process  # noqa: E402

TOKEN = "bench-token-0123456789abcdef"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def _cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) the server process has used so far."""
    import os
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _stats(xs: list[float]) -> dict:
    xs = sorted(xs)
    return {"median_ms": round(statistics.median(xs) * 1000, 1),
            "p90_ms": round(xs[min(len(xs) - 1, int(0.9 * len(xs)))] * 1000, 1), "n": len(xs)}


def make_long_study(folder: Path, words: int = 9000, n_codings: int = 300, seed: int = 0) -> tuple[str, int]:
    """A study with one long transcript ``L01`` and ``n_codings`` codings; returns (id, words)."""
    from altena_qca import load_study
    from altena_qca.store.codings import CodingStore

    bundled = load_study(DEFAULT_DATA)
    lines, n = [], 0
    docs = [d for d in bundled.corpus if d.kind == "interview"]
    while n < words:
        for d in docs:
            for s in d.segments:
                t = d.text[s.start:s.end].replace("\n", " ")
                lines.append(("I: " if s.speaker == "interviewer" else "R: ") + t)
                n += len(t.split())
                if n >= words:
                    break
            if n >= words:
                break
    (folder / "transcripts").mkdir(parents=True)
    (folder / "study.yaml").write_text('title: "Benchmark: één lang interview"\nmunicipality: Voorbeeldstad\n',
                                       encoding="utf-8")
    (folder / "respondents.csv").write_text("id,function,label,side,interview_date,organisation\n"
                                            "L01,Beleidsmedewerker,beleidsmedewerker,intern,2025-01-01,Gemeente\n",
                                            encoding="utf-8")
    (folder / "transcripts" / "L01.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    study = load_study(folder)
    doc = study.corpus.documents["L01"]
    rng = random.Random(seed)
    codes = [c.id for c in study.codebook if not c.id.startswith("_")]
    turns = [s for s in doc.segments if s.speaker == "respondent" and s.end - s.start > 40]
    store = CodingStore.open(folder / "study.sqlite", seed=study.codings, corpus=study.corpus)
    for _ in range(n_codings):
        s = rng.choice(turns)
        a = rng.randrange(s.start, s.end - 20)
        b = min(s.end, a + rng.randrange(20, 400))
        store.add(doc, a, b, rng.choice(codes), coder=rng.choice(["ans", "bo"]))
    store.close()
    return "L01", len(doc.text.split())


def bench_render(repeat: int) -> dict:
    import httpx
    from playwright.sync_api import sync_playwright
    folder = Path(tempfile.mkdtemp()) / "lang"
    doc_id, words = make_long_study(folder)
    with serve_in_process(folder, token=TOKEN, suggestions=False, timeout=600) as running:
        proc, url = running.process, running.url
        h = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=url, headers=h) as c:
            n_codings = len(c.get(f"/api/documents/{doc_id}/codings").json())
            server, server_cpu = [], []
            for i in range(repeat + 1):
                t, u = time.perf_counter(), _cpu(proc.pid)
                r = c.get(f"/documents/{doc_id}")
                r.raise_for_status()
                if i:
                    server.append(time.perf_counter() - t)
                    server_cpu.append(_cpu(proc.pid) - u)
        browser = []
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
            page = b.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{url}/?token={TOKEN}")
            for i in range(repeat + 1):
                page.goto(f"{url}/documents/{doc_id}")
                page.wait_for_selector("body[data-ready]")
                ms = page.evaluate("() => performance.getEntriesByName('wb-drawn')[0].startTime")
                bars = page.evaluate("() => document.querySelectorAll('#margin .bar').length")
                if i:
                    browser.append(ms / 1000)
            b.close()
        return {"words": words, "codings": n_codings, "bars_drawn": bars, "server_html": _stats(server),
                "server_html_cpu": _stats(server_cpu), "browser_until_drawn": _stats(browser),
                "load_average": _load()}


def bench_save(repeat: int) -> dict:
    import httpx
    folder = Path(tempfile.mkdtemp()) / "altena"
    shutil.copytree(DEFAULT_DATA, folder, ignore=shutil.ignore_patterns("study.sqlite*"))
    with serve_in_process(folder, token=TOKEN, suggestions=False, timeout=600) as running:
        proc, url = running.process, running.url
        h = {"Authorization": f"Bearer {TOKEN}"}
        add, delete, add_cpu, delete_cpu = [], [], [], []
        with httpx.Client(base_url=url, headers=h, timeout=60) as c:
            n = len(c.get("/api/documents/R05/codings").json())
            for i in range(repeat + 1):
                t, u = time.perf_counter(), _cpu(proc.pid)
                r = c.post("/api/codings", json={"document": "R05", "start": 500 + i, "end": 700 + i,
                                                 "code": "problems.insufficient"})
                r.raise_for_status()
                c.get("/analysis").raise_for_status()
                t1, u1 = time.perf_counter(), _cpu(proc.pid)
                c.delete(f"/api/codings/{r.json()['id']}").raise_for_status()
                c.get("/analysis").raise_for_status()
                t2, u2 = time.perf_counter(), _cpu(proc.pid)
                if i:
                    add.append(t1 - t)
                    delete.append(t2 - t1)
                    add_cpu.append(u1 - u)
                    delete_cpu.append(u2 - u1)
            assert len(c.get("/api/documents/R05/codings").json()) == n
            total = sum(d["codings"] for d in c.get("/api/documents").json())
        return {"codings": total, "add_then_analysis": _stats(add), "delete_then_analysis": _stats(delete),
                "add_then_analysis_cpu": _stats(add_cpu), "delete_then_analysis_cpu": _stats(delete_cpu),
                "load_average": _load()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    out = {"render": bench_render(args.repeat), "save": bench_save(args.repeat)}
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
