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
from pathlib import Path

import yaml

from .._io import write_text
from ..errors import AltenaError, Errors, InputError
from ..codebook import load_codebook
from ..ingest.corpus import RESPONDENT_COLUMNS, load_codings, load_corpus, read_transcript
from ._common import RefiWarnings
from .reader import ImportedProject, import_qdpx

__all__ = ["write_study_folder", "import_qdpx_to_folder"]


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError(Errors.E400.format(path=out_dir, reason="output folder exists and is not empty; "
                                                                 "choose a new folder"))


def import_qdpx_to_folder(path: str | Path, out_dir: str | Path) -> ImportedProject:
    """Import a ``.qdpx`` and write it as a study folder (nothing is written on error).

    Parameters
    ----------
    path : str or Path
        The REFI-QDA project archive.
    out_dir : str or Path
        A new or empty folder.

    Returns
    -------
    ImportedProject
        The imported project; ``warnings`` also lists what changed on the
        way into the folder, and ``data_dir`` is ``out_dir``.

    Raises
    ------
    InputError
        For a hostile or broken archive (see :func:`import_qdpx`) or a
        non-empty ``out_dir``.
    """
    out_dir = Path(out_dir)
    _check_target(out_dir)
    project = import_qdpx(path)
    write_study_folder(project, out_dir)
    project.data_dir = out_dir
    return project


def write_study_folder(project: ImportedProject, out_dir: str | Path) -> list[Path]:
    """Write ``project`` as a study folder; return the files written.

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
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        files = _write(project, tmp)
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
    return [out_dir / f for f in files]


def _load_back(folder: Path) -> None:
    """Read ``folder`` as ``load_study`` does (ingest level: no import of the study layer)."""
    corpus = load_corpus(folder, pseudonymise=False)
    codebook = load_codebook(folder / "codebook.yaml")
    if (folder / "codings.csv").exists():
        load_codings(folder / "codings.csv", corpus, codebook)


def _warn(project: ImportedProject, code: str, reason: str) -> None:
    project.warnings.append(getattr(RefiWarnings, code).format(path="study folder", reason=reason))


def _write(project: ImportedProject, root: Path) -> list[str]:
    corpus, files = project.corpus, []
    # row positions of each document's codings, found once (not one scan per document)
    rows_of = project.codings.groupby("document", sort=False).indices if len(project.codings) else {}
    docs_of: dict[str, list[str]] = defaultdict(list)
    for doc in corpus:
        if doc.respondent and doc.text.strip():
            docs_of[doc.respondent].append(doc.id)
    respondents = {rid: r for rid, r in corpus.respondents.items() if len(docs_of.get(rid, [])) == 1}
    for rid in sorted(set(corpus.respondents) - set(respondents)):
        _warn(project, "W401", f"respondent {rid!r} has {len(docs_of.get(rid, []))} documents with text, not one; "
                               f"left out of respondents.csv (kept in cases.csv), its documents are observations")
    file_id: dict[str, tuple[str, str, str | None]] = {}  # doc id -> (folder, file id, respondent)
    for rid in respondents:
        file_id[docs_of[rid][0]] = ("transcripts", rid, rid)
    taken = set(respondents)
    for doc in corpus:
        if doc.id in file_id:
            continue
        if not doc.text.strip():
            n = len(rows_of.get(doc.id, ()))
            _warn(project, "W401", f"document {doc.id!r} has no text; not written ({n} coding(s))")
            continue
        fid, k = doc.id, 1
        while fid in taken:
            k += 1
            fid = f"{doc.id}-{k}"
        taken.add(fid)
        file_id[doc.id] = ("observations", fid, None)

    rows = []
    for doc_id, (folder, fid, rid) in sorted(file_id.items()):
        doc = corpus.documents[doc_id]
        rel = f"{folder}/{fid}.txt"
        new_text, mapping = _write_transcript(project, root / rel, doc, fid, rid)
        files.append(rel)
        rows.extend(_map_codings(project, doc, fid, new_text, mapping, rows_of.get(doc.id, [])))

    _csv(root / "respondents.csv", RESPONDENT_COLUMNS,
         [[getattr(r, c) or "" for c in RESPONDENT_COLUMNS] for r in respondents.values()])
    _csv(root / "codings.csv", ["document", "start", "end", "code", "coder", "origin", "confidence", "text"],
         sorted(rows, key=lambda r: tuple(r[:5])))
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


def _map_codings(project, doc, fid: str, new: str, mapping: list[int], positions) -> list[list]:
    rows, changed, lost = [], [], []
    codings = project.codings.iloc[positions]
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
        entry = {"id": c.id}
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
