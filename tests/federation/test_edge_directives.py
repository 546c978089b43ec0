"""The subgraph SDL carries Federation auth directives derived from the policy (issue 7), so a
router can filter at the edge while the hub's own decisions stay the authority (R23).

Scopes: ``ROLE`` (any purpose) or ``ROLE/PURPOSE`` (that declared purpose); docs/federation.md.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    StringValueNode,
    parse,
)
from neo4j import Driver

from hub.cli import main as cli
from hub.federation.edge_scopes import caller_scopes, edge_scopes
from hub.federation.subgraph import COMMITTED, subgraph_sdl
from hub.policy.engine import Policy, policy_dir, read_policy_texts
from hub.policy.lint import MATRIX_UNIT
from hub.policy.roles import PURPOSES, ROLES
from hub.services import schema_surface
from hub.settings import Settings
from schema.build import build_schema
from tests.support.hubtest import hub_client

AGENCY = ["ENFORCEMENT", "LICENSING", "OBJECTION_REVIEW", "PROCUREMENT", "REGISTRATION"]
AGENCY_SCOPES = [f"agency_analyst/{p}" for p in (*AGENCY, "SUPERVISION")]
BANK_SCOPES = [
    f"bank_officer/{p}"
    for p in ("CREDIT_CARD_APPROVAL", "GUARANTEE_REVIEW", "LOAN_APPROVAL", "POST_LOAN_MANAGEMENT")
]


def _directives(sdl: str) -> dict[str, dict[str, list[list[str]] | None]]:
    """``Type.field`` → directive name → its scopes (None for a directive without them)."""
    found: dict[str, dict[str, list[list[str]] | None]] = {}
    document: DocumentNode = parse(sdl)
    for definition in document.definitions:
        if not isinstance(definition, ObjectTypeDefinitionNode):
            continue
        for field in definition.fields or ():
            applied: dict[str, list[list[str]] | None] = {}
            for directive in field.directives or ():
                scopes = None
                for argument in directive.arguments or ():
                    assert isinstance(argument.value, ListValueNode)
                    scopes = [
                        [v.value for v in inner.values if isinstance(v, StringValueNode)]
                        for inner in argument.value.values
                        if isinstance(inner, ListValueNode)
                    ]
                applied[directive.name.value] = scopes
            found[f"{definition.name.value}.{field.name.value}"] = applied
    return found


def _policy_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "policies"
    shutil.copytree(policy_dir(), directory)
    return directory


def _append_rule(directory: Path, rule: str) -> None:
    policy = directory / "policy.csv"
    policy.write_text(policy.read_text(encoding="utf-8") + f"\n{rule}\n", encoding="utf-8")


def test_every_field_says_who_may_reach_it() -> None:
    directives = _directives(COMMITTED.read_text(encoding="utf-8"))
    assert directives["Query.myAccessHistory"] == {
        "authenticated": None,
        "requiresScopes": [["data_subject"]],
    }
    assert directives["Mutation.raiseObjection"]["requiresScopes"] == [
        ["identifying_officer"],
        ["implementing_officer"],
    ]
    # Purpose-bound grants name the purposes of the group (AGENCY_PURPOSE, BANK_PURPOSE).
    assert directives["Query.enterprise"]["requiresScopes"] == [
        [s] for s in [*AGENCY_SCOPES, "public"]
    ]
    # Banks get scoped checks only (no browsing), so no bank scope reaches a person's fields.
    assert directives["Person.idNumber"]["requiresScopes"] == [[s] for s in AGENCY_SCOPES]
    assert directives["Query.check"]["requiresScopes"] is not None
    assert [s for [s] in directives["Query.check"]["requiresScopes"] if s in BANK_SCOPES] == list(
        BANK_SCOPES
    )
    # Every field of the hub's types and every root field: authenticated, and scoped.
    plumbing = {"Query._entities", "Query._service", "_Service.sdl"}
    keys = {"Enterprise.uscc", "Person.id"}
    for coordinate, applied in directives.items():
        if coordinate in plumbing or coordinate in keys:
            assert applied == {}, coordinate
        else:
            assert set(applied) == {"authenticated", "requiresScopes"}, coordinate


def test_the_link_imports_the_auth_directives() -> None:
    first_line = COMMITTED.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == (
        'schema @link(url: "https://specs.apollo.dev/federation/v2.9", '
        'import: ["@authenticated", "@key", "@requiresScopes"]) {'
    )


def test_the_edge_refuses_exactly_what_the_hub_refuses_for_one_role() -> None:
    # Superset by design (never refuses what the hub allows); with today's policy (no unit-
    # specific rules) it is exact for every single-role caller under every purpose.
    schema = build_schema(introspection=True)
    policy = Policy(read_policy_texts(), schema_surface(schema))
    scopes = edge_scopes(policy)
    mismatches = []
    for role in ROLES:
        for purpose in (None, *PURPOSES):
            held = caller_scopes([role], purpose)
            decisions = policy.decisions((role,), MATRIX_UNIT, purpose)
            for coordinate, alternatives in scopes.items():
                hub_allows = (
                    decisions.may(coordinate)
                    if coordinate in policy.surface.operations
                    else decisions.field(coordinate).allowed
                )
                if hub_allows != bool(held & set(alternatives)):
                    mismatches.append((role, purpose, coordinate, hub_allows))
    assert mismatches == []


def test_a_policy_change_changes_the_sdl(tmp_path: Path) -> None:
    directory = _policy_copy(tmp_path)
    _append_rule(directory, "p, privacy_officer, *, Query.enterprise, query, ACCESS_AUDIT, allow")
    _append_rule(directory, "p, public, *, Enterprise.name, read, *, deny")
    changed = _directives(subgraph_sdl(directory))
    assert changed["Query.enterprise"]["requiresScopes"] == [
        [s] for s in [*AGENCY_SCOPES, "privacy_officer/ACCESS_AUDIT", "public"]
    ]
    assert changed["Enterprise.name"]["requiresScopes"] == [[s] for s in AGENCY_SCOPES]
    unchanged = _directives(COMMITTED.read_text(encoding="utf-8"))
    assert {
        c: d for c, d in changed.items() if c not in ("Query.enterprise", "Enterprise.name")
    } == {c: d for c, d in unchanged.items() if c not in ("Query.enterprise", "Enterprise.name")}


def test_schema_print_uses_the_deployments_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _policy_copy(tmp_path)
    _append_rule(directory, "p, admin, *, Query.person, query, *, allow")
    monkeypatch.setenv("CREDIT_HUB_POLICY_DIR", str(directory))
    assert cli.main(["schema", "print"]) == 0
    printed = _directives(capsys.readouterr().out)
    assert printed["Query.person"]["requiresScopes"] == [
        ["admin"],
        *([s] for s in AGENCY_SCOPES),
    ]


async def test_service_sdl_follows_a_policy_reload(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    directory = _policy_copy(tmp_path)
    changed = Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": settings.neo4j_uri,
            "CREDIT_HUB_DATA_DIR": str(settings.data_dir),
            "CREDIT_HUB_POLICY_DIR": str(directory),
        }
    )
    query = "{ _service { sdl } }"
    async with hub_client(changed) as hub:
        before = await hub.ask(query, role="admin", purpose=None)
        _append_rule(directory, "p, data_subject, *, Query.entryHistory, query, *, allow")
        hub.policy_files_changed()
        after = await hub.ask(query, role="admin", purpose=None)
    assert before["data"]["_service"]["sdl"] + "\n" == COMMITTED.read_text(encoding="utf-8")
    history = _directives(after["data"]["_service"]["sdl"])["Query.entryHistory"]
    assert history["requiresScopes"] == [["data_subject"], ["identifying_officer"]]
