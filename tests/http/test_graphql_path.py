"""The backbone's GraphQL path, end to end over HTTP against the real Neo4j: authentication,
policy, masking, one Cypher round trip per root field, and an audit record for every request."""

from __future__ import annotations

from neo4j import Driver

from tests.support.hubtest import (
    ACME,
    LI_SI,
    TRADING,
    ZHANG_SAN,
    HubClient,
    audit_events,
    codes,
)

ENTERPRISE_QUERY = """
query Acme($uscc: String!) {
  enterprise(uscc: $uscc) {
    uscc name
    legalRepresentative { id name idNumber }
    roles { kind from to person { name idNumber } enterprise { name } }
    entries { id list status domain identifyingUnit identifiedOn validUntil }
  }
}
"""


async def test_enterprise_with_legal_representative_roles_and_entries_in_one_round_trip(
    client: HubClient, city: Driver
) -> None:
    result = await client.ask(ENTERPRISE_QUERY, variables={"uscc": ACME}, purpose="ENFORCEMENT")
    assert "errors" not in result
    enterprise = result["data"]["enterprise"]
    assert enterprise["uscc"] == ACME
    assert enterprise["name"] == "某某科技有限公司"
    assert enterprise["legalRepresentative"]["name"] == "张三"
    assert enterprise["legalRepresentative"]["idNumber"] == ZHANG_SAN
    roles = sorted(
        (r["kind"], r["from"], r["to"], r["person"]["name"]) for r in enterprise["roles"]
    )
    assert roles == [
        ("DIRECTOR", "2019-05-01", None, "王五"),
        ("LEGAL_REPRESENTATIVE", "2015-03-02", "2017-12-31", "李四"),
        ("LEGAL_REPRESENTATIVE", "2018-01-01", None, "张三"),
    ]
    assert enterprise["entries"] == [
        {
            "id": "E-2021-0001",
            "list": "BLACK",
            "status": "ACTIVE",
            "domain": "TAX",
            "identifyingUnit": "U-TAX",
            "identifiedOn": "2021-09-01",
            "validUntil": "2030-09-01",
        }
    ]
    [event] = audit_events(city)
    assert event["x_round_trips"] == 1


async def test_two_root_fields_make_two_round_trips_however_deep_the_selection(
    client: HubClient, city: Driver
) -> None:
    query = """{
      a: enterprise(uscc: "%s") { roles { person { roles { enterprise { entries { id } } } } } }
      b: person(idNumber: "%s") { roles { enterprise { legalRepresentative { name } } } }
    }""" % (ACME, ZHANG_SAN)
    result = await client.ask(query, purpose="ENFORCEMENT")
    assert "errors" not in result
    [event] = audit_events(city)
    assert event["x_round_trips"] == 2


async def test_legal_representative_is_the_person_holding_the_role_today(
    client: HubClient,
) -> None:
    result = await client.ask('{ enterprise(uscc: "%s") { legalRepresentative { name } } }' % ACME)
    assert result["data"]["enterprise"]["legalRepresentative"] == {"name": "张三"}


async def test_a_bank_officer_never_browses_persons_or_enterprises(
    client: HubClient, city: Driver
) -> None:
    # DESIGN.md roles: a bank's scoped checks only (check/checkMany), no look-ups, no graph.
    result = await client.ask(
        '{ person(idNumber: "%s") { name idNumber } enterprise(uscc: "%s") { name } }'
        % (ZHANG_SAN, ACME),
        role="bank_officer",
        purpose="LOAN_APPROVAL",
    )
    assert result["data"] == {"person": None, "enterprise": None}
    assert codes(result) == ["FORBIDDEN", "FORBIDDEN"]
    [event] = audit_events(city)
    assert event["decision"] == "DENIED"
    assert event["denied"] == ["Query.enterprise", "Query.person"]
    assert event.get("subjects", []) == []


async def test_agency_analyst_sees_identity_numbers_masked_unless_the_purpose_allows(
    client: HubClient,
) -> None:
    query = '{ person(idNumber: "%s") { idNumber } }' % LI_SI
    licensing = await client.ask(query, purpose="LICENSING")
    enforcement = await client.ask(query, purpose="ENFORCEMENT")
    assert licensing["data"]["person"]["idNumber"] == "110105************"
    assert enforcement["data"]["person"]["idNumber"] == LI_SI


async def test_a_field_the_policy_does_not_grant_is_null_with_forbidden_and_the_rest_answers(
    client: HubClient, city: Driver
) -> None:
    # the public's policy grants published list status, not registration details: default deny.
    result = await client.ask(
        '{ enterprise(uscc: "%s") { name registeredOn } }' % ACME, role="public", purpose=None
    )
    assert result["data"] == {"enterprise": {"name": "某某科技有限公司", "registeredOn": None}}
    assert codes(result) == ["FORBIDDEN"]
    assert result["errors"][0]["path"] == ["enterprise", "registeredOn"]
    [event] = audit_events(city)
    assert event["denied"] == ["Enterprise.registeredOn"]
    assert event["decision"] == "PARTIAL"


async def test_a_denied_non_null_field_nulls_its_parent_as_graphql_requires(
    client: HubClient, city: Driver
) -> None:
    result = await client.ask(
        '{ enterprise(uscc: "%s") { name roles { kind } } }' % ACME, role="public", purpose=None
    )
    assert result["data"] == {"enterprise": None}
    assert codes(result) == ["FORBIDDEN"]
    assert result["errors"][0]["path"] == ["enterprise", "roles"]
    [event] = audit_events(city)
    assert event["denied"] == ["Enterprise.roles"]


async def test_personal_data_without_a_declared_purpose_is_refused(
    client: HubClient, city: Driver
) -> None:
    result = await client.ask('{ person(idNumber: "%s") { name } }' % ZHANG_SAN, purpose=None)
    assert result["data"] == {"person": None}
    assert codes(result) == ["FORBIDDEN"]
    [event] = audit_events(city)
    assert event["decision"] == "DENIED"
    assert event["denied"] == ["Query.person"]
    assert event.get("subjects", []) == []


async def test_unknown_purpose_is_bad_input_naming_the_header(client: HubClient) -> None:
    response = await client.post('{ enterprise(uscc: "%s") { name } }' % ACME, purpose="CURIOSITY")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert error["message"].startswith("X-Purpose: unknown purpose 'CURIOSITY'")


async def test_privacy_officer_never_sees_subjects_personal_data(client: HubClient) -> None:
    result = await client.ask(
        '{ person(idNumber: "%s") { name idNumber } }' % ZHANG_SAN,
        role="privacy_officer",
        purpose="ACCESS_AUDIT",
    )
    assert result["data"] == {"person": None}
    assert codes(result) == ["FORBIDDEN"]


async def test_aliases_and_fragments_get_the_same_masking(client: HubClient) -> None:
    query = (
        """
    query { p: person(idNumber: "%s") { ...who again: idNumber ... on Person { third: idNumber } } }
    fragment who on Person { idNumber }
    """
        % ZHANG_SAN
    )
    result = await client.ask(query, role="agency_analyst", purpose="LICENSING")
    assert result["data"]["p"] == {
        "idNumber": "110105************",
        "again": "110105************",
        "third": "110105************",
    }


async def test_the_audit_record_names_subjects_and_masked_fields(
    client: HubClient, city: Driver
) -> None:
    await client.ask(
        '{ enterprise(uscc: "%s") { name legalRepresentative { idNumber } } }' % ACME,
        role="agency_analyst",
        purpose="LICENSING",
    )
    [event] = audit_events(city)
    person_id = event["subjects"][1].split(":", 1)[1]
    assert event["subjects"] == [f"Enterprise:{ACME}", f"Person:{person_id}"]
    assert event["masked"] == ["Person.idNumber"]
    assert event["roles"] == ["agency_analyst"]
    assert event["unit"] == "U-TAX"
    assert event["purpose"] == "LICENSING"
    assert event["operations"] == ["Query.enterprise"]
    assert event["decision"] == "ALLOWED"
    assert len(event["query_hash"]) == 64
    assert event["policy_version"]
    assert event["client"] == "127.0.0.1"
    assert ZHANG_SAN not in str(event)


async def test_federation_entities_answer_in_one_round_trip_with_the_same_decisions(
    client: HubClient, city: Driver
) -> None:
    person = await client.ask('{ person(idNumber: "%s") { id } }' % ZHANG_SAN)
    person_id = person["data"]["person"]["id"]
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Enterprise { uscc enterpriseName: name }
        ... on Person { name idNumber }
    } }"""
    representations = [
        {"__typename": "Person", "id": person_id},
        {"__typename": "Enterprise", "uscc": TRADING},
        {"__typename": "Person", "id": "P-guessed-does-not-exist"},
    ]
    result = await client.ask(query, variables={"r": representations})
    assert result["data"]["_entities"] == [
        {"name": "张三", "idNumber": "110105************"},
        {"uscc": TRADING, "enterpriseName": "某某贸易有限公司"},
        None,
    ]
    assert audit_events(city)[-1]["x_round_trips"] == 1


async def test_bank_officer_may_not_resolve_entities(client: HubClient) -> None:
    query = (
        '{ _entities(representations: [{__typename: "Enterprise", uscc: "%s"}]) { __typename } }'
        % ACME
    )
    result = await client.ask(query, role="bank_officer", purpose="LOAN_APPROVAL")
    assert codes(result) == ["FORBIDDEN"]


async def test_enterprise_not_found_is_null(client: HubClient) -> None:
    result = await client.ask('{ enterprise(uscc: "91440300MA5EXAMPLA") { name } }')
    assert result == {"data": {"enterprise": None}}


async def test_an_invalid_uscc_is_bad_input_naming_the_rule(client: HubClient) -> None:
    result = await client.ask('{ enterprise(uscc: "91110000600037341X") { name } }')
    assert codes(result) == ["BAD_INPUT"]
    assert result["errors"][0]["message"].startswith("uscc: not a unified social credit code")


async def test_cypher_injection_through_an_argument_is_just_bad_input(
    client: HubClient, city: Driver
) -> None:
    result = await client.ask(
        """{ enterprise(uscc: "x'}) MATCH (n) DETACH DELETE n //") { name } }"""
    )
    assert codes(result) == ["BAD_INPUT"]
    count, _, _ = city.execute_query("MATCH (e:Enterprise) RETURN count(e) AS n", database_="neo4j")
    assert count[0]["n"] == 2


async def test_introspection_is_off_for_everyone_but_admin(client: HubClient) -> None:
    analyst = await client.ask("{ __schema { types { name } } }")
    assert analyst["data"] is None
    assert set(codes(analyst)) == {"BAD_INPUT"}
    assert "introspection has been disabled" in analyst["errors"][0]["message"]
    admin = await client.ask("{ __schema { queryType { name } } }", role="admin", purpose=None)
    assert admin["data"] == {"__schema": {"queryType": {"name": "Query"}}}


async def test_field_suggestions_are_not_offered_to_non_admins(client: HubClient) -> None:
    result = await client.ask('{ enterprise(uscc: "%s") { nam } }' % ACME)
    assert codes(result) == ["BAD_INPUT"]
    assert "Did you mean" not in result["errors"][0]["message"]


async def test_queries_deeper_than_the_limit_are_refused(client: HubClient) -> None:
    nested = "roles { person { roles { enterprise { roles { person { roles { enterprise { name"
    deep = '{ enterprise(uscc: "%s") { %s } } } } } } } } } }' % (ACME, nested)
    result = await client.ask(deep)
    assert set(codes(result)) == {"BAD_INPUT"}
    assert any("exceeds maximum operation depth" in e["message"] for e in result["errors"])


async def test_an_identity_number_with_an_unknown_area_code_is_bad_input(client: HubClient) -> None:
    result = await client.ask('{ person(idNumber: "110001198001010015") { name } }')
    assert codes(result) == ["BAD_INPUT"]
    assert result["errors"][0]["message"] == (
        "idNumber: not a resident identity number (GB 11643): unknown area code"
    )


async def test_a_query_over_the_cost_limit_is_refused_before_it_runs(
    client: HubClient, city: Driver
) -> None:
    # Within depth 8 and 30 aliases, but each list level multiplies what it selects by 10.
    wide = " ".join(
        f'a{i}: enterprise(uscc: "%s") {{ roles {{ person {{ roles {{ enterprise {{ '
        f"entries {{ id list status domain }} }} }} }} }} }}" % ACME
        for i in range(20)
    )
    result = await client.ask("{ %s }" % wide)
    assert result["data"] is None
    assert [e["message"].split(" exceeds")[0][:10] for e in result["errors"]] == ["query cost"], (
        result
    )
    assert audit_events(city)[-1].get("x_round_trips", 0) == 0
