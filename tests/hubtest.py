"""Helpers for tests that talk to the hub over HTTP (in-process ASGI, real Neo4j)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from neo4j import Driver

from hub.app import create_app
from hub.audit_stored import content
from hub.services import Hub
from hub.settings import Settings
from hub.signing_keys import mint_token

DATA = Path(__file__).parent / "data"
ACME = "91110000600037341L"  # 某某科技有限公司
TRADING = "91310000MA1FL5KX2T"  # 某某贸易有限公司
ZHANG_SAN = "11010519491231002X"  # legal representative of ACME today
LI_SI = "110105198001011238"  # legal representative of ACME 2015-2017
WANG_WU = "110105199002022347"  # director of ACME


def token(settings: Settings, role: str, unit: str = "U-TAX", ttl: int = 600) -> str:
    return mint_token(
        settings.keys_dir,
        roles=[role],
        unit=unit,
        subject=f"{role}-tester",
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=ttl,
    )


class HubClient:
    def __init__(self, client: httpx.AsyncClient, settings: Settings) -> None:
        self.http = client
        self.settings = settings

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
    settings: Settings, clock: Callable[[], date] | None = None
) -> AsyncIterator[HubClient]:
    hub = Hub.build(settings, clock) if clock is not None else Hub.build(settings)
    app = create_app(hub=hub)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            yield HubClient(client, settings)
    finally:
        await hub.close()


def audit_events(graph: Driver) -> list[dict[str, Any]]:
    """Every stored audit record as the store holds it (``hub.audit_stored.content``)."""
    records, _, _ = graph.execute_query(
        "MATCH (a:AuditEvent) RETURN a ORDER BY a.writer, a.seq", database_="neo4j"
    )
    return [content(dict(record["a"])) for record in records]


def codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]
