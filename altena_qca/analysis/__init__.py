"""Analyses: pure functions from (corpus, codebook, codings) to DataFrames."""
from .cooccurrence import *  # noqa: F401,F403
from .effects import *  # noqa: F401,F403
from .frequencies import *  # noqa: F401,F403
from .selection import *  # noqa: F401,F403
from .typology import *  # noqa: F401,F403
