"""``credit-hub``: the command line of API.md.

Exit status: 0 on success, 1 on bad input (the message names the line, field and rule),
2 on usage errors (argparse).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from neo4j.exceptions import ServiceUnavailable

from graph.errors import GraphError
from hub.admin.stats import install as install_stats
from hub.cli import audit, data, keys, neo4j, policy, serve
from hub.errors import HubError, ImportRejected
from hub.federation.subgraph import install as install_schema
from hub.settings import Settings

Command = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings.from_env()
        command: Command = args.command
        return command(args, settings)
    except ImportRejected as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"import rejected: {exc.message}", file=sys.stderr)
        return 1
    except (HubError, GraphError) as exc:  # the graph's own (the local Neo4j) print alike
        print(f"credit-hub: {exc.message}", file=sys.stderr)
        return 1
    except ServiceUnavailable as exc:
        print(f"credit-hub: Neo4j does not answer ({exc}); is it running?", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    """Every command group, in the order ``credit-hub --help`` lists them."""
    parser = argparse.ArgumentParser(prog="credit-hub", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    neo4j.install(sub)  # `neo4j start|stop|status`
    policy.install(sub)  # `policy check`
    data.add_migrate(sub)
    data.add_seed(sub)
    data.add_import(sub)
    keys.add_rotate(sub)  # `keys rotate`
    data.add_push(sub)
    data.add_expire(sub)
    keys.add_token(sub)
    serve.install(sub)
    audit.install(sub)  # `audit verify|prove|verify-proof|export|prune|rotate-key|migrate|...`
    install_schema(sub)  # `schema print`
    data.add_export(sub)  # `export` (R18)
    install_stats(sub)  # `stats` (R24)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
