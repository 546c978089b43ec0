"""The list lifecycle in GraphQL (R3–R9, R21, R22): mutations with union results for the
refusals a unit must expect, and the history and status-at-date queries.

Every result is a projected map (``hub.reading.nodes.Node``) shaped through the caller's decisions,
so
the one field policy covers these types too. The resolvers only translate: the work is in
``hub.lifecycle``.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry

from graph.vocabulary import EntryStatus, ExitReason, ListKind
from hub.lifecycle.steps import Correction, Proposal, Step
from hub.reading.nodes import Projected
from schema.info import Info
from schema.inputs import SubjectInput
from schema.scalars import Date
from schema.types import ListEntry, _is

# --- inputs -----------------------------------------------------------------------------------


@strawberry.input(description="A candidate entry (初步名单); the identifying unit is the caller's.")
class EntryProposalInput:
    list: ListKind
    subject: SubjectInput
    domain: str
    basis: int = strawberry.field(description="Basis category 1..5 (R2).")
    identified_on: Date
    valid_until: Date
    id: str | None = strawberry.field(default=None, description="The unit's own id, if it has one.")
    legal_basis: str | None = None
    act_date: Date | None = None
    repairable: bool | None = strawberry.field(
        default=None, description="Required for black and watch (R21)."
    )
    repair_method: str | None = None
    repair_earliest: Date | None = None
    watch_months_after_exit: int | None = strawberry.field(
        default=None, description="Required for black entries (R8)."
    )


@strawberry.input
class StepInput:
    entry_id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with VersionConflict if the entry moved on since."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retry with the same key returns the first outcome."
    )
    note: str | None = None


@strawberry.input
class PublicNoticeInput(StepInput):
    notice_until: Date


@strawberry.input
class PriorNoticeInput(StepInput):
    notified_on: Date | None = None


@strawberry.input
class ObjectionInput(StepInput):
    grounds: str
    materials: list[str] = strawberry.field(
        default_factory=list, description="Document references."
    )


@strawberry.input
class RepairApplicationInput(StepInput):
    statement: str
    materials: list[str] = strawberry.field(
        default_factory=list, description="Document references."
    )


@strawberry.input
class ExitInput(StepInput):
    reason: ExitReason


@strawberry.enum(description="How an objection is decided (R22).")
class ObjectionOutcome(Enum):
    UPHELD_CORRECT = "UPHELD_CORRECT"
    UPHELD_REVOKE = "UPHELD_REVOKE"
    REJECTED = "REJECTED"


@strawberry.input
class CorrectionInput:
    domain: str | None = None
    legal_basis: str | None = None
    valid_until: Date | None = None
    act_date: Date | None = None


@strawberry.input
class ObjectionDecisionInput:
    objection_id: strawberry.ID
    outcome: ObjectionOutcome
    correction: CorrectionInput | None = None
    idempotency_key: str | None = None
    note: str | None = None


@strawberry.input
class RepairDecisionInput:
    application_id: strawberry.ID
    approve: bool
    idempotency_key: str | None = None
    note: str | None = None


# --- results ----------------------------------------------------------------------------------


@strawberry.type
class EntryTransitioned:
    entry: ListEntry
    replayed: bool = strawberry.field(description="True when an idempotent retry was answered.")
    is_type_of = staticmethod(_is("EntryTransitioned"))


@strawberry.type
class EntriesProposed:
    count: int
    entries: list[ListEntry]
    is_type_of = staticmethod(_is("EntriesProposed"))


@strawberry.type
class ObjectionRaised:
    objection_id: strawberry.ID
    entry: ListEntry
    is_type_of = staticmethod(_is("ObjectionRaised"))


@strawberry.type
class RepairApplied:
    application_id: strawberry.ID
    entry: ListEntry
    is_type_of = staticmethod(_is("RepairApplied"))


@strawberry.type(description="R3: a black-listed subject can not enter a red list.")
class BlockedByBlackList:
    message: str
    blocking_entry_ids: list[strawberry.ID]
    is_type_of = staticmethod(_is("BlockedByBlackList"))


@strawberry.type(description="R21: the entry is not repairable.")
class NotRepairable:
    message: str
    entry_id: strawberry.ID
    is_type_of = staticmethod(_is("NotRepairable"))


@strawberry.type(description="R21: the earliest repair date has not come.")
class TooEarlyForRepair:
    message: str
    earliest: Date
    is_type_of = staticmethod(_is("TooEarlyForRepair"))


@strawberry.type
class TransitionNotAllowed:
    message: str
    status: EntryStatus
    action: str
    is_type_of = staticmethod(_is("TransitionNotAllowed"))


@strawberry.type(description="Another step on the entry came first (expectedVersion).")
class VersionConflict:
    message: str
    current_version: int
    is_type_of = staticmethod(_is("VersionConflict"))


@strawberry.type
class BatchProblem:
    index: int
    field: str
    rule: str
    is_type_of = staticmethod(_is("BatchProblem"))


@strawberry.type(description="Nothing was written; every failing entry is named.")
class BatchRejected:
    message: str
    problems: list[BatchProblem]
    is_type_of = staticmethod(_is("BatchRejected"))


ProposeEntryResult = Annotated[
    EntriesProposed | BlockedByBlackList, strawberry.union("ProposeEntryResult")
]
PushEntriesResult = Annotated[
    EntriesProposed | BatchRejected, strawberry.union("PushEntriesResult")
]
StepResult = Annotated[
    EntryTransitioned | TransitionNotAllowed | VersionConflict | BlockedByBlackList,
    strawberry.union("StepResult"),
]
ObjectionResult = Annotated[
    ObjectionRaised | TransitionNotAllowed | VersionConflict, strawberry.union("ObjectionResult")
]
RepairResult = Annotated[
    RepairApplied | NotRepairable | TooEarlyForRepair | TransitionNotAllowed | VersionConflict,
    strawberry.union("RepairResult"),
]


# --- history ----------------------------------------------------------------------------------


@strawberry.type(description="One step in an entry's life (R9: kept for ever).")
class Transition:
    seq: int | None
    action: str
    from_status: str | None
    to_status: str | None
    at: str
    by_user: str | None
    by_unit: str | None
    reason: str | None
    evidence: list[str] | None
    note: str | None
    exit_reason: str | None
    is_type_of = staticmethod(_is("Transition"))


@strawberry.type(description="An objection (异议) and how it was decided (R22).")
class Objection:
    id: strawberry.ID
    status: str
    grounds: str | None
    materials: list[str] | None
    raised_by_unit: str | None
    raised_at: str | None
    decided_at: str | None
    note: str | None
    is_type_of = staticmethod(_is("Objection"))


@strawberry.type(description="A credit repair application (信用修复, R21).")
class RepairApplication:
    id: strawberry.ID
    status: str
    statement: str | None
    materials: list[str] | None
    applied_by_unit: str | None
    applied_at: str | None
    decided_at: str | None
    note: str | None
    is_type_of = staticmethod(_is("RepairApplication"))


@strawberry.type
class EntryHistory:
    entry: ListEntry
    transitions: list[Transition]
    objections: list[Objection]
    repair_applications: list[RepairApplication]
    is_type_of = staticmethod(_is("EntryHistory"))


@strawberry.type(description="What an entry was on a given day (for objections and audits).")
class EntryStatusAt:
    entry_id: strawberry.ID
    date: Date
    status: EntryStatus | None = strawberry.field(description="null: the entry did not exist yet.")
    in_force: bool
    is_type_of = staticmethod(_is("EntryStatusAt"))


# --- root fields ------------------------------------------------------------------------------


def _step(data: StepInput, action: str, **extra: Any) -> Step:
    return Step(
        entry_id=str(data.entry_id),
        action=action,
        expected_version=data.expected_version,
        idempotency_key=data.idempotency_key,
        note=data.note,
        **extra,
    )


def _proposal(data: EntryProposalInput) -> Proposal:
    return Proposal(
        list=data.list,
        subject_uscc=data.subject.uscc,
        subject_id_number=data.subject.id_number,
        domain=data.domain,
        basis=data.basis,
        identified_on=data.identified_on,
        valid_until=data.valid_until,
        id=data.id,
        legal_basis=data.legal_basis,
        act_date=data.act_date,
        repairable=data.repairable,
        repair_method=data.repair_method,
        repair_earliest=data.repair_earliest,
        watch_months_after_exit=data.watch_months_after_exit,
    )


@strawberry.type
class LifecycleMutation:
    @strawberry.mutation(description="Propose one entry (R3 checked at once).")
    async def propose_entry(
        self, info: Info, entry: EntryProposalInput, idempotency_key: str | None = None
    ) -> ProposeEntryResult:
        node = await info.context.lists.propose_one(_proposal(entry), idempotency_key)
        return Projected[ProposeEntryResult].one(node)

    @strawberry.mutation(description="Push up to 10,000 entries; all or nothing.")
    async def push_entries(
        self, info: Info, entries: list[EntryProposalInput], idempotency_key: str | None = None
    ) -> PushEntriesResult:
        proposals = [_proposal(e) for e in entries]
        return Projected[PushEntriesResult].one(
            await info.context.lists.push(proposals, idempotency_key)
        )

    @strawberry.mutation(description="Put a candidate on public notice (公示; always for red).")
    async def start_public_notice(self, info: Info, input: PublicNoticeInput) -> StepResult:
        step = _step(input, "startPublicNotice", notice_until=input.notice_until)
        return Projected[StepResult].one(await info.context.lists.step("start_public_notice", step))

    @strawberry.mutation(description="Record prior notice to a natural person (事前告知, R4).")
    async def give_prior_notice(self, info: Info, input: PriorNoticeInput) -> StepResult:
        step = _step(input, "givePriorNotice", notified_on=input.notified_on)
        return Projected[StepResult].one(await info.context.lists.step("give_prior_notice", step))

    @strawberry.mutation(description="The entry takes effect (R3 re-checked; R4, R5, R7b follow).")
    async def confirm_entry(self, info: Info, input: StepInput) -> StepResult:
        return Projected[StepResult].one(
            await info.context.lists.step("confirm", _step(input, "confirm"))
        )

    @strawberry.mutation(description="An objection suspends the entry's measures (R22).")
    async def raise_objection(self, info: Info, input: ObjectionInput) -> ObjectionResult:
        step = _step(input, "raiseObjection", reason=input.grounds, evidence=tuple(input.materials))
        return Projected[ObjectionResult].one(
            await info.context.lists.step("raise_objection", step)
        )

    @strawberry.mutation(
        description="Upheld: corrected or exited as listed in error; rejected: back in force."
    )
    async def decide_objection(self, info: Info, input: ObjectionDecisionInput) -> StepResult:
        correction = None
        if input.correction is not None:
            c = input.correction
            correction = Correction(
                domain=c.domain,
                legal_basis=c.legal_basis,
                valid_until=c.valid_until,
                act_date=c.act_date,
            )
        step = Step("", "decideObjection", idempotency_key=input.idempotency_key, note=input.note)
        node = await info.context.lists.decide_objection(
            str(input.objection_id), input.outcome.value, step, correction
        )
        return Projected[StepResult].one(node)

    @strawberry.mutation(description="A credit repair application with materials (R21).")
    async def apply_for_repair(self, info: Info, input: RepairApplicationInput) -> RepairResult:
        step = _step(
            input, "applyForRepair", reason=input.statement, evidence=tuple(input.materials)
        )
        return Projected[RepairResult].one(await info.context.lists.step("apply_for_repair", step))

    @strawberry.mutation(description="Approve (the entry ends early, R8b) or reject a repair.")
    async def decide_repair(self, info: Info, input: RepairDecisionInput) -> StepResult:
        step = Step("", "decideRepair", idempotency_key=input.idempotency_key, note=input.note)
        node = await info.context.lists.decide_repair(
            str(input.application_id), input.approve, step
        )
        return Projected[StepResult].one(node)

    @strawberry.mutation(
        description="Exit declared by the unit: standard changed, or red rewards misused."
    )
    async def exit_entry(self, info: Info, input: ExitInput) -> StepResult:
        step = _step(input, "exitEntry", exit_reason=ExitReason(str(input.reason)))
        return Projected[StepResult].one(await info.context.lists.step("exit_entry", step))


@strawberry.type
class LifecycleQuery:
    @strawberry.field(description="An entry with every step, objection and repair (R9).")
    async def entry_history(self, info: Info, id: strawberry.ID) -> EntryHistory | None:
        return Projected[EntryHistory].maybe(await info.context.lists.history(str(id)))

    @strawberry.field(description="What an entry was on a given day.")
    async def entry_status_at(
        self, info: Info, id: strawberry.ID, date: Date
    ) -> EntryStatusAt | None:
        node = await info.context.lists.status_at(str(id), date)
        return Projected[EntryStatusAt].maybe(node)
