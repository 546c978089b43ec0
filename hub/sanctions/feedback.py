"""Execution feedback (R17): an implementing unit reports what it did with a measure of an
entry; the initiating (identifying) unit reads the feedback on its own entries.

Feedback is accepted only on an entry a check answer showed the reporting unit
(``graph.feedback.ENTRY_SHOWN``, from the audit log): on any other id (another unit's
proposal, an exited entry, an entry the unit never checked, one that does not exist) the answer
is the same ``BAD_INPUT`` "entryId: no such entry", from the same two statements, so it tells
nothing about the entry (attack class 4).

Feedback is append-only (a unit that first FAILED and later APPLIED reports twice; both stay,
with their dates). Writing is one statement (``graph.feedback.REPORT_FEEDBACK``) that checks
the entry, the measure and the reporting unit's kind; reading is one round trip.
"""

from __future__ import annotations

import uuid
from typing import Any

from neo4j import AsyncDriver

from graph.feedback import ENTRY_FEEDBACK, ENTRY_SHOWN, REPORT_FEEDBACK
from graph.reader import GraphReader
from graph.round_trips import note_statement
from graph.vocabulary import FeedbackOutcome
from hub.clock import Clock
from hub.errors import BadInput, Forbidden, NotFound
from hub.policy.engine import Decisions
from hub.reading.nodes import Node
from hub.reading.shaping import Shaper

OUTCOMES = tuple(outcome.value for outcome in FeedbackOutcome)
MAX_NOTE = 2000
REFUSALS = {
    "NO_ENTRY": ("entryId", "no such entry"),
    "NO_MEASURE": ("measureCode", "no such measure in the catalogue in force"),
    "NOT_FOR_THIS_LIST": ("measureCode", "the measure does not apply to this entry's list"),
    "NOT_YOUR_MEASURE": ("measureCode", "your unit's kind does not implement this measure"),
}
READ_FEEDBACK = "Query.entryFeedback"
LATE_AFTER_DAYS = 30
"""Feedback given later than this after the entry reached the platform is late (R24; ours)."""


class FeedbackDesk:
    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        reader: GraphReader,
        audit_reader: GraphReader,
        shaper: Shaper,
        decisions: Decisions,
        user: str,
        unit: str,
        clock: Clock,
        tally: dict[str, int],
    ) -> None:
        self._driver = driver
        self._database = database
        self._reader = reader
        self._audit_reader = audit_reader
        self._shaper = shaper
        self._decisions = decisions
        self._user = user
        self._unit = unit
        self._clock = clock
        self._tally = tally

    async def report(
        self, entry_id: str, measure_code: str, outcome: str, note: str | None
    ) -> Node:
        if outcome not in OUTCOMES:
            raise BadInput("outcome", f"one of {', '.join(OUTCOMES)}")
        if note is not None and len(note) > MAX_NOTE:
            raise BadInput("note", f"at most {MAX_NOTE} characters")
        feedback_id = uuid.uuid4().hex
        shown = await self._audit_reader.rows(
            ENTRY_SHOWN, {"subject": f"ListEntry:{entry_id}", "unit": self._unit}
        )
        note_statement()
        records, _, _ = await self._driver.execute_query(
            REPORT_FEEDBACK,
            {
                "entry_id": entry_id,
                "measure_code": measure_code,
                "unit": self._unit,
                "user": self._user,
                "outcome": outcome,
                "note": note,
                "id": feedback_id,
                "today": self._clock(),
                "shown": bool(shown),
            },
            database_=self._database,
        )
        refusal = records[0]["refusal"]
        if refusal is not None:
            raise BadInput(*REFUSALS[refusal])
        self._count(records[0]["delay_days"], outcome)
        return self._feedback(
            {
                "id": feedback_id,
                "entry_id": entry_id,
                "measure_code": measure_code,
                "outcome": outcome,
                "note": note,
                "unit": self._unit,
                "on": self._clock().isoformat(),
                "delay_days": records[0]["delay_days"],
            }
        )

    async def on_entry(self, entry_id: str) -> list[Node]:
        rows = await self._reader.rows(ENTRY_FEEDBACK, {"entry_id": entry_id})
        if not rows:
            raise NotFound(f"no entry {entry_id}")
        owner = rows[0]["owner"] or ""
        if not self._decisions.may_act_on(READ_FEEDBACK, owner, self._unit):
            raise Forbidden(f"{READ_FEEDBACK}: only the identifying unit reads its feedback")
        items: list[dict[str, Any]] = rows[0]["feedback"]
        items.sort(key=lambda f: (f["at"], f["id"]))  # in the order given; "at" is not shown
        return [self._feedback({**item, "entry_id": entry_id}) for item in items]

    def _count(self, delay_days: int, outcome: str) -> None:
        """Note the feedback in the request's audit record (R24, ``graph.unit_stats``)."""
        tally = self._tally
        tally["feedback"] = tally.get("feedback", 0) + 1
        tally["feedback_applied"] = tally.get("feedback_applied", 0) + int(outcome == "APPLIED")
        tally["feedback_delay_days"] = tally.get("feedback_delay_days", 0) + delay_days
        most = max(tally.get("feedback_max_delay_days", delay_days), delay_days)
        tally["feedback_max_delay_days"] = most
        tally["feedback_late"] = tally.get("feedback_late", 0) + int(delay_days > LATE_AFTER_DAYS)

    def _feedback(self, values: dict[str, Any]) -> Node:
        return self._shaper.restrict("Feedback", values)
