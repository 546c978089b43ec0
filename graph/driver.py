"""Opening drivers from settings: the only place that knows how to reach Neo4j."""

from __future__ import annotations

from neo4j import AsyncDriver, AsyncGraphDatabase, Driver, GraphDatabase

from hub.settings import Settings


def _auth(settings: Settings) -> tuple[str, str] | None:
    if not settings.neo4j_user:
        return None
    return (settings.neo4j_user, settings.neo4j_password.value)


def open_driver(settings: Settings, uri: str | None = None) -> Driver:
    """A synchronous driver, for the command line (migrate, seed, import)."""
    return GraphDatabase.driver(
        uri or settings.neo4j_uri, auth=_auth(settings), notifications_min_severity="OFF"
    )


def open_async_driver(settings: Settings, uri: str | None = None) -> AsyncDriver:
    """The async driver the hub serves with; a ``neo4j://`` URI routes reads to followers."""
    return AsyncGraphDatabase.driver(
        uri or settings.neo4j_uri,
        auth=_auth(settings),
        max_connection_pool_size=64,
        connection_acquisition_timeout=5.0,
        notifications_min_severity="OFF",
    )
