"""The hub as a Federation v2 subgraph: the SDL it publishes (docs/federation.md).

``subgraph_sdl()`` is exactly what an admin reads from ``_service { sdl }``: strawberry's
printer over the schema ``schema.build.build_schema`` makes. ``credit-hub schema print`` writes
it, and ``schema/schema.graphql`` is that output committed, so a change to the public schema
shows up in review (``tests/test_federation.py`` fails until the file is regenerated).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hub.settings import Settings

COMMITTED = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def subgraph_sdl() -> str:
    """The federation SDL, ending in one newline."""
    from schema.build import build_schema

    return build_schema(introspection=True).as_str().rstrip("\n") + "\n"


def install(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``credit-hub schema print [--output FILE]``."""
    schema = sub.add_parser("schema", help="the hub's Federation v2 subgraph schema")
    actions = schema.add_subparsers(required=True, metavar="ACTION")
    printer = actions.add_parser(
        "print", help="the subgraph SDL (what _service { sdl } answers); stdout by default"
    )
    printer.add_argument("--output", "-o", type=Path, default=None, help="write it to FILE")
    printer.set_defaults(command=_print)


def _print(args: argparse.Namespace, settings: Settings) -> int:
    sdl = subgraph_sdl()
    if args.output is None:
        sys.stdout.write(sdl)
    else:
        args.output.write_text(sdl, encoding="utf-8")
    return 0


__all__ = ["COMMITTED", "install", "subgraph_sdl"]
