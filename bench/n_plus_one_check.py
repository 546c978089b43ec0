"""A throwaway N+1 baseline for ``check``: the same answer built the naive way, one Cypher
query per field and per related row (subject, its entries, each entry's measures, each role,
each role's enterprise's entries, the unit), against the hub's ONE query per check.

It runs over the bare driver (no HTTP, GraphQL, policy or audit), so it flatters the N+1 side:
the ratio printed is a lower bound of what naive resolvers would cost behind the hub.

    python -m bench.n_plus_one_check --enterprises 100000 --requests 2000
"""

from __future__ import annotations

import argparse
import asyncio
import random
from datetime import date
from typing import Any

from neo4j import READ_ACCESS, AsyncGraphDatabase, AsyncSession

from bench.bench_check import person_numbers
from bench.bench_enterprise import sample_keys
from bench.http_load import LoadResult, run_load
from graph.checks import CHECK_SUBJECTS
from graph.local import credentials_for
from hub.keys.crypto import PERSON_ID_NUMBER, FieldCipher, load_keyring
from hub.settings import Settings

IN_FORCE = (
    "l.status IN ['ACTIVE', 'OBJECTED'] AND (l.valid_until IS NULL OR l.valid_until >= $today)"
)
ENTERPRISE = "MATCH (s:Enterprise {uscc: $key}) RETURN s.uscc AS key"
PERSON = "MATCH (s:Person {id_number_bidx: $key}) RETURN s.id_number_bidx AS key"
ENTERPRISE_ENTRIES = (
    f"MATCH (:Enterprise {{uscc: $key}})<-[:CONCERNS]-(l:ListEntry) WHERE {IN_FORCE} RETURN l"
)
PERSON_ENTRIES = (
    f"MATCH (:Person {{id_number_bidx: $key}})<-[:CONCERNS]-(l:ListEntry) WHERE {IN_FORCE} RETURN l"
)
ROLES = (
    "MATCH (:Person {id_number_bidx: $key})-[r:HOLDS_ROLE|HOLDS_SHARES]->(e:Enterprise) "
    "RETURN r, e.uscc AS enterprise"
)
MEASURES = (
    "MATCH (m:Measure) WHERE m.list = $list AND NOT coalesce(m.retired, false) "
    "AND ('*' IN m.domains OR $domain IN m.domains) RETURN m"
)
UNIT = "MATCH (u:Unit {code: $unit}) RETURN u.kind AS kind"


async def naive_check(session: AsyncSession, subject: dict[str, str], today: date) -> int:
    """Returns how many (entry, measure) pairs it found; one query per field and row."""

    async def rows(query: str, **params: Any) -> list[dict[str, Any]]:
        result = await session.run(query, params)
        return [record.data() async for record in result]

    await rows(UNIT, unit="U-TAX")
    is_person = "bidx" in subject
    key = subject["bidx"] if is_person else subject["uscc"]
    if not await rows(PERSON if is_person else ENTERPRISE, key=key):
        return 0
    hits = 0
    entries = await rows(PERSON_ENTRIES if is_person else ENTERPRISE_ENTRIES, key=key, today=today)
    for entry in entries:
        hits += len(await rows(MEASURES, list=entry["l"]["list"], domain=entry["l"]["domain"]))
    if is_person:
        for role in await rows(ROLES, key=key):
            for entry in await rows(ENTERPRISE_ENTRIES, key=role["enterprise"], today=today):
                measures = await rows(
                    MEASURES, list=entry["l"]["list"], domain=entry["l"]["domain"]
                )
                hits += len(measures)
    return hits


async def compare(
    settings: Settings, subjects: list[dict[str, str]], clients: int, total: int
) -> tuple[LoadResult, LoadResult]:
    today = date.today()
    async with AsyncGraphDatabase.driver(
        settings.neo4j_uri, auth=credentials_for(settings.neo4j_uri)
    ) as driver:

        async def naive(i: int) -> bool:
            async with driver.session(
                database=settings.neo4j_database, default_access_mode=READ_ACCESS
            ) as session:
                await naive_check(session, subjects[i % len(subjects)], today)
            return True

        async def one(i: int) -> bool:
            subject = subjects[i % len(subjects)]
            item = {"i": 0, "uscc": subject.get("uscc"), "bidx": subject.get("bidx")}
            async with driver.session(
                database=settings.neo4j_database, default_access_mode=READ_ACCESS
            ) as session:
                result = await session.run(
                    CHECK_SUBJECTS, {"subjects": [item], "unit": "U-TAX", "today": today}
                )
                rows = [r async for r in result]
            return len(rows) == 1

        single = await run_load(one, clients=clients, per_client=total // clients)
        plus_one = await run_load(naive, clients=clients, per_client=total // clients)
    return single, plus_one


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, required=True, help="as seeded")
    parser.add_argument("--seed", type=int, default=1, help="as seeded")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    settings = Settings.from_env()
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=False))
    subjects = [{"uscc": k} for k in sample_keys(settings, 1000)]
    subjects += [
        {"bidx": cipher.blind_index(PERSON_ID_NUMBER, n)}
        for n in person_numbers(args.enterprises, args.seed, 1000)
    ]
    random.Random(7).shuffle(subjects)
    single, plus_one = asyncio.run(compare(settings, subjects, args.clients, args.requests))
    print(single.line("check: ONE query (bare driver)"))
    print(plus_one.line("check: N+1 queries (bare driver)"))
    print(f"throughput, one query / N+1: {single.per_second / plus_one.per_second:.2f}")


if __name__ == "__main__":
    main()
