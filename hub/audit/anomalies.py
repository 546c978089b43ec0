"""Anomaly flags a privacy officer can list (``auditAnomalies``): five simple rules.

Days and hours are the platform's (Asia/Shanghai). Every rule looks at the asked window only;
``MANY_SUBJECTS`` also at the 30 days before it, for the user's own usual level.

| rule | flags |
|---|---|
| ``MANY_SUBJECTS`` | a user who saw at least ``MANY_SUBJECTS_MIN`` (20) distinct persons on one day and at least ``MANY_SUBJECTS_FACTOR`` (3) times their own daily average over the previous ``HISTORY_DAYS`` (30) days on which they looked anyone up (no history: the minimum alone) |
| ``OUT_OF_HOURS`` | a user's requests that returned subjects' data outside working hours: before 08:00 or from 20:00, or on a Saturday or Sunday (one flag per user and day; public holidays are not considered) |
| ``MISSING_PURPOSE`` | a user's requests without an ``X-Purpose`` in which a root field was refused (every data operation of the policy needs a purpose; one flag per user and day) |
| ``LOOKUP_MISSES`` | a user whose look-ups by identifier (``person``, ``enterprise``, ``check``, ``checkMany`` items, ``appointmentCheck``, ``exposure``; ``hub.audit.lookups``) found no subject at least ``MissRule.at_least`` (100) times on one day, and in at least ``MissRule.percent`` (90) % of that day's look-ups: guessing identity numbers behind a mask, or walking the space of numbers (one flag per user and day; settings ``CREDIT_HUB_ANOMALY_LOOKUP_MISSES``, ``CREDIT_HUB_ANOMALY_MISS_PERCENT``) |
| ``FORBIDDEN_BURST`` | at least ``BURST_COUNT`` (5) ``FORBIDDEN`` answers to one user within ``BURST_SECONDS`` (60) seconds (one flag per burst: a run of answers each within 60 s of the one ``BURST_COUNT - 1`` before it) |

Each flag names the user, unit, the time of its first record, a count, and up to
``SAMPLE_REFS`` (20) records as ``writer:seq`` (look them up with ``auditEvents``).
"""  # noqa: E501

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from hub.settings import MissRule

MANY_SUBJECTS_MIN = 20
MANY_SUBJECTS_FACTOR = 3.0
HISTORY_DAYS = 30
DAY_STARTS, DAY_ENDS = 8, 20  # working hours [08:00, 20:00), Monday to Friday
BURST_COUNT = 5
BURST_SECONDS = 60
SAMPLE_REFS = 20
MAX_FLAGGED = 50_000


@dataclass
class Anomaly:
    rule: str
    user: str
    unit: str | None
    at: str
    count: int
    detail: str
    events: list[str] = field(default_factory=list)


@dataclass
class _Flagged:
    at: str
    ref: str
    unit: str | None


def anomalies(
    facts: Iterable[Mapping[str, Any]], start: date, end: date, misses: MissRule | None = None
) -> list[Anomaly]:
    """The flags, newest first. ``start``/``end``: the local days of the asked window."""
    miss_rule = misses or MissRule()
    found: list[Anomaly] = []
    persons: dict[str, dict[date, tuple[int, str | None]]] = defaultdict(dict)
    flagged: dict[str, dict[tuple[str, str], list[_Flagged]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for fact in facts:
        user, day = str(fact["user"]), str(fact["day"])
        if fact["kind"] == "PERSONS":
            persons[user][date.fromisoformat(day)] = (int(fact["persons"]), fact["unit"])
            continue
        if fact["kind"] == "MISSES":
            found.extend(_lookup_misses(fact, miss_rule))
            continue
        for rule in fact["flags"]:
            flagged[rule][(user, day)].append(_Flagged(fact["at"], fact["ref"], fact["unit"]))
    found += _many_subjects(persons, start, end)
    found += _per_day("OUT_OF_HOURS", flagged["OUT_OF_HOURS"], "request(s) out of hours")
    found += _per_day(
        "MISSING_PURPOSE", flagged["MISSING_PURPOSE"], "refused request(s) without a purpose"
    )
    found += _bursts(flagged["FORBIDDEN"])
    return sorted(found, key=lambda a: (a.at, a.rule, a.user), reverse=True)


def _lookup_misses(fact: Mapping[str, Any], rule: MissRule) -> list[Anomaly]:
    lookups, missed = int(fact["lookups"]), int(fact["misses"])
    if missed < rule.at_least or missed * 100 < rule.percent * lookups:
        return []
    return [
        Anomaly(
            "LOOKUP_MISSES",
            str(fact["user"]),
            fact["unit"],
            str(fact["at"]),
            missed,
            f"{missed} of {lookups} look-ups by identifier on {fact['day']} found no subject",
            list(fact["flags"] or [])[:SAMPLE_REFS],
        )
    ]


def _many_subjects(
    persons: dict[str, dict[date, tuple[int, str | None]]], start: date, end: date
) -> list[Anomaly]:
    found = []
    for user, days in persons.items():
        for day, (count, unit) in days.items():
            if not start <= day <= end:
                continue
            history = [
                n for d, (n, _) in days.items() if day - timedelta(days=HISTORY_DAYS) <= d < day
            ]
            usual = sum(history) / len(history) if history else 0.0
            if count >= MANY_SUBJECTS_MIN and count >= MANY_SUBJECTS_FACTOR * usual:
                found.append(
                    Anomaly(
                        "MANY_SUBJECTS",
                        user,
                        unit,
                        day.isoformat(),
                        count,
                        f"{count} distinct persons on {day.isoformat()}; usual {usual:.1f} a day"
                        f" over the {len(history)} active day(s) of the previous {HISTORY_DAYS}",
                    )
                )
    return found


def _per_day(
    rule: str, groups: Mapping[tuple[str, str], list[_Flagged]], what: str
) -> list[Anomaly]:
    found = []
    for (user, day), records in groups.items():
        records.sort(key=lambda r: r.at)
        found.append(
            Anomaly(
                rule,
                user,
                records[0].unit,
                records[0].at,
                len(records),
                f"{len(records)} {what} on {day}",
                [r.ref for r in records[:SAMPLE_REFS]],
            )
        )
    return found


def _bursts(groups: Mapping[tuple[str, str], list[_Flagged]]) -> list[Anomaly]:
    by_user: dict[str, list[_Flagged]] = defaultdict(list)
    for (user, _), records in groups.items():
        by_user[user].extend(records)
    found = []
    for user, records in by_user.items():
        records.sort(key=lambda r: r.at)
        times = [datetime.fromisoformat(r.at) for r in records]
        window = timedelta(seconds=BURST_SECONDS)
        in_burst = [
            i >= BURST_COUNT - 1 and times[i] - times[i - BURST_COUNT + 1] <= window
            for i in range(len(times))
        ]
        i = 0
        while i < len(records):
            if not in_burst[i]:
                i += 1
                continue
            first = i - BURST_COUNT + 1
            last = i
            while last + 1 < len(records) and in_burst[last + 1]:
                last += 1
            burst = records[first : last + 1]
            found.append(
                Anomaly(
                    "FORBIDDEN_BURST",
                    user,
                    burst[0].unit,
                    burst[0].at,
                    len(burst),
                    f"{len(burst)} FORBIDDEN answers from {burst[0].at} to {burst[-1].at}",
                    [r.ref for r in burst[:SAMPLE_REFS]],
                )
            )
            i = last + 1
    return found
