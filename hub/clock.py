"""The platform's calendar day: roles held "today" are decided in China Standard Time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PLATFORM_ZONE = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(PLATFORM_ZONE).date()
