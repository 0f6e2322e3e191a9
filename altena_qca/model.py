"""The data types of altena-qca and their validation.

A :class:`Corpus` holds :class:`Document` s (one per interview or observation),
each a plain text cut into :class:`Segment` s (speaker turns) that carry the
interview part they belong to, plus the :class:`Respondent` attributes. A
:class:`Codebook` is a tree of :class:`Code` s. Codings are rows of a pandas
DataFrame with :data:`CODING_COLUMNS`: character offsets into the document's
plain text are the single source of truth, so REFI-QDA selections map one to
one.

Examples
--------
>>> doc = Document(id="R01", text="I: Hoe gaat het?\\nR: Goed.", kind="interview")
>>> codings = make_codings([{"document": "R01", "start": 20, "end": 25,
...                          "code": "problems.none"}])
>>> print(codings[["document", "start", "end", "origin"]].to_string(index=False))
document  start  end origin
     R01     20   25 manual
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .errors import Errors, InputError

__all__ = [
    "SIDES", "ORIGINS", "SPEAKERS", "PARTS", "CODING_COLUMNS",
    "Respondent", "Segment", "Document", "Corpus", "Code", "Codebook",
    "make_codings", "check_codings", "segment_of", "attach_respondents",
]

SIDES = ("intern", "extern")
ORIGINS = ("manual", "auto", "imported")
SPEAKERS = ("interviewer", "respondent", "observer", "other")
#: The four parts of the interview (thesis 3.1 and Bijlage 1); 0 = unknown.
PARTS = {
    0: "onbekend",
    1: "Kennismaking en kennis/mening Wams",
    2: "Rol van gegevensuitwisseling / beleidsgemeenschap",
    3: "Afwegingen, problemen en effecten",
    4: "Mogelijke effecten van de Wams",
}
CODING_COLUMNS = ["document", "start", "end", "code", "coder", "origin", "confidence"]


@dataclass(frozen=True)
class Respondent:
    """One interviewee. Only the function label ever reaches an output."""

    id: str
    function: str
    label: str
    side: str
    interview_date: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class Segment:
    """A speaker turn: ``text[start:end]`` of its document.

    ``meta`` keeps what ingest removed from the text (timestamps, source
    notes such as ``[bron: scriptie r. 412]``).
    """

    document: str
    index: int
    speaker: str
    part: int
    start: int
    end: int
    meta: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Document:
    """One transcript or observation: a plain text and its segments."""

    id: str
    text: str
    kind: str = "interview"
    respondent: str | None = None
    segments: list[Segment] = field(default_factory=list)
    path: str | None = None
    meta: dict = field(default_factory=dict)

    def segment_text(self, segment: Segment) -> str:
        return self.text[segment.start:segment.end]


@dataclass
class Corpus:
    """Documents and respondents, keyed by id (insertion order is kept sorted)."""

    documents: dict[str, Document] = field(default_factory=dict)
    respondents: dict[str, Respondent] = field(default_factory=dict)
    #: The :class:`~altena_qca.privacy.Pseudonymiser` that transformed the
    #: documents (None when loaded without pseudonymisation). Codings made on
    #: the original texts are moved onto the pseudonymised ones through it.
    pseudonymiser: Any = field(default=None, repr=False, compare=False)  # a privacy.Pseudonymiser (privacy sits above model)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents.values())

    def __len__(self) -> int:
        return len(self.documents)

    def respondent_of(self, document_id: str) -> Respondent | None:
        doc = self.documents.get(document_id)
        if doc is None or doc.respondent is None:
            return None
        return self.respondents.get(doc.respondent)

    def segments_frame(self) -> pd.DataFrame:
        """All segments as a DataFrame, one row per speaker turn."""
        rows = []
        for doc in self.documents.values():
            resp = self.respondents.get(doc.respondent) if doc.respondent else None
            for s in doc.segments:
                rows.append({
                    "document": s.document, "segment": s.index, "speaker": s.speaker,
                    "part": s.part, "start": s.start, "end": s.end,
                    "respondent": doc.respondent, "side": resp.side if resp else None,
                    "source": s.meta.get("source"), "timestamp": s.meta.get("timestamp"),
                })
        cols = ["document", "segment", "speaker", "part", "start", "end",
                "respondent", "side", "source", "timestamp"]
        return pd.DataFrame(rows, columns=cols)

    def respondents_frame(self) -> pd.DataFrame:
        cols = ["id", "label", "function", "side", "interview_date", "organisation"]
        return pd.DataFrame([{c: getattr(r, c) for c in cols} for r in self.respondents.values()],
                            columns=cols)


@dataclass(frozen=True)
class Code:
    """One code of the codebook; ``line`` is where it is defined in its file."""

    id: str
    label_nl: str
    label_en: str = ""
    parent: str | None = None
    kind: str = "deductive"
    definition: str = ""
    indicators: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    rules: Mapping | None = None
    line: int | None = None


class Codebook:
    """A validated tree of codes plus the codebook's analysis settings.

    Build one with :func:`altena_qca.codebook.load_codebook`; the constructor
    assumes its input is valid.
    """

    def __init__(self, codes: Iterable[Code], analysis: Mapping | None = None,
                 meta: Mapping | None = None, path: str | None = None):
        self.codes: dict[str, Code] = {c.id: c for c in codes}
        self.analysis = dict(analysis or {})
        self.meta = dict(meta or {})
        self.path = path
        self._children: dict[str | None, list[str]] = {}
        for c in self.codes.values():
            self._children.setdefault(c.parent, []).append(c.id)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.codes

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes.values())

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, code_id: str) -> Code:
        try:
            return self.codes[code_id]
        except KeyError:
            raise InputError(Errors.E211.format(code=code_id)) from None

    def roots(self) -> list[str]:
        return list(self._children.get(None, []))

    def children(self, code_id: str) -> list[str]:
        return list(self._children.get(code_id, []))

    def descendants(self, code_id: str, include_self: bool = True) -> list[str]:
        """``code_id`` and every code below it, depth first in file order."""
        out, stack = [], [code_id]
        while stack:
            cid = stack.pop()
            out.append(cid)
            stack.extend(reversed(self._children.get(cid, [])))
        return out if include_self else out[1:]

    def ancestors(self, code_id: str) -> list[str]:
        """Parents of ``code_id``, nearest first."""
        out, cur = [], self[code_id].parent
        while cur is not None:
            out.append(cur)
            cur = self.codes[cur].parent
        return out

    def top_level(self, code_id: str) -> str:
        chain = [code_id, *self.ancestors(code_id)]
        return chain[-1]

    def depth(self, code_id: str) -> int:
        return len(self.ancestors(code_id))

    def to_frame(self) -> pd.DataFrame:
        """The codebook as a table (one row per code, file order)."""
        rows = [{"id": c.id, "parent": c.parent, "depth": self.depth(c.id), "kind": c.kind,
                 "label_nl": c.label_nl, "label_en": c.label_en, "definition": c.definition,
                 "indicators": "; ".join(c.indicators), "has_rules": bool(c.rules)}
                for c in self.codes.values()]
        return pd.DataFrame(rows)


def make_codings(rows: Iterable[Mapping] | pd.DataFrame) -> pd.DataFrame:
    """Normalise coding rows into the canonical, sorted DataFrame.

    Missing ``coder`` becomes ``"researcher"``, ``origin`` ``"manual"`` and
    ``confidence`` 1.0. Rows are sorted by document, start, end, code, coder so
    that every table built from them is deterministic.
    """
    df = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    for col, default in (("coder", "researcher"), ("origin", "manual"), ("confidence", 1.0)):
        if col not in df.columns:
            df[col] = default
        df[col] = df[col].fillna(default)
    for col in ("document", "start", "end", "code"):
        if col not in df.columns:
            df[col] = pd.Series(dtype="object")
    extra = [c for c in df.columns if c not in CODING_COLUMNS]
    df = df[CODING_COLUMNS + extra]
    if len(df):
        df = df.astype({"document": str, "code": str, "coder": str, "origin": str})
        df["start"] = df["start"].astype("int64")
        df["end"] = df["end"].astype("int64")
        df["confidence"] = df["confidence"].astype("float64")
    else:
        df = df.astype({"start": "int64", "end": "int64", "confidence": "float64"})
    df = df.sort_values(["document", "start", "end", "code", "coder"], kind="mergesort")
    return df.reset_index(drop=True)


def check_codings(codings: pd.DataFrame, corpus: Corpus, codebook: Codebook,
                  path: str = "codings", quotes: pd.Series | None = None,
                  restore=None, problems: list[str] | None = None) -> None:
    """Raise :class:`InputError` for the first coding that is not valid.

    A coding must point at a known document and code, lie inside the text
    with ``start < end``, have a known origin and a confidence in [0, 1]. When
    ``quotes`` (the coded text as recorded with the codings) is given, the
    document text at the span must equal it. For pseudonymised documents,
    ``restore(document_id, text)`` puts the originals back in the span text
    before comparing (in memory only); a span that grew to cover a whole tag
    may then be longer than the quote, and letter case may differ. ``line``
    in messages counts the header as line 1, as a spreadsheet does. With
    ``problems`` (a list), nothing is raised: the first problem of every
    invalid row is appended to it.
    """
    lines = codings["_line"] if "_line" in codings.columns else pd.Series(
        range(2, len(codings) + 2), index=codings.index)
    for i, row in codings.iterrows():
        message = _coding_problem(i, row, int(lines[i]), corpus, codebook, path, quotes, restore)
        if message is None:
            continue
        if problems is None:
            raise InputError(message)
        problems.append(message)


def _coding_problem(i, row, line: int, corpus: Corpus, codebook: Codebook, path: str, quotes, restore) -> str | None:
    """The first problem of one coding row, or None."""
    doc = corpus.documents.get(row["document"])
    if doc is None:
        return Errors.E120.format(path=path, line=line, doc=row["document"])
    if row["code"] not in codebook:
        return Errors.E121.format(path=path, line=line, code=row["code"])
    start, end = int(row["start"]), int(row["end"])
    # messages quote the offsets as the file has them (``_file_start``/``_file_end`` when the codings were
    # moved onto a pseudonymised text), not the moved ones the user never typed
    shown = (int(row["_file_start"]), int(row["_file_end"])) if "_file_start" in row.index else (start, end)
    if not 0 <= start < end <= len(doc.text):
        return Errors.E122.format(path=path, line=line, start=shown[0], end=shown[1], doc=doc.id,
                                  length=len(doc.text))
    if row["origin"] not in ORIGINS:
        return Errors.E125.format(path=path, line=line, value=row["origin"], column="origin",
                                  reason=f"expected one of {ORIGINS}")
    if not 0.0 <= float(row["confidence"]) <= 1.0:
        return Errors.E125.format(path=path, line=line, value=row["confidence"], column="confidence",
                                  reason="expected 0..1")
    if quotes is not None:
        expected = quotes[i]
        found = doc.text[start:end]
        if restore is not None and found != expected:
            found = restore(doc.id, found)
            ok = isinstance(expected, str) and expected.casefold() in found.casefold()
        else:
            ok = found == expected
        if isinstance(expected, str) and expected and not ok:
            return Errors.E123.format(path=path, line=line, doc=doc.id, start=shown[0], end=shown[1],
                                      expected=expected[:60], found=doc.text[start:end][:60])
    return None


def segment_of(document: Document, start: int, end: int) -> Segment | None:
    """The segment that contains most of the span ``start:end`` (or None)."""
    best, best_overlap = None, 0
    for s in document.segments:
        overlap = min(end, s.end) - max(start, s.start)
        if overlap > best_overlap:
            best, best_overlap = s, overlap
    return best


def attach_respondents(codings: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """Codings with ``respondent``, ``label`` and ``side`` columns added.

    Codings of documents without respondent (observations) get NaN there.
    """
    doc_resp = {d.id: d.respondent for d in corpus}
    out = codings.copy()
    out["respondent"] = out["document"].map(doc_resp)
    out["label"] = out["respondent"].map({r.id: r.label for r in corpus.respondents.values()})
    out["side"] = out["respondent"].map({r.id: r.side for r in corpus.respondents.values()})
    return out
