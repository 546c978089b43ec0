"""Anomaly flags for the privacy officer (R23: leaks traceable to a person): the four rules of
hub/audit/anomalies.py over records written through the real chain, days and hours in
Asia/Shanghai. The window is the week of Monday 2025-03-03."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from neo4j import Driver

from hub.audit.log import AuditRecord
from hub.settings import Settings
from tests.support.audittest import record, write_records
from tests.support.hubtest import hub_client

SHANGHAI = ZoneInfo("Asia/Shanghai")
ANOMALIES = """query($from: DateTime, $to: DateTime) {
  auditAnomalies(from: $from, to: $to) { rule user unit count events }
}"""
WEEK = {"from": "2025-03-03T00:00:00+08:00", "to": "2025-03-10T00:00:00+08:00"}


def _at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, second, tzinfo=SHANGHAI)


def _lookups(user: str, when: datetime, persons: int, offset: int = 0) -> list[AuditRecord]:
    return [
        record(when + timedelta(seconds=i), user=user, subjects=[f"Person:P{offset + i}"])
        for i in range(persons)
    ]


async def _flags(graph: Driver, settings: Settings, rule: str, **kwargs: Any) -> list[Any]:
    async with hub_client(settings) as client:
        result = await client.ask(
            ANOMALIES,
            role="privacy_officer",
            purpose=kwargs.get("purpose", "ACCESS_AUDIT"),
            variables=WEEK,
        )
    return [
        (a["user"], a["count"], len(a["events"]))
        for a in result["data"]["auditAnomalies"]
        if a["rule"] == rule
    ]


async def test_many_distinct_persons_against_the_users_own_usual_level(
    graph: Driver, settings: Settings
) -> None:
    records: list[AuditRecord] = []
    for day in range(8):  # 2025-02-24 .. 2025-03-03: 25 a day is this user's usual level
        records += _lookups("steady", _at(24, 10, month=2) + timedelta(days=day), 25, 100 * day)
    for day in range(7):  # 2 a day, then 25 on Tuesday 2025-03-04
        records += _lookups("spike", _at(24, 11, month=2) + timedelta(days=day), 2, 100 * day)
    records += _lookups("spike", _at(4, 11), 25)
    records += _lookups("newcomer", _at(5, 11), 20)  # no history: the minimum alone
    records += _lookups("small", _at(5, 11), 19)
    await write_records(settings, records)
    assert await _flags(graph, settings, "MANY_SUBJECTS") == [
        ("newcomer", 20, 0),
        ("spike", 25, 0),
    ]


async def test_out_of_hours_disclosures_in_shanghai_time(graph: Driver, settings: Settings) -> None:
    await write_records(
        settings,
        [
            record(_at(4, 10), user="daytime", subjects=["Enterprise:E1"]),
            record(_at(4, 23, 30), user="night", subjects=["Enterprise:E1"]),
            record(_at(4, 23, 40), user="night", decision="DENIED", error_codes=["FORBIDDEN"]),
            record(_at(8, 10), user="weekend", subjects=["Person:P1"]),  # a Saturday
            record(_at(8, 11), user="weekend", subjects=["Person:P2"]),
        ],
    )
    assert await _flags(graph, settings, "OUT_OF_HOURS") == [("weekend", 2, 2), ("night", 1, 1)]


async def test_refused_requests_without_the_purpose_they_needed(
    graph: Driver, settings: Settings
) -> None:
    await write_records(
        settings,
        [
            record(
                _at(4, 10),
                user="careless",
                purpose=None,
                denied=["Query.person"],
                decision="DENIED",
                error_codes=["FORBIDDEN"],
            ),
            record(_at(4, 11), user="officer", purpose=None, operations=["Query.auditEvents"]),
            record(
                _at(4, 12),
                user="no-role",
                purpose="LICENSING",
                denied=["Query.person"],
                decision="DENIED",
                error_codes=["FORBIDDEN"],
            ),
        ],
    )
    assert await _flags(graph, settings, "MISSING_PURPOSE") == [("careless", 1, 1)]


async def test_bursts_of_forbidden_answers(graph: Driver, settings: Settings) -> None:
    def refused(user: str, at: datetime) -> AuditRecord:
        return record(at, user=user, decision="DENIED", error_codes=["FORBIDDEN"])

    probing = [refused("prober", _at(5, 14, 0, 10 * i)) for i in range(6)]  # 6 in 50 s
    slow = [refused("slow", _at(5, 14, i)) for i in range(5)]  # one a minute
    await write_records(settings, probing + slow)
    assert await _flags(graph, settings, "FORBIDDEN_BURST") == [("prober", 6, 6)]


async def test_flagged_users_are_pseudonymous_without_an_audit_purpose(
    graph: Driver, settings: Settings
) -> None:
    await write_records(settings, [record(_at(4, 23), user="night", subjects=["Enterprise:E1"])])
    [(user, count, _)] = await _flags(graph, settings, "OUT_OF_HOURS", purpose=None)
    assert (len(user), count) == (24, 1)
    assert user != "night"
