"""Opening drivers from settings: the only place that knows how to reach Neo4j."""

from __future__ import annotations

from neo4j import AsyncDriver, AsyncGraphDatabase, Driver, GraphDatabase

from graph.local_neo4j import credentials_for
from hub.settings import Settings


def auth_for(settings: Settings, uri: str) -> tuple[str, str] | None:
    """The credentials given, else those of the local Neo4j serving ``uri`` (its generated
    password, 0600 under its data dir), else none (and Neo4j refuses)."""
    if settings.neo4j_password.value:
        return (settings.neo4j_user, settings.neo4j_password.value)
    return credentials_for(uri, settings.data_dir)


def open_driver(settings: Settings, uri: str | None = None) -> Driver:
    """A synchronous driver, for the command line (migrate, seed, import)."""
    return GraphDatabase.driver(
        uri or settings.neo4j_uri,
        auth=auth_for(settings, uri or settings.neo4j_uri),
        notifications_min_severity="OFF",
    )


def open_async_driver(settings: Settings, uri: str | None = None) -> AsyncDriver:
    """The async driver the hub serves with; a ``neo4j://`` URI routes reads to followers."""
    return AsyncGraphDatabase.driver(
        uri or settings.neo4j_uri,
        auth=auth_for(settings, uri or settings.neo4j_uri),
        max_connection_pool_size=64,
        connection_acquisition_timeout=5.0,
        notifications_min_severity="OFF",
    )
