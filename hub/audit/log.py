"""The audit log: one record per operation, durable before the answer leaves (fail-closed),
hash-chained per writer and sealed by signed checkpoints (docs/audit.md).

Records from concurrent requests are written together (group commit): a request's record is
queued, a single writer task numbers and hashes whatever is queued (so the chain order is the
seq order) and sends it as one transaction, and each request waits for the commit that holds
its record. Up to ``in_flight`` batches are on their way at once (pipelined): the writer does
not wait for one commit before it sends the next batch, as long as that batch holds at least
``pipeline_min`` records (a commit costs the store about as much CPU for one record as for
ten, so single records wait for the commit in flight and go together). The store keeps the
chain gapless
itself: a batch commits only once the record it links to is stored with the hash it links to
(graph/audit/store.py), so a batch commits only after every batch before it.

If a write fails, every request in that batch gets ``Unavailable`` and no data (so do the
batches after it, whose link is then missing, unless the failed one landed after all). The
writer then lets every batch in flight finish, reads where its chain really ends in the store
and goes on from there.

Every ``checkpoint_records`` records or ``checkpoint_seconds`` seconds (whichever comes first),
and when the log closes, the writer signs a checkpoint (writer, size, head, time) and writes it
in the same transaction as the batch it seals (or alone, when the time comes with no traffic).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Protocol

from graph.audit.store import BrokenLink
from graph.audit.stored import stored
from hub.audit.chain import GENESIS, Chain
from hub.audit.signing import CHECKPOINT, AuditSigner
from hub.audit.variables import seal_operation_name
from hub.errors import Unavailable

log = logging.getLogger("credit_hub.audit")
MAX_BATCH = 512
WRITE_TIMEOUT_SECONDS = 5.0
CLOSE_TIMEOUT_SECONDS = 10.0
CHECKPOINT_RECORDS = 1000
CHECKPOINT_SECONDS = 60.0
IN_FLIGHT = 4  # batches sent and not yet committed, at most
PIPELINE_MIN = 4  # records a batch needs to be sent while another one is in flight


@dataclass
class AuditRecord:
    request_id: str
    at: str
    user: str | None
    unit: str | None
    roles: list[str]
    purpose: str | None
    client: str | None
    operation_name: str | None
    operations: list[str]
    query_hash: str | None
    subjects: list[str]
    masked: list[str]
    denied: list[str]
    decision: str
    error_codes: list[str]
    result_size: int
    duration_ms: float
    policy_version: str | None
    variables_digest: str | None = None
    variables: str | None = None
    writer: str = ""
    seq: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The client names its operation: personal data typed there is sealed (issue 12).
        self.operation_name = seal_operation_name(self.operation_name)

    def as_properties(self) -> dict[str, Any]:
        """Flat properties for the store (no nested maps; None left out)."""
        props = {name: getattr(self, name) for name in _STORED}
        props.update({f"x_{k}": v for k, v in self.extra.items()})
        return {k: v for k, v in props.items() if v is not None}


_STORED = tuple(f.name for f in fields(AuditRecord) if f.name != "extra")


def audit_time(moment: datetime | None = None) -> str:
    """The record's ``at``: UTC, ISO 8601, fixed width (microseconds), so it sorts as text."""
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


class AuditSink(Protocol):
    async def append(
        self,
        events: list[dict[str, Any]],
        checkpoints: list[dict[str, Any]],
        after: tuple[int, str] | None = None,
    ) -> None: ...

    async def head(self, writer: str) -> tuple[int, str] | None: ...


def checkpoint(signer: AuditSigner, chain: Chain, *, final: bool) -> dict[str, Any]:
    """A signed statement that ``chain.writer`` held ``chain.size`` records ending in ``head``."""
    body: dict[str, Any] = {
        "writer": chain.writer,
        "size": chain.size,
        "head": chain.head,
        "at": audit_time(),
        "final": final,
    }
    return signer.sign(CHECKPOINT, body)


Pending = tuple[AuditRecord, "asyncio.Future[None]"]


class AuditLog:
    """Group-committing, pipelining writer; one per process (``writer`` id), chaining its
    records."""

    def __init__(
        self,
        sink: AuditSink,
        signer: AuditSigner,
        *,
        checkpoint_records: int = CHECKPOINT_RECORDS,
        checkpoint_seconds: float = CHECKPOINT_SECONDS,
        in_flight: int = IN_FLIGHT,
        pipeline_min: int = PIPELINE_MIN,
    ) -> None:
        self._sink = sink
        self._signer = signer
        self._every = checkpoint_records
        self._seconds = checkpoint_seconds
        self._depth = max(1, in_flight)
        self._pipeline_min = pipeline_min
        self._arrived = asyncio.Event()
        self.writer = uuid.uuid4().hex[:16]
        self._chain = Chain(self.writer)
        self._durable = 0  # the highest seq known committed
        self._sealed = 0  # size of the last durable checkpoint
        self._signed = 0  # size of the last checkpoint sent (durable or in flight)
        self._final_sealed = False
        self._unsealed_since: float | None = None  # when the first unsealed record committed
        self._synced = True  # False after a failed commit: the stored head is unknown
        self._queue: asyncio.Queue[Pending | None] = asyncio.Queue()
        self._getter: asyncio.Task[Pending | None] | None = None
        self._writes: set[asyncio.Task[bool]] = set()
        self._last_write: asyncio.Task[bool] | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def size(self) -> int:
        """Records committed by this writer so far."""
        return self._durable

    def start(self) -> None:
        if self._closed:
            return
        if self._task is not None and self._task.done():
            log.error("audit writer %s task ended unexpectedly; restarting it", self.writer)
            self._task, self._getter, self._synced = None, None, False
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def write(self, record: AuditRecord) -> None:
        """Returns once the record is durable; raises ``Unavailable`` if it can not be."""
        if self._closed:
            raise Unavailable("the audit log is closed; no data")
        self.start()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((record, done))
        self._arrived.set()
        await done

    async def close(self) -> None:
        """Commit what is queued, seal the chain with a final checkpoint, stop the writer."""
        self._closed = True
        if self._task is None:
            return
        self._queue.put_nowait(None)
        try:
            await asyncio.wait_for(asyncio.shield(self._task), CLOSE_TIMEOUT_SECONDS)
        except TimeoutError:
            log.error("audit writer %s did not close in time", self.writer)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        finally:
            self._task = None
            self._fail_queued()

    async def _run(self) -> None:
        try:
            while True:
                due, first = await self._next()
                if due:
                    await self._settle()
                    await self._seal(final=False)
                    continue
                if first is None:
                    break
                await self._ready()  # what queues up meanwhile joins this batch
                batch, closing = self._drain(first)
                await self._launch(batch)
                if closing:
                    break
            await self._settle()
            await self._seal(final=True)
        finally:
            if self._getter is not None:
                self._getter.cancel()
                self._getter = None
            for write in list(self._writes):
                write.cancel()

    async def _next(self) -> tuple[bool, Pending | None]:
        """(True, None) when a time-based checkpoint is due first, else (False, next item);
        the item None means: close."""
        if self._getter is None:
            self._getter = asyncio.get_running_loop().create_task(self._queue.get())
        while not self._getter.done():
            # a commit may start the checkpoint clock: wake for those too
            waiting = {self._getter, *self._writes}
            timeout = self._until_checkpoint()
            done, _ = await asyncio.wait(
                waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if not done:
                return True, None
        item = self._getter.result()
        self._getter = None
        return False, item

    def _drain(self, first: Pending) -> tuple[list[Pending], bool]:
        batch = [first]
        while not self._queue.empty() and len(batch) < MAX_BATCH:
            item = self._queue.get_nowait()
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def _may_send(self) -> bool:
        """Nothing in flight; or a slot free and enough queued to be worth a transaction of
        its own (a commit costs the store ~0.5 ms of CPU however small the batch)."""
        if not self._writes:
            return True
        queued = self._queue.qsize() + 1  # and the one taken already
        return len(self._writes) < self._depth and queued >= self._pipeline_min

    async def _ready(self) -> None:
        """Waits until a batch may be sent; wakes on every commit and every new record."""
        while not self._may_send():
            self._arrived.clear()
            arrival = asyncio.get_running_loop().create_task(self._arrived.wait())
            try:
                await asyncio.wait({arrival, *self._writes}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                arrival.cancel()

    async def _settle(self) -> None:
        """Every batch in flight committed or failed."""
        if self._writes:
            await asyncio.wait(self._writes)

    def _until_checkpoint(self) -> float | None:
        if self._unsealed_since is None:
            return None
        return max(0.0, self._unsealed_since + self._seconds - time.monotonic())

    def _checkpoint_due(self) -> bool:
        unsealed = self._chain.size - self._signed
        if unsealed <= 0:
            return False
        if unsealed >= self._every:
            return True
        since = self._unsealed_since
        return since is not None and time.monotonic() - since >= self._seconds

    async def _sync(self) -> None:
        """After a failed commit (and once nothing is in flight): continue the chain from what
        the store really holds."""
        if self._synced:
            return
        head = await asyncio.wait_for(self._sink.head(self.writer), WRITE_TIMEOUT_SECONDS)
        if head is not None and head[0] != self._chain.size:
            log.warning("audit writer %s resumes at seq %d", self.writer, head[0])
        self._chain.reset(head or (0, GENESIS))
        self._durable = self._chain.size
        self._signed = self._sealed
        self._synced = True

    async def _launch(self, batch: list[Pending]) -> None:
        """Number, hash and send the batch; its requests are answered when it commits."""
        try:
            if not self._synced:
                await self._settle()
                await self._sync()
        except Exception as exc:  # noqa: BLE001 - any failure means: no record, no data
            log.error("audit writer %s can not resume: %r", self.writer, exc)
            _fail(batch, "the audit log is unavailable; no data")
            return
        after = self._chain.mark()
        events = [self._stored(record) for record, _ in batch]
        checkpoints = []
        if self._checkpoint_due():
            checkpoints.append(checkpoint(self._signer, self._chain, final=False))
            self._signed = self._chain.size
        write = asyncio.get_running_loop().create_task(
            self._write(batch, events, checkpoints, after, self._last_write)
        )
        self._last_write = write
        self._writes.add(write)
        write.add_done_callback(self._writes.discard)

    def _stored(self, record: AuditRecord) -> dict[str, Any]:
        """The record numbered, linked and in its stored form (graph/audit/stored.py)."""
        properties = record.as_properties()
        return stored(properties, self._chain.link(properties))

    async def _write(
        self,
        batch: list[Pending],
        events: list[dict[str, Any]],
        checkpoints: list[dict[str, Any]],
        after: tuple[int, str],
        previous: asyncio.Task[bool] | None,
    ) -> bool:
        """True once the batch committed; False (its requests refused) if it can not."""
        try:
            await asyncio.wait_for(
                self._append(events, checkpoints, after, previous), WRITE_TIMEOUT_SECONDS
            )
        except asyncio.CancelledError:
            _fail(batch, "the audit log is closed; no data")
            raise
        except Exception as exc:  # noqa: BLE001 - any failure means: no record, no data
            log.error("audit write failed for %d record(s): %r", len(batch), exc)
            self._synced = False
            _fail(batch, "the audit log is unavailable; no data")
            return False
        for (record, done), event in zip(batch, events, strict=True):
            record.writer, record.seq = event["writer"], event["seq"]
            if not done.done():
                done.set_result(None)
        self._committed(int(events[-1]["seq"]), sealed=bool(checkpoints))
        return True

    async def _append(
        self,
        events: list[dict[str, Any]],
        checkpoints: list[dict[str, Any]],
        after: tuple[int, str],
        previous: asyncio.Task[bool] | None,
    ) -> None:
        """The store refuses a batch whose link is not stored yet. The previous batch, sent
        first, normally holds the lock on that record already; if this one overtook it on the
        way, it is sent again once the previous one committed."""
        try:
            await self._sink.append(events, checkpoints, after)
        except BrokenLink:
            if previous is None or not await asyncio.shield(previous):
                raise
            await self._sink.append(events, checkpoints, after)

    def _committed(self, last: int, *, sealed: bool) -> None:
        self._durable = max(self._durable, last)
        if sealed and last > self._sealed:
            self._sealed = last
            self._unsealed_since = None
        elif self._unsealed_since is None and self._durable > self._sealed:
            self._unsealed_since = time.monotonic()

    async def _seal(self, *, final: bool) -> None:
        """A checkpoint on its own (nothing in flight): the time has come (or the log closes)
        with no batch."""
        try:
            await self._sync()
            if self._chain.size == 0 or (self._chain.size == self._sealed and not final):
                self._unsealed_since = None
                return
            if final and self._final_sealed and self._chain.size == self._sealed:
                return
            statement = checkpoint(self._signer, self._chain, final=final)
            await asyncio.wait_for(self._sink.append([], [statement]), WRITE_TIMEOUT_SECONDS)
        except Exception as exc:  # noqa: BLE001 - retried at the next occasion
            log.error("audit checkpoint for writer %s failed: %r", self.writer, exc)
            if self._unsealed_since is not None:
                self._unsealed_since = time.monotonic()  # try again in checkpoint_seconds
            return
        self._final_sealed = final
        self._signed = self._chain.size
        self._committed(self._chain.size, sealed=True)

    def _fail_queued(self) -> None:
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is not None and not item[1].done():
                item[1].set_exception(Unavailable("the audit log is closed; no data"))


def _fail(batch: list[Pending], message: str) -> None:
    for _, done in batch:
        if not done.done():
            done.set_exception(Unavailable(message))
