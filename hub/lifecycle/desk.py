"""The lifecycle for one request: who acts, what the policy lets them do, and the answers shaped
for them. Refusals a unit must expect become union results; the rest are errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from graph.vocabulary import EntryStatus
from hub.errors import BadInput, Forbidden
from hub.lifecycle.history import History
from hub.lifecycle.proposals import Problem, Proposals
from hub.lifecycle.rules import Refusal
from hub.lifecycle.service import LifecycleService
from hub.lifecycle.steps import Actor, Correction, Proposal, Step
from hub.policy.engine import Decisions
from hub.reading.nodes import Node
from hub.reading.shaping import Shaper

OWNERS_ONLY = "only the identifying unit may act on its entries (谁认定、谁负责)"
OPERATIONS = {
    "start_public_notice": "Mutation.startPublicNotice",
    "give_prior_notice": "Mutation.givePriorNotice",
    "confirm": "Mutation.confirmEntry",
    "raise_objection": "Mutation.raiseObjection",
    "apply_for_repair": "Mutation.applyForRepair",
    "exit_entry": "Mutation.exitEntry",
    "decide_objection": "Mutation.decideObjection",
    "decide_repair": "Mutation.decideRepair",
}


class ListDesk:
    def __init__(
        self,
        actor: Actor,
        decisions: Decisions,
        shaper: Shaper,
        service: LifecycleService,
        proposals: Proposals,
        history: History,
        batch: str,
    ) -> None:
        """``batch``: what the entries this request proposes record as their source's batch."""
        self._actor = actor
        self._decisions = decisions
        self._shaper = shaper
        self._service = service
        self._proposals = proposals
        self._history = history
        self._batch = batch

    def _authorizer(self, operation: str) -> Callable[[str, str], None]:
        def authorize(action: str, owner: str) -> None:
            if not self._decisions.may_act_on(operation, owner, self._actor.unit):
                raise Forbidden(f"{operation}: {OWNERS_ONLY}")

        return authorize

    # -- proposals ---------------------------------------------------------------------------

    async def propose_one(self, proposal: Proposal, idempotency_key: str | None) -> Node:
        try:
            entries = await self._proposals.propose(
                self._actor, [proposal], idempotency_key, self._batch
            )
        except Refusal as refusal:
            problems: list[Problem] = refusal.details.get("problems", [])  # type: ignore[assignment]
            r3 = [p for p in problems if p.rule.startswith("R3")]
            if r3:
                blocking = r3[0].rule.split("(", 1)[1].split(")", 1)[0].split(", ")
                return self._refusal(
                    Refusal("BlockedByBlackList", r3[0].rule, blocking_entry_ids=blocking)
                )
            first = problems[0]
            raise BadInput(f"entry.{first.field}", first.rule) from None
        return self._proposed(entries)

    async def push(self, proposals: list[Proposal], idempotency_key: str | None) -> Node:
        try:
            entries = await self._proposals.propose(
                self._actor, proposals, idempotency_key, self._batch
            )
        except Refusal as refusal:
            problems = [
                self._shaper.restrict(
                    "BatchProblem", {"index": p.index, "field": p.field, "rule": p.rule}
                )
                for p in refusal.details.get("problems", [])  # type: ignore[attr-defined]
            ]
            return self._shaper.restrict(
                "BatchRejected", {"message": refusal.message, "problems": problems}
            )
        return self._proposed(entries)

    def _proposed(self, entries: list[dict[str, Any]]) -> Node:
        shaped = [self._entry(e) for e in entries]
        return self._shaper.restrict("EntriesProposed", {"count": len(shaped), "entries": shaped})

    # -- steps -------------------------------------------------------------------------------

    async def step(self, name: str, step: Step) -> Node:
        method: Callable[..., Awaitable[dict[str, Any]]] = getattr(self._service, name)
        return await self._run(
            lambda: method(self._actor, step, self._authorizer(OPERATIONS[name]))
        )

    async def decide_objection(
        self, objection_id: str, outcome: str, step: Step, correction: Correction | None
    ) -> Node:
        authorize = self._authorizer(OPERATIONS["decide_objection"])
        return await self._run(
            lambda: self._service.decide_objection(
                self._actor, objection_id, outcome, step, authorize, correction
            )
        )

    async def decide_repair(self, application_id: str, approve: bool, step: Step) -> Node:
        authorize = self._authorizer(OPERATIONS["decide_repair"])
        return await self._run(
            lambda: self._service.decide_repair(
                self._actor, application_id, approve, step, authorize
            )
        )

    async def _run(self, call: Callable[[], Awaitable[dict[str, Any]]]) -> Node:
        try:
            entry = await call()
        except Refusal as refusal:
            return self._refusal(refusal)
        outcome = entry.pop("__step", {})
        replayed = bool(entry.pop("__replayed", False))
        shaped = self._entry(entry)
        if "objection_id" in outcome:
            return self._shaper.restrict(
                "ObjectionRaised", {"objection_id": outcome["objection_id"], "entry": shaped}
            )
        if "application_id" in outcome:
            return self._shaper.restrict(
                "RepairApplied", {"application_id": outcome["application_id"], "entry": shaped}
            )
        return self._shaper.restrict("EntryTransitioned", {"entry": shaped, "replayed": replayed})

    def _refusal(self, refusal: Refusal) -> Node:
        values: dict[str, Any] = {"message": refusal.message}
        for key, value in refusal.details.items():
            values[key] = value.isoformat() if isinstance(value, date) else value
        return self._shaper.restrict(refusal.kind, values)

    def _entry(self, raw: dict[str, Any]) -> Node:
        source = raw.get("source")
        if source is not None:
            raw = {**raw, "source": self._shaper.restrict("EntrySource", source)}
        return self._shaper.restrict("ListEntry", raw)

    # -- history -----------------------------------------------------------------------------

    async def history(self, entry_id: str) -> Node | None:
        found = await self._history.of(entry_id)
        if found is None or not self._may_read(found, "Query.entryHistory"):
            return None
        return self._shaper.restrict(
            "EntryHistory",
            {
                "entry": self._entry(found["entry"]),
                "transitions": [
                    self._shaper.restrict("Transition", t) for t in found["transitions"]
                ],
                "objections": [self._shaper.restrict("Objection", o) for o in found["objections"]],
                "repair_applications": [
                    self._shaper.restrict("RepairApplication", a) for a in found["repairs"]
                ],
            },
        )

    async def status_at(self, entry_id: str, day: date) -> Node | None:
        found = await self._history.of(entry_id)
        if found is None or not self._may_read(found, "Query.entryStatusAt"):
            return None
        status, in_force = self._history.status_on(found, day)
        return self._shaper.restrict(
            "EntryStatusAt",
            {
                "entry_id": entry_id,
                "date": day.isoformat(),
                "status": status.value if isinstance(status, EntryStatus) else status,
                "in_force": in_force,
            },
        )

    def _may_read(self, found: dict[str, Any], operation: str) -> bool:
        """Another unit's entry reads as absent (null), exactly like a missing one: the answer
        does not tell whether an entry id exists. The refusal is audited as denied."""
        owner = found["entry"]["identifying_unit"]
        if self._decisions.may_act_on(operation, owner, self._actor.unit):
            return True
        self._shaper.note_denied(operation)
        return False
