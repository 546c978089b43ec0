"""schemathesis fuzzes /graphql (every root field, generated arguments and selections) as
several roles; the hub never answers 500, and every error carries a public code.

Bounded: a few examples per operation and role, so `make test` stays quick.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from graphql import introspection_from_schema
from hypothesis import HealthCheck, settings

from graph.local import credentials_for
from hub.importing.run import import_file
from hub.settings import Settings
from schema.build import build_schema
from tests.support.fedtest import Served, serve_hub
from tests.support.hubtest import DATA, token

SCHEMA = schemathesis.graphql.from_dict(
    {"data": introspection_from_schema(build_schema(introspection=True)._schema)}
)
PUBLIC_CODES = {
    "UNAUTHENTICATED", "FORBIDDEN", "BAD_INPUT", "NOT_FOUND", "UNAVAILABLE", "INTERNAL",
    "RATE_LIMITED",
}  # fmt: skip
CALLERS = (
    ("agency_analyst", "ENFORCEMENT"),
    ("bank_officer", "LOAN_APPROVAL"),
    ("identifying_officer", None),
    ("privacy_officer", "ACCESS_AUDIT"),
)


@pytest.fixture(scope="module")
def served(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    hub_settings = Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": neo4j_uri,
            "CREDIT_HUB_DATA_DIR": str(tmp_path_factory.getbasetemp() / "hub-data"),
        }
    )
    from neo4j import GraphDatabase

    with GraphDatabase.driver(neo4j_uri, auth=credentials_for(neo4j_uri)) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    import_file(hub_settings, DATA / "small_city.jsonl")
    token(hub_settings, "admin")
    with serve_hub(hub_settings) as hub:
        hub.settings = hub_settings  # type: ignore[attr-defined]
        yield hub


@SCHEMA.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_generated_request_gets_a_500_or_a_private_error(
    case: schemathesis.Case, served: Served
) -> None:
    hub_settings: Settings = served.settings  # type: ignore[attr-defined]
    body = case.as_transport_kwargs(base_url=served.url)["json"]
    for role, purpose in CALLERS:
        headers = {"Authorization": f"Bearer {token(hub_settings, role)}"}
        if purpose:
            headers["X-Purpose"] = purpose
        response = httpx.post(served.url, json=body, headers=headers, timeout=30)
        assert response.status_code < 500, (role, body, response.text)
        for error in response.json().get("errors", []):
            assert error["extensions"]["code"] in PUBLIC_CODES, (role, body, error)
            assert error["extensions"]["code"] != "INTERNAL", (role, body, error)
