"""Chinese working days (R6): official holidays and make-up working days, never guessed.

The ``chinesecalendar`` package covers 2004–2026; operators add later years as data files in
``policies/calendar/YYYY.json`` (see the README there). A year with neither raises
``ScheduleMissing``: the hub refuses to compute a deadline rather than guess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

import chinese_calendar

from hub.errors import BadInput
from hub.policy.engine import policy_dir

REPORT_WITHIN_WORKING_DAYS = 5  # 自认定之日起5个工作日内报送 (R6)


class ScheduleMissing(BadInput):
    def __init__(self, year: int) -> None:
        super().__init__(
            "identifiedOn",
            f"R6: no working-day schedule for {year}: the State Council's holiday schedule "
            f"must be added as policies/calendar/{year}.json before deadlines in {year} "
            "can be computed",
        )
        self.year = year


@dataclass(frozen=True)
class YearSchedule:
    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


@cache
def _schedule_file(year: int, directory: Path) -> YearSchedule | None:
    path = directory / f"{year}.json"
    if not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    if raw.get("year") != year:
        raise BadInput(str(path), f"'year' must be {year}")
    return YearSchedule(
        year,
        frozenset(date.fromisoformat(d) for d in raw.get("holidays", [])),
        frozenset(date.fromisoformat(d) for d in raw.get("workdays", [])),
    )


def is_working_day(day: date, directory: Path | None = None) -> bool:
    return _is_working_day(day, directory or _default_directory())


@cache
def _default_directory() -> Path:
    return policy_dir() / "calendar"


@lru_cache(maxsize=8192)
def _is_working_day(day: date, directory: Path) -> bool:
    schedule = _schedule_file(day.year, directory)
    if schedule is not None:
        return schedule.is_working_day(day)
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise ScheduleMissing(day.year) from None


def add_working_days(start: date, days: int, directory: Path | None = None) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current, directory):
            counted += 1
    return current


def report_deadline(identified_on: date, directory: Path | None = None) -> date:
    """The last day on which an entry identified on ``identified_on`` is reported in time."""
    return add_working_days(identified_on, REPORT_WITHIN_WORKING_DAYS, directory)
