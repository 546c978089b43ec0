"""The errors of the local Neo4j: it cannot be fetched, started or stopped (the message says why).

``LocalNeo4jError`` is the graph layer's own (``graph.errors``): ``graph/`` imports nothing
above it, and the command line reports it like any hub error (``hub.cli.main``).
"""

from __future__ import annotations

from graph.errors import LocalNeo4jError


class ExitedWhileStarting(LocalNeo4jError):
    """The JVM died before it answered (its log says why)."""


__all__ = ["ExitedWhileStarting", "LocalNeo4jError"]
