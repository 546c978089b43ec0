"""The graph model's schema: uniqueness constraints and indexes (docs/model.md), applied by migrate.

Every statement is ``IF NOT EXISTS`` and named, so ``migrate`` is idempotent: run it on every
start-up or deploy. Neo4j Community has uniqueness constraints and range indexes only; required
properties are enforced by the importer's validation.
"""

from __future__ import annotations

import re
from typing import LiteralString

import neo4j

UNIT_CODE_UNIQUE = "CREATE CONSTRAINT unit_code IF NOT EXISTS FOR (u:Unit) REQUIRE u.code IS UNIQUE"
ENTERPRISE_USCC_UNIQUE = (
    "CREATE CONSTRAINT enterprise_uscc IF NOT EXISTS FOR (e:Enterprise) REQUIRE e.uscc IS UNIQUE"
)
PERSON_ID_UNIQUE = "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE"
PERSON_ID_NUMBER_BIDX_UNIQUE = (
    "CREATE CONSTRAINT person_id_number_bidx IF NOT EXISTS "
    "FOR (p:Person) REQUIRE p.id_number_bidx IS UNIQUE"
)
LIST_ENTRY_ID_UNIQUE = (
    "CREATE CONSTRAINT list_entry_id IF NOT EXISTS FOR (l:ListEntry) REQUIRE l.id IS UNIQUE"
)
MEASURE_CODE_UNIQUE = (
    "CREATE CONSTRAINT measure_code IF NOT EXISTS FOR (m:Measure) REQUIRE m.code IS UNIQUE"
)

# Entries by status: objections under verification, published lists, the automatic expiry job.
LIST_ENTRY_STATUS_INDEX = (
    "CREATE INDEX list_entry_status IF NOT EXISTS FOR (l:ListEntry) ON (l.status)"
)
# Entries by list and identification date: per-unit tracking and late reports (R6, R24).
LIST_ENTRY_LIST_IDENTIFIED_ON_INDEX = (
    "CREATE INDEX list_entry_list_identified_on IF NOT EXISTS "
    "FOR (l:ListEntry) ON (l.list, l.identified_on)"
)

# The list lifecycle (graph/lifecycle_store.py): idempotency keys are unique per unit (the key
# is stored as "<unit>:<key>"), so a retried step can never be recorded twice.
TRANSITION_IDEMPOTENCY_KEY_UNIQUE = (
    "CREATE CONSTRAINT transition_idempotency_key IF NOT EXISTS "
    "FOR (t:Transition) REQUIRE t.idempotency_key IS UNIQUE"
)
TRANSITION_BATCH_KEY_INDEX = (
    "CREATE INDEX transition_batch_key IF NOT EXISTS FOR (t:Transition) ON (t.batch_key)"
)
OBJECTION_ID_UNIQUE = (
    "CREATE CONSTRAINT objection_id IF NOT EXISTS FOR (o:Objection) REQUIRE o.id IS UNIQUE"
)
REPAIR_APPLICATION_ID_UNIQUE = (
    "CREATE CONSTRAINT repair_application_id IF NOT EXISTS "
    "FOR (a:RepairApplication) REQUIRE a.id IS UNIQUE"
)
LIST_ENTRY_VALID_UNTIL_INDEX = (
    "CREATE INDEX list_entry_valid_until IF NOT EXISTS FOR (l:ListEntry) ON (l.valid_until)"
)

# The audit log (graph/audit/store.py, docs/audit.md): one chain per writer, numbered from 1;
# a checkpoint per (writer, size); one retention mark per writer. Events by time, by unit and
# by user, and disclosures by subject, for the privacy officer's queries.
AUDIT_EVENT_WRITER_SEQ_UNIQUE = (
    "CREATE CONSTRAINT audit_event_writer_seq IF NOT EXISTS "
    "FOR (a:AuditEvent) REQUIRE (a.writer, a.seq) IS UNIQUE"
)
AUDIT_CHECKPOINT_WRITER_SIZE_UNIQUE = (
    "CREATE CONSTRAINT audit_checkpoint_writer_size IF NOT EXISTS "
    "FOR (c:AuditCheckpoint) REQUIRE (c.writer, c.size) IS UNIQUE"
)
AUDIT_RETENTION_WRITER_UNIQUE = (
    "CREATE CONSTRAINT audit_retention_writer IF NOT EXISTS "
    "FOR (r:AuditRetention) REQUIRE r.writer IS UNIQUE"
)
AUDIT_EVENT_AT_INDEX = "CREATE INDEX audit_event_at IF NOT EXISTS FOR (a:AuditEvent) ON (a.at)"
AUDIT_EVENT_UNIT_AT_INDEX = (
    "CREATE INDEX audit_event_unit_at IF NOT EXISTS FOR (a:AuditEvent) ON (a.unit, a.at)"
)
AUDIT_EVENT_USER_AT_INDEX = (
    "CREATE INDEX audit_event_user_at IF NOT EXISTS FOR (a:AuditEvent) ON (a.user, a.at)"
)
AUDIT_DISCLOSURE_SUBJECT_AT_INDEX = (
    "CREATE INDEX audit_disclosure_subject_at IF NOT EXISTS "
    "FOR (d:AuditDisclosure) ON (d.subject, d.at)"
)
AUDIT_CONSTRAINTS: tuple[LiteralString, ...] = (
    AUDIT_EVENT_WRITER_SEQ_UNIQUE,
    AUDIT_CHECKPOINT_WRITER_SIZE_UNIQUE,
    AUDIT_RETENTION_WRITER_UNIQUE,
)
AUDIT_INDEXES: tuple[LiteralString, ...] = (
    AUDIT_EVENT_AT_INDEX,
    AUDIT_EVENT_UNIT_AT_INDEX,
    AUDIT_EVENT_USER_AT_INDEX,
    AUDIT_DISCLOSURE_SUBJECT_AT_INDEX,
)

# Daily quotas (hub/policy/quota.py): one counter per unit and day, however many processes MERGE it.
DAILY_QUOTA_UNIQUE = (
    "CREATE CONSTRAINT daily_quota_unit_day IF NOT EXISTS "
    "FOR (q:DailyQuota) REQUIRE (q.unit, q.day) IS UNIQUE"
)

# Signed snapshots taken from other platforms (hub/exchange/recognition.py): one receipt per
# platform, whose write lock serialises the imports of that platform's snapshots.
SNAPSHOT_RECEIPT_PLATFORM_UNIQUE = (
    "CREATE CONSTRAINT snapshot_receipt_platform IF NOT EXISTS "
    "FOR (r:SnapshotReceipt) REQUIRE r.platform IS UNIQUE"
)

CONSTRAINTS: tuple[LiteralString, ...] = (
    UNIT_CODE_UNIQUE,
    ENTERPRISE_USCC_UNIQUE,
    PERSON_ID_UNIQUE,
    PERSON_ID_NUMBER_BIDX_UNIQUE,
    LIST_ENTRY_ID_UNIQUE,
    MEASURE_CODE_UNIQUE,
    TRANSITION_IDEMPOTENCY_KEY_UNIQUE,
    OBJECTION_ID_UNIQUE,
    REPAIR_APPLICATION_ID_UNIQUE,
    DAILY_QUOTA_UNIQUE,
    SNAPSHOT_RECEIPT_PLATFORM_UNIQUE,
    *AUDIT_CONSTRAINTS,
)
INDEXES: tuple[LiteralString, ...] = (
    LIST_ENTRY_STATUS_INDEX,
    LIST_ENTRY_LIST_IDENTIFIED_ON_INDEX,
    LIST_ENTRY_VALID_UNTIL_INDEX,
    TRANSITION_BATCH_KEY_INDEX,
    *AUDIT_INDEXES,
)
AWAIT_INDEXES = "CALL db.awaitIndexes($timeout_seconds)"

_NAME = re.compile(r"^CREATE (?:CONSTRAINT|INDEX) (\w+) IF NOT EXISTS ")


def schema_name(statement: str) -> str:
    """The name a schema statement gives its constraint or index."""
    match = _NAME.match(statement)
    if match is None:
        raise ValueError(f"not a named IF NOT EXISTS schema statement: {statement!r}")
    return match.group(1)


def migrate(driver: neo4j.Driver, database: str, *, timeout_seconds: int = 300) -> list[str]:
    """Apply every constraint and index, wait until they are online, return their names."""
    statements = CONSTRAINTS + INDEXES
    with driver.session(database=database) as session:
        for statement in statements:
            session.run(statement).consume()
        session.run(AWAIT_INDEXES, timeout_seconds=timeout_seconds).consume()
    return [schema_name(statement) for statement in statements]
