"""Projected nodes: the maps the one Cypher query returns, as the schema's resolvers read them.

A field the caller may not see is not in the map (it was never read from the graph); reading
it raises ``Forbidden``, so GraphQL answers null with a FORBIDDEN error at that path. This is
the one place field-level denial happens, for every field of every type.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar, cast

from hub.errors import Forbidden, HubError

T = TypeVar("T")


class Node(dict[str, Any]):
    __slots__ = ()

    def __missing__(self, key: str) -> Any:
        raise Forbidden("this field is not available for your role and purpose")


def read_field(source: Any, name: str) -> Any:
    """The schema's default resolver: a projected map's key, or an attribute."""
    if isinstance(source, dict):
        return source[name]
    return getattr(source, name)


class Projected(Generic[T]):
    """Projected maps answered as the strawberry type ``T`` a resolver declares.

    The one place a ``Node`` is declared to be its GraphQL type, and why that holds: strawberry
    reads every field of ``T`` from the map through ``read_field`` (the schema's default
    resolver, so a denied field raises FORBIDDEN), and a union picks its member by the map's
    ``__typename`` (the types' ``is_type_of``). ``T`` may be a union: ``Projected[StepResult]``.
    """

    @classmethod
    def one(cls, node: Node) -> T:
        return cast(T, node)

    @classmethod
    def maybe(cls, node: Node | None) -> T | None:
        return None if node is None else cast(T, node)

    @classmethod
    def each(cls, nodes: Iterable[Node]) -> list[T]:
        return cast(list[T], list(nodes))

    @classmethod
    def answers(cls, items: Iterable[Node | HubError]) -> list[T | None]:
        """Items in order; an error in an item's place is GraphQL's null with that error."""
        return cast(list[T | None], list(items))
