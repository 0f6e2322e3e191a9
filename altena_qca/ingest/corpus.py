"""Load a study folder into a :class:`~altena_qca.model.Corpus` and its codings.

A study folder (``altena_qca/resources/studies/altena/`` is the bundled one) holds::

    respondents.csv      id, function, label, side, interview_date, organisation
    transcripts/         one <respondent id>.docx or .txt per interview
    observations/        observation notes (.docx or .txt), optional
    codings.csv          document, start, end, code[, coder, origin, confidence, text]

Transcripts are pseudonymised on ingest unless asked not to
(:mod:`altena_qca.privacy`). Each one is read by :func:`ingest_transcript`,
a pure function of its arguments; :func:`load_corpus` calls it one file after
the other, :func:`altena_qca.engine.load_corpus` on an engine (local or Dask).
"""
from __future__ import annotations

import codecs
import copy
import csv
import dataclasses
import io
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._io import check_input_file
from ..errors import Errors, InputError, Warnings
from ..model import SIDES, Codebook, Corpus, Document, Respondent, check_codings, make_codings
from .dates import parse_date
from .docx import read_docx_paragraphs
from .segment import TopicList, load_topic_list, segment_paragraphs, study_topics
from .text import Paragraph, read_text_paragraphs

__all__ = ["read_transcript", "read_respondents", "read_codings_table", "IngestedDocument", "ingest_transcript", "load_corpus",
           "load_codings", "RESPONDENT_COLUMNS", "TRANSCRIPT_SUFFIXES"]

RESPONDENT_COLUMNS = ["id", "function", "label", "side", "interview_date", "organisation"]
_REQUIRED_RESPONDENT = ["id", "function", "label", "side"]
TRANSCRIPT_SUFFIXES = (".docx", ".txt")


def read_transcript(path: str | Path, doc_id: str | None = None, *, kind: str = "interview",
                    respondent: str | None = None, speakers: Mapping[str, str] | None = None,
                    topics: TopicList | str | Path | None = None,
                    pseudonymiser: Callable[[Document], Document] | None = None) -> Document:
    """Read one ``.docx`` or ``.txt`` transcript into a segmented Document.

    ``topics`` is the topic list that places turns in the interview parts: a
    :class:`~altena_qca.ingest.segment.TopicList`, the path of a
    ``topiclist.yaml``, or None for the thesis's.

    Raises
    ------
    InputError
        For an unsupported, missing, empty, corrupt or unlabelled file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    paragraphs: Iterable[Paragraph]
    if suffix == ".docx":
        paragraphs, encoding = read_docx_paragraphs(path), None
    elif suffix == ".txt":
        paragraphs, encoding = read_text_paragraphs(path)
    else:
        raise InputError(Errors.E105.format(path=path, suffix=suffix or "(none)"))
    if topics is not None and not isinstance(topics, TopicList):
        topics = load_topic_list(topics)
    doc = segment_paragraphs(paragraphs, doc_id or path.stem, path=path, speakers=speakers,
                             topics=topics, kind=kind, respondent=respondent)
    # a document renamed for personal data in its file name keeps no trace of the old name
    doc.meta["file"] = path.name if doc.id == path.stem else doc.id + path.suffix
    if encoding:
        doc.meta["encoding"] = encoding
    return pseudonymiser(doc) if pseudonymiser else doc


def _delimiter(text: str) -> str:
    """',' or the ';' (Dutch Excel) or tab that the header line is split by."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ",")) if any(counts.values()) else ","


def read_respondents(path: str | Path, problems: list[str] | None = None) -> dict[str, Respondent]:
    """Read and validate ``respondents.csv``; interview dates become ISO dates.

    Parameters
    ----------
    path
        The file (columns :data:`RESPONDENT_COLUMNS`).
    problems
        When given, every problem is appended to it (one message per line of
        the file) and the valid rows are returned; else the first one raises.

    Raises
    ------
    InputError
        For missing columns, duplicate ids, empty ids, an unknown side (an
        empty side means "not known": warning W115) or a date that is not ISO or Dutch (``2024-03-05``, ``05-03-2024``,
        ``5 maart 2024``).
    """
    path = Path(path)

    def fail(message: str) -> None:
        if problems is None:
            raise InputError(message)
        problems.append(message)

    try:
        check_input_file(path)  # E106 missing; E109 a folder or a named pipe (which would block)
    except InputError as exc:
        fail(str(exc))
        return {}
    out: dict[str, Respondent] = {}
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(Errors.E109.format(path=path, reason=exc.strerror or type(exc).__name__))
        return {}
    # read like transcripts: UTF-8 (BOM removed), UTF-16 with BOM, else cp1252 with W101
    from .text import decode_text
    text, _ = decode_text(data, path)
    with io.StringIO(text.lstrip("\ufeff"), newline="") as fh:
        reader = csv.DictReader(fh, delimiter=_delimiter(text))
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [c for c in _REQUIRED_RESPONDENT if c not in header]
        if missing:
            fail(Errors.E110.format(path=path, missing=", ".join(missing), expected=", ".join(RESPONDENT_COLUMNS)))
            return {}
        for line, row in enumerate(reader, start=2):
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue  # an empty line (a spreadsheet's trailing row)
            rid = (row.get("id") or "").strip()
            if not rid:
                fail(Errors.E112.format(path=path, line=line, value="", column="id", reason="empty"))
                continue
            if rid in out:
                fail(Errors.E111.format(path=path, line=line, id=rid))
                continue
            side = (row.get("side") or "").strip().lower()
            label = (row.get("label") or "").strip()
            raw_date = (row.get("interview_date") or "").strip()
            try:
                date = parse_date(raw_date)
            except ValueError as exc:
                fail(Errors.E112.format(path=path, line=line, value=raw_date, column="interview_date", reason=exc))
                date = None
            if side and side not in SIDES:
                fail(Errors.E112.format(path=path, line=line, value=side, column="side",
                                        reason=f"expected one of {', '.join(SIDES)}, or empty when not known"))
            elif not label:
                fail(Errors.E112.format(path=path, line=line, value="", column="label", reason="empty"))
            else:
                out[rid] = Respondent(id=rid, function=(row.get("function") or "").strip(), label=label,
                                      side=side, interview_date=date,
                                      organisation=(row.get("organisation") or "").strip() or None)
    unknown = sorted(rid for rid, r in out.items() if not r.side)
    if unknown:
        warnings.warn(Warnings.W115.format(path=path, n=len(unknown), ids=", ".join(unknown[:10])
                                           + (", ..." if len(unknown) > 10 else "")), stacklevel=2)
    return dict(sorted(out.items()))


@dataclass
class IngestedDocument:
    """What :func:`ingest_transcript` gives back for one transcript.

    Attributes
    ----------
    document : Document
        Segmented, and pseudonymised when a pseudonymiser was given.
    key : dict or None
        The document's pseudonym key (tag -> original), or None.
    offsets : OffsetMap or None
        Where offsets into the original text lie in the pseudonymised one.
    warnings : list of (category, message)
        Warnings raised while reading, to be re-raised where the result is
        used; filled by a caller that records them
        (:func:`altena_qca.engine.ingest_document`), empty otherwise.
    """

    document: Document
    key: dict[str, str] | None = None
    offsets: Any = None
    warnings: list[tuple[type, str]] = field(default_factory=list)

    def add_to(self, corpus: Corpus) -> None:
        """Put the document into ``corpus``, its key and offset map into the corpus's pseudonymiser."""
        doc = self.document
        corpus.documents[doc.id] = doc
        if corpus.pseudonymiser is not None:
            corpus.pseudonymiser.key_[doc.id] = self.key
            corpus.pseudonymiser.offsets_[doc.id] = self.offsets


def ingest_transcript(path: str | Path, doc_id: str, *, kind: str = "interview", respondent: str | None = None,
                      speakers: Mapping[str, str] | None = None, pseudonymiser=None,
                      topics: TopicList | str | Path | None = None) -> IngestedDocument:
    """Read, segment and pseudonymise one transcript; a pure function of its arguments.

    Parameters
    ----------
    path, doc_id, kind, respondent, speakers, topics
        As for :func:`read_transcript`.
    pseudonymiser : Pseudonymiser, optional
        A fitted :class:`~altena_qca.privacy.Pseudonymiser`. It is not
        changed: a shallow copy with an empty key transforms the document
        (:meth:`IngestedDocument.add_to` records key and offsets).

    Returns
    -------
    IngestedDocument

    Raises
    ------
    InputError
        As :func:`read_transcript`.
    """
    private = None
    if pseudonymiser is not None:
        private = copy.copy(pseudonymiser)
        private.key_, private.offsets_ = {}, {}
    doc = read_transcript(path, doc_id, kind=kind, respondent=respondent, speakers=speakers, topics=topics,
                          pseudonymiser=private)
    key = private.key_.get(doc.id) if private is not None else None
    offsets = private.offsets_.get(doc.id) if private is not None else None
    return IngestedDocument(doc, key, offsets)


def _transcript_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in TRANSCRIPT_SUFFIXES and not p.name.startswith("~$"))


def _transcript_tasks(data_dir: Path, respondents: Mapping[str, Respondent], *,
                      require_all: bool = True) -> Iterator[tuple[Path, str, str, str | None]]:
    """``(path, doc_id, kind, respondent)`` per transcript, then per observation.

    The folder is checked as the tasks are taken: two transcripts for one
    respondent (E112) at the first, a transcript without respondent (E114)
    just before its task, a respondent without transcript (E113, with
    ``require_all``) after the last transcript. Take them all (``list``) to
    check the whole folder before any file is read.
    """
    resp_path = data_dir / "respondents.csv"
    folder = data_dir / "transcripts"
    by_id: dict[str, Path] = {}
    for f in _transcript_files(folder):
        if f.stem in by_id:
            raise InputError(Errors.E112.format(path=f, line=1, value=f.stem, column="file name",
                                                reason=f"two transcripts for one respondent ({by_id[f.stem].name})"))
        by_id[f.stem] = f
    for rid, f in sorted(by_id.items()):
        if rid not in respondents:
            raise InputError(Errors.E114.format(doc=f.name, path=resp_path))
        yield f, rid, "interview", rid
    if require_all:
        for rid in respondents:
            if rid not in by_id:
                raise InputError(Errors.E113.format(id=rid, path=resp_path, folder=folder))
    for f in _transcript_files(data_dir / "observations"):
        yield f, f.stem, "observation", None


def _neutral_ids(tasks: list[tuple[Path, str, str, str | None]], respondents: dict[str, Respondent],
                 pseudonymiser) -> tuple[list[tuple[Path, str, str, str | None]], dict[str, Respondent]]:
    """Tasks and respondents with every id that holds personal data renamed (W501).

    Respondent ids are transcript file names and observation ids are file
    names; both reach every output (tables, the .qdpx, the report), so each
    goes through :meth:`~altena_qca.privacy.Pseudonymiser.clean_ids`. The
    renaming is recorded in the pseudonymiser's ``ids_``: codings made on
    the old ids follow. Without a pseudonymiser nothing changes.
    """
    if pseudonymiser is None:
        return tasks, respondents
    ids = [(rid, "id of a respondent (its transcript's file name)") for rid in respondents]
    ids += [(doc_id, f"file name of an {kind}") for _, doc_id, kind, respondent in tasks if respondent is None]
    renamed = pseudonymiser.clean_ids(ids)
    if not renamed:
        return tasks, respondents
    pseudonymiser.ids_.update(renamed)
    # a label copied from the id (as an import makes it) follows the id
    respondents = dict(sorted((renamed.get(rid, rid), dataclasses.replace(
        r, id=renamed.get(rid, rid), label=renamed.get(rid, rid) if r.label == rid else r.label))
        for rid, r in respondents.items()))
    tasks = [(path, renamed.get(doc_id, doc_id), kind, renamed.get(respondent, respondent) if respondent else None)
             for path, doc_id, kind, respondent in tasks]
    return tasks, respondents


def _respondents_and_pseudonymiser(data_dir: Path, pseudonymise: bool, protected: Iterable[str] = ()):
    """The study's respondents and, with ``pseudonymise``, a pseudonymiser fitted
    for them (the names in the study's own ``actors.yaml`` and ``protected``,
    e.g. the study's municipality, protected too); else None and warning
    W104 (at the corpus loader's caller)."""
    respondents = read_respondents(data_dir / "respondents.csv")
    pseudonymiser = None
    if pseudonymise:
        from ..privacy import Pseudonymiser, load_protected_terms
        local = data_dir / "actors.yaml"  # the study's own organisations are protected like the package's
        own = (*(load_protected_terms(None, check_input_file(local)) if local.exists() else ()), *protected)
        # a name typed into a function or label ('contact: Sanne Verbeek') is
        # tagged there (W502) before the labels are protected in transcripts
        respondents = Pseudonymiser(protected=own).fit().clean_respondents(respondents, data_dir / "respondents.csv")
        pseudonymiser = Pseudonymiser.for_corpus(respondents, protected=own)
    else:
        warnings.warn(Warnings.W104, stacklevel=3)
    return respondents, pseudonymiser


def _study_topic_list(data_dir: Path, topics: str | Path | None = None) -> tuple[Path | None, TopicList | None]:
    """The topic-list file a study's transcripts are read with, and that list parsed (once, before any transcript).

    ``topics`` when given, else the study's own ``topiclist.yaml``
    (:func:`~altena_qca.ingest.segment.study_topics`); ``(None, None)``: the
    thesis's. Raises E139 or E130 for a list that cannot be used.
    """
    path = Path(topics) if topics is not None else study_topics(data_dir)
    return path, (load_topic_list(path) if path is not None else None)


def load_corpus(data_dir: str | Path, *, pseudonymise: bool = True,
                speakers: Mapping[str, str] | None = None, require_all: bool = True,
                protected: Iterable[str] = (), topics: str | Path | None = None) -> Corpus:
    """Load respondents, transcripts and observations of a study folder.

    Parameters
    ----------
    data_dir
        The study folder (see module docstring).
    pseudonymise
        Replace names, places, numbers by tags on ingest (default). Turning it
        off warns: the outputs may then hold personal data.
    require_all
        Every respondent must have a transcript (E113).
    protected
        More terms never pseudonymised (the study's municipality, from
        ``study.yaml``: :meth:`~altena_qca.study.StudyConfig.protected_terms`).
    topics
        The topic list that places turns in the interview parts; by default
        the study's own ``topiclist.yaml`` when the folder has one, else the
        thesis's (:func:`~altena_qca.ingest.segment.study_topics`).

    Raises
    ------
    InputError
        For any unusable file, a transcript without respondent (E114) or a
        respondent without transcript (E113).
    """
    data_dir = Path(data_dir)
    _, topic_list = _study_topic_list(data_dir, topics)
    respondents, pseudonymiser = _respondents_and_pseudonymiser(data_dir, pseudonymise, protected)
    # all tasks first: the whole folder is checked before any transcript is read
    tasks = list(_transcript_tasks(data_dir, respondents, require_all=require_all))
    tasks, respondents = _neutral_ids(tasks, respondents, pseudonymiser)
    corpus = Corpus(respondents=respondents, pseudonymiser=pseudonymiser)
    for path, doc_id, kind, respondent in tasks:
        ingest_transcript(path, doc_id, kind=kind, respondent=respondent, speakers=speakers,
                          pseudonymiser=pseudonymiser, topics=topic_list).add_to(corpus)
    return corpus


def _restorer(pseudonymiser):
    """``restore(doc_id, text)``: pseudonym tags in ``text`` back to their originals (memory only)."""
    def restore(doc_id: str, text: str) -> str:
        key = pseudonymiser.key_.get(doc_id) or {}
        return _TAG_RE.sub(lambda m: key.get(m.group(0), m.group(0)), text) if key else text
    return restore


_TAG_RE = re.compile(r"\[[A-Z_]+-\d+\]")
#: Offsets above this are refused as numbers (E125), not looked up (no transcript is this long:
#: the .txt limit is 512 MiB); below it, an offset past the end of its document is E122.
_MAX_OFFSET = 2**31


def _check_spans(raw: pd.DataFrame, corpus: Corpus, path: Path, problems: list[str] | None) -> pd.DataFrame:
    """Offsets as the file gives them: whole, finite, not negative, start before end, inside the
    document as typed (E125, E126, E122, in file terms); exact duplicate rows dropped (W125)."""
    import math

    bad_rows = []

    def fail(i, message):
        if problems is None:
            raise InputError(message)
        problems.append(message)
        bad_rows.append(i)

    pseudo = corpus.pseudonymiser
    for i, row in raw.iterrows():
        line = int(row["_line"])
        start, end = row["start"], row["end"]
        wrong = next(((col, v) for col, v in (("start", start), ("end", end))
                      if not math.isfinite(v) or v != int(v) or not 0 <= v <= _MAX_OFFSET), None)
        if wrong is not None:
            col, v = wrong
            shown = int(v) if math.isfinite(v) and v == int(v) and abs(v) < 1e15 else v
            fail(i, Errors.E125.format(path=path, line=line, value=shown, column=col,
                                       reason="an offset is a whole number of characters, 0 or more"
                                       + (f", at most {_MAX_OFFSET}" if math.isfinite(v) and v > _MAX_OFFSET else "")))
            continue
        start, end = int(start), int(end)
        if end <= start:
            fail(i, Errors.E126.format(path=path, line=line, start=start, end=end,
                                       reason="end before start (reversed)" if end < start else "zero-length span"))
            continue
        doc = corpus.documents.get(row["document"])
        if doc is None:
            continue  # unknown document: E120 from check_codings
        offsets = getattr(pseudo, "offsets_", {}).get(doc.id) if pseudo is not None else None
        length = offsets.old_length if offsets is not None else len(doc.text)
        if end > length:
            fail(i, Errors.E122.format(path=path, line=line, start=start, end=end, doc=doc.id, length=length))
    raw = raw.drop(index=bad_rows)
    if len(raw):
        raw["start"], raw["end"] = raw["start"].astype("int64"), raw["end"].astype("int64")
        key = ["document", "start", "end", "code"]
        dup = raw.duplicated(subset=key, keep="first")
        if dup.any():
            lines = raw.loc[dup, "_line"].tolist()
            warnings.warn(Warnings.W125.format(path=path, n=len(lines), lines=", ".join(map(str, lines[:10]))
                                               + (" ..." if len(lines) > 10 else "")), stacklevel=3)
            raw = raw.loc[~dup]
    return raw.reset_index(drop=True)


def read_codings_table(path: str | Path, required: tuple[str, ...] = ("document", "start", "end", "code")
                       ) -> pd.DataFrame:
    """``codings.csv`` as written, every cell a string (the one reader of the file's format).

    :func:`load_codings` checks and converts the rows; the codebook edits
    (:mod:`altena_qca.codebook_edit`) change the ``code`` column and write
    every other column back as read.

    Raises
    ------
    InputError
        E106 when the file is missing, E109 when it is a folder or a named
        pipe, E103 when it is binary, E125 when it is not a CSV table, E124
        when a ``required`` column is missing.

    Warns
    -----
    UserWarning
        W101 when the file is read as cp1252 (an older Excel's "CSV"); UTF-8
        with or without Excel's byte-order mark and UTF-16 are read silently.
        The separator is the header's: ``,``, ``;`` (Dutch Excel) or tab.
    """
    path = check_input_file(path)  # E106 missing; E109 a folder or a named pipe (which would block)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(Errors.E109.format(path=path, reason=exc.strerror or type(exc).__name__)) from None
    if data.startswith(codecs.BOM_UTF8):  # Excel's 'CSV UTF-8': nothing to warn about
        data = data[len(codecs.BOM_UTF8):]
    from .text import decode_text
    # read like respondents.csv: UTF-16 as such, cp1252 with W101, binary refused (E103)
    text, _ = decode_text(data, path)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=_delimiter(text))
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(Errors.E125.format(path=path, line="?", value="", column="(file)",
                                            reason=str(exc).splitlines()[0])) from None
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise InputError(Errors.E124.format(path=path, missing=", ".join(missing),
                                            expected="document, start, end, code[, coder, origin, confidence, text]"))
    return raw


def load_codings(path: str | Path, corpus: Corpus, codebook: Codebook,
                 problems: list[str] | None = None) -> pd.DataFrame:
    """Read ``codings.csv`` and check every row against corpus and codebook.

    Offsets refer to the transcript as typed. When the corpus was
    pseudonymised on ingest, they are moved onto the pseudonymised text
    (:meth:`~altena_qca.privacy.Pseudonymiser.remap_codings`). An optional
    ``text`` column holds the coded text; when present it must equal the
    document text at the span (compared with the originals put back, in memory),
    so a changed transcript cannot silently move codings onto other words.

    With ``problems`` (a list), invalid rows are listed there, each with
    file and line, instead of raising (for ``altena-qca check``); a file that
    cannot be read at all still raises.

    Raises
    ------
    InputError
        Naming the file and line of the first invalid coding.
    """
    path = Path(path)
    raw = read_codings_table(path)
    for col in ("start", "end", "confidence"):
        if col in raw.columns:
            conv = pd.to_numeric(raw[col].replace("", None), errors="coerce")
            bad = conv.isna() & (raw[col].astype(str) != "") if col == "confidence" else conv.isna()
            if bad.any():
                i = int(bad.idxmax())
                raise InputError(Errors.E125.format(path=path, line=i + 2, value=raw.loc[i, col], column=col,
                                                    reason="not a number"))
            raw[col] = conv
    # optional columns get their defaults before checking (as make_codings would)
    for col, default in (("coder", "researcher"), ("origin", "manual"), ("confidence", 1.0)):
        if col not in raw.columns:
            raw[col] = default
        raw[col] = raw[col].replace("", None).fillna(default) if raw[col].dtype == object else raw[col].fillna(default)
    raw["_line"] = range(2, len(raw) + 2)
    ids = getattr(corpus.pseudonymiser, "ids_", None)
    if ids and len(raw):  # documents renamed for a name in their file name (W501)
        raw["document"] = raw["document"].map(lambda d: ids.get(d, d))
    raw = _check_spans(raw, corpus, path, problems)
    quotes = raw["text"] if "text" in raw.columns else None
    pseudo = corpus.pseudonymiser
    restore = None
    if pseudo is not None and getattr(pseudo, "offsets_", None):
        raw["_file_start"], raw["_file_end"] = raw["start"], raw["end"]  # for messages: the file's offsets
        raw = pseudo.remap_codings(raw)
        restore = _restorer(pseudo)
    check_codings(raw, corpus, codebook, path=str(path), quotes=quotes, restore=restore, problems=problems)
    out = make_codings(raw.drop(columns=[c for c in ("text", "_line", "_file_start", "_file_end")
                                         if c in raw.columns]))
    return out
