"""The workbench's pages (Dutch) and the ASGI application.

:func:`create_app` builds the Starlette application around one
:class:`~altena_qca.workbench.state.Workbench`: the pages below, the JSON
API of :mod:`.api`, the vendored static files (served from memory: a file
name in a URL never reaches the file system) and the access guard of
:mod:`.security`.
"""
from __future__ import annotations

import functools
import math
from importlib import resources
from urllib.parse import urlencode

import jinja2
import pandas as pd
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..errors import AltenaError
from ..report.figures import STANCE_NL
from ..report.wording import ROW_NL
from . import api
from .messages import dutch_warning
from .security import Guard, new_token

__all__ = ["create_app", "PALETTE_SIZE"]

#: Colours of the top-level codes (CSS classes c0 … c11).
PALETTE_SIZE = 12
_STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".svg": "image/svg+xml", ".png": "image/png"}


def _load_static() -> dict[str, tuple[bytes, str]]:
    out = {}
    for item in resources.files(__package__).joinpath("static").iterdir():
        suffix = "." + item.name.rsplit(".", 1)[-1]
        if item.is_file() and suffix in _STATIC_TYPES:
            out[item.name] = (item.read_bytes(), _STATIC_TYPES[suffix])
    return out


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader(__package__, "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)

    def num(v, digits=2):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "–"
        if isinstance(v, float):
            return f"{v:.{digits}f}".replace(".", ",")
        return str(v)

    env.filters["num"] = num
    env.filters["qs"] = lambda d: urlencode({k: v for k, v in d.items() if v is not None}, doseq=True)
    return env


def page(template: str):
    """A page handler: ``func(request, wb) -> context``, rendered in the thread pool."""
    def deco(func):
        @functools.wraps(func)
        async def wrapper(request: Request):
            wb = request.app.state.workbench

            def render():
                try:
                    ctx = func(request, wb)
                except KeyError as exc:
                    return HTMLResponse(_render(request, "error.html", {"message": f"Niet gevonden: {exc.args[0]}"}),
                                        status_code=404)
                except AltenaError as exc:
                    return HTMLResponse(_render(request, "error.html", {"message": str(exc)}), status_code=400)
                if isinstance(ctx, Response):
                    return ctx
                return HTMLResponse(_render(request, template, ctx))
            return await run_in_threadpool(render)
        return wrapper
    return deco


def _render(request: Request, template: str, ctx: dict) -> str:
    wb = request.app.state.workbench
    base = {"csrf": request.app.state.csrf, "coder": wb.coder, "study_title": _title(wb),
            "nav": request.url.path, "palette": PALETTE_SIZE}
    return request.app.state.env.get_template(template).render(**base, **ctx)


def _title(wb) -> str:
    cfg = getattr(wb.study, "config", None)
    title = getattr(cfg, "title", None)
    return title or wb.data_dir.name


def _colours(wb) -> dict[str, int]:
    return {root: i % PALETTE_SIZE for i, root in enumerate(wb.study.codebook.roots())}


@page("study.html")
def study_page(request, wb):
    docs = wb.documents()
    coders = sorted({c for d in docs for c in d["codings_by_coder"]})
    warnings = [dutch_warning(w) for w in dict.fromkeys((*wb.warnings, *wb.check_findings()))]
    groups = wb.groups().set_index("respondent") if wb.has_typology() else None
    group_labels = {}
    if groups is not None:
        group_labels = {int(g): l for g, l in zip(groups["group"], groups["group_label"]) if not pd.isna(g)}
    return {"documents": docs, "coders": coders, "n_codes": len(wb.study.codebook),
            "n_codings": int(len(wb.study.codings)), "warnings": warnings, "group_labels": group_labels,
            "data_dir": wb.data_dir.name}


@page("document.html")
def document_page(request, wb):
    view = wb.document_view(request.path_params["doc_id"])
    docs = list(wb.study.corpus.documents)
    i = docs.index(view["id"])
    codings = [api._public(r) for r in wb.codings(view["id"])]
    return {"doc": view, "memo": wb.store.document_memo(view["id"]), "codings": codings,
            "prev": docs[i - 1] if i > 0 else None, "next": docs[i + 1] if i + 1 < len(docs) else None,
            "colours": _colours(wb), "codebook": wb.codebook(), "recent": wb.recent_codes(wb.coder)}


@page("codebook.html")
def codebook_page(request, wb):
    local = wb.codebook_path()
    return {"codes": wb.codebook(), "colours": _colours(wb), "own_codebook": local.exists()}


@page("analysis.html")
def analysis_page(request, wb):
    names = wb.effect_names()
    effect = request.query_params.get("effect") or (next(iter(names)) if names else None)
    if effect is not None and effect not in names:
        raise KeyError(effect)
    groups = api.records(wb.groups()) if wb.has_typology() else None
    for g in groups or []:
        g["basis_nl"] = _basis_nl(g)
    ctx = {"effect_names": names, "effect": effect, "groups": groups,
           "group_defs": _group_defs(wb), "effect_tables": [], "cooc": None}
    if names:
        for title, when in (("Effecten nu (situatie vandaag)", "today"), ("Effecten met de Wams", "wams")):
            table = wb.effects(when)
            gcols = [c for c in table.columns if str(c).startswith("group_")]
            rows = api.records(table)
            for r in rows:
                r["effect_nl"], r["stance_nl"] = _row_nl(r, names)
            ctx["effect_tables"].append((title, gcols, rows))
        ctx["cooc"] = api.records(wb.cooccurrence(effect))
        for r in ctx["cooc"]:
            r["stance_nl"] = STANCE_NL.get(str(r["stance"]), str(r["stance"]))
    return ctx


def _row_nl(row: dict, names: dict[str, str]) -> tuple[str, str]:
    """(effect, stance) of an effects-table row in Dutch, as the report writes them."""
    section, stance = str(row["section"]), str(row["stance"])
    if section == "effects":
        return names.get(str(row["effect"]), str(row["effect"])), STANCE_NL.get(stance, stance)
    if section == "wams_details":
        return ROW_NL.get(stance, str(row["label_nl"])), STANCE_NL["improves"]
    return "Andere effecten", ROW_NL.get(stance, str(row["label_nl"]))


def _basis_nl(row: dict) -> str:
    """Why a respondent is in its group (or in none), in Dutch, from the counts per group code."""
    counts = ", ".join(f"{k[2:]} {int(v)}×" for k, v in row.items()
                       if k.startswith("n_") and v is not None and int(v) > 0)
    status = str(row.get("status") or "")
    if status == "unplaced":
        return "geen codering van een probleemcode"
    if status == "ambiguous":
        return f"gelijkspel: {counts}"
    if str(row.get("evidence") or "").startswith("precedence"):
        return f"voorrang volgens het codeboek: {counts}"
    return f"meeste coderingen: {counts}"


def _group_defs(wb):
    from ..analysis.typology import typology_groups
    return typology_groups(wb.study.codebook) if wb.has_typology() else None


@page("passages.html")
def passages_page(request, wb):
    q = request.query_params
    code = q.get("code") or None
    codes = q.getlist("codes") or None
    group = q.get("group") or None
    if group is not None and group != "ungrouped":
        if not group.isdigit():
            raise KeyError(f"group {group}")
        group = int(group)
    documents = q.getlist("document") or None
    respondent_docs = None
    if q.get("respondent"):
        respondent_docs = [d.id for d in wb.study.corpus if d.respondent == q.get("respondent")]
    df = wb.passages(code=code, codes=codes, group=group, coder=q.get("coder") or None,
                     together=q.get("together") == "1",
                     documents=documents if documents is not None else respondent_docs)
    cb = wb.study.codebook
    title = (" & " if q.get("together") == "1" else " + ").join(f"{cb[c].label_nl} ({c})" for c in ([code] if code else []) + list(codes or []))
    return {"title": title or "Alle coderingen", "rows": api.records(df),
            "group": "niet ingedeeld" if group == "ungrouped" else group,
            "labels": {c.id: c.label_nl for c in cb}, "n": len(df)}


@page("agreement.html")
def agreement_page(request, wb):
    coders = wb.coders()
    a, b = request.query_params.get("a"), request.query_params.get("b")
    ctx = {"coders": coders, "a": a, "b": b, "table": None, "diffs": [], "error": None,
           "labels": {c.id: c.label_nl for c in wb.study.codebook}}
    if a and b:
        try:
            table, diffs = wb.agreement(a, b)
            ctx.update(table=api.records(table), diffs=diffs)
        except AltenaError as exc:
            ctx["error"] = str(exc)
    return ctx


async def static(request: Request):
    item = request.app.state.static.get(request.path_params["name"])
    if item is None:
        return PlainTextResponse("404 Not Found\n", status_code=404)
    body, media = item
    return Response(body, media_type=media, headers={"cache-control": "no-cache"})


def create_app(workbench, *, token: str | None = None, hosts: set[str] | None = None):
    """The ASGI application of the workbench.

    Parameters
    ----------
    workbench : Workbench
        The loaded study.
    token
        Access token (default: a new random one, see ``app.state.token``).
    hosts
        Accepted ``Host`` names; default ``127.0.0.1``, ``localhost``, ``::1``
        and ``testserver``.
    """
    routes = [
        Route("/", study_page),
        Route("/documents/{doc_id}", document_page),
        Route("/codebook", codebook_page),
        Route("/analysis", analysis_page),
        Route("/passages", passages_page),
        Route("/agreement", agreement_page),
        Route("/static/{name}", static),
        *api.routes,
    ]
    app = Starlette(routes=routes)
    app.state.workbench = workbench
    app.state.token = token or new_token()
    app.state.csrf = new_token()
    app.state.env = _env()
    app.state.static = _load_static()
    guarded = Guard(app, token=app.state.token, csrf=app.state.csrf,
                    hosts=hosts if hosts is not None else {"127.0.0.1", "localhost", "::1", "testserver"})
    return guarded
