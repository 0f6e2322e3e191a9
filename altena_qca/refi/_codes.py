"""Read a QDA-XML code tree (``<Codes>`` of a project or a ``.qdc``) into a Codebook.

Ids: a code exported by altena-qca carries its id in the description marker
(:mod:`._common`); any other code gets ``<parent id>.<slug of its name>``
(:func:`._common.slug`), made unique with ``_2``, ``_3``, ... so the dotted id
mirrors the tree, as in ``altena_qca/resources/codebook/altena.yaml``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import Element

from .._io import unique_name
from ..codebook import validate_codebook
from ..model import Code, Codebook
from ._archive import fail
from ._common import LABEL_LINE, norm_guid, slug, split_marker

__all__ = ["read_code_tree", "local_name"]

_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
_KINDS = ("deductive", "inductive")


def local_name(el: Element, namespaces: tuple[str, ...]) -> str | None:
    """The element's name without namespace if it is in ``namespaces`` (or has none)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return local if ns in namespaces else None
    return tag


def read_code_tree(codes_el: Element | None, namespaces: tuple[str, ...], path: Path,
                   warn: Callable[[str, str], None], analysis: dict | None = None,
                   meta: dict | None = None) -> tuple[Codebook, dict[str, str], dict]:
    """Build a Codebook from a ``<Codes>`` element.

    Returns
    -------
    tuple
        The codebook, a map code GUID → code id, and per code id its extras
        (``color``, ``codable``, ``notes`` GUIDs).
    """
    entries: list[dict] = []
    by_guid: dict[str, str] = {}
    extras: dict[str, dict] = {}
    taken: set[str] = set()
    renamed, marker_rejected, unnamed = [], 0, 0

    def kids(el):
        return [c for c in el if local_name(c, namespaces) == "Code"]

    stack: list[tuple[Element, str | None]] = [(c, None) for c in reversed(kids(codes_el))] if codes_el is not None else []
    while stack:
        el, parent = stack.pop()
        g = norm_guid(el.get("guid"))
        if g is None:
            raise fail(path, f"<Code name={el.get('name')!r}> has no valid guid")
        name = (el.get("name") or "").strip()
        if not name:
            unnamed += 1
            name = "(zonder naam)"
        desc_el = next((c for c in el if local_name(c, namespaces) == "Description"), None)
        definition, marker = split_marker(desc_el.text if desc_el is not None else "")
        marker = marker or {}
        label = marker.get("label_nl")
        if isinstance(label, str) and label.strip():  # our export qualified a repeated label
            name = label.strip()
            prefix = LABEL_LINE.format(label=label)
            if definition.startswith(prefix):
                definition = definition[len(prefix):].lstrip("\n")
        cid = marker.get("id")
        if cid is not None and (not isinstance(cid, str) or not _ID.match(cid) or cid in taken):
            marker_rejected += 1
            cid = None
        if cid is None:
            base = f"{parent}.{slug(name)}" if parent else slug(name)
            cid = unique_name(base, taken, sep="_")
            if cid != base:
                renamed.append(f"{name!r} -> {cid}")
        taken.add(cid)
        by_guid[g] = cid
        entry = {"id": cid, "label_nl": name, "parent": parent, "definition": definition,
                 "label_en": str(marker.get("label_en", "")),
                 "kind": marker.get("kind") if marker.get("kind") in _KINDS else "deductive"}
        for key in ("indicators", "examples"):
            if isinstance(marker.get(key), list):
                entry[key] = [str(x) for x in marker[key]]
        if isinstance(marker.get("rules"), dict):
            entry["rules"] = marker["rules"]
        entries.append(entry)
        extras[cid] = {"color": el.get("color"), "codable": el.get("isCodable", "true").strip() != "false",
                       "notes": [norm_guid(n.get("targetGUID")) for n in el
                                 if local_name(n, namespaces) == "NoteRef"]}
        stack.extend((c, cid) for c in reversed(kids(el)))

    if unnamed:
        warn("W400", f"{unnamed} code(s) have an empty name; named '(zonder naam)'")
    if renamed:
        warn("W402", f"{len(renamed)} code name(s) occur twice under one parent; ids made unique: "
                     + ", ".join(renamed[:5]) + (" ..." if len(renamed) > 5 else ""))
    if marker_rejected:
        warn("W402", f"{marker_rejected} altena-qca code id(s) in descriptions were invalid or duplicate; "
                     f"ids derived from the names instead")
    analysis = dict(analysis or {})
    problems = validate_codebook({"codes": entries, "analysis": analysis}, path)
    if problems:
        warn("W402", f"codebook details dropped (analysis section, auto-coder rules): {problems[0]}"
                     + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
        analysis = {}
        for e in entries:
            e.pop("rules", None)
        problems = validate_codebook({"codes": entries, "analysis": analysis}, path)
        if problems:  # cannot happen for ids we built; refuse rather than guess
            raise fail(path, f"code tree cannot be mapped: {problems[0]}")
    codes = [Code(id=e["id"], label_nl=e["label_nl"], label_en=e["label_en"], parent=e["parent"],
                  kind=e["kind"], definition=e["definition"], indicators=tuple(e.get("indicators", ())),
                  examples=tuple(e.get("examples", ())), rules=e.get("rules")) for e in entries]
    return Codebook(codes, analysis=analysis, meta=meta or {}, path=str(path)), by_guid, extras
