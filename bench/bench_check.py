"""``check``, ``checkMany`` of 1,000 and ``exposure`` depth 2 over HTTP (DESIGN.md budgets:
check p50 <= 10 ms, p99 <= 50 ms; checkMany 1,000 <= 1 s; exposure depth 2 p99 <= 100 ms).

Expects a running, migrated and seeded Neo4j at CREDIT_HUB_NEO4J_URI, e.g.:

    credit-hub neo4j start && credit-hub migrate && credit-hub seed --enterprises 100000
    python -m bench.bench_check --enterprises 100000 --requests 4000

``--enterprises`` and ``--seed`` must be the seed's: the persons' identity numbers are drawn
again from the same generator (they are stored encrypted). Starts its own hub on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
from typing import Any

import aiohttp

from bench.bench_enterprise import sample_keys, start_hub
from bench.http_load import LoadResult, run_load
from hub.importing.records import Person
from hub.keys.signing import mint_token
from hub.seeding.city import city_parts
from hub.settings import Settings

CHECK = (
    "query($s: SubjectInput!) { check(subject: $s) { verdict found catalogueVersion "
    "measures { code kind entryId reachedAs path until } } }"
)
CHECK_MANY = "query($s: [SubjectInput!]!) { checkMany(subjects: $s) { verdict measures { code } } }"
EXPOSURE = (
    "query($s: SubjectInput!) { exposure(subject: $s, depth: 2) { capped "
    "items { hops entryId list status path } } }"
)


def person_numbers(enterprises: int, seed: int, limit: int) -> list[str]:
    numbers: list[str] = []
    for part in city_parts(enterprises, seed, {}):
        numbers.extend(r.id_number for r in part if isinstance(r, Person))
        if len(numbers) >= limit + 10:
            break
    return numbers[:limit]


def _token(settings: Settings, role: str) -> str:
    return mint_token(
        settings.keys_dir,
        roles=[role],
        unit="U-TAX",
        subject="bench",
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=3600,
    )


async def load(
    port: int,
    token: str,
    query: str,
    variables: list[dict[str, Any]],
    clients: int,
    total: int,
) -> LoadResult:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "LICENSING"}
    url = f"http://127.0.0.1:{port}/graphql"
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        connector=connector, headers=headers, timeout=timeout
    ) as client:

        async def call(i: int) -> bool:
            body = {"query": query, "variables": variables[i % len(variables)]}
            async with client.post(url, json=body) as response:
                content = await response.read()
            return response.status == 200 and b'"errors"' not in content

        return await run_load(
            call, clients=clients, per_client=total // clients, warmup=min(50, total)
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, required=True, help="as seeded")
    parser.add_argument("--seed", type=int, default=1, help="as seeded")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--batches", type=int, default=20, help="checkMany requests of 1,000")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    settings = Settings.from_env()
    rng = random.Random(7)
    subjects = [{"uscc": k} for k in sample_keys(settings, 2500)]
    subjects += [{"idNumber": n} for n in person_numbers(args.enterprises, args.seed, 2500)]
    rng.shuffle(subjects)
    singles = [{"s": s} for s in subjects]
    batches = [{"s": rng.sample(subjects, 1000)} for _ in range(max(1, args.batches))]
    officer = _token(settings, "implementing_officer")
    analyst = _token(settings, "agency_analyst")
    hub = start_hub(args.port, args.workers)
    try:
        check = asyncio.run(load(args.port, officer, CHECK, singles, args.clients, args.requests))
        many = asyncio.run(load(args.port, officer, CHECK_MANY, batches, 1, args.batches))
        exposure = asyncio.run(
            load(args.port, analyst, EXPOSURE, singles, args.clients, args.requests // 2)
        )
    finally:
        hub.terminate()
        hub.wait(timeout=30)
    print(f"{len(subjects)} subjects (half enterprises, half persons), {args.workers} worker(s)")
    print(check.line(f"check, {args.clients} clients"))
    print(many.line("checkMany of 1,000, 1 client"))
    print(exposure.line(f"exposure depth 2, {args.clients} clients"))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
