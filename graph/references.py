"""Look-ups the import checks references with: one batched read per kind of record.

Each function takes the keys an import file mentions but does not define and returns those the
graph holds. Persons are looked up by blind index only (never by identity number).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import neo4j

EXISTING_UNITS = """
UNWIND $codes AS code
MATCH (u:Unit {code: code})
RETURN u.code AS key
"""

EXISTING_ENTERPRISES = """
UNWIND $usccs AS uscc
MATCH (e:Enterprise {uscc: uscc})
RETURN e.uscc AS key
"""

EXISTING_PERSONS = """
UNWIND $bidxs AS bidx
MATCH (p:Person {id_number_bidx: bidx})
RETURN p.id_number_bidx AS key
"""

# The entries an import would change, with what must never change: unit, list, subject.
EXISTING_ENTRIES = """
UNWIND $ids AS id
MATCH (l:ListEntry {id: id})
OPTIONAL MATCH (l)-[:IDENTIFIED_BY]->(u:Unit)
OPTIONAL MATCH (l)-[:CONCERNS]->(s)
RETURN l.id AS id, l.list AS list, u.code AS unit,
       s.uscc AS subject_uscc, s.id_number_bidx AS subject_bidx
"""

# Every RED or BLACK entry about the given subjects, for the red/black cross-check (R3, R4).
RED_AND_BLACK_ENTRIES_OF_SUBJECTS = """
UNWIND $usccs AS uscc
MATCH (:Enterprise {uscc: uscc})<-[:CONCERNS]-(l:ListEntry)
WHERE l.list IN ['RED', 'BLACK']
RETURN l.id AS id, l.list AS list, l.status AS status, uscc AS subject_uscc, null AS subject_bidx
UNION ALL
UNWIND $bidxs AS bidx
MATCH (:Person {id_number_bidx: bidx})<-[:CONCERNS]-(l:ListEntry)
WHERE l.list IN ['RED', 'BLACK']
RETURN l.id AS id, l.list AS list, l.status AS status, null AS subject_uscc, bidx AS subject_bidx
"""

Tx = neo4j.ManagedTransaction | neo4j.Transaction


@dataclass(frozen=True)
class StoredEntry:
    """What the graph holds of a list entry, for the import's checks."""

    id: str
    list_kind: str
    unit: str | None
    subject_uscc: str | None
    subject_bidx: str | None
    status: str | None = None


def existing_units(tx: Tx, codes: Collection[str]) -> set[str]:
    return _keys(tx.run(EXISTING_UNITS, codes=sorted(codes))) if codes else set()


def existing_enterprises(tx: Tx, usccs: Collection[str]) -> set[str]:
    return _keys(tx.run(EXISTING_ENTERPRISES, usccs=sorted(usccs))) if usccs else set()


def existing_persons(tx: Tx, bidxs: Collection[str]) -> set[str]:
    """The blind indexes, among ``bidxs``, of persons in the graph."""
    return _keys(tx.run(EXISTING_PERSONS, bidxs=sorted(bidxs))) if bidxs else set()


def existing_entries(tx: Tx, ids: Collection[str]) -> dict[str, StoredEntry]:
    if not ids:
        return {}
    result = tx.run(EXISTING_ENTRIES, ids=sorted(ids))
    return {
        record["id"]: StoredEntry(
            record["id"],
            record["list"],
            record["unit"],
            record["subject_uscc"],
            record["subject_bidx"],
        )
        for record in result
    }


def red_and_black_entries(
    tx: Tx, usccs: Collection[str], bidxs: Collection[str]
) -> list[StoredEntry]:
    """Every RED or BLACK entry in the graph about the given enterprises and persons."""
    if not usccs and not bidxs:
        return []
    result = tx.run(RED_AND_BLACK_ENTRIES_OF_SUBJECTS, usccs=sorted(usccs), bidxs=sorted(bidxs))
    return [
        StoredEntry(
            record["id"],
            record["list"],
            None,
            record["subject_uscc"],
            record["subject_bidx"],
            record["status"],
        )
        for record in result
    ]


def _keys(result: neo4j.Result) -> set[str]:
    return {record["key"] for record in result}
