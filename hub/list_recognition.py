"""``credit-hub import --signed FILE --trust KEYS``: another platform's lists, recognised (R18).

The snapshot (``hub.snapshots``) is verified before anything is written: trusted, unrevoked key
of the claimed platform, signature, digest, counts, and a sequence newer than the last one taken
from that platform. Its entries are then imported by the one import path
(``hub.importing.run.import_file``: all or nothing, idempotent, audited as ``Cli.import``):

* each entry keeps its origin: its identifying unit is the remote unit, recorded here as a unit
  of kind PLATFORM coded ``<platform>.<unit>``, and its id is ``<platform>.<id>``. No unit of this
  hub is that unit, so no local user can act on the entry (谁认定、谁负责); its exits arrive by
  the same channel (an exit in a later snapshot sets it EXITED);
* a subject this hub does not know is created from the snapshot (USCC or identity number, and
  name); a subject it knows is left as it is;
* after the import, the snapshot's sequence is recorded per platform (``SnapshotReceipt``), so
  the same or an older snapshot is refused as a replay. A failure between the import and the
  receipt leaves no receipt: taking the snapshot again then changes nothing (the import is
  idempotent) and records it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import orjson

from graph.driver import open_driver
from hub.crypto import FieldCipher, load_keyring
from hub.errors import ImportRejected
from hub.importing.rows import ID_NUMBER_FIELD
from hub.importing.run import ImportSummary, import_file
from hub.settings import Settings
from hub.snapshots import Snapshot, SnapshotRefused, load_trust, open_snapshot

LAST_SEQUENCE = "MATCH (r:SnapshotReceipt {platform: $platform}) RETURN r.sequence AS sequence"
RECORD_SEQUENCE = """
MERGE (r:SnapshotReceipt {platform: $platform})
SET r.sequence = CASE WHEN r.sequence IS NULL OR r.sequence < $sequence
                      THEN $sequence ELSE r.sequence END,
    r.key_id = $key_id, r.digest = $digest, r.taken_at = datetime()
"""
KNOWN_ENTERPRISES = "UNWIND $usccs AS u MATCH (e:Enterprise {uscc: u}) RETURN e.uscc AS key"
KNOWN_PERSONS = (
    "UNWIND $bidx AS b MATCH (p:Person {id_number_bidx: b}) RETURN p.id_number_bidx AS key"
)
_ENTRY_FIELDS = (
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
                LAST_SEQUENCE, platform=platform, database_=database
            )
            return int(records[0]["sequence"]) if records else None

        snapshot = open_snapshot(document, trust, last_sequence)
        lines = _import_lines(settings, driver, snapshot)
        with tempfile.TemporaryDirectory(prefix="snapshot-") as tmp:
            translated = Path(tmp) / "import.jsonl"
            translated.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
            summary = import_file(settings, translated)
        driver.execute_query(
            RECORD_SEQUENCE,
            platform=snapshot.platform,
            sequence=snapshot.sequence,
            key_id=snapshot.key_id,
            digest=snapshot.manifest["digest"],
            database_=database,
        )
    return summary


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
        for field in _ENTRY_FIELDS:
            if item.get(field) is not None:
                entry[field] = item[field]
        entries.append(entry)
    database = settings.neo4j_database
    records, _, _ = driver.execute_query(
        KNOWN_ENTERPRISES, usccs=list(enterprises), database_=database
    )
    for record in records:
        enterprises.pop(record["key"], None)
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=True))
    by_bidx = {cipher.blind_index(ID_NUMBER_FIELD, number): number for number in persons}
    records, _, _ = driver.execute_query(KNOWN_PERSONS, bidx=list(by_bidx), database_=database)
    for record in records:
        persons.pop(by_bidx[record["key"]], None)
    return [*units.values(), *enterprises.values(), *persons.values(), *entries]


__all__ = ["recognise"]
