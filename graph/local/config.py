"""How the local Neo4j is sized and where its cache is: read by ``hub.settings`` from the
environment (``CREDIT_HUB_NEO4J_HEAP``, ``_PAGECACHE``, ``_JAVA_OPTS``, ``_CDS``,
``CREDIT_HUB_CACHE``, ``JAVA_HOME``) and passed in; the defaults are an unset environment's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_HEAP = "512m"
DEFAULT_PAGECACHE = "64m"


@dataclass(frozen=True)
class LocalNeo4jConfig:
    """Sizes are checked when the JVM starts (``graph.local.jvm``), not when they are read."""

    cache: Path | None = None
    """The cache of jars, compiled launcher and class-data archives; None: ~/.cache/credit-hub."""
    heap: str = DEFAULT_HEAP
    """The maximum heap, e.g. ``512m`` or ``1g``."""
    page_cache: str = DEFAULT_PAGECACHE
    """The page cache, same syntax: a bench graph of a million enterprises wants gigabytes."""
    java_opts: str = ""
    """Extra JVM flags (shell words), appended last."""
    class_data_sharing: bool = True
    """Whether the JVM maps (or writes) a class-data-sharing archive (~1 s faster starts)."""
    java_home: Path | None = None
    """Which Java 17+ to use; None: ``java`` on ``PATH``."""


DEFAULT_CONFIG = LocalNeo4jConfig()
