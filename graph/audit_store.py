"""Where audit records are kept: ``:AuditEvent`` nodes, written in group commits.

Each hub process is one writer (``writer``, ``seq`` numbered from 1), so processes never
contend for a lock: their records are distinct nodes, and so are the ``:AuditDisclosure`` nodes
(one per subject a record names: the index behind ``accessHistory``) and the writer's own
``:AuditCheckpoint`` nodes. The unique constraint on (writer, seq) is created by
``credit-hub migrate``.

A batch and the checkpoint that seals it are written in one transaction (one statement).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import neo4j
from neo4j import AsyncDriver

# One statement, one auto-commit transaction, one round trip: the batch's records (and a
# ``:AuditDisclosure`` per subject each names), then the checkpoint that seals them, if any.
# (writer, size) identifies a checkpoint; writing it again (the final checkpoint of a writer
# whose last checkpoint already had that size) replaces the statement.
WRITE_AUDIT_BATCH = (
    "UNWIND $events AS event "
    "CREATE (a:AuditEvent) SET a = event "
    "FOREACH (subject IN coalesce(event.subjects, []) | "
    "CREATE (a)-[:DISCLOSED]->(:AuditDisclosure {subject: subject, at: event.at})) "
    "WITH count(*) AS written "
    "UNWIND $checkpoints AS c "
    "MERGE (k:AuditCheckpoint {writer: c.writer, size: c.size}) "
    "SET k = c"
)
# After a failed commit the writer does not know whether the transaction landed: it reads
# where its chain really ends before it writes again.
# (Ordering by both properties of the (writer, seq) constraint's index reads one entry.)
WRITER_HEAD = (
    "MATCH (a:AuditEvent) WHERE a.writer = $writer AND a.seq >= 0 "
    "WITH a ORDER BY a.writer DESC, a.seq DESC LIMIT 1 "
    "RETURN a.seq AS seq, a.hash AS hash"
)

AWAIT_AUDIT_INDEXES = "CALL db.awaitIndexes($timeout_seconds)"

Events = Sequence[Mapping[str, Any]]


class AuditStore:
    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def append(self, events: Events, checkpoints: Events = ()) -> None:
        """Durable when it returns (the transaction committed); raises if not. One attempt:
        no driver retries, so an outage is reported at once (the log resynchronises)."""
        async with self._driver.session(database=self._database) as session:
            result = await session.run(
                WRITE_AUDIT_BATCH, events=list(events), checkpoints=list(checkpoints)
            )
            await result.consume()

    async def head(self, writer: str) -> tuple[int, str] | None:
        """(seq, hash) of the writer's last stored record, or None if it has none."""
        async with self._driver.session(database=self._database) as session:
            result = await session.run(WRITER_HEAD, writer=writer)
            record = await result.single()
        return None if record is None else (int(record["seq"]), str(record["hash"]))


def append_sync(driver: neo4j.Driver, database: str, events: Events, checkpoints: Events) -> None:
    """The same write for one-shot writers (command-line operations)."""
    with driver.session(database=database) as session:
        session.run(WRITE_AUDIT_BATCH, events=list(events), checkpoints=list(checkpoints)).consume()


def apply_audit_schema(driver: neo4j.Driver, database: str) -> list[str]:
    """The audit constraints and indexes (graph/model.py) on a separate audit store."""
    from graph.model import AUDIT_CONSTRAINTS, AUDIT_INDEXES, schema_name

    statements = AUDIT_CONSTRAINTS + AUDIT_INDEXES
    with driver.session(database=database) as session:
        for statement in statements:
            session.run(statement).consume()
        session.run(AWAIT_AUDIT_INDEXES, timeout_seconds=300).consume()
    return [schema_name(statement) for statement in statements]
