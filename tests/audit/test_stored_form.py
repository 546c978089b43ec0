"""Each audit record is stored as its canonical bytes (``record``, what its hash covers) plus
copies of the properties that queries filter on (docs/audit.md, "The record"). R23: the log
must stay tamper-evident, so ``credit-hub audit verify`` compares every copy with the record in
the same pass, and a copy edited, added, removed or retyped alone is named like an edit of the
record itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from neo4j import Driver

from graph.audit.stored import content
from hub.settings import Settings
from tests.support.audittest import Cli, chain_of_requests, record, run, write_records
from tests.support.hubtest import audit_events

CHANGED = "seq 5 changed: its content does not match its hash"


@pytest.fixture
async def chain(graph: Driver, settings: Settings) -> AsyncIterator[str]:
    """One writer with ten records (checkpoints at 4, 8 and a final one at 10)."""
    yield await chain_of_requests(settings, graph, 10)


async def test_a_record_is_stored_as_its_canonical_bytes_plus_its_filter_properties(
    chain: str, graph: Driver
) -> None:
    [node] = run(
        graph, "MATCH (a:AuditEvent {writer: $w, seq: 5}) RETURN properties(a) AS p", w=chain
    )
    chain_fields = ["record", "writer", "seq", "prev_hash", "hash"]
    filters = ["at", "unit", "user", "purpose", "decision"]
    lists = ["operations", "subjects", "denied", "error_codes"]
    lookups = ["x_lookups", "x_lookup_misses"]  # an enterprise look-up (hub/audit/lookups.py)
    assert sorted(node["p"]) == sorted([*chain_fields, *filters, *lists, *lookups])
    assert '"request_id":' in node["p"]["record"]


async def test_a_stored_record_edited_is_named(chain: str, cli: Cli, graph: Driver) -> None:
    run(
        graph,
        "MATCH (a:AuditEvent {writer: $w, seq: 5}) "
        "SET a.record = replace(a.record, '\"ALLOWED\"', '\"DENIED\"')",
        w=chain,
    )
    status, out = cli("audit", "verify")
    assert status == 1
    assert out[0] == f"writer {chain}: {CHANGED}"


@pytest.mark.parametrize(
    "edit",
    [
        "SET a.unit = 'ELSEWHERE'",  # a record moved to another unit's view
        "SET a.user = 'someone'",
        "SET a.at = '2020-01-01T00:00:00.000000+00:00'",  # moved out of a time window
        "SET a.decision = 'DENIED'",
        "REMOVE a.decision",
        "SET a.decision = 7",  # same text, other type: no longer matched by '7'
        "SET a.subjects = []",  # hidden from a subject's access history
        "SET a.operations = a.operations + 'Query.person'",
        "REMOVE a.purpose",  # no longer found by purpose
        "SET a.x_checks = 0",  # added: the record has none (counted in unitStats)
    ],
)
async def test_a_filter_property_edited_alone_is_named(
    chain: str, cli: Cli, graph: Driver, edit: str
) -> None:
    before = [e for e in audit_events(graph) if e["seq"] == 5]
    run(graph, "MATCH (a:AuditEvent {writer: $w, seq: 5}) " + edit, w=chain)
    status, out = cli("audit", "verify")
    assert status == 1
    assert out[0] == f"writer {chain}: {CHANGED}"
    # the record itself (what the hash covers) was not touched
    [node] = run(graph, "MATCH (a:AuditEvent {writer: $w, seq: 5}) RETURN a.hash AS h", w=chain)
    assert node["h"] == before[0]["hash"]


async def test_integer_filter_properties_verify_and_an_edit_of_one_is_named(
    graph: Driver, settings: Settings, cli: Cli
) -> None:
    at = datetime(2025, 3, 4, 2, tzinfo=UTC)
    counted = [record(at, user=f"u{i}") for i in range(6)]
    for i, item in enumerate(counted):
        item.extra = {"checks": i, "check_hits": 1, "feedback_delay_days": -2}
    writer = await write_records(settings, counted, checkpoint_records=4)
    status, out = cli("audit", "verify")
    assert status == 0
    assert out[0] == f"writer {writer}: ok, seq 1..6, sealed through 6, closed"
    run(graph, "MATCH (a:AuditEvent {writer: $w, seq: 5}) SET a.x_checks = 5", w=writer)
    status, out = cli("audit", "verify")
    assert status == 1
    assert out[0] == f"writer {writer}: {CHANGED}"


def _old_form(
    graph: Driver, writer: str, edit: dict[str, object] | None = None
) -> list[dict[str, Any]]:
    """Rewrite ``writer``'s records in the form before graph/audit/stored.py (every field of the
    record a property, no ``record``), with ``edit`` applied to seq 5; returns the records."""
    [row] = run(
        graph,
        "MATCH (a:AuditEvent {writer: $w}) RETURN collect(properties(a)) AS nodes",
        w=writer,
    )
    old = [content(node) for node in row["nodes"]]
    old[4].update(edit or {})
    run(
        graph,
        "UNWIND $old AS o MATCH (a:AuditEvent {writer: o.writer, seq: o.seq}) SET a = o",
        old=old,
    )
    return old


async def test_migrate_rewrites_records_of_the_old_form_and_every_hash_still_holds(
    chain: str, cli: Cli, graph: Driver
) -> None:
    old = _old_form(graph, chain)
    status, _ = cli("audit", "verify")
    assert status == 1

    status, out = cli("migrate")
    again, out_again = cli("migrate")

    assert (status, again) == (0, 0)
    assert out[-1] == "audit records rewritten to the stored form: 10"
    assert out_again[-1] == "audit records rewritten to the stored form: 0"
    status, out = cli("audit", "verify")
    assert status == 0
    assert f"writer {chain}: ok, seq 1..10, sealed through 10, closed" in out  # and the CLI's
    shown = [e["request_id"] for e in audit_events(graph) if e.get("writer") == chain]
    assert shown == [o["request_id"] for o in old]


async def test_a_record_edited_before_the_upgrade_is_still_named_after_it(
    chain: str, cli: Cli, graph: Driver
) -> None:
    _old_form(graph, chain, edit={"decision": "DENIED"})  # edited while the log had the old form

    status, _ = cli("migrate")
    assert status == 0
    status, out = cli("audit", "verify")
    assert status == 1
    assert f"writer {chain}: {CHANGED}" in out
