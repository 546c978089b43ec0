"""The hub as a Federation v2 subgraph, checked with third-party tooling (docs/federation.md).

* ``schema/schema.graphql`` is what ``credit-hub schema print`` and ``_service { sdl }`` give.
* It composes with a court subgraph (tests/federation/court.graphql) under
  ``@theguild/federation-composition``; composition errors fail.
* Behind Hive Gateway (``@graphql-hive/gateway-runtime``), queries joining the hub and the court
  get the hub's own authorization, masking and audit: the gateway forwards the bearer token and
  X-Purpose, and the hub decides.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver

from graph.local import credentials_for
from hub.cli import main as cli
from hub.federation.subgraph import COMMITTED, subgraph_sdl
from hub.importing.run import import_file
from hub.settings import Settings
from tests.support.fedtest import FEDERATION, run_node, serve_hub, serve_stack
from tests.support.hubtest import ACME, DATA, TRADING, ZHANG_SAN, audit_events, hub_client, token

COURT_URL = "http://127.0.0.1:4002/graphql"
CHAOYANG = "北京市朝阳区人民法院"
MASKED = ZHANG_SAN[:6] + "*" * 12  # region only (policies/masking.csv, attack class 3)


# --- the printed schema ------------------------------------------------------------------


def test_committed_schema_is_the_printed_one() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == subgraph_sdl(), (
        "schema/schema.graphql is stale: run .venv/bin/credit-hub schema print "
        "-o schema/schema.graphql and commit it"
    )


def test_schema_print_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert cli.main(["schema", "print"]) == 0
    assert capsys.readouterr().out == subgraph_sdl()
    out = tmp_path / "sdl.graphql"
    assert cli.main(["schema", "print", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == subgraph_sdl()


def test_printed_schema_is_a_federation_subgraph() -> None:
    sdl = subgraph_sdl()
    assert '@link(url: "https://specs.apollo.dev/federation/v2.' in sdl
    assert 'type Enterprise @key(fields: "uscc")' in sdl
    assert 'type Person @key(fields: "id")' in sdl


async def test_service_sdl_for_admins_only(settings: Settings, graph: Driver) -> None:
    async with hub_client(settings) as hub:
        admin = await hub.ask("{ _service { sdl } }", role="admin", purpose=None)
        assert admin["data"]["_service"]["sdl"] + "\n" == COMMITTED.read_text(encoding="utf-8")
        analyst = await hub.ask("{ _service { sdl } }")
        assert analyst["data"] is None
        assert analyst["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- composition -------------------------------------------------------------------------


def _compose(*subgraphs: tuple[str, Path, str]) -> Any:
    return run_node("compose.mjs", *(f"{name}={sdl}={url}" for name, sdl, url in subgraphs))


def test_composes_with_the_court_subgraph() -> None:
    result = _compose(
        ("hub", COMMITTED, "http://127.0.0.1:4001/graphql"),
        ("court", FEDERATION / "court.graphql", COURT_URL),
    )
    assert result.returncode == 0, result.stderr
    supergraph = result.stdout
    assert '@join__graph(name: "hub", url: "http://127.0.0.1:4001/graphql")' in supergraph
    assert '@join__graph(name: "court", url: "' + COURT_URL + '")' in supergraph
    # Enterprise is an entity of both subgraphs, joined by the USCC.
    assert (
        'type Enterprise @join__type(graph: COURT, key: "uscc") '
        '@join__type(graph: HUB, key: "uscc")' in supergraph
    )
    assert "enforcementCases: [EnforcementCase!]! @join__field(graph: COURT)" in supergraph
    # The hub's auth directives reach the supergraph, for a router to filter at the edge.
    assert '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)' in supergraph
    assert '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)' in supergraph
    assert (
        "): AccessRecordConnection! @join__field(graph: HUB) @authenticated "
        '@requiresScopes(scopes: [["data_subject"]])' in supergraph
    )  # Query.myAccessHistory


def test_composition_errors_fail(tmp_path: Path) -> None:
    # A court that redefines the hub's Enterprise.name with another type does not compose.
    broken = tmp_path / "broken.graphql"
    broken.write_text(
        (FEDERATION / "court.graphql")
        .read_text(encoding="utf-8")
        .replace("  uscc: String!\n", "  uscc: String!\n  name: Int\n", 1),
        encoding="utf-8",
    )
    result = _compose(
        ("hub", COMMITTED, "http://127.0.0.1:4001/graphql"),
        ("court", broken, COURT_URL),
    )
    assert result.returncode == 1
    assert "Enterprise.name" in result.stderr


# --- behind a real gateway ---------------------------------------------------------------


@dataclass(frozen=True)
class Gateway:
    url: str
    court: str
    settings: Settings
    hub: str


@pytest.fixture(scope="module")
def gateway(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    # The same settings as conftest's ``settings`` (same keys), for the whole module: the hub,
    # the court and the gateway start once; the graph is loaded once and only read.
    settings = Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": neo4j_uri,
            "CREDIT_HUB_DATA_DIR": str(tmp_path_factory.getbasetemp() / "hub-data"),
        }
    )
    from neo4j import GraphDatabase

    with GraphDatabase.driver(neo4j_uri, auth=credentials_for(neo4j_uri)) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    import_file(settings, DATA / "small_city.jsonl")
    token(settings, "admin")  # create the signing key before the hub reads it
    with serve_hub(settings) as hub, serve_stack(COMMITTED, hub.url) as stack:
        yield Gateway(stack["gateway"], stack["court"], settings, hub.url)


def _ask(
    gateway: Gateway,
    query: str,
    *,
    role: str | None = "agency_analyst",
    purpose: str | None = "LICENSING",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    sent = dict(headers or {})
    if role is not None:
        sent["Authorization"] = f"Bearer {token(gateway.settings, role)}"
    if purpose is not None:
        sent["X-Purpose"] = purpose
    response = httpx.post(gateway.url, json={"query": query}, headers=sent, timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


ENTERPRISE_WITH_CASES = (
    '{ enterprise(uscc: "%s") { name legalRepresentative { idNumber name } '
    "enforcementCases { caseNumber performance } } }" % ACME
)
CASES_WITH_SUBJECTS = (
    '{ enforcementCases(court: "%s") { caseNumber subject { uscc name '
    "legalRepresentative { idNumber } } } }" % CHAOYANG
)


def test_gateway_joins_hub_to_court_with_the_hubs_masking(
    gateway: Gateway,
) -> None:
    body = _ask(gateway, ENTERPRISE_WITH_CASES)
    assert "errors" not in body, body
    enterprise = body["data"]["enterprise"]
    assert enterprise["name"] == "某某科技有限公司"
    assert enterprise["legalRepresentative"]["idNumber"] == MASKED
    assert [c["caseNumber"] for c in enterprise["enforcementCases"]] == [
        "(2023)京0105执1234号",
        "(2024)京0105执88号",
    ]


def test_gateway_forwards_the_purpose(gateway: Gateway) -> None:
    # ENFORCEMENT shows agency analysts the identity number in clear; LICENSING masks it.
    body = _ask(gateway, ENTERPRISE_WITH_CASES, purpose="ENFORCEMENT")
    assert body["data"]["enterprise"]["legalRepresentative"]["idNumber"] == ZHANG_SAN
    # No purpose: the hub refuses personal data (and the gateway still answers the court part).
    body = _ask(gateway, ENTERPRISE_WITH_CASES, purpose=None)
    assert body["data"] is None or body["data"]["enterprise"] is None
    assert "FORBIDDEN" in _codes(body)


def test_gateway_joins_court_to_hub_through_entities(gateway: Gateway) -> None:
    body = _ask(gateway, CASES_WITH_SUBJECTS)
    assert "errors" not in body, body
    cases = body["data"]["enforcementCases"]
    assert [c["caseNumber"] for c in cases] == ["(2024)京0105执88号", "(2023)京0105执1234号"]
    for case in cases:
        assert case["subject"]["uscc"] == ACME
        assert case["subject"]["name"] == "某某科技有限公司"
        assert case["subject"]["legalRepresentative"]["idNumber"] == MASKED


def test_bank_officer_may_not_resolve_entities_behind_the_gateway(
    gateway: Gateway,
) -> None:
    query = '{ enforcementCases(court: "%s") { caseNumber subject { name } } }' % CHAOYANG
    body = _ask(gateway, query, role="bank_officer", purpose="LOAN_APPROVAL")
    assert "FORBIDDEN" in _codes(body), body
    cases = (body.get("data") or {}).get("enforcementCases") or []
    assert all(case is None or case["subject"] is None for case in cases), body
    assert "某某科技有限公司" not in str(body)
    # Nor by the hub's own root field: a bank never browses (scoped checks only, issue 5).
    body = _ask(
        gateway,
        '{ enterprise(uscc: "%s") { name enforcementCases { caseNumber } } }' % TRADING,
        role="bank_officer",
        purpose="LOAN_APPROVAL",
    )
    assert _codes(body) == ["FORBIDDEN"], body
    assert (body.get("data") or {}).get("enterprise") is None
    assert "某某贸易有限公司" not in str(body)


def test_without_a_token_the_hub_answers_nothing(gateway: Gateway) -> None:
    url = gateway.url
    response = httpx.post(url, json={"query": ENTERPRISE_WITH_CASES}, timeout=30)
    body = response.json()
    assert "某某科技有限公司" not in response.text
    assert (body.get("data") or {}).get("enterprise") is None
    assert _codes(body) == ["UNAUTHENTICATED"], body
    # A forged header is not a credential: the hub trusts the token only.
    response = httpx.post(
        url,
        json={"query": ENTERPRISE_WITH_CASES},
        headers={"Authorization": "Bearer not-a-token", "X-Purpose": "ENFORCEMENT"},
        timeout=30,
    )
    assert "某某科技有限公司" not in response.text
    assert ZHANG_SAN not in response.text
    assert _codes(response.json()) == ["UNAUTHENTICATED"]


def test_requests_through_the_gateway_are_audited(gateway: Gateway) -> None:
    settings = gateway.settings
    _ask(gateway, CASES_WITH_SUBJECTS, purpose="SUPERVISION")
    from neo4j import GraphDatabase

    uri = settings.neo4j_uri
    with GraphDatabase.driver(uri, auth=credentials_for(uri)) as driver:
        events = audit_events(driver)
    ours = [e for e in events if e.get("purpose") == "SUPERVISION"]
    assert ours, "the hub wrote no audit record for the gateway's request"
    last = ours[-1]
    assert last["user"] == "agency_analyst-tester"
    assert "Query._entities" in list(last["operations"])
    assert last["client"] == "127.0.0.1"


def test_the_callers_credentials_never_reach_the_court(gateway: Gateway) -> None:
    _ask(gateway, ENTERPRISE_WITH_CASES)
    _ask(gateway, CASES_WITH_SUBJECTS)
    seen = httpx.get(gateway.court.replace("/graphql", "/seen-headers"), timeout=10).json()
    assert seen, "the court subgraph was never asked"
    assert not [h for h in seen if "authorization" in h or "x-purpose" in h], seen


# --- the policy enforced at the edge (docs/federation.md, "Edge directives") ----------------


@pytest.fixture(scope="module")
def edge(gateway: Gateway) -> Iterator[Gateway]:
    """A second Hive Gateway over the same hub that enforces the SDL's @authenticated and
    @requiresScopes, with scopes from tokens it verifies itself (tests/federation/edge.mjs)."""
    with serve_stack(COMMITTED, gateway.hub, edge=gateway.settings) as stack:
        yield Gateway(stack["gateway"], stack["court"], gateway.settings, gateway.hub)


def _post(gateway: Gateway, query: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(gateway.url, json={"query": query}, headers=headers, timeout=30)


def _hub_requests(settings: Settings, user: str) -> int:
    from neo4j import GraphDatabase

    uri = settings.neo4j_uri
    with GraphDatabase.driver(uri, auth=credentials_for(uri)) as driver:
        return len([e for e in audit_events(driver) if e.get("user") == user])


def test_the_edge_lets_through_what_the_policy_grants_and_the_hub_still_masks(
    edge: Gateway,
) -> None:
    body = _ask(edge, ENTERPRISE_WITH_CASES)
    assert "errors" not in body, body
    assert body["data"]["enterprise"]["legalRepresentative"]["idNumber"] == MASKED


def test_the_edge_refuses_what_the_policy_does_not_grant_before_the_hub_hears_of_it(
    edge: Gateway,
) -> None:
    # Banks get scoped checks only: a bank officer asking for an enterprise is stopped at the
    # edge, and the hub never sees the request (no audit record of it).
    query = '{ enterprise(uscc: "%s") { name registeredOn } }' % ACME
    before = _hub_requests(edge.settings, "bank_officer-tester")
    headers = {
        "Authorization": f"Bearer {token(edge.settings, 'bank_officer')}",
        "X-Purpose": "LOAN_APPROVAL",
    }
    response = _post(edge, query, headers)
    assert response.status_code == 401  # the gateway's generic auth answers 401 for either
    body = response.json()
    assert body.get("data") is None, body
    assert _codes(body) == ["UNAUTHORIZED_FIELD_OR_TYPE"]
    assert body["errors"][0]["path"] == ["enterprise"]
    assert _hub_requests(edge.settings, "bank_officer-tester") == before
    # What the policy grants the bank passes the edge and is answered by the hub.
    allowed = _post(edge, '{ check(subject: {uscc: "%s"}) { verdict } }' % ACME, headers).json()
    assert allowed == {"data": {"check": {"verdict": "RESTRICTED"}}}
    assert _hub_requests(edge.settings, "bank_officer-tester") == before + 1


def test_the_edge_needs_a_purpose_where_the_policy_does(edge: Gateway) -> None:
    # An agency analyst may look enterprises up for an agency purpose only (AGENCY_PURPOSE).
    headers = {"Authorization": f"Bearer {token(edge.settings, 'agency_analyst')}"}
    response = _post(edge, '{ enterprise(uscc: "%s") { name } }' % ACME, headers)
    assert response.status_code == 401
    assert _codes(response.json()) == ["UNAUTHORIZED_FIELD_OR_TYPE"]


def test_the_edge_refuses_anonymous_and_forged_tokens_for_the_hubs_fields(edge: Gateway) -> None:
    forged = token(edge.settings, "agency_analyst")[:-4] + "AAAA"
    for headers in ({}, {"Authorization": f"Bearer {forged}", "X-Purpose": "ENFORCEMENT"}):
        body = _post(edge, ENTERPRISE_WITH_CASES, headers).json()
        assert body.get("data") is None, body
        assert "UNAUTHORIZED_FIELD_OR_TYPE" in _codes(body)
        assert "某某科技有限公司" not in str(body)


def test_the_court_alone_needs_no_scope_of_the_hub(edge: Gateway) -> None:
    # The court's own fields, and the entity key it shares, carry no hub requirement.
    query = '{ enforcementCases(court: "%s") { caseNumber subject { uscc } } }' % CHAOYANG
    body = _post(edge, query, {}).json()
    assert "errors" not in body, body
    assert [c["subject"]["uscc"] for c in body["data"]["enforcementCases"]] == [ACME, ACME]
