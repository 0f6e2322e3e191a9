"""Ingest: transcripts (.docx, .txt) and projects (.qdpx) into a Corpus."""
from .corpus import *  # noqa: F401,F403
from .docx import *  # noqa: F401,F403
from .segment import *  # noqa: F401,F403
from .text import *  # noqa: F401,F403
