"""``credit-hub policy check [--write-docs]``: lint the policies and print (or write to
docs/policy-matrix.md) the effective matrix; exit 1 with the problems if any."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hub.policy.engine import Policy, read_policy_texts
from hub.policy.lint import lint, matrix_markdown
from hub.settings import Settings
from schema.build import build_schema
from schema.surface import schema_surface


def install(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    policy = sub.add_parser("policy", help="the authorization policy").add_subparsers(
        required=True, metavar="ACTION"
    )
    check = policy.add_parser("check", help="lint policies/ and print the effective matrix")
    check.add_argument("--write-docs", action="store_true", help="write docs/policy-matrix.md")
    check.set_defaults(command=_check)


def _check(args: argparse.Namespace, settings: Settings) -> int:
    texts = read_policy_texts()
    surface = schema_surface(build_schema(introspection=True))
    problems = lint(texts, surface)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"policy check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    document = matrix_markdown(Policy(texts, surface), surface)
    if args.write_docs:
        Path("docs/policy-matrix.md").write_text(document, encoding="utf-8")
        print("wrote docs/policy-matrix.md")
    else:
        print(document)
    return 0
