"""Projected nodes: the maps the one Cypher query returns, as the schema's resolvers read them.

A field the caller may not see is not in the map (it was never read from the graph); reading
it raises ``Forbidden``, so GraphQL answers null with a FORBIDDEN error at that path. This is
the one place field-level denial happens, for every field of every type.
"""

from __future__ import annotations

from typing import Any

from hub.errors import Forbidden


class Node(dict[str, Any]):
    __slots__ = ()

    def __missing__(self, key: str) -> Any:
        raise Forbidden("this field is not available for your role and purpose")


def read_field(source: Any, name: str) -> Any:
    """The schema's default resolver: a projected map's key, or an attribute."""
    if isinstance(source, dict):
        return source[name]
    return getattr(source, name)
