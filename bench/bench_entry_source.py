"""What recording an entry's source costs a bulk write: the entry statement of a base commit
(no source) against this tree's, 20,000 entry rows in one transaction each, rolled back,
interleaved rounds. Needs a graph with a unit U-TAX and at least 20,000 enterprises, e.g.
an import of such a file into a bench Neo4j:

    CREDIT_HUB_NEO4J_URI=bolt://127.0.0.1:7723 python -m bench.bench_entry_source \\
        --base fb8bc38 --rounds 21
"""

from __future__ import annotations

import argparse
import ast
import statistics
import subprocess
import time
from datetime import date
from typing import Any

from neo4j import GraphDatabase

from graph.loading import WRITE_ENTRIES
from graph.local import credentials_for
from hub.settings import Settings

ROWS = 20_000
SOURCE = {"feed": "IMPORT", "batch": "sha256:bench", "platform": None, "received_at": "now"}


def base_statement(commit: str) -> str:
    """``WRITE_ENTRIES`` as ``graph/loading.py`` had it at ``commit``."""
    text = subprocess.run(
        ["git", "show", f"{commit}:graph/loading.py"], capture_output=True, text=True, check=True
    ).stdout
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "WRITE_ENTRIES":
            return str(ast.literal_eval(node.value))
    raise SystemExit(f"{commit}: graph/loading.py has no WRITE_ENTRIES")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="a commit before sources were kept")
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    settings = Settings.from_env()
    statements = {"base": base_statement(args.base), "head": WRITE_ENTRIES}
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=credentials_for(settings.neo4j_uri)
    ) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (e:Enterprise) RETURN e.uscc AS uscc ORDER BY uscc LIMIT $n",
            n=ROWS,
            database_=settings.neo4j_database,
        )
        rows = [_row(i, record["uscc"]) for i, record in enumerate(records)]
        times: dict[str, list[float]] = {name: [] for name in statements}
        for round_ in range(args.rounds + 1):  # the first round warms up
            for name, statement in statements.items():
                with driver.session(database=settings.neo4j_database) as session:
                    tx = session.begin_transaction()
                    started = time.perf_counter()
                    tx.run(statement, rows=rows, source=SOURCE).consume()  # type: ignore[arg-type]
                    if round_:
                        times[name].append(time.perf_counter() - started)
                    tx.rollback()
    for name, measured in times.items():
        print(f"{name}: median {statistics.median(measured):.3f} s for {len(rows)} entries")
    ratios = [h / b for h, b in zip(times["head"], times["base"], strict=True)]
    print(f"head/base: median of paired ratios {statistics.median(ratios):.2f}")


def _row(index: int, uscc: str) -> dict[str, Any]:
    return {
        "id": f"E-BENCH-{index:06d}", "list": "BLACK", "status": "ACTIVE", "domain": "TAX",
        "basis": 2, "legal_basis": None, "act_date": None, "identified_on": date(2024, 1, 2),
        "reported_on": None, "valid_from": None, "valid_until": date(2030, 1, 1),
        "repairable": True, "repair_method": None, "repair_earliest": None,
        "exit_reason": None, "exited_on": None, "unit": "U-TAX", "subject_uscc": uscc,
        "subject_bidx": None,
    }  # fmt: skip


if __name__ == "__main__":
    main()
