"""The admin manages units, measures and policies, audited, and sees no subject data by default
(DESIGN.md roles; R23): ``units``, ``registerUnit``, ``measureCatalogue`` and ``reloadPolicy``
through the same policy, decisions and audit log as every other operation."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from graph.catalogue import load_catalogue
from hub.policy.engine import Policy, policy_dir, read_policy_texts
from hub.policy.roles import PURPOSES
from hub.services import schema_surface
from hub.settings import Settings
from schema.build import build_schema
from tests.support.hubtest import ACME, ZHANG_SAN, HubClient, audit_events, codes, hub_client

UNITS = "{ units { code name kind entries } }"
REGISTER = """mutation($u: UnitInput!) { registerUnit(unit: $u) {
  created previousName previousKind unit { code name kind entries } } }"""
CATALOGUE = "{ measureCatalogue { shipped versions { version inForce retired } } }"
RELOAD = "mutation { reloadPolicy { previousVersion version changed refused } }"


async def as_admin(client: HubClient, query: str, **variables: Any) -> dict[str, Any]:
    return await client.ask(query, role="admin", purpose=None, variables=variables or None)


def units_in_graph(graph: Driver) -> list[tuple[str, str, str]]:
    records, _, _ = graph.execute_query(
        "MATCH (u:Unit) RETURN u.code AS c, u.name AS n, u.kind AS k ORDER BY c",
        database_="neo4j",
    )
    return [(r["c"], r["n"], r["k"]) for r in records]


async def test_the_admin_lists_units_in_one_round_trip(client: HubClient, graph: Driver) -> None:
    result = await as_admin(client, UNITS)

    assert result == {
        "data": {
            "units": [
                {"code": "U-BANK", "name": "某某银行市分行", "kind": "FINANCIAL", "entries": 0},
                {"code": "U-TAX", "name": "市税务局", "kind": "AGENCY", "entries": 2},
            ]
        }
    }
    [event] = audit_events(graph)
    assert (event["operations"], event["decision"], event["x_round_trips"]) == (
        ["Query.units"],
        "ALLOWED",
        1,
    )


async def test_registering_a_unit_creates_it_and_the_audit_record_says_what_changed(
    client: HubClient, graph: Driver
) -> None:
    new = {"code": "U-MARKET", "name": "市场监督管理局", "kind": "AGENCY"}
    created = await as_admin(client, REGISTER, u=new)
    renamed = await as_admin(client, REGISTER, u={**new, "name": "市市场监管局"})

    assert created["data"]["registerUnit"] == {
        "created": True,
        "previousName": None,
        "previousKind": None,
        "unit": {**new, "entries": 0},
    }
    assert renamed["data"]["registerUnit"]["created"] is False
    assert renamed["data"]["registerUnit"]["previousName"] == "市场监督管理局"
    assert ("U-MARKET", "市市场监管局", "AGENCY") in units_in_graph(graph)
    first, second = audit_events(graph)
    assert first["operations"] == ["Mutation.registerUnit"]
    assert (first["x_unit"], first["x_unit_created"]) == ("U-MARKET", True)
    assert "x_previous_name" not in first
    assert (second["x_unit_created"], second["x_previous_name"]) == (False, "市场监督管理局")
    assert second["user"] == "admin-tester"


@pytest.mark.parametrize(
    ("unit", "field", "code"),
    [
        ({"code": "U TAX!", "name": "x", "kind": "AGENCY"}, "unit.code", "BAD_INPUT"),
        ({"code": "U-NEW", "name": "  ", "kind": "AGENCY"}, "unit.name", "BAD_INPUT"),
        ({"code": "U-NEW", "name": "x", "kind": "CHARITY"}, "kind", "BAD_INPUT"),
        # U-TAX identified entries: their meaning depends on its kind (R18: PLATFORM entries)
        ({"code": "U-TAX", "name": "平台", "kind": "PLATFORM"}, "unit.kind", "BAD_INPUT"),
    ],
)
async def test_a_refused_registration_names_the_field_and_changes_nothing(
    client: HubClient, graph: Driver, unit: dict[str, str], field: str, code: str
) -> None:
    before = units_in_graph(graph)
    result = await as_admin(client, REGISTER, u=unit)

    assert codes(result) == [code]
    assert field in result["errors"][0]["message"]
    assert units_in_graph(graph) == before


async def test_a_unit_without_entries_may_change_its_kind(client: HubClient, graph: Driver) -> None:
    bank = {"code": "U-BANK", "name": "某某银行市分行", "kind": "ASSOCIATION"}
    result = await as_admin(client, REGISTER, u=bank)

    assert result["data"]["registerUnit"]["previousKind"] == "FINANCIAL"
    assert ("U-BANK", "某某银行市分行", "ASSOCIATION") in units_in_graph(graph)


async def test_the_admin_sees_the_catalogue_versions_beside_the_shipped_one(
    client: HubClient, graph: Driver
) -> None:
    summary = load_catalogue(graph, "neo4j")
    result = await as_admin(client, CATALOGUE)

    assert result["data"]["measureCatalogue"] == {
        "shipped": summary.version,
        "versions": [{"version": summary.version, "inForce": summary.measures, "retired": 0}],
    }
    assert audit_events(graph)[-1]["x_round_trips"] == 1


async def test_an_admin_write_is_one_statement_in_its_audit_record(
    client: HubClient, graph: Driver
) -> None:
    unit = {"code": "U-NEW", "name": "新单位", "kind": "AGENCY"}
    result = await as_admin(client, REGISTER, u=unit)

    assert result["data"]["registerUnit"]["created"] is True
    assert audit_events(graph)[-1]["x_round_trips"] == 1


async def test_catalogue_versions_are_ordered_as_numbers_newest_first_R16(
    client: HubClient, graph: Driver
) -> None:
    graph.execute_query(
        "UNWIND [['M-A', '2026.2'], ['M-B', '2026.10'], ['M-C', '2025.12']] AS m "
        "CREATE (:Measure {code: m[0], catalogue_version: m[1]})"
    )
    result = await as_admin(client, CATALOGUE)

    versions = [v["version"] for v in result["data"]["measureCatalogue"]["versions"]]
    assert versions == ["2026.10", "2026.2", "2025.12"]


async def test_a_policy_reload_applies_at_once_and_is_audited_with_both_versions(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    directory = tmp_path / "policies"
    shutil.copytree(policy_dir(), directory)
    changed = Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": settings.neo4j_uri,
            "CREDIT_HUB_DATA_DIR": str(settings.data_dir),
            "CREDIT_HUB_POLICY_DIR": str(directory),
        }
    )
    limits = directory / "limits.csv"
    async with hub_client(changed) as client:
        unchanged = await as_admin(client, RELOAD)
        limits.write_text(limits.read_text() + "\n*, Query.exposure, depth, 1\n")
        reloaded = await as_admin(client, RELOAD)
        limits.write_text(limits.read_text() + "\nGOSSIP, Query.exposure, depth, 1\n")
        refused = await as_admin(client, RELOAD)

    first = unchanged["data"]["reloadPolicy"]
    second = reloaded["data"]["reloadPolicy"]
    third = refused["data"]["reloadPolicy"]
    assert (first["changed"], first["refused"]) == (False, None)
    assert (second["changed"], second["previousVersion"]) == (True, first["version"])
    assert third["changed"] is False and third["version"] == second["version"]
    assert "limits.csv rule 9: unknown purpose 'GOSSIP'" in third["refused"]
    events = audit_events(graph)
    [reload] = [e for e in events if e["operations"] == ["Policy.reload"]]
    assert (reload["user"], reload["x_from_version"]) == ("admin-tester", first["version"])
    asked = [e for e in events if e["operations"] == ["Mutation.reloadPolicy"]]
    assert [e["policy_version"] for e in asked] == [
        first["version"],
        first["version"],
        second["version"],
    ]
    assert (asked[1]["x_from_version"], asked[1]["x_to_version"]) == (
        first["version"],
        second["version"],
    )


async def test_no_other_role_may_manage(client: HubClient, graph: Driver) -> None:
    unit = {"code": "U-EVIL", "name": "x", "kind": "PLATFORM"}
    for role, purpose in (("agency_analyst", "ENFORCEMENT"), ("privacy_officer", None)):
        result = await client.ask(REGISTER, role=role, purpose=purpose, variables={"u": unit})
        assert (codes(result), result["data"]) == (["FORBIDDEN"], None)
        result = await client.ask(RELOAD, role=role, purpose=purpose)
        assert codes(result) == ["FORBIDDEN"]
    assert "U-EVIL" not in [code for code, _, _ in units_in_graph(graph)]


async def test_the_admin_gets_no_subject_data(client: HubClient, graph: Driver) -> None:
    asks = (
        '{ enterprise(uscc: "%s") { name } }' % ACME,
        '{ person(idNumber: "%s") { name } }' % ZHANG_SAN,
        '{ check(subject: {uscc: "%s"}) { verdict } }' % ACME,
        '{ exposure(subject: {uscc: "%s"}, depth: 1) { found } }' % ACME,
    )
    for purpose in (None, "ENFORCEMENT", "LOAN_APPROVAL"):
        for query in asks:
            result = await client.ask(query, role="admin", purpose=purpose)
            assert codes(result) == ["FORBIDDEN"], (query, purpose)
    assert all(e.get("subjects", []) == [] for e in audit_events(graph))


def test_no_purpose_gives_the_admin_a_field_of_a_subject() -> None:
    surface = schema_surface(build_schema(introspection=True))
    policy = Policy(read_policy_texts(), surface)
    subject_types = ("Enterprise.", "Person.", "Role.", "ListEntry.", "CheckResult.", "Exposure")
    for purpose in (None, *PURPOSES):
        decisions = policy.decisions(("admin",), "U-PLATFORM", purpose)
        seen = [f for f in surface.fields if f.startswith(subject_types)]
        assert not [f for f in seen if decisions.field(f).allowed], purpose
