"""Checks that need the graph, run inside the import's write transaction before any write.

* references the file does not define must name units, enterprises and persons in the graph
  (one batched read per kind; persons by blind index);
* an entry already in the graph keeps its identifying unit (谁认定、谁负责), list and subject;
* a subject with an ACTIVE BLACK entry has no RED entry that is not EXITED (R3, R4), counting
  the file's entries and the graph's (the file's version of an entry replaces the graph's).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from graph import references as graph_refs
from graph.references import StoredEntry, Tx
from graph.vocabulary import EntryStatus, ListKind
from hub.importing.consistency import Outside, Reference
from hub.importing.fields import Problems
from hub.importing.records import ListEntry, Record, SubjectKind

BlindIndex = Callable[[str], str]


def check_against_graph(
    tx: Tx, records: list[Record], outside: Outside, blind_index: BlindIndex
) -> Problems:
    problems = Problems()
    entries = [record for record in records if isinstance(record, ListEntry)]
    _check_outside(tx, outside, blind_index, problems)
    _check_stored_entries(tx, entries, blind_index, problems)
    _check_red_against_black(tx, entries, blind_index, problems)
    return problems


def _check_outside(tx: Tx, outside: Outside, blind_index: BlindIndex, problems: Problems) -> None:
    units = graph_refs.existing_units(tx, {ref.key for ref in outside.units})
    _missing(outside.units, lambda key: key in units, problems)
    usccs = graph_refs.existing_enterprises(tx, {ref.key for ref in outside.enterprises})
    _missing(outside.enterprises, lambda key: key in usccs, problems)
    bidxs = graph_refs.existing_persons(tx, {blind_index(ref.key) for ref in outside.persons})
    _missing(outside.persons, lambda key: blind_index(key) in bidxs, problems)


def _missing(refs: list[Reference], found: Callable[[str], bool], problems: Problems) -> None:
    for ref in refs:
        if found(ref.key):
            continue
        if ref.target == "person":  # never echo an identity number
            problems.add(
                ref.line,
                ref.field,
                "no person with this identity number is in the file or the graph",
            )
        else:
            problems.add(ref.line, ref.field, f"{ref.key} is neither in the file nor in the graph")


def _check_stored_entries(
    tx: Tx, entries: list[ListEntry], blind_index: BlindIndex, problems: Problems
) -> None:
    stored = graph_refs.existing_entries(tx, {entry.id for entry in entries})
    for entry in entries:
        before = stored.get(entry.id)
        if before is None:
            continue
        if before.unit != entry.unit:
            problems.add(
                entry.line,
                "unit",
                f"entry {entry.id} was identified by {before.unit}; only its identifying unit "
                "may change it (谁认定、谁负责)",
            )
        if before.list_kind != entry.list_kind.value:
            problems.add(
                entry.line,
                "list",
                f"entry {entry.id} is on the {before.list_kind} list; an entry never changes list",
            )
        if _subject_key(entry, blind_index) != (before.subject_uscc, before.subject_bidx):
            problems.add(
                entry.line,
                "subject",
                f"entry {entry.id} concerns another subject; an entry's subject never changes",
            )


@dataclass(frozen=True)
class _Listing:
    """An entry's list and status for the red/black cross-check; line 0: from the graph."""

    id: str
    list_kind: str
    status: str
    line: int = 0


def _check_red_against_black(
    tx: Tx, entries: list[ListEntry], blind_index: BlindIndex, problems: Problems
) -> None:
    red_black = [e for e in entries if e.list_kind in (ListKind.RED, ListKind.BLACK)]
    by_subject: dict[tuple[str | None, str | None], dict[str, _Listing]] = defaultdict(dict)
    for e in red_black:
        by_subject[_subject_key(e, blind_index)][e.id] = _Listing(
            e.id, e.list_kind, e.status, e.line
        )
    usccs = {key[0] for key in by_subject if key[0] is not None}
    bidxs = {key[1] for key in by_subject if key[1] is not None}
    for stored in graph_refs.red_and_black_entries(tx, usccs, bidxs):
        listings = by_subject[(stored.subject_uscc, stored.subject_bidx)]
        listings.setdefault(stored.id, _graph_listing(stored))
    for listings in by_subject.values():
        _check_subject(sorted(listings.values(), key=lambda listing: listing.id), problems)


def _graph_listing(stored: StoredEntry) -> _Listing:
    return _Listing(stored.id, stored.list_kind, stored.status or "")


def _check_subject(listings: list[_Listing], problems: Problems) -> None:
    black = [
        x for x in listings if x.list_kind == ListKind.BLACK and x.status == EntryStatus.ACTIVE
    ]
    red = [x for x in listings if x.list_kind == ListKind.RED and x.status != EntryStatus.EXITED]
    if not black or not red:
        return
    for listing in red:
        if listing.line:
            problems.add(
                listing.line,
                "subject",
                f"is black-listed by ACTIVE entry {black[0].id}; a black-listed subject can not "
                "be on a RED list (R3)",
            )
    stored_red = [x for x in red if not x.line]  # a red entry in the file was reported above
    for listing in black:
        if listing.line and stored_red:
            problems.add(
                listing.line,
                "status",
                f"the subject's RED entry {stored_red[0].id} is {stored_red[0].status}, not "
                "EXITED; a subject leaves every RED list before a BLACK entry takes effect (R4)",
            )


def _subject_key(entry: ListEntry, blind_index: BlindIndex) -> tuple[str | None, str | None]:
    if entry.subject.kind is SubjectKind.ENTERPRISE:
        return entry.subject.key, None
    return None, blind_index(entry.subject.key)
