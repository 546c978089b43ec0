"""The hub's only door to the credit graph for reads: counts its round trips per request.

Reads run as auto-commit queries (RUN and PULL pipelined: exactly one network round trip; a
managed transaction adds BEGIN and COMMIT), with ``READ`` access so a cluster routes them to
followers. Transient failures (a leader switch, a restarting follower) are retried a few times.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from neo4j import READ_ACCESS, AsyncDriver, Query
from neo4j.exceptions import DriverError, Neo4jError, SessionExpired, TransientError

from graph.errors import GraphUnavailable

RETRIES = 3
RETRY_PAUSE_SECONDS = 0.05
READ_TIMEOUT_SECONDS = 10.0


class GraphReader:
    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database
        self.round_trips = 0

    async def rows(self, query: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        for attempt in range(RETRIES):
            self.round_trips += 1
            try:
                return await self._once(query, parameters)
            except (TransientError, SessionExpired):
                if attempt == RETRIES - 1:
                    raise GraphUnavailable("the credit graph is unavailable") from None
                await asyncio.sleep(RETRY_PAUSE_SECONDS * (attempt + 1))
            except (DriverError, Neo4jError) as exc:
                raise GraphUnavailable("the credit graph is unavailable") from exc
        raise GraphUnavailable("the credit graph is unavailable")  # pragma: no cover

    async def _once(self, query: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        async with self._driver.session(
            database=self._database, default_access_mode=READ_ACCESS
        ) as session:
            result = await session.run(Query(query, timeout=READ_TIMEOUT_SECONDS), dict(parameters))
            return [record.data() async for record in result]
