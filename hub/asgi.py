"""ASGI entry point: ``uvicorn hub.asgi:app``."""

from hub.app import create_app

app = create_app()
