"""The review loop: a person accepts or rejects suggestions; accepted ones become manual codings.

:func:`export_review` writes the suggestions as a CSV a researcher opens in a
spreadsheet: one row per suggestion with the passage, the evidence the rule
found, the code's Dutch label, the confidence and an empty ``decision``
column. The reviewer writes ``accept`` or ``reject`` (also ``a``/``r``,
``ja``/``nee``, ``yes``/``no``) and may correct the ``code`` of an accepted
row. :func:`import_review` turns the accepted rows into codings with origin
``manual`` and the reviewer as coder; rows without a decision are skipped,
and an unknown decision, code, document or span stops the import with the
line it is on.

Examples
--------
>>> import tempfile, pathlib
>>> from altena_qca.model import Code, Codebook, Corpus, Document, Segment, make_codings
>>> text = "R: Er is geen vertrouwen."
>>> corpus = Corpus({"D": Document("D", text, segments=[Segment("D", 0, "respondent", 3, 3, 25)])})
>>> cb = Codebook([Code("t", "Vertrouwen")])
>>> auto = make_codings([{"document": "D", "start": 3, "end": 25, "code": "t", "coder": "altena-qca",
...                       "origin": "auto", "confidence": 0.7}])
>>> path = pathlib.Path(tempfile.mkdtemp()) / "review.csv"
>>> table = export_review(auto, corpus, path, codebook=cb)
>>> table.loc[0, ["passage", "decision"]].tolist()
['Er is geen vertrouwen.', '']
>>> _ = path.write_text(path.read_text().replace(",,\\n", ",accept,\\n"))
>>> import_review(path, corpus, cb, reviewer="student-a")[["code", "coder", "origin"]].values.tolist()
[['t', 'student-a', 'manual']]
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import Errors, InputError
from ..model import CODING_COLUMNS, Codebook, Corpus, check_codings, make_codings

__all__ = ["REVIEW_COLUMNS", "ACCEPT", "REJECT", "export_review", "import_review", "to_typed_offsets"]

REVIEW_COLUMNS = ["document", "start", "end", "code", "label_nl", "confidence", "rule", "evidence",
                  "passage", "decision", "note"]
#: Decisions read as accept / reject (case-insensitive); an empty cell is 'not yet reviewed'.
ACCEPT = ("accept", "accepted", "a", "yes", "y", "ja", "j", "1", "true")
REJECT = ("reject", "rejected", "r", "no", "n", "nee", "0", "false")


def export_review(suggestions: pd.DataFrame | str | Path, corpus: Corpus, path: str | Path, *,
                  codebook: Codebook | None = None) -> pd.DataFrame:
    """Write suggestions to a review CSV with the passage and an empty ``decision``.

    Parameters
    ----------
    suggestions : DataFrame or path
        Auto-codings (from :func:`~altena_qca.coding.suggest`, or the CSV
        ``altena-qca code`` writes), with offsets into ``corpus``'s texts.
    corpus : Corpus
        The documents the passages are cut from.
    path : str or Path
        Where to write the CSV.
    codebook : Codebook, optional
        Adds each code's Dutch label.

    Returns
    -------
    DataFrame
        The table written (:data:`REVIEW_COLUMNS`).
    """
    from ..report.tables import write_csv

    if not isinstance(suggestions, pd.DataFrame):
        suggestions = _read_suggestions(Path(suggestions))
    rows = []
    for r in suggestions.itertuples(index=False):
        doc = corpus.documents.get(r.document)
        if doc is None:
            raise InputError(Errors.E120.format(path="suggestions", line="-", doc=r.document))
        ms, me = getattr(r, "match_start", None), getattr(r, "match_end", None)
        evidence = doc.text[int(ms):int(me)] if ms is not None and me is not None and not pd.isna(ms) else ""
        rows.append({"document": r.document, "start": int(r.start), "end": int(r.end), "code": r.code,
                     "label_nl": codebook.codes[r.code].label_nl if codebook is not None and r.code in codebook else "",
                     "confidence": float(r.confidence), "rule": getattr(r, "rule", "") or "",
                     "evidence": evidence, "passage": doc.text[int(r.start):int(r.end)], "decision": "", "note": ""})
    table = pd.DataFrame(rows, columns=REVIEW_COLUMNS)
    write_csv(table, path)
    return table


def _read_suggestions(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError(Errors.E106.format(path=path))
    table = pd.read_csv(path, dtype={"document": str, "code": str, "rule": str}, keep_default_na=False,
                        encoding="utf-8-sig")
    need = ["document", "start", "end", "code", "confidence"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise InputError(Errors.E124.format(path=path, missing=missing, expected=need))
    return table


def import_review(path: str | Path, corpus: Corpus, codebook: Codebook, *, reviewer: str,
                  codings: pd.DataFrame | None = None, out: str | Path | None = None) -> pd.DataFrame:
    """Read a reviewed CSV; accepted rows become manual codings by ``reviewer``.

    Parameters
    ----------
    path : str or Path
        A CSV written by :func:`export_review` with ``decision`` filled in.
    corpus, codebook
        To check every accepted row's document, span and code.
    reviewer : str
        Recorded as the ``coder`` of the new codings.
    codings : DataFrame, optional
        Existing codings to add the accepted rows to; every existing row is
        kept, and an accepted row that repeats one (same document, span,
        code and coder) is not added twice.
    out : str or Path, optional
        Also write the result as a ``codings.csv`` for the study folder, its
        offsets moved back onto the transcripts as typed when the corpus was
        pseudonymised on ingest (as :func:`~altena_qca.ingest.load_codings`
        expects).

    Returns
    -------
    DataFrame
        The accepted rows as codings (origin ``manual``, confidence 1.0), or
        ``codings`` plus them.

    Raises
    ------
    InputError
        [E106] missing file; [E124] missing columns; [E125] a decision that is
        neither accept nor reject or an empty reviewer; [E120]/[E121]/[E122]
        an accepted row with an unknown document or code or a span outside
        the document; [E123] a passage that no longer matches the document.
    """
    path = Path(path)
    if not str(reviewer or "").strip():
        raise InputError(Errors.E125.format(path=path, line="-", value=reviewer, column="reviewer",
                                            reason="give the reviewer's name"))
    if not path.exists():
        raise InputError(Errors.E106.format(path=path))
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    need = ["document", "start", "end", "code", "decision"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise InputError(Errors.E124.format(path=path, missing=missing, expected=need))
    keep = []
    for i, row in table.iterrows():
        decision = row["decision"].strip().lower()
        if decision in ACCEPT:
            for col in ("start", "end"):
                if not row[col].strip().lstrip("-").isdigit():
                    raise InputError(Errors.E125.format(path=path, line=i + 2, value=row[col], column=col,
                                                        reason="expected a character offset"))
            keep.append(i)
        elif decision and decision not in REJECT:
            raise InputError(Errors.E125.format(path=path, line=i + 2, value=row["decision"], column="decision",
                                                reason="expected accept or reject (or leave empty)"))
    accepted = table.loc[keep]
    new = pd.DataFrame({"document": accepted["document"].str.strip(),
                        "start": accepted["start"].astype("int64"), "end": accepted["end"].astype("int64"),
                        "code": accepted["code"].str.strip(), "coder": reviewer.strip(), "origin": "manual",
                        "confidence": 1.0, "_line": [i + 2 for i in keep]})
    quotes = accepted["passage"] if "passage" in accepted.columns else None
    check_codings(new, corpus, codebook, path=str(path), quotes=quotes)
    new = make_codings(new.drop(columns="_line"))
    if codings is not None:
        key = ["document", "start", "end", "code", "coder"]
        have = set(map(tuple, codings[key].itertuples(index=False, name=None)))
        new = new[[tuple(r) not in have for r in new[key].itertuples(index=False, name=None)]]
        new = make_codings(pd.concat([codings, new], ignore_index=True))
    if out is not None:
        from ..report.tables import write_csv
        write_csv(to_typed_offsets(new[CODING_COLUMNS], corpus), out, neutralise=False)  # data, read back
    return new


def to_typed_offsets(codings: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """Codings on pseudonymised texts moved back onto the transcripts as typed.

    The inverse of :meth:`altena_qca.privacy.Pseudonymiser.remap_codings`: an
    offset inside a replacement tag goes to the start (for ``start``) or the
    end (for ``end``) of the name it replaced. Codings of documents that were
    not pseudonymised are returned unchanged.
    """
    offsets = getattr(getattr(corpus, "pseudonymiser", None), "offsets_", None) or {}
    out = codings.copy()
    for doc_id, omap in offsets.items():
        mask = out["document"] == doc_id
        if mask.any():
            out.loc[mask, "start"] = [_typed(omap, int(q), "start") for q in out.loc[mask, "start"]]
            out.loc[mask, "end"] = [_typed(omap, int(q), "end") for q in out.loc[mask, "end"]]
    return out


def _typed(omap, q: int, side: str) -> int:
    """Original offset of pseudonymised offset ``q`` under an ``OffsetMap``'s edits."""
    prev_old_end = prev_new_end = 0
    for old_start, old_end, new_start, new_end in omap.edits:
        if q < new_start:
            break
        if q < new_end or (q == new_end and side == "end" and q > new_start):
            return old_start if side == "start" or q == new_start else old_end
        prev_old_end, prev_new_end = old_end, new_end
    return prev_old_end + (q - prev_new_end)
