"""A bank's scoped checks have a daily quota per unit, shared by every hub process: over it, the
caller gets RATE_LIMITED (HTTP 429) with the time the quota resets."""

from __future__ import annotations

import shutil
from pathlib import Path

from neo4j import Driver

from hub.importing.run import import_file
from hub.policy.engine import policy_dir
from hub.settings import Settings
from tests.support.hubtest import ACME, DATA, audit_events, hub_client

QUERY = '{ check(subject: {uscc: "%s"}) { verdict } }' % ACME


async def test_a_units_daily_quota_holds_across_hub_processes(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    directory = tmp_path / "policies"
    shutil.copytree(policy_dir(), directory)
    (directory / "quotas.csv").write_text("bank_officer, 3\n")
    limited = Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": settings.neo4j_uri,
            "CREDIT_HUB_DATA_DIR": str(settings.data_dir),
            "CREDIT_HUB_POLICY_DIR": str(directory),
        }
    )
    responses = []
    async with hub_client(limited) as first, hub_client(limited) as second:
        for client in (first, second, first, second, first):
            responses.append(await client.post(QUERY, role="bank_officer", purpose="LOAN_APPROVAL"))
        analyst = await first.post(QUERY)  # roles without a quota are not counted
    statuses = [r.status_code for r in responses]
    refused = next(r for r in responses if r.status_code == 429).json()["errors"][0]
    assert sorted(statuses) == [200, 200, 200, 429, 429]
    assert refused["extensions"]["code"] == "RATE_LIMITED"
    assert refused["extensions"]["resetsAt"].endswith("T00:00:00+08:00")
    assert "has 0 of its 3 subjects for today left" in refused["message"]
    assert analyst.status_code == 200
    decisions = [e["decision"] for e in audit_events(graph)]
    assert decisions.count("RATE_LIMITED") == 2
