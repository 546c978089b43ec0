"""Tamper evidence (R23: every query registered, leaks traceable): each hub process chains its
records (RFC 6962 prefixes) and seals them with signed checkpoints, and the chain survives a
failed commit without a gap or a duplicate."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from neo4j import Driver

from graph.audit.store import AuditStore, BrokenLink
from graph.driver import open_async_driver
from hub.audit.chain import GENESIS
from hub.audit.log import AuditLog
from hub.audit.signing import CHECKPOINT, load_audit_keys, load_audit_signer
from hub.errors import Unavailable
from hub.importing.run import import_file
from hub.settings import Settings
from tests.support.audittest import checkpoints, record, with_env
from tests.support.hubtest import ACME, DATA, audit_events, hub_client

QUERY = '{ enterprise(uscc: "%s") { name } }' % ACME


def _expected_hash(event: dict[str, Any]) -> str:
    content = {k: v for k, v in event.items() if k not in ("seq", "prev_hash", "hash")}
    leaf = hashlib.sha256(b"\x00" + orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).digest()
    return hashlib.sha256(b"\x01" + bytes.fromhex(event["prev_hash"]) + leaf).hexdigest()


async def test_each_record_links_to_the_previous_one_by_its_hash(
    graph: Driver, settings: Settings
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    async with hub_client(settings) as client:
        for _ in range(3):
            await client.post(QUERY)
    events = audit_events(graph)
    assert [e["seq"] for e in events] == [1, 2, 3]
    assert events[0]["prev_hash"] == GENESIS == "0" * 64
    assert [e["prev_hash"] for e in events[1:]] == [e["hash"] for e in events[:-1]]
    assert [e["hash"] for e in events] == [_expected_hash(e) for e in events]


async def test_a_signed_checkpoint_every_n_records_and_a_final_one_at_close(
    graph: Driver, settings: Settings
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    every_three = with_env(settings, audit_checkpoint_records="3")
    async with hub_client(every_three) as client:
        for _ in range(7):
            await client.post(QUERY)
        [writer] = {e["writer"] for e in audit_events(graph)}
        before_close = [(c["size"], c["final"]) for c in checkpoints(graph, writer)]
    after_close = checkpoints(graph, writer)
    heads = {e["seq"]: e["hash"] for e in audit_events(graph)}
    keys = load_audit_keys(settings.keys_dir)

    assert before_close == [(3, False), (6, False)]
    assert [(c["size"], c["final"]) for c in after_close] == [(3, False), (6, False), (7, True)]
    assert all(c["head"] == heads[c["size"]] for c in after_close)
    assert all(keys.verify(CHECKPOINT, c) is None for c in after_close)
    forged = after_close[0] | {"size": 2}
    assert keys.verify(CHECKPOINT, forged) == "bad signature"


async def test_a_checkpoint_after_t_seconds_without_traffic(
    graph: Driver, settings: Settings
) -> None:
    driver = open_async_driver(settings)
    log = AuditLog(
        AuditStore(driver, "neo4j"),
        load_audit_signer(settings.keys_dir, create=True),
        checkpoint_records=1000,
        checkpoint_seconds=0.3,
    )
    try:
        await log.write(record(datetime.now(UTC)))
        assert checkpoints(graph, log.writer) == []
        await asyncio.sleep(
            0.8
        )  # the behaviour under test: a checkpoint 0.3 s after the last record
        sealed = [(c["size"], c["final"]) for c in checkpoints(graph, log.writer)]
    finally:
        await log.close()
        await driver.close()
    assert sealed == [(1, False)]


class _FailingOnce:
    """The real store, except that its second append fails: before the commit (the store is
    down) or after it (the connection drops after the commit, so the writer can not know
    whether the batch landed)."""

    def __init__(self, store: AuditStore, *, after_commit: bool) -> None:
        self._store = store
        self._after_commit = after_commit
        self._calls = 0

    async def append(
        self,
        events: Sequence[dict[str, Any]],
        checkpoints: Sequence[dict[str, Any]],
        after: tuple[int, str] | None = None,
    ) -> None:
        self._calls += 1
        if self._calls == 2 and not self._after_commit:
            raise ConnectionRefusedError("audit store down")
        await self._store.append(events, checkpoints, after)
        if self._calls == 2:
            raise ConnectionResetError("connection lost after commit")

    async def head(self, writer: str) -> tuple[int, str] | None:
        return await self._store.head(writer)


@pytest.mark.parametrize("failure", ["refused before commit", "lost after commit"])
async def test_after_a_failed_commit_the_chain_goes_on_without_gap_or_duplicate(
    graph: Driver, settings: Settings, failure: str
) -> None:
    driver = open_async_driver(settings)
    store = AuditStore(driver, "neo4j")
    sink = _FailingOnce(store, after_commit=failure == "lost after commit")
    log = AuditLog(sink, load_audit_signer(settings.keys_dir, create=True))
    now = datetime.now(UTC)
    try:
        await log.write(record(now, user="first"))
        with pytest.raises(Unavailable):
            await log.write(record(now, user="second"))
        await log.write(record(now, user="third"))
    finally:
        await log.close()
        await driver.close()
    events = audit_events(graph)
    landed = ["first", "second", "third"] if failure == "lost after commit" else ["first", "third"]
    assert [e["user"] for e in events] == landed
    assert [e["seq"] for e in events] == list(range(1, len(landed) + 1))
    assert [e["prev_hash"] for e in events[1:]] == [e["hash"] for e in events[:-1]]
    assert [e["hash"] for e in events] == [_expected_hash(e) for e in events]


class _Scripted:
    """The real store, except for the second batch: it is held until the third batch has tried
    the store (and overtaken it); ``lost`` then fails it without sending it (the store is down
    for that one). ``second_arrived`` is set when the second batch reaches the sink."""

    def __init__(self, store: AuditStore, *, lost: bool) -> None:
        self._store = store
        self._lost = lost
        self._calls = 0
        self.refused: list[str] = []  # what the store refused, per call
        self.second_arrived = asyncio.Event()
        self._third_tried = asyncio.Event()

    async def append(
        self,
        events: Sequence[dict[str, Any]],
        checkpoints: Sequence[dict[str, Any]],
        after: tuple[int, str] | None = None,
    ) -> None:
        self._calls += 1
        call = self._calls
        if call == 2:
            self.second_arrived.set()
            await asyncio.wait_for(self._third_tried.wait(), 30)
            if self._lost:
                raise ConnectionRefusedError("audit store down")
        try:
            await self._store.append(events, checkpoints, after)
        except BrokenLink as exc:
            self.refused.append(str(exc))
            raise
        finally:
            if call == 3:
                self._third_tried.set()

    async def head(self, writer: str) -> tuple[int, str] | None:
        return await self._store.head(writer)


async def _pipelined(settings: Settings, lost: bool) -> tuple[_Scripted, str, list[Any]]:
    """Four writes through a scripted store (the second ``lost`` or slow); the third is sent
    while the second is still on its way. Returns the store, the writer and the outcomes of the
    second and third writes."""
    driver = open_async_driver(settings)
    try:
        sink = _Scripted(AuditStore(driver, "neo4j"), lost=lost)
        writer, outcomes = await _four_writes(sink, settings)
    finally:
        await driver.close()
    return sink, writer, outcomes


async def _four_writes(sink: _Scripted, settings: Settings) -> tuple[str, list[Any]]:
    signer = load_audit_signer(settings.keys_dir, create=True)
    log = AuditLog(sink, signer, in_flight=4, pipeline_min=1)
    now = datetime.now(UTC)
    try:
        await log.write(record(now, user="first"))
        second = asyncio.create_task(log.write(record(now, user="second")))
        await sink.second_arrived.wait()
        third = asyncio.create_task(log.write(record(now, user="third")))
        outcomes = await asyncio.gather(second, third, return_exceptions=True)
        await log.write(record(now, user="fourth"))
    finally:
        await log.close()
    return log.writer, outcomes


async def test_a_batch_is_never_stored_after_a_failed_batch_before_it_no_gap(
    graph: Driver, settings: Settings
) -> None:
    sink, writer, outcomes = await _pipelined(settings, lost=True)
    events = audit_events(graph)
    assert [type(o) for o in outcomes] == [Unavailable, Unavailable]
    assert sink.refused == [f"writer {writer}: seq 2 is not stored with the hash seq 3 links to"]
    assert [e["user"] for e in events] == ["first", "fourth"]
    assert [e["seq"] for e in events] == [1, 2]
    assert [e["prev_hash"] for e in events[1:]] == [e["hash"] for e in events[:-1]]
    assert [e["hash"] for e in events] == [_expected_hash(e) for e in events]


async def test_a_batch_that_overtakes_the_one_before_it_is_stored_after_it(
    graph: Driver, settings: Settings
) -> None:
    sink, writer, outcomes = await _pipelined(settings, lost=False)
    events = audit_events(graph)
    assert outcomes == [None, None]
    # the third reached the store first: refused, then sent again once the second committed
    assert sink.refused == [f"writer {writer}: seq 2 is not stored with the hash seq 3 links to"]
    assert [e["user"] for e in events] == ["first", "second", "third", "fourth"]
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert [e["prev_hash"] for e in events[1:]] == [e["hash"] for e in events[:-1]]


async def test_a_linked_batch_commits_only_after_the_record_it_links_to(
    graph: Driver, settings: Settings
) -> None:
    driver = open_async_driver(settings)
    store = AuditStore(driver, "neo4j")
    first = {"writer": "w-lock", "seq": 1, "prev_hash": GENESIS, "hash": "1" * 64, "record": "{}"}
    second = {"writer": "w-lock", "seq": 2, "prev_hash": "1" * 64, "hash": "2" * 64, "record": "{}"}
    try:
        async with driver.session(database="neo4j") as session:
            tx = await session.begin_transaction()
            await (await tx.run("CREATE (a:AuditEvent) SET a = $e", e=first)).consume()
            linked = asyncio.create_task(store.append([second], [], (1, "1" * 64)))
            # the behaviour under test: half a second later it still waits for the lock
            await asyncio.sleep(0.5)
            waited = not linked.done()
            await tx.commit()
        await asyncio.wait_for(linked, 5)
    finally:
        await driver.close()
    assert waited
    assert [(e["seq"], e["hash"]) for e in audit_events(graph)] == [(1, "1" * 64), (2, "2" * 64)]


class _Slow:
    """The real store, with every batch held until ``release`` is set; notes each batch's size
    and whether another batch was still on its way when it was first sent. ``arrived(n)`` waits
    until the n-th batch of records reaches the sink."""

    def __init__(self, store: AuditStore) -> None:
        self._store = store
        self._open = 0
        self.sent: list[tuple[int, bool]] = []
        self._seen: set[int] = set()
        self.release = asyncio.Event()
        self._arrival = asyncio.Condition()

    async def arrived(self, count: int) -> None:
        async with self._arrival:
            await asyncio.wait_for(self._arrival.wait_for(lambda: len(self.sent) >= count), 30)

    async def append(
        self,
        events: Sequence[dict[str, Any]],
        checkpoints: Sequence[dict[str, Any]],
        after: tuple[int, str] | None = None,
    ) -> None:
        # Counted open before anything awaits: a batch sent while this one waits for the lock
        # below must see it as on its way.
        on_its_way = self._open > 0
        self._open += 1
        # A batch that overtook the one it links to is sent again (BrokenLink): noted once.
        if events and events[0]["seq"] not in self._seen:
            self._seen.add(events[0]["seq"])
            self.sent.append((len(events), on_its_way))
            async with self._arrival:
                self._arrival.notify_all()
        try:
            await self.release.wait()
            await self._store.append(events, checkpoints, after)
        finally:
            self._open -= 1

    async def head(self, writer: str) -> tuple[int, str] | None:
        return await self._store.head(writer)


@pytest.mark.parametrize(
    ("following", "expected"), [(3, [(1, False), (3, False)]), (4, [(1, False), (4, True)])]
)
async def test_a_batch_goes_beside_one_in_flight_only_when_it_holds_enough_records(
    graph: Driver, settings: Settings, following: int, expected: list[tuple[int, bool]]
) -> None:
    driver = open_async_driver(settings)
    sink = _Slow(AuditStore(driver, "neo4j"))
    signer = load_audit_signer(settings.keys_dir, create=True)
    log = AuditLog(sink, signer, in_flight=4, pipeline_min=4)
    now = datetime.now(UTC)
    try:
        first = asyncio.create_task(log.write(record(now, user="first")))
        await sink.arrived(1)  # the first batch is on its way, held at the store
        later = [
            asyncio.create_task(log.write(record(now, user=f"later-{i}"))) for i in range(following)
        ]
        # One turn of the event loop, not a wait: each write() queues its record before its
        # first await, so every later record is queued once the tasks have had their first step.
        await asyncio.sleep(0)
        if expected[-1][1]:
            await sink.arrived(2)  # enough records: a batch went beside the held one
        sink.release.set()
        await asyncio.gather(first, *later)
    finally:
        await log.close()
        await driver.close()
    assert sink.sent == expected
    assert [e["seq"] for e in audit_events(graph)] == list(range(1, following + 2))
