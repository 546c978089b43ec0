"""Execution feedback (R17) and the per-unit figures (R24) against the real Neo4j."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from neo4j import Driver

from hub.admin.stats import unit_stats
from hub.cli.main import main
from hub.clock import today
from hub.settings import Settings
from tests.sanctions.test_check import ACME, CLEAN, _records
from tests.support.hubtest import HubClient, audit_events, codes, token

REPORT = """mutation($f: FeedbackInput!) { reportFeedback(feedback: $f) {
  id entryId measureCode outcome note unit on delayDays } }"""
READ = """query($id: ID!) { entryFeedback(entryId: $id) {
  entryId measureCode outcome note unit on delayDays } }"""
CHECK = """query($s: SubjectInput!) { check(subject: $s) { verdict } }"""
STATS = """query($from: DateTime, $to: DateTime) { unitStats(from: $from, to: $to) {
  unit checks hits feedback applied meanDelayDays maxDelayDays late flaggedLate } }"""


pytestmark = pytest.mark.hub(records=_records, catalogue=True)


def _feedback(measure: str, outcome: str = "APPLIED", note: str | None = None) -> dict[str, Any]:
    return {"f": {"entryId": "E-ACME", "measureCode": measure, "outcome": outcome, "note": note}}


async def report(client: HubClient, variables: dict[str, Any]) -> dict[str, Any]:
    return await client.ask(REPORT, role="implementing_officer", variables=variables)


async def test_an_implementing_unit_reports_and_the_identifying_unit_reads_it_R17(
    client: HubClient,
) -> None:
    await client.ask(CHECK, role="implementing_officer", variables={"s": {"uscc": ACME}})
    first = await report(client, _feedback("M-BLK-MARKET-BAN", "FAILED", "系统未对接"))
    second = await report(client, _feedback("M-BLK-MARKET-BAN", "APPLIED"))

    delay = (today() - date(2025, 6, 1)).days  # imported entry: from its identification date
    assert "errors" not in first and "errors" not in second
    assert first["data"]["reportFeedback"]["delayDays"] == delay
    owner = {"Authorization": f"Bearer {token(client.settings, 'identifying_officer', 'U-MARKET')}"}
    read = await client.ask(READ, headers=owner, variables={"id": "E-ACME"})
    assert read["data"]["entryFeedback"] == [
        {
            "entryId": "E-ACME",
            "measureCode": "M-BLK-MARKET-BAN",
            "outcome": outcome,
            "note": note,
            "unit": "U-TAX",
            "on": today().isoformat(),
            "delayDays": delay,
        }
        for outcome, note in (("FAILED", "系统未对接"), ("APPLIED", None))
    ]


async def test_only_the_identifying_unit_reads_the_feedback_on_its_entries_R17(
    client: HubClient,
) -> None:
    other = await client.ask(READ, role="identifying_officer", variables={"id": "E-ACME"})
    analyst = await client.ask(READ, role="agency_analyst", variables={"id": "E-ACME"})

    assert codes(other) == ["FORBIDDEN"]  # token unit U-TAX; E-ACME is U-MARKET's
    assert codes(analyst) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("entry", "measure", "rule"),
    [
        ("E-NONE", "M-BLK-MARKET-BAN", "entryId: no such entry"),
        ("E-ACME", "M-NOT-A-MEASURE", "measureCode: no such measure in the catalogue in force"),
        ("E-ACME", "M-RED-GREEN-CHANNEL", "measureCode: the measure does not apply to this entry"),
        ("E-ACME", "M-BLK-LOAN-PRICING", "measureCode: your unit's kind does not implement"),
    ],
)
async def test_feedback_on_a_measure_that_does_not_concern_the_unit_is_refused_R17(
    client: HubClient, graph: Driver, entry: str, measure: str, rule: str
) -> None:
    await client.ask(CHECK, role="implementing_officer", variables={"s": {"uscc": ACME}})
    variables = {"f": {"entryId": entry, "measureCode": measure, "outcome": "APPLIED"}}
    result = await report(client, variables)

    assert codes(result) == ["BAD_INPUT"]
    assert result["errors"][0]["message"].startswith(rule)
    records, _, _ = graph.execute_query("MATCH (f:Feedback) RETURN count(f) AS n")
    assert records[0]["n"] == 0


async def test_stats_count_checks_hits_and_feedback_per_unit_R24(
    client: HubClient,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for subject in ({"uscc": ACME}, {"uscc": CLEAN}, {"uscc": ACME}):
        await client.ask(CHECK, role="implementing_officer", variables={"s": subject})
    await report(client, _feedback("M-BLK-MARKET-BAN"))

    delay = (today() - date(2025, 6, 1)).days
    assert unit_stats(settings) == [
        {
            "unit": "U-TAX",
            "checks": 3,
            "hits": 2,
            "feedback": 1,
            "applied": 1,
            "mean_delay_days": float(delay),
            "max_delay_days": delay,
            "late": 1,
        }
    ]
    monkeypatch.setenv("CREDIT_HUB_NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("CREDIT_HUB_DATA_DIR", str(settings.data_dir))
    assert main(["stats"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "unit\tchecks\thits\tfeedback\tapplied\tmean_delay_days\tmax_delay_days\tlate",
        f"U-TAX\t3\t2\t1\t1\t{float(delay)}\t{delay}\t1\tLATE",
        "",
        "unit\treported\treported_late\tmean_report_days\tmax_report_days",
        "U-MARKET\t" + "\t".join(_reporting_figures()),
    ]


def _reporting_figures() -> list[str]:
    """The imported entries carry no ``reported_on``: they count from the day they arrived."""
    entries = [r for r in _records() if r["type"] == "entry"]
    days = [(today() - date.fromisoformat(r["identified_on"])).days for r in entries]
    return [str(len(days)), "0", str(round(sum(days) / len(days), 1)), str(max(days))]


async def test_unit_stats_is_a_query_for_admins_and_privacy_officers_in_one_round_trip_R24(
    client: HubClient, graph: Driver
) -> None:
    for subject in ({"uscc": ACME}, {"uscc": CLEAN}):
        await client.ask(CHECK, role="implementing_officer", variables={"s": subject})
    await report(client, _feedback("M-BLK-MARKET-BAN"))
    await report(client, _feedback("M-BLK-MARKET-BAN", "NOT_APPLICABLE"))
    await report(client, _feedback("M-NOT-A-MEASURE"))  # refused: not feedback given

    delay = (today() - date(2025, 6, 1)).days
    expected = {
        "unit": "U-TAX",
        "checks": 2,
        "hits": 1,
        "feedback": 2,
        "applied": 1,
        "meanDelayDays": float(delay),
        "maxDelayDays": delay,
        "late": 2,
        "flaggedLate": True,
    }
    for role in ("admin", "privacy_officer"):
        answer = await client.ask(STATS, role=role)
        assert answer == {"data": {"unitStats": [expected]}}
        assert audit_events(graph)[-1]["x_round_trips"] == 1


async def test_unit_stats_counts_only_the_window_asked_R24(client: HubClient) -> None:
    await client.ask(CHECK, role="implementing_officer", variables={"s": {"uscc": ACME}})

    later = {"from": "2999-01-01T00:00:00+00:00"}
    earlier = {"to": "2000-01-01T00:00:00+00:00"}
    for window in (later, earlier):
        answer = await client.ask(STATS, role="admin", variables=window)
        assert answer == {"data": {"unitStats": []}}
    bad = await client.ask(STATS, role="admin", variables={**later, "to": "2998-01-01T00:00:00Z"})
    assert codes(bad) == ["BAD_INPUT"]
    assert bad["errors"][0]["message"] == "to: must be later than from"


@pytest.mark.parametrize("role", ["implementing_officer", "identifying_officer", "bank_officer"])
async def test_unit_stats_is_refused_to_other_roles_R24(client: HubClient, role: str) -> None:
    answer = await client.ask(STATS, role=role)

    assert codes(answer) == ["FORBIDDEN"]
    assert answer["data"] is None
