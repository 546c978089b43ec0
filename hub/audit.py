"""The audit log: one record per operation, durable before the answer leaves (fail-closed).

Records from concurrent requests are written together (group commit): a request's record is
queued, a single writer task commits whatever is queued in one transaction, and each request
waits for the commit that holds its record. If the write fails, every waiting request gets
``Unavailable`` and the caller gets no data.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from hub.errors import Unavailable

log = logging.getLogger("credit_hub.audit")
MAX_BATCH = 512
WRITE_TIMEOUT_SECONDS = 5.0


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
    writer: str = ""
    seq: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_properties(self) -> dict[str, Any]:
        """Flat properties for the store (no nested maps)."""
        props = asdict(self)
        extra = props.pop("extra")
        props.update({f"x_{k}": v for k, v in extra.items()})
        return {k: v for k, v in props.items() if v is not None}


class AuditSink(Protocol):
    async def append(self, events: list[dict[str, Any]]) -> None: ...


class AuditLog:
    """Group-committing writer; one per process (``writer`` id), numbering its records."""

    def __init__(self, sink: AuditSink) -> None:
        self._sink = sink
        self.writer = uuid.uuid4().hex[:16]
        self._seq = 0
        self._queue: asyncio.Queue[tuple[AuditRecord, asyncio.Future[None]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def write(self, record: AuditRecord) -> None:
        """Returns once the record is durable; raises ``Unavailable`` if it can not be."""
        self.start()
        self._seq += 1
        record.writer, record.seq = self.writer, self._seq
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((record, done))
        await done

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < MAX_BATCH:
                batch.append(self._queue.get_nowait())
            await self._commit(batch)

    async def _commit(self, batch: list[tuple[AuditRecord, asyncio.Future[None]]]) -> None:
        try:
            await asyncio.wait_for(
                self._sink.append([record.as_properties() for record, _ in batch]),
                WRITE_TIMEOUT_SECONDS,
            )
        except Exception as exc:
            log.error("audit write failed for %d record(s): %r", len(batch), exc)
            for _, done in batch:
                if not done.done():
                    done.set_exception(Unavailable("the audit log is unavailable; no data"))
            return
        for _, done in batch:
            if not done.done():
                done.set_result(None)
