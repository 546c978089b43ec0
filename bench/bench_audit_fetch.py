"""How fast audit records come back from Neo4j, by the shape of a page (the store-verification
bound; docs/audit.md, Figures).

Copies ``--records`` of one writer's stored records (a store loaded by
``bench.bench_audit_verify --graph``) into ``:AuditFetchProbe`` nodes in the lean shape — the
canonical JSON as one ``record`` property, plus the chain and the indexed or filtered
properties — then reads pages of 5,000 alternately as the 25 stored properties (what
``audit verify`` reads today), as the 14 lean properties, and as ``[seq, prev_hash, hash,
record]``; prints the median rate of each, and deletes the probe nodes.

    .venv/bin/python -m bench.bench_audit_fetch --uri bolt://127.0.0.1:7719
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, LiteralString

import neo4j
from neo4j import GraphDatabase

from hub.audit_chain import canonical

PAGE = 5000
LEAN_KEYS = (
    "writer",
    "seq",
    "prev_hash",
    "hash",
    "at",
    "unit",
    "user",
    "purpose",
    "decision",
    "operations",
    "subjects",
    "denied",
    "error_codes",
)
SHAPES: dict[str, LiteralString] = {
    "25 stored properties (today)": (
        "MATCH (a:AuditEvent) WHERE a.writer = $writer AND a.seq > $after "
        "WITH a ORDER BY a.writer, a.seq LIMIT $page RETURN collect(properties(a)) AS page"
    ),
    "14 lean properties": (
        "MATCH (a:AuditFetchProbe) WHERE a.writer = $writer AND a.seq > $after "
        "WITH a ORDER BY a.writer, a.seq LIMIT $page RETURN collect(properties(a)) AS page"
    ),
    "[seq, prev_hash, hash, record]": (
        "MATCH (a:AuditFetchProbe) WHERE a.writer = $writer AND a.seq > $after "
        "WITH a ORDER BY a.writer, a.seq LIMIT $page "
        "RETURN collect([a.seq, a.prev_hash, a.hash, a.record]) AS page"
    ),
}


def _copy_lean(driver: neo4j.Driver, writer: str, records: int) -> None:
    driver.execute_query(
        "CREATE CONSTRAINT audit_fetch_probe IF NOT EXISTS "
        "FOR (p:AuditFetchProbe) REQUIRE (p.writer, p.seq) IS UNIQUE"
    )
    for after in range(0, records, 10_000):
        rows, _, _ = driver.execute_query(
            "MATCH (a:AuditEvent) WHERE a.writer = $writer AND a.seq > $after "
            "AND a.seq <= $after + 10000 RETURN properties(a) AS p",
            writer=writer,
            after=after,
        )
        lean: list[dict[str, Any]] = []
        for row in rows:
            stored = dict(row["p"])
            node = {k: stored[k] for k in LEAN_KEYS if k in stored}
            node["record"] = canonical(stored).decode()
            lean.append(node)
        driver.execute_query("UNWIND $rows AS r CREATE (p:AuditFetchProbe) SET p = r", rows=lean)


def _rate(driver: neo4j.Driver, query: LiteralString, writer: str, records: int) -> float:
    started = time.perf_counter()
    for after in range(0, records, PAGE):
        driver.execute_query(
            query,
            writer=writer,
            after=after,
            page=PAGE,
            routing_=neo4j.RoutingControl.READ,
        )
    return records / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", required=True)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with GraphDatabase.driver(args.uri, notifications_min_severity="OFF") as driver:
        rows, _, _ = driver.execute_query(
            "MATCH (c:AuditCheckpoint) RETURN c.writer AS writer ORDER BY writer LIMIT 1"
        )
        writer = str(rows[0]["writer"])
        _copy_lean(driver, writer, args.records)
        try:
            rates: dict[str, list[float]] = {name: [] for name in SHAPES}
            for _ in range(args.rounds):
                for name, query in SHAPES.items():
                    rates[name].append(_rate(driver, query, writer, args.records))
            for name, values in rates.items():
                print(
                    f"{name:<32} median {statistics.median(values):9,.0f} records/s "
                    f"({min(values):,.0f}-{max(values):,.0f})"
                )
        finally:
            with driver.session() as session:  # CALL ... IN TRANSACTIONS: auto-commit only
                session.run(
                    "MATCH (p:AuditFetchProbe) CALL (p) { DELETE p } IN TRANSACTIONS OF 10000 ROWS"
                ).consume()
            driver.execute_query("DROP CONSTRAINT audit_fetch_probe IF EXISTS")


if __name__ == "__main__":
    main()
