"""A unit's daily allowance of subjects, shared by every hub process (``hub.policy.quota``)."""

from __future__ import annotations

from typing import LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction

# Take $want subjects of today's allowance, all or none: returns whether they were granted and
# the count used after. ``SET q.taking`` write-locks the counter before ``q.used`` is read, so
# concurrent requests (any process) queue on the lock and none reads a stale count (Neo4j
# Operations Manual, "Concurrent data access: lost updates in Cypher").
RESERVE: LiteralString = """
MERGE (q:DailyQuota {unit: $unit, day: $day})
ON CREATE SET q.used = 0
SET q.taking = true
WITH q, q.used + $want <= $limit AS granted
SET q.used = CASE WHEN granted THEN q.used + $want ELSE q.used END
REMOVE q.taking
RETURN granted, q.used AS used
"""


async def reserve(
    driver: AsyncDriver, database: str, unit: str, day: str, want: int, limit: int
) -> tuple[bool, int]:
    async def work(tx: AsyncManagedTransaction) -> tuple[bool, int]:
        result = await tx.run(RESERVE, unit=unit, day=day, want=want, limit=limit)
        record = await result.single()
        assert record is not None
        return bool(record["granted"]), int(record["used"])

    async with driver.session(database=database) as session:
        granted: tuple[bool, int] = await session.execute_write(work)
    return granted
