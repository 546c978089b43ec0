"""How the fixtures work.

* One real Neo4j 5.26 for the whole test session: ``neo4j_uri`` starts it with
  ``graph.local.start`` on its own port (``CREDIT_HUB_TEST_NEO4J_PORT``, default 7697) and
  data dir (``.local/test-neo4j-<port>``), migrates it once, and stops it at the end. Never a mock.
  It requires authentication: ``neo4j_auth`` is its user and generated password.
* ``graph`` is a synchronous driver to it; every test that asks for ``graph`` (directly or
  through another fixture) starts from an empty graph: all nodes are deleted before the test,
  constraints and indexes stay.
* ``settings`` points the hub at the test instance, with its own data dir (keys) under the
  pytest tmp dir, so tests never touch the developer's ``.local``.
* ``city`` is the empty graph with ``tests/data/small_city.jsonl`` imported.
* ``browser`` / ``watched_page``: Debian's chromium under playwright (tests/support/browser.py);
  a watched page fails its test if a request left 127.0.0.1 or the console showed an error.
* ``client`` is the hub in-process over HTTP (``tests/support/hubtest.py``). By default it reads
  ``city``; a test module picks another graph or clock with ``pytest.mark.hub(...)``
  (see :func:`client`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from neo4j import Driver, GraphDatabase
from playwright.async_api import Browser

from graph import local as local_neo4j
from graph.catalogue import load_catalogue
from graph.model import migrate
from hub.importing.run import import_file
from hub.settings import Settings, local_neo4j_config
from tests.support.audittest import Cli
from tests.support.browser import Watched, launch_browser, watch
from tests.support.hubtest import DATA, HubClient, hub_client

ROOT = Path(__file__).resolve().parent.parent
TEST_PORT = int(os.environ.get("CREDIT_HUB_TEST_NEO4J_PORT", "7697"))
TEST_DATA_DIR = ROOT / ".local" / f"test-neo4j-{TEST_PORT}"


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    local_neo4j.stop(TEST_DATA_DIR, config=local_neo4j_config())
    shutil.rmtree(TEST_DATA_DIR, ignore_errors=True)
    uri = local_neo4j.start(TEST_DATA_DIR, port=TEST_PORT, config=local_neo4j_config())
    with GraphDatabase.driver(uri, auth=local_neo4j.credentials(TEST_DATA_DIR)) as driver:
        migrate(driver, "neo4j")
    yield uri
    local_neo4j.stop(TEST_DATA_DIR, config=local_neo4j_config())


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
    """The command line, in-process, with the test settings (see tests/support/audittest.py)."""
    return Cli(settings, monkeypatch, capsys)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's chromium under playwright, one for the session (tests/support/browser.py);
    skipped, saying why, where it is not installed."""
    async for launched in launch_browser():
        yield launched


@pytest.fixture
async def watched_page(browser: Browser) -> AsyncIterator[Watched]:
    """A fresh page that may reach 127.0.0.1 only; the test fails if a request tried to leave
    it or the page raised a console error."""
    async for watched in watch(browser):
        yield watched
        watched.assert_clean()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "hub(records=..., catalogue=False, clock=None): the graph and clock of the client fixture",
    )


@pytest.fixture
def city(graph: Driver, settings: Settings) -> Driver:
    """The empty graph with the small city (``tests/data/small_city.jsonl``) imported."""
    import_file(settings, DATA / "small_city.jsonl")
    return graph


Records = Callable[[], Iterable[dict[str, object]]]


@dataclass(frozen=True)
class HubOptions:
    """What ``pytest.mark.hub(...)`` asks of the ``client`` fixture.

    ``records``: the graph's content: ``"city"`` (the default: :func:`city`), ``None`` (the empty
    graph) or a function returning the import records of the module's own city. ``catalogue``:
    load the measures catalogue first. ``clock``: the hub's "today": a date function, or the name
    of a fixture giving one (a clock the test moves); None: the system day.
    """

    records: Records | str | None = "city"
    catalogue: bool = False
    clock: Callable[[], date] | str | None = None


@pytest.fixture
async def client(
    request: pytest.FixtureRequest, graph: Driver, settings: Settings, tmp_path: Path
) -> AsyncIterator[HubClient]:
    """The hub in-process over HTTP, on the graph and clock the module's ``pytest.mark.hub``
    names (:class:`HubOptions`; without the mark: the small city, the system day)."""
    marker = request.node.get_closest_marker("hub")
    options = HubOptions(**marker.kwargs) if marker is not None else HubOptions()
    if options.catalogue:
        load_catalogue(graph, "neo4j")
    if options.records == "city":
        request.getfixturevalue("city")
    elif callable(options.records):
        path = tmp_path / "city.jsonl"
        lines = (json.dumps(record, ensure_ascii=False) for record in options.records())
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        import_file(settings, path)
    clock = options.clock
    if isinstance(clock, str):
        clock = request.getfixturevalue(clock)
    async with hub_client(settings, clock) as hub:
        yield hub
