"""The HTTP service as an ASGI app, for mounting in another app or serving with any ASGI server
(``interventions serve`` runs it with uvicorn). Needs the ``server`` extra
(``pip install 'interventions[server]'``); docs/service.md has the endpoints."""

from interventions._server import create_app

__all__ = ["create_app"]
