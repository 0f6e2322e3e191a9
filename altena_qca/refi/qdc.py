"""Read a REFI-QDA codebook (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``).

The writer is :func:`altena_qca.refi.export.export_qdc`.
"""
from __future__ import annotations

from pathlib import Path

from ..model import Codebook
from ._archive import MAX_MEMBER_BYTES, fail, parse_xml
from ._codes import local_name, read_code_tree
from ._common import NS_CODEBOOK, NS_PROJECT, RefiWarnings

__all__ = ["import_qdc"]


def import_qdc(path: str | Path) -> tuple[Codebook, list[str]]:
    """Read a ``.qdc`` codebook; return it and the warnings.

    Raises
    ------
    InputError
        E400 for a missing, oversized or hostile file (DTD, entities) or one
        that is not a QDA-XML codebook.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from altena_qca import load_codebook
    >>> from altena_qca.refi import export_qdc
    >>> p = export_qdc(load_codebook(), pathlib.Path(tempfile.mkdtemp()) / "cb.qdc")
    >>> codebook, warnings = import_qdc(p)
    >>> codebook["effects.trust"].label_nl, warnings
    ('Vertrouwen', [])
    """
    path = Path(path)
    if not path.is_file():
        raise fail(path, "file not found")
    if path.stat().st_size > MAX_MEMBER_BYTES:
        raise fail(path, f"file is larger than {MAX_MEMBER_BYTES} bytes")
    root = parse_xml(path.read_bytes(), path, path.name)
    namespaces = (NS_CODEBOOK, NS_PROJECT, "")
    if local_name(root, namespaces) != "CodeBook":
        raise fail(path, f"not a QDA-XML codebook: root element is {root.tag!r}, expected "
                         f"{{{NS_CODEBOOK}}}CodeBook")
    found: list[str] = []

    def warn(code: str, reason: str) -> None:
        found.append(getattr(RefiWarnings, code).format(path=path.name, reason=reason))

    if not root.tag.startswith("{" + NS_CODEBOOK):
        warn("W400", f"root element is not in the codebook namespace {NS_CODEBOOK}")
    codes = next((c for c in root if local_name(c, namespaces) == "Codes"), None)
    codebook, _, _ = read_code_tree(codes, namespaces, path, warn,
                                    meta={"id": "imported", "title_nl": path.stem})
    return codebook, found
