"""``make bench``: every benchmark in bench/, at a modest scale, against a Neo4j of its own.

Starts a local Neo4j on a free port in a fresh data dir under ``.local/``, migrates it, then runs
in turn (each a ``python -m bench.<name>`` of its own, its figures printed as they come):

1. ``bench_seed``: the bulk load of ``--enterprises`` enterprises (budget 20,000 n+r/s);
2. ``bench_enterprise``: ``enterprise(uscc)`` over HTTP against the bare driver;
3. ``bench_check``: ``check`` p50/p99 and req/s, ``checkMany`` of 1,000, ``exposure`` depth 2;
4. ``n_plus_one_check``: the one-query check against the N+1 baseline (the ratio);
5. ``bench_lifecycle``: a 10,000-entry push and one lifecycle step under load (writes);
6. ``bench_audit_verify``: audit chain verification (no Neo4j);
7. ``bench_audit_outage``: audit overhead and an audit store outage (its own two Neo4j).

Then it stops its Neo4j and deletes the data dir (``--keep`` keeps both running). At the
issue's scale (docs/check.md, "Figures"), give the Neo4j a page cache that holds the store:

    CREDIT_HUB_NEO4J_HEAP=2g CREDIT_HUB_NEO4J_PAGECACHE=6g \\
        .venv/bin/python -m bench.run_all --enterprises 1000000 --persons 2000000 --requests 4000

``--only NAME`` (repeatable) runs some benches; ``bench_seed`` always runs first unless
``--no-seed`` is given with ``--neo4j-uri`` of a graph seeded already (then
``CREDIT_HUB_DATA_DIR`` must hold the keys it was seeded with, and ``--enterprises`` its scale).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from graph import local as local_neo4j
from hub.settings import local_neo4j_config

GRAPH_BENCHES = ("bench_enterprise", "bench_check", "n_plus_one_check", "bench_lifecycle")
OTHER_BENCHES = ("bench_audit_verify", "bench_audit_outage")


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--persons", type=int, default=None, help="default: 1.5 per enterprise")
    parser.add_argument("--requests", type=int, default=2_000, help="per HTTP load")
    parser.add_argument("--only", action="append", default=[], metavar="NAME")
    parser.add_argument("--keep", action="store_true", help="leave the Neo4j running")
    parser.add_argument("--no-seed", action="store_true", help="with --neo4j-uri: seeded")
    parser.add_argument("--neo4j-uri", default=None, help="a migrated Neo4j to use instead")
    return parser.parse_args(argv)


def _commands(args: argparse.Namespace) -> list[tuple[str, list[str]]]:
    scale = ["--enterprises", str(args.enterprises)]
    persons = [] if args.persons is None else ["--persons", str(args.persons)]
    requests = ["--requests", str(args.requests)]
    commands = {
        "bench_seed": [*scale, *persons],
        "bench_enterprise": [*requests, "--port", str(local_neo4j.free_port())],
        "bench_check": [*scale, *requests, "--port", str(local_neo4j.free_port())],
        "n_plus_one_check": [*scale, "--requests", str(max(100, args.requests // 2))],
        "bench_lifecycle": ["--port", str(local_neo4j.free_port())],
        "bench_audit_verify": ["--records", "200000", "--runs", "1"],
        "bench_audit_outage": ["--runs", "1"],
    }
    names = ["bench_seed"] if not args.no_seed else []
    names += [n for n in (*GRAPH_BENCHES, *OTHER_BENCHES) if not args.only or n in args.only]
    return [(name, commands[name]) for name in names]


def _run(name: str, arguments: list[str], env: dict[str, str]) -> int:
    print(f"\n== {name} {' '.join(arguments)}", flush=True)
    started = time.monotonic()
    command = [sys.executable, "-m", f"bench.{name}", *arguments]
    status = subprocess.run(command, env=env, check=False).returncode
    print(f"-- {name}: exit {status} in {time.monotonic() - started:.0f} s", flush=True)
    return status


def _migrate(env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "hub.cli.main", "migrate"]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    if args.no_seed and args.neo4j_uri is None:
        raise SystemExit("--no-seed needs --neo4j-uri of a seeded graph")
    started = args.neo4j_uri is None
    data_dir = Path(".local") / f"bench-run-{os.getpid()}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if started:  # else the graph's own keys: CREDIT_HUB_DATA_DIR as it was seeded
        env["CREDIT_HUB_DATA_DIR"] = str(data_dir)
    else:
        env["CREDIT_HUB_NEO4J_URI"] = args.neo4j_uri
    try:
        if started:
            env["CREDIT_HUB_NEO4J_URI"] = local_neo4j.start(
                data_dir, local_neo4j.free_port(), config=local_neo4j_config()
            )
            print(f"neo4j {env['CREDIT_HUB_NEO4J_URI']} in {data_dir}", flush=True)
        _migrate(env)
        results = [(name, _run(name, arguments, env)) for name, arguments in _commands(args)]
    finally:
        if started and not args.keep:
            local_neo4j.stop(data_dir, config=local_neo4j_config())
            shutil.rmtree(data_dir, ignore_errors=True)
    print("\n" + "\n".join(f"{name:<20} exit {status}" for name, status in results))
    return max(status for _, status in results)


if __name__ == "__main__":
    raise SystemExit(main())
