"""Cypher for the list lifecycle (R3–R9, R21, R22). Every step runs in ONE write transaction:
the entry is locked and read, the rules decide (in Python, ``hub.lifecycle``), and the step,
its cascades and its transition record are written before the commit. Nothing is ever deleted:
each step leaves a ``:Transition`` (R9).

    (:ListEntry)-[:TRANSITIONED]->(:Transition {seq, action, from_status, to_status, at, on,
        by_user, by_unit, reason, evidence, note, idempotency_key})
    (:Objection {id, ...})-[:AGAINST]->(:ListEntry)
    (:RepairApplication {id, ...})-[:TO_REPAIR]->(:ListEntry)
    (:ListEntry {list: 'WATCH'})-[:FOLLOWS]->(:ListEntry {list: 'BLACK'})   # R8
"""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.projection import FRAGMENTS, compile_projection
from graph.round_trips import note_statement
from graph.selection import Selection

# The entry as the GraphQL ListEntry type reads it: every leaf field, compiled by the same
# projection compiler as the read queries (effective status included; needs $today).
_ENTRY_MAP = compile_projection(
    Selection(
        "ListEntry",
        {name: None for name, fragment in FRAGMENTS["ListEntry"].items() if not fragment.child_type}
        | {"source": Selection("EntrySource", dict.fromkeys(FRAGMENTS["EntrySource"]))},
    ),
    {"self": "l"},
)

# Locks the entry (a write lock: concurrent steps on one entry run one after the other), then
# reads its stored state: a step that waited sees the state the other step committed.
LOCK_ENTRY: LiteralString = """
MATCH (l:ListEntry {id: $id})
SET l.version = coalesce(l.version, 0)
WITH l
MATCH (l)-[:IDENTIFIED_BY]->(u:Unit)
MATCH (l)-[:CONCERNS]->(s)
RETURN l{.*} AS stored, u.code AS unit, u.kind AS unit_kind, s:Person AS subject_is_person
"""

SUBJECTS_STATE: LiteralString = """
UNWIND $subjects AS subject
OPTIONAL MATCH (e:Enterprise {uscc: subject.uscc})
OPTIONAL MATCH (p:Person {id_number_bidx: subject.bidx})
WITH subject, coalesce(e, p) AS s
RETURN subject.index AS index, s IS NOT NULL AS exists,
  CASE WHEN s IS NULL THEN [] ELSE
    [(s)<-[:CONCERNS]-(b:ListEntry)
      WHERE b.list = 'BLACK' AND b.status IN ['ACTIVE', 'OBJECTED']
        AND (b.valid_until IS NULL OR b.valid_until >= $today) | b.id] END AS blocking_black
"""

EXISTING_ENTRY_IDS: LiteralString = """
UNWIND $ids AS id
MATCH (l:ListEntry {id: id})
RETURN l.id AS id
"""

CREATE_ENTRIES: LiteralString = (
    """
UNWIND $rows AS row
MATCH (u:Unit {code: row.unit})
OPTIONAL MATCH (e:Enterprise {uscc: row.subject.uscc})
OPTIONAL MATCH (p:Person {id_number_bidx: row.subject.bidx})
WITH row, u, coalesce(e, p) AS s
CREATE (l:ListEntry)
SET l = row.props
CREATE (l)-[:IDENTIFIED_BY]->(u)
CREATE (l)-[:CONCERNS]->(s)
CREATE (l)-[:TRANSITIONED]->(t:Transition)
SET t = row.transition
RETURN """
    + _ENTRY_MAP
    + " AS entry"
)

APPLY_STEP: LiteralString = (
    """
MATCH (l:ListEntry {id: $id})-[:IDENTIFIED_BY]->(u:Unit)
SET l += $changes, l.version = coalesce(l.version, 0) + 1
CREATE (l)-[:TRANSITIONED]->(t:Transition)
SET t = $transition, t.seq = l.version
RETURN """
    + _ENTRY_MAP
    + " AS entry"
)

# R4, R5, R7b: the subject's other live entries of one list leave it, in the same transaction.
EXIT_SUBJECTS_OTHER_ENTRIES: LiteralString = """
MATCH (:ListEntry {id: $id})-[:CONCERNS]->(s)<-[:CONCERNS]-(other:ListEntry)
WHERE other.id <> $id AND other.list = $list
  AND other.status IN ['PROPOSED', 'PUBLIC_NOTICE', 'ACTIVE', 'OBJECTED']
WITH other, other.status AS before
SET other.status = 'EXITED', other.exit_reason = $reason, other.exited_on = $today,
    other.version = coalesce(other.version, 0) + 1
CREATE (other)-[:TRANSITIONED]->(t:Transition)
SET t = $transition, t.from_status = before, t.seq = other.version
RETURN other.id AS id
"""

# R8: the follow-up watch entry after a black exit, with the validity the black-listing set.
CREATE_FOLLOW_UP_WATCH: LiteralString = """
MATCH (b:ListEntry {id: $id})-[:CONCERNS]->(s)
MATCH (b)-[:IDENTIFIED_BY]->(u:Unit)
MERGE (w:ListEntry {id: $watch.id})
ON CREATE SET w += $watch, w.source_unit = u.code
MERGE (w)-[:FOLLOWS]->(b)
MERGE (w)-[:CONCERNS]->(s)
MERGE (w)-[:IDENTIFIED_BY]->(u)
WITH w
WHERE NOT (w)-[:TRANSITIONED]->(:Transition)
CREATE (w)-[:TRANSITIONED]->(t:Transition)
SET t = $transition
RETURN w.id AS id
"""

STEP_BY_IDEMPOTENCY_KEY: LiteralString = (
    """
MATCH (l:ListEntry)-[:TRANSITIONED]->(t:Transition {idempotency_key: $key})
MATCH (l)-[:IDENTIFIED_BY]->(u:Unit)
RETURN """
    + _ENTRY_MAP
    + " AS entry, t.action AS action, t.result AS result"
)

ENTRIES_BY_BATCH_KEY: LiteralString = (
    """
MATCH (l:ListEntry)-[:TRANSITIONED]->(t:Transition {batch_key: $key})
MATCH (l)-[:IDENTIFIED_BY]->(u:Unit)
RETURN """
    + _ENTRY_MAP
    + " AS entry ORDER BY t.batch_index"
)

CREATE_OBJECTION: LiteralString = """
MATCH (l:ListEntry {id: $id})
CREATE (o:Objection)-[:AGAINST]->(l)
SET o = $objection
RETURN count(o) AS written
"""

OBJECTION_ENTRY: LiteralString = """
MATCH (o:Objection {id: $id})-[:AGAINST]->(l:ListEntry)
RETURN l.id AS entry_id
"""

# Decided only if still pending, in the step's transaction (under the entry's lock): a
# concurrent second decision finds nothing to decide.
DECIDE_OBJECTION: LiteralString = """
MATCH (o:Objection {id: $objection_id})
WHERE o.status = 'PENDING'
SET o += $decision
RETURN count(o) AS written
"""

CREATE_REPAIR_APPLICATION: LiteralString = """
MATCH (l:ListEntry {id: $id})
CREATE (a:RepairApplication)-[:TO_REPAIR]->(l)
SET a = $application
RETURN count(a) AS written
"""

REPAIR_APPLICATION_ENTRY: LiteralString = """
MATCH (a:RepairApplication {id: $id})-[:TO_REPAIR]->(l:ListEntry)
RETURN l.id AS entry_id
"""

DECIDE_REPAIR_APPLICATION: LiteralString = """
MATCH (a:RepairApplication {id: $application_id})
WHERE a.status = 'PENDING'
SET a += $decision
RETURN count(a) AS written
"""

# R3 at the moment a red entry takes effect.
BLOCKING_BLACK_OF_ENTRY_SUBJECT: LiteralString = """
MATCH (:ListEntry {id: $id})-[:CONCERNS]->(s)<-[:CONCERNS]-(b:ListEntry)
WHERE b.list = 'BLACK' AND b.status IN ['ACTIVE', 'OBJECTED']
  AND (b.valid_until IS NULL OR b.valid_until >= $today)
RETURN b.id AS id ORDER BY id
"""

WATCH_MONTHS_OF_ENTRY: LiteralString = """
MATCH (b:ListEntry {id: $id})
RETURN b.watch_months_after_exit AS months, b.domain AS domain, b.basis AS basis
"""

# The expiry job's work list: entries still live past their validity.
DUE_TO_EXPIRE: LiteralString = """
MATCH (l:ListEntry)
WHERE l.status IN ['PROPOSED', 'PUBLIC_NOTICE', 'ACTIVE', 'OBJECTED'] AND l.valid_until < $today
  AND NOT EXISTS { (l)-[:IDENTIFIED_BY]->(:Unit {kind: 'PLATFORM'}) }
RETURN l.id AS id ORDER BY id LIMIT $limit
"""

ENTRY_HISTORY: LiteralString = (
    """
MATCH (l:ListEntry {id: $id})-[:IDENTIFIED_BY]->(u:Unit)
RETURN """
    + _ENTRY_MAP
    + """ AS entry,
  COLLECT { MATCH (l)-[:TRANSITIONED]->(t:Transition) RETURN t{.*} AS t ORDER BY t.at, t.seq }
    AS transitions,
  COLLECT { MATCH (o:Objection)-[:AGAINST]->(l) RETURN o{.*} AS o ORDER BY o.raised_at }
    AS objections,
  COLLECT { MATCH (a:RepairApplication)-[:TO_REPAIR]->(l) RETURN a{.*} AS a ORDER BY a.applied_at }
    AS repairs
"""
)


async def run(
    tx: AsyncManagedTransaction, statement: LiteralString, **parameters: Any
) -> list[dict[str, Any]]:
    note_statement()
    result = await tx.run(statement, parameters)
    return [record.data() async for record in result]
