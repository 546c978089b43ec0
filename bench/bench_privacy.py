"""What authorization + masking cost: the same ``check`` and ``enterprise`` workloads over HTTP
against the hub as it runs (policy, masking and audit on), the hub with the policy open (every
operation and field allowed, nothing masked; ``app_without_policy``), and the hub with the
policy open and the audit log off too (``app_without_privacy``). Runs alternate between the
three, ``--runs`` times, and the medians are compared (DESIGN.md budget: authorization +
masking + audit lose at most 15 % throughput).

Expects a running, migrated and seeded Neo4j at CREDIT_HUB_NEO4J_URI, as bench.bench_check:

    credit-hub neo4j start --port 7715 --data-dir .local/bench/neo4j
    export CREDIT_HUB_NEO4J_URI=bolt://127.0.0.1:7715 CREDIT_HUB_DATA_DIR=.local/bench
    credit-hub migrate && credit-hub seed --enterprises 20000 --seed 1
    python -m bench.bench_privacy --enterprises 20000 --runs 5

The switches exist only here, as app factories for ``uvicorn --factory``: no setting or
environment variable of the hub turns its policy off, bench/ is not in the wheel or the image,
and the factories refuse to build a hub whose settings say production.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from bench.bench_check import CHECK, load, person_numbers
from bench.bench_enterprise import http_load, sample_keys
from hub.audit.log import AuditRecord
from hub.errors import ConfigurationError
from hub.keys.signing import mint_token
from hub.policy.engine import Decisions, FieldDecision, SchemaSurface
from hub.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
MODES = {
    "on": ("hub.asgi:app", False),
    "policy off": ("bench.bench_privacy:app_without_policy", True),
    "policy+audit off": ("bench.bench_privacy:app_without_privacy", True),
}


class _OpenPolicy:
    """Every operation and field allowed, nothing masked, no limits: the policy switched off."""

    version = "bench-open"

    def __init__(self, surface: SchemaSurface) -> None:
        self.purpose_groups: dict[str, set[str]] = {}
        everything = {f: FieldDecision(True) for f in surface.fields}
        self._open = Decisions(self.version, surface.operations, surface.operations, everything)

    def decisions(self, roles: tuple[str, ...], unit: str, purpose: str | None) -> Decisions:
        return self._open


class _OpenPolicySource:
    def __init__(self, surface: SchemaSurface) -> None:
        self.policy = _OpenPolicy(surface)

    async def current(self) -> _OpenPolicy:
        return self.policy


class _NoAudit:
    async def write(self, record: AuditRecord) -> None:
        return None

    async def close(self) -> None:
        return None


def _bench_hub(*, audit: bool) -> Starlette:
    from hub.http.app import create_app
    from hub.services import Hub, schema_surface

    settings = Settings.from_env()
    if settings.is_production:
        raise ConfigurationError("the bench's policy switch is refused in production")
    hub = Hub.build(settings)
    hub.policies = _OpenPolicySource(schema_surface(hub.schema))  # type: ignore[assignment]
    if not audit:
        hub.audit_log = _NoAudit()  # type: ignore[assignment]
    return create_app(hub=hub)


def app_without_policy() -> Starlette:
    """``uvicorn --factory bench.bench_privacy:app_without_policy``."""
    return _bench_hub(audit=True)


def app_without_privacy() -> Starlette:
    """``uvicorn --factory bench.bench_privacy:app_without_privacy``: no policy, no audit."""
    return _bench_hub(audit=False)


def _start(app: str, factory: bool, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--log-level", "warning"]
    command += ["--no-access-log"] + (["--factory"] if factory else [])
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the hub ({app}) did not start")


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


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run(
    mode: str, port: int, requests: int, workload: dict[str, Any]
) -> dict[str, tuple[float, float]]:
    """workload → (requests/s, hub CPU milliseconds per request)."""
    app, factory = MODES[mode]
    hub = _start(app, factory, port)
    figures: dict[str, tuple[float, float]] = {}
    try:
        for name in ("check", "enterprise"):
            cpu = _cpu_seconds(hub.pid)
            if name == "check":
                call = load(port, workload["officer"], CHECK, workload["singles"], 8, requests)
            else:
                call = http_load(port, workload["analyst"], workload["keys"], 8, requests)
            result = asyncio.run(call)
            cpu_ms = (_cpu_seconds(hub.pid) - cpu) * 1000 / result.requests
            print(result.line(f"{mode}: {name}") + f"   hub CPU {cpu_ms:5.2f} ms/req", flush=True)
            if result.errors:
                raise SystemExit(f"{mode}: {name} had {result.errors} errors")
            figures[name] = (result.per_second, cpu_ms)
    finally:
        hub.terminate()
        hub.wait(timeout=30)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, required=True, help="as seeded")
    parser.add_argument("--seed", type=int, default=1, help="as seeded")
    parser.add_argument("--requests", type=int, default=2000, help="per workload and run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    settings = Settings.from_env()
    keys = sample_keys(settings, 2500)
    subjects: list[dict[str, str]] = [{"uscc": k} for k in keys]
    subjects += [{"idNumber": n} for n in person_numbers(args.enterprises, args.seed, 2500)]
    random.Random(7).shuffle(subjects)
    workload = {
        "officer": _token(settings, "implementing_officer"),
        "analyst": _token(settings, "agency_analyst"),
        "singles": [{"s": s} for s in subjects],
        "keys": keys,
    }
    seen: dict[str, dict[str, list[tuple[float, float]]]] = {
        m: {"check": [], "enterprise": []} for m in MODES
    }
    order = list(MODES)
    print("warm-up round (not counted): Neo4j's page cache and query plans", flush=True)
    for mode in order:
        _run(mode, args.port, min(args.requests, 500), workload)
    for run in range(args.runs):
        for mode in order if run % 2 == 0 else reversed(order):  # interleaved, both orders
            for name, figures in _run(mode, args.port, args.requests, workload).items():
                seen[mode][name].append(figures)
    _report(seen, args)


def _report(seen: dict[str, dict[str, list[tuple[float, float]]]], args: Any) -> None:
    print(f"\nmedians of {args.runs} interleaved runs, 8 clients, {args.requests} requests each")
    for name in ("check", "enterprise"):
        rate = {m: statistics.median(r for r, _ in seen[m][name]) for m in MODES}
        cpu = {m: statistics.median(c for _, c in seen[m][name]) for m in MODES}
        for mode in MODES:
            print(
                f"{name:<11} {mode:<17} {rate[mode]:6.0f} req/s   hub CPU {cpu[mode]:5.2f} ms/req"
            )
        for off in ("policy off", "policy+audit off"):
            print(
                f"{name:<11} on / {off:<17} throughput {rate['on'] / rate[off]:.2f}"
                f"   CPU per request {cpu['on'] / cpu[off]:.2f}"
                f" ({(1 - cpu[off] / cpu['on']) * 100:.0f} % of the hub's CPU is theirs)"
            )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
