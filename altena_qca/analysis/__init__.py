"""Analyses: pure functions from (corpus, codebook, codings) to DataFrames."""
from .frequencies import *  # noqa: F401,F403
