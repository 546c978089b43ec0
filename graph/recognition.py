"""Cypher of the signed-snapshot import (hub/exchange/recognition.py, docs/federation.md).

The import of one platform's snapshot takes, as the first statement of its transaction, the
write lock of that platform's ``SnapshotReceipt`` (unique per platform, graph/model.py) and reads
the last sequence taken under it. A concurrent import of the same platform waits on that lock
until the first one commits (or rolls back), then reads the sequence the first one recorded:
two imports can never both pass the "newer than the last snapshot" check.
"""

from __future__ import annotations

from typing import LiteralString

from graph.loading import Tx

LAST_SEQUENCE: LiteralString = (
    "MATCH (r:SnapshotReceipt {platform: $platform}) RETURN r.sequence AS sequence"
)
LOCK_RECEIPT: LiteralString = """
MERGE (r:SnapshotReceipt {platform: $platform})
SET r.locked_at = datetime()
RETURN r.sequence AS sequence
"""
RECORD_SEQUENCE: LiteralString = """
MATCH (r:SnapshotReceipt {platform: $platform})
SET r.sequence = $sequence, r.key_id = $key_id, r.digest = $digest, r.taken_at = datetime()
"""
KNOWN_ENTERPRISES: LiteralString = (
    "UNWIND $usccs AS u MATCH (e:Enterprise {uscc: u}) RETURN e.uscc AS key"
)
KNOWN_PERSONS: LiteralString = (
    "UNWIND $bidx AS b MATCH (p:Person {id_number_bidx: b}) RETURN p.id_number_bidx AS key"
)


def lock_receipt(tx: Tx, platform: str) -> int | None:
    """Take the platform's receipt lock (held until the transaction ends); its last sequence."""
    record = tx.run(LOCK_RECEIPT, platform=platform).single(strict=True)
    sequence = record["sequence"]
    return None if sequence is None else int(sequence)


def record_receipt(tx: Tx, platform: str, sequence: int, key_id: str, digest: str) -> None:
    """Record the snapshot taken; the receipt must be locked by ``tx`` (``lock_receipt``)."""
    tx.run(
        RECORD_SEQUENCE, platform=platform, sequence=sequence, key_id=key_id, digest=digest
    ).consume()


__all__ = [
    "KNOWN_ENTERPRISES",
    "KNOWN_PERSONS",
    "LAST_SEQUENCE",
    "lock_receipt",
    "record_receipt",
]
