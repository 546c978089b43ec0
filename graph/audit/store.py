"""Where audit records are kept: ``:AuditEvent`` nodes, written in group commits.

Each hub process is one writer (``writer``, ``seq`` numbered from 1), so processes never
contend for a lock: their records are distinct nodes, and so are the ``:AuditDisclosure`` nodes
(one per subject a record names: the index behind ``accessHistory``) and the writer's own
``:AuditCheckpoint`` nodes. The unique constraint on (writer, seq) is created by
``credit-hub migrate``.

A batch and the checkpoint that seals it are written in one transaction (one statement).
Several batches of one writer may be in flight at once (hub/audit/log.py); a batch that continues
the chain commits only once the record it links to is stored with the hash it links to, so the
stored chain is always a gapless prefix, whatever fails or crashes in between.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import neo4j
from neo4j import AsyncDriver

from graph.model import AUDIT_CONSTRAINTS, AUDIT_INDEXES, schema_name

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
# The same for a batch that continues the chain after seq $after (hash $after_hash): after its
# own records it MERGEs the record it links to on the (writer, seq) constraint. That lookup
# waits for the index entry's lock, so when the previous batch is still committing (pipelined
# batches) this one waits for it; if that record is not stored (the previous batch failed) or
# holds another hash, the division by zero aborts this transaction and nothing of it is stored.
WRITE_LINKED_AUDIT_BATCH = (
    "UNWIND $events AS event "
    "CREATE (a:AuditEvent) SET a = event "
    "FOREACH (subject IN coalesce(event.subjects, []) | "
    "CREATE (a)-[:DISCLOSED]->(:AuditDisclosure {subject: subject, at: event.at})) "
    "WITH count(*) AS written "
    "MERGE (p:AuditEvent {writer: $writer, seq: $after}) "
    "WITH 1 / CASE WHEN p.hash = $after_hash THEN 1 ELSE 0 END AS linked "
    "CALL (linked) { UNWIND $checkpoints AS c "
    "MERGE (k:AuditCheckpoint {writer: c.writer, size: c.size}) SET k = c } "
    "RETURN linked"
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
_BROKEN_LINK = "Neo.ClientError.Statement.ArithmeticError"


class BrokenLink(Exception):
    """A batch was refused: the record it links to is not stored (with that hash)."""


class AuditStore:
    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database

    async def append(
        self, events: Events, checkpoints: Events = (), after: tuple[int, str] | None = None
    ) -> None:
        """Durable when it returns (the transaction committed); raises if not. One attempt:
        no driver retries, so an outage is reported at once (the log resynchronises).

        ``after`` is (seq, hash) of the record the first event links to; the batch is stored
        only once that record is (``BrokenLink`` if it is not). None or seq 0: no check."""
        async with self._driver.session(database=self._database) as session:
            if after is None or after[0] == 0 or not events:
                result = await session.run(
                    WRITE_AUDIT_BATCH, events=list(events), checkpoints=list(checkpoints)
                )
                await result.consume()
                return
            writer = events[0]["writer"]
            try:
                result = await session.run(
                    WRITE_LINKED_AUDIT_BATCH,
                    events=list(events),
                    checkpoints=list(checkpoints),
                    writer=writer,
                    after=after[0],
                    after_hash=after[1],
                )
                await result.consume()
            except neo4j.exceptions.ClientError as exc:
                if exc.code != _BROKEN_LINK:
                    raise
                raise BrokenLink(
                    f"writer {writer}: seq {after[0]} is not stored with the hash "
                    f"seq {after[0] + 1} links to"
                ) from exc

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
    statements = AUDIT_CONSTRAINTS + AUDIT_INDEXES
    with driver.session(database=database) as session:
        for statement in statements:
            session.run(statement).consume()
        session.run(AWAIT_AUDIT_INDEXES, timeout_seconds=300).consume()
    return [schema_name(statement) for statement in statements]
