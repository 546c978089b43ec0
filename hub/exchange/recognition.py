"""``credit-hub import --signed FILE --trust KEYS``: another platform's lists, recognised (R18).

The snapshot (``hub.exchange.snapshots``) is verified before anything is written: trusted,
unrevoked key
of the claimed platform, signature, digest, counts, and a sequence newer than the last one taken
from that platform. Its entries are then imported by the one import path
(``hub.importing.run.import_file``: all or nothing, idempotent, audited as ``Cli.import``):

* each entry keeps its origin: its identifying unit is the remote unit, recorded here as a unit
  of kind PLATFORM coded ``<platform>.<unit>``, and its id is ``<platform>.<id>``. No unit of this
  hub is that unit, so no local user can act on the entry (谁认定、谁负责); its exits arrive by
  the same channel (an exit in a later snapshot sets it EXITED);
* a subject this hub does not know is created from the snapshot (USCC or identity number, and
  name); a subject it knows is left as it is;
* the snapshot's sequence is recorded per platform (``SnapshotReceipt``) in the import's own
  transaction, so the same or an older snapshot is refused as a replay. The transaction first
  locks the platform's receipt and checks the sequence under the lock (graph/recognition.py):
  of two concurrent imports of one platform's snapshots, the second waits, then sees the
  first one's sequence; both can never pass;
* every entry records its source: feed ``SNAPSHOT``, the document's sha256 as batch, the
  platform, and the unit as that platform codes it (hub/reading/sources.py).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from graph import recognition
from graph.driver import open_driver
from graph.loading import Tx
from graph.vocabulary import SourceFeed
from hub.errors import ImportRejected
from hub.exchange.snapshots import (
    ENTRY_FIELDS,
    Snapshot,
    SnapshotRefused,
    load_trust,
    open_snapshot,
    refuse_replay,
)
from hub.importing.rows import ID_NUMBER_FIELD
from hub.importing.run import ImportSummary, import_file
from hub.keys.crypto import FieldCipher, load_keyring
from hub.reading.sources import Source, file_batch
from hub.settings import Settings


def recognise(settings: Settings, path: Path, trust_path: Path) -> ImportSummary:
    """Verify the snapshot at ``path`` against ``trust_path``, then import it."""
    try:
        document = path.read_bytes()
    except OSError as exc:
        raise ImportRejected([f"{path}: can not be read: {exc.strerror}"]) from None
    trust = load_trust(trust_path)
    with open_driver(settings) as driver:
        database = settings.neo4j_database

        def last_sequence(platform: str) -> int | None:
            records, _, _ = driver.execute_query(
                recognition.LAST_SEQUENCE, platform=platform, database_=database
            )
            sequence = records[0]["sequence"] if records else None
            return None if sequence is None else int(sequence)

        snapshot = open_snapshot(document, trust, last_sequence)  # refuses early, unlocked
        lines = _import_lines(settings, driver, snapshot)
    source = Source(SourceFeed.SNAPSHOT, file_batch(document), platform=snapshot.platform)
    with tempfile.TemporaryDirectory(prefix="snapshot-") as tmp:
        translated = Path(tmp) / "import.jsonl"
        translated.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
        return import_file(settings, translated, source, ReceiptGuard(snapshot))


@dataclass(frozen=True)
class ReceiptGuard:
    """Inside the import's transaction: the platform's receipt locked, the replay check under
    the lock, and the sequence recorded with the entries (one commit, or neither)."""

    snapshot: Snapshot

    def before(self, tx: Tx) -> None:
        last = recognition.lock_receipt(tx, self.snapshot.platform)
        refuse_replay(self.snapshot.platform, self.snapshot.sequence, last)

    def after(self, tx: Tx) -> None:
        snapshot = self.snapshot
        recognition.record_receipt(
            tx, snapshot.platform, snapshot.sequence, snapshot.key_id, snapshot.manifest["digest"]
        )


def _import_lines(settings: Settings, driver: Any, snapshot: Snapshot) -> list[dict[str, Any]]:
    items = [*snapshot.entries, *snapshot.exits]
    units: dict[str, dict[str, Any]] = {}
    enterprises: dict[str, dict[str, Any]] = {}
    persons: dict[str, dict[str, Any]] = {}
    entries: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        where = f"snapshot entry {index}"
        if not isinstance(item, dict):
            raise SnapshotRefused(f"{where}: must be an object")
        remote_unit, remote_id, subject = item.get("unit"), item.get("id"), item.get("subject")
        if not isinstance(remote_unit, str) or not isinstance(remote_id, str):
            raise SnapshotRefused(f"{where}: id and unit are required")
        if not isinstance(subject, dict):
            raise SnapshotRefused(f"{where}: subject is required")
        unit = f"{snapshot.platform}.{remote_unit}"
        units[unit] = {
            "type": "unit",
            "code": unit,
            "name": f"{snapshot.platform} {remote_unit}",
            "kind": "PLATFORM",
        }
        name = subject.get("name")
        if isinstance(subject.get("uscc"), str):
            key = {"uscc": subject["uscc"]}
            enterprises[subject["uscc"]] = {"type": "enterprise", **key, "name": name}
        elif isinstance(subject.get("id_number"), str):
            key = {"id_number": subject["id_number"]}
            persons[subject["id_number"]] = {"type": "person", **key, "name": name}
        else:
            raise SnapshotRefused(f"{where}: subject needs uscc or id_number")
        entry = {"type": "entry", "id": f"{snapshot.platform}.{remote_id}", "subject": key}
        entry["unit"] = unit
        for field in ENTRY_FIELDS:
            if item.get(field) is not None:
                entry[field] = item[field]
        entries.append(entry)
    database = settings.neo4j_database
    records, _, _ = driver.execute_query(
        recognition.KNOWN_ENTERPRISES, usccs=list(enterprises), database_=database
    )
    for record in records:
        enterprises.pop(record["key"], None)
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=True))
    by_bidx = {cipher.blind_index(ID_NUMBER_FIELD, number): number for number in persons}
    records, _, _ = driver.execute_query(
        recognition.KNOWN_PERSONS, bidx=list(by_bidx), database_=database
    )
    for record in records:
        persons.pop(by_bidx[record["key"]], None)
    return [*units.values(), *enterprises.values(), *persons.values(), *entries]


__all__ = ["recognise"]
