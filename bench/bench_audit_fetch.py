"""How fast audit records come back from Neo4j, by the shape of a page (the store-verification
bound; docs/audit.md, Figures).

Reads ``--records`` of one writer's stored records (a store loaded by
``bench.bench_audit_verify --graph``) in pages of 5,000, alternately as every stored property
(``properties(a)``: the stored record plus the chain and filter properties), as ``[seq,
prev_hash, hash, record]`` (the chain alone), and as the page ``audit verify`` reads
(``WRITER_CHAIN_PAGE``: the chain plus one string encoding the filter properties); prints the
median rate of each over ``--rounds``.

    .venv/bin/python -m bench.bench_audit_fetch --uri bolt://127.0.0.1:7732
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import LiteralString

import neo4j
from neo4j import GraphDatabase

from graph.audit.scan import WRITER_CHAIN_PAGE
from graph.local import credentials_for

PAGE = 5000
SHAPES: dict[str, LiteralString] = {
    "every stored property": (
        "MATCH (a:AuditEvent) WHERE a.writer = $writer AND a.seq > $after "
        "AND a.seq <= $through "
        "WITH a ORDER BY a.writer, a.seq LIMIT $page RETURN collect(properties(a)) AS page"
    ),
    "[seq, prev_hash, hash, record]": (
        "MATCH (a:AuditEvent) WHERE a.writer = $writer AND a.seq > $after "
        "AND a.seq <= $through "
        "WITH a ORDER BY a.writer, a.seq LIMIT $page "
        "RETURN collect([a.seq, a.prev_hash, a.hash, a.record]) AS page"
    ),
    "verification page (+ filters)": WRITER_CHAIN_PAGE,
}


def _rate(driver: neo4j.Driver, query: LiteralString, writer: str, records: int) -> float:
    started = time.perf_counter()
    for after in range(0, records, PAGE):
        driver.execute_query(
            query,
            writer=writer,
            after=after,
            through=2**62,
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
    with GraphDatabase.driver(
        args.uri, auth=credentials_for(args.uri), notifications_min_severity="OFF"
    ) as driver:
        rows, _, _ = driver.execute_query(
            "MATCH (c:AuditCheckpoint) RETURN c.writer AS writer ORDER BY writer LIMIT 1"
        )
        writer = str(rows[0]["writer"])
        rates: dict[str, list[float]] = {name: [] for name in SHAPES}
        for _ in range(args.rounds):
            for name, query in SHAPES.items():
                rates[name].append(_rate(driver, query, writer, args.records))
        for name, values in rates.items():
            print(
                f"{name:<32} median {statistics.median(values):9,.0f} records/s "
                f"({min(values):,.0f}-{max(values):,.0f})"
            )


if __name__ == "__main__":
    main()
