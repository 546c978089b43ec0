"""The hub as a Federation v2 subgraph: the SDL it publishes (docs/federation.md).

The published SDL is strawberry's print of the schema ``schema.build.build_schema`` makes, with
the Federation auth directives (``@authenticated``, ``@requiresScopes``) derived from the policy
(``hub.federation.edge_scopes``, ``hub.federation.sdl_directives``). ``{ _service { sdl } }``
(admins) answers it
under the policy in force, so a policy reload shows in the next answer; ``credit-hub schema
print`` writes it under the policy files of the settings (``CREDIT_HUB_POLICY_DIR``, else the
packaged ``policies/``). ``schema/schema.graphql`` is that output for the packaged policy,
committed, so a change to the schema or the policy shows up in review
(``tests/federation/test_federation.py`` fails until the file is regenerated).
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Protocol

from hub.federation.edge_scopes import edge_scopes
from hub.federation.sdl_directives import with_edge_directives
from hub.policy.engine import Policy, read_policy_texts
from hub.settings import Settings
from schema.build import build_schema
from schema.surface import schema_surface

COMMITTED = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
_CACHE_SIZE = 8


class Printable(Protocol):
    def as_str(self) -> str: ...


_cache: dict[tuple[str, str], str] = {}
_lock = threading.Lock()


def published_sdl(schema: Printable, policy: Policy) -> str:
    """The SDL of ``schema`` with the edge directives of ``policy``, ending in one newline.

    Deriving the scopes asks Casbin a few thousand questions (about 1 s), so the answer is
    kept per (printed schema, policy version); call it off the event loop."""
    base = schema.as_str().rstrip("\n") + "\n"
    key = (base, policy.version)
    with _lock:
        known = _cache.get(key)
        if known is None:
            known = with_edge_directives(base, edge_scopes(policy))
            if len(_cache) >= _CACHE_SIZE:
                _cache.clear()
            _cache[key] = known
    return known


def subgraph_sdl(policy_directory: Path | None = None) -> str:
    """The published SDL under the policy files of ``policy_directory`` (default: packaged)."""
    schema = build_schema(introspection=True)
    policy = Policy(read_policy_texts(policy_directory), schema_surface(schema))
    return published_sdl(schema, policy)


def install(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``credit-hub schema print [--output FILE]``."""
    schema = sub.add_parser("schema", help="the hub's Federation v2 subgraph schema")
    actions = schema.add_subparsers(required=True, metavar="ACTION")
    printer = actions.add_parser(
        "print",
        help="the subgraph SDL with the policy's auth directives (what _service { sdl } "
        "answers); stdout by default",
    )
    printer.add_argument("--output", "-o", type=Path, default=None, help="write it to FILE")
    printer.set_defaults(command=_print)


def _print(args: argparse.Namespace, settings: Settings) -> int:
    sdl = subgraph_sdl(settings.policy_dir)
    if args.output is None:
        sys.stdout.write(sdl)
    else:
        args.output.write_text(sdl, encoding="utf-8")
    return 0


__all__ = ["COMMITTED", "install", "published_sdl", "subgraph_sdl"]
