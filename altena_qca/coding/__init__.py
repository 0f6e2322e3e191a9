"""Offline auto-coding: Dutch pipeline, rule coder, learned suggester, evaluation, agreement, review."""
from .agreement import *  # noqa: F401,F403
from .combine import *  # noqa: F401,F403
from .crossval import *  # noqa: F401,F403
from .evaluate import *  # noqa: F401,F403
from .experiment import *  # noqa: F401,F403
from .groups import *  # noqa: F401,F403
from .learn import *  # noqa: F401,F403
from .nlp import *  # noqa: F401,F403
from .review import *  # noqa: F401,F403
from .rules import *  # noqa: F401,F403
