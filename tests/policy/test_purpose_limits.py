"""A purpose limits how far an operation may go (issue 5; R23: personal information only with
permission and procedure): ``policies/limits.csv`` bounds ``exposure``'s depth per declared
purpose, through the same decisions as every field, linted, documented and hot-reloaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from neo4j import Driver

from hub.importing.run import import_file
from hub.policy.engine import Policy, policy_dir, read_policy_texts
from hub.policy.lint import lint
from hub.services import schema_surface
from hub.settings import Settings
from schema.build import build_schema
from tests.support.hubtest import ACME, DATA, HubClient, audit_events, codes, hub_client

SURFACE = schema_surface(build_schema(introspection=True))
EXPOSURE = """query($d: Int!) { exposure(subject: {uscc: "%s"}, depth: $d) { depth } }""" % ACME


async def depth(client: HubClient, purpose: str, asked: int) -> dict[str, object]:
    return await client.ask(EXPOSURE, variables={"d": asked}, purpose=purpose)


def test_each_purpose_has_its_exposure_depth_and_the_most_specific_row_wins() -> None:
    policy = Policy(read_policy_texts(), SURFACE)

    def limit(purpose: str) -> int | None:
        limits = policy.decisions(("agency_analyst",), "U-TAX", purpose).limits
        found = limits.get("Query.exposure", ())
        return found[0].maximum if found else None

    assert {p: limit(p) for p in ("LICENSING", "REGISTRATION", "OBJECTION_REVIEW")} == {
        "LICENSING": 1,
        "REGISTRATION": 1,
        "OBJECTION_REVIEW": 1,
    }
    assert (limit("PROCUREMENT"), limit("SUPERVISION"), limit("ENFORCEMENT")) == (2, 2, 3)
    assert limit("LOAN_APPROVAL") is None  # banks may not ask for exposure at all

    texts = read_policy_texts()
    texts["limits.csv"] = "AGENCY_PURPOSE, Query.exposure, depth, 2\n*, Query.exposure, depth, 1\n"
    changed = Policy(texts, SURFACE)
    grouped = changed.decisions(("agency_analyst",), "U-TAX", "ENFORCEMENT")
    anyone = changed.decisions(("agency_analyst",), "U-TAX", "ACCESS_AUDIT")
    assert grouped.limits["Query.exposure"][0].maximum == 2  # the group's row, over "*"
    assert anyone.limits["Query.exposure"][0].maximum == 1


async def test_an_exposure_deeper_than_the_purpose_allows_is_forbidden_naming_both(
    client: HubClient, graph: Driver
) -> None:
    refused = await depth(client, "LICENSING", 2)

    assert refused["data"] is None
    assert codes(refused) == ["FORBIDDEN"]
    assert refused["errors"][0]["message"] == (  # type: ignore[index]
        "Query.exposure: depth 2 is beyond the limit 1 for purpose LICENSING (policies/limits.csv)"
    )
    [event] = audit_events(graph)
    assert (event["decision"], event["denied"]) == ("DENIED", ["Query.exposure.depth"])
    assert event["x_round_trips"] == 0  # refused before anything is read
    assert event.get("subjects", []) == []


async def test_within_the_limit_the_walk_is_answered(client: HubClient) -> None:
    answers = [
        await depth(client, "LICENSING", 1),
        await depth(client, "SUPERVISION", 2),
        await depth(client, "ENFORCEMENT", 3),
    ]
    assert [a["data"] for a in answers] == [
        {"exposure": {"depth": 1}},
        {"exposure": {"depth": 2}},
        {"exposure": {"depth": 3}},
    ]
    assert codes(await depth(client, "SUPERVISION", 3)) == ["FORBIDDEN"]


async def test_the_default_depth_counts_as_asked(client: HubClient) -> None:
    # exposure's depth defaults to 2: for a licensing purpose ask for 1 explicitly
    result = await client.ask(
        '{ exposure(subject: {uscc: "%s"}) { depth } }' % ACME, purpose="LICENSING"
    )
    assert codes(result) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("GOSSIP, Query.exposure, depth, 2", "unknown purpose 'GOSSIP'"),
        ("LICENSING, Query.exposure, hops, 2", "'Query.exposure.hops' is no whole-number"),
        ("LICENSING, Query.check, subject, 2", "'Query.check.subject' is no whole-number"),
        ("LICENSING, Query.exposure, depth, 0", "the maximum must be a whole number of at least"),
        ("LICENSING, Query.exposure, depth, 2", "a second limit on 'Query.exposure.depth'"),
    ],
)
def test_lint_names_the_bad_limit(row: str, message: str) -> None:
    texts = read_policy_texts()
    texts["limits.csv"] += "\n" + row + "\n"
    problems = [str(p) for p in lint(texts, SURFACE)]
    assert len(problems) == 1
    assert problems[0].startswith("limits.csv")
    assert message in problems[0]


async def test_a_limit_change_applies_without_restart(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    directory = tmp_path / "policies"
    shutil.copytree(policy_dir(), directory)
    changed = Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": settings.neo4j_uri,
            "CREDIT_HUB_DATA_DIR": str(settings.data_dir),
            "CREDIT_HUB_POLICY_DIR": str(directory),
        }
    )
    async with hub_client(changed) as client:
        before = await depth(client, "LICENSING", 2)
        limits = directory / "limits.csv"
        limits.write_text(limits.read_text().replace("LICENSING, Query.exposure, depth, 1", ""))
        client.policy_files_changed()
        after = await depth(client, "LICENSING", 2)  # now the agencies' default, 2
    assert codes(before) == ["FORBIDDEN"]
    assert after["data"] == {"exposure": {"depth": 2}}
    versions = {e["policy_version"] for e in audit_events(graph) if e.get("policy_version")}
    assert len(versions) == 2
