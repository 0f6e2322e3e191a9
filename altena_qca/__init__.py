"""altena-qca: qualitative content analysis of the Altena study, as code.

The public API::

    from altena_qca import load_study, load_codebook, load_corpus
    study = load_study()                 # the bundled reconstructed corpus
"""
from .codebook import load_codebook
from .errors import AltenaError, CodebookError, InputError
from .ingest import load_codings, load_corpus, read_transcript
from .model import Code, Codebook, Corpus, Document, Respondent, Segment, make_codings
from .study import Study, load_study

__all__ = [
    "load_study", "load_codebook", "load_corpus", "load_codings", "read_transcript",
    "Study", "Code", "Codebook", "Corpus", "Document", "Respondent", "Segment", "make_codings",
    "AltenaError", "CodebookError", "InputError",
]
__version__ = "0.1.0"
