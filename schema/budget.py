"""One request's time budget: how long its validation and its execution may take.

The endpoint opens a ``RequestBudget`` around ``schema.execute`` (``request_budget``);
``schema.checking`` spends the validation part, and starts the execution timer once the
operation is known to be a query. A request over either budget is refused with ``BAD_INPUT``
naming the budget and its setting, never answered late.

Mutations are not cut short by the execution budget: a write interrupted while it commits
would leave an audit record that says it was refused although it happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from hub.errors import BadInput


@dataclass
class RequestBudget:
    validation_seconds: float
    execution_seconds: float
    timer: asyncio.Timeout | None = None

    def validation_exceeded(self) -> BadInput:
        return BadInput(
            "query",
            f"validation took longer than its budget of {_ms(self.validation_seconds)} ms "
            "(CREDIT_HUB_VALIDATION_BUDGET_MS)",
        )

    def execution_exceeded(self) -> BadInput:
        return BadInput(
            "query",
            f"execution took longer than its budget of {_ms(self.execution_seconds)} ms "
            "(CREDIT_HUB_EXECUTION_BUDGET_MS)",
        )

    def start_execution(self) -> None:
        if self.timer is not None:
            loop = asyncio.get_running_loop()
            self.timer.reschedule(loop.time() + self.execution_seconds)

    def stop_execution(self) -> None:
        if self.timer is not None and not self.timer.expired():
            self.timer.reschedule(None)


_BUDGET: ContextVar[RequestBudget | None] = ContextVar("credit_hub_request_budget", default=None)


def current_budget() -> RequestBudget | None:
    return _BUDGET.get()


@asynccontextmanager
async def request_budget(budget: RequestBudget) -> AsyncIterator[RequestBudget]:
    """Within: ``budget`` is the current one; past its execution deadline the work inside is
    cancelled and ``BadInput`` raised instead."""
    token = _BUDGET.set(budget)
    try:
        async with asyncio.timeout(None) as timer:
            budget.timer = timer
            try:
                yield budget
            finally:
                budget.stop_execution()
    except TimeoutError:
        if budget.timer is not None and budget.timer.expired():
            raise budget.execution_exceeded() from None
        raise
    finally:
        _BUDGET.reset(token)
    if budget.timer is not None and budget.timer.expired():
        # The cancellation was absorbed on the way (a resolver's error): still over budget.
        raise budget.execution_exceeded()


def _ms(seconds: float) -> int:
    return round(seconds * 1000)
