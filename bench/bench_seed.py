"""Bulk load benchmark: ``seed_city`` at N enterprises; budget ≥ 20,000 nodes+relationships/s.

It starts nothing: it expects a running, migrated Neo4j at ``CREDIT_HUB_NEO4J_URI`` (default:
the local one on 7687), preferably empty and not shared with anything else, e.g.

    credit-hub neo4j start --port 7689 --data-dir .local/bench-neo4j
    CREDIT_HUB_NEO4J_URI=bolt://127.0.0.1:7689 credit-hub migrate
    CREDIT_HUB_NEO4J_URI=bolt://127.0.0.1:7689 .venv/bin/python bench/bench_seed.py

Field keys go to ``CREDIT_HUB_DATA_DIR`` (default ``.local``), created on first use.
"""

from __future__ import annotations

import argparse

from hub.seeding import seed_city
from hub.seeding.run import WRITERS
from hub.settings import Settings

BUDGET = 20_000  # nodes + relationships per second (DESIGN.md, Budgets)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=None, help="default: 1.5 per enterprise")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--writers", type=int, default=WRITERS, help="node parts loading at once")
    args = parser.parse_args()
    settings = Settings.from_env()
    summary = seed_city(settings, args.enterprises, args.seed, args.persons, args.writers)
    print(f"neo4j          {settings.neo4j_uri}, {args.writers} writer(s)")
    print(f"enterprises    {summary.enterprises:,}")
    print(f"persons        {summary.persons:,}")
    print(f"entries        {summary.entries:,}")
    print(f"nodes          {summary.nodes:,} ({summary.nodes_created:,} new)")
    print(f"relationships  {summary.relationships:,} ({summary.relationships_created:,} new)")
    print(f"generation     {summary.generate_seconds:.1f} s")
    print(f"seconds        {summary.seconds:.1f} s")
    verdict = "within" if summary.rate >= BUDGET else "OVER"
    print(f"rate           {summary.rate:,.0f} nodes+relationships/s ({verdict} budget {BUDGET:,})")
    return 0 if summary.rate >= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
