"""The workbench's JSON API and its access rules (no browser; see test_workbench_browser.py)."""
from __future__ import annotations

import os
import shutil
import signal
import threading
import time
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*")
pytest.importorskip("starlette")
from _workbench_study import make_study  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from altena_qca.store.codings import CodingStore  # noqa: E402
from altena_qca.workbench import Workbench, create_app  # noqa: E402
from altena_qca.workbench.server import serve_in_process  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
from altena_qca.resources import DEFAULT_DATA as DATA  # noqa: E402

TOKEN = "test-token-0123456789abcdef"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    dest = tmp_path_factory.mktemp("wb") / "altena"
    shutil.copytree(DATA, dest, ignore=shutil.ignore_patterns("study.sqlite*"))
    wb = Workbench(dest, coder="ans", suggestions=False)
    app = create_app(wb, token=TOKEN)
    return wb, app


@pytest.fixture()
def new_study(tmp_path):
    folder = make_study(tmp_path / "mijn-studie")
    wb = Workbench(folder, coder="ans", suggestions=False)
    app = create_app(wb, token=TOKEN)
    return wb, app


def bearer(app):
    return TestClient(app, base_url="http://127.0.0.1", headers={"Authorization": f"Bearer {TOKEN}"})


def browser(app):
    """A client that logged in through the start URL (cookie), as a browser does."""
    c = TestClient(app, base_url="http://127.0.0.1")
    r = c.get(f"/?token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert "httponly" in r.headers["set-cookie"].lower() and "samesite=strict" in r.headers["set-cookie"].lower()
    return c


# -- access -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/documents/R01", "/api/documents", "/api/codebook", "/static/workbench.js"])
def test_no_token_no_access(bundled, path):
    _, app = bundled
    c = TestClient(app, base_url="http://127.0.0.1")
    assert c.get(path).status_code == 403
    assert c.get(path, headers={"Authorization": "Bearer wrong-token-wrong-token"}).status_code == 403
    assert c.get(path + "?token=wrong").status_code == 403
    assert bearer(app).get(path).status_code == 200


def test_start_url_sets_cookie_and_keeps_other_parameters(bundled):
    _, app = bundled
    c = TestClient(app, base_url="http://127.0.0.1")
    r = c.get(f"/analysis?effect=trust&token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/analysis?effect=trust"
    assert c.get("/analysis?effect=trust").status_code == 200


def test_cross_site_requests_refused(bundled):
    wb, app = bundled
    c = browser(app)
    body = {"document": "R01", "start": 392, "end": 420, "code": "intro.function"}
    n = len(wb.store.codings())
    assert c.post("/api/codings", json=body).status_code == 403                       # no CSRF token
    assert c.post("/api/codings", json=body, headers={"X-CSRF-Token": "guess"}).status_code == 403
    csrf = app.state.csrf
    assert c.post("/api/codings", json=body, headers={"X-CSRF-Token": csrf,
                                                      "Origin": "http://evil.example"}).status_code == 403
    assert len(wb.store.codings()) == n
    r = c.post("/api/codings", json=body, headers={"X-CSRF-Token": csrf, "Origin": "http://127.0.0.1"})
    assert r.status_code == 201
    c.delete(f"/api/codings/{r.json()['id']}", headers={"X-CSRF-Token": csrf})


def test_csrf_token_is_in_the_page_not_guessable(bundled):
    _, app = bundled
    html = browser(app).get("/documents/R01").text
    assert f'<meta name="csrf" content="{app.state.csrf}">' in html
    assert TOKEN not in html


def test_get_never_changes_state(bundled):
    wb, app = bundled
    c = bearer(app)
    assert c.get("/api/codings").status_code == 405
    assert c.get("/api/undo").status_code == 405
    assert c.get("/api/codebook/codes").status_code in (404, 405)


def test_foreign_host_refused(bundled):
    _, app = bundled
    c = TestClient(app, base_url="http://evil.example", headers={"Authorization": f"Bearer {TOKEN}"})
    assert c.get("/api/documents").status_code == 403


def test_headers_forbid_other_origins(bundled):
    _, app = bundled
    for r in (bearer(app).get("/"), bearer(app).get("/api/documents"),
              TestClient(app, base_url="http://127.0.0.1").get("/")):
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "http" not in csp
        assert r.headers["referrer-policy"] == "no-referrer"


def test_file_names_never_reach_the_file_system(bundled):
    wb, app = bundled
    c = bearer(app)
    for path in ["/static/..%2fstate.py", "/static/../app.py", "/static/%2e%2e%2f%2e%2e%2fstudy.sqlite",
                 "/documents/..%2f..%2fcodings.csv", "/api/documents/..%2frespondents.csv",
                 "/api/documents/R01%2f..%2f..%2fstudy.sqlite/codings"]:
        r = c.get(path)
        assert r.status_code == 404, path
        assert b"SQLite format" not in r.content and b"document,start" not in r.content


def test_pages_and_assets_load_nothing_from_elsewhere(bundled):
    _, app = bundled
    c = bearer(app)
    for path in ["/", "/documents/R02", "/codebook", "/analysis", "/agreement", "/passages?code=effects",
                 "/static/workbench.js", "/static/workbench.css"]:
        text = c.get(path).text
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, path


# -- the API ------------------------------------------------------------------------------
def test_documents_and_document(bundled):
    wb, app = bundled
    c = bearer(app)
    docs = c.get("/api/documents").json()
    assert [d["id"] for d in docs][:2] == ["R01", "R02"]
    assert {"id", "respondent", "kind", "label", "side", "group", "codings"} <= set(docs[0])
    doc = c.get("/api/documents/R01").json()
    assert doc["text"] == wb.study.corpus.documents["R01"].text
    assert doc["turns"][0] == {k: getattr(wb.study.corpus.documents["R01"].segments[0], k)
                               for k in ("index", "speaker", "part", "start", "end")}
    assert c.get("/api/documents/nope").status_code == 404


def test_coding_lifecycle_and_offsets_match_the_library(new_study):
    wb, app = new_study
    c = bearer(app)
    text = c.get("/api/documents/W01").json()["text"]
    start = text.index("Het vertrouwen tussen")
    end = start + len("Het vertrouwen tussen de partners neemt af")
    r = c.post("/api/codings", json={"document": "W01", "start": start, "end": end,
                                     "code": "effects.trust.today.negative", "coder": "ans", "memo": "kern"})
    assert r.status_code == 201
    coding = r.json()
    assert set(coding) == {"id", "document", "start", "end", "code", "coder", "origin", "confidence", "memo"}
    assert (coding["start"], coding["end"], coding["memo"]) == (start, end, "kern")
    # the library sees the same coding at the same offsets (what the CLI and REFI export use)
    from altena_qca import load_study
    lib = load_study(wb.data_dir)
    row = lib.codings[lib.codings["code"] == "effects.trust.today.negative"].iloc[0]
    assert lib.corpus.documents["W01"].text[row["start"]:row["end"]] == "Het vertrouwen tussen de partners neemt af"
    r = c.patch(f"/api/codings/{coding['id']}", json={"code": "effects.trust", "end": end + 1, "memo": ""})
    assert r.status_code == 200 and r.json()["code"] == "effects.trust" and r.json()["end"] == end + 1
    assert c.patch(f"/api/codings/{coding['id']}", json={"code": "geen.code"}).status_code == 400
    assert c.patch(f"/api/codings/{coding['id']}", json={"end": 10 ** 6}).status_code == 400
    assert c.post("/api/codings", json={"document": "W01", "start": 5, "end": 2, "code": "effects"}).status_code == 400
    assert c.post("/api/codings", json={"document": "W01", "start": "x", "end": 2, "code": "effects"}).status_code == 400
    assert c.post("/api/codings", content=b"not json", headers={"content-type": "application/json"}).status_code == 400
    assert c.delete(f"/api/codings/{coding['id']}").status_code == 200
    assert c.get("/api/documents/W01/codings").json() == []
    assert c.delete(f"/api/codings/{coding['id']}").status_code == 400
    r = c.post("/api/undo", json={})
    assert r.status_code == 200 and r.json()["undone"]["action"] == "delete"
    assert [x["id"] for x in c.get("/api/documents/W01/codings").json()] == [coding["id"]]


def test_document_memo(new_study):
    wb, app = new_study
    c = bearer(app)
    assert c.put("/api/documents/W02/memo", json={"memo": "Respondent twijfelt over delen."}).status_code == 200
    assert c.get("/api/documents/W02").json()["memo"] == "Respondent twijfelt over delen."
    assert "Respondent twijfelt over delen." in c.get("/documents/W02").text


def test_analysis_follows_each_change(new_study):
    wb, app = new_study
    c = bearer(app)
    groups = {g["respondent"]: g["group"] for g in c.get("/api/analysis/groups").json()}
    assert groups["W02"] is None
    text = c.get("/api/documents/W02").json()["text"]
    start = text.index("Eerlijk gezegd")
    r = c.post("/api/codings", json={"document": "W02", "start": start, "end": start + 50,
                                     "code": "problems.too_easy"})
    assert r.status_code == 201
    groups = {g["respondent"]: g["group"] for g in c.get("/api/analysis/groups").json()}
    assert groups["W02"] == 2
    page = c.get("/analysis").text
    assert "W02" in page and "problems.too_easy" in page
    # the page speaks Dutch: why a respondent is where it is, and the stances of the effects tables
    assert "meeste coderingen: problems.too_easy 1×" in page and "geen codering van een probleemcode" in page
    assert "<td>negatief</td>" in page and "<td>blijft gelijk</td>" in page and "Andere effecten" in page
    for english in ("no coding of any group code", "<td>negative</td>", "<td>same</td>", "wams_other"):
        assert english not in page, english
    c.delete(f"/api/codings/{r.json()['id']}")
    groups = {g["respondent"]: g["group"] for g in c.get("/api/analysis/groups").json()}
    assert groups["W02"] is None


def test_suggestions_skip_repeats_and_decisions_are_recorded(new_study):
    wb, app = new_study
    wb._want_suggestions = True
    assert wb.wait_for_suggester()
    c = bearer(app)
    res = c.get("/api/documents/W01/suggestions").json()
    sug = res["suggestions"]
    assert sug, "the rules of the codebook find something in W01"
    first = sug[0]
    assert {"start", "end", "code", "rule", "confidence", "label"} <= set(first)
    before = wb._suggester.coder
    r = c.post("/api/suggestions/decide", json={**first, "document": "W01", "decision": "accepted"})
    assert r.status_code == 201 and r.json()["coding"]
    # the auto-coder is refitted on the accepted codings (AutoCoder.refit) for the other documents
    assert wb.wait_for_suggester()
    deadline = time.monotonic() + 120
    while not wb.suggester_status()["current"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert wb.suggester_status()["current"] and wb._suggester.coder is not before
    codings = c.get("/api/documents/W01/codings").json()
    assert any(x["code"] == first["code"] and x["start"] == first["start"] for x in codings)
    after = c.get("/api/documents/W01/suggestions").json()["suggestions"]
    assert not any((s["start"], s["code"]) == (first["start"], first["code"]) for s in after)
    second = after[0]
    c.post("/api/suggestions/decide", json={**second, "document": "W01", "decision": "rejected"})
    after2 = c.get("/api/documents/W01/suggestions").json()["suggestions"]
    assert not any((s["start"], s["end"], s["code"]) == (second["start"], second["end"], second["code"])
                   for s in after2)
    dec = wb.store.decisions("W01")
    assert dec["decision"].tolist() == ["accepted", "rejected"] and dec["rule"].iloc[0] == first["rule"]


def test_codebook_edits_go_to_the_study_codebook(new_study):
    from altena_qca.codebook import DEFAULT_CODEBOOK
    wb, app = new_study
    package_before = Path(DEFAULT_CODEBOOK).read_bytes()
    c = bearer(app)
    r = c.post("/api/codebook/codes", json={"id": "effects.extra_werk", "label_nl": "Extra werk",
                                            "definition": "Delen kost tijd.", "parent": "effects"})
    assert r.status_code == 201, r.text
    assert (wb.data_dir / "codebook.yaml").exists()
    assert "effects.extra_werk" in {x["id"] for x in c.get("/api/codebook").json()}
    assert c.post("/api/codebook/codes", json={"id": "effects.extra_werk", "label_nl": "Dubbel"}).status_code == 400
    text = c.get("/api/documents/W01").json()["text"]
    r = c.post("/api/codings", json={"document": "W01", "start": 3, "end": 20, "code": "effects.extra_werk"})
    assert r.status_code == 201
    r = c.post("/api/codebook/rename", json={"code": "effects.extra_werk", "new": "effects.meer_werk"})
    assert r.status_code == 200 and r.json()["codings_changed"] == 1
    assert [x["code"] for x in c.get("/api/documents/W01/codings").json()] == ["effects.meer_werk"]
    assert c.post("/api/codebook/delete", json={"code": "effects.meer_werk"}).status_code == 400  # still used
    assert c.post("/api/codebook/delete", json={"code": "effects.meer_werk", "force": True}).status_code == 200
    assert [x["code"] for x in c.get("/api/documents/W01/codings").json()] == ["_orphaned"]
    assert Path(DEFAULT_CODEBOOK).read_bytes() == package_before
    from altena_qca import load_study
    assert "_orphaned" in load_study(wb.data_dir).codebook
    assert len(text) > 20


def test_agreement_between_two_coders(new_study):
    wb, app = new_study
    c = bearer(app)
    text = c.get("/api/documents/W01").json()["text"]
    a = text.index("Het vertrouwen")
    b = text.index("Als we gegevens")
    for coder, code, pos in [("ans", "effects.trust", a), ("bo", "effects.trust", a), ("ans", "effects.coordination", b)]:
        assert c.post("/api/codings", json={"document": "W01", "start": pos, "end": pos + 30, "code": code,
                                            "coder": coder}).status_code == 201
    res = c.get("/api/agreement?a=ans&b=bo").json()
    codes = {r["code"]: r for r in res["agreement"]}
    assert codes["effects.trust"]["kappa"] == 1.0
    assert res["disagreements"] and res["disagreements"][0]["only_a"] == ["effects.coordination"]
    page = c.get("/agreement?a=ans&b=bo").text
    assert "Alleen ans" in page


# -- concurrency and kill -9 against a real server -------------------------------------
@pytest.fixture()
def server(tmp_path):
    folder = make_study(tmp_path / "studie")
    with serve_in_process(folder, token=TOKEN, suggestions=False) as running:
        yield folder, running.url, running.process


def test_two_clients_200_writes_each_all_present(server):
    import httpx
    folder, url, _ = server
    errors = []

    def client(coder):
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as c:
            for i in range(200):
                r = c.post("/api/codings", json={"document": "W01", "start": i, "end": i + 7,
                                                 "code": "effects.trust", "coder": coder})
                if r.status_code != 201:
                    errors.append(r.text)

    threads = [threading.Thread(target=client, args=(c,)) for c in ("ans", "bo")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        rows = c.get("/api/documents/W01/codings").json()
    for coder in ("ans", "bo"):
        assert sorted(r["start"] for r in rows if r["coder"] == coder) == list(range(200))


def test_server_killed_mid_request_leaves_a_consistent_store(server):
    import httpx
    folder, url, proc = server
    acknowledged = []
    stop = threading.Event()

    def client():
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10) as c:
            i = 0
            while not stop.is_set():
                try:
                    r = c.post("/api/codings", json={"document": "W01", "start": i % 300, "end": i % 300 + 9,
                                                     "code": "effects.trust", "memo": "m" * 2000})
                except httpx.HTTPError:
                    return
                if r.status_code == 201:
                    acknowledged.append(r.json()["id"])
                i += 1

    t = threading.Thread(target=client)
    t.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stop.set()
    t.join()
    assert len(acknowledged) >= 40
    store = CodingStore.open(folder / "study.sqlite")
    assert store.integrity() == "ok"
    ids = {c["id"] for c in store.codings()}
    assert set(acknowledged) <= ids                 # every answered request is kept
    assert len(ids) <= len(acknowledged) + 1         # at most the one in flight beyond them
    c = store.conn
    assert c.execute("SELECT count(*) FROM actions WHERE action = 'add'").fetchone()[0] == len(ids)
    assert c.execute("SELECT count(*) FROM changes WHERE tbl = 'codings'").fetchone()[0] == len(ids)
    store.close()


# -- serve ----------------------------------------------------------------------------------
def test_serve_in_process_says_why_a_server_did_not_start(tmp_path):
    with pytest.raises(RuntimeError, match=r"(?s)did not start \(exit code 2\):.*E134"):
        with serve_in_process(tmp_path / "geen-studie", token=TOKEN, suggestions=False):
            pass


def test_serve_refuses_other_addresses_without_a_token():
    from click.testing import CliRunner

    from altena_qca.cli import cli
    r = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2 and "E603" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["serve", "--host", "127.0.0.1", "--token", "short"])
    assert r.exit_code == 2 and "E604" in r.output


def test_bundled_study_is_coded_in_a_working_copy(tmp_path, monkeypatch):
    from altena_qca.study import is_bundled
    from altena_qca.workbench.server import working_copy
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    copy = working_copy(DATA)
    assert copy == tmp_path / "altena-qca" / "studies" / DATA.name
    assert not is_bundled(copy) and (copy / "respondents.csv").exists()
    (copy / "study.sqlite").write_bytes(b"")
    assert working_copy(DATA) == copy and (copy / "study.sqlite").exists()   # kept, not copied again
    assert not (DATA / "study.sqlite").exists()


def test_cli_sees_what_was_coded_in_the_workbench(new_study):
    """`altena-qca groups` (like `run`) reads the store: a coding made in the workbench counts."""
    from click.testing import CliRunner

    from altena_qca.cli import cli
    wb, app = new_study
    c = bearer(app)
    text = c.get("/api/documents/W04").json()["text"]
    start = text.index("wordt er soms te makkelijk gedeeld")
    assert c.post("/api/codings", json={"document": "W04", "start": start, "end": start + 34,
                                        "code": "problems.too_easy"}).status_code == 201
    r = CliRunner().invoke(cli, ["groups", "--data", str(wb.data_dir)])
    assert r.exit_code == 0, r.output
    line = next(l for l in r.output.splitlines() if l.startswith("W04"))
    assert "problems.too_easy=1" in line


def test_two_servers_on_one_study_see_each_others_work(new_study):
    """Two coders, each with their own server on the same folder: both keep all work and see the other's."""
    wb1, app1 = new_study
    wb2 = Workbench(wb1.data_dir, coder="bo", suggestions=False)
    app2 = create_app(wb2, token="other-token-0123456789abcdef")
    c1 = bearer(app1)
    c2 = TestClient(app2, base_url="http://127.0.0.1", headers={"Authorization": "Bearer other-token-0123456789abcdef"})
    a = c1.post("/api/codings", json={"document": "W01", "start": 3, "end": 20, "code": "effects.trust"}).json()
    b = c2.post("/api/codings", json={"document": "W01", "start": 30, "end": 50, "code": "effects.goals"}).json()
    assert (a["coder"], b["coder"]) == ("ans", "bo")
    for c in (c1, c2):
        assert {x["id"] for x in c.get("/api/documents/W01/codings").json()} == {a["id"], b["id"]}
    groups_before = c1.get("/api/analysis/groups").json()
    text = c2.get("/api/documents/W02").json()["text"]
    s = text.index("Eerlijk gezegd")
    c2.post("/api/codings", json={"document": "W02", "start": s, "end": s + 40, "code": "problems.too_easy"})
    groups_after = {g["respondent"]: g["group"] for g in c1.get("/api/analysis/groups").json()}
    assert groups_after["W02"] == 2 and groups_before != list(groups_after)
    # each server's browser cookie has its own name (cookies are shared across ports)
    assert app1.cookie != app2.cookie


def test_passages_behind_numbers(bundled):
    """Each number of the analysis page links to exactly the passages it counts."""
    wb, app = bundled
    c = bearer(app)
    effects = {(r["code"]): r for r in c.get("/api/analysis/effects?when=today").json()}
    row = effects["effects.trust.today.negative"]
    df = wb.passages(code="effects.trust.today.negative", group=1)
    respondents = {wb.study.corpus.respondent_of(d).id for d in df["document"]}
    assert len(respondents) == row["group_1"]          # the cell counts respondents with such a passage
    page = c.get("/passages?code=effects.trust.today.negative&group=1").text
    assert f"· {len(df)}</small>" in page
    ungrouped = wb.passages(code="problems", group="ungrouped")
    assert set(ungrouped["document"]) <= {r for r, g in zip(wb.groups()["respondent"], wb.groups()["group"]) if g != g}
    assert c.get("/passages?code=problems&group=ungrouped").status_code == 200
    assert c.get("/passages?code=problems&group=x").status_code == 404
    assert c.get("/passages?code=geen.code").status_code == 404


def test_cooccurrence_numbers_link_to_documents_holding_both_codes(bundled):
    wb, app = bundled
    c = bearer(app)
    rows = [r for r in c.get("/api/analysis/cooccurrence/trust").json() if r["n12"]]
    r = rows[0]
    df = wb.passages(codes=[r["problem_code"], r["stance_code"]], group=r["group"], together=True)
    assert df["document"].nunique() == r["n12"]
    assert "together=1" in c.get("/analysis?effect=trust").text


def test_a_study_made_with_init(tmp_path, monkeypatch):
    """`altena-qca init`, two interviews, nothing coded yet: every page works; coding places a respondent."""
    from _workbench_study import INTERVIEWS

    from altena_qca.init import init_study
    folder = tmp_path / "proef"
    init_study(folder, title="Proefstudie", municipality="Voorbeeldstad")
    header = (folder / "respondents.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "respondents.csv").write_text(
        header + "\nW01,Wijkcoach,wijkcoach,intern,2025-03-04,\nW02,Maatschappelijk werker,mw,extern,2025-03-06,\n",
        encoding="utf-8")
    for k in ("W01", "W02"):
        (folder / "transcripts" / f"{k}.txt").write_text(INTERVIEWS[k], encoding="utf-8")
    import altena_qca.check
    calls = []
    real = altena_qca.check.check_study
    monkeypatch.setattr(altena_qca.check, "check_study", lambda f, **kw: calls.append(f) or real(f, **kw))
    monkeypatch.chdir(folder)
    wb = Workbench(".", coder="ans", suggestions=False)                  # served from inside the folder
    c = bearer(create_app(wb, token=TOKEN))
    for path in ["/", "/documents/W01", "/codebook", "/analysis", "/agreement", "/api/analysis/groups"]:
        assert c.get(path).status_code == 200, path
    page = c.get("/").text
    assert "Proefstudie" in page and "Nog geen coderingen" in page and "<code>proef/study.sqlite</code>" in page
    assert "Er zijn nog geen handmatige coderingen" in page       # the warning says in Dutch what to do
    assert len(calls) == 1                                  # the check reads every transcript: once, not per page
    assert c.get("/passages?code=problems&group=ungrouped").status_code == 200      # no codings at all yet
    assert len(wb.passages(code="problems", group=1)) == 0
    assert [g["group"] for g in c.get("/api/analysis/groups").json()] == [None, None]
    text = c.get("/api/documents/W02").json()["text"]
    s = text.index("Eerlijk gezegd")
    assert c.post("/api/codings", json={"document": "W02", "start": s, "end": s + 40,
                                        "code": "problems.too_easy"}).status_code == 201
    assert [g["group"] for g in c.get("/api/analysis/groups").json()] == [None, 2]
    assert c.get("/analysis").status_code == 200
    assert "Nog geen coderingen" not in c.get("/").text and len(calls) == 1    # coded now: no 'no codings' warning
