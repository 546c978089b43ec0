"""The commands that change or send the data, each audited (``hub.cli.audited``):
``migrate``, ``seed``, ``import``, ``push``, ``expire`` and ``export`` (R18)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from graph.audit.scan import AuditScan
from graph.catalogue import load_catalogue
from graph.driver import open_async_driver, open_driver
from graph.errors import CatalogueError
from graph.model import migrate
from hub.cli.audited import arguments, audited, file_read
from hub.clock import today
from hub.errors import BadInput, ConfigurationError
from hub.exchange.court_feed import import_court_feed
from hub.exchange.export import export_snapshot, platform_key
from hub.exchange.recognition import recognise
from hub.exchange.snapshots import public_key_text
from hub.importing.run import import_file
from hub.lifecycle.expiry import expire_due
from hub.lifecycle.push_file import push_file
from hub.settings import Settings


def add_migrate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser(
        "migrate", help="constraints, indexes, measures catalogue, audit store form"
    ).set_defaults(command=audited("Cli.migrate", _migrate, arguments()))


def add_seed(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    seed = sub.add_parser("seed", help="a deterministic synthetic city")
    seed.add_argument("--enterprises", type=int, required=True)
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument(
        "--persons", type=int, help="persons besides the demo ones (default: 1.5 per enterprise)"
    )
    seed.set_defaults(command=audited("Cli.seed", _seed, arguments("enterprises", "seed")))


def add_import(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    imp.set_defaults(command=audited("Cli.import", _import, _import_details))


def add_push(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    push = sub.add_parser("push", help="a unit's batch of proposals (up to 10,000), all or nothing")
    push.add_argument("file", type=Path)
    push.add_argument("--unit", required=True, help="the identifying unit pushing them")
    push.add_argument("--user", default=None)
    push.set_defaults(command=audited("Cli.push", _push, _push_details))


def add_expire(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser(
        "expire", help="record the exits of entries past their validity (R7c, R8c); idempotent"
    ).set_defaults(command=audited("Cli.expire", _expire, arguments()))


def add_export(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser(
        "export", help="a unit's or the city's effective entries as a signed snapshot (R18)"
    )
    export.add_argument("--platform", required=True, help="this platform's code, e.g. CITY-A")
    export.add_argument("--unit", default=None, help="one identifying unit (default: all)")
    export.add_argument("--since", default=None, help="include exits on or after YYYY-MM-DD")
    export.add_argument("--out", "-o", type=Path, required=True)
    export.add_argument(
        "--trust-entry", action="store_true", help="print this platform's trusted-keys entry"
    )
    details = arguments("platform", "unit", "since", "out")
    export.set_defaults(command=audited("Cli.export", _export, details))


def _import_details(args: argparse.Namespace) -> dict[str, Any]:
    return file_read(args) | arguments("court_feed")(args)


def _push_details(args: argparse.Namespace) -> dict[str, Any]:
    return file_read(args) | {"unit": args.unit}


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


def _push(args: argparse.Namespace, settings: Settings) -> int:
    count = push_file(settings, args.file, args.unit, args.user or f"cli@{args.unit}")
    print(f"{count} entries proposed by {args.unit}")
    return 0


def _expire(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    async def run() -> str:
        driver = open_async_driver(settings)
        try:
            return str(await expire_due(driver, settings.neo4j_database, today))
        finally:
            await driver.close()

    print(asyncio.run(run()))
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    """The snapshot to ``--out``; its manifest's counts and digest go on the audit record."""

    since = _day(args.since) if args.since else None
    document = export_snapshot(
        settings, platform=args.platform, unit=args.unit, since=since, today=today()
    )
    manifest = orjson.loads(document)["manifest"]
    args.out.write_bytes(document)
    args.audit_details = {
        "entries": manifest["counts"]["entries"],
        "exits": manifest["counts"]["exits"],
        "digest": manifest["digest"],
        "sequence": manifest["sequence"],
    }
    print(
        f"exported {manifest['counts']['entries']} entries, {manifest['counts']['exits']} exits "
        f"to {args.out} (sequence {manifest['sequence']}, {manifest['digest']})",
        file=sys.stderr,
    )
    if args.trust_entry:
        key, key_id = platform_key(settings.keys_dir, create=False)
        entry = {"id": key_id, "platform": args.platform, "public_key": public_key_text(key)}
        print(orjson.dumps(entry).decode())
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput("--since", "must be a date YYYY-MM-DD") from None
