"""The inputs of lifecycle steps and the actor who takes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from graph.vocabulary import ExitReason, ListKind


@dataclass(frozen=True)
class Actor:
    """Who takes a step: from the verified token."""

    user: str
    unit: str


@dataclass(frozen=True)
class Proposal:
    """A candidate entry (初步名单) pushed by its identifying unit; the unit is the actor's."""

    list: ListKind
    subject_uscc: str | None
    subject_id_number: str | None
    domain: str
    basis: int
    identified_on: date
    valid_until: date
    id: str | None = None
    legal_basis: str | None = None
    act_date: date | None = None
    repairable: bool | None = None
    repair_method: str | None = None
    repair_earliest: date | None = None
    watch_months_after_exit: int | None = None


@dataclass(frozen=True)
class Correction:
    """What an upheld objection corrects (R22: wrong information is corrected)."""

    domain: str | None = None
    legal_basis: str | None = None
    valid_until: date | None = None
    act_date: date | None = None


@dataclass(frozen=True)
class Step:
    """One step on one entry, with what the caller says about it."""

    entry_id: str
    action: str
    expected_version: int | None = None
    idempotency_key: str | None = None
    reason: str | None = None
    evidence: tuple[str, ...] = field(default_factory=tuple)
    note: str | None = None
    notice_until: date | None = None
    notified_on: date | None = None
    exit_reason: ExitReason | None = None
