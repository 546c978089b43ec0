"""``credit-hub seed``: generate the synthetic city and load it by batched UNWIND ... MERGE.

Rows go in transactions of ``TRANSACTION_ROWS``; everything is MERGEd on the model's keys, so
seeding a non-empty graph (or seeding twice) adds only what is missing. At most ``WRITERS + 1``
generated parts are in the writers' hands, so the rows in memory stay bounded whatever the city's
size (what grows with it is the list of persons and enterprises that later parts draw from:
~0.5 KB per person or enterprise, with the memo of sealed numbers: 1.6 GB at 1M + 2M).
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import neo4j

from graph import loading
from graph.driver import open_driver
from graph.loading import Written
from graph.vocabulary import SourceFeed
from hub.importing.rows import RowBuilder, Rows
from hub.keys.crypto import FieldCipher, load_keyring
from hub.reading.sources import Source
from hub.seeding.city import city_parts
from hub.settings import Settings

TRANSACTION_ROWS = 5_000  # measured: 5k-row transactions load faster than 10k or 20k
WRITERS = 2  # node parts loading at once (measured: see docs/check.md, "Figures")


@dataclass(frozen=True)
class SeedSummary:
    enterprises: int
    persons: int
    entries: int
    nodes: int  # nodes written (MERGEd)
    relationships: int  # relationships written (MERGEd)
    nodes_created: int
    relationships_created: int
    generate_seconds: float  # generating the city and sealing identity numbers (overlaps load)
    seconds: float  # everything, generation and load

    @property
    def rate(self) -> float:
        """Nodes and relationships written per second, generation included."""
        return (self.nodes + self.relationships) / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        return (
            f"seeded {self.enterprises} enterprises, {self.persons} persons, {self.entries} "
            f"entries: {self.nodes} nodes ({self.nodes_created} new), {self.relationships} "
            f"relationships ({self.relationships_created} new) in {self.seconds:.1f} s "
            f"(generation {self.generate_seconds:.1f} s): {self.rate:,.0f} nodes+relationships/s"
        )


def seed_city(
    settings: Settings,
    enterprises: int,
    seed: int,
    persons: int | None = None,
    writers: int = WRITERS,
) -> SeedSummary:
    """Generate the city of ``enterprises`` enterprises (and ``persons``) for ``seed``; MERGE it.

    Writer threads load parts of the city while the caller's thread generates the next ones
    (the driver waits for Neo4j without holding the GIL), so generation costs little. Parts of
    nodes only (persons, enterprises) load ``writers`` at a time: their keys are distinct, so
    their transactions never wait on each other. Any other part waits until every earlier part
    is written (its relationships need their nodes) and loads alone: two relationship parts
    side by side deadlocked on shared persons every few transactions (measured, and no faster).
    """
    started = time.perf_counter()
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=True))
    person_ids: dict[str, str] = {}
    builder = RowBuilder(cipher, person_ids)
    source = Source(SourceFeed.SEED, f"seed:{seed}")
    counts: Counter[str] = Counter()
    generating = 0.0
    with (
        open_driver(settings) as driver,
        ThreadPoolExecutor(max_workers=writers, thread_name_prefix="seed-writer") as pool,
    ):
        loads: list[Future[tuple[Written, Written]]] = []
        parts = city_parts(enterprises, seed, person_ids, persons)
        while True:
            tick = time.perf_counter()
            part = next(parts, None)
            if part is None:
                break
            counts.update(type(record).__name__ for record in part)
            rows = builder.build(part)
            generating += time.perf_counter() - tick
            _wait_for_room(loads, writers + 1 if _nodes_only(rows) else 1)
            loads.append(pool.submit(load_rows, driver, settings.neo4j_database, rows, source))
        nodes, relationships = _sum(load.result() for load in loads)
    return SeedSummary(
        enterprises=counts["Enterprise"],
        persons=counts["Person"],
        entries=counts["ListEntry"],
        nodes=nodes.rows,
        relationships=relationships.rows,
        nodes_created=nodes.nodes_created,
        relationships_created=relationships.relationships_created,
        generate_seconds=generating,
        seconds=time.perf_counter() - started,
    )


def _nodes_only(rows: Rows) -> bool:
    return not (rows.roles or rows.shareholdings or rows.entries)


def _wait_for_room(loads: list[Future[tuple[Written, Written]]], room: int) -> None:
    """Block until fewer than ``room`` loads are pending; raise the first failed write.

    ``room`` 1 waits for every earlier load. A failure stops the generation at once (later
    parts would need the failed part's records).
    """
    for load in loads:
        if load.done():
            load.result()
    pending = [load for load in loads if not load.done()]
    for load in pending[: max(0, len(pending) - room + 1)]:
        load.result()


def _sum(results: Iterable[tuple[Written, Written]]) -> tuple[Written, Written]:
    nodes, relationships = Written(), Written()
    for part_nodes, part_relationships in results:
        nodes += part_nodes
        relationships += part_relationships
    return nodes, relationships


def load_rows(
    driver: neo4j.Driver, database: str, rows: Rows, source: Source
) -> tuple[Written, Written]:
    """Write ``rows`` in transactions of ``TRANSACTION_ROWS``: (node, relationship) writes;
    the entries record ``source``."""
    with driver.session(database=database) as session:
        return _load(session, rows, source)


def _load(session: neo4j.Session, rows: Rows, source: Source) -> tuple[Written, Written]:
    nodes = (
        _in_transactions(session, loading.write_units, rows.units)
        + _in_transactions(session, loading.write_enterprises, rows.enterprises)
        + _in_transactions(session, loading.write_persons, rows.persons)
    )
    relationships = _in_transactions(session, loading.write_roles, rows.roles) + _in_transactions(
        session, loading.write_shareholdings, rows.shareholdings
    )
    write_entries = functools.partial(loading.write_entries, source=source.params())
    entries = _in_transactions(session, write_entries, rows.entries)
    # an entry is a node with two relationships: IDENTIFIED_BY its unit, CONCERNS its subject
    nodes += Written(entries.rows, entries.nodes_created, 0)
    relationships += Written(2 * entries.rows, 0, entries.relationships_created)
    return nodes, relationships


def _in_transactions(
    session: neo4j.Session,
    write: Callable[[neo4j.ManagedTransaction, Any], Written],
    rows: Sequence[Any],
) -> Written:
    total = Written()
    for start in range(0, len(rows), TRANSACTION_ROWS):
        total += session.execute_write(write, rows[start : start + TRANSACTION_ROWS])
    return total
