"""The platform's calendar day: "today" is decided in China Standard Time, by one clock.

Bitemporal answers (an entry in force, a role held, a measure's end) depend on the day, so no
module reads the system time for it: the composition roots (``hub.services.Hub.build``, a CLI
command's wiring) pass a ``Clock`` down, and tests pass a fixed one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

PLATFORM_ZONE = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    """What day it is on the platform (asked once per read, so one answer sees one day)."""

    def __call__(self) -> date: ...


def today() -> date:
    """The system clock: the platform's calendar day now."""
    return datetime.now(PLATFORM_ZONE).date()


def fixed(day: date) -> Clock:
    """A clock that always says ``day`` (tests, replays)."""

    def clock() -> date:
        return day

    return clock
