"""A unit's daily request allowance, shared by every hub process (``hub.quota``)."""

from __future__ import annotations

from typing import LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction

# Reserve up to $want requests of today's allowance; returns how many were granted (0..want).
RESERVE: LiteralString = """
MERGE (q:DailyQuota {unit: $unit, day: $day})
ON CREATE SET q.used = 0
WITH q, CASE WHEN q.used + $want <= $limit THEN $want
             WHEN q.used < $limit THEN $limit - q.used ELSE 0 END AS granted
SET q.used = q.used + granted
RETURN granted
"""


async def reserve(
    driver: AsyncDriver, database: str, unit: str, day: str, want: int, limit: int
) -> int:
    async def work(tx: AsyncManagedTransaction) -> int:
        result = await tx.run(RESERVE, unit=unit, day=day, want=want, limit=limit)
        record = await result.single()
        return 0 if record is None else int(record["granted"])

    async with driver.session(database=database) as session:
        granted: int = await session.execute_write(work)
    return granted
