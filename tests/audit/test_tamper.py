"""``credit-hub audit verify`` names the first record that was changed, removed, inserted or
reordered (R23: a log that an auditor or a court can rely on). Each test tampers with the
stored records directly in Neo4j, as someone with database access would."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
from neo4j import Driver

from graph.audit.stored import node_of
from hub.audit.chain import record_hash
from hub.importing.run import import_file
from hub.settings import Settings
from tests.support.audittest import Cli, chain_of_requests, run, with_env, writers
from tests.support.hubtest import ACME, DATA, audit_events, hub_client

QUERY = '{ enterprise(uscc: "%s") { name } }' % ACME


@pytest.fixture
async def chain(graph: Driver, settings: Settings) -> AsyncIterator[str]:
    """One writer with ten records (checkpoints at 4, 8 and a final one at 10)."""
    yield await chain_of_requests(settings, graph, 10)


def _seq(graph: Driver, writer: str, old: int, new: int) -> None:
    run(
        graph,
        "MATCH (a:AuditEvent {writer: $w, seq: $old}) SET a.seq = $new",
        w=writer,
        old=old,
        new=new,
    )


async def test_an_untampered_log_verifies(chain: str, cli: Cli) -> None:
    status, out = cli("audit", "verify")
    assert status == 0
    assert out[0] == f"writer {chain}: ok, seq 1..10, sealed through 10, closed"
    assert out[-1].startswith("1 writer(s), 10 record(s) in ")
    assert out[-1].endswith(" s: every chain verifies")


async def test_a_changed_record_is_named(chain: str, cli: Cli, graph: Driver) -> None:
    run(graph, "MATCH (a:AuditEvent {writer: $w, seq: 5}) SET a.purpose = 'ENFORCEMENT'", w=chain)
    status, out = cli("audit", "verify")
    assert status == 1
    assert out[0] == f"writer {chain}: seq 5 changed: its content does not match its hash"


async def test_a_removed_record_is_named(chain: str, cli: Cli, graph: Driver) -> None:
    run(graph, "MATCH (a:AuditEvent {writer: $w, seq: 5}) DETACH DELETE a", w=chain)
    status, out = cli("audit", "verify")
    assert status == 1
    assert out[0] == f"writer {chain}: seq 5 removed: seq 6 does not link to seq 4"


async def test_an_inserted_record_is_named(chain: str, cli: Cli, graph: Driver) -> None:
    # Make room at seq 5 and forge a record there whose hash is right and links to seq 4.
    for seq in range(10, 4, -1):
        _seq(graph, chain, seq, seq + 1)
    [fourth] = [e for e in audit_events(graph) if e["seq"] == 4]
    forged = {k: v for k, v in fourth.items() if k not in ("hash",)}
    forged |= {"seq": 5, "prev_hash": fourth["hash"], "request_id": "forged", "user": "nobody"}
    forged["hash"] = record_hash(forged)
    run(graph, "CREATE (a:AuditEvent) SET a = $props", props=node_of(forged))
    status, out = cli("audit", "verify")
    assert status == 1
    assert out[0] == f"writer {chain}: seq 5 inserted: seq 6 links to seq 4"


async def test_reordered_records_are_named(chain: str, cli: Cli, graph: Driver) -> None:
    _seq(graph, chain, 5, 1005)
    _seq(graph, chain, 6, 5)
    _seq(graph, chain, 1005, 6)
    status, out = cli("audit", "verify")
    assert status == 1
    assert out[0] == f"writer {chain}: seq 5 reordered: it links to seq 6, which follows it"


async def test_a_rehashed_stretch_does_not_reach_the_signed_head(
    chain: str, cli: Cli, graph: Driver
) -> None:
    # Change seq 6 and recompute every hash after it: consistent, but not what was signed.
    events = audit_events(graph)
    events[5]["purpose"] = "ENFORCEMENT"
    for previous, event in itertools.pairwise(events[4:]):
        event["prev_hash"] = previous["hash"]
        event["hash"] = record_hash(event)
    for event in events[5:]:
        run(
            graph,
            "MATCH (a:AuditEvent {writer: $w, seq: $s}) SET a = $props",
            w=chain,
            s=event["seq"],
            props=node_of(event),
        )
    status, out = cli("audit", "verify")
    assert status == 1
    assert out[0] == (
        f"writer {chain}: seq 5..8 rewritten: the chain does not reach the head signed at size 8"
    )


async def test_a_truncated_tail_is_named_by_the_checkpoint_that_covers_it(
    chain: str, cli: Cli, graph: Driver
) -> None:
    run(graph, "MATCH (a:AuditEvent {writer: $w}) WHERE a.seq >= 9 DETACH DELETE a", w=chain)
    status, out = cli("audit", "verify")
    assert status == 1
    assert out[0] == f"writer {chain}: seq 9 removed: the checkpoint at size 10 covers it"


async def test_a_record_after_the_final_checkpoint_is_named_inserted(
    chain: str, cli: Cli, graph: Driver
) -> None:
    [last] = [e for e in audit_events(graph) if e["seq"] == 10]
    forged = last | {"seq": 11, "prev_hash": last["hash"], "request_id": "appended"}
    forged["hash"] = record_hash(forged)
    run(graph, "CREATE (a:AuditEvent) SET a = $props", props=node_of(forged))
    status, out = cli("audit", "verify")
    assert status == 1
    assert out[0] == f"writer {chain}: seq 11 inserted: after the final checkpoint at size 10"


async def test_a_forged_checkpoint_is_named(chain: str, cli: Cli, graph: Driver) -> None:
    run(graph, "MATCH (c:AuditCheckpoint {writer: $w, size: 8}) SET c.size = 9", w=chain)
    status, out = cli("audit", "verify")
    assert status == 1
    assert out[0] == f"writer {chain}: checkpoint at size 9: bad signature"


async def test_records_of_a_running_writer_after_its_last_checkpoint_are_listed_unsealed(
    graph: Driver, settings: Settings, cli: Cli
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    async with hub_client(with_env(settings, audit_checkpoint_records="4")) as client:
        for _ in range(6):
            await client.post(QUERY)
        [writer] = writers(graph)
        status, out = cli("audit", "verify")
    assert status == 0
    assert out[0] == (
        f"writer {writer}: ok, seq 1..6, sealed through 4; seq 5..6 not yet sealed by a checkpoint"
    )


async def test_writers_verified_in_parallel_processes_report_as_one_after_another(
    settings: Settings, cli: Cli, graph: Driver
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    for _ in range(2):  # two hub processes, one after the other: two writers
        async with hub_client(with_env(settings, audit_checkpoint_records="4")) as client:
            for _ in range(6):
                await client.post(QUERY)
    first, second = writers(graph)
    run(graph, "MATCH (a:AuditEvent {writer: $w, seq: 3}) SET a.user = 'someone'", w=second)
    status, out = cli("audit", "verify", "--jobs", "2")
    assert status == 1
    assert out[:2] == [
        f"writer {first}: ok, seq 1..6, sealed through 6, closed",
        f"writer {second}: seq 3 changed: its content does not match its hash",
    ]
    assert out[-1].startswith("2 writer(s), ")
    assert out[-1].endswith(" s: 1 finding(s)")
