"""R6 and R24: per identifying unit, the entries it reported to the platform and how late.

An entry is late when it reached the platform after the R6 deadline of five Chinese working
days from its identification: an imported entry by its ``reported_on`` (2025-06-01 was a
Sunday and 2025-06-02 the Dragon Boat holiday, so the deadline was 2025-06-09), an entry
proposed on the hub by the day it was proposed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from neo4j import Driver

from hub.cli.main import main
from hub.settings import Settings
from tests.lifecycle.test_lifecycle import TODAY, Clock, proposal, propose
from tests.sanctions.test_check import ACME, CLEAN, OLDCO, TRADING
from tests.support.hubtest import HubClient, audit_events, codes

REPORTING = """query($from: Date, $to: Date) { unitReporting(from: $from, to: $to) {
  unit reported reportedLate meanReportDays maxReportDays } }"""
MARKET = {"unit": "U-MARKET", "domain": "MARKET", "basis": 2, "status": "ACTIVE"}


def _records() -> list[dict[str, Any]]:
    def entry(entry_id: str, uscc: str, reported_on: str) -> dict[str, Any]:
        return {
            "type": "entry",
            "id": entry_id,
            "list": "BLACK",
            "subject": {"uscc": uscc},
            **MARKET,
            "identified_on": "2025-06-01",
            "reported_on": reported_on,
            "valid_until": "2030-06-01",
            "repairable": True,
        }

    return [
        {"type": "unit", "code": "U-TAX", "name": "市税务局", "kind": "AGENCY"},
        {"type": "unit", "code": "U-MARKET", "name": "市市场监管局", "kind": "AGENCY"},
        *({"type": "enterprise", "uscc": u, "name": f"企业{u[-4:]}"} for u in (ACME, OLDCO)),
        *({"type": "enterprise", "uscc": u, "name": f"企业{u[-4:]}"} for u in (TRADING, CLEAN)),
        entry("E-M-1", ACME, "2025-06-05"),
        entry("E-M-2", OLDCO, "2025-06-21"),
    ]


pytestmark = pytest.mark.hub(records=_records, clock=Clock(TODAY))


async def _report_two_by_tax(client: HubClient) -> None:
    on_time = proposal("WATCH", uscc=TRADING)  # identified two days ago
    late = {**proposal("WATCH", uscc=CLEAN), "identifiedOn": str(TODAY - timedelta(days=30))}
    await propose(client, on_time)
    await propose(client, late)


async def test_unit_reporting_counts_each_units_entries_and_the_late_ones_R6_R24(
    client: HubClient, graph: Driver
) -> None:
    await _report_two_by_tax(client)

    for role in ("admin", "privacy_officer"):
        answer = await client.ask(REPORTING, role=role, purpose=None)
        assert answer == {
            "data": {
                "unitReporting": [
                    {
                        "unit": "U-MARKET",
                        "reported": 2,
                        "reportedLate": 1,  # imported E-M-2: after its deadline of 2025-06-09
                        "meanReportDays": 12.0,
                        "maxReportDays": 20,
                    },
                    {
                        "unit": "U-TAX",
                        "reported": 2,
                        "reportedLate": 1,
                        "meanReportDays": 16.0,
                        "maxReportDays": 30,
                    },
                ]
            }
        }
        assert audit_events(graph)[-1]["x_round_trips"] == 1


async def test_unit_reporting_counts_only_the_days_asked_R24(client: HubClient) -> None:
    await _report_two_by_tax(client)

    june = await client.ask(
        REPORTING, role="admin", purpose=None, variables={"from": "2025-06-01", "to": "2025-06-10"}
    )
    today = await client.ask(REPORTING, role="admin", purpose=None, variables={"from": str(TODAY)})

    assert june == {
        "data": {
            "unitReporting": [
                {
                    "unit": "U-MARKET",
                    "reported": 1,
                    "reportedLate": 0,
                    "meanReportDays": 4.0,
                    "maxReportDays": 4,
                }
            ]
        }
    }
    assert [row["unit"] for row in today["data"]["unitReporting"]] == ["U-TAX"]


@pytest.mark.parametrize("role", ["implementing_officer", "identifying_officer", "bank_officer"])
async def test_unit_reporting_is_refused_to_other_roles_R24(client: HubClient, role: str) -> None:
    answer = await client.ask(REPORTING, role=role)

    assert codes(answer) == ["FORBIDDEN"]
    assert answer["data"] is None


async def test_stats_prints_the_reporting_table_R24(
    client: HubClient,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CREDIT_HUB_NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("CREDIT_HUB_DATA_DIR", str(settings.data_dir))

    assert main(["stats"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[lines.index("") + 1 :] == [
        "unit\treported\treported_late\tmean_report_days\tmax_report_days",
        "U-MARKET\t2\t1\t12.0\t20",
    ]
