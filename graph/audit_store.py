"""Where audit records are kept: ``:AuditEvent`` nodes, written in group commits.

Each hub process is one writer (``writer``, ``seq`` numbered from 1), so processes never
contend for a lock: their records are distinct nodes. The unique constraint on
(writer, seq) is created by ``credit-hub migrate``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction

WRITE_AUDIT_EVENTS = "UNWIND $events AS event CREATE (a:AuditEvent) SET a = event"


class AuditStore:
    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def append(self, events: Sequence[Mapping[str, Any]]) -> None:
        """Durable when it returns (the transaction committed); raises if not."""
        async with self._driver.session(database=self._database) as session:
            await session.execute_write(_write, list(events))


async def _write(tx: AsyncManagedTransaction, events: list[Mapping[str, Any]]) -> None:
    result = await tx.run(WRITE_AUDIT_EVENTS, events=events)
    await result.consume()
