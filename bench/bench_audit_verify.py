"""Audit chain verification speed; budget ≥ 100,000 records/s (DESIGN.md, Budgets).

Generates ``--records`` records (default 1,000,000) for ``--writers`` writers straight through
the hub's chain code (``hub.audit.chain.Chain``: canonical encoding, leaf and chain hashes)
with a signed checkpoint every 1,000 records and a final one, into an export file (the format
``credit-hub audit verify --file`` checks offline: docs/audit.md), then verifies the file
``--runs`` times (default 3) and prints the median. Verification re-derives every record's
hash from its stored content, checks every link and every checkpoint's Ed25519 signature and
head, and the file's own signature. Runs on one core; needs no Neo4j.

    .venv/bin/python -m bench.bench_audit_verify
    .venv/bin/python -m bench.bench_audit_verify --records 200000 --runs 1   # quicker

With ``--graph bolt://127.0.0.1:PORT`` it also loads the records into that Neo4j (empty and
migrated, not shared: it is wiped) and times ``audit verify`` against the store, which adds
reading every record back through the driver, ``--jobs`` writers at once (default 4, each in
its own process, as ``credit-hub audit verify --jobs``). With ``--key-dir DIR`` the records
are signed with the audit key kept there, and ``--reuse`` verifies what an earlier run loaded
(same ``--graph`` and ``--key-dir``) without loading it again (~2 minutes for 1,000,000):

    .venv/bin/python -m bench.bench_audit_verify --graph bolt://127.0.0.1:7732 \
        --key-dir .local/bench-6b-hub/keys
    .venv/bin/python -m bench.bench_audit_verify --graph bolt://127.0.0.1:7732 \
        --key-dir .local/bench-6b-hub/keys --reuse --runs 5
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from graph.local import credentials_for
from hub.audit.chain import Chain
from hub.audit.export import verify_file
from hub.audit.log import AuditRecord, audit_time, checkpoint
from hub.audit.signing import CHECKPOINT, EXPORT, AuditKeys, AuditSigner, load_audit_signer

BUDGET = 100_000  # records per second
CHECKPOINT_EVERY = 1000


def _records(writer_index: int, count: int) -> Iterator[AuditRecord]:
    """Realistic records: a person or enterprise look-up each, timestamps a few ms apart."""
    start = datetime(2025, 3, 3, 1, tzinfo=UTC)
    base = uuid.UUID(int=writer_index).hex
    for i in range(count):
        person = i % 3 == 0
        yield AuditRecord(
            request_id=f"{base[:16]}{i:016x}",
            at=audit_time(start + timedelta(milliseconds=7 * i)),
            user=f"analyst-{i % 97}",
            unit=f"U-{i % 13:02d}",
            roles=["agency_analyst"],
            purpose="LICENSING",
            client="10.0.0.8",
            operation_name=None,
            operations=["Query.person" if person else "Query.enterprise"],
            query_hash="9f" * 32,
            subjects=[f"Person:P{i:024x}"] if person else ["Enterprise:91110000600037341L"],
            masked=["Person.idNumber"] if person else [],
            denied=[],
            decision="ALLOWED",
            error_codes=[],
            result_size=420 + i % 50,
            duration_ms=round(2.5 + (i % 100) / 37, 3),
            policy_version="a1b2c3d4e5f60718",
            variables_digest="7e" * 32,
            variables='{"literals":[],"variables":{"uscc":"91110000600037341L"}}',
            extra={"round_trips": 1},
        )


def generate(
    path: Path, signer: AuditSigner, writers: int, total: int, *, keep: bool
) -> list[list[Any]]:
    """Write the export file; with ``keep``, return the chains as [[writer, events...]]."""
    digest = hashlib.sha256()
    lines = 0
    kept: list[list[Any]] = []
    with path.open("wb") as out:

        def emit(item: dict[str, Any]) -> None:
            nonlocal lines
            line = orjson.dumps(item) + b"\n"
            digest.update(line)
            out.write(line)
            lines += 1

        emit({"type": "header", "version": 1, "from": "", "to": "", "exported_at": audit_time()})
        for index in range(writers):
            chain = Chain(uuid.uuid4().hex[:16])
            statements = []
            events: list[Any] = [chain.writer]
            for record in _records(index, total // writers):
                event = chain.append(record.as_properties())
                emit({"type": "event", "record": event})
                if keep:
                    events.append(event)
                if chain.size % CHECKPOINT_EVERY == 0:
                    statements.append(checkpoint(signer, chain, final=False))
            statements.append(checkpoint(signer, chain, final=True))
            for statement in statements:
                emit({"type": "checkpoint", "checkpoint": statement})
            kept.append(events)
        signed = signer.sign(
            EXPORT, {"type": "signature", "lines": lines, "sha256": digest.hexdigest()}
        )
        out.write(orjson.dumps(signed) + b"\n")
    return kept


def verify_once(path: Path, keys: AuditKeys) -> tuple[float, int]:
    started = time.perf_counter()
    report = verify_file(path, keys)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"verification failed: {report.problems} {report.writers[:3]}")
    return seconds, sum(w.last_seq for w in report.writers)


def _load(driver: Any, chains: list[list[Any]], signer: AuditSigner) -> None:
    """Wipe the graph and store the chains in it, sealed like a hub would seal them."""
    from graph.audit.store import append_sync
    from graph.audit.stored import node_of

    with driver.session(database="neo4j") as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
    loaded = time.perf_counter()
    for _writer, *events in chains:
        for start in range(0, len(events), 10_000):
            nodes = [node_of(event) for event in events[start : start + 10_000]]
            append_sync(driver, "neo4j", nodes, [])
    for writer, *events in chains:
        chain = Chain(writer, len(events), events[-1]["hash"])
        sizes = range(CHECKPOINT_EVERY, len(events) + 1, CHECKPOINT_EVERY)
        statements = [
            signer.sign(
                CHECKPOINT,
                {
                    "writer": writer,
                    "size": s,
                    "head": events[s - 1]["hash"],
                    "at": audit_time(),
                    "final": False,
                },
            )
            for s in sizes
        ]
        statements.append(checkpoint(signer, chain, final=True))
        append_sync(driver, "neo4j", [], statements)
    load_seconds = time.perf_counter() - loaded
    total = sum(len(c) - 1 for c in chains)
    print(f"graph: loaded {total:,} records in {load_seconds:.1f} s")


def verify_graph(
    uri: str, chains: list[list[Any]], keys: AuditKeys, signer: AuditSigner, jobs: int, runs: int
) -> None:
    """Load the chains into the (wiped) graph (none: verify what it holds); verify them there
    ``runs`` times with one process and with ``jobs``, alternating."""
    from neo4j import GraphDatabase

    from graph.audit.scan import AuditScan
    from hub.audit.verify_store import verify_store, verify_store_parallel
    from hub.settings import Settings

    with GraphDatabase.driver(uri, auth=credentials_for(uri)) as driver:
        if chains:
            _load(driver, chains, signer)
        total = int(driver.execute_query("MATCH (a:AuditEvent) RETURN count(a) AS n")[0][0]["n"])
        settings = Settings.from_env(
            {"CREDIT_HUB_NEO4J_URI": uri, "CREDIT_HUB_DATA_DIR": tempfile.gettempdir()}
        )
        writers = AuditScan(driver, "neo4j").writers()
        rates: dict[int, list[float]] = {1: [], jobs: []}
        for _ in range(runs):
            for processes in sorted(rates, reverse=len(rates[1]) % 2 == 1):
                started = time.perf_counter()
                if processes > 1:
                    reports = verify_store_parallel(settings, keys, writers, processes)
                else:
                    reports = verify_store(AuditScan(driver, "neo4j"), keys)
                seconds = time.perf_counter() - started
                bad = [r for r in reports if r.finding is not None]
                rates[processes].append(total / seconds)
                print(
                    f"graph: verified {total:,} records of {len(reports)} writer(s), "
                    f"--jobs {processes}, in {seconds:.1f} s: {total / seconds:,.0f} records/s"
                    + (f"; FINDINGS {bad[:2]}" if bad else ""),
                    flush=True,
                )
    for processes, values in rates.items():
        print(f"graph: --jobs {processes}: median {statistics.median(values):,.0f} records/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--graph", default=None, help="also verify in this (wiped) Neo4j")
    parser.add_argument("--jobs", type=int, default=4, help="verifying processes (--graph)")
    parser.add_argument(
        "--key-dir",
        type=Path,
        default=None,
        help="sign with the audit key kept there (created if missing), so that "
        "`credit-hub audit verify` with CREDIT_HUB_DATA_DIR=<its parent> can check the store",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --graph and --key-dir: verify the records a previous run loaded there "
        "(no generating, no file, no loading)",
    )
    args = parser.parse_args()
    signer = (
        load_audit_signer(args.key_dir, create=True)
        if args.key_dir
        else AuditSigner(Ed25519PrivateKey.generate())
    )
    keys = AuditKeys.of([signer.public])
    if args.reuse and args.graph and args.key_dir:
        verify_graph(args.graph, [], keys, signer, args.jobs, args.runs)
        return 0
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmp:
        path = Path(tmp) / "audit.jsonl"
        started = time.perf_counter()
        chains = generate(path, signer, args.writers, args.records, keep=bool(args.graph))
        generated = time.perf_counter() - started
        size = path.stat().st_size
        print(
            f"generated {args.records:,} records ({args.writers} writers, a checkpoint every "
            f"{CHECKPOINT_EVERY:,}) in {generated:.1f} s: {args.records / generated:,.0f}/s, "
            f"{size / 2**20:,.0f} MiB"
        )
        rates = []
        for run in range(1, args.runs + 1):
            seconds, records = verify_once(path, keys)
            rates.append(records / seconds)
            print(f"run {run}: {records:,} records verified in {seconds:.2f} s: {rates[-1]:,.0f}/s")
        median = statistics.median(rates)
        verdict = "within" if median >= BUDGET else "OVER"
        print(f"median {median:,.0f} records/s ({verdict} budget {BUDGET:,}/s)")
        if args.graph:
            verify_graph(args.graph, chains, keys, signer, args.jobs, args.runs)
    return 0 if median >= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
