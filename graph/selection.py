"""What a GraphQL selection asks of the graph, after authorization: the input of the compiler.

The hub builds a ``Selection`` from the query (fragments, aliases and directives resolved) and
the caller's decisions; only allowed fields are in it, so a denied field is never even read
from Neo4j.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Selection:
    """The fields of one GraphQL object type that a query asks for (and may see)."""

    type_name: str
    fields: dict[str, Selection | None] = field(default_factory=dict)
    """GraphQL field name → the child selection (None for a leaf)."""

    def key(self) -> tuple[object, ...]:
        """A hashable shape of the selection (for caching its compiled Cypher)."""
        return (
            self.type_name,
            tuple(
                sorted(
                    (name, None if child is None else child.key())
                    for name, child in self.fields.items()
                )
            ),
        )

    def merge(self, name: str, child: Selection | None) -> None:
        """Two selections of one field (aliases, fragments) are fetched once, as their union."""
        if name not in self.fields or self.fields[name] is None:
            self.fields[name] = child
            return
        existing = self.fields[name]
        if existing is not None and child is not None:
            for child_name, grandchild in child.fields.items():
                existing.merge(child_name, grandchild)
