"""A unit's or the city's effective entries as a signed snapshot (R18; ``credit-hub export``,
``hub.cli.data``).

The snapshot is the envelope of ``hub.exchange.snapshots`` signed with this platform's Ed25519 key
(``CREDIT_HUB_DATA_DIR/keys/snapshot-ed25519.pem``, created on first use outside production).
``--trust-entry`` prints the line a receiving platform puts in its trusted keys file.

* Entries: ``ACTIVE`` entries whose validity has not run out (``valid_until`` null or not before
  today), of one identifying unit (``--unit``) or of every unit.
* Exits: with ``--since DATE``, the entries that exited on or after that date.
* Subjects travel by USCC or identity number (opened from the ciphertext: the receiver must
  recognise the person) and name, so every export is audited (``Cli.export``) with the
  manifest's counts and digest, whatever its outcome, and refused when the audit store does
  not answer (``hub.cli.audited``).
* The sequence is the generation time in milliseconds: it increases without kept state, and a
  receiver refuses any snapshot not newer than the last it took (``hub.exchange.snapshots``).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from graph.driver import open_driver
from graph.key_files import create_key_file
from hub.errors import ConfigurationError
from hub.exchange.snapshots import ENTRY_FIELDS, seal
from hub.importing.rows import ID_NUMBER_FIELD
from hub.keys.crypto import FieldCipher, Sealed, load_keyring
from hub.settings import Settings
from hub.values import plain

SNAPSHOT_KEY_FILE = "snapshot-ed25519.pem"

EXPORT_ENTRIES = """
MATCH (l:ListEntry)-[:IDENTIFIED_BY]->(u:Unit)
WHERE ($unit IS NULL OR u.code = $unit)
  AND ((l.status = 'ACTIVE' AND (l.valid_until IS NULL OR l.valid_until >= $today))
       OR ($since IS NOT NULL AND l.status = 'EXITED' AND l.exited_on >= $since))
OPTIONAL MATCH (l)-[:CONCERNS]->(e:Enterprise)
OPTIONAL MATCH (l)-[:CONCERNS]->(p:Person)
RETURN l {.*} AS entry, u.code AS unit, e.uscc AS uscc, e.name AS enterprise_name,
       p.id_number_ct AS id_ct, p.id_number_kid AS id_kid, p.name AS person_name
ORDER BY l.id
"""

_EXPORTED = ("id", *ENTRY_FIELDS)


def platform_key(keys_dir: Path, *, create: bool) -> tuple[Ed25519PrivateKey, str]:
    """This platform's snapshot signing key and its id (from the public key)."""
    path = keys_dir / SNAPSHOT_KEY_FILE
    if not path.exists():
        if not create:
            raise ConfigurationError(f"snapshot signing key {path} is missing")
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        create_key_file(path, pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"{path} is not an Ed25519 private key")
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return key, "snap-" + hashlib.sha256(raw).hexdigest()[:16]


def export_snapshot(
    settings: Settings, *, platform: str, unit: str | None, since: date | None, today: date
) -> bytes:
    key, key_id = platform_key(settings.keys_dir, create=not settings.is_production)
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=False))
    with open_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            EXPORT_ENTRIES,
            unit=unit,
            since=since,
            today=today,
            database_=settings.neo4j_database,
        )
    entries: list[dict[str, Any]] = []
    exits: list[dict[str, Any]] = []
    for record in records:
        item = {name: plain(record["entry"].get(name)) for name in _EXPORTED}
        item["unit"] = record["unit"]
        if record["uscc"] is not None:
            item["subject"] = {"uscc": record["uscc"], "name": record["enterprise_name"]}
        else:
            sealed = Sealed(record["id_ct"], record["id_kid"])
            number = cipher.open(ID_NUMBER_FIELD, sealed)
            item["subject"] = {"id_number": number, "name": record["person_name"]}
        (exits if item["status"] == "EXITED" else entries).append(item)
    now = datetime.now(UTC)
    return seal(
        key=key,
        key_id=key_id,
        platform=platform,
        unit=unit,
        sequence=int(now.timestamp() * 1000),
        generated_at=now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        since=since.isoformat() if since else None,
        until=today.isoformat(),
        entries=entries,
        exits=exits,
    )


__all__ = ["export_snapshot", "platform_key"]
