"""The workbench in a real browser: Playwright driving the system's Chromium.

Chromium comes from the package manager (``apt-get install chromium``;
``python3 tasks.py test`` installs it when missing and it can), not from
Playwright's own download.
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from _workbench_study import make_study

from altena_qca.workbench.server import serve_in_process

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TOKEN = "browser-token-0123456789abcdef"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = make_study(tmp_path_factory.mktemp("browser") / "studie")
    with serve_in_process(folder, token=TOKEN, coder="ans") as running:
        yield folder, running.url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _page(browser, url):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(120_000)   # a shared, loaded CI machine: wait, don't fail
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/?token={TOKEN}")
    assert page.url == url + "/"          # the token left the address bar
    page.errors = errors
    return page


def _open(page, url, path):
    page.goto(url + path)
    page.wait_for_selector("body[data-ready]")


def _select(page, phrase: str) -> None:
    """Select ``phrase`` in the transcript by dragging the mouse over it."""
    page.bring_to_front()   # one window per coder: the page being used has the focus
    box = page.evaluate("""phrase => {
        const text = document.getElementById('text');
        const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
        let n;
        while ((n = walker.nextNode())) {
            const i = n.data.indexOf(phrase);
            if (i < 0) continue;
            n.parentElement.scrollIntoView({block: 'center'});   // a phrase below the fold is dragged in view
            const r = document.createRange();
            r.setStart(n, i); r.setEnd(n, i + phrase.length);
            const rects = Array.from(r.getClientRects());
            const a = rects[0], b = rects[rects.length - 1];
            return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
        }
        return null;
    }""", phrase)
    assert box, phrase
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, box["y2"], steps=4)
    page.mouse.move(box["x2"], box["y2"], steps=4)
    page.mouse.up()


def _store(folder, sql):
    conn = sqlite3.connect(f"file:{folder / 'study.sqlite'}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_select_code_with_keyboard_see_margin_reload(server, browser):
    folder, url = server
    page = _page(browser, url)
    _open(page, url, "/documents/W01")
    bars = page.locator("#margin .bar").count()
    phrase = "Zij delen geen gegevens over huurachterstanden"
    _select(page, phrase)
    page.wait_for_selector("#picker:not([hidden])")
    page.keyboard.type("onvoldoende")
    first = page.locator("#picker-list li").first
    assert "problems.insufficient" in first.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll('#margin .bar').length === {bars + 1}")
    assert page.locator("#margin .bar[data-code='problems.insufficient']").count() == 1
    rows = _store(folder, "SELECT start, \"end\", text, coder FROM codings WHERE code = 'problems.insufficient'")
    assert [(r[2], r[3]) for r in rows] == [(phrase, "ans")]
    page.reload()
    page.wait_for_selector("body[data-ready]")
    page.wait_for_selector("#margin .bar[data-code='problems.insufficient']")
    assert phrase in page.locator(".hl").all_inner_texts()[0] or any(
        phrase in t for t in page.locator(".hl").all_inner_texts())
    # recently used codes come first in the picker next time
    _select(page, "beslissingen worden later genomen")
    page.wait_for_selector("#picker:not([hidden])")
    assert "problems.insufficient" in page.locator("#picker-list li").first.inner_text()
    page.keyboard.press("Escape")
    assert page.locator("#picker").is_hidden()
    assert page.errors == []


def test_change_and_delete_a_coding_by_clicking_it(server, browser):
    folder, url = server
    page = _page(browser, url)
    _open(page, url, "/documents/W03")
    _select(page, "iedereen interpreteert de regels een beetje anders")
    page.wait_for_selector("#picker:not([hidden])")
    page.keyboard.type("interpretaties")
    page.keyboard.press("Enter")
    page.wait_for_selector("#margin .bar")
    page.locator("#margin .bar").first.click()
    page.wait_for_selector("#here:not([hidden])")
    page.locator("#here textarea").fill("Geen belemmering volgens de respondent.")
    page.locator("#here button", has_text="Opslaan").click()
    page.wait_for_function("() => document.getElementById('status').textContent === 'Codering opgeslagen'")
    memo = _store(folder, "SELECT memo FROM codings WHERE document = 'W03'")
    assert memo == [("Geen belemmering volgens de respondent.",)]
    page.locator("#here button", has_text="Verwijderen").click()
    page.wait_for_function("() => document.querySelectorAll('#margin .bar').length === 0")
    assert _store(folder, "SELECT count(*) FROM codings WHERE document = 'W03'") == [(0,)]
    page.wait_for_function("() => document.getElementById('history').textContent.includes('verwijderd')")
    page.locator("#undo").click()
    page.wait_for_selector("#margin .bar")
    page.wait_for_function("() => document.getElementById('history').textContent.includes('ongedaan gemaakt')")
    assert _store(folder, "SELECT count(*) FROM codings WHERE document = 'W03'") == [(1,)]


def test_accept_and_reject_suggestions_with_one_key(server, browser):
    folder, url = server
    page = _page(browser, url)
    _open(page, url, "/documents/W02")
    page.wait_for_selector("#suggestion:not([hidden])", timeout=120_000)
    assert page.locator(".sg").count() > 0
    n_codings = _store(folder, "SELECT count(*) FROM codings")[0][0]
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("a")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Geaccepteerd')")
    assert _store(folder, "SELECT count(*) FROM codings")[0][0] == n_codings + 1
    page.keyboard.press("r")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Afgewezen')")
    decisions = _store(folder, "SELECT decision, coder, rule FROM decisions WHERE document = 'W02' ORDER BY id")
    assert [d[0] for d in decisions] == ["accepted", "rejected"]
    assert all(d[1] == "ans" and d[2] for d in decisions)
    assert page.errors == []


def test_add_a_code_on_the_codebook_page(server, browser):
    folder, url = server
    page = _page(browser, url)
    _open(page, url, "/codebook")
    form = page.locator("#add-code")
    form.locator("[name=id]").fill("effects.extra_werk")
    form.locator("[name=label_nl]").fill("Extra werk door gegevensdeling")
    form.locator("[name=definition]").fill("De respondent noemt extra werk of tijd die delen kost.")
    form.locator("[name=parent]").select_option("effects")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#code-effects\\.extra_werk")
    assert "Extra werk door gegevensdeling" in page.locator("#code-effects\\.extra_werk").inner_text()
    assert "effects.extra_werk" in (folder / "codebook.yaml").read_text(encoding="utf-8")
    # and the new code is in the picker of a document
    _open(page, url, "/documents/W01")
    _select(page, "Collega's raken geïrriteerd")
    page.wait_for_selector("#picker:not([hidden])")
    page.keyboard.type("extra werk")
    assert "effects.extra_werk" in page.locator("#picker-list li").first.inner_text()
    page.keyboard.press("Escape")


def test_analysis_page_follows_coding(server, browser):
    folder, url = server
    page = _page(browser, url)
    _open(page, url, "/analysis")
    row = page.locator("tr", has=page.locator("a", has_text="W04"))
    before = row.inner_text()
    assert "Te veel of te makkelijk" not in before
    _open(page, url, "/documents/W04")
    _select(page, "wordt er soms te makkelijk gedeeld, ook buiten het overleg om")
    page.wait_for_selector("#picker:not([hidden])")
    page.keyboard.type("te makkelijk")
    page.keyboard.press("Enter")
    page.wait_for_selector("#margin .bar[data-code='problems.too_easy']")
    _open(page, url, "/analysis")
    after = page.locator("tr", has=page.locator("a", has_text="W04")).inner_text()
    assert "2 · Te veel of te makkelijk" in after
    # a number links to the passage behind it, opened in its document
    page.locator("tr", has=page.locator("a", has_text="W04")).locator("td.n a").first.click()
    page.wait_for_selector("ol.passages li")
    assert "wordt er soms te makkelijk gedeeld, ook buiten het overleg om" in page.locator("ol.passages").inner_text()
    page.locator("ol.passages li a").first.click()
    page.wait_for_selector("body[data-ready]")
    assert "/documents/W04" in page.url


def test_two_browsers_code_the_same_document_at_once(server, browser):
    folder, url = server
    a, b = _page(browser, url), _page(browser, url)
    _open(a, url, "/documents/W01")
    _open(b, url, "/documents/W01")
    _select(a, "Met de huisarts en de school werken we goed samen")
    _select(b, "kunnen we sneller hulp bieden")
    a.wait_for_selector("#picker:not([hidden])")
    b.wait_for_selector("#picker:not([hidden])")
    a.keyboard.type("samenwerking")
    b.keyboard.type("coördinatie")
    a.keyboard.press("Enter")
    b.keyboard.press("Enter")
    a.wait_for_function("() => document.getElementById('status').textContent.startsWith('Gecodeerd')")
    b.wait_for_function("() => document.getElementById('status').textContent.startsWith('Gecodeerd')")
    texts = {r[0] for r in _store(folder, "SELECT text FROM codings WHERE document = 'W01'")}
    assert "Met de huisarts en de school werken we goed samen" in texts
    assert "kunnen we sneller hulp bieden" in texts
    a.reload()
    a.wait_for_selector("body[data-ready]")
    a.wait_for_function("() => Array.from(document.querySelectorAll('.hl')).some(e => e.textContent.includes('sneller hulp'))")


def test_keyboard_only_coding_of_a_turn(server, browser):
    folder, url = server
    page = _page(browser, url)
    _open(page, url, "/documents/W03")
    page.locator("h1").click()
    page.keyboard.press("t")                       # the first respondent turn
    assert page.locator(".turn-focus").inner_text().startswith("Ik coördineer")
    page.keyboard.press("c")
    page.wait_for_selector("#picker:not([hidden])")
    page.keyboard.type("functie")
    page.keyboard.press("Enter")
    page.wait_for_selector("#margin .bar[data-code='intro.function']")
    rows = _store(folder, "SELECT text FROM codings WHERE document = 'W03' AND code = 'intro.function'")
    assert rows == [("Ik coördineer het overleg over complexe casussen voor de gemeente.",)]
