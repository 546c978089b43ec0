"""Checks of an import file as a whole: each record at most once, references inside the file.

References that the file does not satisfy are returned as ``Outside``: they must be found in
the graph (``hub.importing.references``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from hub.importing.fields import Problems
from hub.importing.records import (
    Enterprise,
    ListEntry,
    Person,
    Record,
    Role,
    Shareholding,
    SubjectKind,
    SubjectRef,
    Unit,
)

R = TypeVar("R", bound=Record)


Target = Literal["unit", "enterprise", "person"]


@dataclass(frozen=True)
class Reference:
    """Line ``line`` names, in ``field``, the ``target`` keyed ``key`` (code, uscc, id number)."""

    line: int
    field: str
    target: Target
    key: str


@dataclass
class Defined:
    """The keys the file defines, from every line whose key is valid (even if others are not)."""

    unit_codes: set[str] = field(default_factory=set)
    usccs: set[str] = field(default_factory=set)
    id_numbers: set[str] = field(default_factory=set)


@dataclass
class Outside:
    """References the file does not define: the graph must hold them."""

    units: list[Reference] = field(default_factory=list)
    enterprises: list[Reference] = field(default_factory=list)
    persons: list[Reference] = field(default_factory=list)


def check_file(records: list[Record], defined: Defined, problems: Problems) -> Outside:
    _check_unique(records, problems)
    outside = Outside()
    for record in records:
        for ref in _references(record):
            _place(ref, defined, outside)
    return outside


def _check_unique(records: list[Record], problems: Problems) -> None:
    _unique(records, Unit, lambda u: u.code, "code", lambda u: u.code, problems)
    _unique(records, Enterprise, lambda e: e.uscc, "uscc", lambda e: e.uscc, problems)
    _unique(
        records, Person, lambda p: p.id_number, "id_number", lambda _: "the same person", problems
    )
    _unique(records, ListEntry, lambda e: e.id, "id", lambda e: e.id, problems)
    _unique(
        records,
        Role,
        lambda r: (r.person, r.enterprise, r.kind, r.from_),
        "from",
        lambda _: "the same role (person, enterprise, role, from)",
        problems,
    )
    _unique(
        records,
        Shareholding,
        lambda s: (s.holder, s.enterprise, s.from_),
        "from",
        lambda _: "the same holding (holder, enterprise, from)",
        problems,
    )


def _unique(
    records: Iterable[Record],
    kind: type[R],
    key: Callable[[R], Hashable],
    field_name: str,
    label: Callable[[R], str],
    problems: Problems,
) -> None:
    first_line: dict[Hashable, int] = {}
    for record in records:
        if not isinstance(record, kind):
            continue
        seen = first_line.setdefault(key(record), record.line)
        if seen != record.line:
            problems.add(record.line, field_name, f"{label(record)} is already on line {seen}")


def _references(record: Record) -> list[Reference]:
    match record:
        case Role():
            return [
                Reference(record.line, "person", "person", record.person),
                Reference(record.line, "enterprise", "enterprise", record.enterprise),
            ]
        case Shareholding():
            return [
                _subject_reference(record.line, "holder", record.holder),
                Reference(record.line, "enterprise", "enterprise", record.enterprise),
            ]
        case ListEntry():
            return [
                Reference(record.line, "unit", "unit", record.unit),
                _subject_reference(record.line, "subject", record.subject),
            ]
        case _:
            return []


def _subject_reference(line: int, field_name: str, subject: SubjectRef) -> Reference:
    if subject.kind is SubjectKind.ENTERPRISE:
        return Reference(line, f"{field_name}.uscc", "enterprise", subject.key)
    return Reference(line, f"{field_name}.id_number", "person", subject.key)


def _place(ref: Reference, defined: Defined, outside: Outside) -> None:
    if ref.target == "unit" and ref.key not in defined.unit_codes:
        outside.units.append(ref)
    elif ref.target == "enterprise" and ref.key not in defined.usccs:
        outside.enterprises.append(ref)
    elif ref.target == "person" and ref.key not in defined.id_numbers:
        outside.persons.append(ref)
