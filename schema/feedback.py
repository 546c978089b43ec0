"""Execution feedback in GraphQL (R17; docs/check.md): ``reportFeedback`` for implementing
units, ``entryFeedback`` for the identifying unit. The work is in ``hub.sanctions.feedback``."""

from __future__ import annotations

import strawberry

from graph.vocabulary import FeedbackOutcome
from hub.reading.nodes import Projected
from schema.info import Info
from schema.scalars import Date
from schema.types import _is

strawberry.enum(
    FeedbackOutcome,
    name="FeedbackOutcome",
    description="What the implementing unit did with a measure (执行反馈).",
)


@strawberry.input
class FeedbackInput:
    entry_id: strawberry.ID
    measure_code: str
    outcome: FeedbackOutcome
    note: str | None = None


@strawberry.type(description="One implementing unit's report on one measure of an entry.")
class Feedback:
    id: strawberry.ID
    entry_id: strawberry.ID
    measure_code: str
    outcome: FeedbackOutcome
    note: str | None
    unit: str = strawberry.field(description="The implementing unit that reported it.")
    on: Date
    delay_days: int = strawberry.field(
        description="Days from the entry's arrival on the platform to this feedback (R24)."
    )

    is_type_of = staticmethod(_is("Feedback"))


@strawberry.type
class FeedbackMutation:
    @strawberry.mutation(description="Report what your unit did with a measure of an entry.")
    async def report_feedback(self, info: Info, feedback: FeedbackInput) -> Feedback:
        node = await info.context.feedback.report(
            str(feedback.entry_id), feedback.measure_code, feedback.outcome.value, feedback.note
        )
        return Projected[Feedback].one(node)


@strawberry.type
class FeedbackQuery:
    @strawberry.field(description="The feedback on one of your unit's entries.")
    async def entry_feedback(self, info: Info, entry_id: strawberry.ID) -> list[Feedback]:
        return Projected[Feedback].each(await info.context.feedback.on_entry(str(entry_id)))
