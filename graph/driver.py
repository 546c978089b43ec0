"""Opening drivers: the only place that knows how to reach Neo4j.

It takes what it needs as a small protocol (``Neo4jAccess``: URI, user, password, data dir), so
the graph layer knows nothing of the hub's settings; ``hub.settings.Settings`` is one such access.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from neo4j import AsyncDriver, AsyncGraphDatabase, Driver, GraphDatabase

from graph.local import credentials_for
from graph.local.config import LocalNeo4jConfig


class Password(Protocol):
    """A password that does not print (``hub.settings.Secret``): its ``value`` is the text."""

    @property
    def value(self) -> str: ...


class Neo4jAccess(Protocol):
    """How to reach Neo4j: the default URI, the credentials, and the data dir where a local
    instance keeps its generated password."""

    @property
    def neo4j_uri(self) -> str: ...

    @property
    def neo4j_user(self) -> str: ...

    @property
    def neo4j_password(self) -> Password: ...

    @property
    def data_dir(self) -> Path: ...

    @property
    def local_neo4j(self) -> LocalNeo4jConfig: ...


def auth_for(access: Neo4jAccess, uri: str) -> tuple[str, str] | None:
    """The credentials given, else those of the local Neo4j serving ``uri`` (its generated
    password, 0600 under its data dir), else none (and Neo4j refuses)."""
    if access.neo4j_password.value:
        return (access.neo4j_user, access.neo4j_password.value)
    return credentials_for(uri, access.data_dir, access.local_neo4j)


def open_driver(access: Neo4jAccess, uri: str | None = None) -> Driver:
    """A synchronous driver, for the command line (migrate, seed, import)."""
    target = uri or access.neo4j_uri
    return GraphDatabase.driver(
        target, auth=auth_for(access, target), notifications_min_severity="OFF"
    )


def open_async_driver(access: Neo4jAccess, uri: str | None = None) -> AsyncDriver:
    """The async driver the hub serves with; a ``neo4j://`` URI routes reads to followers."""
    target = uri or access.neo4j_uri
    return AsyncGraphDatabase.driver(
        target,
        auth=auth_for(access, target),
        max_connection_pool_size=64,
        connection_acquisition_timeout=5.0,
        notifications_min_severity="OFF",
    )
