"""Turn an imported project into a study folder that ``altena-qca run`` reads.

The folder (see :mod:`altena_qca.ingest.corpus`)::

    respondents.csv      the cases that map onto respondents (one transcript each)
    transcripts/<id>.txt their documents
    observations/<id>.txt every other document
    codings.csv          with the coded text, so a changed transcript is caught
    codebook.yaml        the imported code tree (and analysis section, if any)
    cases.csv, sets.csv, memos.csv   what a study folder has no place for
    IMPORT.txt           every warning of the import

The transcript reader rebuilds a text from its lines (lines stripped, blank
lines and timestamps dropped, runs of blanks collapsed, CRLF read as LF), so
each written transcript is read back the way :func:`~altena_qca.load_study`
will read it and every coding is re-mapped onto that text and checked
(its coded text must survive, blanks aside). A text without speaker labels
gets a first line ``Respondent:`` / ``Observator:`` so that it forms one
turn; lines that were headings in an altena-qca export are written as
``# heading`` lines, so the interview parts come back. Everything is written to a temporary folder beside the target, loaded
once with :func:`~altena_qca.load_study` as a check, then moved into place:
an error leaves nothing behind.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .._io import unique_name, write_text
from ..codebook import load_codebook
from ..errors import AltenaError, Errors, InputError
from ..ingest.corpus import RESPONDENT_COLUMNS, load_codings, load_corpus, read_transcript
from ..model import Corpus, make_codings
from ._archive import Archive
from ._common import RefiWarnings
from .reader import ImportedProject, _Reader

_CODINGS_HEADER = ["document", "start", "end", "code", "coder", "origin", "confidence", "text"]

__all__ = ["write_study_folder", "import_qdpx_to_folder"]


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError(Errors.E400.format(path=out_dir, reason="output folder exists and is not empty; "
                                                                 "choose a new folder"))


def import_qdpx_to_folder(path: str | Path, out_dir: str | Path) -> ImportedProject:
    """Import a ``.qdpx`` and write it as a study folder, streamed (nothing is written on error).

    The project file is read with ``iterparse``: each source's text and
    codings are written to a staging folder beside ``out_dir`` as soon as
    they are read, then turned into transcripts and ``codings.csv`` one
    document at a time; the staging folder is renamed to ``out_dir`` at the
    end. Memory holds one source at a time plus small tables (codes, cases,
    GUIDs), not the project.

    Parameters
    ----------
    path : str or Path
        The REFI-QDA project archive.
    out_dir : str or Path
        A new or empty folder.

    Returns
    -------
    ImportedProject
        The imported project without its texts and codings (they are in the
        folder: ``load_study(out_dir)``); ``corpus`` holds the respondents,
        ``counts`` what the file holds, ``warnings`` also what changed on the
        way into the folder, and ``data_dir`` is ``out_dir``.

    Raises
    ------
    InputError
        For a hostile or broken archive (see :func:`import_qdpx`) or a
        non-empty ``out_dir``.
    """
    out_dir = Path(out_dir)
    _check_target(out_dir)
    path = Path(path)

    def read(tmp: Path):
        stage = _Staged(tmp / ".staging")
        with Archive(path) as archive:
            project = _Reader(path, archive, stage).run()
        return project, stage

    project, _ = _into_folder(out_dir, read)
    project.data_dir = out_dir
    return project


def write_study_folder(project: ImportedProject, out_dir: str | Path) -> list[Path]:
    """Write an imported ``project`` (in memory) as a study folder; return the files written.

    Warnings about what changed are appended to ``project.warnings`` and
    written to ``IMPORT.txt``.

    Raises
    ------
    InputError
        If ``out_dir`` is not empty, or (a bug) the written folder does not
        load.
    """
    out_dir = Path(out_dir)
    _check_target(out_dir)
    _, files = _into_folder(out_dir, lambda tmp: (project, _InMemory(project)))
    return [out_dir / f for f in files]


def _into_folder(out_dir: Path, read) -> tuple[ImportedProject, list[str]]:
    """Build the study folder in a staging folder beside ``out_dir``; rename it into place at the end."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        project, docs = read(tmp)
        files = _write(project, tmp, docs)
        shutil.rmtree(tmp / ".staging", ignore_errors=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                _load_back(tmp)
            except AltenaError as exc:
                raise InputError(Errors.E400.format(path=out_dir, reason=f"the study folder written from "
                                                                         f"the import does not load: {exc}")) from None
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return project, files


@dataclass
class _Doc:
    """What the folder writer needs of one document."""

    id: str
    text: str
    meta: dict
    codings: pd.DataFrame


class _Staged:
    """The reader's sink for a streamed import: each source to disk as it is read.

    ``<stage>/<n>.txt`` holds the text exactly (CRLF and all), ``<n>.pkl`` its
    codings; only per-document facts (id, respondent, has text, number of
    codings) stay in memory.
    """

    def __init__(self, stage: Path):
        self.stage = stage
        stage.mkdir()
        self.index: dict[str, tuple[int, dict, int, bool]] = {}  # doc id -> (n, meta, codings, has text)
        self.n_codings = 0
        self.respondent_of: dict[str, str] = {}

    def add(self, doc_id: str, text: str, kind: str, meta: dict, codings: pd.DataFrame) -> None:
        n = len(self.index)
        with open(self.stage / f"{n}.txt", "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        codings.to_pickle(self.stage / f"{n}.pkl")
        self.index[doc_id] = (n, meta, len(codings), bool(text.strip()))
        self.n_codings += len(codings)

    def finish(self, reader) -> tuple[Corpus, pd.DataFrame]:
        self.respondent_of = dict(reader.respondent_of)
        return Corpus(documents={}, respondents=reader.respondents), make_codings([])

    # -- what _write reads --------------------------------------------------
    def ids(self) -> list[str]:
        return sorted(self.index)

    def respondent(self, doc_id: str) -> str | None:
        return self.respondent_of.get(doc_id)

    def has_text(self, doc_id: str) -> bool:
        return self.index[doc_id][3]

    def n_codings_of(self, doc_id: str) -> int:
        return self.index[doc_id][2]

    def load(self, doc_id: str) -> _Doc:
        n, meta, _, _ = self.index[doc_id]
        with open(self.stage / f"{n}.txt", encoding="utf-8", newline="") as fh:
            text = fh.read()
        return _Doc(doc_id, text, meta, pd.read_pickle(self.stage / f"{n}.pkl"))


class _InMemory:
    """The same view of a project already in memory (:func:`import_qdpx`)."""

    def __init__(self, project: ImportedProject):
        self.project = project
        codings = project.codings
        self.rows_of = codings.groupby("document", sort=False).indices if len(codings) else {}

    def ids(self) -> list[str]:
        return sorted(self.project.corpus.documents)

    def respondent(self, doc_id: str) -> str | None:
        return self.project.corpus.documents[doc_id].respondent

    def has_text(self, doc_id: str) -> bool:
        return bool(self.project.corpus.documents[doc_id].text.strip())

    def n_codings_of(self, doc_id: str) -> int:
        return len(self.rows_of.get(doc_id, ()))

    def load(self, doc_id: str) -> _Doc:
        doc = self.project.corpus.documents[doc_id]
        return _Doc(doc_id, doc.text, dict(doc.meta), self.project.codings.iloc[self.rows_of.get(doc_id, [])])


def _load_back(folder: Path) -> None:
    """Read ``folder`` as ``load_study`` does (ingest level: no import of the study layer)."""
    corpus = load_corpus(folder, pseudonymise=False)
    codebook = load_codebook(folder / "codebook.yaml")
    if (folder / "codings.csv").exists():
        load_codings(folder / "codings.csv", corpus, codebook)


def _warn(project: ImportedProject, code: str, reason: str) -> None:
    project.warnings.append(getattr(RefiWarnings, code).format(path="study folder", reason=reason))


def _write(project: ImportedProject, root: Path, docs) -> list[str]:
    """Write the study folder from ``docs`` (a :class:`_Staged` or :class:`_InMemory` view), one document at a time."""
    files = []
    docs_of: dict[str, list[str]] = defaultdict(list)
    for doc_id in docs.ids():
        rid = docs.respondent(doc_id)
        if rid and docs.has_text(doc_id):
            docs_of[rid].append(doc_id)
    respondents = {rid: r for rid, r in project.corpus.respondents.items() if len(docs_of.get(rid, [])) == 1}
    for rid in sorted(set(project.corpus.respondents) - set(respondents)):
        _warn(project, "W401", f"respondent {rid!r} has {len(docs_of.get(rid, []))} documents with text, not one; "
                               f"left out of respondents.csv (kept in cases.csv), its documents are observations")
    file_id: dict[str, tuple[str, str, str | None]] = {}  # doc id -> (folder, file id, respondent)
    for rid in respondents:
        file_id[docs_of[rid][0]] = ("transcripts", rid, rid)
    taken = set(respondents)
    for doc_id in docs.ids():
        if doc_id in file_id:
            continue
        if not docs.has_text(doc_id):
            _warn(project, "W401", f"document {doc_id!r} has no text; not written ({docs.n_codings_of(doc_id)} "
                                   f"coding(s))")
            continue
        fid = unique_name(doc_id, taken)
        file_id[doc_id] = ("observations", fid, None)

    parts = root / ".staging" / "codings"
    parts.mkdir(parents=True, exist_ok=True)
    for doc_id, (folder, fid, rid) in sorted(file_id.items()):
        doc = docs.load(doc_id)
        rel = f"{folder}/{fid}.txt"
        new_text, mapping = _write_transcript(project, root / rel, doc, fid, rid)
        files.append(rel)
        rows = _map_codings(project, doc, fid, new_text, mapping, doc.codings)
        _csv_rows(parts / f"{fid}.csv", sorted(rows, key=lambda r: tuple(r[:5])))
    # codings.csv: the documents' rows in file-id order = rows sorted by (file id, start, end, code, coder)
    with open(root / "codings.csv", "w", encoding="utf-8", newline="") as out:
        out.write(",".join(_CODINGS_HEADER) + "\n")
        for fid in sorted(fid for _, fid, _ in file_id.values()):
            with open(parts / f"{fid}.csv", encoding="utf-8", newline="") as part:
                shutil.copyfileobj(part, out)
    _csv(root / "respondents.csv", RESPONDENT_COLUMNS,
         [[getattr(r, c) or "" for c in RESPONDENT_COLUMNS] for r in respondents.values()])
    write_text(root / "codebook.yaml", _codebook_yaml(project))
    files += ["respondents.csv", "codings.csv", "codebook.yaml"]
    if len(project.cases):
        _csv(root / "cases.csv", list(project.cases.columns),
             project.cases.fillna("").astype(str).values.tolist())
        files.append("cases.csv")
    set_rows = [[name, kind, m] for name, spec in sorted(project.sets.items())
                for kind in ("sources", "codes", "notes") for m in spec.get(kind, [])]
    if project.sets:
        _csv(root / "sets.csv", ["set", "kind", "member"], set_rows)
        files.append("sets.csv")
    if len(project.memos):
        _csv(root / "memos.csv", list(project.memos.columns), project.memos.fillna("").astype(str).values.tolist())
        files.append("memos.csv")
    header = (f"Imported from a REFI-QDA project: {project.name!r} (written by {project.origin or 'unknown'}).\n"
              f"Found: " + ", ".join(f"{v} {k}" for k, v in project.counts.items()) + ".\n"
              f"{len(project.warnings)} warning(s):\n")
    write_text(root / "IMPORT.txt", header + "".join(f"- {w}\n" for w in project.warnings))
    files.append("IMPORT.txt")
    return sorted(files)


def _write_transcript(project, path: Path, doc, fid: str, rid: str | None) -> tuple[str, list[int]]:
    """Write a document, read it back as load_study will; return that text and old → new offsets."""
    kind = "interview" if rid else "observation"
    heads = set(doc.meta.get("headings", ()))
    body = "\n".join("# " + line if n in heads else line
                     for n, line in enumerate(doc.text.split("\n"), start=1))
    write_text(path, body)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            back = read_transcript(path, fid, kind=kind, respondent=rid)
        prefix = ""
    except InputError as exc:
        if exc.code != "E104":
            raise
        prefix = ("Respondent:" if rid else "Observator:") + "\n"
        write_text(path, prefix + body)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            back = read_transcript(path, fid, kind=kind, respondent=rid)
        _warn(project, "W402", f"document {doc.id!r} has no speaker labels (I:/R:); written with a first line "
                               f"{prefix.strip()!r} so that it reads as one turn")
    new = back.text
    if not new.startswith(prefix):  # cannot happen: the reader keeps a label line as typed
        raise InputError(Errors.E400.format(path=path, reason="transcript did not read back as written"))
    mapping = [len(prefix) + j for j in _offset_map(doc.text, new[len(prefix):])]
    if new != doc.text:
        _warn(project, "W402", f"document {doc.id!r}: text normalised by the transcript reader (line ends, blanks, "
                               f"blank lines); its codings are re-mapped onto {path.parent.name}/{path.name}")
    return new, mapping


def _offset_map(old: str, new: str) -> list[int]:
    """Where each offset of ``old`` lies in ``new`` (``new`` = ``old`` with text
    removed and blanks changed), for ``0 <= i <= len(old)``."""
    out, j, n = [0] * (len(old) + 1), 0, len(new)
    for i, ch in enumerate(old):
        out[i] = j
        if j < n and new[j] == ch:
            j += 1
        elif ch.isspace():
            if j < n and new[j].isspace():
                j += 1  # a blank replaced by another (tab -> space, CR -> LF)
        else:
            k = j
            while k < n and new[k].isspace():
                k += 1  # blanks the reader inserted ('R:Goed' -> 'R: Goed')
            if k < n and new[k] == ch:
                j = k + 1
    out[len(old)] = j
    return out


def _map_codings(project, doc, fid: str, new: str, mapping: list[int], codings: pd.DataFrame) -> list[list]:
    rows, changed, lost = [], [], []
    for c in codings.itertuples(index=False):
        start, end = mapping[c.start], mapping[c.end]
        old_q, new_q = doc.text[c.start:c.end], new[start:end]
        if not "".join(new_q.split()):
            lost.append(f"{c.code} at {c.start}-{c.end}")
            continue
        if "".join(old_q.split()) != "".join(new_q.split()):
            changed.append(f"{c.code} at {c.start}-{c.end}")
        rows.append([fid, start, end, c.code, c.coder, c.origin, f"{c.confidence:g}", new_q])
    if changed:
        _warn(project, "W402", f"document {doc.id!r}: the coded text of {len(changed)} coding(s) lost characters "
                               f"the transcript reader removes (timestamps, notes, '#'): " + "; ".join(changed[:3]))
    if lost:
        _warn(project, "W401", f"document {doc.id!r}: {len(lost)} coding(s) cover only text the transcript reader "
                               f"removes; left out: " + "; ".join(lost[:3]))
    return rows


def _csv_rows(path: Path, rows: list[list]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_text(path, buf.getvalue())


def _codebook_yaml(project: ImportedProject) -> str:
    cb = project.codebook
    codes = []
    for c in cb:
        entry: dict[str, object] = {"id": c.id}
        if c.parent:
            entry["parent"] = c.parent
        entry.update(label_nl=c.label_nl, kind=c.kind)
        for key in ("label_en", "definition", "indicators", "examples", "rules"):
            value = getattr(c, key)
            if value:
                entry[key] = list(value) if isinstance(value, tuple) else value
        codes.append(entry)
    data = {"codebook": dict(cb.meta), "analysis": dict(cb.analysis), "codes": codes}
    head = (f"# Code tree imported from the REFI-QDA project {project.name!r} "
            f"(written by {project.origin or 'unknown'}); see IMPORT.txt.\n")
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return head + re.sub(r"\r", "", text)
