"""The coding store: a study's codings, memos, review decisions and history.

``study.sqlite`` in the study folder holds what coders do: codings (document,
span, code, coder, origin, confidence, memo), a memo per document, the
decisions on the auto-coder's suggestions, and a history of every action
(who changed what, when) from which the last action can be undone. The
workbench, the CLI and the notebooks all read it (``load_study`` uses it when
it exists); ``codings.csv`` stays the plain-text form for version control,
written back by :func:`export_codings_csv` (``altena-qca codings export``).

Offsets are characters of the document text as altena-qca works on it (the
pseudonymised text), the same offsets the CLI and the REFI-QDA export use.
Each coding also stores the text it covers, so a transcript that changed
under the store is reported, not silently coded on other words.

Every public method is one action in one transaction
(:func:`~altena_qca.store._sqlite.transaction`): another process sees all of
it or nothing of it, and a process killed half-way leaves the store as
before that action.

Examples
--------
>>> import tempfile, pathlib
>>> from altena_qca.model import Document
>>> doc = Document(id="R01", text="I: Hoe gaat het?\\nR: Goed, dank je.", kind="interview")
>>> store = CodingStore.open(pathlib.Path(tempfile.mkdtemp()) / "study.sqlite")
>>> c = store.add(doc, 20, 25, "problems.none", coder="ans")
>>> c["code"], c["text"]
('problems.none', 'Goed,')
>>> _ = store.update(c["id"], coder="ans", document=doc, end=24)
>>> store.get(c["id"])["text"]
'Goed'
>>> [h["action"] for h in store.history()]
['update', 'add']
>>> store.undo(coder="ans")["action"]
'update'
>>> store.get(c["id"])["end"]
25
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from ..errors import Errors, InputError
from ..model import CODING_COLUMNS, ORIGINS, Corpus, Document, make_codings
from ..privacy.replacements import to_typed_offsets
from ._sqlite import connect, migrate, transaction

__all__ = ["STORE_NAME", "CodingStore", "StoreError", "ConflictError",
           "read_store_codings", "export_codings_csv"]

#: File name of the store inside a study folder.
STORE_NAME = "study.sqlite"

DECISIONS = ("accepted", "rejected")
CODING_FIELDS = ("document", "start", "end", "code", "coder", "origin", "confidence", "memo", "text")

_SCHEMA = [
    # version 1
    """
    CREATE TABLE codings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        document TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        code TEXT NOT NULL,
        coder TEXT NOT NULL,
        origin TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'auto', 'imported')),
        confidence REAL NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
        memo TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        CHECK (start >= 0 AND "end" > start)
    );
    CREATE INDEX codings_by_document ON codings (document, start, "end");
    CREATE TABLE document_memos (
        document TEXT PRIMARY KEY,
        memo TEXT NOT NULL,
        coder TEXT NOT NULL,
        changed TEXT NOT NULL
    );
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        document TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        code TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
        rule TEXT NOT NULL DEFAULT '',
        confidence REAL,
        coder TEXT NOT NULL,
        coding INTEGER,
        decided TEXT NOT NULL
    );
    CREATE INDEX decisions_by_document ON decisions (document, start, "end", code);
    CREATE TABLE actions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        coder TEXT NOT NULL,
        action TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '',
        undone_by INTEGER REFERENCES actions (id),
        undoes INTEGER REFERENCES actions (id)
    );
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        action INTEGER NOT NULL REFERENCES actions (id),
        tbl TEXT NOT NULL,
        row TEXT NOT NULL,
        before TEXT,
        after TEXT
    );
    CREATE INDEX changes_by_action ON changes (action);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
]

# tables whose rows the history can restore, with their key column
_KEYS = {"codings": "id", "document_memos": "document", "decisions": "id"}


class StoreError(InputError):
    """The store cannot do what was asked (unknown coding, bad span, ...)."""


class ConflictError(StoreError):
    """Undo refused: a later action changed the same rows."""


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds")


def _row(r: sqlite3.Row | None) -> dict | None:
    return None if r is None else dict(r)


def _new_id(cur: sqlite3.Cursor) -> int:
    """The rowid the INSERT on ``cur`` made (sqlite3 types it ``int | None``; None only if nothing was inserted)."""
    if cur.lastrowid is None:
        raise RuntimeError("the INSERT made no row")
    return cur.lastrowid


class CodingStore:
    """A study's ``study.sqlite``; see the module docstring.

    Open with :meth:`open`. One instance holds one connection and may be
    shared by threads only under a lock (the workbench does so).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    # -- opening ---------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, *, seed: pd.DataFrame | None = None,
             corpus: Corpus | None = None, source: str = "codings.csv",
             check_same_thread: bool = True) -> CodingStore:
        """Open ``path``, creating it (from ``seed`` codings) when new.

        Parameters
        ----------
        path
            The store file, normally ``<study>/study.sqlite``.
        seed
            Codings (as ``load_study`` returns them, offsets on the
            pseudonymised text) copied in once, when the store is created.
        corpus
            Needed with ``seed`` to record the text each coding covers.
        source
            Recorded as where the seed came from.
        """
        path = Path(path)
        conn = connect(path, check_same_thread=check_same_thread)
        migrate(conn, _SCHEMA)
        store = cls(conn, path)
        if seed is not None:
            store._seed(seed, corpus, source)
        return store

    def close(self) -> None:
        self.conn.close()

    def _seed(self, seed: pd.DataFrame, corpus: Corpus | None, source: str) -> None:
        with transaction(self.conn) as c:
            if c.execute("SELECT 1 FROM meta WHERE key = 'seeded_from'").fetchone():
                return
            rows = []
            for r in seed.itertuples(index=False):
                doc = corpus.documents.get(r.document) if corpus is not None else None
                text = doc.text[int(r.start):int(r.end)] if doc is not None else ""
                rows.append((r.document, int(r.start), int(r.end), r.code, r.coder, r.origin,
                             float(r.confidence), str(getattr(r, "memo", "") or ""), text))
            c.executemany('INSERT INTO codings (document, start, "end", code, coder, origin, '
                          'confidence, memo, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', rows)
            c.execute("INSERT INTO meta VALUES ('seeded_from', ?)", (f"{source} ({len(rows)} codings)",))
            aid = self._action(c, "system", "import", f"{len(rows)} codings from {source}")
            c.execute("INSERT INTO changes (action, tbl, row, before, after) VALUES (?, 'meta', "
                      "'seeded_from', NULL, ?)", (aid, json.dumps(len(rows))))

    # -- history ---------------------------------------------------------------
    @staticmethod
    def _action(c: sqlite3.Connection, coder: str, action: str, summary: str = "",
                undoes: int | None = None) -> int:
        cur = c.execute("INSERT INTO actions (at, coder, action, summary, undoes) VALUES (?, ?, ?, ?, ?)",
                        (_now(), coder, action, summary, undoes))
        return _new_id(cur)

    @staticmethod
    def _change(c, aid: int, tbl: str, key, before: dict | None, after: dict | None) -> None:
        c.execute("INSERT INTO changes (action, tbl, row, before, after) VALUES (?, ?, ?, ?, ?)",
                  (aid, tbl, str(key), None if before is None else json.dumps(before, sort_keys=True),
                   None if after is None else json.dumps(after, sort_keys=True)))

    def history(self, limit: int = 50, document: str | None = None) -> list[dict]:
        """The latest actions, newest first: ``id, at, coder, action, summary, undone``."""
        rows = self.conn.execute(
            "SELECT id, at, coder, action, summary, undone_by IS NOT NULL AS undone FROM actions "
            "ORDER BY id DESC LIMIT ?", (limit if document is None else 100_000,)).fetchall()
        out = [dict(r) for r in rows]
        if document is not None:
            ids = {r[0] for r in self.conn.execute(
                "SELECT DISTINCT action FROM changes WHERE json_extract(coalesce(after, before), "
                "'$.document') = ?", (document,))}
            out = [r for r in out if r["id"] in ids][:limit]
        return out

    def undo(self, coder: str, action: int | None = None) -> dict:
        """Undo an action (default: ``coder``'s latest one not yet undone).

        The undo is itself an action in the history. Raises
        :class:`ConflictError` when a later action changed the same rows
        (undo that one first) and :class:`StoreError` when nothing is left.
        """
        with transaction(self.conn) as c:
            if action is None:
                r = c.execute("SELECT * FROM actions WHERE coder = ? AND undone_by IS NULL AND undoes IS NULL "
                              "AND action != 'import' ORDER BY id DESC LIMIT 1", (coder,)).fetchone()
            else:
                r = c.execute("SELECT * FROM actions WHERE id = ?", (action,)).fetchone()
            if r is None or r["undone_by"] is not None or r["action"] == "import":
                raise StoreError(Errors.E600.format(path=self.path, reason="nothing to undo"))
            changes = c.execute("SELECT * FROM changes WHERE action = ? ORDER BY id DESC", (r["id"],)).fetchall()
            aid = self._action(c, coder, "undo", f"{r['action']}: {r['summary']}", undoes=r["id"])
            for ch in changes:
                tbl, key = ch["tbl"], ch["row"]
                before = json.loads(ch["before"]) if ch["before"] else None
                after = json.loads(ch["after"]) if ch["after"] else None
                current = self._fetch(c, tbl, key)
                if current != after:
                    raise ConflictError(Errors.E601.format(
                        path=self.path, action=r["id"], tbl=tbl, row=key))
                self._put(c, tbl, key, before)
                self._change(c, aid, tbl, key, after, before)
            c.execute("UPDATE actions SET undone_by = ? WHERE id = ?", (aid, r["id"]))
            return dict(r)

    def _inserted(self, c: sqlite3.Connection, tbl: str, cur: sqlite3.Cursor) -> dict:
        """The row the INSERT on ``cur`` just added to ``tbl`` (in the same transaction)."""
        row = self._fetch(c, tbl, _new_id(cur))
        if row is None:
            raise RuntimeError(f"the row just inserted into {tbl} is not there")
        return row

    def _fetch(self, c, tbl: str, key) -> dict | None:
        k = _KEYS[tbl]
        row = _row(c.execute(f'SELECT * FROM {tbl} WHERE "{k}" = ?', (key,)).fetchone())
        if row is not None and tbl == "decisions":
            row.pop("decided", None)
        return row

    def _put(self, c, tbl: str, key, values: dict | None) -> None:
        k = _KEYS[tbl]
        c.execute(f'DELETE FROM {tbl} WHERE "{k}" = ?', (key,))
        if values is not None:
            values = dict(values)
            if tbl == "decisions":
                values["decided"] = _now()
            cols = ", ".join(f'"{col}"' for col in values)
            c.execute(f"INSERT INTO {tbl} ({cols}) VALUES ({', '.join('?' * len(values))})",
                      tuple(values.values()))

    # -- codings -----------------------------------------------------------------
    def get(self, coding_id: int) -> dict | None:
        """One coding as a dict (or None)."""
        return _row(self.conn.execute("SELECT * FROM codings WHERE id = ?", (int(coding_id),)).fetchone())

    def codings(self, document: str | None = None, coder: str | None = None) -> list[dict]:
        """Codings, sorted by document, start, end, code, coder, id."""
        sql = "SELECT * FROM codings WHERE 1"
        args: list[object] = []
        if document is not None:
            sql, args = sql + " AND document = ?", args + [document]
        if coder is not None:
            sql, args = sql + " AND coder = ?", args + [coder]
        sql += ' ORDER BY document, start, "end", code, coder, id'
        return [dict(r) for r in self.conn.execute(sql, args)]

    def frame(self) -> pd.DataFrame:
        """All codings as the canonical codings DataFrame (plus ``memo``, ``id``)."""
        df = pd.read_sql_query('SELECT id, document, start, "end", code, coder, origin, confidence, memo '
                               "FROM codings", self.conn)
        df = df[CODING_COLUMNS + ["memo", "id"]]
        return make_codings(df)

    def _check_span(self, doc: Document, start: int, end: int) -> None:
        if not 0 <= start < end <= len(doc.text):
            raise StoreError(Errors.E122.format(path=self.path, line="-", start=start, end=end,
                                                doc=doc.id, length=len(doc.text)))

    def add(self, document: Document, start: int, end: int, code: str, *, coder: str,
            memo: str = "", origin: str = "manual", confidence: float = 1.0,
            _action: str = "add") -> dict:
        """Add one coding of ``document.text[start:end]``; returns it."""
        start, end = int(start), int(end)
        self._check_span(document, start, end)
        if origin not in ORIGINS:
            raise StoreError(Errors.E125.format(path=self.path, line="-", value=origin, column="origin",
                                                reason=f"expected one of {ORIGINS}"))
        with transaction(self.conn) as c:
            return self._add(c, document, start, end, code, coder, memo, origin, confidence, _action)

    def _add(self, c, document, start, end, code, coder, memo, origin, confidence, action, aid=None):
        cur = c.execute('INSERT INTO codings (document, start, "end", code, coder, origin, confidence, memo, text) '
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (document.id, start, end, code, coder, origin, float(confidence), memo,
                         document.text[start:end]))
        row = self._inserted(c, "codings", cur)
        if aid is None:
            aid = self._action(c, coder, action, f"{document.id} {start}-{end} {code}")
        self._change(c, aid, "codings", row["id"], None, row)
        return row

    def update(self, coding_id: int, *, coder: str, document: Document | None = None,
               **changes) -> dict:
        """Change ``code``, ``start``/``end`` (needs ``document``), ``memo`` of a coding.

        ``coder`` is who made the change (recorded in the history); the
        coding keeps its own coder.
        """
        allowed = {"code", "start", "end", "memo"}
        unknown = set(changes) - allowed
        if unknown:
            raise StoreError(Errors.E600.format(path=self.path, reason=f"cannot change {sorted(unknown)}"))
        with transaction(self.conn) as c:
            before = self._fetch(c, "codings", int(coding_id))
            if before is None:
                raise StoreError(Errors.E602.format(path=self.path, id=coding_id))
            after = {**before, **{k: v for k, v in changes.items() if v is not None}}
            after["start"], after["end"] = int(after["start"]), int(after["end"])
            if (after["start"], after["end"]) != (before["start"], before["end"]):
                if document is None or document.id != before["document"]:
                    raise StoreError(Errors.E600.format(path=self.path, reason="a new span needs its document"))
                self._check_span(document, after["start"], after["end"])
                after["text"] = document.text[after["start"]:after["end"]]
            if after == before:
                return before
            c.execute('UPDATE codings SET start = ?, "end" = ?, code = ?, memo = ?, text = ? WHERE id = ?',
                      (after["start"], after["end"], after["code"], after["memo"], after["text"], before["id"]))
            what = ", ".join(f"{k} {before[k]!s:.30} → {after[k]!s:.30}" for k in ("code", "start", "end", "memo")
                             if before[k] != after[k])
            aid = self._action(c, coder, "update", f"{before['document']} #{before['id']}: {what}")
            self._change(c, aid, "codings", before["id"], before, after)
            return after

    def delete(self, coding_id: int, *, coder: str) -> dict:
        """Delete a coding (undoable); returns what was deleted."""
        with transaction(self.conn) as c:
            before = self._fetch(c, "codings", int(coding_id))
            if before is None:
                raise StoreError(Errors.E602.format(path=self.path, id=coding_id))
            c.execute("DELETE FROM codings WHERE id = ?", (before["id"],))
            aid = self._action(c, coder, "delete",
                               f"{before['document']} {before['start']}-{before['end']} {before['code']}")
            self._change(c, aid, "codings", before["id"], before, None)
            return before

    def recode(self, mapping: Mapping[str, str], *, coder: str, summary: str) -> int:
        """Re-code every coding whose code is a key of ``mapping`` (a codebook edit)."""
        mapping = {k: v for k, v in mapping.items() if k != v}
        if not mapping:
            return 0
        with transaction(self.conn) as c:
            aid = self._action(c, coder, "codebook", summary)
            n = 0
            marks = ", ".join("?" * len(mapping))
            for r in c.execute(f"SELECT * FROM codings WHERE code IN ({marks}) ORDER BY id",
                               list(mapping)).fetchall():
                before = dict(r)
                after = {**before, "code": mapping[before["code"]]}
                c.execute("UPDATE codings SET code = ? WHERE id = ?", (after["code"], before["id"]))
                self._change(c, aid, "codings", before["id"], before, after)
                n += 1
            return n

    # -- memos -------------------------------------------------------------------
    def document_memo(self, document: str) -> str:
        r = self.conn.execute("SELECT memo FROM document_memos WHERE document = ?", (document,)).fetchone()
        return r[0] if r else ""

    def set_document_memo(self, document: str, memo: str, *, coder: str) -> None:
        """Write (or with ``""`` remove) the memo of a document."""
        with transaction(self.conn) as c:
            before = self._fetch(c, "document_memos", document)
            after = {"document": document, "memo": memo, "coder": coder, "changed": _now()} if memo else None
            if (before or {}).get("memo") == (after or {}).get("memo"):
                return
            self._put(c, "document_memos", document, after)
            aid = self._action(c, coder, "memo", f"{document}: {memo[:40]}")
            self._change(c, aid, "document_memos", document, before, after)

    # -- review decisions --------------------------------------------------------
    def decide(self, document: Document, suggestion: Mapping, decision: str, *, coder: str) -> dict:
        """Record accept/reject of a suggestion; accepting adds ``coder``'s coding.

        ``suggestion`` has ``start, end, code`` and optionally ``rule`` and
        ``confidence``. Both happen in one transaction. Returns the decision
        (with ``coding``: the new coding's id when accepted).
        """
        if decision not in DECISIONS:
            raise StoreError(Errors.E600.format(path=self.path, reason=f"decision must be one of {DECISIONS}"))
        start, end = int(suggestion["start"]), int(suggestion["end"])
        self._check_span(document, start, end)
        code = str(suggestion["code"])
        with transaction(self.conn) as c:
            aid = self._action(c, coder, decision[:-2] if decision == "accepted" else "reject",
                               f"{document.id} {start}-{end} {code}")
            coding_id = None
            if decision == "accepted":
                row = self._add(c, document, start, end, code, coder, "", "manual", 1.0, "accept", aid=aid)
                coding_id = row["id"]
            return self._record_decision(c, aid, document, start, end, code, decision, suggestion, coder, coding_id)

    def _record_decision(self, c: sqlite3.Connection, aid: int, document: Document, start: int, end: int,
                         code: str, decision: str, suggestion: Mapping, coder: str, coding_id: int | None) -> dict:
        """Insert one review decision (part of action ``aid``) and record the change; returns it."""
        conf = suggestion.get("confidence")
        conf = None if conf is None or conf == "" or pd.isna(conf) else float(conf)
        cur = c.execute('INSERT INTO decisions (document, start, "end", code, decision, rule, confidence, '
                        "coder, coding, decided) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (document.id, start, end, code, decision, str(suggestion.get("rule", "") or ""),
                         conf, coder, coding_id, _now()))
        row = self._inserted(c, "decisions", cur)
        self._change(c, aid, "decisions", row["id"], None, row)
        return row

    def decide_many(self, items: Iterable[tuple[Document, Mapping, str]], *, coder: str,
                    summary: str = "review file") -> dict:
        """Record many decisions (a reviewed CSV) in one transaction, as one action to undo.

        ``items`` are ``(document, suggestion, decision)`` as for :meth:`decide`.
        An accepted suggestion that repeats a coding of ``coder`` (same span and
        code) adds no second coding, and a decision already recorded (same
        span, code, decision, coder) is not recorded twice, so applying the
        same file again changes nothing. Returns ``accepted, rejected, added,
        recorded``.
        """
        items = list(items)
        for document, suggestion, decision in items:
            if decision not in DECISIONS:
                raise StoreError(Errors.E600.format(path=self.path, reason=f"decision must be one of {DECISIONS}"))
            self._check_span(document, int(suggestion["start"]), int(suggestion["end"]))
        counts = {"accepted": 0, "rejected": 0, "added": 0, "recorded": 0}
        with transaction(self.conn) as c:
            aid = self._action(c, coder, "review", f"{summary}: {len(items)} decision(s)")
            for document, suggestion, decision in items:
                start, end, code = int(suggestion["start"]), int(suggestion["end"]), str(suggestion["code"])
                counts[decision] += 1
                if c.execute('SELECT 1 FROM decisions WHERE document = ? AND start = ? AND "end" = ? AND code = ? '
                             "AND decision = ? AND coder = ?",
                             (document.id, start, end, code, decision, coder)).fetchone():
                    continue
                coding_id = None
                if decision == "accepted":
                    have = c.execute('SELECT id FROM codings WHERE document = ? AND start = ? AND "end" = ? '
                                     "AND code = ? AND coder = ?", (document.id, start, end, code, coder)).fetchone()
                    if have is None:
                        coding_id = self._add(c, document, start, end, code, coder, "", "manual", 1.0, "accept",
                                              aid=aid)["id"]
                        counts["added"] += 1
                    else:
                        coding_id = have[0]
                self._record_decision(c, aid, document, start, end, code, decision, suggestion, coder, coding_id)
                counts["recorded"] += 1
        return counts

    def decisions(self, document: str | None = None) -> pd.DataFrame:
        """The recorded review decisions (for evaluation), oldest first."""
        sql = 'SELECT document, start, "end", code, decision, rule, confidence, coder, coding, decided FROM decisions'
        args: list = []
        if document is not None:
            sql, args = sql + " WHERE document = ?", [document]
        return pd.read_sql_query(sql + " ORDER BY id", self.conn, params=args)

    def integrity(self) -> str:
        """``PRAGMA integrity_check`` (``"ok"`` when sound)."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]


def read_store_codings(path: str | os.PathLike, corpus: Corpus) -> pd.DataFrame:
    """The codings of a study's store, checked against the corpus.

    Used by :func:`~altena_qca.study.load_study` when ``study.sqlite``
    exists. Every coding must point at a known document and still cover
    the text it was made on.

    Raises
    ------
    InputError
        Naming the store and the first coding that no longer fits.
    """
    path = Path(path)
    conn = connect(path, readonly=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            return make_codings([])
        rows = conn.execute('SELECT id, document, start, "end", code, coder, origin, confidence, memo, text '
                            "FROM codings").fetchall()
    finally:
        conn.close()
    # a store made before a document was renamed for a name in its file name (W501) keeps the old id
    renamed = getattr(corpus.pseudonymiser, "ids_", None) or {}
    rows = [{**dict(r), "document": renamed.get(r["document"], r["document"])} for r in rows]
    for r in rows:
        doc = corpus.documents.get(r["document"])
        if doc is None:
            raise InputError(Errors.E120.format(path=path, line=f"coding {r['id']}", doc=r["document"]))
        found = doc.text[r["start"]:r["end"]]
        if r["end"] > len(doc.text) or (r["text"] and found != r["text"]):
            raise InputError(Errors.E123.format(path=path, line=f"coding {r['id']}", doc=doc.id,
                                                start=r["start"], end=r["end"],
                                                expected=r["text"][:60], found=found[:60]))
    df = pd.DataFrame(rows, columns=["id"] + CODING_COLUMNS + ["memo", "text"])
    return make_codings(df.drop(columns=["text"])[CODING_COLUMNS + ["memo", "id"]])


def export_codings_csv(study, path: str | os.PathLike | None = None) -> Path:
    """Write the study's codings as ``codings.csv``: sorted, deterministic.

    Columns ``document, start, end, code, coder, origin, confidence, memo,
    text``; offsets on the text as typed (what ``codings.csv`` holds), the
    ``text`` column the pseudonymised text of the span (so no name is
    written). Sorted by document, start, end, code, coder; written
    atomically (a temporary file renamed over the old one).

    Parameters
    ----------
    study : Study
        A loaded study (its codings come from the store when it exists).
    path
        Default ``<study>/codings.csv``.
    """
    path = Path(path) if path is not None else Path(study.data_dir) / "codings.csv"
    codings = study.codings.copy()
    if "memo" not in codings.columns:
        codings["memo"] = ""
    codings["memo"] = codings["memo"].fillna("")
    texts = [study.corpus.documents[d].text[s:e] for d, s, e in
             zip(codings["document"], codings["start"], codings["end"])]
    typed = to_typed_offsets(codings, study.corpus)
    typed["text"] = texts
    typed = typed[CODING_COLUMNS + ["memo", "text"]]
    typed = typed.sort_values(["document", "start", "end", "code", "coder", "origin", "memo"], kind="mergesort")
    data = typed.to_csv(index=False, lineterminator="\n").encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=".codings-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
