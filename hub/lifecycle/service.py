"""The list lifecycle as a service: each step is one write transaction.

A step locks its entry, lets ``hub.lifecycle.rules`` decide, and writes the new state, its
cascades (R4, R5, R7b, R8) and its transition record (R9) before the commit. Concurrent steps
on one entry run one after the other, and the loser sees the winner's state. With an expected
version it gets ``VersionConflict``. A step retried with its idempotency key returns the first
outcome and changes nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, LiteralString

from dateutil.relativedelta import relativedelta
from neo4j import AsyncDriver, AsyncManagedTransaction
from neo4j.exceptions import ConstraintError

from graph import lifecycle_store as store
from graph.vocabulary import EntryStatus, ExitReason, ListKind, SourceFeed
from hub.clock import Clock
from hub.errors import NotFound
from hub.lifecycle import rules
from hub.lifecycle.rules import EntryState, Refusal
from hub.lifecycle.steps import Actor, Correction, Step
from hub.reading.sources import now

Authorize = Callable[[str, str], None]
"""``authorize(operation, owner_unit)`` raises Forbidden unless the policy allows it."""

Entry = dict[str, Any]


@dataclass
class StepPlan:
    """What a step writes: the entry's changes and what follows from them."""

    changes: dict[str, Any]
    cascades: tuple[tuple[ListKind, ExitReason], ...] = ()
    follow_up_watch: bool = False
    side_write: tuple[str, dict[str, Any]] | None = None
    result: dict[str, Any] = field(default_factory=dict)


Planner = Callable[[EntryState, date], StepPlan]


class LifecycleService:
    def __init__(self, driver: AsyncDriver, database: str, clock: Clock) -> None:
        self._driver = driver
        self._database = database
        self._clock = clock

    async def _write(self, work: Callable[[AsyncManagedTransaction], Awaitable[Any]]) -> Any:
        async with self._driver.session(database=self._database) as session:
            return await session.execute_write(work)

    # -- the steps ---------------------------------------------------------------------------

    async def start_public_notice(self, actor: Actor, step: Step, authorize: Authorize) -> Entry:
        def plan(entry: EntryState, today: date) -> StepPlan:
            assert step.notice_until is not None
            rules.check_public_notice(entry, step.notice_until, today)
            return StepPlan(
                {"status": EntryStatus.PUBLIC_NOTICE.value, "notice_until": step.notice_until}
            )

        return await self._step(actor, step, authorize, plan)

    async def give_prior_notice(self, actor: Actor, step: Step, authorize: Authorize) -> Entry:
        def plan(entry: EntryState, today: date) -> StepPlan:
            rules.check_prior_notice(entry)
            notified = step.notified_on or today
            if notified > today:
                raise rules.not_allowed(
                    entry, "givePriorNotice", "the notice date is in the future"
                )
            return StepPlan({"prior_notice_on": notified})

        return await self._step(actor, step, authorize, plan)

    async def confirm(self, actor: Actor, step: Step, authorize: Authorize) -> Entry:
        async def plan_with_checks(
            tx: AsyncManagedTransaction, entry: EntryState, today: date
        ) -> StepPlan:
            rules.check_confirm(entry, today)
            if entry.list == ListKind.RED:
                await _refuse_if_black_listed(tx, entry.id, today)
            return StepPlan(
                {"status": EntryStatus.ACTIVE.value, "valid_from": today},
                cascades=_cascades_on_taking_effect(entry.list),
            )

        return await self._step(actor, step, authorize, None, plan_with_checks)

    async def raise_objection(self, actor: Actor, step: Step, authorize: Authorize) -> Entry:
        objection_id = f"OBJ-{uuid.uuid4().hex[:16]}"

        def plan(entry: EntryState, today: date) -> StepPlan:
            rules.check_objection(entry)
            objection = {
                "id": objection_id,
                "status": "PENDING",
                "grounds": step.reason,
                "materials": list(step.evidence),
                "raised_by_unit": actor.unit,
                "raised_by_user": actor.user,
                "raised_at": _now(),
            }
            return StepPlan(
                {
                    "status": EntryStatus.OBJECTED.value,
                    "status_before_objection": entry.status.value,
                },
                side_write=(store.CREATE_OBJECTION, {"objection": objection}),
                result={"objection_id": objection_id},
            )

        return await self._step(actor, step, authorize, plan)

    async def decide_objection(
        self,
        actor: Actor,
        objection_id: str,
        outcome: str,
        step: Step,
        authorize: Authorize,
        correction: Correction | None = None,
    ) -> Entry:
        """R22: upheld → corrected (back in force) or exited as listed in error; rejected →
        back to the state it had before the objection."""

        def plan(entry: EntryState, today: date) -> StepPlan:
            if entry.status != EntryStatus.OBJECTED:
                raise rules.not_allowed(entry, "decideObjection", "no objection is pending")
            restored = (entry.status_before_objection or EntryStatus.ACTIVE).value
            decision = {
                "status": outcome,
                "decided_by_unit": actor.unit,
                "decided_by_user": actor.user,
                "decided_at": _now(),
                "note": step.note,
            }
            side = (store.DECIDE_OBJECTION, {"objection_id": objection_id, "decision": decision})
            if outcome == "UPHELD_REVOKE":
                return StepPlan(_exit(ExitReason.LISTED_IN_ERROR, today), side_write=side)
            changes: dict[str, Any] = {"status": restored, "status_before_objection": None}
            if outcome == "UPHELD_CORRECT" and correction is not None:
                changes.update({k: v for k, v in vars(correction).items() if v is not None})
            return StepPlan(changes, side_write=side)

        entry_id = await self._entry_of(store.OBJECTION_ENTRY, objection_id, "objection")
        return await self._step(actor, _with_entry(step, entry_id), authorize, plan)

    async def apply_for_repair(self, actor: Actor, step: Step, authorize: Authorize) -> Entry:
        application_id = f"REP-{uuid.uuid4().hex[:16]}"

        def plan(entry: EntryState, today: date) -> StepPlan:
            rules.check_repair_application(entry, today)
            application = {
                "id": application_id,
                "status": "PENDING",
                "materials": list(step.evidence),
                "statement": step.reason,
                "applied_by_unit": actor.unit,
                "applied_by_user": actor.user,
                "applied_at": _now(),
            }
            return StepPlan(
                {},
                side_write=(store.CREATE_REPAIR_APPLICATION, {"application": application}),
                result={"application_id": application_id},
            )

        return await self._step(actor, step, authorize, plan)

    async def decide_repair(
        self, actor: Actor, application_id: str, approve: bool, step: Step, authorize: Authorize
    ) -> Entry:
        """R21, R8b: an approved repair ends the entry early (then R8's watch entry)."""

        def plan(entry: EntryState, today: date) -> StepPlan:
            if entry.status != EntryStatus.ACTIVE:
                raise rules.not_allowed(entry, "decideRepair", "the entry is not in force")
            decision = {
                "status": "APPROVED" if approve else "REJECTED",
                "decided_by_unit": actor.unit,
                "decided_by_user": actor.user,
                "decided_at": _now(),
                "note": step.note,
            }
            side = (
                store.DECIDE_REPAIR_APPLICATION,
                {"application_id": application_id, "decision": decision},
            )
            if not approve:
                return StepPlan({}, side_write=side)
            return StepPlan(
                _exit(ExitReason.CREDIT_REPAIRED, today),
                side_write=side,
                follow_up_watch=rules.follows_with_watch(entry.list, ExitReason.CREDIT_REPAIRED),
            )

        entry_id = await self._entry_of(
            store.REPAIR_APPLICATION_ENTRY, application_id, "repair application"
        )
        return await self._step(actor, _with_entry(step, entry_id), authorize, plan)

    async def exit_entry(self, actor: Actor, step: Step, authorize: Authorize) -> Entry:
        def plan(entry: EntryState, today: date) -> StepPlan:
            assert step.exit_reason is not None
            rules.check_declared_exit(entry, step.exit_reason)
            return StepPlan(
                _exit(step.exit_reason, today),
                follow_up_watch=rules.follows_with_watch(entry.list, step.exit_reason),
            )

        return await self._step(actor, step, authorize, plan)

    async def expire_one(self, entry_id: str, actor: Actor) -> bool:
        """The automatic exit of one entry past its validity (R7c, R8c); False if not due."""

        def plan(entry: EntryState, today: date) -> StepPlan:
            if entry.status not in rules.LIVE or not rules.expired(entry, today):
                raise Refusal("NotDue", "not due")
            return StepPlan(
                _exit(ExitReason.EXPIRED, today),
                follow_up_watch=rules.follows_with_watch(entry.list, ExitReason.EXPIRED),
            )

        try:
            await self._step(actor, Step(entry_id, "expire"), _system, plan)
        except Refusal:
            return False
        return True

    # -- the machinery ----------------------------------------------------------------------

    async def _step(
        self,
        actor: Actor,
        step: Step,
        authorize: Authorize,
        plan: Planner | None,
        plan_in_tx: Callable[[AsyncManagedTransaction, EntryState, date], Awaitable[StepPlan]]
        | None = None,
    ) -> Entry:
        today = self._clock()
        key = f"{actor.unit}:{step.idempotency_key}" if step.idempotency_key else None

        async def work(tx: AsyncManagedTransaction) -> Entry:
            if key is not None:
                replay = await store.run(tx, store.STEP_BY_IDEMPOTENCY_KEY, key=key, today=today)
                if replay:
                    return _replayed(replay[0])
            entry = await _lock(tx, step.entry_id)
            authorize(step.action, entry.unit)
            if entry.recognised:
                raise rules.not_allowed(
                    entry,
                    step.action,
                    "recognised from another platform (R18); its changes arrive by the "
                    "channel it came through",
                )
            if step.expected_version is not None and step.expected_version != entry.version:
                raise Refusal(
                    "VersionConflict",
                    f"entry {entry.id} is at version {entry.version}, not {step.expected_version}:"
                    " another step came first; read it again",
                    current_version=entry.version,
                )
            decided = plan(entry, today) if plan is not None else await plan_in_tx(tx, entry, today)  # type: ignore[misc]
            return await _apply(tx, actor, step, entry, decided, today, key)

        try:
            result: Entry = await self._write(work)
        except ConstraintError:
            if key is None:
                raise
            result = await self._write(lambda tx: _replay_or_fail(tx, key, today))
        return result

    async def _entry_of(self, statement: LiteralString, thing_id: str, what: str) -> str:
        """The entry an objection or a repair application is against. Whether it is still
        pending is checked again when it is decided, inside the step's transaction."""
        rows = await self._write(lambda tx: store.run(tx, statement, id=thing_id))
        if not rows:
            raise NotFound(f"{what} {thing_id} does not exist")
        return str(rows[0]["entry_id"])


def _system(operation: str, owner: str) -> None:
    """The platform's own jobs (expiry) act on every unit's entries."""


async def _lock(tx: AsyncManagedTransaction, entry_id: str) -> EntryState:
    rows = await store.run(tx, store.LOCK_ENTRY, id=entry_id)
    if not rows:
        raise NotFound(f"list entry {entry_id} does not exist")
    row = rows[0]
    stored = row["stored"]
    before = stored.get("status_before_objection")
    return EntryState(
        id=stored["id"],
        list=ListKind(stored["list"]),
        status=EntryStatus(stored["status"]),
        unit=row["unit"],
        recognised=row["unit_kind"] == "PLATFORM",
        subject_is_person=bool(row["subject_is_person"]),
        version=int(stored.get("version") or 0),
        valid_until=_date(stored.get("valid_until")),
        notice_until=_date(stored.get("notice_until")),
        prior_notice_on=_date(stored.get("prior_notice_on")),
        repairable=stored.get("repairable"),
        repair_earliest=_date(stored.get("repair_earliest")),
        status_before_objection=EntryStatus(before) if before else None,
    )


async def _refuse_if_black_listed(tx: AsyncManagedTransaction, entry_id: str, today: date) -> None:
    """R3, checked again when a red entry takes effect: a black entry may have come since."""
    rows = await store.run(tx, store.BLOCKING_BLACK_OF_ENTRY_SUBJECT, id=entry_id, today=today)
    blocking = [r["id"] for r in rows]
    if blocking:
        raise Refusal(
            "BlockedByBlackList",
            f"R3: black-listed ({', '.join(blocking)}); can not enter a red list",
            blocking_entry_ids=blocking,
        )


def _cascades_on_taking_effect(entry_list: ListKind) -> tuple[tuple[ListKind, ExitReason], ...]:
    if entry_list == ListKind.BLACK:
        # R4: leaves every red list; R5: a watch entry is transferred to the black list.
        return (
            (ListKind.RED, ExitReason.BLACK_LISTED),
            (ListKind.WATCH, ExitReason.TRANSFERRED_TO_BLACK),
        )
    if entry_list == ListKind.WATCH:
        return ((ListKind.RED, ExitReason.WATCH_LISTED),)  # R7b
    return ()


def _exit(reason: ExitReason, today: date) -> dict[str, Any]:
    return {"status": EntryStatus.EXITED.value, "exit_reason": reason.value, "exited_on": today}


async def _apply(
    tx: AsyncManagedTransaction,
    actor: Actor,
    step: Step,
    entry: EntryState,
    plan: StepPlan,
    today: date,
    key: str | None,
) -> Entry:
    if plan.side_write is not None:
        statement, parameters = plan.side_write
        written = await store.run(tx, statement, id=entry.id, **parameters)
        if not written or written[0]["written"] == 0:
            # A concurrent decision came first: nothing of this step is written.
            raise rules.not_allowed(entry, step.action, "it was already decided")
    transition = _transition(actor, step, entry.status.value, plan, key)
    rows = await store.run(
        tx, store.APPLY_STEP, id=entry.id, changes=plan.changes, transition=transition, today=today
    )
    for cascade_list, reason in plan.cascades:
        cascade = _transition(
            actor,
            Step(entry.id, "cascade", reason=f"{step.action} {entry.id}"),
            None,
            StepPlan(_exit(reason, today)),
            None,
        )
        await store.run(
            tx,
            store.EXIT_SUBJECTS_OTHER_ENTRIES,
            id=entry.id,
            list=cascade_list.value,
            reason=reason.value,
            today=today,
            transition=cascade,
        )
    if plan.follow_up_watch:
        await _follow_up_watch(tx, actor, entry, today)
    result: Entry = rows[0]["entry"]
    result["__step"] = plan.result
    return result


async def _follow_up_watch(
    tx: AsyncManagedTransaction, actor: Actor, black: EntryState, today: date
) -> None:
    """R8: the subject is put on the watch list at once, for the months the black-listing set."""
    rows = await store.run(tx, store.WATCH_MONTHS_OF_ENTRY, id=black.id)
    months = rows[0]["months"] if rows else None
    watch = {
        "id": f"{black.id}-W",
        "list": ListKind.WATCH.value,
        "status": EntryStatus.ACTIVE.value,
        "domain": rows[0]["domain"],
        "basis": rows[0]["basis"],
        "identified_on": today,
        "reported_on": today,
        "valid_from": today,
        "valid_until": today + relativedelta(months=int(months or 12)),
        "repairable": True,
        "version": 1,
        "source_feed": SourceFeed.FOLLOW_UP.value,
        "source_batch": f"follows:{black.id}",
        "source_received_at": now(),
    }
    transition = {
        "seq": 1,
        "action": "followUpWatch",
        "from_status": None,
        "to_status": "ACTIVE",
        "at": _now(),
        "on": today,
        "by_user": actor.user,
        "by_unit": actor.unit,
        "reason": f"R8: {black.id} exited",
        "evidence": [black.id],
    }
    await store.run(
        tx, store.CREATE_FOLLOW_UP_WATCH, id=black.id, watch=watch, transition=transition
    )


def _transition(
    actor: Actor, step: Step, from_status: str | None, plan: StepPlan, key: str | None
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "action": step.action,
        "from_status": from_status,
        "to_status": plan.changes.get("status", from_status),
        "at": _now(),
        "by_user": actor.user,
        "by_unit": actor.unit,
        "reason": step.reason,
        "evidence": list(step.evidence),
        "note": step.note,
        "exit_reason": plan.changes.get("exit_reason"),
        "result": json.dumps(plan.result) if plan.result else None,
    }
    if key is not None:
        record["idempotency_key"] = key
    return {k: v for k, v in record.items() if v is not None}


def _replayed(row: dict[str, Any]) -> Entry:
    entry: Entry = row["entry"]
    entry["__step"] = _parse_result(row.get("result"))
    entry["__replayed"] = True
    return entry


def _parse_result(text: str | None) -> dict[str, Any]:
    parsed = json.loads(text) if text else {}
    return parsed if isinstance(parsed, dict) else {}


async def _replay_or_fail(tx: AsyncManagedTransaction, key: str, today: date) -> Entry:
    rows = await store.run(tx, store.STEP_BY_IDEMPOTENCY_KEY, key=key, today=today)
    if not rows:
        raise Refusal(
            "VersionConflict", "a concurrent step with this key failed; retry", current_version=-1
        )
    return _replayed(rows[0])


def _with_entry(step: Step, entry_id: str) -> Step:
    return Step(
        entry_id,
        step.action,
        step.expected_version,
        step.idempotency_key,
        step.reason,
        step.evidence,
        step.note,
    )


def _date(value: Any) -> date | None:
    """A Neo4j Date (or None) as a Python date."""
    return None if value is None else value.to_native()


def _now() -> str:
    return datetime.now(UTC).isoformat()
