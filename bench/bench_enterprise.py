"""``enterprise(uscc)`` with its legal representative and entries, over HTTP with 8 concurrent
clients, beside the same Cypher through the bare driver; prints p50, p99, requests/s and the ratio.

Expects a running, seeded Neo4j at CREDIT_HUB_NEO4J_URI (default: the local one), e.g.:

    credit-hub neo4j start && credit-hub migrate && credit-hub seed --enterprises 100000
    python -m bench.bench_enterprise --requests 4000

It starts its own hub (``credit-hub serve``) on 127.0.0.1 and stops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
from datetime import date

import aiohttp
import httpx
from neo4j import READ_ACCESS, AsyncGraphDatabase, GraphDatabase

from bench.http_load import LoadResult, run_load
from graph.local import credentials_for
from graph.queries import SAMPLE_ENTERPRISE_KEYS, enterprise_query
from graph.selection import Selection
from hub.keys.signing import mint_token
from hub.settings import Settings

QUERY = (
    "query($uscc: String!) { enterprise(uscc: $uscc) { uscc name "
    "legalRepresentative { id name idNumber } "
    "entries { id list status domain identifyingUnit identifiedOn validUntil } } }"
)


def _selection() -> Selection:
    person = Selection("Person", {"id": None, "name": None, "idNumber": None})
    entry = Selection(
        "ListEntry",
        {
            n: None
            for n in (
                "id",
                "list",
                "status",
                "domain",
                "identifyingUnit",
                "identifiedOn",
                "validUntil",
            )
        },
    )
    return Selection(
        "Enterprise",
        {"uscc": None, "name": None, "legalRepresentative": person, "entries": entry},
    )


def sample_keys(settings: Settings, limit: int) -> list[str]:
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=credentials_for(settings.neo4j_uri)
    ) as driver:
        records, _, _ = driver.execute_query(
            SAMPLE_ENTERPRISE_KEYS, limit=limit, database_=settings.neo4j_database
        )
    return [r["uscc"] for r in records]


def start_hub(port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "hub.cli.main",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the hub did not start")


async def http_load(port: int, token: str, keys: list[str], clients: int, total: int) -> LoadResult:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "LICENSING"}
    url = f"http://127.0.0.1:{port}/graphql"
    # aiohttp, not httpx: httpx's own CPU cost caps a 2-core machine near 1,100 requests/s
    # even against /healthz, which would measure the client instead of the hub.
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as client:

        async def call(i: int) -> bool:
            body = {"query": QUERY, "variables": {"uscc": keys[i % len(keys)]}}
            async with client.post(url, json=body) as response:
                content = await response.read()
            return response.status == 200 and b'"errors"' not in content

        return await run_load(call, clients=clients, per_client=total // clients)


async def driver_load(settings: Settings, keys: list[str], clients: int, total: int) -> LoadResult:
    cypher = enterprise_query(_selection())
    async with AsyncGraphDatabase.driver(
        settings.neo4j_uri, auth=credentials_for(settings.neo4j_uri)
    ) as driver:

        async def call(i: int) -> bool:
            async with driver.session(
                database=settings.neo4j_database, default_access_mode=READ_ACCESS
            ) as session:
                result = await session.run(
                    cypher,  # type: ignore[arg-type]
                    uscc=keys[i % len(keys)],
                    today=date.today(),
                    entry_scope="UNIT",  # what the analyst's policy grants (hub/policy/engine.py)
                    unit="U-TAX",  # the analyst's unit, as in the token of http_load
                )
                rows = [r async for r in result]
            return len(rows) == 1

        return await run_load(call, clients=clients, per_client=total // clients)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    settings = Settings.from_env()
    keys = sample_keys(settings, 5000)
    random.Random(7).shuffle(keys)
    token = mint_token(
        settings.keys_dir,
        roles=["agency_analyst"],
        unit="U-TAX",
        subject="bench",
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=3600,
    )
    bare = asyncio.run(driver_load(settings, keys, args.clients, args.requests))
    hub = start_hub(args.port, args.workers)
    try:
        served = asyncio.run(http_load(args.port, token, keys, args.clients, args.requests))
    finally:
        hub.terminate()
        hub.wait(timeout=30)
    print(
        f"enterprise(uscc) over {len(keys)} keys, {args.clients} clients, {args.requests} requests"
    )
    print(bare.line("bare driver, same Cypher"))
    print(served.line(f"hub over HTTP ({args.workers} worker(s), auth+policy+audit)"))
    print(f"hub / bare driver throughput ratio: {served.per_second / bare.per_second:.2f}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
