"""REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``): export, import, study folders.

The implementation lives in :mod:`altena_qca.ingest.refi`; this module is
its public face::

    from altena_qca.ingest.qdpx import export_qdpx, import_qdpx
    export_qdpx(load_study(), "altena.qdpx")        # for ATLAS.ti, NVivo, MAXQDA, QualCoder
    project = import_qdpx("from-nvivo.qdpx")         # a Study plus cases, sets, memos, warnings
"""
from .refi import *  # noqa: F401,F403
from .refi import __all__ as _refi_all

__all__ = list(_refi_all)
