"""The edge directives' cost (docs/federation.md, "Edge directives"): deriving the scopes from a
freshly loaded policy (Casbin asked afresh each run) and writing them into the printed SDL.

    python -m bench.bench_edge_scopes [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

from hub.federation.edge_scopes import edge_scopes
from hub.federation.sdl_directives import with_edge_directives
from hub.policy.engine import Policy, read_policy_texts
from hub.services import schema_surface
from schema.build import build_schema


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    schema = build_schema(introspection=True)
    surface = schema_surface(schema)
    derive: list[float] = []
    write: list[float] = []
    for _ in range(runs):
        policy = Policy(read_policy_texts(), surface)
        started = time.perf_counter()
        scopes = edge_scopes(policy)
        derived = time.perf_counter()
        sdl = with_edge_directives(schema.as_str(), scopes)
        derive.append(derived - started)
        write.append(time.perf_counter() - derived)
    print(
        f"scopes of {len(scopes)} coordinates: median {statistics.median(derive):.2f} s; "
        f"SDL with directives: median {statistics.median(write) * 1000:.0f} ms, "
        f"{len(sdl):,} characters ({runs} runs)"
    )


if __name__ == "__main__":
    main()
