"""What one audit batch costs Neo4j and the driver, by batch size (the audit overhead's cause).

Writes ``--records`` realistic records (bench.bench_audit_verify's) as batches of 1 and of 4
with the hub's own statements (and, for comparison, the same records with every field a
property, as they were stored before graph/audit/stored.py: ``all props``; scratch nodes that
``audit verify`` would not accept), and a trivial one-property write as the floor, the variants
interleaved for ``--rounds`` rounds; prints Neo4j's CPU (from /proc of the local Neo4j whose
data dir is given) and this client's CPU per record. Use a scratch Neo4j: it adds records.

    credit-hub neo4j start --port 7719 --data-dir .local/bench-a && credit-hub migrate
    .venv/bin/python -m bench.bench_audit_write --uri bolt://127.0.0.1:7719 \\
        --data-dir .local/bench-a
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from pathlib import Path
from typing import LiteralString

from neo4j import AsyncGraphDatabase

from bench.bench_audit_verify import _records
from graph import local as local_neo4j
from graph.audit.store import WRITE_AUDIT_BATCH, WRITE_LINKED_AUDIT_BATCH
from graph.audit.stored import node_of
from hub.audit.chain import Chain

TRIVIAL = "UNWIND $events AS event CREATE (:AuditWriteProbe {seq: event.seq})"
STATEMENTS: dict[str, LiteralString] = {
    "trivial write (floor)": TRIVIAL,
    "audit batch": WRITE_AUDIT_BATCH,
    "audit batch, linked": WRITE_LINKED_AUDIT_BATCH,
    # every field a property, as records were stored before graph/audit/stored.py (comparison)
    "audit batch, all props": WRITE_AUDIT_BATCH,
}


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _write(
    uri: str, name: str, batch: int, count: int, neo4j_pid: int
) -> tuple[float, float]:
    """(Neo4j, client) CPU milliseconds per record."""
    driver = AsyncGraphDatabase.driver(uri, auth=local_neo4j.credentials_for(uri))
    chain = Chain(uuid.uuid4().hex[:16])
    records = _records(7, count)
    before = _cpu_seconds(neo4j_pid), time.process_time()
    for _ in range(count // batch):
        after = chain.mark()
        linked_records = [chain.append(next(records).as_properties()) for _ in range(batch)]
        events = (
            linked_records if name.endswith("all props") else list(map(node_of, linked_records))
        )
        linked = name.endswith("linked") and after[0] > 0
        async with driver.session() as session:
            if linked:
                result = await session.run(
                    WRITE_LINKED_AUDIT_BATCH,
                    events=events,
                    checkpoints=[],
                    writer=chain.writer,
                    after=after[0],
                    after_hash=after[1],
                )
            else:
                statement = WRITE_AUDIT_BATCH if name.endswith("linked") else STATEMENTS[name]
                result = await session.run(statement, events=events, checkpoints=[])
            await result.consume()
    await driver.close()
    return (
        (_cpu_seconds(neo4j_pid) - before[0]) * 1000 / count,
        (time.process_time() - before[1]) * 1000 / count,
    )


async def main_async(args: argparse.Namespace) -> None:
    pid = int((Path(args.data_dir) / "neo4j" / local_neo4j.PID_FILE).read_text().split()[0])
    await _write(args.uri, "audit batch", 1, 300, pid)  # warm-up
    costs: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for _ in range(args.rounds):
        for batch in (1, 4):
            for name in STATEMENTS:
                cost = await _write(args.uri, name, batch, args.records, pid)
                costs.setdefault((name, batch), []).append(cost)
    for (name, batch), values in costs.items():
        server = statistics.median(v[0] for v in values)
        client = statistics.median(v[1] for v in values)
        print(
            f"{name:<24} batch {batch}: CPU per record Neo4j {server:.3f} ms, "
            f"driver {client:.3f} ms (median of {len(values)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", required=True)
    parser.add_argument("--data-dir", required=True, help="the local Neo4j's --data-dir")
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
