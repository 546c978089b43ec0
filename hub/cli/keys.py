"""``credit-hub keys rotate`` (a new field-encryption key, every identity number re-encrypted;
audited) and ``credit-hub token`` (a bearer token signed with the local dev key)."""

from __future__ import annotations

import argparse

from hub.cli.audited import arguments, audited
from hub.keys.rotation import rotate
from hub.keys.signing import mint_token
from hub.policy.roles import ROLES
from hub.settings import Settings


def add_rotate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = sub.add_parser("keys", help="field encryption keys").add_subparsers(
        required=True, metavar="ACTION"
    )
    keys.add_parser(
        "rotate", help="a new active key; re-encrypt every identity number in batches"
    ).set_defaults(command=audited("Cli.keys.rotate", _rotate, arguments()))


def add_token(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = sub.add_parser("token", help="a bearer token signed with the local dev key")
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument("--unit", required=True)
    token.add_argument("--sub", default=None)
    token.add_argument("--ttl", type=int, default=3600)
    token.set_defaults(command=_token)


def _rotate(args: argparse.Namespace, settings: Settings) -> int:
    summary = rotate(settings)
    args.audit_details = {"key_id": summary.key_id, "resealed": summary.resealed}
    print(summary)
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
