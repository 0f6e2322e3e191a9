"""altena-qca: qualitative content analysis of the Altena study, as code.

The public API::

    from altena_qca import load_study, load_codebook, load_corpus
    study = load_study()                 # the bundled reconstructed corpus
"""
from importlib import import_module

from .errors import AltenaError, CodebookError, InputError

__all__ = [
    "load_study", "load_codebook", "load_corpus", "load_codings", "read_transcript",
    "init_study", "check_study", "find_study", "load_config", "StudyConfig",
    "Study", "Code", "Codebook", "Corpus", "Document", "Respondent", "Segment", "make_codings",
    "AltenaError", "CodebookError", "InputError",
]
__version__ = "0.1.0"

# The rest of the API is imported on first use (PEP 562), so that importing a
# submodule — the CLI above all — does not pay for pandas and friends.
_LAZY = {
    "load_codebook": "codebook", "load_codings": "ingest", "load_corpus": "ingest", "read_transcript": "ingest",
    "Code": "model", "Codebook": "model", "Corpus": "model", "Document": "model", "Respondent": "model",
    "Segment": "model", "make_codings": "model", "Study": "study", "load_study": "study",
    "find_study": "study", "load_config": "study", "StudyConfig": "study", "init_study": "init",
    "check_study": "check",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
