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

import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

import pandas as pd

from ..model import SIDES, Codebook, Corpus, Document, Respondent, check_codings, make_codings
from ._archive import Archive, fail, parse_xml
from ._codes import local_name, read_code_tree
from ._sources import SourceFiles, position, segments
from ._sources import shifted as quote_elsewhere
from ._common import GUID_RE, NS_PROJECT, RefiWarnings, norm_guid, safe_file_id, split_marker

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
        member = archive.find("project.qde")
        if member is None:
            qdes = [n for n in archive.names() if n.lower().endswith(".qde")]
            if len(qdes) != 1:
                raise fail(path, "no project.qde in the archive" if not qdes else f"several .qde files: {qdes}")
            member = qdes[0]
        root = parse_xml(archive.read(member), path, member)
        reader = _Reader(path, archive, root)
        if member != "project.qde":
            reader.warn("W400", f"project file is {member!r}, not 'project.qde' at the top of the archive")
        return reader.run()


class _Reader:
    def __init__(self, path: Path, archive: Archive, root: Element):
        self.path, self.archive, self.root = path, archive, root
        self.warnings: list[str] = []
        self.notes: dict[str, dict] = {}
        self.docs: dict[str, Document] = {}
        self.doc_of_guid: dict[str, str] = {}
        self.rows: list[dict] = []
        self.files = SourceFiles(path, archive, self.warn)
        self.guid_names = 0

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

    def ref(self, el: Element | None) -> str | None:
        return None if el is None else norm_guid(el.get("targetGUID"))

    def note_target(self, el: Element, **target) -> None:
        for n in self.kids(el, "NoteRef"):
            note = self.notes.get(self.ref(n))
            if note is None:
                self.warn("W401", f"a NoteRef points at unknown note {n.get('targetGUID')!r}; ignored")
            else:
                for k, v in target.items():
                    note.setdefault(k, v)

    # -- steps -----------------------------------------------------------
    def run(self) -> ImportedProject:
        root = self.root
        if local_name(root, _NS) != "Project":
            raise fail(self.path, f"not a QDA-XML project: root element is {root.tag!r}, expected "
                                  f"{{{NS_PROJECT}}}Project")
        if not root.tag.startswith("{"):
            self.warn("W400", f"elements have no namespace (expected {NS_PROJECT})")
        self.check_guids()
        self.users = {self.guid_of(u, "User"): (u.get("name") or u.get("id") or u.get("guid"))
                      for u in self.kids(self.kid(root, "Users"), "User")}
        _, marker = split_marker(getattr(self.kid(root, "Description"), "text", None))
        marker = marker or {}
        analysis = marker.get("analysis") if isinstance(marker.get("analysis"), dict) else {}
        meta = marker.get("codebook") if isinstance(marker.get("codebook"), dict) else {}
        meta = meta or {"id": "imported", "title_nl": root.get("name") or self.path.stem}
        self.codebook, self.code_of, self.code_extras = read_code_tree(
            self.kid(self.kid(root, "CodeBook"), "Codes"), _NS, self.path, self.warn, analysis, meta)
        self.read_notes()
        for cid, extra in self.code_extras.items():
            for n in extra["notes"]:
                if n in self.notes:
                    self.notes[n].setdefault("code", cid)
        self.note_target(root)
        self.read_sources()
        cases = self.read_cases()
        sets = self.read_sets()
        for what in ("Links", "Graphs"):
            n = len(list(self.kid(root, what) or []))
            if n:
                self.warn("W401", f"{n} {what[:-1].lower()}(s) in <{what}> cannot be mapped; left out")
        codings = self.make_codings()
        corpus = Corpus(documents=dict(sorted(self.docs.items())), respondents=self.respondents)
        check_codings(codings, corpus, self.codebook, path=str(self.path))
        memos = pd.DataFrame([{k: n.get(k) for k in ("id", "name", "text", "document", "code")}
                              for n in sorted(self.notes.values(), key=lambda n: n["id"])],
                             columns=["id", "name", "text", "document", "code"])
        return ImportedProject(corpus=corpus, codebook=self.codebook, codings=codings, data_dir=None,
                               name=root.get("name", ""), origin=root.get("origin", ""), cases=cases,
                               groups=self.groups(cases, sets), sets=sets, memos=memos, users=self.users,
                               counts=self.counts(), warnings=self.warnings)

    def check_guids(self) -> None:
        seen: dict[str, str] = {}
        odd = 0
        for el in self.root.iter():
            for attr in _GUID_ATTRS:
                value = el.get(attr)
                if value is not None and norm_guid(value) is None:
                    raise fail(self.path, f"invalid GUID {value!r} in <{local_name(el, _NS)}> attribute {attr}")
            g = norm_guid(el.get("guid"))
            if g is None:
                continue
            if g in seen:
                raise fail(self.path, f"duplicate GUID {g} (on <{seen[g]}> and <{local_name(el, _NS)}>)")
            seen[g] = str(local_name(el, _NS))
            odd += uuid.UUID(g).variant != uuid.RFC_4122
        if odd:
            self.warn("W400", f"{odd} of {len(seen)} GUIDs are not RFC 4122 UUIDs (they match the schema's "
                              f"pattern, so they are accepted)")

    def read_notes(self) -> None:
        ids: set[str] = set()
        for i, note in enumerate(self.kids(self.kid(self.root, "Notes"), "Note"), start=1):
            g = self.guid_of(note, "Note")
            name = note.get("name") or f"note-{i}"
            text = self.files.text(note, name, what="note")
            if text is None:
                self.warn("W401", f"note {name!r} has no text in the archive; kept with an empty text")
            _, marker = split_marker(getattr(self.kid(note, "Description"), "text", None))
            nid = _unique(safe_file_id(str((marker or {}).get("id") or name), f"note-{i}"), ids)
            self.notes[g] = {"id": nid, "name": name, "text": text or ""}
            coded = sum(1 for el in note.iter() if local_name(el, _NS) == "Coding")
            if coded:
                self.warn("W401", f"note {name!r}: {coded} coding(s) of the note's own text cannot be mapped; "
                                  f"left out")

    def read_sources(self) -> None:
        sources = self.kid(self.root, "Sources")
        other = Counter(local_name(s, _NS) for s in (sources or []) if local_name(s, _NS) in _OTHER_SOURCES)
        for kind, n in sorted(other.items()):
            self.warn("W401", f"{n} {kind}(s) cannot be mapped (only text sources are); left out with "
                              f"their selections and codings")
        for i, src in enumerate(self.kids(sources, "TextSource"), start=1):
            self.read_text_source(src, i)
        if self.guid_names:
            self.warn("W400", f"{self.guid_names} source name(s) are GUIDs, not document names (the writing "
                              f"tool lost the names?); document ids use them as they are")
        for el in self.root.iter():
            for attr in ("richTextPath", "path", "currentPath"):
                if el.get(attr):
                    self.files.resolve(el.get(attr), "", "", quiet=True)
        stray = [n for n in self.archive.names() if n not in self.files.used and n != "project.qde"
                 and not n.lower().endswith(".qde")]
        if stray:
            self.warn("W400", f"{len(stray)} archive member(s) not referenced by the project: "
                              + ", ".join(stray[:5]) + (" ..." if len(stray) > 5 else ""))

    def read_text_source(self, src: Element, index: int) -> None:
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
        doc_id = _unique(safe_file_id(str(marker.get("id") or name), f"source-{index}"), set(self.docs))
        kind = marker.get("kind") if marker.get("kind") in ("interview", "observation") else "interview"
        headings = marker.get("headings") if isinstance(marker.get("headings"), list) else []
        headings = sorted({h for h in headings if isinstance(h, int) and h > 0})
        if not text.strip():
            self.warn("W400", f"source {name!r} has no text (the archive's plain text is empty)")
        if GUID_RE.match(name.strip()):
            self.guid_names += 1
        meta = {"file": name, "guid": g, **({"headings": headings} if headings else {})}
        self.docs[doc_id] = Document(id=doc_id, text=text, kind=kind, segments=segments(doc_id, text, headings),
                                     meta=meta)
        self.doc_of_guid[g] = doc_id
        self.note_target(src, document=doc_id)
        shifted, empty, bare = [], 0, 0
        for sel in selections:
            start, end = position(sel, "startPosition", self.path), position(sel, "endPosition", self.path)
            if not 0 <= start <= end <= len(text):
                raise fail(self.path, f"selection {sel.get('guid')} ({sel.get('name')!r}) of source {name!r} spans "
                                      f"{start}-{end}, outside its text (length {len(text)} code points)")
            self.note_target(sel, document=doc_id)
            codings = self.kids(sel, "Coding")
            if start == end:
                empty += 1
                continue
            bare += not codings
            if quote_elsewhere(sel.get("name"), text, start, end):
                shifted.append(f"{sel.get('name')!r} at {start}-{end}")
            for coding in codings:
                self.add_coding(coding, sel, doc_id, start, end)
        for coding in self.kids(src, "Coding"):
            self.add_coding(coding, src, doc_id, 0, len(text))
        if self.kids(src, "Coding"):
            self.warn("W402", f"source {name!r}: {len(self.kids(src, 'Coding'))} coding(s) of the whole source "
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
        if self.kids(src, "VariableValue"):
            self.warn("W401", f"source {name!r}: variables of sources cannot be mapped; left out")

    def add_coding(self, coding: Element, holder: Element, doc_id: str, start: int, end: int) -> None:
        target = self.ref(self.kid(coding, "CodeRef"))
        if target not in self.code_of:
            raise fail(self.path, f"coding {coding.get('guid')} points at unknown code "
                                  f"{getattr(self.kid(coding, 'CodeRef'), 'attrib', {}).get('targetGUID')!r}")
        user = norm_guid(coding.get("creatingUser")) or norm_guid(holder.get("creatingUser"))
        coder = self.users.get(user) if user else "unknown"
        if coder is None:
            coder = "unknown"
            self.warn("W400", f"coding {coding.get('guid')} names unknown user {user}; coder 'unknown'")
        self.rows.append({"document": doc_id, "start": start, "end": end, "code": self.code_of[target],
                          "coder": coder, "origin": "imported", "confidence": 1.0})

    def read_cases(self) -> pd.DataFrame:
        variables = {self.guid_of(v, "Variable"): v.get("name") or "variable"
                     for v in self.kids(self.kid(self.root, "Variables"), "Variable")}
        rows, ids, unmapped, no_side = [], set(), Counter(), []
        self.respondents: dict[str, Respondent] = {}
        for i, case in enumerate(self.kids(self.kid(self.root, "Cases"), "Case"), start=1):
            self.guid_of(case, "Case")
            name = case.get("name") or f"case-{i}"
            cid = _unique(safe_file_id(name, f"case-{i}"), ids)
            values = {}
            for vv in self.kids(case, "VariableValue"):
                var = variables.get(self.ref(self.kid(vv, "VariableRef")))
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
            low = {k.strip().lower(): v for k, v in values.items()}
            attr = {a: next((low[k] for k in keys if low.get(k)), None) for a, keys in _ATTRS.items()}
            side = (attr["side"] or "").lower()
            if side not in SIDES:
                no_side.append(name)
                continue
            self.respondents[cid] = Respondent(id=cid, function=attr["function"] or "", side=side,
                                               label=attr["label"] or attr["function"] or name,
                                               interview_date=attr["interview_date"],
                                               organisation=attr["organisation"])
            for doc in docs:
                if self.docs[doc].respondent not in (None, cid):
                    self.warn("W401", f"source {doc!r} belongs to cases {self.docs[doc].respondent!r} and {cid!r}; "
                                      f"kept with the first")
                else:
                    self.docs[doc].respondent = cid
        for what, n in sorted(unmapped.items()):
            self.warn("W401", f"{n} {what} cannot be mapped; left out")
        if no_side:
            self.warn("W401", f"{len(no_side)} case(s) have no 'side' variable (intern/extern) and are kept as "
                              f"cases, not respondents: " + ", ".join(no_side[:5]) + (" ..." if len(no_side) > 5 else ""))
        self.respondents = dict(sorted(self.respondents.items()))
        cols = ["case", "name", "sources"] + sorted({k for r in rows for k in r} - {"case", "name", "sources"})
        return pd.DataFrame(rows, columns=cols)

    def read_sets(self) -> dict:
        sets, unknown = {}, 0
        for s in self.kids(self.kid(self.root, "Sets"), "Set"):
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

    def make_codings(self) -> pd.DataFrame:
        codings = make_codings(self.rows) if self.rows else make_codings([])
        dupes = codings.duplicated(["document", "start", "end", "code", "coder"])
        if dupes.any():
            self.warn("W402", f"{int(dupes.sum())} duplicate coding(s) (same span, code and coder) merged")
            codings = codings[~dupes].reset_index(drop=True)
        return codings

    def counts(self) -> dict:
        root = self.root

        def n(tag):
            return sum(1 for el in root.iter() if local_name(el, _NS) == tag)
        sources = self.kid(root, "Sources")
        return {"codes": n("Code"), "sources": len(list(sources)) if sources is not None else 0,
                "selections": n("PlainTextSelection"), "codings": n("Coding"), "cases": n("Case"),
                "sets": n("Set"), "notes": n("Note"), "users": n("User")}


def _unique(base: str, taken: set) -> str:
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}-{n}"
    if isinstance(taken, set):
        taken.add(out)
    return out
