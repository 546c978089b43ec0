"""Incentives (R25): which red-list measures the caller's unit may grant, and on which ground.

Two grounds qualify: an effective RED entry (``RED_LIST``: every RED measure of the entry), or
no adverse record for a number of consecutive years (``CLEAN_RECORD``: the catalogue's measures
with ``clean_record_years``, e.g. the green channel and 容缺受理 after three years). An adverse
record is a black or watch entry of the subject itself that was in force or under objection
(entries exited as listed in error do not count); an enterprise must also have been registered
for those years. A clean record never changes the verdict; a restricted or suspended subject
has no clean record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

RED_LIST = "RED_LIST"
CLEAN_RECORD = "CLEAN_RECORD"


def incentives(
    row: dict[str, Any],
    applies: Callable[[dict[str, Any]], bool],
    *,
    clean: bool,
    on: date,
) -> list[dict[str, Any]]:
    """The incentives of one checked subject (a row of ``graph.checks.CHECK_SUBJECTS``)."""
    granted: dict[str, dict[str, Any]] = {}
    for entry in row["own"]:
        if entry["list"] != "RED" or entry["status"] != "ACTIVE":
            continue
        for measure in entry["measures"]:
            if applies(measure):
                _grant(granted, measure, RED_LIST, entry["id"])
    if clean:
        for measure in row["clean_measures"]:
            if applies(measure) and _clean_for(row, measure["clean_record_years"], on):
                _grant(granted, measure, CLEAN_RECORD, None)
    return [granted[code] for code in sorted(granted)]


def _grant(
    granted: dict[str, dict[str, Any]], measure: dict[str, Any], ground: str, entry: str | None
) -> None:
    incentive = granted.setdefault(
        measure["code"],
        {
            "code": measure["code"],
            "title": measure["title"],
            "grounds": [],
            "entry_id": None,
            "legal_basis": measure["legal_basis"],
            "catalogue_version": measure["catalogue_version"],
        },
    )
    if ground not in incentive["grounds"]:
        incentive["grounds"].append(ground)
    if entry is not None and incentive["entry_id"] is None:
        incentive["entry_id"] = entry


def _clean_for(row: dict[str, Any], years: int, on: date) -> bool:
    since = years_before(on, years)
    last_adverse = row["last_adverse_on"]
    if last_adverse is not None and date.fromisoformat(last_adverse) >= since:
        return False
    registered = row["registered_on"]
    return registered is None or date.fromisoformat(registered) <= since


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
