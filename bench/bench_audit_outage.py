"""The audit log under load: its cost, and an outage of the audit store (DESIGN.md, Budgets;
R23: no answer without a record).

Self-contained: starts two local Neo4j 5.26 on free ports under a temporary directory (the
credit graph, seeded with ``--enterprises``; and a separate audit store), then

1. **overhead**: ``check(subject: {uscc})`` (``--query enterprise``: bench.bench_enterprise's
   query) over HTTP, 8 clients, against a hub whose audit records go to the credit graph's own
   Neo4j (the default: ``audit on``), the same with one batch in flight at a time
   (``CREDIT_HUB_AUDIT_IN_FLIGHT=1``: ``audit serial``, the writer before pipelining), the same
   sending every record at once (``CREDIT_HUB_AUDIT_PIPELINE_MIN=1``: ``audit eager``), and the
   same hub with the audit log replaced by a no-op (``app_without_audit``: no record built into
   a chain, nothing written); the variants interleaved (alternating their order), ``--runs``
   rounds; prints each one's median throughput and the CPU each request cost the hub and Neo4j
   (from /proc: steadier than throughput on a shared machine), and the ratios of the medians;
2. **outage**: a hub whose audit store is the second Neo4j, 8 clients sending continuously;
   after ``--warm`` seconds the audit Neo4j is stopped, ``--outage`` seconds later started
   again (same data dir and port), and the load goes on ``--after`` seconds. Then every answer
   with HTTP 200 is looked up in the audit store by its ``X-Request-Id``; it prints how many
   answers left without a record (must be 0), how the answers went per phase, how long after
   the store was back the first answer came, and whether every chain still verifies.

    .venv/bin/python -m bench.bench_audit_outage            # ~6 minutes on 2 cores
    .venv/bin/python -m bench.bench_audit_outage --skip-outage --runs 5 --requests 3000 \
        --ports 7720,7721,7722                            # Neo4j, audit Neo4j, hub ports
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from neo4j import GraphDatabase
from starlette.applications import Starlette

from bench.bench_enterprise import QUERY as ENTERPRISE
from bench.http_load import LoadResult, run_load
from graph import local as local_neo4j
from graph.audit.scan import AuditScan
from graph.audit.store import apply_audit_schema
from graph.audit.stored import payload_content
from graph.model import migrate
from graph.queries import SAMPLE_ENTERPRISE_KEYS
from hub.audit.log import AuditRecord
from hub.audit.signing import load_audit_keys
from hub.audit.verify_store import verify_store
from hub.keys.signing import mint_token
from hub.settings import Settings, local_neo4j_config

ROOT = Path(__file__).resolve().parent.parent


class _NoAudit:
    """The audit log switched off, for the comparison only: never a setting of the hub."""

    async def write(self, record: AuditRecord) -> None:
        return None

    async def close(self) -> None:
        return None


def app_without_audit() -> Starlette:
    """``uvicorn --factory bench.bench_audit_outage:app_without_audit``."""
    from hub.http.app import create_app
    from hub.services import Hub

    hub = Hub.build(Settings.from_env())
    hub.audit_log = _NoAudit()  # type: ignore[assignment]
    return create_app(hub=hub)


@dataclass
class Answer:
    at: float  # seconds since the load started
    status: int
    request_id: str | None
    seconds: float


CHECK = (
    "query($s: SubjectInput!) { check(subject: $s) { verdict found catalogueVersion "
    "measures { code kind entryId reachedAs path until } } }"
)
QUERIES = {
    "check": (CHECK, "implementing_officer", lambda key: {"s": {"uscc": key}}),
    "enterprise": (ENTERPRISE, "agency_analyst", lambda key: {"uscc": key}),
}
VARIANTS = (
    ("audit off", "bench.bench_audit_outage:app_without_audit", True, {}),
    ("audit on", "hub.asgi:app", False, {}),
    ("audit serial", "hub.asgi:app", False, {"CREDIT_HUB_AUDIT_IN_FLIGHT": "1"}),
    ("audit eager", "hub.asgi:app", False, {"CREDIT_HUB_AUDIT_PIPELINE_MIN": "1"}),
)


def _env(data: Path, credit: str, audit: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "CREDIT_HUB_NEO4J_URI": credit,
            "CREDIT_HUB_DATA_DIR": str(data / "hub"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("CREDIT_HUB_AUDIT_NEO4J_URI", None)
    if audit is not None:
        env["CREDIT_HUB_AUDIT_NEO4J_URI"] = audit
    return env


def _start_hub(env: dict[str, str], port: int, app: str, factory: bool) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--log-level", "warning"]
    command += ["--no-access-log"] + (["--factory"] if factory else [])
    process = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the hub did not start")


def _stop_hub(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


def _headers(settings: Settings, role: str = "agency_analyst") -> dict[str, str]:
    token = mint_token(
        settings.keys_dir,
        roles=[role],
        unit="U-TAX",
        subject="bench",
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=3600,
    )
    return {"Authorization": f"Bearer {token}", "X-Purpose": "LICENSING"}


async def _load(
    port: int, headers: dict[str, str], keys: list[str], total: int, query: str
) -> LoadResult:
    text, _, variables = QUERIES[query]
    url = f"http://127.0.0.1:{port}/graphql"
    connector = aiohttp.TCPConnector(limit=8)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as client:

        async def call(i: int) -> bool:
            body = {"query": text, "variables": variables(keys[i % len(keys)])}
            async with client.post(url, json=body) as response:
                content = await response.read()
            return response.status == 200 and b'"errors"' not in content

        return await run_load(call, clients=8, per_client=total // 8, warmup=100)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _neo4j_pid(data_dir: Path) -> int:
    return int((data_dir / "neo4j" / local_neo4j.PID_FILE).read_text().split()[0])


def overhead(data: Path, credit: str, settings: Settings, keys: list[str], args: Any) -> None:
    """Throughput, and CPU per request of the hub and of Neo4j (steadier than throughput on a
    shared machine), for each variant; the variants interleaved, alternating their order."""
    port = args.hub_port or local_neo4j.free_port()
    env = _env(data, credit, None)
    headers = _headers(settings, QUERIES[args.query][1])
    neo4j_pid = _neo4j_pid(data / "credit")
    rates: dict[str, list[float]] = {}
    p50s: dict[str, list[float]] = {}
    cpu: dict[str, list[tuple[float, float]]] = {}
    for run in range(args.runs):
        order = VARIANTS if run % 2 == 0 else VARIANTS[::-1]
        for label, app, factory, extra in order:
            hub = _start_hub(env | extra, port, app, factory)
            try:
                before = _cpu_seconds(hub.pid), _cpu_seconds(neo4j_pid)
                result = asyncio.run(_load(port, headers, keys, args.requests, args.query))
                sent = result.requests + 100  # and the warm-up
                used = (
                    (_cpu_seconds(hub.pid) - before[0]) * 1000 / sent,
                    (_cpu_seconds(neo4j_pid) - before[1]) * 1000 / sent,
                )
            finally:
                _stop_hub(hub)
            print(
                result.line(f"run {run + 1}: {label}")
                + f"   cpu/request hub {used[0]:.2f} ms, neo4j {used[1]:.2f} ms",
                flush=True,
            )
            rates.setdefault(label, []).append(result.per_second)
            p50s.setdefault(label, []).append(result.p50_ms)
            cpu.setdefault(label, []).append(used)
    median = {label: statistics.median(values) for label, values in rates.items()}
    for label, values in rates.items():
        hub_ms = statistics.median(c[0] for c in cpu[label])
        neo4j_ms = statistics.median(c[1] for c in cpu[label])
        print(
            f"{label:<13} median {median[label]:7.0f} req/s (runs {min(values):.0f}-"
            f"{max(values):.0f}), median p50 {statistics.median(p50s[label]):.2f} ms, "
            f"cpu/request hub {hub_ms:.2f} ms + neo4j {neo4j_ms:.2f} ms"
        )
    for label in ("audit on", "audit serial", "audit eager"):
        ratio = median[label] / median["audit off"]
        print(
            f"{args.query}, 8 clients, {args.runs} interleaved rounds: {label} / audit off "
            f"= {ratio:.2f} ({(1 - ratio) * 100:.0f} % lost to the audit log)"
        )


async def _outage_load(
    port: int, headers: dict[str, str], keys: list[str], stop: asyncio.Event
) -> list[Answer]:
    answers: list[Answer] = []
    started = time.monotonic()
    limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60
    ) as client:

        async def worker(seed: int) -> None:
            rng = random.Random(seed)
            while not stop.is_set():
                body = {"query": ENTERPRISE, "variables": {"uscc": rng.choice(keys)}}
                sent = time.monotonic()
                response = await client.post("/graphql", json=body, headers=headers)
                answers.append(
                    Answer(
                        sent - started,
                        response.status_code,
                        response.headers.get("x-request-id"),
                        time.monotonic() - sent,
                    )
                )

        await asyncio.gather(*(worker(i) for i in range(8)))
    return answers


async def _outage_script(
    port: int,
    headers: dict[str, str],
    keys: list[str],
    audit_dir: Path,
    audit_port: int,
    args: Any,
) -> tuple[list[Answer], float, float, float]:
    stop = asyncio.Event()
    load = asyncio.create_task(_outage_load(port, headers, keys, stop))
    t0 = time.monotonic()
    await asyncio.sleep(args.warm)
    stopping = time.monotonic() - t0
    await asyncio.to_thread(local_neo4j.stop, audit_dir, config=local_neo4j_config())
    await asyncio.sleep(args.outage)
    restarting = time.monotonic() - t0
    await asyncio.to_thread(local_neo4j.start, audit_dir, audit_port, config=local_neo4j_config())
    back = time.monotonic() - t0
    await asyncio.sleep(args.after)
    stop.set()
    return await load, stopping, restarting, back


def outage(
    data: Path,
    credit: str,
    audit_dir: Path,
    audit_port: int,
    headers: dict[str, str],
    keys: list[str],
    args: Any,
) -> int:
    audit_uri = f"bolt://127.0.0.1:{audit_port}"
    port = args.hub_port or local_neo4j.free_port()
    hub = _start_hub(_env(data, credit, audit_uri), port, "hub.asgi:app", False)
    try:
        answers, stopping, restarting, back = asyncio.run(
            _outage_script(port, headers, keys, audit_dir, audit_port, args)
        )
    finally:
        _stop_hub(hub)  # closes the writer: a final checkpoint
    with GraphDatabase.driver(audit_uri, auth=local_neo4j.credentials_for(audit_uri)) as driver:
        records, _, _ = driver.execute_query("MATCH (a:AuditEvent) RETURN a.record AS record")
        recorded = {payload_content(r["record"])["request_id"] for r in records}
        keys_dir = data / "hub" / "keys"
        reports = verify_store(AuditScan(driver, "neo4j"), load_audit_keys(keys_dir))
    ok = [a for a in answers if a.status == 200]
    unrecorded = [a for a in ok if a.request_id not in recorded]
    print(
        f"audit store stopped at {stopping:.1f} s, started again at {restarting:.1f} s, "
        f"answering Bolt at {back:.1f} s; load stopped at {back + args.after:.1f} s"
    )
    phases = (
        ("before", 0.0, stopping),
        ("store down", stopping, back),
        ("store back", back, float("inf")),
    )
    for name, start, end in phases:
        inside = [a for a in answers if start <= a.at < end]
        counts: dict[int, int] = {}
        for a in inside:
            counts[a.status] = counts.get(a.status, 0) + 1
        p50 = statistics.median(a.seconds for a in inside) * 1000 if inside else 0.0
        print(
            f"  {name:<11} {len(inside):6} answers {dict(sorted(counts.items()))}  p50 {p50:.1f} ms"
        )
    _timeline(answers, stopping - 2, back + 4)
    first_refusal = next((a.at for a in answers if a.status != 200 and a.at >= stopping), None)
    first_after = next((a.at for a in answers if a.status == 200 and a.at >= back), None)
    if first_refusal is not None:
        print(f"first refusal {first_refusal - stopping:.2f} s after the store was stopped")
    if first_after is not None:
        print(f"first answer {first_after - back:.2f} s after the store answered Bolt again")
    last_ok_before = max((a.at for a in ok if a.at < back), default=0.0)
    print(f"last answer while down: at {last_ok_before:.1f} s")
    print(
        f"answers with HTTP 200: {len(ok)}, recorded: {len(ok) - len(unrecorded)}, "
        f"WITHOUT a record: {len(unrecorded)}; audit records in the store: {len(recorded)}"
    )
    findings = [r for r in reports if r.finding is not None]
    print(
        f"audit verify: {len(reports)} writer(s), "
        + (f"FINDINGS: {[str(f) for f in findings]}" if findings else "every chain verifies")
    )
    for report in reports:
        print(f"  {report}")
    return 0 if not unrecorded and not findings else 1


def _timeline(answers: list[Answer], start: float, end: float, step: float = 1.0) -> None:
    """Answers by the second they were sent: 200s and refusals."""
    t = max(0.0, float(int(start)))
    cells = []
    while t < end:
        inside = [a for a in answers if t <= a.at < t + step]
        ok = sum(1 for a in inside if a.status == 200)
        cells.append(f"{t:.0f}s {ok}/{len(inside) - ok}")
        t += step
    print("  timeline (sent at: 200s/refused): " + ", ".join(cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=4000, help="per overhead run")
    parser.add_argument("--runs", type=int, default=3, help="overhead runs of each kind")
    parser.add_argument("--warm", type=float, default=8.0)
    parser.add_argument("--outage", type=float, default=10.0)
    parser.add_argument("--after", type=float, default=12.0)
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--skip-outage", action="store_true")
    parser.add_argument("--query", choices=sorted(QUERIES), default="check")
    parser.add_argument("--ports", default=None, help="CREDIT,AUDIT,HUB ports (default: free ones)")
    args = parser.parse_args()
    ports = [int(p) for p in args.ports.split(",")] if args.ports else []
    args.hub_port = ports[2] if len(ports) > 2 else None
    data = Path(tempfile.mkdtemp(prefix="audit-outage-", dir=ROOT / ".local"))
    credit_dir, audit_dir = data / "credit", data / "audit"
    credit_port = ports[0] if ports else local_neo4j.free_port()
    audit_port = ports[1] if len(ports) > 1 else local_neo4j.free_port()
    try:
        credit = local_neo4j.start(credit_dir, port=credit_port, config=local_neo4j_config())
        audit = local_neo4j.start(audit_dir, port=audit_port, config=local_neo4j_config())
        settings = Settings.from_env(
            {"CREDIT_HUB_NEO4J_URI": credit, "CREDIT_HUB_DATA_DIR": str(data / "hub")}
        )
        with GraphDatabase.driver(credit, auth=local_neo4j.credentials_for(credit)) as driver:
            migrate(driver, "neo4j")
        with GraphDatabase.driver(audit, auth=local_neo4j.credentials_for(audit)) as driver:
            apply_audit_schema(driver, "neo4j")
        from hub.seeding import seed_city

        print(seed_city(settings, args.enterprises, 1))
        with GraphDatabase.driver(credit, auth=local_neo4j.credentials_for(credit)) as driver:
            rows, _, _ = driver.execute_query(SAMPLE_ENTERPRISE_KEYS, limit=2000)
        keys = [r["uscc"] for r in rows]
        headers = _headers(settings)
        if not args.skip_overhead:
            overhead(data, credit, settings, keys, args)
        if args.skip_outage:
            return 0
        return outage(data, credit, audit_dir, audit_port, headers, keys, args)
    finally:
        local_neo4j.stop(audit_dir, config=local_neo4j_config())
        local_neo4j.stop(credit_dir, config=local_neo4j_config())
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
