"""The per-unit figures of R24 in GraphQL: ``unitStats`` (docs/check.md). The work is in
``hub.admin.stats`` (ONE round trip to the audit log); ``policies/policy.csv`` grants it to
``admin``
and ``privacy_officer``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from hub.reading.audit import Window
from hub.reading.nodes import Projected
from schema.audit import From, To
from schema.info import Info
from schema.scalars import Date
from schema.types import _is


@strawberry.type(description="One unit's checks and execution feedback over a window (R24).")
class UnitStats:
    unit: str
    checks: int = strawberry.field(description="Subjects checked by check and checkMany.")
    hits: int = strawberry.field(description="Checks that returned a measure for the unit.")
    feedback: int = strawberry.field(description="Execution feedback reports given (R17).")
    applied: int = strawberry.field(description="Feedback reports saying the measure was applied.")
    mean_delay_days: float | None = strawberry.field(
        description="Mean days from an entry's arrival on the platform to the unit's feedback."
    )
    max_delay_days: int | None
    late: int = strawberry.field(
        description="Feedback given more than 30 days after the entry arrived."
    )
    flagged_late: bool = strawberry.field(description="The unit gave any late feedback.")

    is_type_of = staticmethod(_is("UnitStats"))


@strawberry.type(
    description="The entries one unit reported to the platform, and how late (R6, R24)."
)
class UnitReporting:
    unit: str
    reported: int = strawberry.field(description="Entries that reached the platform in the range.")
    reported_late: int = strawberry.field(
        description="Of those, proposed or pushed after the R6 deadline (5 working days)."
    )
    mean_report_days: float | None = strawberry.field(
        description="Mean days from identification to reaching the platform."
    )
    max_report_days: int | None

    is_type_of = staticmethod(_is("UnitReporting"))


@strawberry.type
class StatsQuery:
    @strawberry.field(description="Per unit: checks, hits, feedback and its delay (R24).")
    async def unit_stats(self, info: Info, from_: From = None, to: To = None) -> list[UnitStats]:
        return Projected[UnitStats].each(await info.context.stats.per_unit(Window.of(from_, to)))

    @strawberry.field(
        description="Per identifying unit: entries reported on the days from..to (both "
        "included; either may be left out) and how late (R6, R24)."
    )
    async def unit_reporting(
        self,
        info: Info,
        from_: Annotated[Date | None, strawberry.argument(name="from")] = None,
        to: Date | None = None,
    ) -> list[UnitReporting]:
        return Projected[UnitReporting].each(await info.context.stats.reporting(from_, to))
