"""CPU per request of the hub and of Neo4j for ``check``, ``checkMany`` of 1,000 and ``exposure``.

On a shared machine latency and throughput say mostly how busy the other tenants were; the CPU
seconds that the hub's processes and the Neo4j JVM spent per request do not. Same workload as
``bench.bench_check`` (8 clients; checkMany with 1 client), plus the two processes' CPU time
(``/proc/<pid>/stat``) before and after each phase. The Neo4j must be local (its pid is read
from the data dir of ``credit-hub neo4j start``), e.g.

    python -m bench.check_cpu --enterprises 1000000 --neo4j-dir .local/bench1m

``--only check`` (or checkMany, exposure) runs one phase.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from pathlib import Path
from typing import Any

from bench.bench_check import CHECK, CHECK_MANY, EXPOSURE, _token, load, person_numbers
from bench.bench_enterprise import sample_keys, start_hub
from hub.settings import Settings

WARMUP = 50  # bench.bench_check.load's warm-up requests, also measured here


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def with_children(pid: int) -> list[int]:
    """``pid`` and its children (uvicorn's workers)."""
    found = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                    parent = stat.read().rsplit(")", 1)[1].split()[1]
            except OSError:
                continue
            if parent == str(pid):
                found.append(int(entry))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, required=True, help="as seeded")
    parser.add_argument("--seed", type=int, default=1, help="as seeded")
    parser.add_argument("--neo4j-dir", type=Path, required=True, help="its --data-dir")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--only", choices=("check", "checkMany", "exposure"), default=None)
    args = parser.parse_args()
    neo4j = int((args.neo4j_dir / "neo4j" / "neo4j.pid").read_text().strip())
    settings = Settings.from_env()
    rng = random.Random(7)
    subjects: list[dict[str, Any]] = [{"uscc": k} for k in sample_keys(settings, 2500)]
    subjects += [{"idNumber": n} for n in person_numbers(args.enterprises, args.seed, 2500)]
    rng.shuffle(subjects)
    singles = [{"s": s} for s in subjects]
    batches = [{"s": rng.sample(subjects, 1000)} for _ in range(10)]
    officer = _token(settings, "implementing_officer")
    analyst = _token(settings, "agency_analyst")
    phases = (
        ("check", officer, CHECK, singles, 8, args.requests),
        ("checkMany", officer, CHECK_MANY, batches, 1, len(batches)),
        ("exposure", analyst, EXPOSURE, singles, 8, args.requests // 2),
    )
    hub = start_hub(args.port, args.workers)
    try:
        time.sleep(1)  # the workers are up
        hub_pids = with_children(hub.pid)
        for name, token, query, variables, clients, total in phases:
            if args.only not in (None, name):
                continue
            hub_before, neo4j_before = sum(map(cpu_seconds, hub_pids)), cpu_seconds(neo4j)
            result = asyncio.run(load(args.port, token, query, variables, clients, total))
            hub_ms = (sum(map(cpu_seconds, hub_pids)) - hub_before) * 1000
            neo4j_ms = (cpu_seconds(neo4j) - neo4j_before) * 1000
            sent = result.requests + min(WARMUP, total)
            print(
                f"{result.line(name)}   hub cpu {hub_ms / sent:7.2f} ms/req"
                f"   neo4j cpu {neo4j_ms / sent:6.2f} ms/req",
                flush=True,
            )
    finally:
        hub.terminate()
        hub.wait(timeout=30)


if __name__ == "__main__":
    main()
