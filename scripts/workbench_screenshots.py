"""Screenshots of every workbench page for docs/img/ (run by hand; needs chromium).

    .venv/bin/python scripts/workbench_screenshots.py [--out docs/img]

Serves a temporary copy of the bundled study (the repository's data are not
touched), codes one passage as a second coder so that the agreement page
has something to compare, and saves one PNG per page.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from altena_qca.resources import DEFAULT_DATA  # noqa: E402  (the bundled study)
from altena_qca.workbench.server import serve_in_process  # noqa: E402

TOKEN = "screenshot-token-0123456789abcdef"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main() -> None:
    from playwright.sync_api import sync_playwright
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp()) / args.data.name
    shutil.copytree(args.data, tmp, ignore=shutil.ignore_patterns("study.sqlite*"))
    with serve_in_process(tmp, token=TOKEN, coder="ans", timeout=600) as running:
        url = running.url
        import httpx
        h = {"Authorization": f"Bearer {TOKEN}"}
        # a second coder re-codes R02 partly, for the agreement page
        for c in httpx.get(url + "/api/documents/R02/codings", headers=h, timeout=120).json()[::2]:
            httpx.post(url + "/api/codings", headers=h, timeout=120, json={**{k: c[k] for k in ("document", "start", "end", "code")},
                                                              "coder": "ans"})
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
            page = b.new_page(viewport={"width": 1440, "height": 900})
            page.set_default_timeout(180_000)
            page.goto(f"{url}/?token={TOKEN}")
            shots = [("workbench-study", "/"), ("workbench-codebook", "/codebook"),
                     ("workbench-analysis", "/analysis"), ("workbench-agreement", "/agreement?a=ans&b=thesis"),
                     ("workbench-passages", "/passages?code=effects.trust.today.negative&group=1")]
            for name, path in shots:
                page.goto(url + path)
                page.wait_for_selector("body[data-ready]")
                page.screenshot(path=str(args.out / f"{name}.png"))
            page.goto(url + "/documents/R04")
            page.wait_for_selector("body[data-ready]")
            page.wait_for_selector("#suggestion:not([hidden])", timeout=180_000)
            page.keyboard.press("n")
            page.wait_for_timeout(600)
            page.evaluate("window.scrollTo(0, 0)")
            # select a passage and open the code picker, as a coder would
            box = page.evaluate("""() => {
                const turns = Array.from(document.querySelectorAll('.piece.turn.sp-respondent'));
                for (const t of turns.slice(2)) {
                  const w = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
                  let n; while ((n = w.nextNode())) { if (n.data.length > 50) {
                    const r = document.createRange(); r.setStart(n, 0); r.setEnd(n, 45);
                    const q = r.getClientRects(); if (!q.length || q[0].top < 80) continue;
                    return {x1: q[0].left + 1, y: q[0].top + q[0].height / 2, x2: q[q.length-1].right - 1}; } }
                }
                return null; }""")
            page.screenshot(path=str(args.out / "workbench-document.png"))
            if box:
                page.mouse.move(box["x1"], box["y"])
                page.mouse.down()
                page.mouse.move(box["x2"], box["y"], steps=5)
                page.mouse.up()
                page.wait_for_selector("#picker:not([hidden])")
                page.keyboard.type("vertrouwen")
                page.keyboard.press("ArrowDown")
                page.screenshot(path=str(args.out / "workbench-picker.png"))
            b.close()
    for f in sorted(args.out.glob("workbench-*.png")):
        print(f)


if __name__ == "__main__":
    main()
