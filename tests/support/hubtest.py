"""Helpers for tests that talk to the hub over HTTP (in-process ASGI, real Neo4j)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from neo4j import Driver
from neo4j.exceptions import DriverError, Neo4jError

from graph.audit.stored import content
from graph.driver import open_driver
from hub.http.app import create_app
from hub.keys.signing import mint_token
from hub.services import Hub
from hub.settings import Settings
from hub.validation.unit_codes import is_unit_code

DATA = Path(__file__).resolve().parent.parent / "data"
ACME = "91110000600037341L"  # 某某科技有限公司
TRADING = "91310000MA1FL5KX2T"  # 某某贸易有限公司
ZHANG_SAN = "11010519491231002X"  # legal representative of ACME today
LI_SI = "110105198001011238"  # legal representative of ACME 2015-2017
WANG_WU = "110105199002022347"  # director of ACME


def token(settings: Settings, role: str, unit: str = "U-TAX", ttl: int = 600) -> str:
    """A token of ``role`` for ``unit``; the unit is made known to the platform first
    (``register_unit``), as the hub refuses tokens of units it does not know."""
    register_unit(settings, unit)
    return mint_token(
        settings.keys_dir,
        roles=[role],
        unit=unit,
        subject=f"{role}-tester",
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=ttl,
    )


_DRIVERS: dict[tuple[str, str | None], Driver] = {}
REGISTER_TEST_UNIT = "MERGE (:Unit {code: $code})"


def register_unit(settings: Settings, unit: str) -> None:
    """Make ``unit`` a unit of the platform in the test graph, the one place the tests do so
    (issue 12: a token for a unit the platform does not know is refused). Tests start from an
    empty graph, so every token the helpers mint registers its unit: a ``:Unit`` node with only
    its code (no name, no kind, so nothing that reads a unit's kind changes) unless an import or
    ``registerUnit`` gave it more, before or after. Not a unit code (``SELF``, a malformed one):
    nothing to register. A graph that does not answer: nothing either, the hub will say so."""
    if not is_unit_code(unit):
        return
    key = (settings.neo4j_uri, settings.neo4j_user)
    driver = _DRIVERS.get(key)
    if driver is None:
        driver = _DRIVERS[key] = open_driver(settings)
    try:  # one auto-commit statement, no retries: a graph that is down answers at once
        with driver.session(database=settings.neo4j_database) as session:
            session.run(REGISTER_TEST_UNIT, code=unit).consume()
    except (DriverError, Neo4jError):
        pass  # e.g. a test of a hub whose graph is down


class HubClient:
    def __init__(self, client: httpx.AsyncClient, settings: Settings, hub: Hub) -> None:
        self.http = client
        self.settings = settings
        self.hub = hub

    def policy_files_changed(self) -> None:
        """The hub looks at its policy files on the next request (instead of the test waiting
        ``CHECK_EVERY_SECONDS`` for it to look)."""
        self.hub.policies.check_on_next_read()

    async def post(
        self,
        query: str,
        *,
        role: str | None = "agency_analyst",
        purpose: str | None = "LICENSING",
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if role is not None and "Authorization" not in sent:
            sent["Authorization"] = f"Bearer {token(self.settings, role)}"
        if purpose is not None:
            sent["X-Purpose"] = purpose
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return await self.http.post("/graphql", json=body, headers=sent)

    async def ask(self, query: str, **kwargs: Any) -> dict[str, Any]:
        response = await self.post(query, **kwargs)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


@asynccontextmanager
async def hub_client(
    settings: Settings, clock: Callable[[], date] | None = None, *, peer: str = "127.0.0.1"
) -> AsyncIterator[HubClient]:
    """The hub in-process over HTTP (ASGI), reached from TCP peer ``peer``."""
    hub = Hub.build(settings, clock) if clock is not None else Hub.build(settings)
    app = create_app(hub=hub)
    transport = httpx.ASGITransport(app=app, client=(peer, 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            yield HubClient(client, settings, hub)
    finally:
        await hub.close()


def audit_events(graph: Driver) -> list[dict[str, Any]]:
    """Every stored audit record as the store holds it (``graph.audit.stored.content``)."""
    records, _, _ = graph.execute_query(
        "MATCH (a:AuditEvent) RETURN a ORDER BY a.writer, a.seq", database_="neo4j"
    )
    return [content(dict(record["a"])) for record in records]


def codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]
