"""Reading the audit log whole, for the command line: verification, proofs, export, retention.

These are operators' tools (``credit-hub audit ...``), not GraphQL root fields: they page
through a writer's chain in ``seq`` order with the (writer, seq) constraint's index, a page per
round trip, and never hold a chain in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, LiteralString

import neo4j

from graph.audit.stored import PAYLOAD, content, node_of

PAGE = 5000

AUDIT_WRITERS = (
    "MATCH (a:AuditEvent) RETURN DISTINCT a.writer AS writer "
    "UNION MATCH (c:AuditCheckpoint) RETURN DISTINCT c.writer AS writer "
    "UNION MATCH (r:AuditRetention) RETURN r.writer AS writer"
)
# Ordering by both properties of the (writer, seq) index makes the page an index range read;
# one row holding the whole page decodes ~1.6x faster in the driver than a row per record.
WRITER_RECORDS_PAGE = (
    "MATCH (a:AuditEvent) WHERE a.writer = $writer AND a.seq > $after AND a.seq <= $through "
    "WITH a ORDER BY a.writer, a.seq LIMIT $page "
    "RETURN collect(properties(a)) AS records"
)
# Verification reads the chain, the stored record (its canonical bytes) and the record's filter
# properties as stored, in the order of graph.audit.stored.FILTER_FIELDS (the verifier compares
# them with the record's own fields). A list a record: one row holding the page decodes fastest.
WRITER_CHAIN_PAGE = (
    "MATCH (a:AuditEvent) WHERE a.writer = $writer AND a.seq > $after AND a.seq <= $through "
    "WITH a ORDER BY a.writer, a.seq LIMIT $page "
    "RETURN collect([a.seq, a.prev_hash, a.hash, a.record, "
    "a.at, a.unit, a.user, a.purpose, a.decision, "
    "a.operations, a.subjects, a.denied, a.error_codes, "
    "a.x_checks, a.x_check_hits, a.x_feedback, a.x_feedback_delay_days, "
    "a.x_feedback_max_delay_days, a.x_feedback_late, a.x_feedback_applied, "
    "a.x_lookups, a.x_lookup_misses]) AS records"
)
WRITER_CHECKPOINTS = (
    "MATCH (c:AuditCheckpoint {writer: $writer}) RETURN properties(c) AS checkpoint ORDER BY c.size"
)
WRITER_RETENTION = "MATCH (r:AuditRetention {writer: $writer}) RETURN properties(r) AS mark"
LOCATE_HASH = (
    "MATCH (a:AuditEvent) WHERE a.writer = $writer AND a.seq >= 0 AND a.hash = $hash "
    "RETURN a.seq AS seq LIMIT 1"
)
# The writers with records in a time range, and the seq span of those records.
WRITERS_IN_RANGE = (
    "MATCH (a:AuditEvent) WHERE a.at >= $from AND a.at < $to "
    "RETURN a.writer AS writer, min(a.seq) AS first, max(a.seq) AS last ORDER BY writer"
)
FIRST_CHECKPOINT_FROM = (
    "MATCH (c:AuditCheckpoint {writer: $writer}) WHERE c.size >= $seq "
    "RETURN properties(c) AS checkpoint ORDER BY c.size LIMIT 1"
)
# Retention: per writer, the last checkpoint whose last record is older than the cut.
PRUNABLE_CUTS = (
    "MATCH (c:AuditCheckpoint) "
    "MATCH (a:AuditEvent {writer: c.writer, seq: c.size}) WHERE a.at < $cutoff "
    "WITH c.writer AS writer, max(c.size) AS through "
    "OPTIONAL MATCH (r:AuditRetention {writer: writer}) "
    "WITH writer, through, r WHERE r IS NULL OR r.through < through "
    "RETURN writer, through ORDER BY writer"
)
# Records written before the stored form (graph/audit/stored.py) had every field as a property and
# no ``record``: ``upgrade_stored_form`` rewrites them in place, hash unchanged.
REWRITE_OLD_FORM = (
    "UNWIND $nodes AS node "
    "MATCH (a:AuditEvent) WHERE a.writer = node.writer AND a.seq = node.seq AND a.record IS NULL "
    "SET a = node RETURN count(a) AS rewritten"
)
WRITE_RETENTION_MARK = "MERGE (r:AuditRetention {writer: $mark.writer}) SET r = $mark"
DELETE_PRUNED_EVENTS = (
    "MATCH (a:AuditEvent) WHERE a.writer = $writer AND a.seq >= 0 AND a.seq <= $through "
    "WITH a LIMIT $batch "
    "OPTIONAL MATCH (a)-[:DISCLOSED]->(d:AuditDisclosure) "
    "DETACH DELETE d, a "
    "RETURN count(DISTINCT a) AS deleted"
)
DELETE_PRUNED_CHECKPOINTS = (
    "MATCH (c:AuditCheckpoint {writer: $writer}) WHERE c.size < $through "
    "DETACH DELETE c RETURN count(c) AS deleted"
)


class AuditScan:
    """Sync reads (and retention's deletes) over one database of the audit store."""

    def __init__(self, driver: neo4j.Driver, database: str) -> None:
        self._driver = driver
        self._database = database

    def _rows(self, query: LiteralString, **parameters: Any) -> list[dict[str, Any]]:
        records, _, _ = self._driver.execute_query(
            query, parameters, database_=self._database, routing_=neo4j.RoutingControl.READ
        )
        return [record.data() for record in records]

    def writers(self) -> list[str]:
        return sorted({str(row["writer"]) for row in self._rows(AUDIT_WRITERS) if row["writer"]})

    def records(
        self, writer: str, after: int = 0, through: int = 2**62
    ) -> Iterator[dict[str, Any]]:
        """The writer's records with ``after < seq <= through``, in seq order, as the store
        holds them (``graph.audit.stored.content``), a page a query."""
        for page in self._pages(WRITER_RECORDS_PAGE, writer, after, through):
            yield from (content(node) for node in page)

    def chain(self, writer: str, after: int = 0, through: int = 2**62) -> Iterator[dict[str, Any]]:
        """What verification needs of the same records: ``seq``, ``prev_hash``, ``hash``, the
        stored record (``payload``) and its filter properties as stored (``filters``, in the
        order of ``graph.audit.stored.FILTER_FIELDS``, None where absent)."""
        for page in self._pages(WRITER_CHAIN_PAGE, writer, after, through):
            for row in page:
                yield {
                    "seq": row[0],
                    "prev_hash": row[1],
                    "hash": row[2],
                    "payload": row[3],
                    "filters": row[4:],
                }

    def _pages(
        self, query: LiteralString, writer: str, after: int, through: int
    ) -> Iterator[list[Any]]:
        """Pages of ``query``'s rows in seq order; the next page is fetched (in a thread) while
        the caller works through this one."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(self._page, query, writer, after, through)
            while True:
                page = pending.result()
                if len(page) == PAGE:
                    last = page[-1]
                    seq = int(last[0] if isinstance(last, list) else last["seq"])
                    pending = pool.submit(self._page, query, writer, seq, through)
                yield page
                if len(page) < PAGE:
                    return

    def _page(self, query: LiteralString, writer: str, after: int, through: int) -> list[Any]:
        # no notifications: the page names properties no record may have yet
        # (``x_feedback`` before any feedback), which Neo4j would warn about on every page
        with self._driver.session(
            database=self._database,
            default_access_mode=neo4j.READ_ACCESS,
            notifications_min_severity="OFF",
        ) as session:
            row = session.run(
                query, {"writer": writer, "after": after, "through": through, "page": PAGE}
            ).single()
        return list(row["records"]) if row else []

    def upgrade_stored_form(self) -> int:
        """Rewrite the records stored before the stored form (every field a property, no
        ``record``) as ``graph.audit.stored.node_of`` stores them; returns how many. The canonical
        bytes are those of the old properties, so every hash still holds (and a record edited
        before the upgrade is still named by ``audit verify`` after it). Idempotent."""
        rewritten = 0
        for writer in self.writers():
            for page in self._pages(WRITER_RECORDS_PAGE, writer, 0, 2**62):
                old = [node_of(node) for node in page if PAYLOAD not in node]
                if old:
                    rows = self._write(REWRITE_OLD_FORM, nodes=old)
                    rewritten += int(rows[0]["rewritten"])
        return rewritten

    def _write(self, query: LiteralString, **parameters: Any) -> list[dict[str, Any]]:
        records, _, _ = self._driver.execute_query(
            query, parameters, database_=self._database, routing_=neo4j.RoutingControl.WRITE
        )
        return [record.data() for record in records]

    def checkpoints(self, writer: str) -> list[dict[str, Any]]:
        return [row["checkpoint"] for row in self._rows(WRITER_CHECKPOINTS, writer=writer)]

    def retention(self, writer: str) -> dict[str, Any] | None:
        rows = self._rows(WRITER_RETENTION, writer=writer)
        return dict(rows[0]["mark"]) if rows else None

    def locate(self, writer: str, hash_: str) -> int | None:
        rows = self._rows(LOCATE_HASH, writer=writer, hash=hash_)
        return int(rows[0]["seq"]) if rows else None

    def writers_in_range(self, start: str, end: str) -> list[tuple[str, int, int]]:
        rows = self._rows(WRITERS_IN_RANGE, **{"from": start, "to": end})
        return [(str(r["writer"]), int(r["first"]), int(r["last"])) for r in rows]

    def first_checkpoint_from(self, writer: str, seq: int) -> dict[str, Any] | None:
        rows = self._rows(FIRST_CHECKPOINT_FROM, writer=writer, seq=seq)
        return dict(rows[0]["checkpoint"]) if rows else None

    def prunable(self, cutoff: str) -> list[tuple[str, int]]:
        """(writer, size of its last checkpoint older than ``cutoff``), not yet pruned."""
        rows = self._rows(PRUNABLE_CUTS, cutoff=cutoff)
        return [(str(r["writer"]), int(r["through"])) for r in rows]

    def prune(self, mark: dict[str, Any], batch: int = 10_000) -> int:
        """Write the signed retention mark, then delete the writer's records up to it (and its
        older checkpoints), a batch per transaction; returns how many records were deleted."""
        writer, through = mark["writer"], mark["through"]
        with self._driver.session(database=self._database) as session:
            session.run(WRITE_RETENTION_MARK, mark=mark).consume()
            deleted = 0
            while True:
                record = session.run(
                    DELETE_PRUNED_EVENTS, writer=writer, through=through, batch=batch
                ).single()
                count = int(record["deleted"]) if record else 0
                deleted += count
                if count < batch:
                    break
            session.run(DELETE_PRUNED_CHECKPOINTS, writer=writer, through=through).consume()
        return deleted
