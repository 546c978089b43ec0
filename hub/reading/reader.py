"""The hub's reader of the credit graph: ``graph.reader.GraphReader`` with the hub's errors.

The graph layer raises its own ``GraphUnavailable``; here, at the boundary, it becomes the
public ``Unavailable`` (``UNAVAILABLE``, no data), the graph's error kept as its cause.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.errors import GraphUnavailable
from graph.reader import GraphReader
from hub.errors import Unavailable


class HubReader(GraphReader):
    """What the request desks read through (the endpoint opens one per request and database)."""

    async def rows(self, query: str, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        try:
            return await super().rows(query, parameters)
        except GraphUnavailable as exc:
            raise Unavailable(exc.message) from exc
