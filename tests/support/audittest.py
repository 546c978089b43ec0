"""Helpers for the audit log's tests: the command line in-process, crafted records written
through the real chain and store, and direct (tampering) Cypher on the stored records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from neo4j import Driver

from graph.audit.store import AuditStore
from graph.driver import open_async_driver
from hub.audit.log import AuditLog, AuditRecord, audit_time
from hub.audit.signing import load_audit_signer
from hub.cli.main import main
from hub.settings import Settings


def with_env(settings: Settings, **env: str) -> Settings:
    """The test settings with more ``CREDIT_HUB_*`` variables."""
    base = {
        "CREDIT_HUB_NEO4J_URI": settings.neo4j_uri,
        "CREDIT_HUB_DATA_DIR": str(settings.data_dir),
    }
    return Settings.from_env(base | {f"CREDIT_HUB_{k.upper()}": v for k, v in env.items()})


@dataclass
class Cli:
    """``credit-hub`` run in-process with the test settings in the environment."""

    settings: Settings
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    err: str = ""
    """What the last run printed on stderr."""

    def __call__(self, *argv: str) -> tuple[int, list[str]]:
        self.monkeypatch.setenv("CREDIT_HUB_NEO4J_URI", self.settings.neo4j_uri)
        self.monkeypatch.setenv("CREDIT_HUB_DATA_DIR", str(self.settings.data_dir))
        self.capsys.readouterr()
        status = main(list(argv))
        captured = self.capsys.readouterr()
        self.err = captured.err.strip()
        return status, captured.out.splitlines()


def record(
    at: datetime,
    *,
    user: str = "analyst-1",
    unit: str = "U-TAX",
    subjects: Iterable[str] = (),
    purpose: str | None = "LICENSING",
    operations: Iterable[str] = ("Query.person",),
    denied: Iterable[str] = (),
    decision: str = "ALLOWED",
    error_codes: Iterable[str] = (),
) -> AuditRecord:
    return AuditRecord(
        request_id=f"r-{at.timestamp()}-{user}",
        at=audit_time(at),
        user=user,
        unit=unit,
        roles=["agency_analyst"],
        purpose=purpose,
        client="127.0.0.1",
        operation_name=None,
        operations=list(operations),
        query_hash="0" * 64,
        subjects=list(subjects),
        masked=[],
        denied=list(denied),
        decision=decision,
        error_codes=list(error_codes),
        result_size=100,
        duration_ms=1.5,
        policy_version="test",
    )


async def write_records(
    settings: Settings, records: Iterable[AuditRecord], *, checkpoint_records: int = 1000
) -> str:
    """Write ``records`` as one writer through the real group-committing log; returns the
    writer id. The log is closed (final checkpoint) afterwards."""
    driver = open_async_driver(settings)
    log = AuditLog(
        AuditStore(driver, settings.neo4j_database),
        load_audit_signer(settings.keys_dir, create=True),
        checkpoint_records=checkpoint_records,
    )
    try:
        for item in records:
            await log.write(item)
        await log.close()
    finally:
        await driver.close()
    return log.writer


def run(graph: Driver, cypher: Any, **parameters: Any) -> list[dict[str, Any]]:
    records, _, _ = graph.execute_query(cypher, parameters, database_="neo4j")
    return [r.data() for r in records]


def writers(graph: Driver) -> list[str]:
    rows = run(graph, "MATCH (a:AuditEvent) RETURN DISTINCT a.writer AS w ORDER BY w")
    return [str(r["w"]) for r in rows]


def checkpoints(graph: Driver, writer: str) -> list[dict[str, Any]]:
    rows = run(
        graph,
        "MATCH (c:AuditCheckpoint {writer: $w}) RETURN properties(c) AS c ORDER BY c.size",
        w=writer,
    )
    return [dict(r["c"]) for r in rows]


async def chain_of_requests(settings: Settings, graph: Driver, requests: int) -> str:
    """One writer (a hub) that answered ``requests`` queries, with a checkpoint every 4."""
    from hub.importing.run import import_file
    from tests.support.hubtest import ACME, DATA, hub_client

    import_file(settings, DATA / "small_city.jsonl")
    async with hub_client(with_env(settings, audit_checkpoint_records="4")) as client:
        for _ in range(requests):
            await client.post('{ enterprise(uscc: "%s") { name } }' % ACME)
    [writer] = writers(graph)
    return writer
