"""The records of an import file (API.md "Import file"), checked and typed, one per line.

Identity numbers stay in these records in clear only in memory, between parsing and sealing;
``hub.importing.rows`` turns them into ciphertext and blind index before anything reaches Neo4j.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from graph.vocabulary import EntryStatus, ExitReason, ListKind, RoleKind, UnitKind


class SubjectKind(StrEnum):
    ENTERPRISE = "enterprise"  # 法人和其他组织, keyed by uscc
    PERSON = "person"  # 自然人, keyed by id_number


@dataclass(frozen=True)
class SubjectRef:
    """A reference to an enterprise (by uscc) or a natural person (by identity number)."""

    kind: SubjectKind
    key: str

    @classmethod
    def enterprise(cls, uscc: str) -> SubjectRef:
        return cls(SubjectKind.ENTERPRISE, uscc)

    @classmethod
    def person(cls, id_number: str) -> SubjectRef:
        return cls(SubjectKind.PERSON, id_number)


@dataclass(frozen=True)
class Unit:
    line: int
    code: str
    name: str
    kind: UnitKind


@dataclass(frozen=True)
class Enterprise:
    line: int
    uscc: str  # 统一社会信用代码, GB 32100
    name: str
    registered_on: date | None


@dataclass(frozen=True)
class Person:
    line: int
    id_number: str  # 居民身份证号码, GB 11643; never stored in clear
    name: str


@dataclass(frozen=True)
class Role:
    """A person's role in an enterprise; identified by (person, enterprise, kind, from)."""

    line: int
    person: str  # identity number
    enterprise: str  # uscc
    kind: RoleKind
    from_: date
    to: date | None  # None: held today


@dataclass(frozen=True)
class Shareholding:
    """A holding by a person or an enterprise; identified by (holder, enterprise, from)."""

    line: int
    holder: SubjectRef
    enterprise: str
    percent: float
    from_: date
    to: date | None


@dataclass(frozen=True)
class ListEntry:
    """A red, black or watch list entry (R1), pushed by its identifying unit (认定单位)."""

    line: int
    id: str
    list_kind: ListKind
    subject: SubjectRef
    unit: str  # the identifying unit's code
    domain: str
    basis: int  # 认定依据 category 1..5 (R2)
    act_date: date | None
    identified_on: date
    valid_until: date | None
    status: EntryStatus
    repairable: bool | None  # None only for RED entries
    legal_basis: str | None = None
    reported_on: date | None = None
    valid_from: date | None = None
    repair_method: str | None = None
    repair_earliest: date | None = None
    exit_reason: ExitReason | None = None
    exited_on: date | None = None


Record = Unit | Enterprise | Person | Role | Shareholding | ListEntry
