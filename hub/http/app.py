"""The one app factory: ``create_app(settings)`` wires everything."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, request_response
from starlette.types import Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from hub.http.endpoint import GraphQLEndpoint
from hub.keys.rotation import prove_keys_open_the_data
from hub.services import Hub
from hub.settings import Settings

log = logging.getLogger("credit_hub")
READY_TIMEOUT_SECONDS = 2.0


def create_app(settings: Settings | None = None, hub: Hub | None = None) -> Starlette:
    hub = hub or Hub.build(settings or Settings.from_env())

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        try:
            await asyncio.wait_for(hub.driver.verify_connectivity(), READY_TIMEOUT_SECONDS)
        except Exception:
            log.warning("readyz: Neo4j does not answer", exc_info=True)
            return JSONResponse({"status": "unavailable", "neo4j": "down"}, status_code=503)
        return JSONResponse({"status": "ready", "neo4j": "up"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await prove_keys_open_the_data(hub.driver, hub.settings.neo4j_database, hub.cipher)
        yield
        await hub.close()

    graphql = _EveryMethod(GraphQLEndpoint(hub).handle)
    routes: list[BaseRoute] = [
        # every method reaches the endpoint, so a refused one (405) is audited like any other
        Route("/graphql", graphql),
        Route("/graphql/", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
    ]
    if not hub.settings.is_production:
        routes.extend(_ide_routes())
    app = Starlette(routes=routes, lifespan=lifespan, middleware=_client_address(hub.settings))
    app.state.hub = hub
    return app


class _EveryMethod:
    """The endpoint as an ASGI app: Starlette routes every method to it (for a function it
    would answer 405 itself, and the refusal would leave no audit record)."""

    def __init__(self, handle: Callable[[Request], Awaitable[Response]]) -> None:
        self._app = request_response(handle)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


def _client_address(settings: Settings) -> list[Middleware]:
    """The one place the client address is decided: the TCP peer, or, when the peer is a
    configured proxy, the rightmost ``X-Forwarded-For`` hop that is not one (uvicorn's rule).
    ``credit-hub serve`` turns uvicorn's own proxy handling off, so nothing else rewrites it."""
    return [Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))]


def _ide_routes() -> list[BaseRoute]:
    # Deliberately lazy and guarded (kept on purpose): the IDE page is an optional extra of the
    # endpoint, a module of this package below it (no circle); a build without it serves none.
    try:
        from hub.http.ide.page import ide_routes
    except ImportError:  # pragma: no cover - the IDE package is part of the wheel
        return []
    return ide_routes()
