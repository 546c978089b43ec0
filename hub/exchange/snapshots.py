"""Signed list snapshots (R18): the envelope, its Ed25519 signature and the receiver's checks.

``credit-hub export`` (``hub.exchange.export``) seals; ``credit-hub import --signed`` opens
(``hub.exchange.recognition``); docs/federation.md describes both.

One JSON document::

    {"manifest": {"format": "credit-hub-snapshot/1",
                  "source": {"platform": "CITY-A", "unit": "U-TAX" | null},
                  "sequence": 17, "generated_at": "2026-11-26T14:00:00Z",
                  "range": {"since": ... | null, "until": ...},
                  "counts": {"entries": 2, "exits": 1},
                  "digest": "sha256:<hex of the canonical payload>", "key_id": "city-a-2026"},
     "payload": {"entries": [...], "exits": [...]},
     "signature": "<base64 Ed25519 over the canonical manifest>"}

Canonical JSON is orjson with sorted keys. The signature covers the manifest, the manifest the
payload's digest, so any altered byte of either is refused. ``open_snapshot`` checks, before
the caller writes anything: the format, a trusted and unrevoked key of the claimed platform,
the signature, the digest, the counts, and that the sequence is newer than the last one taken
from that platform (no replay of an older or the same snapshot).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from hub.errors import BadInput

FORMAT = "credit-hub-snapshot/1"
ENTRY_FIELDS = (
    "list",
    "status",
    "domain",
    "basis",
    "legal_basis",
    "act_date",
    "identified_on",
    "valid_from",
    "valid_until",
    "repairable",
    "exit_reason",
    "exited_on",
)
"""The fields of an entry a snapshot carries besides its id (export writes them, recognition
reads them)."""


class SnapshotRefused(BadInput):
    """A snapshot that must not be imported; nothing was written."""

    def __init__(self, rule: str) -> None:
        super().__init__("snapshot", rule)


@dataclass(frozen=True)
class TrustedKey:
    key_id: str
    platform: str
    public_key: Ed25519PublicKey
    revoked: bool


@dataclass(frozen=True)
class Snapshot:
    """A verified snapshot: safe to import."""

    platform: str
    unit: str | None
    sequence: int
    key_id: str
    manifest: dict[str, Any]
    entries: list[dict[str, Any]]
    exits: list[dict[str, Any]]


def canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def seal(
    *,
    key: Ed25519PrivateKey,
    key_id: str,
    platform: str,
    unit: str | None,
    sequence: int,
    generated_at: str,
    since: str | None,
    until: str,
    entries: list[dict[str, Any]],
    exits: list[dict[str, Any]],
) -> bytes:
    """The signed snapshot document."""
    payload = {"entries": entries, "exits": exits}
    manifest = {
        "format": FORMAT,
        "source": {"platform": platform, "unit": unit},
        "sequence": sequence,
        "generated_at": generated_at,
        "range": {"since": since, "until": until},
        "counts": {"entries": len(entries), "exits": len(exits)},
        "digest": _digest(payload),
        "key_id": key_id,
    }
    signature = base64.b64encode(key.sign(canonical(manifest))).decode()
    return canonical({"manifest": manifest, "payload": payload, "signature": signature})


def load_trust(path: Path) -> dict[str, TrustedKey]:
    """``{"keys": [{"id", "platform", "public_key" (base64 of 32 bytes), "revoked"}]}``."""
    try:
        document = orjson.loads(path.read_bytes())
        keys: dict[str, TrustedKey] = {}
        for item in document["keys"]:
            raw = base64.b64decode(item["public_key"], validate=True)
            keys[item["id"]] = TrustedKey(
                key_id=item["id"],
                platform=item["platform"],
                public_key=Ed25519PublicKey.from_public_bytes(raw),
                revoked=bool(item.get("revoked", False)),
            )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput("trust", f"{path}: not a trusted keys file ({exc})") from None
    return keys


def open_snapshot(
    document: bytes,
    trust: dict[str, TrustedKey],
    last_sequence: Callable[[str], int | None],
) -> Snapshot:
    """Verify ``document``; raise ``SnapshotRefused`` saying why it must not be imported."""
    try:
        parsed = orjson.loads(document)
        manifest, payload = parsed["manifest"], parsed["payload"]
        signature = base64.b64decode(parsed["signature"], validate=True)
        key_id, platform = manifest["key_id"], manifest["source"]["platform"]
        sequence = manifest["sequence"]
    except (ValueError, KeyError, TypeError):
        raise SnapshotRefused("not a signed snapshot document") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotRefused(f"format must be {FORMAT}")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
        raise SnapshotRefused("manifest.sequence must be a positive integer")
    key = trust.get(key_id) if isinstance(key_id, str) else None
    if key is None:
        raise SnapshotRefused(f"signed by an unknown key {key_id!r}")
    if key.revoked:
        raise SnapshotRefused(f"signed by a revoked key {key_id!r}")
    if key.platform != platform:
        raise SnapshotRefused(f"key {key_id!r} belongs to {key.platform}, not {platform}")
    try:
        key.public_key.verify(signature, canonical(manifest))
    except InvalidSignature:
        raise SnapshotRefused("the signature does not match the manifest") from None
    if not isinstance(payload, dict) or _digest(payload) != manifest["digest"]:
        raise SnapshotRefused("the payload does not match the manifest's digest")
    entries, exits = payload.get("entries"), payload.get("exits")
    if not isinstance(entries, list) or not isinstance(exits, list):
        raise SnapshotRefused("payload.entries and payload.exits must be lists")
    if manifest["counts"] != {"entries": len(entries), "exits": len(exits)}:
        raise SnapshotRefused("the payload does not match the manifest's counts")
    refuse_replay(platform, sequence, last_sequence(platform))
    return Snapshot(
        platform=platform,
        unit=manifest["source"].get("unit"),
        sequence=sequence,
        key_id=key_id,
        manifest=manifest,
        entries=entries,
        exits=exits,
    )


def refuse_replay(platform: str, sequence: int, last: int | None) -> None:
    """Refuse a snapshot not newer than the last one taken from its platform."""
    if last is not None and sequence <= last:
        raise SnapshotRefused(f"replay: sequence {sequence} of {platform} is not newer than {last}")


def _digest(payload: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(canonical(payload)).hexdigest()


__all__ = [
    "ENTRY_FIELDS",
    "FORMAT",
    "Snapshot",
    "SnapshotRefused",
    "TrustedKey",
    "canonical",
    "load_trust",
    "open_snapshot",
    "public_key_text",
    "refuse_replay",
    "seal",
]
