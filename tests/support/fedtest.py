"""Helpers for the tests that run third-party JavaScript tooling (tests/federation/).

The tooling is installed by ``make install`` (``tests/federation/build.sh``). When Node.js or
the installed packages are missing these helpers fail the test, never skip it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from graph import local as local_neo4j
from hub.keys.signing import ensure_dev_signing_key
from hub.settings import Settings

FEDERATION = Path(__file__).resolve().parent.parent / "federation"
ROOT = FEDERATION.parent.parent
PACKAGES = (
    "@theguild/federation-composition",
    "@graphql-hive/gateway-runtime",
    "@graphql-mesh/transport-http",
    "graphql-http",
    "graphql",
)


def node() -> str:
    found = shutil.which("node")
    assert found, "Node.js >= 20 is required for the federation tests (see README.md)"
    for package in PACKAGES:
        assert (FEDERATION / "node_modules" / package / "package.json").is_file(), (
            f"{package} is not installed: run make install (tests/federation/build.sh)"
        )
    return found


def run_node(
    script: str, *args: str, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node(), str(FEDERATION / script), *args],
        cwd=FEDERATION,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Served:
    url: str  # http://127.0.0.1:PORT/graphql
    process: subprocess.Popen[str]


@contextmanager
def serve_hub(settings: Settings, timeout: float = 30) -> Iterator[Served]:
    """``credit-hub serve`` on a free port of 127.0.0.1, pointed at the settings' Neo4j."""
    port = local_neo4j.free_port()
    env = dict(os.environ)
    env["CREDIT_HUB_NEO4J_URI"] = settings.neo4j_uri
    env["CREDIT_HUB_DATA_DIR"] = str(settings.data_dir)
    command = [str(Path(sys.executable).parent / "credit-hub"), "serve", "--port", str(port)]
    with tempfile.TemporaryFile("w+") as log:  # a file, not a pipe: nobody has to drain it
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout
            while True:
                assert process.poll() is None, f"the hub did not start: {_read(log)}"
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"the hub is not ready: {_read(log)}"
                time.sleep(0.1)  # a poll interval: the loop waits on /readyz
            yield Served(f"{base}/graphql", process)
        finally:
            _stop(process)


@contextmanager
def serve_stack(
    hub_sdl: Path, hub_url: str, edge: Settings | None = None, timeout: float = 60
) -> Iterator[dict[str, str]]:
    """``tests/federation/stack.mjs``: the court subgraph and Hive Gateway over the hub; with
    ``edge``, the gateway also enforces the SDL's auth directives for tokens of its keys."""
    env = dict(os.environ)
    if edge is not None:
        env["EDGE_AUTH_PUBLIC_KEY"] = str(ensure_dev_signing_key(edge.keys_dir))
        env["EDGE_AUTH_ISSUER"] = edge.jwt_issuer
        env["EDGE_AUTH_AUDIENCE"] = edge.jwt_audience
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [node(), str(FEDERATION / "stack.mjs"), str(hub_sdl), hub_url],
            cwd=FEDERATION,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            assert process.stdout is not None
            # The stack prints one line when it listens (or exits on a composition error).
            ready, _, _ = select.select([process.stdout], [], [], timeout)
            assert ready, f"the federation stack did not start in {timeout} s: {_read(log)}"
            line = process.stdout.readline()
            assert line, f"the federation stack did not start: {_read(log)}"
            yield json.loads(line)
        finally:
            if process.stdin is not None:
                process.stdin.close()
            _stop(process)


def _read(log: IO[str]) -> str:
    log.flush()
    log.seek(0)
    return log.read()[-4000:]


def _stop(process: subprocess.Popen[str], timeout: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
