"""REFI-QDA (QDA-XML 1.0) interoperability: ``.qdpx`` projects and ``.qdc`` codebooks.

Public names are re-exported by :mod:`altena_qca.ingest.qdpx`.
"""
from .export import *  # noqa: F401,F403
from .reader import *  # noqa: F401,F403
from .folder import *  # noqa: F401,F403
from .qdc import *  # noqa: F401,F403
from . import export as _export, folder as _folder, qdc as _qdc, reader as _reader

__all__ = [*_export.__all__, *_reader.__all__, *_folder.__all__, *_qdc.__all__]
