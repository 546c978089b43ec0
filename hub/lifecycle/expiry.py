"""``credit-hub expire``: record the automatic exits of entries past their validity (R7c, R8c)
and the watch entries that follow black exits (R8).

Idempotent and safe to run from cron on several hosts at once: each entry's exit is a locked
step that re-checks the entry, so an exit another host recorded first is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import AsyncDriver

from graph import lifecycle_store as store
from hub.clock import Clock
from hub.lifecycle.service import LifecycleService
from hub.lifecycle.steps import Actor

SYSTEM = Actor(user="credit-hub expire", unit="PLATFORM")
PAGE = 500


@dataclass(frozen=True)
class ExpirySummary:
    due: int
    expired: int
    skipped: int

    def __str__(self) -> str:
        return f"{self.expired} entries expired, {self.skipped} already handled elsewhere"


async def expire_due(driver: AsyncDriver, database: str, clock: Clock) -> ExpirySummary:
    service = LifecycleService(driver, database, clock)
    due = expired = skipped = 0
    seen: set[str] = set()
    while True:
        async with driver.session(database=database) as session:
            result = await session.run(store.DUE_TO_EXPIRE, today=clock(), limit=PAGE)
            ids = [r["id"] async for r in result if r["id"] not in seen]
        if not ids:
            return ExpirySummary(due, expired, skipped)
        for entry_id in ids:
            seen.add(entry_id)
            due += 1
            if await service.expire_one(entry_id, SYSTEM):
                expired += 1
            else:
                skipped += 1
