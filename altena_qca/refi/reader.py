"""Import a REFI-QDA project (``.qdpx``) written by ATLAS.ti, NVivo, MAXQDA, QualCoder, ...

:func:`import_qdpx` reads the archive safely (:mod:`._archive`) and maps it
onto our model: the code tree onto a :class:`~altena_qca.model.Codebook`
(:mod:`._codes`), every ``TextSource`` onto a document, every
``PlainTextSelection``/``Coding`` onto a coding row (origin ``imported``),
cases with a ``side`` variable onto respondents, sets, notes (memos) and
users. Positions are Unicode code points into the source's plain text, taken
verbatim (CRLF and all), so nothing shifts; each selection is checked against
its text. Anything that deviates from the standard, or cannot be mapped, is
listed in :attr:`ImportedProject.warnings` — never dropped silently.

Plain text is looked up inside the archive only: ``internal://x.txt`` is
``sources/x.txt``; a relative, absolute or ``file://`` path (non-conformant)
is tried as ``sources/<path>``, ``<path>`` and ``sources/<file name>``. A
source without plain text falls back to the ``.txt`` beside its rich text,
then to the text of its ``.docx``.
"""
from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

import pandas as pd

from .._io import unique_name
from ..model import SIDES, Codebook, Corpus, Document, Respondent, check_codings, make_codings
from ._archive import Archive, fail, iter_xml
from ._codes import local_name, read_code_tree
from ._common import GUID_RE, NS_PROJECT, RefiWarnings, norm_guid, safe_file_id, split_marker
from ._sources import SourceFiles, position, segments
from ._sources import shifted as quote_elsewhere

__all__ = ["ImportedProject", "import_qdpx"]

_NS = (NS_PROJECT, "")
_GUID_ATTRS = ("guid", "targetGUID", "creatingUser", "modifyingUser", "creatingUserGUID", "modifyingUserGUID",
               "representedGUID", "sourceVertex", "targetVertex", "originGUID", "fromSyncPoint", "toSyncPoint")
_OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")
# Case variable names (lowercase) understood as respondent attributes.
_ATTRS = {"side": ("side", "kant", "intern_extern"), "function": ("function", "functie"),
          "label": ("label",), "interview_date": ("interview_date", "interviewdatum", "datum", "date"),
          "organisation": ("organisation", "organization", "organisatie")}


@dataclass
class ImportedProject:
    """A study read from a ``.qdpx``, plus what has no place in a Study.

    It has the ``corpus, codebook, codings, data_dir`` of a
    :class:`~altena_qca.study.Study`, so it exports and analyses like one,
    without this module importing the study layer.

    Attributes
    ----------
    corpus, codebook, codings
        As in :class:`~altena_qca.study.Study`; codings have origin ``imported``.
    data_dir : Path or None
        The study folder it was written to, if any.
    cases : DataFrame
        One row per case: ``case, name, sources`` and one column per variable.
    groups : DataFrame or None
        ``respondent, group, group_label`` from a case variable ``group``.
    sets : dict
        Set name → ``{"sources": [...], "codes": [...], "notes": [...], "marker": ...}``.
    memos : DataFrame
        ``id, name, text, document, code`` (notes; ``document``/``code`` give
        what a note is attached to).
    counts : dict
        What the file holds: ``codes, sources, selections, codings, cases,
        sets, notes, users``.
    warnings : list of str
        Every deviation and everything not mapped.
    """

    corpus: Corpus
    codebook: Codebook
    codings: pd.DataFrame
    data_dir: Path | None = None
    name: str = ""
    origin: str = ""
    cases: pd.DataFrame = field(default_factory=pd.DataFrame)
    groups: pd.DataFrame | None = None
    sets: dict = field(default_factory=dict)
    memos: pd.DataFrame = field(default_factory=pd.DataFrame)
    users: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)


def import_qdpx(path: str | Path) -> ImportedProject:
    """Read a REFI-QDA project archive (``.qdpx``).

    Parameters
    ----------
    path : str or Path
        The archive.

    Returns
    -------
    ImportedProject
        A Study (corpus, codebook, codings) with cases, sets, memos and the
        warnings about what deviates or was not mapped.

    Raises
    ------
    InputError
        E400 naming the file, for a hostile or broken archive: zip-slip
        member names, zip bombs, XML with a DTD or entities, invalid or
        duplicate GUIDs, selections outside their text, codings pointing at
        unknown codes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from altena_qca import Study, load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document
    >>> from altena_qca.refi import export_qdpx
    >>> corpus = Corpus(documents={"R1": Document("R1", "R: Zoë vertrouwt het niet.")})
    >>> study = Study(corpus, load_codebook(), make_codings(
    ...     [{"document": "R1", "start": 3, "end": 26, "code": "effects.trust"}]))
    >>> p = export_qdpx(study, pathlib.Path(tempfile.mkdtemp()) / "p.qdpx", groups=None)
    >>> back = import_qdpx(p)
    >>> row = back.codings.iloc[0]
    >>> row["document"], int(row["start"]), int(row["end"]), row["code"], row["origin"]
    ('R1', 3, 26, 'effects.trust', 'imported')
    >>> back.corpus.documents["R1"].text[3:26]
    'Zoë vertrouwt het niet.'
    """
    path = Path(path)
    with Archive(path) as archive:
        return _Reader(path, archive, _MemorySink()).run()


class _MemorySink:
    """Keeps every document and coding in memory: :func:`import_qdpx`'s corpus and codings."""

    def __init__(self):
        self.docs: dict[str, Document] = {}
        self.frames: list[pd.DataFrame] = []

    def add(self, doc_id: str, text: str, kind: str, meta: dict, codings: pd.DataFrame) -> None:
        self.docs[doc_id] = Document(id=doc_id, text=text, kind=kind, meta=meta,
                                     segments=segments(doc_id, text, meta.get("headings", [])))
        if len(codings):
            self.frames.append(codings)

    def finish(self, reader: _Reader) -> tuple[Corpus, pd.DataFrame]:
        for doc_id, rid in reader.respondent_of.items():
            self.docs[doc_id].respondent = rid
        corpus = Corpus(documents=dict(sorted(self.docs.items())), respondents=reader.respondents)
        codings = make_codings(pd.concat(self.frames, ignore_index=True)) if self.frames else make_codings([])
        check_codings(codings, corpus, reader.codebook, path=str(reader.path))
        self.n_codings = len(codings)
        return corpus, codings


class _Reader:
    """One pass over ``project.qde`` with :func:`iterparse <._archive.iter_xml>`.

    Every top-level element is handled when it ends and then dropped; each
    ``TextSource`` (its text, selections and codings) goes to the sink as soon
    as it is read, so no more than one source's subtree is in memory. What
    refers forward in the file (cases to sources, sources to notes, codes to
    the project's description) is resolved at the end from small tables.
    """

    def __init__(self, path: Path, archive: Archive, sink):
        self.path, self.archive, self.sink = path, archive, sink
        self.warnings: list[str] = []
        self.notes: dict[str, dict] = {}
        self.note_refs: dict[str, list[tuple[str | None, dict]]] = {"code": [], "project": [], "source": []}
        self.doc_ids: set[str] = set()
        self.doc_of_guid: dict[str, str] = {}
        self.doc_has_text: dict[str, bool] = {}
        self.source_vars: dict[str, list[tuple[str, str]]] = {}  # doc id -> (variable guid, value)
        self.files = SourceFiles(path, archive, self.warn)
        self.guid_names = 0
        self.seen: dict[int, str] = {}  # GUID (as int) -> element name, for duplicates
        self.odd_guids = 0
        self.tally: Counter = Counter()
        self.users: dict[str, str] = {}
        self.variables: dict[str, str] = {}
        self.code_of: dict[str, str] = {}  # code GUID -> code id, once <CodeBook> is read
        self.book: Element | None = None
        self.cases_el: Element | None = None
        self.sets_el: Element | None = None
        self.description: str | None = None
        self.other_sources: Counter = Counter()
        self.n_sources = self.duplicates = 0
        self.respondents: dict[str, Respondent] = {}
        self.respondent_of: dict[str, str] = {}
        self.project_name = ""

    # -- helpers ---------------------------------------------------------
    def warn(self, code: str, reason: str) -> None:
        self.warnings.append(getattr(RefiWarnings, code).format(path=self.path.name, reason=reason))

    def kids(self, el: Element | None, name: str) -> list[Element]:
        return [] if el is None else [c for c in el if local_name(c, _NS) == name]

    def kid(self, el: Element | None, name: str) -> Element | None:
        found = self.kids(el, name)
        return found[0] if found else None

    def guid_of(self, el: Element, what: str) -> str:
        g = norm_guid(el.get("guid"))
        if g is None:
            raise fail(self.path, f"<{what} name={el.get('name')!r}> has no valid guid")
        return g

    def ref(self, el: Element | None) -> str:
        """The element's ``targetGUID`` in canonical form; '' when missing or invalid (no table has that key)."""
        return "" if el is None else norm_guid(el.get("targetGUID")) or ""

    def refer_notes(self, el: Element, kind: str, **target) -> None:
        for n in self.kids(el, "NoteRef"):
            self.note_refs[kind].append((n.get("targetGUID"), target))

    def resolve_notes(self) -> None:
        for kind in ("code", "project", "source"):
            for raw, target in self.note_refs[kind]:
                note = self.notes.get(norm_guid(raw) or "")
                if note is None:
                    self.warn("W401", f"a NoteRef points at unknown note {raw!r}; ignored")
                else:
                    for k, v in target.items():
                        note.setdefault(k, v)

    # -- the pass --------------------------------------------------------
    def run(self) -> ImportedProject:
        member = self.archive.find("project.qde")
        if member is None:
            qdes = [n for n in self.archive.names() if n.lower().endswith(".qde")]
            if len(qdes) != 1:
                raise fail(self.path, "no project.qde in the archive" if not qdes else f"several .qde files: {qdes}")
            member = qdes[0]
            self.warn("W400", f"project file is {member!r}, not 'project.qde' at the top of the archive")
        root: Element | None = None
        sources: Element | None = None
        for event, el, depth in iter_xml(self.archive, member):
            if event == "start":
                if depth == 1:
                    root = el
                    self.project_name = root.get("name") or ""
                    if local_name(root, _NS) != "Project":
                        raise fail(self.path, f"not a QDA-XML project: root element is {root.tag!r}, expected "
                                              f"{{{NS_PROJECT}}}Project")
                    if not root.tag.startswith("{"):
                        self.warn("W400", f"elements have no namespace (expected {NS_PROJECT})")
                elif depth == 2 and local_name(el, _NS) == "Sources":
                    sources = el
                self.check_guid(el)
                continue
            name = local_name(el, _NS)
            if depth == 3 and sources is not None and el in sources:
                self.n_sources += 1
                if name == "TextSource":
                    self.read_text_source(el, self.n_sources)
                elif name in _OTHER_SOURCES:
                    self.other_sources[name] += 1
                self.count(el)
                sources.remove(el)
            elif depth == 2 and root is not None:  # a depth-2 element ends inside the root that started it
                self.top_level(name, el)
                self.count(el)
                root.remove(el)
        if root is None:  # iter_xml refuses a member that is not well-formed XML, so this is a safeguard
            raise fail(self.path, f"{member!r} holds no XML element")
        self.finish_sources()
        self.codebook = self.read_codebook()
        self.resolve_notes()
        cases = self.read_cases()
        sets = self.read_sets()
        corpus, codings = self.sink.finish(self)
        if self.duplicates:
            self.warn("W402", f"{self.duplicates} duplicate coding(s) (same span, code and coder) merged")
        self.report_missing(corpus, codings)
        memos = pd.DataFrame([{k: n.get(k) for k in ("id", "name", "text", "document", "code")}
                              for n in sorted(self.notes.values(), key=lambda n: n["id"])],
                             columns=["id", "name", "text", "document", "code"])
        return ImportedProject(corpus=corpus, codebook=self.codebook, codings=codings, data_dir=None,
                               name=root.get("name", ""), origin=root.get("origin", ""), cases=cases,
                               groups=self.groups(cases, sets), sets=sets, memos=memos, users=self.users,
                               counts=self.counts(), warnings=self.warnings)

    def check_guid(self, el: Element) -> None:
        for attr in _GUID_ATTRS:
            value = el.get(attr)
            if value is not None and norm_guid(value) is None:
                raise fail(self.path, f"invalid GUID {value!r} in <{local_name(el, _NS)}> attribute {attr}")
        g = norm_guid(el.get("guid"))
        if g is not None:
            key = int(g.replace("-", ""), 16)
            if key in self.seen:
                raise fail(self.path, f"duplicate GUID {g} (on <{self.seen[key]}> and <{local_name(el, _NS)}>)")
            self.seen[key] = str(local_name(el, _NS))
            self.odd_guids += uuid.UUID(g).variant != uuid.RFC_4122
        for attr in ("richTextPath", "path", "currentPath"):
            if value := el.get(attr):
                self.files.resolve(value, "", "", quiet=True)

    def count(self, el: Element) -> None:
        for sub in el.iter():
            self.tally[local_name(sub, _NS)] += 1

    def top_level(self, name: str | None, el: Element) -> None:
        if name == "Users":
            self.users = {}
            for u in self.kids(el, "User"):
                g = self.guid_of(u, "User")
                self.users[g] = u.get("name") or u.get("id") or g
        elif name == "CodeBook":
            self.book = el  # kept (small); built at the end with the project's description
            _, self.code_of, _ = read_code_tree(self.kid(el, "Codes"), _NS, self.path, lambda *a: None)
        elif name == "Variables":
            self.variables = {self.guid_of(v, "Variable"): v.get("name") or "variable"
                              for v in self.kids(el, "Variable")}
        elif name == "Cases":
            self.cases_el = el
        elif name == "Notes":
            self.read_notes(el)
        elif name == "Sets":
            self.sets_el = el
        elif name in ("Links", "Graphs"):
            n = len(list(el))
            if n:
                self.warn("W401", f"{n} {name[:-1].lower()}(s) in <{name}> cannot be mapped; left out")
        elif name == "Description":
            self.description = el.text
        elif name == "NoteRef":
            self.note_refs["project"].append((el.get("targetGUID"), {}))

    def read_codebook(self) -> Codebook:
        _, marker = split_marker(self.description)
        marker = marker or {}
        analysis = marker.get("analysis") if isinstance(marker.get("analysis"), dict) else {}
        meta = marker.get("codebook") if isinstance(marker.get("codebook"), dict) else {}
        meta = meta or {"id": "imported", "title_nl": self.project_name or self.path.stem}
        codebook, self.code_of, extras = read_code_tree(self.kid(self.book, "Codes"), _NS, self.path, self.warn,
                                                        analysis, meta)
        refs: list[tuple[str | None, dict]] = []
        for cid, extra in extras.items():
            refs.extend((n, {"code": cid}) for n in extra["notes"])
        self.note_refs["code"] = refs
        return codebook

    def read_notes(self, el: Element) -> None:
        ids: set[str] = set()
        for i, note in enumerate(self.kids(el, "Note"), start=1):
            g = self.guid_of(note, "Note")
            name = note.get("name") or f"note-{i}"
            text = self.files.text(note, name, what="note")
            if text is None:
                self.warn("W401", f"note {name!r} has no text in the archive; kept with an empty text")
            _, marker = split_marker(getattr(self.kid(note, "Description"), "text", None))
            nid = unique_name(safe_file_id(str((marker or {}).get("id") or name), f"note-{i}"), ids)
            self.notes[g] = {"id": nid, "name": name, "text": text or ""}
            coded = sum(1 for sub in note.iter() if local_name(sub, _NS) == "Coding")
            if coded:
                self.warn("W401", f"note {name!r}: {coded} coding(s) of the note's own text cannot be mapped; "
                                  f"left out")

    def finish_sources(self) -> None:
        for kind, n in sorted(self.other_sources.items()):
            self.warn("W401", f"{n} {kind}(s) cannot be mapped (only text sources are); left out with "
                              f"their selections and codings")
        if self.guid_names:
            self.warn("W400", f"{self.guid_names} source name(s) are GUIDs, not document names (the writing "
                              f"tool lost the names?); document ids use them as they are")
        stray = [n for n in self.archive.names() if n not in self.files.used and n != "project.qde"
                 and not n.lower().endswith(".qde")]
        if stray:
            self.warn("W400", f"{len(stray)} archive member(s) not referenced by the project: "
                              + ", ".join(stray[:5]) + (" ..." if len(stray) > 5 else ""))
        if self.odd_guids:
            self.warn("W400", f"{self.odd_guids} of {len(self.seen)} GUIDs are not RFC 4122 UUIDs (they match the "
                              f"schema's pattern, so they are accepted)")

    def read_text_source(self, src: Element, index: int) -> None:
        if self.book is None:
            raise fail(self.path, "<Sources> comes before <CodeBook>; QDA-XML 1.0 puts the code book first")
        g = self.guid_of(src, "TextSource")
        path = src.get("plainTextPath") or src.get("richTextPath") or ""
        name = src.get("name") or PurePosixPath(path.replace("\\", "/")).stem or f"source-{index}"
        text = self.files.text(src, name, what="source")
        selections = self.kids(src, "PlainTextSelection")
        if text is None:
            n = sum(len(self.kids(s, "Coding")) for s in selections)
            self.warn("W401", f"source {name!r}: no plain text in the archive (plainTextPath="
                              f"{src.get('plainTextPath')!r}, richTextPath={src.get('richTextPath')!r}); "
                              f"left out with its {len(selections)} selection(s) and {n} coding(s)")
            return
        _, marker = split_marker(getattr(self.kid(src, "Description"), "text", None))
        marker = marker or {}
        stem = re.sub(r"\.(txt|docx?|odt|rtf|pdf)$", "", name.strip(), flags=re.IGNORECASE) or name  # QualCoder
        doc_id = unique_name(safe_file_id(str(marker.get("id") or stem), f"source-{index}"), self.doc_ids)
        kind = marker.get("kind") if marker.get("kind") in ("interview", "observation") else "interview"
        listed = marker.get("headings")
        headings = sorted({h for h in listed if isinstance(h, int) and h > 0}) if isinstance(listed, list) else []
        if not text.strip():
            self.warn("W400", f"source {name!r} has no text (the archive's plain text is empty)")
        if GUID_RE.match(name.strip()):
            self.guid_names += 1
        meta = {"file": name, "guid": g, **({"headings": headings} if headings else {})}
        self.doc_of_guid[g] = doc_id
        self.doc_has_text[doc_id] = bool(text.strip())
        self.refer_notes(src, "source", document=doc_id)
        rows, shifted, empty, bare = [], [], 0, 0
        for sel in selections:
            start, end = position(sel, "startPosition", self.path), position(sel, "endPosition", self.path)
            if not 0 <= start <= end <= len(text):
                raise fail(self.path, f"selection {sel.get('guid')} ({sel.get('name')!r}) of source {name!r} spans "
                                      f"{start}-{end}, outside its text (length {len(text)} code points)")
            self.refer_notes(sel, "source", document=doc_id)
            codings = self.kids(sel, "Coding")
            if start == end:
                empty += 1
                continue
            bare += not codings
            if quote_elsewhere(sel.get("name"), text, start, end):
                shifted.append(f"{sel.get('name')!r} at {start}-{end}")
            for coding in codings:
                rows.append(self.coding_row(coding, sel, doc_id, start, end))
        whole = self.kids(src, "Coding")
        for coding in whole:
            rows.append(self.coding_row(coding, src, doc_id, 0, len(text)))
        if whole:
            self.warn("W402", f"source {name!r}: {len(whole)} coding(s) of the whole source "
                              f"imported as codings of its full text")
        if empty:
            self.warn("W401", f"source {name!r}: {empty} empty selection(s) (start = end) left out")
        if bare:
            self.warn("W401", f"source {name!r}: {bare} selection(s) carry no coding (quotations without "
                              f"codes); left out")
        if shifted:
            self.warn("W400", f"source {name!r}: {len(shifted)} selection name(s) quote text found elsewhere in "
                              f"the source, not at the selection (positions counted differently by the "
                              f"writing tool?): " + "; ".join(shifted[:3]))
        values = [(self.ref(self.kid(vv, "VariableRef")),
                   next((c.text for c in vv if local_name(c, _NS) != "VariableRef"), None))
                  for vv in self.kids(src, "VariableValue")]
        if values:
            self.source_vars[doc_id] = [(var, value.strip()) for var, value in values if value is not None]
        codings = make_codings(rows) if rows else make_codings([])
        dupes = codings.duplicated(["document", "start", "end", "code", "coder"])
        if dupes.any():
            self.duplicates += int(dupes.sum())
            codings = codings[~dupes].reset_index(drop=True)
        self.doc_ids.add(doc_id)
        self.sink.add(doc_id, text, kind, meta, codings)  # spans, codes, origin, confidence valid by construction

    def coding_row(self, coding: Element, holder: Element, doc_id: str, start: int, end: int) -> dict:
        target = self.ref(self.kid(coding, "CodeRef"))
        if target not in self.code_of:
            raise fail(self.path, f"coding {coding.get('guid')} points at unknown code "
                                  f"{getattr(self.kid(coding, 'CodeRef'), 'attrib', {}).get('targetGUID')!r}")
        user = norm_guid(coding.get("creatingUser")) or norm_guid(holder.get("creatingUser"))
        coder = self.users.get(user) if user else "unknown"
        if coder is None:
            coder = "unknown"
            self.warn("W400", f"coding {coding.get('guid')} names unknown user {user}; coder 'unknown'")
        return {"document": doc_id, "start": start, "end": end, "code": self.code_of[target],
                "coder": coder, "origin": "imported", "confidence": 1.0}

    def read_cases(self) -> pd.DataFrame:
        rows: list[dict] = []
        ids: set[str] = set()
        unmapped: Counter = Counter()
        no_side: list[str] = []
        for i, case in enumerate(self.kids(self.cases_el, "Case"), start=1):
            self.guid_of(case, "Case")
            name = case.get("name") or f"case-{i}"
            cid = unique_name(safe_file_id(name, f"case-{i}"), ids)
            values = {}
            for vv in self.kids(case, "VariableValue"):
                var = self.variables.get(self.ref(self.kid(vv, "VariableRef")))
                value = next((c.text for c in vv if local_name(c, _NS) != "VariableRef"), None)
                if var is None:
                    unmapped["variable value(s) with an unknown variable"] += 1
                elif value is not None:
                    values[var] = value.strip()
            docs = []
            for ref in self.kids(case, "SourceRef"):
                doc = self.doc_of_guid.get(self.ref(ref))
                if doc is None:
                    unmapped["source reference(s) to unknown or left-out sources"] += 1
                else:
                    docs.append(doc)
            for what in ("CodeRef", "SelectionRef"):
                if self.kids(case, what):
                    unmapped[f"case {what}(s)"] += len(self.kids(case, what))
            rows.append({"case": cid, "name": name, "sources": ";".join(sorted(docs)), **values})
            if not self.add_respondent(cid, name, values, docs):
                no_side.append(name)
        linked = any(r["sources"] for r in rows)
        if not linked and self.source_vars:
            rows.extend(self.respondents_from_sources(ids, unmapped, no_side))
        for what, n in sorted(unmapped.items()):
            self.warn("W401", f"{n} {what} cannot be mapped; left out")
        if no_side:
            self.warn("W401", f"{len(no_side)} case(s) have no 'side' variable (intern/extern) and are kept as "
                              f"cases, not respondents: " + ", ".join(no_side[:5]) + (" ..." if len(no_side) > 5 else ""))
        self.respondents = dict(sorted(self.respondents.items()))
        cols = ["case", "name", "sources"] + sorted({k for r in rows for k in r} - {"case", "name", "sources"})
        return pd.DataFrame(rows, columns=cols)

    def add_respondent(self, cid: str, name: str, values: dict, docs: list[str], *,
                       unknown_side: bool = False) -> bool:
        """Make case ``cid`` a respondent of ``docs`` when its variables say which side it is on
        (or, with ``unknown_side``, when they say nothing about it: side '' = not known)."""
        low = {k.strip().lower(): v for k, v in values.items()}
        attr = {a: next((low[k] for k in keys if low.get(k)), None) for a, keys in _ATTRS.items()}
        side = (attr["side"] or "").lower()
        if side not in SIDES and not (unknown_side and not side):
            return False
        self.respondents[cid] = Respondent(id=cid, function=attr["function"] or "", side=side,
                                           label=attr["label"] or attr["function"] or name,
                                           interview_date=attr["interview_date"],
                                           organisation=attr["organisation"])
        for doc in docs:
            if self.respondent_of.get(doc, cid) != cid:
                self.warn("W401", f"source {doc!r} belongs to cases {self.respondent_of[doc]!r} and {cid!r}; "
                                  f"kept with the first")
            else:
                self.respondent_of[doc] = cid
        return True

    def respondents_from_sources(self, ids: set, unmapped: Counter, no_side: list) -> list[dict]:
        """QualCoder's way: no case names a source, the respondent's variables sit on the source itself.

        Each source with text and variables becomes a respondent of its own
        (id = the document id), its variables its attributes.
        """
        rows, made, unknown = [], 0, 0
        for doc_id, pairs in sorted(self.source_vars.items()):
            values = {}
            for var_guid, value in pairs:
                var = self.variables.get(var_guid)
                if var is None:
                    unmapped["variable value(s) with an unknown variable"] += 1
                else:
                    values[var] = value
            if not self.doc_has_text.get(doc_id):
                continue
            cid = unique_name(doc_id, ids)
            rows.append({"case": cid, "name": doc_id, "sources": doc_id, **values})
            if self.add_respondent(cid, doc_id, values, [doc_id], unknown_side=True):
                made += 1
                unknown += not self.respondents[cid].side
            else:
                no_side.append(doc_id)
        if made:
            self.warn("W402", f"no case refers to a source, but {len(self.source_vars)} source(s) carry variables "
                              f"(as QualCoder writes them): {made} respondent(s) made, one per source, with "
                              f"the source's variables as attributes"
                              + (f"; {unknown} without an intern/extern 'side' (kant) variable get an empty side "
                                 f"(not known) — fill it in respondents.csv if the analysis needs it" if unknown else ""))
        return rows

    def read_sets(self) -> dict:
        sets: dict[str, dict] = {}
        unknown = 0
        for s in self.kids(self.sets_el, "Set"):
            self.guid_of(s, "Set")
            _, marker = split_marker(getattr(self.kid(s, "Description"), "text", None))
            members = {}
            for key, tag, lookup in (("sources", "MemberSource", self.doc_of_guid), ("codes", "MemberCode", self.code_of),
                                     ("notes", "MemberNote", {g: n["id"] for g, n in self.notes.items()})):
                found = [lookup.get(self.ref(m)) for m in self.kids(s, tag)]
                unknown += sum(f is None for f in found)
                members[key] = sorted(f for f in found if f is not None)
            sets[s.get("name") or f"set-{len(sets) + 1}"] = {**members, "marker": marker}
        if unknown:
            self.warn("W401", f"{unknown} set member(s) point at unknown or left-out objects; left out")
        return sets

    def groups(self, cases: pd.DataFrame, sets: dict) -> pd.DataFrame | None:
        if "group" not in cases.columns:
            return None
        labels = {m["value"]: m.get("label") for s in sets.values() if (m := s["marker"]) and m.get("attribute") == "group"}
        rows = []
        for _, row in cases.iterrows():
            value = row["group"]
            number = int(value) if isinstance(value, str) and value.strip().isdigit() else None
            rows.append({"respondent": row["case"], "group": number, "group_label": labels.get(number)})
        out = pd.DataFrame(rows, columns=["respondent", "group", "group_label"])
        out["group"] = out["group"].astype("Int64")
        return out

    def report_missing(self, corpus: Corpus, codings: pd.DataFrame) -> None:
        """Say plainly when the study will have nothing to analyse (issue 13)."""
        n_codings = self.sink.n_codings
        if not self.respondents:
            self.warn("W401", "the study has 0 respondents: no case with an intern/extern 'side' variable refers "
                              "to a source, and no source carries variables of its own; every table per "
                              "respondent, side or group will be empty — add respondents.csv rows by hand")
        if not n_codings:
            self.warn("W401", "the study has 0 codings: the project holds no coded text selections; code the "
                              "transcripts (or run 'altena-qca code' and review its suggestions) before analysing")

    def counts(self) -> dict:
        t = self.tally
        return {"codes": t["Code"], "sources": self.n_sources, "selections": t["PlainTextSelection"],
                "codings": t["Coding"], "cases": t["Case"], "sets": t["Set"], "notes": t["Note"],
                "users": t["User"]}
