"""The local Neo4j 5.26 LTS Community that ``credit-hub neo4j start|stop|status`` runs.

Lives here: jars (Maven), launcher (javac, class-data sharing), jvm (flags), process (start, stop,
status), credentials (password file, registry). Imports only the neo4j driver and the stdlib.

No Docker and no neo4j.com download: Maven fetches ``org.neo4j:neo4j`` and its runtime jars from
Maven Central (``graph/launcher/pom.xml``) into a cache outside the git tree, ``javac`` compiles
the small embedded launcher (``graph/launcher/LocalNeo4j.java``) against them, and a detached JVM
serves Bolt on 127.0.0.1 with authentication: the user ``neo4j`` has a password generated at the
first start and kept in ``<data_dir>/neo4j/neo4j.password`` (mode 0600; later starts reuse it).

| path | what |
|---|---|
| ``<cache>/neo4j-<version>/lib`` | the jars (default cache: ``~/.cache/credit-hub``) |
| ``<cache>/neo4j-<version>/classes`` | the compiled launcher and ``local-neo4j.jar`` |
| ``<cache>/neo4j-<version>/cds`` | a class-data-sharing archive (~1 s faster starts) |
| ``<cache>/instances/<port>`` | which home serves that port (for ``credentials_for``) |
| ``<data_dir>/neo4j`` | the DBMS home: ``data/``, ``logs/``, ``neo4j.{pid,port,log}`` |
| ``<data_dir>/neo4j/neo4j.password`` | the password of the user ``neo4j`` (0600) |

Sizes, cache and Java come in a ``LocalNeo4jConfig`` (``graph.local.config``), which
``hub.settings`` reads from ``CREDIT_HUB_NEO4J_HEAP`` (default ``512m``),
``CREDIT_HUB_NEO4J_PAGECACHE`` (default ``64m``), ``CREDIT_HUB_NEO4J_JAVA_OPTS`` (extra JVM flags,
appended last), ``CREDIT_HUB_NEO4J_CDS=0`` (no class-data sharing), ``CREDIT_HUB_CACHE`` and
``JAVA_HOME`` (which Java 17+ to use; else ``java`` on ``PATH``).
"""

from __future__ import annotations

from graph.local.config import DEFAULT_CONFIG, LocalNeo4jConfig
from graph.local.credentials import USER, credentials, credentials_for, password_file
from graph.local.errors import LocalNeo4jError
from graph.local.files import HOST, PID_FILE, PORT_FILE
from graph.local.jars import cache_dir, cache_root, ensure_jars, neo4j_version
from graph.local.launcher import MAIN_CLASS
from graph.local.process import DEFAULT_PORT, LocalNeo4jStatus, free_port, start, status, stop

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_PORT",
    "HOST",
    "MAIN_CLASS",
    "PID_FILE",
    "PORT_FILE",
    "USER",
    "LocalNeo4jConfig",
    "LocalNeo4jError",
    "LocalNeo4jStatus",
    "cache_dir",
    "cache_root",
    "credentials",
    "credentials_for",
    "ensure_jars",
    "free_port",
    "neo4j_version",
    "password_file",
    "start",
    "status",
    "stop",
]
