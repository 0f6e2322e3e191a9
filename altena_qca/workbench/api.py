"""The workbench's JSON API under ``/api`` (documented in docs/workbench.md).

Each endpoint parses its input and makes one call on the
:class:`~altena_qca.workbench.state.Workbench`; errors become JSON
``{"error": message}`` with 400 (bad input), 404 (unknown id) or 409
(undo over a later change).
"""
from __future__ import annotations

import functools
import json
import math

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..errors import AltenaError
from ..store.codings import ConflictError

__all__ = ["routes", "records"]

_MAX_BODY = 1_000_000


def records(df) -> list[dict]:
    """DataFrame rows as JSON-safe dicts (NaN → None, numpy → Python)."""
    out = []
    for row in df.to_dict(orient="records"):
        clean = {}
        for k, v in row.items():
            if hasattr(v, "item"):
                v = v.item()
            if v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
                v = None
            clean[str(k)] = v
        out.append(clean)
    return out


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def endpoint(func):
    """Run a sync handler in the thread pool and map errors to JSON."""
    @functools.wraps(func)
    async def wrapper(request: Request):
        request.state.body = await request.body() if request.method in ("POST", "PUT", "PATCH") else b""
        try:
            return await run_in_threadpool(func, request, request.app.state.workbench)
        except ConflictError as exc:
            return _error(409, str(exc))
        except KeyError as exc:
            return _error(404, f"not found: {exc.args[0] if exc.args else ''}")
        except (AltenaError, ValueError, TypeError) as exc:
            return _error(400, str(exc))
    return wrapper


def _body(request: Request) -> dict:
    raw = request.state.body
    if len(raw) > _MAX_BODY:
        raise ValueError("request body too large")
    try:
        data = json.loads(raw or b"{}")
    except json.JSONDecodeError as exc:
        raise ValueError(f"body is not JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    return data


def _int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"'{name}' must be an integer")
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"'{name}' must be an integer") from None


def _coder(request: Request, data: dict | None = None) -> str:
    wb = request.app.state.workbench
    coder = (data or {}).get("coder") or wb.coder
    if not isinstance(coder, str) or not coder.strip() or len(coder) > 80:
        raise ValueError("'coder' must be a short name")
    return coder.strip()


def _public(row: dict) -> dict:
    return {k: row[k] for k in ("id", "document", "start", "end", "code", "coder", "origin", "confidence", "memo")}


@endpoint
def list_documents(request, wb):
    return JSONResponse(wb.documents())


@endpoint
def get_document(request, wb):
    view = wb.document_view(request.path_params["doc_id"])
    return JSONResponse({k: view[k] for k in ("id", "kind", "text", "turns", "respondent")}
                        | {"memo": wb.store.document_memo(view["id"])})


@endpoint
def document_codings(request, wb):
    doc = wb.document(request.path_params["doc_id"])
    return JSONResponse([_public(r) for r in wb.codings(doc.id)])


@endpoint
def document_suggestions(request, wb):
    doc = wb.document(request.path_params["doc_id"])
    return JSONResponse({"status": wb.suggester_status(), "suggestions": wb.suggestions(doc.id)})


@endpoint
def document_memo(request, wb):
    doc = wb.document(request.path_params["doc_id"])
    data = _body(request)
    memo = data.get("memo", "")
    if not isinstance(memo, str):
        raise ValueError("'memo' must be text")
    wb.set_memo(doc.id, memo, coder=_coder(request, data))
    return JSONResponse({"document": doc.id, "memo": wb.store.document_memo(doc.id)})


@endpoint
def create_coding(request, wb):
    data = _body(request)
    for key in ("document", "start", "end", "code"):
        if key not in data:
            raise ValueError(f"missing '{key}'")
    memo = data.get("memo") or ""
    if not isinstance(memo, str):
        raise ValueError("'memo' must be text")
    row = wb.add_coding(str(data["document"]), _int(data["start"], "start"), _int(data["end"], "end"),
                        str(data["code"]), coder=_coder(request, data), memo=memo)
    return JSONResponse(_public(row), status_code=201)


@endpoint
def change_coding(request, wb):
    coding_id = _int(request.path_params["coding_id"], "id")
    if request.method == "DELETE":
        row = wb.delete_coding(coding_id, by=_coder(request))
        return JSONResponse(_public(row))
    data = _body(request)
    changes = {}
    for key in ("start", "end"):
        if key in data:
            changes[key] = _int(data[key], key)
    for key in ("code", "memo"):
        if key in data:
            if not isinstance(data[key], str):
                raise ValueError(f"'{key}' must be text")
            changes[key] = data[key]
    row = wb.update_coding(coding_id, by=_coder(request, data), **changes)
    return JSONResponse(_public(row))


@endpoint
def decide(request, wb):
    data = _body(request)
    decision = data.get("decision")
    if decision not in ("accepted", "rejected"):
        raise ValueError("'decision' must be 'accepted' or 'rejected'")
    suggestion = {"start": _int(data.get("start"), "start"), "end": _int(data.get("end"), "end"),
                  "code": str(data.get("code")), "rule": str(data.get("rule") or ""),
                  "confidence": data.get("confidence")}
    if suggestion["confidence"] is not None and not isinstance(suggestion["confidence"], (int, float)):
        raise ValueError("'confidence' must be a number")
    row = wb.decide(str(data.get("document")), suggestion, decision, coder=_coder(request, data))
    return JSONResponse(row, status_code=201)


@endpoint
def undo(request, wb):
    row = wb.undo(coder=_coder(request, _body(request)))
    return JSONResponse({"undone": row})


@endpoint
def history(request, wb):
    doc = request.query_params.get("document")
    return JSONResponse(wb.store.history(limit=100, document=doc))


@endpoint
def codebook(request, wb):
    return JSONResponse(wb.codebook())


@endpoint
def codebook_add(request, wb):
    data = _body(request)
    fields = {k: data.get(k) for k in ("id", "label_nl", "label_en", "definition", "parent")}
    for k, v in fields.items():
        if v is not None and not isinstance(v, str):
            raise ValueError(f"'{k}' must be text")
    if not fields["id"] or not fields["label_nl"]:
        raise ValueError("an inductive code needs 'id' and 'label_nl'")
    indicators = data.get("indicators") or []
    if isinstance(indicators, str):
        indicators = [line.strip() for line in indicators.splitlines() if line.strip()]
    rules = data.get("rules") or None
    if isinstance(rules, str):
        import yaml
        rules = yaml.safe_load(rules) if rules.strip() else None
    result = wb.edit_codebook("add", **fields, indicators=indicators, rules=rules, kind="inductive")
    return JSONResponse(result, status_code=201)


@endpoint
def codebook_edit(request, wb):
    edit = request.path_params["edit"]
    data = _body(request)
    code = str(data.get("code") or "")
    if edit == "rename":
        result = wb.edit_codebook("rename", code, str(data.get("new") or ""))
    elif edit == "merge":
        result = wb.edit_codebook("merge", code, str(data.get("target") or ""))
    elif edit == "move":
        result = wb.edit_codebook("move", code, data.get("parent") or None)
    elif edit == "delete":
        result = wb.edit_codebook("delete", code, force=bool(data.get("force")))
    else:
        raise KeyError(edit)
    return JSONResponse(result)


@endpoint
def analysis_groups(request, wb):
    return JSONResponse(records(wb.groups()))


@endpoint
def analysis_effects(request, wb):
    when = request.query_params.get("when", "today")
    if when not in ("today", "wams"):
        raise ValueError("'when' must be 'today' or 'wams'")
    return JSONResponse(records(wb.effects(when)))


@endpoint
def analysis_cooccurrence(request, wb):
    return JSONResponse(records(wb.cooccurrence(request.path_params["effect"])))


@endpoint
def agreement(request, wb):
    a, b = request.query_params.get("a"), request.query_params.get("b")
    if not a or not b:
        raise ValueError("give two coders: ?a=...&b=...")
    table, diffs = wb.agreement(a, b)
    return JSONResponse({"agreement": records(table), "disagreements": diffs})


routes = [
    Route("/api/documents", list_documents, methods=["GET"]),
    Route("/api/documents/{doc_id}", get_document, methods=["GET"]),
    Route("/api/documents/{doc_id}/codings", document_codings, methods=["GET"]),
    Route("/api/documents/{doc_id}/suggestions", document_suggestions, methods=["GET"]),
    Route("/api/documents/{doc_id}/memo", document_memo, methods=["PUT"]),
    Route("/api/codings", create_coding, methods=["POST"]),
    Route("/api/codings/{coding_id}", change_coding, methods=["PATCH", "DELETE"]),
    Route("/api/suggestions/decide", decide, methods=["POST"]),
    Route("/api/undo", undo, methods=["POST"]),
    Route("/api/history", history, methods=["GET"]),
    Route("/api/codebook", codebook, methods=["GET"]),
    Route("/api/codebook/codes", codebook_add, methods=["POST"]),
    Route("/api/codebook/{edit}", codebook_edit, methods=["POST"]),
    Route("/api/analysis/groups", analysis_groups, methods=["GET"]),
    Route("/api/analysis/effects", analysis_effects, methods=["GET"]),
    Route("/api/analysis/cooccurrence/{effect}", analysis_cooccurrence, methods=["GET"]),
    Route("/api/agreement", agreement, methods=["GET"]),
]
