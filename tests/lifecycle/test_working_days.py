"""R6: reporting deadlines in Chinese working days, never guessed for a year without a schedule."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from hub.importing.rows import reported_late
from hub.lifecycle.calendar import ScheduleMissing, is_working_day, report_deadline


def test_the_deadline_skips_official_holidays_R6() -> None:
    # National Day 2026: Oct 1-7 off.
    assert report_deadline(date(2026, 9, 25)) == date(2026, 10, 9)


def test_a_make_up_working_day_on_a_weekend_counts_R6() -> None:
    assert is_working_day(date(2026, 10, 10)) is True  # Saturday, worked in exchange
    # Thu Oct 8 + 5: Oct 9, Sat Oct 10 (make-up), Oct 12, 13, 14.
    assert report_deadline(date(2026, 10, 8)) == date(2026, 10, 14)


def test_an_ordinary_week_is_five_days_R6() -> None:
    assert report_deadline(date(2026, 11, 20)) == date(2026, 11, 27)


def test_a_year_without_a_schedule_is_refused_rather_than_guessed_R6(tmp_path: Path) -> None:
    with pytest.raises(ScheduleMissing) as refused:
        report_deadline(date(2026, 12, 28), tmp_path)
    assert refused.value.year == 2027
    assert refused.value.field == "identifiedOn"
    assert "policies/calendar/2027.json" in refused.value.rule


def test_an_operator_supplied_schedule_is_used_for_its_year_R6(tmp_path: Path) -> None:
    schedule = {
        "year": 2027,
        "source": "test schedule",
        "holidays": ["2027-01-01"],
        "workdays": ["2027-01-09"],
    }
    (tmp_path / "2027.json").write_text(json.dumps(schedule))
    # Mon 2026-12-28 + 5: Dec 29, 30, 31, (Jan 1 off, Jan 2-3 weekend) Jan 4, 5.
    assert report_deadline(date(2026, 12, 28), tmp_path) == date(2027, 1, 5)
    assert is_working_day(date(2027, 1, 9), tmp_path) is True


@pytest.mark.parametrize(
    ("reported_on", "late"),
    [
        (date(2025, 6, 9), False),  # the deadline itself (Sunday 1 June, holiday 2 June)
        (date(2025, 6, 10), True),
        (None, None),  # an import that does not say when it was reported
    ],
)
def test_an_imported_entry_is_late_after_five_working_days_R6(
    reported_on: date | None, late: bool | None
) -> None:
    assert reported_late(date(2025, 6, 1), reported_on) is late


def test_an_imported_entry_from_a_year_without_a_calendar_is_not_judged_R6() -> None:
    assert reported_late(date(1999, 3, 1), date(1999, 3, 30)) is None
