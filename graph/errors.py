"""The graph layer's own errors: what ``graph/`` raises, knowing nothing of the hub above it.

The hub translates them into its public hierarchy (``hub.errors``) where it calls the graph,
with ``raise ... from exc`` so the cause stays in the log: ``GraphUnavailable`` becomes
``UNAVAILABLE``, ``CatalogueError`` a ``ConfigurationError``. ``LocalNeo4jError`` only reaches
the command line, which prints its message.
"""

from __future__ import annotations


class GraphError(Exception):
    """Root of every error the graph layer raises on purpose; the message says what failed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GraphUnavailable(GraphError):
    """Neo4j could not answer (down, unreachable, or still failing after the retries)."""


class CatalogueError(GraphError):
    """The measures catalogue file is unreadable or breaks its format."""


class LocalNeo4jError(GraphError):
    """The local Neo4j cannot be fetched, started or stopped; the message says why."""


__all__ = ["CatalogueError", "GraphError", "GraphUnavailable", "LocalNeo4jError"]
