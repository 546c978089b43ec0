"""Attack class 6, the network and deployment edges: the client address the audit records, the
methods that left no audit record, what one uvicorn process holds for a caller, and the local
Neo4j's authentication. In-process ASGI (``tests/support/hubtest.py``) and real ``credit-hub serve``
processes on loopback ports, against the real Neo4j.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import socket
import time
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError

from graph.driver import auth_for, open_driver
from graph.local import credentials_for
from hub.errors import ConfigurationError
from hub.settings import ServerLimits, Settings
from tests.support.fedtest import serve_hub
from tests.support.hubtest import HubClient, audit_events, hub_client, token

SPOOFED = "203.0.113.7"  # TEST-NET-3: a client address the caller made up


def hub_from(settings: Settings, peer: str) -> AbstractAsyncContextManager[HubClient]:
    """The hub in-process, reached from TCP peer ``peer``."""
    return hub_client(settings, peer=peer)


@pytest.fixture(scope="module", autouse=True)
def _warm_audit_store(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """One audited request first: on a cold Neo4j of a loaded 2-core machine the first audit
    write can exceed its 5 s budget (the hub then answers UNAVAILABLE, rightly)."""
    warm = Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": neo4j_uri,
            "CREDIT_HUB_DATA_DIR": str(tmp_path_factory.mktemp("warm-up")),
        }
    )

    async def ask() -> int:
        async with hub_from(warm, "127.0.0.1") as hub:
            return (await hub.post("{ __typename }")).status_code

    for _ in range(3):
        if asyncio.run(ask()) == 200:
            return


def _last_client(graph: Driver) -> Any:
    return audit_events(graph)[-1]["client"]


# --- the client address: X-Forwarded-For only from configured proxies -------------------------


@pytest.mark.parametrize(
    ("peer", "forwarded"),
    [
        ("198.51.100.20", SPOOFED),
        ("198.51.100.20", f"{SPOOFED}, 10.0.0.1"),
        ("127.0.0.1", SPOOFED),  # loopback is no proxy unless configured (uvicorn trusted it)
        ("::1", SPOOFED),
        ("198.51.100.20", "unknown"),
    ],
)
async def test_attack_class_6_a_forwarded_for_from_an_untrusted_peer_is_ignored(
    settings: Settings, graph: Driver, peer: str, forwarded: str
) -> None:
    """Attack class 6: an ``X-Forwarded-For`` from any peer was recorded as the client."""
    async with hub_from(settings, peer) as hub:
        result = await hub.ask("{ __typename }", headers={"X-Forwarded-For": forwarded})
    assert result == {"data": {"__typename": "Query"}}
    assert _last_client(graph) == peer


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        (SPOOFED, SPOOFED),
        # the proxy appends the peer it saw: the caller's own prefix is not believed
        (f"1.2.3.4, {SPOOFED}", SPOOFED),
        # a chain of trusted proxies: the rightmost hop that is not one of them
        (f"1.2.3.4, {SPOOFED}, 10.9.9.9, 192.0.2.1", SPOOFED),
    ],
)
async def test_attack_class_6_a_forwarded_for_from_a_trusted_proxy_names_the_client(
    settings: Settings, graph: Driver, forwarded: str, client: str
) -> None:
    """Attack class 6: behind configured proxies the client is the rightmost untrusted hop."""
    behind = dataclasses.replace(settings, trusted_proxies=("10.0.0.0/8", "192.0.2.1"))
    async with hub_from(behind, "10.1.2.3") as hub:
        await hub.ask("{ __typename }", headers={"X-Forwarded-For": forwarded})
    assert _last_client(graph) == client


@pytest.mark.parametrize("proxies", ["*", "proxy.example", "10.0.0.0/33", "10.0.0.1, nonsense"])
def test_attack_class_6_trusted_proxies_must_be_addresses(proxies: str) -> None:
    """Attack class 6: no wildcard, no names that silently match nothing."""
    with pytest.raises(ConfigurationError, match="CREDIT_HUB_TRUSTED_PROXIES"):
        Settings.from_env({"CREDIT_HUB_TRUSTED_PROXIES": proxies})


def test_trusted_proxies_default_to_none() -> None:
    assert Settings.from_env({}).trusted_proxies == ()
    parsed = Settings.from_env({"CREDIT_HUB_TRUSTED_PROXIES": " 10.0.0.0/8 ,::1 "})
    assert parsed.trusted_proxies == ("10.0.0.0/8", "::1")


# --- every method to the GraphQL endpoint is audited ------------------------------------------


@pytest.mark.parametrize("path", ["/graphql", "/graphql/"])
@pytest.mark.parametrize(
    "method", ["OPTIONS", "PUT", "DELETE", "PATCH", "HEAD", "GET", "TRACE", "PROPFIND"]
)
async def test_attack_class_6_every_method_leaves_an_audit_record(
    settings: Settings, graph: Driver, method: str, path: str
) -> None:
    """Attack class 6: OPTIONS, PUT, DELETE and PATCH were refused by the router with no audit
    record. Every request to the GraphQL endpoint is audited, a refused method included."""
    signed_in = {"Authorization": f"Bearer {token(settings, 'agency_analyst')}"}
    async with hub_from(settings, "198.51.100.20") as hub:
        response = await hub.http.request(
            method,
            path,
            headers={**signed_in, "X-Forwarded-For": SPOOFED},
            content=b'{"query": "{ __typename }"}',
        )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    events = audit_events(graph)
    assert len(events) == 1
    event = events[0]
    assert event["request_id"] == response.headers["x-request-id"]
    assert event["decision"] == "BAD_INPUT"
    assert event["error_codes"] == ["BAD_INPUT"]
    assert event["client"] == "198.51.100.20"
    assert event["x_method"] == method
    if method != "HEAD":
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"


async def test_a_post_is_still_answered_once_and_audited_once(
    settings: Settings, graph: Driver
) -> None:
    async with hub_from(settings, "198.51.100.20") as hub:
        result = await hub.ask("{ __typename }")
    assert result == {"data": {"__typename": "Query"}}
    events = audit_events(graph)
    assert [e["decision"] for e in events] == ["ALLOWED"]
    assert "x_method" not in events[0]


# --- what one uvicorn process holds: header size, half-open connections -----------------------


@contextmanager
def served(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, **limits: str
) -> Iterator[tuple[str, int]]:
    """``credit-hub serve`` on a free loopback port with these ``CREDIT_HUB_*`` limits."""
    for name, value in limits.items():
        monkeypatch.setenv(f"CREDIT_HUB_{name.upper()}", value)
    token(settings, "admin")  # the signing key exists before the hub reads it
    with serve_hub(settings) as hub:
        port = int(hub.url.rsplit(":", 1)[1].split("/", 1)[0])
        yield "127.0.0.1", port


def _refused(sock: socket.socket) -> bytes:
    """What the server answers before it closes: a status line, or b"" when it just closes."""
    try:
        return sock.recv(64)
    except ConnectionResetError:
        return b""


def test_attack_class_6_a_4mb_header_is_refused_quickly(
    settings: Settings, graph: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attack class 6: a 4 MB header was read in full and served (200). Now the request line
    and headers may take 16 KiB (CREDIT_HUB_MAX_HEADER_BYTES): beyond, 400/431 or closed."""
    with served(settings, monkeypatch) as address:
        for name, size in (("X-Big", 4 << 20), ("Cookie", 64 << 10), ("X-Just-Over", 16 << 10)):
            with socket.create_connection(address, timeout=10) as sock:
                started = time.monotonic()
                header = f"GET /healthz HTTP/1.1\r\nHost: hub\r\n{name}: ".encode()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    sock.sendall(header + b"a" * size + b"\r\n\r\n")  # may be cut off mid-send
                answer = _refused(sock)
                assert time.monotonic() - started < 2.0
                assert answer == b"" or answer.split()[1] in (b"400", b"431"), answer
        normal = httpx.get(f"http://{address[0]}:{address[1]}/healthz", timeout=5)
        assert normal.status_code == 200


def test_attack_class_6_half_open_connections_do_not_keep_a_request_out(
    settings: Settings, graph: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attack class 6: 300 half-open connections were held for ever. At most
    CREDIT_HUB_MAX_PENDING_CONNECTIONS wait for their headers (a new one evicts the oldest),
    each for CREDIT_HUB_HEADER_TIMEOUT_SECONDS, and a normal request is served meanwhile."""
    with served(settings, monkeypatch, max_pending_connections="32") as address:
        held = []
        try:
            for _ in range(300):
                sock = socket.create_connection(address, timeout=10)
                sock.sendall(b"POST /graphql HTTP/1.1\r\nHost: hub\r\n")  # never finished
                held.append(sock)
            started = time.monotonic()
            response = httpx.post(
                f"http://{address[0]}:{address[1]}/graphql",
                json={"query": "{ __typename }"},
                headers={"Authorization": f"Bearer {token(settings, 'agency_analyst')}"},
                timeout=10,
            )
            assert response.status_code == 200
            assert response.json() == {"data": {"__typename": "Query"}}
            assert time.monotonic() - started < 2.0
            # the evicted ones are closed by the server: each read ends, none hangs
            closed = sum(_closed_within(sock, 5.0) for sock in held[:268])
            assert closed == 268
        finally:
            for sock in held:
                sock.close()


def test_attack_class_6_a_slow_header_is_cut_off(
    settings: Settings, graph: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attack class 6: a connection that trickles its headers is closed at the deadline."""
    with (
        served(settings, monkeypatch, header_timeout_seconds="1") as address,
        socket.create_connection(address, timeout=10) as sock,
    ):
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: hub\r\n")
        started = time.monotonic()
        assert _closed_within(sock, 5.0)
        assert 0.5 < time.monotonic() - started < 4.0


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_the_server_limits_have_safe_defaults_and_are_settings() -> None:
    assert Settings.from_env({}).server == ServerLimits(
        max_header_bytes=16 * 1024,
        header_timeout_seconds=10.0,
        max_pending_connections=64,
        limit_concurrency=512,
        keep_alive_seconds=5,
        backlog=256,
    )
    tuned = Settings.from_env({"CREDIT_HUB_MAX_HEADER_BYTES": "8192", "CREDIT_HUB_BACKLOG": "64"})
    assert (tuned.server.max_header_bytes, tuned.server.backlog) == (8192, 64)
    with pytest.raises(ConfigurationError, match="CREDIT_HUB_LIMIT_CONCURRENCY"):
        Settings.from_env({"CREDIT_HUB_LIMIT_CONCURRENCY": "0"})


# --- the local Neo4j requires its generated password ----------------------------------------


def test_attack_class_6_the_hubs_neo4j_refuses_a_connection_without_credentials(
    neo4j_uri: str, graph: Driver
) -> None:
    """Attack class 6: the local Neo4j ran without authentication."""
    for auth in (None, ("neo4j", "neo4j")):
        with GraphDatabase.driver(neo4j_uri, auth=auth) as driver, pytest.raises(AuthError):
            driver.verify_connectivity()
    _log_in_rightly(neo4j_uri)


def _log_in_rightly(uri: str) -> None:
    """A right log-in resets Neo4j's count of failed ones (3 lock the user for 5 s)."""
    with GraphDatabase.driver(uri, auth=credentials_for(uri)) as driver:
        driver.verify_connectivity()


def test_every_client_of_the_local_neo4j_finds_its_password(
    settings: Settings, neo4j_uri: str, tmp_path: Path
) -> None:
    """A command with another data dir (a CLI, a bench, a served hub) reaches the local
    instance by its URI alone; a password given (or a Docker secret file) wins."""
    elsewhere = Settings.from_env(
        {"CREDIT_HUB_NEO4J_URI": neo4j_uri, "CREDIT_HUB_DATA_DIR": str(tmp_path)}
    )
    assert elsewhere.neo4j_password.value == ""
    assert auth_for(elsewhere, neo4j_uri) == auth_for(settings, neo4j_uri)
    with open_driver(elsewhere) as driver:
        driver.verify_connectivity()
    secret = tmp_path / "neo4j-password"
    secret.write_text("not-the-password\n")
    given = Settings.from_env(
        {"CREDIT_HUB_NEO4J_URI": neo4j_uri, "CREDIT_HUB_NEO4J_PASSWORD_FILE": str(secret)}
    )
    assert auth_for(given, neo4j_uri) == ("neo4j", "not-the-password")
    with open_driver(given) as driver, pytest.raises(AuthError):
        driver.verify_connectivity()
    _log_in_rightly(neo4j_uri)
    assert str(given.neo4j_password) == "********"  # never printed
    with pytest.raises(ConfigurationError, match="CREDIT_HUB_NEO4J_PASSWORD_FILE"):
        Settings.from_env({"CREDIT_HUB_NEO4J_PASSWORD_FILE": str(tmp_path / "missing")})
