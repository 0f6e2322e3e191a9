"""Write a study as a REFI-QDA project (``.qdpx``) and its codebook (``.qdc``).

A ``.qdpx`` is a zip holding ``project.qde`` (QDA-XML, namespace
``urn:QDA-XML:project:1.0``) and ``sources/<guid>.txt``, the plain text of
each document. The mapping:

======================  ===================================================
altena-qca              QDA-XML
======================  ===================================================
coder                   ``User`` (name and id = the coder)
code                    ``Code`` (name = ``label_nl``, ``Description`` =
                        definition + marker with id, kind, ``label_en``, ...)
document                ``TextSource`` (name = id, ``plainTextPath`` =
                        ``internal://<guid>.txt``)
coding                  ``PlainTextSelection`` (start/end in code points)
                        with one ``Coding``/``CodeRef`` per code and coder
respondent              ``Case`` (name = id) with ``VariableValue`` s for
                        label, function, side, interview_date, organisation
                        and group, and a ``SourceRef`` to its transcript
intern/extern, groups   ``Set`` s of sources
memo                    ``Note`` (referenced from its document or code)
analysis section        the project ``Description`` marker
======================  ===================================================

GUIDs are UUID-5 from our ids, elements are sorted, zip members carry fixed
timestamps (``SOURCE_DATE_EPOCH`` or 1980-01-01) and no date comes from the
clock, so two exports of the same study are byte-identical. Files are
written atomically. ``project.qde`` is streamed: each source's element tree
is built, written and dropped in turn, so memory does not grow with the
number of codings (a whole-project ElementTree took ~25× the transcripts'
size: 1.6 GB for 1,300 interviews). ``origin`` and ``confidence`` of codings have no place in
QDA-XML and are not exported.
"""
from __future__ import annotations

import io
import re
import shutil
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

import pandas as pd

from .._io import atomic_path, fixed_zip_time, source_date_epoch, write_bytes
from ..errors import Errors, InputError
from ..model import Codebook, Corpus, check_codings
from ._common import LABEL_LINE, NS_CODEBOOK, NS_PROJECT, NS_XSI, guid, with_marker, xml_safe

__all__ = ["export_qdpx", "export_qdc", "write_project_xml", "codebook_xml", "project_sets", "heading_lines",
           "MEMO_COLUMNS"]

#: Columns of a memos table: ``id`` and ``text`` required; a memo is attached
#: to a ``document`` or ``code`` when given, else to the project.
MEMO_COLUMNS = ["id", "name", "text", "document", "code"]
# One colour per top-level code (children share it); colour-blind-safe (Okabe-Ito + greys).
_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
            "#000000", "#999999", "#882255")
_CASE_VARIABLES = ("label", "function", "side", "interview_date", "organisation")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _origin() -> str:
    from .. import __version__
    return f"altena-qca {__version__}"


def _sub(parent: ET.Element, ns: str, tag: str, attrib: Mapping[str, str] | None = None,
         text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_safe(str(v)) for k, v in (attrib or {}).items()})
    if text is not None:
        el.text = xml_safe(text)
    return el


def _root(tag: str, ns: str, attrib: Mapping[str, str]) -> ET.Element:
    # Tags are written unqualified under a default xmlns: ElementTree cannot
    # combine a default namespace with unqualified attributes otherwise.
    return ET.Element(tag, {"xmlns": ns, **attrib})


_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return (_XML_DECLARATION + body + "\n").encode("utf-8")


def _start_tag(element: ET.Element) -> str:
    """``<Tag attr="...">`` exactly as ElementTree writes it."""
    shell = ET.Element(element.tag, element.attrib)
    shell.text = "\x1f"
    text = ET.tostring(shell, encoding="unicode")
    return text[:text.rindex(">\x1f<") + 1]


def _fragment(element: ET.Element, level: int) -> str:
    """``element`` serialised as :func:`ET.indent` would lay it out at ``level``."""
    ET.indent(element, space="  ", level=level)
    return ET.tostring(element, encoding="unicode")


def _source_date() -> str | None:
    epoch = source_date_epoch()
    return None if epoch is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _code_elements(parent: ET.Element, ns: str, codebook: Codebook,
                   notes_of: Mapping[str, list[str]] | None = None) -> None:
    """Append the code tree of ``codebook`` (file order) under ``parent``."""
    notes_of = notes_of or {}
    colours = {root: _PALETTE[i % len(_PALETTE)] for i, root in enumerate(codebook.roots())}
    names = unique_code_names(codebook)
    stack = [(parent, cid) for cid in reversed(codebook.roots())]
    while stack:
        into, cid = stack.pop()
        code = codebook[cid]
        el = _sub(into, ns, "Code", {"guid": guid("code", cid), "name": names[cid], "isCodable": "true",
                                     "color": colours[codebook.top_level(cid)]})
        meta: dict[str, object] = {"id": code.id, "kind": code.kind}
        definition = code.definition
        if names[cid] != code.label_nl:  # the label as the codebook has it, for people and for our reader
            meta["label_nl"] = code.label_nl
            definition = LABEL_LINE.format(label=code.label_nl) + ("\n\n" + definition if definition else "")
        for key in ("label_en", "indicators", "examples", "rules"):
            value = getattr(code, key)
            if value:
                meta[key] = list(value) if isinstance(value, tuple) else value
        _sub(el, ns, "Description", text=with_marker(definition, meta))
        for note in notes_of.get(cid, []):
            _sub(el, ns, "NoteRef", {"targetGUID": note})
        stack.extend((el, child) for child in reversed(codebook.children(cid)))


def unique_code_names(codebook: Codebook) -> dict[str, str]:
    """A name per code, unique across the whole tree: the Dutch label, qualified where it repeats.

    QualCoder and qualitative-coding look codes up by name, so the thesis's
    three "Positief" codes would merge into one (and their codings with
    them). A repeated label gets its parents' labels in brackets, nearest
    first, as many as make it unique; the code id if even that does not.

    >>> from altena_qca.model import Code, Codebook
    >>> cb = Codebook([Code("t", "Vertrouwen"), Code("t.pos", "Positief", parent="t"),
    ...                Code("r", "Relaties"), Code("r.pos", "Positief", parent="r")])
    >>> unique_code_names(cb)["t.pos"], unique_code_names(cb)["t"]
    ('Positief (Vertrouwen)', 'Vertrouwen')
    """
    label = {cid: codebook[cid].label_nl for cid in codebook.codes}

    def ancestors(cid: str) -> list[str]:  # labels, nearest first
        out, parent = [], codebook[cid].parent
        while parent:
            out.append(label[parent])
            parent = codebook[parent].parent
        return out

    names = dict(label)
    for depth in range(1, 64):
        seen: dict[str, int] = defaultdict(int)
        for name in names.values():
            seen[name.casefold()] += 1
        clash = [cid for cid, name in names.items() if seen[name.casefold()] > 1]
        if not clash:
            break
        for cid in clash:
            up = ancestors(cid)
            names[cid] = (f"{label[cid]} ({' / '.join(reversed(up[:depth]))})" if depth <= len(up)
                          else f"{label[cid]} ({cid})")
    return names


def codebook_xml(codebook: Codebook) -> bytes:
    """The codebook as QDA-XML codebook exchange bytes (``.qdc``)."""
    root = _root("CodeBook", NS_CODEBOOK, {"origin": _origin()})
    codes = _sub(root, NS_CODEBOOK, "Codes")
    _code_elements(codes, NS_CODEBOOK, codebook)
    return _serialise(root)


def export_qdc(codebook: Codebook, path: str | Path) -> Path:
    """Write ``codebook`` as a REFI-QDA codebook (``.qdc``), atomically.

    Parameters
    ----------
    codebook : Codebook
        E.g. :func:`altena_qca.load_codebook`.
    path : str or Path
        The file to write.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from altena_qca import load_codebook
    >>> out = export_qdc(load_codebook(), pathlib.Path(tempfile.mkdtemp()) / "altena.qdc")
    >>> b'xmlns="urn:QDA-XML:codebook:1.0"' in out.read_bytes()
    True
    """
    return write_bytes(path, codebook_xml(codebook))


def project_sets(corpus: Corpus, groups: pd.DataFrame | None = None) -> dict[str, dict]:
    """The sets a project export holds: intern/extern and the typology groups.

    Returns
    -------
    dict
        Set name → ``{"sources": [document ids], "codes": [], "marker": {...}}``
        (sorted), non-empty sets only. Group sets are named
        ``Groep <n>: <label>``.
    """
    docs_of = _documents_of(corpus)
    sets: dict[str, dict] = {}
    for side in ("intern", "extern"):
        members = sorted(d for rid, r in corpus.respondents.items() if r.side == side for d in docs_of[rid])
        if members:
            sets[side] = {"sources": members, "codes": [], "marker": {"attribute": "side", "value": side}}
    for number, label, rids in _group_members(groups):
        members = sorted(d for rid in rids for d in docs_of.get(rid, []))
        if members:
            name = f"Groep {number}: {label}" if label else f"Groep {number}"
            sets[name] = {"sources": members, "codes": [],
                          "marker": {"attribute": "group", "value": number, "label": label}}
    return sets


def _documents_of(corpus: Corpus) -> dict[str, list[str]]:
    """Respondent id → the ids of their documents, sorted."""
    docs_of: dict[str, list[str]] = defaultdict(list)
    for doc_id in sorted(d.id for d in corpus):
        respondent = corpus.documents[doc_id].respondent
        if respondent:
            docs_of[respondent].append(doc_id)
    return docs_of


def _group_members(groups: pd.DataFrame | None) -> list[tuple[int, str, list[str]]]:
    if groups is None or not len(groups):
        return []
    if not {"respondent", "group"} <= set(groups.columns):
        raise InputError(Errors.E400.format(path="groups", reason="the groups table needs columns "
                                                                  "'respondent' and 'group'"))
    placed = groups[groups["group"].notna()]
    out = []
    for number, rows in placed.groupby(placed["group"].astype(int), sort=True):
        label = ""
        if "group_label" in rows.columns and rows["group_label"].notna().any():
            label = str(rows["group_label"].dropna().iloc[0])
        out.append((int(number), label, sorted(rows["respondent"].astype(str))))
    return out


def _text_or_none(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value)


def _memo_rows(memos) -> list[dict]:
    if memos is None:
        return []
    rows = memos.to_dict("records") if isinstance(memos, pd.DataFrame) else [dict(m) for m in memos]
    out = []
    for row in rows:
        if not row.get("id") or row.get("text") is None:
            raise InputError(Errors.E400.format(path="memos", reason="every memo needs an 'id' and a 'text'"))
        out.append({c: _text_or_none(row.get(c)) for c in MEMO_COLUMNS})
    return sorted(out, key=lambda r: r["id"])


def write_project_xml(out: IO[str], corpus: Corpus, codebook: Codebook, codings: pd.DataFrame, *,
                      name: str = "altena-qca", groups: pd.DataFrame | None = None,
                      memos: Iterable[Mapping] | pd.DataFrame | None = None) -> dict[str, str]:
    """Write ``project.qde`` to the text stream ``out``; return the source files (member name → text).

    The project is written element by element in document order; only one
    source's subtree is in memory at a time. The text is the same as
    indenting and serialising the whole tree with ElementTree.
    """
    check_codings(codings, corpus, codebook, path="codings")
    memo_rows = _memo_rows(memos)
    notes_of: dict[str, list[str]] = defaultdict(list)  # document / code id → note GUIDs
    for m in memo_rows:
        target = ("doc:" + m["document"]) if m["document"] else ("code:" + m["code"]) if m["code"] else "project"
        notes_of[target].append(guid("note", m["id"]))

    attrib = {"xmlns:xsi": NS_XSI, "xsi:schemaLocation": f"{NS_PROJECT} Project.xsd",
              "name": name, "origin": _origin()}
    date = _source_date()
    if date:
        attrib.update(creationDateTime=date, modifiedDateTime=date)
    root = _root("Project", NS_PROJECT, attrib)
    P = NS_PROJECT
    out.write(_XML_DECLARATION + _start_tag(root))

    def child(element: ET.Element) -> None:  # one top-level element, written and dropped
        out.write("\n  " + _fragment(element, 1))

    coders = sorted(set(codings["coder"])) if len(codings) else []
    if coders:
        users = ET.Element("Users")
        for coder in coders:
            _sub(users, P, "User", {"guid": guid("user", coder), "name": coder, "id": coder})
        child(users)

    book = ET.Element("CodeBook")
    _code_elements(_sub(book, P, "Codes"), P, codebook,
                   {k[5:]: v for k, v in notes_of.items() if k.startswith("code:")})
    child(book)

    for element in _cases(corpus, groups):
        child(element)

    files: dict[str, str] = {}
    if len(corpus):
        out.write("\n  <Sources>")
        rows_of = codings.groupby("document", sort=False).indices if len(codings) else {}
        columns = [codings[c].to_numpy() for c in ("start", "end", "code", "coder")]
        for doc in sorted(corpus, key=lambda d: d.id):
            sguid = guid("source", doc.id)
            files[f"sources/{sguid}.txt"] = doc.text
            out.write("\n    " + _fragment(_text_source(doc, sguid, rows_of.get(doc.id, ()), columns,
                                                        notes_of.get("doc:" + doc.id, [])), 2))
        out.write("\n  </Sources>")

    if memo_rows:
        notes = ET.Element("Notes")
        for m in memo_rows:
            note = _sub(notes, P, "Note", {"guid": guid("note", m["id"]), "name": m["name"] or m["id"]})
            _sub(note, P, "Description", text=with_marker("", {"id": m["id"]}))
            _sub(note, P, "PlainTextContent", text=m["text"])
        child(notes)

    sets = project_sets(corpus, groups)
    if sets:
        sets_el = ET.Element("Sets")
        for set_name, spec in sorted(sets.items()):
            s = _sub(sets_el, P, "Set", {"guid": guid("set", set_name), "name": set_name})
            _sub(s, P, "Description", text=with_marker("", spec["marker"]))
            for doc_id in spec["sources"]:
                _sub(s, P, "MemberSource", {"targetGUID": guid("source", doc_id)})
        child(sets_el)

    marker = {"codebook": codebook.meta, "analysis": codebook.analysis}
    description = ET.Element("Description")
    description.text = xml_safe(with_marker(f"Exported by {_origin()}.", marker))
    child(description)
    for note_guid in notes_of.get("project", []):
        child(ET.Element("NoteRef", {"targetGUID": note_guid}))
    out.write("\n</Project>\n")
    return files


def _text_source(doc, sguid: str, rows, columns, notes: list[str]) -> ET.Element:
    """The ``TextSource`` of one document with its selections (``rows`` of the codings ``columns``)."""
    P = NS_PROJECT
    starts, ends, codes, coders = columns
    spans: dict[tuple[int, int, str], set[str]] = defaultdict(set)  # one selection per span and coder
    for i in rows:
        spans[(int(starts[i]), int(ends[i]), coders[i])].add(codes[i])
    el = ET.Element("TextSource", {"guid": sguid, "name": doc.id, "plainTextPath": f"internal://{sguid}.txt"})
    marker = {"id": doc.id, "kind": doc.kind}
    headings = heading_lines(doc)
    if headings:
        marker["headings"] = headings
    _sub(el, P, "Description", text=with_marker("", marker))
    for (start, end, coder), codes_here in sorted(spans.items()):
        quote = " ".join(doc.text[start:end].split())
        sel_el = _sub(el, P, "PlainTextSelection", {
            "guid": guid("selection", doc.id, start, end, coder),
            "name": quote if len(quote) <= 60 else quote[:59] + "…",
            "startPosition": str(start), "endPosition": str(end),
            "creatingUser": guid("user", coder)})  # QualCoder reads the coder from here
        for code in sorted(codes_here):
            coding = _sub(sel_el, P, "Coding", {"guid": guid("coding", doc.id, start, end, code, coder),
                                               "creatingUser": guid("user", coder)})
            _sub(coding, P, "CodeRef", {"targetGUID": guid("code", code)})
    for note in notes:
        _sub(el, P, "NoteRef", {"targetGUID": note})
    return el


def heading_lines(doc) -> list[int]:
    """Numbers (1-based) of the non-empty lines of a transcript outside every speaker turn.

    These were headings or preamble when the transcript was read; the
    importer marks them as headings again so the turns and interview parts
    come back unchanged.
    """
    if not any(s.speaker != "other" for s in doc.segments):
        return []
    out, off = [], 0
    for number, line in enumerate(doc.text.split("\n"), start=1):
        end = off + len(line)
        if line.strip() and not any(s.start <= end and s.end >= off for s in doc.segments):
            out.append(number)
        off = end + 1
    return out


def _cases(corpus: Corpus, groups: pd.DataFrame | None) -> Iterator[ET.Element]:
    """The ``Variables`` and ``Cases`` elements (none without respondents)."""
    if not corpus.respondents:
        return
    P = NS_PROJECT
    group_of = {rid: n for n, _, rids in _group_members(groups) for rid in rids}
    dates = [r.interview_date for r in corpus.respondents.values() if r.interview_date]
    types = {v: "Text" for v in _CASE_VARIABLES}
    types["interview_date"] = "Date" if all(_DATE.match(d) for d in dates) else "Text"
    if group_of:
        types["group"] = "Integer"
    variables = ET.Element("Variables")
    for var, typ in types.items():
        _sub(variables, P, "Variable", {"guid": guid("variable", var), "name": var, "typeOfVariable": typ})
    yield variables
    docs_of = _documents_of(corpus)
    cases = ET.Element("Cases")
    for rid, r in sorted(corpus.respondents.items()):
        case = _sub(cases, P, "Case", {"guid": guid("case", rid), "name": rid})
        values = {v: getattr(r, v) for v in _CASE_VARIABLES}
        if rid in group_of:
            values["group"] = str(group_of[rid])
        for var, value in values.items():
            if value in (None, ""):
                continue
            vv = _sub(case, P, "VariableValue")
            _sub(vv, P, "VariableRef", {"targetGUID": guid("variable", var)})
            _sub(vv, P, f"{types[var]}Value", text=str(value))
        for doc in docs_of.get(rid, ()):
            _sub(case, P, "SourceRef", {"targetGUID": guid("source", doc)})
    yield cases


def export_qdpx(study, path: str | Path, *, groups: pd.DataFrame | None = None,
                memos: Iterable[Mapping] | pd.DataFrame | None = None, name: str | None = None) -> Path:
    """Write a study as a REFI-QDA project (``.qdpx``), deterministically and atomically.

    Parameters
    ----------
    study : Study
        Corpus, codebook and codings (e.g. :func:`altena_qca.load_study`).
    path : str or Path
        The ``.qdpx`` file to write.
    groups : DataFrame or None
        Typology groups (columns ``respondent, group[, group_label]``, as
        :func:`altena_qca.analysis.typology.assign_groups` gives them),
        exported as a case variable and as sets; None (default) leaves them
        out. The caller computes them (``pipeline.groups_of``): interchange
        does not import the analysis layer.
    memos : DataFrame or iterable of mappings, optional
        Columns :data:`MEMO_COLUMNS`; exported as ``Note`` s.
    name : str, optional
        Project name; default the study folder's name.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        If a coding points at an unknown document or code or lies outside
        its text, or the groups or memos table is malformed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from altena_qca import Study, load_codebook, make_codings
    >>> from altena_qca.model import Corpus, Document
    >>> corpus = Corpus(documents={"R1": Document("R1", "R: Er is geen vertrouwen.")})
    >>> study = Study(corpus, load_codebook(), make_codings(
    ...     [{"document": "R1", "start": 3, "end": 25, "code": "effects.trust"}]))
    >>> out = export_qdpx(study, pathlib.Path(tempfile.mkdtemp()) / "p.qdpx", groups=None)
    >>> sorted(zipfile.ZipFile(out).namelist())[0]
    'project.qde'

    References
    ----------
    .. [1] REFI (2019). QDA-XML 1.0, the Rotterdam Exchange Format Initiative
       project exchange standard. https://www.qdasoftware.org
    """
    data_dir = getattr(study, "data_dir", None)
    name = name or (Path(data_dir).name if data_dir else "altena-qca")
    stamp = fixed_zip_time()

    def member(name: str, size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3
        info.external_attr = 0o644 << 16
        info.file_size = size  # known before writing: zip64 only when a member needs it
        return info

    with atomic_path(path) as tmp:
        # project.qde goes to a spooled file first: its size must be known to
        # choose zip64, and a national project's XML can pass 2 GiB.
        with tempfile.TemporaryFile(dir=Path(tmp).parent) as qde:
            text = io.TextIOWrapper(qde, encoding="utf-8", newline="")
            files = write_project_xml(text, study.corpus, study.codebook, study.codings, name=name,
                                      groups=groups, memos=memos)
            text.flush()
            size = qde.tell()
            qde.seek(0)
            with zipfile.ZipFile(tmp, "w") as zf:
                with zf.open(member("project.qde", size), "w") as dest:
                    shutil.copyfileobj(qde, dest, 1 << 20)
                for name_, text_ in sorted(files.items()):
                    data = text_.encode("utf-8")
                    with zf.open(member(name_, len(data)), "w") as dest:
                        dest.write(data)
            text.detach()
    return Path(path)

