"""The coding workbench: a local web application over the library (``altena-qca serve``).

:mod:`.state` holds the one study the server works on, :mod:`.api` the JSON
API under ``/api``, :mod:`.app` the Dutch pages and the ASGI application,
:mod:`.security` the token, cross-site and header rules, :mod:`.server`
starts uvicorn.
"""
from .app import create_app
from .state import Workbench

__all__ = ["Workbench", "create_app"]
