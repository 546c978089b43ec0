"""``credit-hub import FILE.jsonl``: all or nothing, in one transaction.

The file is parsed and checked line by line; then, inside one write transaction, references are
checked against the graph and, only if no line is bad, every record is MERGEd. Any problem
raises ``ImportRejected`` with every bad line; the transaction is rolled back, nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import neo4j
from neo4j.exceptions import TransientError

from graph import loading
from graph.driver import open_driver
from graph.loading import Tx
from graph.vocabulary import SourceFeed
from hub.errors import HubError, ImportRejected, Unavailable
from hub.importing.consistency import Outside, check_file
from hub.importing.fields import Problems
from hub.importing.references import check_against_graph
from hub.importing.rows import RowBuilder, Rows
from hub.importing.validate import Parsed, parse_file
from hub.keys.crypto import FieldCipher, load_keyring
from hub.reading.sources import Source, file_batch
from hub.settings import Settings

_OUT_OF_TRANSACTION_MEMORY = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"


class ImportTooLarge(HubError):
    """The file does not fit in one transaction of this Neo4j: nothing was written."""

    code = "BAD_INPUT"
    http_status = 413


@dataclass(frozen=True)
class Counts:
    """Records of one type in the file, and how many of them the graph did not hold before."""

    records: int
    created: int

    @property
    def existing(self) -> int:
        return self.records - self.created


@dataclass(frozen=True)
class ImportSummary:
    units: Counts
    enterprises: Counts
    persons: Counts
    roles: Counts
    shareholdings: Counts
    entries: Counts

    def __str__(self) -> str:
        parts = [
            f"{name} {c.records} ({c.created} new, {c.existing} existing)"
            for name, c in vars(self).items()
        ]
        return "imported: " + ", ".join(parts)


class Guard(Protocol):
    """What a kind of import does inside the import's own transaction, around its writes."""

    def before(self, tx: Tx) -> None:
        """First in the transaction (locks, checks); raising refuses the import."""

    def after(self, tx: Tx) -> None:
        """Last, before the commit (a receipt of what was taken)."""


def import_file(
    settings: Settings, path: Path, source: Source | None = None, guard: Guard | None = None
) -> ImportSummary:
    """Import ``path``; raise ``ImportRejected`` listing every bad line, having written nothing.

    Its entries record ``source`` (default: an ``IMPORT`` batch named by the file's digest).
    ``guard`` runs first and last in the transaction (``hub.exchange.recognition``).
    One explicit transaction, never re-run behind the caller's back: if Neo4j can not take it
    (too large, or a transient conflict), nothing is written and the error says what to do.
    """
    raw = _read(path)
    source = source or Source(SourceFeed.IMPORT, file_batch(raw))
    parsed = parse_file(raw)
    outside = check_file(parsed.records, parsed.defined, parsed.problems)
    builder = RowBuilder(FieldCipher(load_keyring(settings.keys_dir, create=True)))
    rows = builder.build(parsed.records)
    with (
        open_driver(settings) as driver,
        driver.session(database=settings.neo4j_database) as session,
    ):
        try:
            with session.begin_transaction() as tx:
                if guard is not None:
                    guard.before(tx)
                summary = _check_and_write(tx, parsed, outside, builder, rows, source)
                if guard is not None:
                    guard.after(tx)
                tx.commit()
                return summary
        except TransientError as exc:
            raise _not_taken(exc, len(rows)) from None


def _not_taken(exc: TransientError, records: int) -> HubError:
    if exc.code == _OUT_OF_TRANSACTION_MEMORY:
        return ImportTooLarge(
            f"{records} records do not fit in one transaction of this Neo4j ({exc.message}); "
            "nothing was imported: split the file (units, enterprises and persons first)"
        )
    return Unavailable(
        f"Neo4j could not take the import now ({exc.message}); nothing was imported: run it again"
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportRejected([f"{path}: can not be read: {exc.strerror}"]) from None


def _check_and_write(
    tx: neo4j.Transaction,
    parsed: Parsed,
    outside: Outside,
    builder: RowBuilder,
    rows: Rows,
    source: Source,
) -> ImportSummary:
    problems = Problems()
    problems.extend(parsed.problems)
    problems.extend(check_against_graph(tx, parsed.records, outside, builder.blind_index))
    if problems:
        raise ImportRejected(problems.sorted())
    return write_rows(tx, rows, source)


def write_rows(tx: Tx, rows: Rows, source: Source) -> ImportSummary:
    """MERGE every row, parents before the relationships that need them."""
    units = loading.write_units(tx, rows.units)
    enterprises = loading.write_enterprises(tx, rows.enterprises)
    persons = loading.write_persons(tx, rows.persons)
    roles = loading.write_roles(tx, rows.roles)
    shareholdings = loading.write_shareholdings(tx, rows.shareholdings)
    entries = loading.write_entries(tx, rows.entries, source.params())
    return ImportSummary(
        units=Counts(units.rows, units.nodes_created),
        enterprises=Counts(enterprises.rows, enterprises.nodes_created),
        persons=Counts(persons.rows, persons.nodes_created),
        roles=Counts(roles.rows, roles.relationships_created),
        shareholdings=Counts(shareholdings.rows, shareholdings.relationships_created),
        entries=Counts(entries.rows, entries.nodes_created),
    )
