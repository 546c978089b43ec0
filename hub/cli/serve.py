"""``credit-hub serve``: the hub under uvicorn (``hub.http.serving``; limits from the settings)."""

from __future__ import annotations

import argparse

from hub.http.serving import serve as serve_hub
from hub.settings import Settings


def install(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="serve the hub with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(command=_serve)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    serve_hub(args.host, args.port, args.workers)  # limits: settings.server (CREDIT_HUB_* too)
    return 0
