"""The hub's only door to the credit graph for reads: counts its round trips per request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from neo4j import READ_ACCESS, AsyncDriver, AsyncManagedTransaction
from neo4j.exceptions import DriverError, Neo4jError

from hub.errors import Unavailable


class GraphReader:
    """Runs one read query per call, with ``routing=READ`` (followers in a cluster)."""

    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database
        self.round_trips = 0

    async def rows(self, query: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        self.round_trips += 1
        try:
            async with self._driver.session(
                database=self._database, default_access_mode=READ_ACCESS
            ) as session:
                return await session.execute_read(_fetch, query, parameters)
        except (DriverError, Neo4jError) as exc:
            raise Unavailable("the credit graph is unavailable") from exc


async def _fetch(
    tx: AsyncManagedTransaction, query: str, parameters: Mapping[str, Any]
) -> list[dict[str, Any]]:
    result = await tx.run(query, dict(parameters))
    return [record.data() async for record in result]
