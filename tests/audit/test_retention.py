"""Retention: records are kept at least 3 years by default, and pruning older ones keeps every
chain verifiable from the last kept checkpoint (R23: the register stays reviewable)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from neo4j import Driver

from hub.audit.retention import latest_before
from hub.clock import today
from hub.settings import Settings
from tests.support.audittest import Cli, record, run, write_records


@pytest.fixture
async def old_and_new(graph: Driver, settings: Settings) -> AsyncIterator[str]:
    """One writer: ten records from 2020, three from now; checkpoints at 4, 8, 12, final 13."""
    old = [record(datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=i)) for i in range(10)]
    new = [record(datetime.now(UTC)) for _ in range(3)]
    yield await write_records(settings, old + new, checkpoint_records=4)


def _line(out: list[str], writer: str) -> str:
    return next(line for line in out if line.startswith(f"writer {writer}:"))


async def test_pruning_cuts_at_the_last_checkpoint_before_the_date_and_still_verifies(
    old_and_new: str, cli: Cli, graph: Driver
) -> None:
    status, out = cli("audit", "prune", "--before", "2021-01-01")
    assert status == 0
    assert out == [
        f"writer {old_and_new}: pruned through seq 8 (8 deleted)",
        "1 writer(s) cut, 8 record(s) deleted",
    ]
    kept = run(
        graph, "MATCH (a:AuditEvent {writer: $w}) RETURN a.seq AS s ORDER BY s", w=old_and_new
    )
    assert [r["s"] for r in kept] == [9, 10, 11, 12, 13]
    status, out = cli("audit", "verify")
    assert status == 0
    assert _line(out, old_and_new) == (
        f"writer {old_and_new}: ok, seq 9..13, sealed through 13, closed"
    )


async def test_records_younger_than_the_retention_period_are_never_pruned(
    old_and_new: str, cli: Cli
) -> None:
    too_late = latest_before(today(), 1096) + timedelta(days=1)
    status, _ = cli("audit", "prune", "--before", too_late.isoformat())
    assert status == 1
    assert cli.err == (
        "credit-hub: --before: records are kept 1096 days (CREDIT_HUB_AUDIT_RETENTION_DAYS): "
        f"the latest date allowed today is {(too_late - timedelta(days=1)).isoformat()}"
    )


async def test_a_pruned_prefix_without_its_signed_mark_reads_as_removed(
    old_and_new: str, cli: Cli, graph: Driver
) -> None:
    cli("audit", "prune", "--before", "2021-01-01")
    run(graph, "MATCH (r:AuditRetention {writer: $w}) DELETE r", w=old_and_new)
    status, out = cli("audit", "verify")
    assert status == 1
    assert _line(out, old_and_new) == (
        f"writer {old_and_new}: seq 1 removed: seq 9 does not link to the start of the chain"
    )


async def test_a_chain_that_does_not_verify_is_not_pruned(
    old_and_new: str, cli: Cli, graph: Driver
) -> None:
    run(graph, "MATCH (a:AuditEvent {writer: $w, seq: 2}) SET a.user = 'x'", w=old_and_new)
    status, out = cli("audit", "prune", "--before", "2021-01-01")
    assert status == 1
    assert out[0] == (
        f"writer {old_and_new}: not pruned, seq 2 changed: its content does not match its hash"
    )
    count = run(graph, "MATCH (a:AuditEvent {writer: $w}) RETURN count(a) AS n", w=old_and_new)
    assert count == [{"n": 13}]
