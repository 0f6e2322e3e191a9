"""Shared pieces of the REFI-QDA reader and writer: namespaces, GUIDs, markers.

GUIDs of everything we export are UUID version 5, derived from our ids
(:func:`guid`), so exporting the same study twice gives the same GUIDs.

What QDA-XML has no place for (a code's id, English label and kind; a
document's kind; the codebook's analysis section) travels in the element's
``<Description>`` as one last line ``[altena-qca] {json}``
(:data:`MARKER`). Other tools show it as part of the description and keep it;
:func:`split_marker` reads it back. The schema allows no extension elements,
so this is the only place that still validates.
"""
from __future__ import annotations

import json
import re
import unicodedata
import uuid

__all__ = ["NS_PROJECT", "NS_CODEBOOK", "NS_XSI", "MARKER", "GUID_RE", "guid", "norm_guid",
           "with_marker", "split_marker", "xml_safe", "slug", "safe_file_id", "RefiWarnings"]

from ..errors import Warnings

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
MARKER = "[altena-qca] "
#: First line of an exported code's description when its name had to be qualified to be unique.
LABEL_LINE = "Label in het codeboek: {label}"

# The GUIDType pattern of Project.xsd (xsd:token, so surrounding blanks are collapsed).
GUID_RE = re.compile(r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                     r"|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$")
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/altena-qca/altena-qca#refi-qda")
# Characters XML 1.0 does not allow (besides tab, LF, CR).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


#: Warnings of the REFI-QDA import (W400-W402 of the catalogue).
RefiWarnings = Warnings


def guid(kind: str, *key: object) -> str:
    """A stable GUID for the ``kind`` object with id ``key`` (UUID version 5).

    >>> guid("code", "effects.trust") == guid("code", "effects.trust")
    True
    >>> guid("code", "a") != guid("source", "a")
    True
    """
    return str(uuid.uuid5(_NAMESPACE, kind + ":" + "\x1f".join(str(k) for k in key)))


def norm_guid(value: str | None) -> str | None:
    """A GUID in canonical form (lowercase, no braces), or None if invalid."""
    if value is None:
        return None
    value = value.strip()
    if not GUID_RE.match(value):
        return None
    return value.strip("{}").lower()


def with_marker(text: str, data: dict) -> str:
    """``text`` followed by a machine-readable marker line holding ``data``.

    >>> with_marker("Vertrouwen", {"id": "effects.trust"})
    'Vertrouwen\\n\\n[altena-qca] {"id":"effects.trust"}'
    """
    line = MARKER + json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{text}\n\n{line}" if text else line


def split_marker(text: str | None) -> tuple[str, dict | None]:
    """Split a description into its text and the marker data (or None).

    >>> split_marker('Vertrouwen\\n\\n[altena-qca] {"id":"effects.trust"}')
    ('Vertrouwen', {'id': 'effects.trust'})
    >>> split_marker("Geen marker")
    ('Geen marker', None)
    """
    text = (text or "").replace("\r\n", "\n")
    head, _, last = text.rstrip().rpartition("\n")
    if not last.startswith(MARKER):
        return text.strip(), None
    try:
        data = json.loads(last[len(MARKER):])
    except ValueError:
        return text.strip(), None
    if not isinstance(data, dict):
        return text.strip(), None
    return head.strip(), data


def xml_safe(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot hold."""
    return _XML_BAD.sub("", text)


def slug(name: str) -> str:
    """A code-id part from a code name: lowercase ASCII, digits and ``_``.

    >>> slug("Self-categorization"), slug("Coördinatie & regie"), slug("???")
    ('self_categorization', 'coordinatie_regie', 'code')
    """
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9_]+", "_", ascii_.lower()).strip("_")
    return re.sub(r"_+", "_", out) or "code"


def safe_file_id(name: str, fallback: str) -> str:
    """A document or respondent id usable as a file name.

    >>> safe_file_id("interview 3/def.txt", "x"), safe_file_id("..", "src-1")
    ('interview_3_def.txt', 'src-1')
    """
    out = re.sub(r"[^\w.-]+", "_", unicodedata.normalize("NFC", name).strip()).strip("._")[:80]
    return out or fallback
