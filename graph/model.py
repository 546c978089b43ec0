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
)
INDEXES: tuple[LiteralString, ...] = (
    LIST_ENTRY_STATUS_INDEX,
    LIST_ENTRY_LIST_IDENTIFIED_ON_INDEX,
    LIST_ENTRY_VALID_UNTIL_INDEX,
    TRANSITION_BATCH_KEY_INDEX,
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
