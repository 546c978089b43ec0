"""How the fixtures work.

* One real Neo4j 5.26 for the whole test session: ``neo4j_uri`` starts it with
  ``graph.local_neo4j.start`` on its own port (``CREDIT_HUB_TEST_NEO4J_PORT``, default 7697) and
  data dir (``.local/test-neo4j-<port>``), migrates it once, and stops it at the end. Never a mock.
  It requires authentication: ``neo4j_auth`` is its user and generated password.
* ``graph`` is a synchronous driver to it; every test that asks for ``graph`` (directly or
  through another fixture) starts from an empty graph: all nodes are deleted before the test,
  constraints and indexes stay.
* ``settings`` points the hub at the test instance, with its own data dir (keys) under the
  pytest tmp dir, so tests never touch the developer's ``.local``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver, GraphDatabase

from graph import local_neo4j
from graph.model import migrate
from hub.settings import Settings
from tests.audittest import Cli

ROOT = Path(__file__).resolve().parent.parent
TEST_PORT = int(os.environ.get("CREDIT_HUB_TEST_NEO4J_PORT", "7697"))
TEST_DATA_DIR = ROOT / ".local" / f"test-neo4j-{TEST_PORT}"


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    local_neo4j.stop(TEST_DATA_DIR)
    shutil.rmtree(TEST_DATA_DIR, ignore_errors=True)
    uri = local_neo4j.start(TEST_DATA_DIR, port=TEST_PORT)
    with GraphDatabase.driver(uri, auth=local_neo4j.credentials(TEST_DATA_DIR)) as driver:
        migrate(driver, "neo4j")
    yield uri
    local_neo4j.stop(TEST_DATA_DIR)


@pytest.fixture(scope="session")
def neo4j_auth(neo4j_uri: str) -> tuple[str, str]:
    """The test instance's ``(user, password)``."""
    return local_neo4j.credentials(TEST_DATA_DIR)


@pytest.fixture(scope="session")
def _session_driver(neo4j_uri: str, neo4j_auth: tuple[str, str]) -> Iterator[Driver]:
    with GraphDatabase.driver(neo4j_uri, auth=neo4j_auth) as driver:
        yield driver


@pytest.fixture
def graph(_session_driver: Driver) -> Driver:
    """A driver to an empty graph (constraints kept)."""
    _session_driver.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    return _session_driver


@pytest.fixture
def settings(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.getbasetemp() / "hub-data"
    return Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": neo4j_uri,
            "CREDIT_HUB_NEO4J_PASSWORD_FILE": str(local_neo4j.password_file(TEST_DATA_DIR)),
            "CREDIT_HUB_DATA_DIR": str(data_dir),
        }
    )


@pytest.fixture
def cli(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Cli:
    """The command line, in-process, with the test settings (see tests/audittest.py)."""
    return Cli(settings, monkeypatch, capsys)
