"""The review loop: a person accepts or rejects suggestions; accepted ones become manual codings.

:func:`export_review` writes the suggestions as a CSV a researcher opens in a
spreadsheet: one row per suggestion with the respondent's function label, the
passage, the evidence the rule found, the code's Dutch label, the confidence
and an empty ``decision`` column. It can leave out suggestions that repeat an
existing coding (``new_only``) and keep only some codes (``codes``). The
reviewer writes a decision (:data:`ACCEPT` / :data:`REJECT`, Dutch or English:
``ja``/``nee``, ``accepteren``/``afwijzen``, ``accept``/``reject`` ...) and may
correct the ``code`` of an accepted row. :func:`import_review` turns the
accepted rows into codings with origin ``manual`` and the reviewer as coder;
:func:`apply_review` adds them to the study folder's ``codings.csv`` and
records every decision (accepted and rejected) in ``review_decisions.csv`` for
evaluating the auto-coder, both files in one atomic step. Rows without a
decision are skipped; an unknown decision (the message lists the accepted
values), code, document or span stops the import with the line it is on.

Offsets in files are those of ``codings.csv``: positions in the transcripts as
typed. In memory (a corpus pseudonymised on ingest, :func:`suggest`'s output,
``study.codings``) they are positions in the pseudonymised text; the files are
converted on the way in and out (:func:`to_typed_offsets`, and the
pseudonymiser's ``remap_codings``), so a suggestion file, a review file and
``codings.csv`` agree offset for offset.

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
>>> _ = path.write_text(path.read_text().replace(",,\\n", ",ja,\\n"))
>>> import_review(path, corpus, cb, reviewer="student-a")[["code", "coder", "origin"]].values.tolist()
[['t', 'student-a', 'manual']]
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from .._cells import neutralise
from .._io import write_csv, write_files_atomically
from ..errors import Errors, InputError
from ..model import CODING_COLUMNS, Codebook, Corpus, check_codings, make_codings
from ..privacy.replacements import to_corpus_offsets, to_typed_offsets  # offsets typed <-> pseudonymised

__all__ = ["REVIEW_COLUMNS", "DECISION_COLUMNS", "ACCEPT", "REJECT", "export_review", "recorded_decisions",
           "read_decisions",
           "import_review", "apply_review", "to_typed_offsets", "to_corpus_offsets"]

REVIEW_COLUMNS = ["document", "function", "start", "end", "code", "label_nl", "confidence", "rule", "evidence",
                  "passage", "decision", "note"]
#: Columns of ``review_decisions.csv``: every decision, for evaluating the auto-coder.
DECISION_COLUMNS = ["document", "start", "end", "code", "suggested_code", "confidence", "rule", "decision",
                    "reviewer", "note"]
#: Decisions read as accept / reject (case-insensitive, Dutch or English); empty = 'not yet reviewed'.
ACCEPT = ("ja", "j", "accepteren", "accepteer", "geaccepteerd", "akkoord", "accept", "accepted", "a", "yes",
          "y", "1", "true")
REJECT = ("nee", "n", "afwijzen", "wijs af", "afgewezen", "reject", "rejected", "r", "no", "0", "false")
_CODINGS_HEADER = ["document", "start", "end", "code", "coder", "origin", "confidence"]


def export_review(suggestions: pd.DataFrame | str | Path, corpus: Corpus, path: str | Path, *,
                  codebook: Codebook | None = None, codings: pd.DataFrame | None = None, new_only: bool = False,
                  codes: list[str] | tuple[str, ...] | None = None,
                  decided: pd.DataFrame | None = None) -> pd.DataFrame:
    """Write suggestions to a review CSV with the passage and an empty ``decision``.

    Parameters
    ----------
    suggestions : DataFrame or path
        Auto-codings: a frame from :func:`~altena_qca.coding.suggest` (offsets
        into ``corpus``'s texts) or the CSV ``altena-qca code`` writes
        (offsets as in ``codings.csv``).
    corpus : Corpus
        The documents the passages are cut from.
    path : str or Path
        Where to write the CSV (offsets as in ``codings.csv``).
    codebook : Codebook, optional
        Adds each code's Dutch label; with ``codes``, a code's sub-codes count too.
    codings : DataFrame, optional
        The study's codings (``study.codings``), for ``new_only``.
    new_only : bool
        Leave out a suggestion when an existing coding of the same code
        overlaps its passage in the same document (it says nothing new), or
        when a decision on it is recorded in ``decided``.
    decided : DataFrame, optional
        Decisions made before (:func:`recorded_decisions`), corpus offsets.
    codes : list of str, optional
        Keep only suggestions of these codes (and their sub-codes).

    Returns
    -------
    DataFrame
        The table written (:data:`REVIEW_COLUMNS`), in file offsets.

    Raises
    ------
    InputError
        [E106]/[E124] for a missing file or columns, [E120] for a suggestion
        on an unknown document, [E211] for an unknown code in ``codes``.
    """
    if not isinstance(suggestions, pd.DataFrame):
        suggestions = to_corpus_offsets(_read_suggestions(Path(suggestions)), corpus)
    if codes:
        suggestions = suggestions[_of_codes(suggestions["code"], codes, codebook)]
    if new_only and codings is not None and len(codings):
        suggestions = suggestions[~_repeats(suggestions, codings)]
    if new_only and decided is not None and len(decided):
        seen = set(decided[["document", "start", "end", "code"]].itertuples(index=False, name=None))
        suggestions = suggestions[[(d, int(s), int(e), c) not in seen for d, s, e, c in
                                   suggestions[["document", "start", "end", "code"]].itertuples(index=False,
                                                                                                name=None)]]
    labels = {r.id: r.label for r in corpus.respondents.values()}
    rows = []
    for r in suggestions.itertuples(index=False):
        doc = corpus.documents.get(r.document)
        if doc is None:
            raise InputError(Errors.E120.format(path="suggestions", line="-", doc=r.document))
        ms, me = getattr(r, "match_start", None), getattr(r, "match_end", None)
        evidence = doc.text[int(ms):int(me)] if ms is not None and me is not None and not pd.isna(ms) else ""
        rows.append({"document": r.document, "function": labels.get(doc.respondent or "", ""),
                     "start": int(r.start), "end": int(r.end), "code": r.code,
                     "label_nl": codebook.codes[r.code].label_nl if codebook is not None and r.code in codebook else "",
                     "confidence": float(r.confidence), "rule": getattr(r, "rule", "") or "",
                     "evidence": evidence, "passage": doc.text[int(r.start):int(r.end)], "decision": "", "note": ""})
    table = to_typed_offsets(pd.DataFrame(rows, columns=REVIEW_COLUMNS), corpus)
    write_csv(table, path)
    return table


def recorded_decisions(study) -> pd.DataFrame:
    """The review decisions recorded for ``study`` (``document, start, end, code, decision``), corpus offsets.

    From the coding store (``study.sqlite``) when the study has one, else from
    ``review_decisions.csv`` (offsets as typed); empty when there are none.
    """
    columns = ["document", "start", "end", "code", "decision"]
    data_dir = getattr(study, "data_dir", None)
    if data_dir is None:
        return pd.DataFrame(columns=columns)
    from ..store.codings import STORE_NAME, CodingStore
    if (Path(data_dir) / STORE_NAME).exists():
        store = CodingStore.open(Path(data_dir) / STORE_NAME)
        try:
            return store.decisions()[columns]
        finally:
            store.close()
    log = Path(data_dir) / "review_decisions.csv"
    if not log.exists():
        return pd.DataFrame(columns=columns)
    table = pd.read_csv(log, dtype={"document": str, "code": str}, keep_default_na=False, encoding="utf-8-sig")
    table = table[[c for c in columns if c in table.columns]]
    table = table[pd.to_numeric(table["start"], errors="coerce").notna()
                  & pd.to_numeric(table["end"], errors="coerce").notna()].astype({"start": "int64", "end": "int64"})
    return to_corpus_offsets(table, study.corpus)


def _of_codes(column: pd.Series, codes, codebook: Codebook | None) -> pd.Series:
    wanted = [c.strip() for c in codes if c and c.strip()]
    if codebook is not None:
        unknown = [c for c in wanted if c not in codebook]
        if unknown:
            raise InputError(Errors.E211.format(code=unknown[0]))
    return column.map(lambda c: any(c == w or c.startswith(w + ".") for w in wanted)).astype(bool)


def _repeats(suggestions: pd.DataFrame, codings: pd.DataFrame) -> pd.Series:
    """Per suggestion: does a coding of the same code overlap it in the same document?"""
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for d, s, e, c in codings[["document", "start", "end", "code"]].itertuples(index=False, name=None):
        spans.setdefault((d, c), []).append((int(s), int(e)))
    return pd.Series([any(s < ce and cs < e for cs, ce in spans.get((d, c), ()))
                      for d, s, e, c in suggestions[["document", "start", "end", "code"]]
                      .itertuples(index=False, name=None)], index=suggestions.index, dtype=bool)


def _unneutralised(passage):
    """The passage as exported, before :func:`~altena_qca._cells.neutralise` put a ``'`` in front."""
    if isinstance(passage, str) and passage.startswith("'") and neutralise(passage[1:]) == passage:
        return passage[1:]
    return passage


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


def _decision(value: str) -> str | None:
    """'accept', 'reject' or None (not yet reviewed); ValueError for anything else."""
    v = " ".join(str(value).split()).lower()
    if not v:
        return None
    if v in ACCEPT:
        return "accept"
    if v in REJECT:
        return "reject"
    raise ValueError(v)


def read_decisions(path: str | Path, corpus: Corpus, codebook: Codebook, *, reviewer: str) -> pd.DataFrame:
    """Every decided row of a review CSV, checked, in corpus offsets.

    Returns
    -------
    DataFrame
        :data:`DECISION_COLUMNS` plus ``_line``; ``decision`` is ``accept`` or
        ``reject``; ``code`` is the (possibly corrected) code, ``suggested_code``
        the auto-coder's. Accepted rows are checked like codings (document,
        span, code, passage).

    Raises
    ------
    InputError
        As :func:`import_review`.
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
    rows = []
    accepted_words = "/".join(ACCEPT[:6])
    rejected_words = "/".join(REJECT[:5])
    for i, row in table.iterrows():
        try:
            decision = _decision(row["decision"])
        except ValueError:
            raise InputError(Errors.E125.format(
                path=path, line=i + 2, value=row["decision"], column="decision",
                reason=f"accept with one of {accepted_words} (also {', '.join(ACCEPT[6:])}), reject with one of "
                       f"{rejected_words} (also {', '.join(REJECT[5:])}), or leave it empty")) from None
        if decision is None:
            continue
        for col in ("start", "end"):
            if not row[col].strip().lstrip("-").isdigit():
                raise InputError(Errors.E125.format(path=path, line=i + 2, value=row[col], column=col,
                                                    reason="expected a character offset"))
        rows.append({"document": row["document"].strip(), "start": int(row["start"]), "end": int(row["end"]),
                     "code": row["code"].strip(), "suggested_code": row["code"].strip(),
                     "confidence": row.get("confidence", ""), "rule": row.get("rule", ""), "decision": decision,
                     "reviewer": reviewer.strip(), "note": row.get("note", ""),
                     "passage": row.get("passage"), "_line": i + 2})
    out = pd.DataFrame(rows, columns=[*DECISION_COLUMNS, "passage", "_line"])
    out = to_corpus_offsets(out, corpus)
    acc = out[out["decision"] == "accept"]
    check = acc.assign(coder=reviewer.strip(), origin="manual")
    check_codings(check, corpus, codebook, path=str(path),
                  quotes=acc["passage"].map(_unneutralised) if "passage" in table.columns else None)
    return out.drop(columns="passage")


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
        ``codings`` plus them, in corpus offsets.

    Raises
    ------
    InputError
        [E106] missing file; [E124] missing columns; [E125] a decision that is
        neither accept nor reject (the message lists the accepted values) or an
        empty reviewer; [E120]/[E121]/[E122] an accepted row with an unknown
        document or code or a span outside the document; [E123] a passage that
        no longer matches the document.
    """
    decided = read_decisions(path, corpus, codebook, reviewer=reviewer)
    new = _accepted_codings(decided, reviewer)
    if codings is not None:
        new = make_codings(pd.concat([codings, _not_in(new, codings)], ignore_index=True))
    if out is not None:
        write_csv(to_typed_offsets(new[CODING_COLUMNS], corpus), out, neutralise=False)  # data, read back
    return new


def _accepted_codings(decided: pd.DataFrame, reviewer: str) -> pd.DataFrame:
    acc = decided[decided["decision"] == "accept"]
    return make_codings(pd.DataFrame({"document": acc["document"], "start": acc["start"].astype("int64"),
                                      "end": acc["end"].astype("int64"), "code": acc["code"],
                                      "coder": reviewer.strip(), "origin": "manual", "confidence": 1.0}))


def _not_in(new: pd.DataFrame, codings: pd.DataFrame) -> pd.DataFrame:
    key = ["document", "start", "end", "code", "coder"]
    have = set(codings[key].itertuples(index=False, name=None))
    keep = [tuple(r) not in have for r in new[key].itertuples(index=False, name=None)]
    return new[keep].drop_duplicates(key)


def apply_review(path: str | Path, study, *, reviewer: str) -> dict:
    """Add a reviewed CSV's accepted rows to the study folder's codings, atomically.

    When the study has the workbench's coding store (``study.sqlite``), the
    decisions go into it in one transaction (one action, undoable), accepted
    ones as the reviewer's codings. Otherwise ``<study>/codings.csv`` keeps every row it has, byte for byte, and gains
    the accepted rows that are not in it yet (origin ``manual``, the reviewer
    as coder; its ``text`` column, if it has one, gets the coded text as
    typed). Every decision — accepted and rejected, with the suggested and
    the final code — is appended to ``<study>/review_decisions.csv``
    (:data:`DECISION_COLUMNS`) so the auto-coder can be evaluated on what
    people decided. Both files are replaced together or not at all.

    Parameters
    ----------
    path : str or Path
        The reviewed CSV.
    study : Study
        The study it was exported from (``load_study(folder)``; ``data_dir`` set).
    reviewer : str
        The coder of the accepted codings.

    Returns
    -------
    dict
        ``accepted, rejected, added`` (accepted rows new to codings.csv),
        ``codings`` and ``decisions`` (the files written).

    Raises
    ------
    InputError
        As :func:`import_review`; [E135] for the bundled thesis study;
        [E134] when the study has no folder.
    """
    from ..resources import is_bundled

    data_dir = getattr(study, "data_dir", None)
    if data_dir is None:
        raise InputError(Errors.E134.format(path="study", reason="it was not loaded from a folder"))
    data_dir = Path(data_dir)
    target = data_dir / "codings.csv"
    if is_bundled(target):
        raise InputError(Errors.E135.format(path=data_dir, action="add reviewed codings to"))
    corpus = study.corpus
    decided = read_decisions(path, corpus, study.codebook, reviewer=reviewer)
    from ..store.codings import STORE_NAME, CodingStore
    if (data_dir / STORE_NAME).exists():  # the workbench's coding store holds the codings: go through it
        store = CodingStore.open(data_dir / STORE_NAME)
        try:
            done = store.decide_many(
                ((corpus.documents[r.document], {"start": r.start, "end": r.end, "code": r.code, "rule": r.rule,
                                                 "confidence": r.confidence}, r.decision + "ed")
                 for r in decided.itertuples(index=False)), coder=reviewer.strip(), summary=Path(path).name)
        finally:
            store.close()
        return {"accepted": done["accepted"], "rejected": done["rejected"], "added": done["added"],
                "codings": data_dir / STORE_NAME, "decisions": data_dir / STORE_NAME}
    new = _accepted_codings(decided, reviewer)
    header, rows = _read_rows(target) if target.exists() else (list(_CODINGS_HEADER), [])
    # what codings.csv holds now (not what was loaded), keyed as typed
    col = {c: header.index(c) for c in ("document", "start", "end", "code", "coder") if c in header}
    have = {tuple(r[col[c]].strip() if c in col and col[c] < len(r) else "" for c in col) for r in rows}
    restore = _original_text(corpus)
    typed = to_typed_offsets(new, corpus)
    added = 0
    for (_, r), (_, t) in zip(new.iterrows(), typed.iterrows()):
        values = {"document": r["document"], "start": str(int(t["start"])), "end": str(int(t["end"])),
                  "code": r["code"], "coder": r["coder"], "origin": "manual", "confidence": "1.0",
                  "text": restore(r["document"], corpus.documents[r["document"]].text[int(r["start"]):int(r["end"])])}
        key = tuple(values[c] for c in col)
        if key in have:
            continue
        have.add(key)
        rows.append([values.get(c, "") for c in header])
        added += 1
    log = data_dir / "review_decisions.csv"
    log_header, log_rows = _read_rows(log) if log.exists() else (list(DECISION_COLUMNS), [])
    logged = set(map(tuple, log_rows))
    for _, r in to_typed_offsets(decided, corpus).iterrows():
        line = [neutralise(str(r[c])) if c in r.index else "" for c in log_header]  # opened in spreadsheets
        if tuple(line) not in logged:  # the same file applied twice records its decisions once
            logged.add(tuple(line))
            log_rows.append(line)
    write_files_atomically({target: _csv_bytes(header, rows), log: _csv_bytes(log_header, log_rows)})
    return {"accepted": int((decided["decision"] == "accept").sum()),
            "rejected": int((decided["decision"] == "reject").sum()), "added": added,
            "codings": target, "decisions": log}


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None) or list(_CODINGS_HEADER)
        return header, [row for row in reader]


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _original_text(corpus: Corpus):
    """``restore(doc_id, text)``: pseudonym tags put back (in memory) for codings.csv's ``text`` column."""
    pseudo = getattr(corpus, "pseudonymiser", None)
    key_of = getattr(pseudo, "key_", None) or {}

    def restore(doc_id: str, text: str) -> str:
        for tag, original in (key_of.get(doc_id) or {}).items():
            text = text.replace(tag, original)
        return text
    return restore
