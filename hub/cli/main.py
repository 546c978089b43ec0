"""``credit-hub``: the command line of API.md.

Exit status: 0 on success, 1 on bad input (the message names the line, field and rule),
2 on usage errors (argparse).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from neo4j.exceptions import ServiceUnavailable

from graph import local_neo4j
from graph.audit.scan import AuditScan
from graph.catalogue import load_catalogue
from graph.driver import open_async_driver, open_driver
from graph.errors import CatalogueError, GraphError
from graph.model import migrate
from hub.admin.stats import install as install_stats
from hub.audit.operations import ensure_recordable, operation_record, record_operation
from hub.cli.audit import install as install_audit
from hub.clock import today
from hub.errors import ConfigurationError, HubError, ImportRejected
from hub.exchange.court_feed import import_court_feed
from hub.exchange.export import install as install_export
from hub.exchange.recognition import recognise
from hub.federation.subgraph import install as install_schema
from hub.http.serving import serve as serve_hub
from hub.importing.run import import_file
from hub.keys.rotation import rotate
from hub.keys.signing import mint_token
from hub.lifecycle.expiry import expire_due
from hub.lifecycle.push_file import push_file
from hub.policy.engine import Policy, read_policy_texts
from hub.policy.lint import lint, matrix_markdown
from hub.policy.roles import ROLES
from hub.settings import Settings
from schema.build import build_schema
from schema.surface import schema_surface

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
    parser = argparse.ArgumentParser(prog="credit-hub", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    neo4j = sub.add_parser("neo4j", help="the local Neo4j 5.26 Community").add_subparsers(
        required=True, metavar="ACTION"
    )
    start = neo4j.add_parser("start", help="start it (idempotent); prints the bolt URI")
    start.add_argument("--port", type=int, default=7687)
    start.add_argument("--data-dir", type=Path, default=None)
    start.set_defaults(command=_neo4j_start)
    for name, handler in (("stop", _neo4j_stop), ("status", _neo4j_status)):
        action = neo4j.add_parser(name)
        action.add_argument("--data-dir", type=Path, default=None)
        action.set_defaults(command=handler)

    policy = sub.add_parser("policy", help="the authorization policy").add_subparsers(
        required=True, metavar="ACTION"
    )
    check = policy.add_parser("check", help="lint policies/ and print the effective matrix")
    check.add_argument("--write-docs", action="store_true", help="write docs/policy-matrix.md")
    check.set_defaults(command=_policy_check)

    sub.add_parser(
        "migrate", help="constraints, indexes, measures catalogue, audit store form"
    ).set_defaults(command=_migrate)
    seed = sub.add_parser("seed", help="a deterministic synthetic city")
    seed.add_argument("--enterprises", type=int, required=True)
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument(
        "--persons", type=int, help="persons besides the demo ones (default: 1.5 per enterprise)"
    )
    seed.set_defaults(command=_seed)

    imp = sub.add_parser("import", help="import a JSON Lines file, all or nothing")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--court-feed",
        action="store_true",
        help="FILE is a courts' judgment-debtor feed (R15; docs/federation.md)",
    )
    imp.add_argument(
        "--signed", action="store_true", help="FILE is another platform's signed snapshot (R18)"
    )
    imp.add_argument("--trust", type=Path, default=None, help="trusted keys file for --signed")
    imp.set_defaults(command=_import)

    keys = sub.add_parser("keys", help="field encryption keys").add_subparsers(
        required=True, metavar="ACTION"
    )
    keys.add_parser(
        "rotate", help="a new active key; re-encrypt every identity number in batches"
    ).set_defaults(command=_keys_rotate)

    push = sub.add_parser("push", help="a unit's batch of proposals (up to 10,000), all or nothing")
    push.add_argument("file", type=Path)
    push.add_argument("--unit", required=True, help="the identifying unit pushing them")
    push.add_argument("--user", default=None)
    push.set_defaults(command=_push)

    sub.add_parser(
        "expire", help="record the exits of entries past their validity (R7c, R8c); idempotent"
    ).set_defaults(command=_expire)

    token = sub.add_parser("token", help="a bearer token signed with the local dev key")
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument("--unit", required=True)
    token.add_argument("--sub", default=None)
    token.add_argument("--ttl", type=int, default=3600)
    token.set_defaults(command=_token)

    serve = sub.add_parser("serve", help="serve the hub with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(command=_serve)
    install_audit(sub)  # `audit ...`, and an audit record for every data-changing command
    install_schema(sub)  # `schema print`
    install_export(sub)  # `export` (R18)
    install_stats(sub)  # `stats` (R24)
    return parser


def _neo4j_dir(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.data_dir) if args.data_dir else settings.data_dir


def _neo4j_start(args: argparse.Namespace, settings: Settings) -> int:
    started = time.perf_counter()
    data_dir = _neo4j_dir(args, settings)
    uri = local_neo4j.start(data_dir, port=args.port)
    print(uri)
    print(f"# ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(f"# user neo4j, password in {local_neo4j.password_file(data_dir)}", file=sys.stderr)
    return 0


def _neo4j_stop(args: argparse.Namespace, settings: Settings) -> int:
    stopped = local_neo4j.stop(_neo4j_dir(args, settings))
    print("stopped" if stopped else "not running")
    return 0


def _neo4j_status(args: argparse.Namespace, settings: Settings) -> int:
    status = local_neo4j.status(_neo4j_dir(args, settings))
    if status.running:
        print(f"running pid={status.pid} {status.uri}")
        return 0
    print("not running")
    return 3


def _policy_check(args: argparse.Namespace, settings: Settings) -> int:
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


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    with open_driver(settings) as driver:
        names = migrate(driver, settings.neo4j_database)
        try:
            summary = load_catalogue(driver, settings.neo4j_database)
        except CatalogueError as exc:
            raise ConfigurationError(exc.message) from exc
    with open_driver(settings, settings.audit_neo4j_uri) as driver:
        upgraded = AuditScan(driver, settings.neo4j_database).upgrade_stored_form()
    print(f"constraints and indexes: {', '.join(names)}")
    print(f"measures catalogue: {summary}")
    print(f"audit records rewritten to the stored form: {upgraded}")
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    # Deliberately lazy: only ``seed`` needs Faker and the seeding package (demo data, ~0.5 s
    # of imports every other command would pay); a downward import, no circle.
    from hub.seeding import seed_city

    if args.enterprises < 1:
        print("credit-hub: --enterprises: must be at least 1", file=sys.stderr)
        return 2
    if args.persons is not None and args.persons < 4:
        print("credit-hub: --persons: must be at least 4 (an enterprise's team)", file=sys.stderr)
        return 2
    summary = seed_city(settings, args.enterprises, args.seed, args.persons)
    print(summary)
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    if args.signed:
        if args.trust is None:
            print("credit-hub import: --signed needs --trust KEYS", file=sys.stderr)
            return 2
        summary = recognise(settings, args.file, args.trust)
    elif args.court_feed:
        summary = import_court_feed(settings, args.file)
    else:
        summary = import_file(settings, args.file)
    print(summary)
    return 0


def _keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    started = time.perf_counter()
    ensure_recordable(settings, "Cli.keys.rotate")
    summary = rotate(settings)
    details = {"key_id": summary.key_id, "resealed": summary.resealed}
    record_operation(
        settings,
        operation_record("Cli.keys.rotate", decision="ALLOWED", started=started, details=details),
    )
    print(summary)
    return 0


def _push(args: argparse.Namespace, settings: Settings) -> int:
    count = push_file(settings, args.file, args.unit, args.user or f"cli@{args.unit}")
    print(f"{count} entries proposed by {args.unit}")
    return 0


def _expire(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> str:
        driver = open_async_driver(settings)
        try:
            return str(await expire_due(driver, settings.neo4j_database, today))
        finally:
            await driver.close()

    print(asyncio.run(run()))
    return 0


def _token(args: argparse.Namespace, settings: Settings) -> int:
    print(
        mint_token(
            settings.keys_dir,
            roles=[args.role],
            unit=args.unit,
            subject=args.sub or f"{args.role}@{args.unit}",
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=args.ttl,
        )
    )
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    serve_hub(args.host, args.port, args.workers)  # limits: settings.server (CREDIT_HUB_* too)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
