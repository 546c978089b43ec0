"""A policy change takes effect in a running hub without a restart, is recorded in the audit
log, and a broken change is refused while the running policy stays (R23)."""

from __future__ import annotations

import shutil
from pathlib import Path

from neo4j import Driver

from hub.importing.run import import_file
from hub.policy.engine import policy_dir
from hub.settings import Settings
from tests.support.hubtest import ACME, DATA, audit_events, codes, hub_client

QUERY = '{ enterprise(uscc: "%s") { name registeredOn } }' % ACME


def _settings_with_policies(settings: Settings, tmp_path: Path) -> tuple[Settings, Path]:
    directory = tmp_path / "policies"
    shutil.copytree(policy_dir(), directory)
    return (
        Settings.from_env(
            {
                "CREDIT_HUB_NEO4J_URI": settings.neo4j_uri,
                "CREDIT_HUB_DATA_DIR": str(settings.data_dir),
                "CREDIT_HUB_POLICY_DIR": str(directory),
            }
        ),
        directory,
    )


async def test_a_policy_change_applies_without_restart_and_is_audited(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    changed, directory = _settings_with_policies(settings, tmp_path)
    async with hub_client(changed) as client:
        before = await client.ask(QUERY, role="public", purpose=None)
        assert codes(before) == ["FORBIDDEN"]  # registration details are not published
        policy = directory / "policy.csv"
        policy.write_text(
            policy.read_text() + "\np, public, *, Enterprise.registeredOn, read, *, allow\n"
        )
        client.policy_files_changed()
        after = await client.ask(QUERY, role="public", purpose=None)
    assert after["data"]["enterprise"] == {"name": "某某科技有限公司", "registeredOn": "2015-03-02"}
    events = audit_events(graph)
    reloads = [e for e in events if e.get("operations") == ["Policy.reload"]]
    assert len(reloads) == 1
    versions = [e["policy_version"] for e in events if e.get("operations") == ["Query.enterprise"]]
    assert versions[0] == reloads[0]["x_from_version"]
    assert versions[1] == reloads[0]["x_to_version"]


async def test_a_broken_policy_change_is_refused_and_the_running_policy_stays(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    changed, directory = _settings_with_policies(settings, tmp_path)
    async with hub_client(changed) as client:
        policy = directory / "policy.csv"
        policy.write_text(policy.read_text() + "\np, public, *, Person.*, read, *, allo\n")
        client.policy_files_changed()
        result = await client.ask(
            '{ enterprise(uscc: "%s") { name } }' % ACME,
            role="public",
            purpose=None,
        )
    assert result == {"data": {"enterprise": {"name": "某某科技有限公司"}}}
    assert not [e for e in audit_events(graph) if e.get("operations") == ["Policy.reload"]]
