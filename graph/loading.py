"""Bulk writes of the credit graph (docs/model.md): batched UNWIND ... MERGE on the model's keys.

Used by the import (one transaction for a whole file) and the seed (one transaction per batch).
Each ``write_*`` function takes an open transaction and plain dict rows (the ``*Row`` shapes
below; dates as ``datetime.date``, enums as their string values) and splits them into batches
of ``BATCH_ROWS``. Writing the same rows again changes nothing: keys are MERGEd, properties SET
to the same values, and a person's opaque id and sealed identity number are set on create only.
A row's optional property given as None removes that property: a row is the whole record.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString, TypedDict

import neo4j

BATCH_ROWS = 10_000

WRITE_UNITS = """
UNWIND $rows AS row
MERGE (u:Unit {code: row.code})
SET u.name = row.name, u.kind = row.kind
"""

WRITE_ENTERPRISES = """
UNWIND $rows AS row
MERGE (e:Enterprise {uscc: row.uscc})
SET e.name = row.name, e.registered_on = row.registered_on
"""

WRITE_PERSONS = """
UNWIND $rows AS row
MERGE (p:Person {id_number_bidx: row.id_number_bidx})
ON CREATE SET p.id = row.id, p.id_number_ct = row.id_number_ct, p.id_number_kid = row.id_number_kid
SET p.name = row.name
"""

# Relationship rows come grouped by enterprise ($rows: [{enterprise, rows: [row, ...]}]), so
# that each enterprise is looked up once per batch: ~20 % faster than one look-up per row.
WRITE_ROLES = """
UNWIND $rows AS held
MATCH (e:Enterprise {uscc: held.enterprise})
UNWIND held.rows AS row
MATCH (p:Person {id_number_bidx: row.person_bidx})
MERGE (p)-[r:HOLDS_ROLE {kind: row.kind, from: row.from}]->(e)
SET r.to = row.to
"""

WRITE_PERSON_SHAREHOLDINGS = """
UNWIND $rows AS held
MATCH (e:Enterprise {uscc: held.enterprise})
UNWIND held.rows AS row
MATCH (h:Person {id_number_bidx: row.holder_bidx})
MERGE (h)-[s:HOLDS_SHARES {from: row.from}]->(e)
SET s.percent = row.percent, s.to = row.to
"""

WRITE_ENTERPRISE_SHAREHOLDINGS = """
UNWIND $rows AS held
MATCH (e:Enterprise {uscc: held.enterprise})
UNWIND held.rows AS row
MATCH (h:Enterprise {uscc: row.holder_uscc})
MERGE (h)-[s:HOLDS_SHARES {from: row.from}]->(e)
SET s.percent = row.percent, s.to = row.to
"""

# $source: the batch (hub/reading/sources.py). Taking the same batch again keeps its first
# received_at
# (read before the batch is overwritten: the first item of the one SET clause; a SET clause of
# its own would make Neo4j plan an Eager, which materialises every row of the batch).
# A recognised entry's unit is coded "<platform>.<unit>" (hub/exchange/recognition.py); its source
# unit is the unit as its own platform codes it.
WRITE_ENTRIES = """
UNWIND $rows AS row
MATCH (u:Unit {code: row.unit})
MERGE (l:ListEntry {id: row.id})
SET l.source_received_at = CASE
      WHEN l.source_feed = $source.feed AND l.source_batch = $source.batch
      THEN l.source_received_at ELSE $source.received_at END,
    l.source_feed = $source.feed,
    l.source_batch = $source.batch,
    l.source_platform = $source.platform,
    l.source_unit = CASE WHEN $source.platform IS NULL THEN row.unit
                         ELSE substring(row.unit, size($source.platform) + 1) END,
    l.list = row.list,
    l.status = row.status,
    l.domain = row.domain,
    l.basis = row.basis,
    l.legal_basis = row.legal_basis,
    l.act_date = row.act_date,
    l.identified_on = row.identified_on,
    l.reported_on = row.reported_on,
    l.reported_late = row.reported_late,
    l.valid_from = row.valid_from,
    l.valid_until = row.valid_until,
    l.repairable = row.repairable,
    l.repair_method = row.repair_method,
    l.repair_earliest = row.repair_earliest,
    l.exit_reason = row.exit_reason,
    l.exited_on = row.exited_on
MERGE (l)-[:IDENTIFIED_BY]->(u)
"""

WRITE_ENTERPRISE_SUBJECTS = """
UNWIND $rows AS row
MATCH (l:ListEntry {id: row.id})
MATCH (e:Enterprise {uscc: row.subject_uscc})
MERGE (l)-[:CONCERNS]->(e)
"""

WRITE_PERSON_SUBJECTS = """
UNWIND $rows AS row
MATCH (l:ListEntry {id: row.id})
MATCH (p:Person {id_number_bidx: row.subject_bidx})
MERGE (l)-[:CONCERNS]->(p)
"""


class UnitRow(TypedDict):
    code: str
    name: str
    kind: str


class EnterpriseRow(TypedDict):
    uscc: str
    name: str
    registered_on: date | None


class PersonRow(TypedDict):
    id: str  # opaque, used only when the person is created
    id_number_bidx: str
    id_number_ct: str
    id_number_kid: str
    name: str


RoleRow = TypedDict(
    "RoleRow",
    {"person_bidx": str, "enterprise": str, "kind": str, "from": date, "to": date | None},
)

# Exactly one of holder_bidx (a person) and holder_uscc (an enterprise) is set.
ShareholdingRow = TypedDict(
    "ShareholdingRow",
    {
        "holder_bidx": str | None,
        "holder_uscc": str | None,
        "enterprise": str,
        "percent": float,
        "from": date,
        "to": date | None,
    },
)


class EntryRow(TypedDict):
    id: str
    list: str
    status: str
    domain: str
    basis: int
    legal_basis: str | None
    act_date: date | None
    identified_on: date
    reported_on: date | None
    reported_late: bool | None  # R6: after the deadline of five working days; None: unknown
    valid_from: date | None
    valid_until: date | None
    repairable: bool | None
    repair_method: str | None
    repair_earliest: date | None
    exit_reason: str | None
    exited_on: date | None
    unit: str
    subject_uscc: str | None  # exactly one of subject_uscc and subject_bidx is set
    subject_bidx: str | None


@dataclass(frozen=True)
class Written:
    """What one write did: rows sent, and what Neo4j created for them (the rest existed)."""

    rows: int = 0
    nodes_created: int = 0
    relationships_created: int = 0

    def __add__(self, other: Written) -> Written:
        return Written(
            self.rows + other.rows,
            self.nodes_created + other.nodes_created,
            self.relationships_created + other.relationships_created,
        )


Tx = neo4j.ManagedTransaction | neo4j.Transaction


def write_units(tx: Tx, rows: Sequence[UnitRow]) -> Written:
    return _run_batched(tx, WRITE_UNITS, rows)


def write_enterprises(tx: Tx, rows: Sequence[EnterpriseRow]) -> Written:
    return _run_batched(tx, WRITE_ENTERPRISES, rows)


def write_persons(tx: Tx, rows: Sequence[PersonRow]) -> Written:
    return _run_batched(tx, WRITE_PERSONS, rows)


def write_roles(tx: Tx, rows: Sequence[RoleRow]) -> Written:
    """Persons and enterprises must exist; a role is MERGEd on (person, enterprise, kind, from)."""
    return _run_grouped(tx, WRITE_ROLES, rows)


def write_shareholdings(tx: Tx, rows: Sequence[ShareholdingRow]) -> Written:
    """Holders and enterprises must exist; a holding is MERGEd on (holder, enterprise, from)."""
    by_person = [row for row in rows if row["holder_bidx"] is not None]
    by_enterprise = [row for row in rows if row["holder_bidx"] is None]
    return _run_grouped(tx, WRITE_PERSON_SHAREHOLDINGS, by_person) + _run_grouped(
        tx, WRITE_ENTERPRISE_SHAREHOLDINGS, by_enterprise
    )


def write_entries(tx: Tx, rows: Sequence[EntryRow], source: Mapping[str, str | None]) -> Written:
    """Units and subjects must exist; an entry is MERGEd on its id with its two links, and
    records ``source`` (``hub.reading.sources.Source.params``: feed, batch, platform,
    received_at)."""
    written = _run_batched(tx, WRITE_ENTRIES, rows, source=source)
    about_enterprises = [row for row in rows if row["subject_uscc"] is not None]
    about_persons = [row for row in rows if row["subject_uscc"] is None]
    linked = _run_batched(tx, WRITE_ENTERPRISE_SUBJECTS, about_enterprises) + _run_batched(
        tx, WRITE_PERSON_SUBJECTS, about_persons
    )
    return written + Written(0, linked.nodes_created, linked.relationships_created)


def _run_batched(tx: Tx, statement: LiteralString, rows: Sequence[Any], **params: Any) -> Written:
    total = Written()
    for batch in _batches(rows):
        counters = tx.run(statement, rows=batch, **params).consume().counters
        total = total + Written(len(batch), counters.nodes_created, counters.relationships_created)
    return total


def _batches(rows: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), BATCH_ROWS):
        yield rows[start : start + BATCH_ROWS]


def _run_grouped(tx: Tx, statement: LiteralString, rows: Sequence[Any]) -> Written:
    """Run ``statement`` on the rows grouped by enterprise, ~``BATCH_ROWS`` rows a batch."""
    total = Written()
    for batch, size in _grouped_batches(rows):
        counters = tx.run(statement, rows=batch).consume().counters
        total = total + Written(size, counters.nodes_created, counters.relationships_created)
    return total


def _grouped_batches(rows: Sequence[Any]) -> Iterator[tuple[list[dict[str, Any]], int]]:
    groups: dict[str, list[Any]] = {}
    for row in rows:
        groups.setdefault(row["enterprise"], []).append(row)
    batch: list[dict[str, Any]] = []
    size = 0
    for enterprise, members in groups.items():
        batch.append({"enterprise": enterprise, "rows": members})
        size += len(members)
        if size >= BATCH_ROWS:
            yield batch, size
            batch, size = [], 0
    if batch:
        yield batch, size
