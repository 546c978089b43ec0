"""The audit record is durable before the answer leaves: no record, no data (fail-closed)."""

from __future__ import annotations

import socket

from neo4j import Driver

from hub.importing.run import import_file
from hub.settings import Settings
from tests.support.hubtest import ACME, DATA, audit_events, hub_client


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_when_the_audit_store_is_down_the_caller_gets_unavailable_and_no_data(
    graph: Driver, settings: Settings, neo4j_uri: str
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    broken = Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": neo4j_uri,
            "CREDIT_HUB_AUDIT_NEO4J_URI": f"bolt://127.0.0.1:{_closed_port()}",
            "CREDIT_HUB_DATA_DIR": str(settings.data_dir),
        }
    )
    async with hub_client(broken) as client:
        response = await client.post('{ enterprise(uscc: "%s") { name } }' % ACME)
    assert response.status_code == 503
    assert response.json() == {
        "errors": [
            {
                "message": "the audit log is unavailable; no data",
                "extensions": {"code": "UNAVAILABLE"},
            }
        ]
    }
    assert "某某科技" not in response.text
    assert audit_events(graph) == []


async def test_every_request_writes_exactly_one_record(graph: Driver, settings: Settings) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    async with hub_client(settings) as client:
        for _ in range(3):
            await client.post('{ enterprise(uscc: "%s") { name } }' % ACME)
        await client.post("{ enterprise(uscc: ", role="agency_analyst")
    events = audit_events(graph)
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert [e["decision"] for e in events] == ["ALLOWED", "ALLOWED", "ALLOWED", "BAD_INPUT"]
    assert len({e["writer"] for e in events}) == 1
