"""ASGI entry point. ``credit-hub serve`` runs it with the hub's limits (``hub.http.serving``); run
by hand, give uvicorn ``--no-proxy-headers``: the client address is ``hub.http.app``'s to decide
(``CREDIT_HUB_TRUSTED_PROXIES``), not uvicorn's default trust of 127.0.0.1."""

from hub.http.app import create_app

app = create_app()
