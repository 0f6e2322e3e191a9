"""REFI-QDA (QDA-XML 1.0) interchange: ``.qdpx`` projects and ``.qdc`` codebooks.

Interchange is its own layer, beside ingest: reading a project (:mod:`.reader`,
archive safety in :mod:`._archive`, sources in :mod:`._sources`, the code tree
in :mod:`._codes`), writing it as a study folder (:mod:`.folder`), exporting a
study (:mod:`.export`) and codebooks (:mod:`.qdc`). It imports only the model,
the codebook loader, ingest's readers and ``_io``; whatever an export needs
from the analysis layer (typology groups) is passed in by the caller::

    from altena_qca.refi import export_qdpx, import_qdpx
    export_qdpx(study, "altena.qdpx", groups=groups)   # for ATLAS.ti, NVivo, MAXQDA, QualCoder
    project = import_qdpx("from-nvivo.qdpx")          # corpus, codebook, codings + cases, sets, memos, warnings
"""
from . import export as _export
from . import folder as _folder
from . import qdc as _qdc
from . import reader as _reader
from .export import *  # noqa: F401,F403
from .folder import *  # noqa: F401,F403
from .qdc import *  # noqa: F401,F403
from .reader import *  # noqa: F401,F403

__all__ = [*_export.__all__, *_reader.__all__, *_folder.__all__, *_qdc.__all__]
