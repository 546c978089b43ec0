"""``credit-hub audit ...``: verify, prove, export and prune the audit log.

``install(sub)`` (called once from ``hub.cli.main``) adds the ``audit`` command group; the
subcommands that read or change the log leave an audit record of their own (``hub.cli.audited``).

| command | does | exit |
|---|---|---|
| ``audit verify [--writer W] [--jobs N] [--public-key PEM]...`` | every chain and checkpoint in the store | 0 ok, 1 findings |
| ``audit verify --file FILE`` | an export, offline (no Neo4j) | 0 ok, 1 findings |
| ``audit prove --writer W --seq N [--out FILE]`` | an inclusion proof for one record | 0, 1 not provable |
| ``audit verify-proof FILE`` | checks a proof, offline | 0 ok, 1 not ok |
| ``audit export --from D --to D --out FILE`` | a time range as signed JSON Lines | 0 |
| ``audit prune --before DATE [--dry-run]`` | retention (at least ``audit_retention_days``) | 0 |
| ``audit rotate-key`` | a new audit signing key; the old public key is kept | 0 |
| ``audit migrate`` | the audit constraints on a separate audit store | 0 |
| ``audit subject-token (--id-number N \\| --uscc U)`` | a local self-service token | 0 |

Dates (``--from``, ``--to``, ``--before``) are ISO dates, meaning 00:00 in the platform's time
zone (Asia/Shanghai), or ISO date-times with an offset.
"""  # noqa: E501

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import orjson

from graph.audit.scan import AuditScan
from graph.audit.store import apply_audit_schema
from graph.driver import open_driver
from hub.audit import retention
from hub.audit.export import export_range, verify_file
from hub.audit.log import audit_time
from hub.audit.proof import check_proof, make_proof
from hub.audit.signing import AuditKeys, load_audit_keys, load_audit_signer, rotate_audit_key
from hub.audit.subjects import subject_claim
from hub.audit.verify import WriterReport
from hub.audit.verify_store import verify_store, verify_store_parallel
from hub.cli.audited import arguments as _args
from hub.cli.audited import audited
from hub.clock import PLATFORM_ZONE, today
from hub.errors import BadInput, NotFound
from hub.keys.crypto import FieldCipher, load_keyring
from hub.keys.signing import mint_token
from hub.settings import Settings


def install(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("audit", help="verify, prove, export and prune the audit log")
    actions = group.add_subparsers(required=True, metavar="ACTION")

    verify = actions.add_parser("verify", help="every chain and checkpoint (or an export file)")
    verify.add_argument("--file", type=Path, default=None, help="an export, checked offline")
    verify.add_argument("--writer", default=None)
    verify.add_argument(
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="writers verified at once, each in its own process (default: cores, at most 4)",
    )
    _keys_argument(verify)
    verify.set_defaults(command=_verify)

    prove = actions.add_parser("prove", help="an inclusion proof for one record")
    prove.add_argument("--writer", required=True)
    prove.add_argument("--seq", type=int, required=True)
    prove.add_argument("--out", type=Path, default=None)
    prove.set_defaults(command=audited("Cli.audit.prove", _prove, _args("writer", "seq")))

    check = actions.add_parser("verify-proof", help="check an inclusion proof, offline")
    check.add_argument("file", type=Path)
    _keys_argument(check)
    check.set_defaults(command=_verify_proof)

    export = actions.add_parser("export", help="a time range as signed JSON Lines")
    export.add_argument("--from", dest="start", required=True, type=_moment)
    export.add_argument("--to", dest="end", required=True, type=_moment)
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(command=audited("Cli.audit.export", _export, _args("start", "end", "out")))

    prune = actions.add_parser("prune", help="retention: records before DATE, cut at checkpoints")
    prune.add_argument("--before", required=True, type=date.fromisoformat)
    prune.add_argument("--dry-run", action="store_true")
    _keys_argument(prune)
    prune.set_defaults(command=audited("Cli.audit.prune", _prune, _args("before", "dry_run")))

    actions.add_parser("rotate-key", help="a new audit signing key").set_defaults(
        command=audited("Cli.audit.rotate-key", _rotate_key, _args())
    )
    actions.add_parser("migrate", help="audit constraints on the audit store").set_defaults(
        command=audited("Cli.audit.migrate", _migrate, _args())
    )

    token = actions.add_parser("subject-token", help="a local self-service (data_subject) token")
    subject = token.add_mutually_exclusive_group(required=True)
    subject.add_argument("--id-number", default=None)
    subject.add_argument("--uscc", default=None)
    token.add_argument("--ttl", type=int, default=3600)
    token.set_defaults(command=_subject_token)


def _keys_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--public-key",
        type=Path,
        action="append",
        default=[],
        help="an audit public key (PEM) to trust besides those in the keys directory",
    )


# -- the commands -------------------------------------------------------------------------------


def _keys(args: argparse.Namespace, settings: Settings) -> AuditKeys:
    keys = load_audit_keys(settings.keys_dir, args.public_key)
    if not keys.public:
        raise BadInput("--public-key", f"no audit public key in {settings.keys_dir} or given")
    return keys


def _scan(settings: Settings) -> tuple[AuditScan, Callable[[], None]]:
    driver = open_driver(settings, settings.audit_neo4j_uri)
    return AuditScan(driver, settings.neo4j_database), driver.close


def _verify_store(
    args: argparse.Namespace, settings: Settings, keys: AuditKeys
) -> list[WriterReport]:
    scan, close = _scan(settings)
    try:
        writers = [args.writer] if args.writer else scan.writers()
        if args.jobs > 1 and len(writers) > 1:
            return verify_store_parallel(settings, keys, writers, args.jobs)
        return verify_store(scan, keys, args.writer)
    finally:
        close()


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    keys = _keys(args, settings)
    started = time.perf_counter()
    if args.file is not None:
        report = verify_file(args.file, keys)
        for problem in report.problems:
            print(f"file: {problem}")
        reports = report.writers
        failed = bool(report.problems)
    else:
        reports = _verify_store(args, settings, keys)
        failed = False
    for writer_report in reports:
        print(writer_report)
    findings = sum(1 for r in reports if r.finding is not None)
    records = sum(max(0, r.last_seq - r.first_seq + 1) for r in reports)
    seconds = time.perf_counter() - started
    print(
        f"{len(reports)} writer(s), {records} record(s) in {seconds:.2f} s: "
        + (f"{findings} finding(s)" if findings or failed else "every chain verifies")
    )
    return 1 if findings or failed else 0


def _prove(args: argparse.Namespace, settings: Settings) -> int:
    scan, close = _scan(settings)
    try:
        record = next(iter(scan.records(args.writer, args.seq - 1, args.seq)), None)
        if record is None:
            raise NotFound(f"no audit record writer {args.writer} seq {args.seq}")
        checkpoint = scan.first_checkpoint_from(args.writer, args.seq)
        if checkpoint is None:
            raise NotFound(
                f"writer {args.writer} seq {args.seq} is not yet sealed by a checkpoint; "
                "try again after the next one"
            )
        later = scan.records(args.writer, args.seq, int(checkpoint["size"]))
        proof = make_proof(record, later, checkpoint)
    finally:
        close()
    text = orjson.dumps(proof, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    if args.out is None:
        sys.stdout.write(text.decode())
    else:
        args.out.write_bytes(text)
        print(f"proof of writer {args.writer} seq {args.seq} written to {args.out}")
    return 0


def _verify_proof(args: argparse.Namespace, settings: Settings) -> int:
    try:
        proof = orjson.loads(args.file.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise BadInput(str(args.file), f"not a readable JSON proof: {exc}") from None
    problems = check_proof(proof, _keys(args, settings))
    if problems:
        for problem in problems:
            print(f"not proven: {problem}")
        return 1
    record, checkpoint = proof["record"], proof["checkpoint"]
    print(
        f"ok: writer {record['writer']} seq {record['seq']} is in the chain signed at size "
        f"{checkpoint['size']} ({checkpoint['at']})"
    )
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    if args.end <= args.start:
        raise BadInput("--to", "must be later than --from")
    signer = load_audit_signer(settings.keys_dir, create=not settings.is_production)
    scan, close = _scan(settings)
    try:
        with args.out.open("wb") as out:
            summary = export_range(scan, signer, args.start, args.end, out)
    finally:
        close()
    args.audit_details = {"events": summary.events}
    print(f"{summary} to {args.out}")
    return 0


def _prune(args: argparse.Namespace, settings: Settings) -> int:
    signer = load_audit_signer(settings.keys_dir, create=not settings.is_production)
    keys = _keys(args, settings)
    scan, close = _scan(settings)
    try:
        pruned = retention.prune(
            scan,
            signer,
            keys,
            args.before,
            today(),
            settings.audit_retention_days,
            dry_run=args.dry_run,
        )
    finally:
        close()
    for writer in pruned:
        print(writer)
    deleted = sum(w.deleted for w in pruned)
    args.audit_details = {"writers": len(pruned), "deleted": deleted}
    print(f"{len(pruned)} writer(s) cut, {deleted} record(s) deleted")
    return 1 if any(w.refused for w in pruned) else 0


def _rotate_key(args: argparse.Namespace, settings: Settings) -> int:
    old, new = rotate_audit_key(settings.keys_dir)
    args.audit_details = {"old_key_id": old, "new_key_id": new}
    print(f"audit signing key {old} retired (its public key is kept); new key {new}")
    print("restart the hub processes to sign with the new key")
    return 0


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    with open_driver(settings, settings.audit_neo4j_uri) as driver:
        names = apply_audit_schema(driver, settings.neo4j_database)
    print(f"audit constraints and indexes: {', '.join(names)}")
    return 0


def _subject_token(args: argparse.Namespace, settings: Settings) -> int:
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=not settings.is_production))
    print(
        mint_token(
            settings.keys_dir,
            roles=["data_subject"],
            unit="SELF",
            subject=subject_claim(cipher, id_number=args.id_number, uscc=args.uscc),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=args.ttl,
        )
    )
    return 0


def _moment(text: str) -> str:
    """An ISO date (00:00 in the platform's zone) or date-time with offset, as an audit time."""

    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return audit_time(datetime(day.year, day.month, day.day, tzinfo=PLATFORM_ZONE))
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or date-time: {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"a date-time needs a UTC offset: {text!r}")
    return audit_time(moment)
