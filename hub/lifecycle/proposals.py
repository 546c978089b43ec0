"""Proposing entries, one or a batch of up to 10,000: everything is checked first; a rejected
batch changes nothing and names every failing entry (index, field, rule)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction

from graph import lifecycle_store as store
from graph.vocabulary import EntryStatus, ListKind, SourceFeed
from hub.clock import Clock
from hub.errors import BadInput
from hub.keys.crypto import PERSON_ID_NUMBER, FieldCipher
from hub.lifecycle.calendar import report_deadline
from hub.lifecycle.rules import Refusal
from hub.lifecycle.steps import Actor, Proposal
from hub.reading.sources import now
from hub.validation import input_bounds as bounds
from hub.validation.identifiers import valid_id_number, valid_uscc

MAX_BATCH = 10_000
WRITE_CHUNK = 1_000
_ENTRY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Problem:
    index: int
    field: str
    rule: str

    def __str__(self) -> str:
        return f"entries[{self.index}].{self.field}: {self.rule}"


@dataclass(frozen=True)
class Checked:
    index: int
    proposal: Proposal
    subject: dict[str, Any]
    props: dict[str, Any]


def batch_rejected(problems: list[Problem]) -> Refusal:
    return Refusal(
        "BatchRejected",
        f"{len(problems)} problem(s); nothing was written",
        problems=problems,
    )


class Proposals:
    def __init__(
        self, driver: AsyncDriver, database: str, cipher: FieldCipher, clock: Clock
    ) -> None:
        self._driver = driver
        self._database = database
        self._cipher = cipher
        self._clock = clock

    async def propose(
        self, actor: Actor, proposals: list[Proposal], idempotency_key: str | None, batch: str
    ) -> list[dict[str, Any]]:
        """``batch`` names the delivery the entries record as their source
        (hub/reading/sources.py)."""
        if not proposals or len(proposals) > MAX_BATCH:
            raise BadInput("entries", f"between 1 and {MAX_BATCH} entries per request")
        today = self._clock()
        checked, problems = self._check_all(actor, proposals, today)
        batch_key = f"{actor.unit}:{idempotency_key}" if idempotency_key else None

        async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
            if batch_key is not None:
                replay = await store.run(tx, store.ENTRIES_BY_BATCH_KEY, key=batch_key, today=today)
                if replay:
                    return [row["entry"] for row in replay]
            problems.extend(await _graph_problems(tx, checked, today))
            if problems:
                raise batch_rejected(sorted(problems, key=lambda p: p.index))
            return await _create(tx, actor, checked, batch_key, batch, today)

        async with self._driver.session(database=self._database) as session:
            entries: list[dict[str, Any]] = await session.execute_write(work)
        return entries

    def _check_all(
        self, actor: Actor, proposals: list[Proposal], today: date
    ) -> tuple[list[Checked], list[Problem]]:
        checked: list[Checked] = []
        problems: list[Problem] = []
        seen_ids: dict[str, int] = {}
        for index, proposal in enumerate(proposals):
            try:
                item = self._check(index, actor, proposal, today)
            except BadInput as exc:
                problems.append(Problem(index, exc.field, exc.rule))
                continue
            first = seen_ids.setdefault(item.props["id"], index)
            if first != index:
                problems.append(Problem(index, "id", f"the same id as entries[{first}]"))
                continue
            checked.append(item)
        return checked, problems

    def _check(self, index: int, actor: Actor, p: Proposal, today: date) -> Checked:
        _check_bounds(p, today)
        subject = self._subject(p)
        _check_dates(p, today)
        _check_repair(p)
        if not 1 <= p.basis <= 5:
            raise BadInput("basis", "R2: a basis category from 1 to 5")
        if not p.domain.strip():
            raise BadInput("domain", "required")
        entry_id = p.id or f"E-{actor.unit}-{today:%Y%m%d}-{uuid.uuid4().hex[:10]}"
        if not _ENTRY_ID.match(entry_id):
            raise BadInput("id", "letters, digits, '-', '_' or '.', at most 64 characters")
        deadline = report_deadline(p.identified_on)
        props = {
            "id": entry_id,
            "list": p.list.value,
            "status": EntryStatus.PROPOSED.value,
            "domain": p.domain.strip(),
            "basis": p.basis,
            "legal_basis": p.legal_basis,
            "act_date": p.act_date,
            "identified_on": p.identified_on,
            "reported_on": today,
            "report_deadline": deadline,
            "reported_late": today > deadline,  # R6
            "valid_until": p.valid_until,
            "repairable": p.repairable,
            "repair_method": p.repair_method,
            "repair_earliest": p.repair_earliest,
            "watch_months_after_exit": p.watch_months_after_exit,
            "version": 1,
        }
        return Checked(index, p, subject, {k: v for k, v in props.items() if v is not None})

    def _subject(self, p: Proposal) -> dict[str, Any]:
        if (p.subject_uscc is None) == (p.subject_id_number is None):
            raise BadInput("subject", "exactly one of uscc or idNumber")
        if p.subject_uscc is not None:
            return {"uscc": valid_uscc(p.subject_uscc, "subject.uscc"), "bidx": None}
        number = valid_id_number(p.subject_id_number or "", "subject.idNumber")
        return {"uscc": None, "bidx": self._cipher.blind_index(PERSON_ID_NUMBER, number)}


_TEXTS: tuple[tuple[str, str, bounds.Text], ...] = (
    ("id", "id", bounds.CODE),
    ("domain", "domain", bounds.CODE),
    ("legal_basis", "legalBasis", bounds.LEGAL_BASIS),
    ("repair_method", "repairMethod", bounds.REPAIR_METHOD),
)
_DATES: tuple[tuple[str, str, bounds.DateKind], ...] = (
    ("identified_on", "identifiedOn", bounds.DateKind.EVENT),
    ("act_date", "actDate", bounds.DateKind.EVENT),
    ("valid_until", "validUntil", bounds.DateKind.END),
    ("repair_earliest", "repairEarliest", bounds.DateKind.END),
)


def _check_bounds(p: Proposal, today: date) -> None:
    """Lengths, characters, personal data in free text and date ranges
    (hub/validation/input_bounds.py):
    the same for ``pushEntries`` and ``credit-hub push``."""
    for attribute, name, rule in _TEXTS:
        value = getattr(p, attribute)
        if value is None:
            continue
        if not isinstance(value, str):
            raise BadInput(name, "must be a string")
        bounds.check_text(name, value, rule)
    for attribute, name, kind in _DATES:
        day = getattr(p, attribute)
        if day is not None:
            bounds.check_date(name, day, kind, today)


def _check_dates(p: Proposal, today: date) -> None:
    if p.identified_on > today:
        raise BadInput("identifiedOn", "can not be in the future")
    if p.valid_until <= p.identified_on:
        raise BadInput("validUntil", "must be after identifiedOn (R1: a validity period)")
    if p.act_date is not None and p.act_date > p.identified_on:
        raise BadInput("actDate", "must not be after identifiedOn")


def _check_repair(p: Proposal) -> None:
    if p.list == ListKind.RED:
        if p.repairable is not None or p.watch_months_after_exit is not None:
            raise BadInput("repairable", "red entries have no credit repair or follow-up watch")
        return
    if p.repairable is None:
        raise BadInput("repairable", "R21: a black or watch entry states whether it is repairable")
    if not p.repairable and (p.repair_method or p.repair_earliest):
        raise BadInput("repairMethod", "R21: a non-repairable entry has no repair method or date")
    if p.repair_earliest is not None and p.repair_earliest < p.identified_on:
        raise BadInput("repairEarliest", "must not be before identifiedOn")
    if p.list == ListKind.BLACK:
        months = p.watch_months_after_exit
        if months is None or not 1 <= months <= 120:
            raise BadInput(
                "watchMonthsAfterExit",
                "R8: the black-listing unit sets the follow-up watch validity, 1 to 120 months",
            )
    elif p.watch_months_after_exit is not None:
        raise BadInput("watchMonthsAfterExit", "only black entries have a follow-up watch (R8)")


async def _graph_problems(
    tx: AsyncManagedTransaction, checked: list[Checked], today: date
) -> list[Problem]:
    subjects = [{"index": c.index, **c.subject} for c in checked]
    states = {
        r["index"]: r
        for r in await store.run(tx, store.SUBJECTS_STATE, subjects=subjects, today=today)
    }
    existing = {
        r["id"]
        for r in await store.run(tx, store.EXISTING_ENTRY_IDS, ids=[c.props["id"] for c in checked])
    }
    problems: list[Problem] = []
    for c in checked:
        state = states[c.index]
        if not state["exists"]:
            problems.append(Problem(c.index, "subject", "not in the credit graph; import it first"))
        elif c.proposal.list == ListKind.RED and state["blocking_black"]:
            blocking = ", ".join(state["blocking_black"])
            problems.append(
                Problem(
                    c.index, "subject", f"R3: black-listed ({blocking}); can not enter a red list"
                )
            )
        if c.props["id"] in existing:
            problems.append(Problem(c.index, "id", f"entry {c.props['id']} already exists"))
    return problems


async def _create(
    tx: AsyncManagedTransaction,
    actor: Actor,
    checked: list[Checked],
    batch_key: str | None,
    batch: str,
    today: date,
) -> list[dict[str, Any]]:
    at = datetime.now(UTC).isoformat()
    source = {
        "source_feed": SourceFeed.PROPOSAL.value,
        "source_batch": batch,
        "source_unit": actor.unit,
        "source_received_at": now(),
    }
    rows = [
        {
            "unit": actor.unit,
            "subject": c.subject,
            "props": {**c.props, **source},
            "transition": {**_initial(actor, at, batch_key), "batch_index": c.index},
        }
        for c in checked
    ]
    created: list[dict[str, Any]] = []
    for start in range(0, len(rows), WRITE_CHUNK):
        chunk = rows[start : start + WRITE_CHUNK]
        result = await store.run(tx, store.CREATE_ENTRIES, rows=chunk, today=today)
        created.extend(row["entry"] for row in result)
    return created


def _initial(actor: Actor, at: str, batch_key: str | None) -> dict[str, Any]:
    transition = {
        "seq": 1,
        "action": "propose",
        "to_status": EntryStatus.PROPOSED.value,
        "at": at,
        "by_user": actor.user,
        "by_unit": actor.unit,
    }
    if batch_key is not None:
        transition["batch_key"] = batch_key
    return transition
