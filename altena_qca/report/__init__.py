"""Rendering: tables, figures and the Word report, from analysis results."""
from .claims import *  # noqa: F401,F403
from .docx_report import *  # noqa: F401,F403
from .dutch import *  # noqa: F401,F403
from .figures import *  # noqa: F401,F403
from .make import *  # noqa: F401,F403
from .network_figure import *  # noqa: F401,F403
from .results import *  # noqa: F401,F403
