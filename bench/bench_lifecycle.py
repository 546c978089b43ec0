"""The list lifecycle under load, against a seeded graph (e.g. 100,000 enterprises):

* a batch push of 10,000 proposals with every cross-check (codes, subjects, R3 against all
  black entries, duplicate ids), in one transaction: seconds and entries per second;
* one lifecycle step over HTTP (``confirmEntry`` on a proposed black entry, which runs the
  R4/R5 cascades): p50 and p99 with 8 concurrent clients.

    credit-hub neo4j start && credit-hub migrate && credit-hub seed --enterprises 100000
    python -m bench.bench_lifecycle
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import timedelta

import httpx

from bench.bench_enterprise import sample_keys, start_hub
from bench.http_load import run_load
from graph.driver import open_async_driver
from graph.vocabulary import ListKind
from hub.clock import today
from hub.keys.crypto import FieldCipher, load_keyring
from hub.keys.signing import mint_token
from hub.lifecycle.proposals import Proposals
from hub.lifecycle.steps import Actor, Proposal
from hub.settings import Settings

UNIT = "U-TAX"  # a unit every seed creates (hub/seeding/demo.py)


def proposals(keys: list[str], count: int, tag: str) -> list[Proposal]:
    rng = random.Random(11)
    day = today()
    made = []
    for i in range(count):
        kind = rng.choice([ListKind.RED, ListKind.BLACK, ListKind.WATCH])
        made.append(
            Proposal(
                id=f"BENCH-{tag}-{i}",
                list=kind,
                subject_uscc=keys[i % len(keys)],
                subject_id_number=None,
                domain="TAX",
                basis=2,
                identified_on=day - timedelta(days=1),
                valid_until=day + timedelta(days=365),
                repairable=None if kind == ListKind.RED else True,
                watch_months_after_exit=24 if kind == ListKind.BLACK else None,
            )
        )
    return made


async def batch_push(settings: Settings, keys: list[str], count: int, tag: str) -> float:
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=True))
    driver = open_async_driver(settings)
    try:
        desk = Proposals(driver, settings.neo4j_database, cipher, today)
        batch = proposals(keys, count, tag)
        # Black-listed subjects can not get red entries (R3): drop those the graph refuses,
        # so the timed batch is one that is accepted.
        started = time.perf_counter()
        try:
            await desk.propose(Actor("bench", UNIT), batch, None, "bench:push")
        except Exception as refusal:  # noqa: BLE001 - a refusal still measured the checks
            problems = getattr(refusal, "details", {}).get("problems", [])
            bad = {p.index for p in problems}
            elapsed = time.perf_counter() - started
            print(f"  first attempt refused {len(bad)} entries in {elapsed:.2f} s (checks only)")
            batch = [p for i, p in enumerate(batch) if i not in bad]
            started = time.perf_counter()
            await desk.propose(Actor("bench", UNIT), batch, None, "bench:push")
        seconds = time.perf_counter() - started
        rate = len(batch) / seconds
        print(f"batch push of {len(batch)} entries: {seconds:.2f} s, {rate:,.0f} entries/s")
        return seconds
    finally:
        await driver.close()


async def confirm_over_http(port: int, token: str, ids: list[str], clients: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    query = (
        "mutation($i: StepInput!) { confirmEntry(input: $i) { __typename "
        "... on EntryTransitioned { entry { status } } } }"
    )
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

        async def call(i: int) -> bool:
            body = {"query": query, "variables": {"i": {"entryId": ids[i]}}}
            response = await client.post("/graphql", json=body, headers=headers)
            return b"EntryTransitioned" in response.content

        result = await run_load(
            call, clients=clients, per_client=len(ids) // clients - 10, warmup=0
        )
    print(result.line("confirmEntry over HTTP (one step, R4/R5 cascades)"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=2_000)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    settings = Settings.from_env()
    keys = sample_keys(settings, 50_000)
    tag = str(int(time.time()))
    asyncio.run(batch_push(settings, keys, args.entries, tag))
    # Steps: black proposals on distinct enterprises, confirmed one by one over HTTP.
    step_tag = tag + "-S"
    black = [
        Proposal(
            id=f"BENCH-{step_tag}-{i}", list=ListKind.BLACK, subject_uscc=keys[-(i + 1)],
            subject_id_number=None, domain="TAX", basis=2,
            identified_on=today() - timedelta(days=1), valid_until=today() + timedelta(days=365),
            repairable=True, watch_months_after_exit=24,
        )
        for i in range(args.steps)
    ]  # fmt: skip

    async def propose_black() -> None:
        cipher = FieldCipher(load_keyring(settings.keys_dir, create=True))
        driver = open_async_driver(settings)
        try:
            await Proposals(driver, settings.neo4j_database, cipher, today).propose(
                Actor("bench", UNIT), black, None, "bench:black"
            )
        finally:
            await driver.close()

    asyncio.run(propose_black())
    token = mint_token(
        settings.keys_dir, roles=["identifying_officer"], unit=UNIT, subject="bench",
        issuer=settings.jwt_issuer, audience=settings.jwt_audience, ttl_seconds=3600,
    )  # fmt: skip
    hub = start_hub(args.port, 1)
    try:
        asyncio.run(confirm_over_http(args.port, token, [p.id or "" for p in black], 8))
    finally:
        hub.terminate()
        hub.wait(timeout=30)


if __name__ == "__main__":
    main()
