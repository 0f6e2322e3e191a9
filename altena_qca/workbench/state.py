"""The workbench's one study: loaded once per server, kept in step with the store.

:class:`Workbench` is the only object the web layer talks to. It holds the
study (:func:`~altena_qca.study.load_study`, once), its coding store
(:class:`~altena_qca.store.codings.CodingStore`) and a lock; every change
goes through the store (one transaction) and then replaces
``study.codings`` so that every analysis, computed by the library's own
functions, reflects it. Changes made by another process (the CLI, a
notebook, a second server) are noticed through ``PRAGMA data_version``.

Nothing here analyses: groups, effects, co-occurrence, agreement and
suggestions are calls into :mod:`altena_qca.analysis` and
:mod:`altena_qca.coding`.
"""
from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import AltenaError, Errors, InputError, Warnings, message_code
from ..model import PARTS, Document
from ..store.codings import STORE_NAME, CodingStore

if TYPE_CHECKING:
    from ..coding.combine import AutoCoder

__all__ = ["Workbench"]


@dataclass
class _Suggester:
    """The auto-coder fitted on one state of the codings (fitting takes seconds)."""

    coder: AutoCoder | None = None
    fitted_on: int = -1
    fitting: bool = False
    error: str | None = None
    thread: threading.Thread | None = field(default=None, repr=False)


class Workbench:
    """One study served by the workbench.

    Parameters
    ----------
    data_dir
        The study folder (``study.sqlite`` is created there from
        ``codings.csv`` on first open).
    coder
        Who codes in this server (the default ``coder`` of new codings).
    suggestions
        Fit the auto-coder in the background for suggestions in context.
    """

    def __init__(self, data_dir: str | Path, coder: str = "researcher", *, suggestions: bool = True,
                 pseudonymise: bool = True):
        from ..study import load_study

        self.data_dir = Path(data_dir).resolve()  # a study served as "." still has a name
        self.coder = coder
        self.lock = threading.RLock()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.study = load_study(self.data_dir, pseudonymise=pseudonymise)
        self.warnings = sorted({str(w.message) for w in caught
                                if not issubclass(w.category, (DeprecationWarning, FutureWarning))})
        path = self.data_dir / STORE_NAME
        self.store = CodingStore.open(path, seed=self.study.codings, corpus=self.study.corpus,
                                      check_same_thread=False)
        self.revision = 0
        self._data_version = None
        self._analysis: dict = {}
        self._suggester = _Suggester()
        self._want_suggestions = suggestions
        self._check: list[str] | None = None
        self._refresh()
        # The auto-coder's modules (spaCy, scikit-learn) are imported here, in this one thread, before
        # any fit or request thread starts: spaCy imported by two threads at once fails ("cannot import
        # name 'get_string_id' from partially initialized module 'spacy.strings'"), which left the
        # workbench without suggestions. (Loading a study no longer imports scikit-learn on the way.)
        from ..coding import combine  # noqa: F401

    # -- keeping in step with the store --------------------------------------------
    def _refresh(self) -> None:
        """Re-read the codings after a change (here or in another process)."""
        self.study.codings = self.store.frame()
        self._data_version = self.store.conn.execute("PRAGMA data_version").fetchone()[0]
        self.revision += 1
        self._analysis.clear()

    def sync(self) -> None:
        """Pick up changes another process committed to the store."""
        with self.lock:
            if self.store.conn.execute("PRAGMA data_version").fetchone()[0] != self._data_version:
                self._refresh()

    def check_findings(self) -> list[str]:
        """What ``altena-qca check`` says about the study folder: run once per workbench (it reads every
        transcript), except whether there are codings at all, which follows the store."""
        if self._check is None:
            from ..check import check_study
            try:
                found = check_study(self.data_dir)
                items = [str(getattr(w, "message", w)) for w in (*found.problems, *found.warnings)]
            except AltenaError as exc:  # a failing check is itself a finding
                items = [str(exc)]
            self._check = [w for w in items if message_code(w) != "W112"]
        none_yet = [Warnings.W112.format(path=self.data_dir / "codings.csv")] if not len(self.study.codings) else []
        return self._check + none_yet

    def document(self, doc_id: str) -> Document:
        """The document with id ``doc_id`` (ids come from the corpus, never from the file system)."""
        doc = self.study.corpus.documents.get(doc_id)
        if doc is None:
            raise KeyError(doc_id)
        return doc

    # -- reading ---------------------------------------------------------------------
    def documents(self) -> list[dict]:
        """Every document with its respondent and coding counts per coder."""
        self.sync()
        codings = self.study.codings
        counts = codings.groupby(["document", "coder"]).size() if len(codings) else pd.Series(dtype=int)
        groups = self.groups().set_index("respondent") if self.has_typology() else None
        out = []
        for doc in self.study.corpus:
            r = self.study.corpus.respondent_of(doc.id)
            per = {c: int(n) for (d, c), n in counts.items() if d == doc.id}
            group = None
            if r is not None and groups is not None and r.id in groups.index:
                g = groups.loc[r.id, "group"]
                group = None if pd.isna(g) else int(g)
            out.append({"id": doc.id, "kind": doc.kind, "respondent": r.id if r else None,
                        "label": r.label if r else None, "function": r.function if r else None,
                        "side": r.side if r else None, "group": group,
                        "characters": len(doc.text), "words": len(doc.text.split()),
                        "codings": sum(per.values()), "codings_by_coder": per})
        return out

    def document_view(self, doc_id: str) -> dict:
        """Text, parts and turns of a document: every character of the text exactly once.

        ``pieces`` covers ``text`` from 0 to its end: speaker turns
        (``kind="turn"``) and what lies between them (labels, headings:
        ``kind="gap"``), each with its ``start`` and ``end``, grouped by
        interview part.
        """
        doc = self.document(doc_id)
        pieces: list[dict[str, Any]] = []
        pos = 0
        for seg in sorted(doc.segments, key=lambda s: s.start):
            if seg.start > pos:
                pieces.append({"kind": "gap", "start": pos, "end": seg.start, "part": seg.part,
                               "speaker": None, "index": None})
            if seg.end > max(seg.start, pos):
                s = max(seg.start, pos)
                pieces.append({"kind": "turn", "start": s, "end": seg.end, "part": seg.part,
                               "speaker": seg.speaker, "index": seg.index})
                pos = seg.end
        if pos < len(doc.text):
            pieces.append({"kind": "gap", "start": pos, "end": len(doc.text),
                           "part": pieces[-1]["part"] if pieces else 0, "speaker": None, "index": None})
        parts: list[dict[str, Any]] = []
        for p in pieces:
            p["text"] = doc.text[p["start"]:p["end"]]
            if not parts or parts[-1]["part"] != p["part"]:
                parts.append({"part": p["part"], "title": PARTS.get(p["part"], str(p["part"])), "pieces": []})
            parts[-1]["pieces"].append(p)
        turns = [{"index": s.index, "speaker": s.speaker, "part": s.part, "start": s.start, "end": s.end}
                 for s in doc.segments]
        r = self.study.corpus.respondent_of(doc.id)
        return {"id": doc.id, "kind": doc.kind, "text": doc.text, "turns": turns, "parts": parts,
                "respondent": None if r is None else {"id": r.id, "label": r.label, "function": r.function,
                                                      "side": r.side}}

    def codings(self, doc_id: str | None = None) -> list[dict]:
        self.sync()
        rows = self.store.codings(document=doc_id)
        for r in rows:
            r.pop("text", None)
        return rows

    def codebook(self) -> list[dict]:
        """The code tree in order (depth-first), with labels, definitions and counts."""
        self.sync()
        cb = self.study.codebook
        counts = self.study.codings["code"].value_counts().to_dict() if len(self.study.codings) else {}
        out = []

        def walk(code_id: str, depth: int) -> None:
            c = cb[code_id]
            below = cb.descendants(code_id)
            out.append({"id": c.id, "label_nl": c.label_nl, "label_en": c.label_en, "parent": c.parent,
                        "kind": c.kind, "definition": c.definition, "indicators": list(c.indicators),
                        "depth": depth, "top": cb.top_level(code_id),
                        "n": int(counts.get(c.id, 0)),
                        "n_with_descendants": int(sum(counts.get(d, 0) for d in below)),
                        "has_rules": bool(c.rules)})
            for child in cb.children(code_id):
                walk(child, depth + 1)

        for root in cb.roots():
            walk(root, 0)
        return out

    def recent_codes(self, coder: str, n: int = 8) -> list[str]:
        """The codes ``coder`` used last, newest first."""
        rows = self.store.conn.execute(
            "SELECT code FROM codings WHERE coder = ? GROUP BY code ORDER BY max(id) DESC LIMIT ?",
            (coder, n)).fetchall()
        return [r[0] for r in rows if r[0] in self.study.codebook]

    # -- analysis (library calls, cached per state of the codings) ---------------------
    def _cached(self, key, compute):
        with self.lock:
            if key not in self._analysis:
                self._analysis[key] = compute()
            return self._analysis[key]

    def has_typology(self) -> bool:
        return bool(self.study.codebook.analysis.get("typology"))

    def groups(self) -> pd.DataFrame:
        """:func:`~altena_qca.analysis.typology.assign_groups` of the current codings."""
        from ..analysis.typology import assign_groups
        self.sync()
        s = self.study
        return self._cached("groups", lambda: assign_groups(s.corpus, s.codebook, s.codings))

    def effects(self, when: str) -> pd.DataFrame:
        """:func:`~altena_qca.analysis.effects.effects_matrix` (``today`` or ``wams``)."""
        from ..analysis.effects import effects_matrix
        s = self.study
        groups = self.groups()
        return self._cached(("effects", when), lambda: effects_matrix(s.corpus, s.codebook, s.codings,
                                                                       groups, when=when))

    def effect_names(self) -> dict[str, str]:
        effects = self.study.codebook.analysis.get("effects") or {}
        return {str(k): str((v or {}).get("label_nl") or k) for k, v in effects.items()}

    def cooccurrence(self, effect: str) -> pd.DataFrame:
        """:func:`~altena_qca.analysis.cooccurrence.effect_cooccurrence` of one effect, per document."""
        from ..analysis.cooccurrence import effect_cooccurrence
        if effect not in self.effect_names():
            raise KeyError(effect)
        s = self.study
        groups = self.groups()
        return self._cached(("cooc", effect), lambda: effect_cooccurrence(
            s.corpus, s.codebook, s.codings, effect, level="document", groups=groups))

    def passages(self, *, code: str | None = None, codes: list[str] | None = None,
                 documents: list[str] | None = None, group: int | str | None = None,
                 coder: str | None = None, descendants: bool = True, together: bool = False) -> pd.DataFrame:
        """The codings behind a number: by code (with its descendants), group (or ``"ungrouped"``), documents."""
        self.sync()
        s = self.study
        df = s.codings
        wanted: set[str] = set()
        per_code = []
        for c in ([code] if code else []) + list(codes or []):
            if c not in s.codebook:
                raise KeyError(c)
            below = set(s.codebook.descendants(c)) if descendants else {c}
            per_code.append(below)
            wanted |= below
        if wanted:
            df = df[df["code"].isin(wanted)]
        if together and len(per_code) > 1:
            # co-occurrence at document level: only documents that hold every one of the codes
            docs = set.intersection(*(set(df.loc[df["code"].isin(b), "document"]) for b in per_code))
            df = df[df["document"].isin(docs)]
        if documents is not None:
            df = df[df["document"].isin(documents)]
        if coder is not None:
            df = df[df["coder"] == coder]
        if group is not None:
            g = self.groups()
            placed = g["group"] == group if group != "ungrouped" else g["group"].isna()
            members = set(g.loc[placed.fillna(False).astype(bool), "respondent"])
            # astype(bool): on an empty table map() gives an object Series, which pandas reads as column names
            df = df[df["document"].map(lambda d: (r := s.corpus.respondent_of(d)) is not None
                                       and r.id in members).astype(bool)]
        df = df.copy()
        df["quote"] = [s.corpus.documents[d].text[a:b] for d, a, b in zip(df["document"], df["start"], df["end"])]
        return df

    def agreement(self, coder_a: str, coder_b: str) -> tuple[pd.DataFrame, list[dict]]:
        """κ and α per code (:func:`~altena_qca.coding.agreement.agreement_by_coder`) and the disagreeing segments."""
        from ..coding.agreement import agreement_by_coder
        from ..coding.evaluate import segment_code_sets
        self.sync()
        s = self.study
        table = agreement_by_coder(s.codings, s.corpus, s.codebook, coder_a, coder_b)
        a = s.codings[s.codings["coder"] == coder_a]
        b = s.codings[s.codings["coder"] == coder_b]
        docs = sorted(set(a["document"]) & set(b["document"]))
        ua = segment_code_sets(a, s.corpus, s.codebook, documents=docs)
        ub = segment_code_sets(b, s.corpus, s.codebook, documents=docs)
        leaves = set(a["code"]) | set(b["code"])
        diffs = []
        for unit in sorted(ua):
            only_a = sorted((ua[unit] - ub.get(unit, set())) & leaves)
            only_b = sorted((ub.get(unit, set()) - ua[unit]) & leaves)
            if only_a or only_b:
                doc = s.corpus.documents[unit[0]]
                seg = next(x for x in doc.segments if x.index == unit[1])
                diffs.append({"document": unit[0], "segment": unit[1], "start": seg.start, "end": seg.end,
                              "text": doc.text[seg.start:seg.end], "only_a": only_a, "only_b": only_b})
        return table, diffs

    def coders(self) -> list[str]:
        self.sync()
        return sorted(set(self.study.codings["coder"])) if len(self.study.codings) else []

    # -- suggestions --------------------------------------------------------------------
    def _fit(self, revision: int, codings: pd.DataFrame) -> None:
        from types import SimpleNamespace

        from ..coding.combine import AutoCoder
        try:
            s = self.study
            # the library's refit on the accepted (= stored) codings of this state; rejected
            # suggestions are simply not coded, so their segments count as negatives
            snapshot = SimpleNamespace(corpus=s.corpus, codebook=s.codebook, codings=codings)
            fitted = AutoCoder().refit(snapshot) if len(codings) else AutoCoder().fit(codebook=s.codebook)
            with self.lock:
                self._suggester.coder, self._suggester.fitted_on = fitted, revision
                self._suggester.error = None
        except Exception as exc:  # noqa: BLE001 - shown on the page, the server keeps running
            with self.lock:
                self._suggester.error = f"{type(exc).__name__}: {exc}"
        finally:
            with self.lock:
                self._suggester.fitting = False
                if self._suggester.fitted_on != self.revision and self._suggester.error is None:
                    self._start_fit()

    def _start_fit(self) -> None:
        """(Re)fit the auto-coder on the current codings in the background."""
        with self.lock:
            if self._suggester.fitting or not self._want_suggestions:
                return
            self._suggester.fitting = True
            t = threading.Thread(target=self._fit, args=(self.revision, self.study.codings.copy()),
                                 daemon=True, name="altena-qca-fit")
            self._suggester.thread = t
            t.start()

    def suggester_status(self) -> dict:
        with self.lock:
            sg = self._suggester
            return {"ready": sg.coder is not None, "fitting": sg.fitting, "error": sg.error,
                    "current": sg.fitted_on == self.revision}

    def wait_for_suggester(self, timeout: float = 120.0) -> bool:
        """Block until a fitted auto-coder exists (tests, scripts)."""
        self._start_fit()
        t = self._suggester.thread
        if t is not None:
            t.join(timeout)
        return self._suggester.coder is not None

    def suggestions(self, doc_id: str) -> list[dict]:
        """The auto-coder's suggestions for a document, without those that repeat a coding.

        A suggestion is left out when a coding of the same code (or one
        below it) already overlaps its passage, or when it was accepted
        or rejected before. Empty while the auto-coder is being fitted
        the first time (see :meth:`suggester_status`).
        """
        from ..coding.combine import suggest
        self.sync()
        doc = self.document(doc_id)
        with self.lock:
            coder = self._suggester.coder
            if coder is None or self._suggester.fitted_on != self.revision:
                self._start_fit()
            if coder is None:
                return []
        key = ("suggest", doc_id, id(coder))
        s = self.study
        found = self._cached(key, lambda: suggest(s.corpus, s.codebook, None, coder=coder, documents=[doc_id]))
        existing = s.codings[s.codings["document"] == doc_id]
        decided = self.store.decisions(doc_id)
        done = set(zip(decided["start"], decided["end"], decided["code"])) if len(decided) else set()
        out = []
        for r in found.itertuples(index=False):
            if (r.start, r.end, r.code) in done:
                continue
            below = set(s.codebook.descendants(r.code))
            overlap = existing[(existing["start"] < r.end) & (existing["end"] > r.start)
                               & existing["code"].isin(below)]
            if len(overlap):
                continue
            out.append({"document": doc.id, "start": int(r.start), "end": int(r.end), "code": r.code,
                        "label": s.codebook[r.code].label_nl, "confidence": round(float(r.confidence), 3),
                        "rule": r.rule, "match_start": int(r.match_start), "match_end": int(r.match_end)})
        return out

    # -- changing (one store action each, then refresh) ---------------------------------
    def _check_code(self, code: str) -> None:
        if code not in self.study.codebook:
            raise InputError(Errors.E211.format(code=code))

    def add_coding(self, doc_id: str, start: int, end: int, code: str, *, coder: str | None = None,
                   memo: str = "") -> dict:
        with self.lock:
            self._check_code(code)
            row = self.store.add(self.document(doc_id), start, end, code, coder=coder or self.coder, memo=memo)
            self._refresh()
            return row

    def update_coding(self, coding_id: int, *, by: str | None = None, **changes) -> dict:
        with self.lock:
            if changes.get("code") is not None:
                self._check_code(changes["code"])
            current = self.store.get(coding_id)
            doc = self.document(current["document"]) if current else None
            row = self.store.update(coding_id, coder=by or self.coder, document=doc, **changes)
            self._refresh()
            return row

    def delete_coding(self, coding_id: int, *, by: str | None = None) -> dict:
        with self.lock:
            row = self.store.delete(coding_id, coder=by or self.coder)
            self._refresh()
            return row

    def decide(self, doc_id: str, suggestion: dict, decision: str, *, coder: str | None = None) -> dict:
        with self.lock:
            self._check_code(str(suggestion.get("code")))
            row = self.store.decide(self.document(doc_id), suggestion, decision, coder=coder or self.coder)
            self._refresh()
            self._start_fit()   # suggestions for the other documents learn from the decision
            return row

    def set_memo(self, doc_id: str, memo: str, *, coder: str | None = None) -> None:
        with self.lock:
            self.document(doc_id)
            self.store.set_document_memo(doc_id, memo, coder=coder or self.coder)

    def undo(self, *, coder: str | None = None) -> dict:
        with self.lock:
            row = self.store.undo(coder=coder or self.coder)
            self._refresh()
            return row

    # -- the codebook (the study's own file, never the package's) ------------------------
    def codebook_path(self, create: bool = False) -> Path:
        """``<study>/codebook.yaml``; with ``create``, copied from the codebook in use when missing."""
        from ..codebook import DEFAULT_CODEBOOK
        local = self.data_dir / "codebook.yaml"
        if create and not local.exists():
            from .._io import write_files_atomically
            write_files_atomically({local: Path(DEFAULT_CODEBOOK).read_bytes()})
        return local

    def edit_codebook(self, edit: str, *args, **params) -> dict:
        """Add a code, or rename/merge/move/delete one through :mod:`altena_qca.codebook_edit`.

        The codebook file is written first (atomically); the codings in the
        store are then re-coded in one action. If that fails the codebook
        file is put back.
        """
        from .. import codebook_edit as ce
        from .._io import write_files_atomically
        from .._yamltext import dump_yaml
        from ..codebook import load_codebook, read_codebook_file, validate_codebook
        from ..errors import CodebookError

        with self.lock:
            path = self.codebook_path(create=True)
            original = path.read_text(encoding="utf-8")
            data = read_codebook_file(path)
            codings = self.study.codings
            if edit == "add":
                entry = {k: v for k, v in params.items() if v not in (None, "", [], {})}
                entry.setdefault("kind", "inductive")
                if entry.get("id") in {e["id"] for e in data["codes"]}:
                    raise CodebookError(Errors.E214.format(code=entry["id"]))
                new_data = {**data, "codes": list(data["codes"]) + [entry]}
                problems = validate_codebook(new_data, path)
                if problems:
                    raise CodebookError(problems[0])
                new_codings = codings
                summary = f"code {entry.get('id')} toegevoegd"
            else:
                func = ce.EDITS[edit]
                new_data, new_codings = func(data, codings, *args, path=str(path), **params)
                summary = f"{edit} {' '.join(str(a) for a in args)}"
            mapping = {}
            for old, new in zip(codings["code"], new_codings["code"]):
                if old != new:
                    mapping[old] = new
            text = dump_yaml(new_data, original)
            write_files_atomically({path: text.encode("utf-8")})
            try:
                cb = load_codebook(path)
                n = self.store.recode(mapping, coder=self.coder, summary=summary)
            except (AltenaError, OSError):
                write_files_atomically({path: original.encode("utf-8")})
                raise
            self.study.codebook = cb
            self._refresh()
            self._start_fit()
            return {"edit": edit, "codebook": str(path.name), "codings_changed": n,
                    "codes": len(cb)}
