"""Queryable (R23, 查询使用登记和审查): privacy officers read the log and access histories, and a
data subject reads who looked them up — one Cypher round trip per root field, through the
same policy decisions and masks as every other answer."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver

from hub.audit.subjects import subject_claim
from hub.keys.crypto import FieldCipher, load_keyring
from hub.keys.signing import mint_token
from hub.settings import Settings
from tests.support.audittest import run
from tests.support.hubtest import (
    ACME,
    LI_SI,
    ZHANG_SAN,
    HubClient,
    audit_events,
    codes,
)

ENTERPRISE = '{ enterprise(uscc: "%s") { name } }' % ACME
PERSON = "query($n: String!) { person(idNumber: $n) { name } }"
BANK_CHECK = "query($n: String!) { check(subject: {idNumber: $n}) { verdict } }"
EVENTS = """query($first: Int!, $after: String, $unit: String, $decision: String,
  $operation: String, $subject: SubjectInput, $from: DateTime) {
  auditEvents(first: $first, after: $after, unit: $unit, decision: $decision,
              operation: $operation, subject: $subject, from: $from) {
    nodes { seq user unit roles purpose operations subjects decision }
    pageInfo { hasNextPage endCursor }
  }
}"""
HISTORY = """query($subject: SubjectInput!) {
  accessHistory(subject: $subject) { nodes { unit roles user purpose operations decision } }
}"""


def _token(settings: Settings, role: str, unit: str, subject: str | None = None) -> str:
    return mint_token(
        settings.keys_dir,
        roles=[role],
        unit=unit,
        subject=subject or f"{role}@{unit}",
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=600,
    )


def _as(settings: Settings, role: str, unit: str, subject: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(settings, role, unit, subject)}"}


@pytest.fixture
async def client(client: HubClient, settings: Settings) -> HubClient:
    """The shared client (tests/conftest.py) after three enterprise look-ups and one person
    look-up by U-TAX's analyst (seq 1-4), one check of a person by a bank (seq 5), and one
    FORBIDDEN person look-up without a purpose (seq 6)."""
    for _ in range(3):
        await client.ask(ENTERPRISE)
    await client.ask(PERSON, variables={"n": ZHANG_SAN})
    bank = _as(settings, "bank_officer", "U-BANK")
    await client.ask(BANK_CHECK, variables={"n": LI_SI}, headers=bank, purpose="LOAN_APPROVAL")
    await client.ask(PERSON, variables={"n": ZHANG_SAN}, purpose=None)
    return client


async def _officer(
    client: HubClient, query: str, purpose: str | None = None, **variables: Any
) -> dict[str, Any]:
    return await client.ask(query, role="privacy_officer", purpose=purpose, variables=variables)


async def test_audit_events_come_newest_first_in_pages(client: HubClient) -> None:
    pages: list[list[int]] = []
    after = None
    while True:
        result = await _officer(client, EVENTS, first=4, after=after)
        connection = result["data"]["auditEvents"]
        pages.append([node["seq"] for node in connection["nodes"]])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert pages == [[6, 5, 4, 3], [2, 1]]


async def test_a_filter_copy_edited_in_neo4j_finds_the_record_but_shows_the_record_itself(
    client: HubClient, graph: Driver
) -> None:
    # The stored form (docs/audit.md): filters use the copies, shown fields come from
    # ``record``; ``audit verify`` names the edit (tests/audit/test_stored_form.py).
    run(graph, "MATCH (a:AuditEvent {seq: 2}) SET a.unit = 'U-ELSEWHERE'")
    result = await _officer(client, EVENTS, first=50, unit="U-ELSEWHERE")
    nodes = result["data"]["auditEvents"]["nodes"]
    assert [(node["seq"], node["unit"], node["decision"]) for node in nodes] == [
        (2, "U-TAX", "ALLOWED")
    ]


async def test_audit_events_filter_by_unit_decision_operation_and_time(
    client: HubClient,
) -> None:
    async def seqs(**filters: Any) -> list[int]:
        result = await _officer(client, EVENTS, first=50, **filters)
        return [node["seq"] for node in result["data"]["auditEvents"]["nodes"]]

    assert await seqs(unit="U-BANK") == [5]
    assert await seqs(decision="DENIED") == [6]
    assert await seqs(operation="Query.person", unit="U-TAX") == [6, 4]
    assert await seqs(**{"from": "2999-01-01T00:00:00+08:00"}) == []


async def test_audit_events_filter_by_subject(client: HubClient, graph: Driver) -> None:
    by_uscc = await _officer(client, EVENTS, first=50, subject={"uscc": ACME})
    by_person = await _officer(client, EVENTS, first=50, subject={"idNumber": LI_SI})
    assert [n["seq"] for n in by_uscc["data"]["auditEvents"]["nodes"]] == [3, 2, 1]
    [li_si] = by_person["data"]["auditEvents"]["nodes"]
    [row] = run(graph, "MATCH (p:Person {name: '李四'}) RETURN p.id AS id")
    assert (li_si["seq"], li_si["unit"], li_si["subjects"]) == (
        5,
        "U-BANK",
        [f"Person:{row['id']}"],
    )


async def test_users_are_pseudonymous_to_an_officer_unless_the_purpose_is_an_audit(
    client: HubClient,
) -> None:
    routine = await _officer(client, EVENTS, first=1, unit="U-BANK")
    audit = await _officer(client, EVENTS, purpose="ACCESS_AUDIT", first=1, unit="U-BANK")
    pseudonym = routine["data"]["auditEvents"]["nodes"][0]["user"]
    assert len(pseudonym) == 24 and pseudonym != "bank_officer@U-BANK"
    assert audit["data"]["auditEvents"]["nodes"][0]["user"] == "bank_officer@U-BANK"


async def test_each_audit_root_field_is_one_round_trip_and_is_itself_audited(
    client: HubClient, graph: Driver
) -> None:
    await _officer(client, EVENTS, first=2)
    await _officer(client, HISTORY, subject={"idNumber": ZHANG_SAN})
    await _officer(client, "{ auditAnomalies { rule } }")
    officer = [e for e in audit_events(graph) if e["roles"] == ["privacy_officer"]]
    assert [(e["operations"], e["x_round_trips"]) for e in officer] == [
        (["Query.auditEvents"], 1),
        (["Query.accessHistory"], 1),
        (["Query.auditAnomalies"], 1),
    ]


async def test_access_history_shows_who_when_why_and_what(client: HubClient, graph: Driver) -> None:
    result = await _officer(
        client, HISTORY, purpose="ACCESS_AUDIT", subject={"idNumber": ZHANG_SAN}
    )
    assert result["data"]["accessHistory"]["nodes"] == [
        {
            "unit": "U-TAX",
            "roles": ["agency_analyst"],
            "user": "agency_analyst-tester",
            "purpose": "LICENSING",
            "operations": ["Query.person"],
            "decision": "ALLOWED",
        }
    ]
    [row] = run(graph, "MATCH (p:Person {name: '张三'}) RETURN p.id AS id")
    assert audit_events(graph)[-1]["subjects"] == [f"Person:{row['id']}"]


async def test_a_data_subject_sees_the_units_that_looked_them_up_but_not_the_persons(
    client: HubClient, settings: Settings
) -> None:
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=False))
    me = _as(
        settings, "data_subject", "SELF", subject_claim(cipher, id_number=ZHANG_SAN, uscc=None)
    )
    mine = "{ myAccessHistory { nodes { unit roles purpose operations } } }"
    result = await client.ask(mine, headers=me, purpose=None)
    assert result["data"]["myAccessHistory"]["nodes"] == [
        {
            "unit": "U-TAX",
            "roles": ["agency_analyst"],
            "purpose": "LICENSING",
            "operations": ["Query.person"],
        }
    ]
    asked = await client.ask(
        "{ myAccessHistory { nodes { unit user } } }", headers=me, purpose=None
    )
    assert asked["data"]["myAccessHistory"]["nodes"] == [{"unit": "U-TAX", "user": None}]
    assert codes(asked) == ["FORBIDDEN"]


async def test_an_enterprise_reads_its_own_history_with_an_enterprise_token(
    client: HubClient, settings: Settings
) -> None:
    me = _as(settings, "data_subject", "SELF", f"enterprise:{ACME}")
    result = await client.ask("{ myAccessHistory { nodes { unit } } }", headers=me, purpose=None)
    assert result["data"]["myAccessHistory"]["nodes"] == [{"unit": "U-TAX"}] * 3


async def test_the_self_service_role_reaches_its_own_history_only(
    client: HubClient, settings: Settings
) -> None:
    me = _as(settings, "data_subject", "SELF", f"enterprise:{ACME}")
    unbound = _as(settings, "data_subject", "SELF", "somebody")
    events = await client.ask("{ auditEvents { nodes { seq } } }", headers=me, purpose=None)
    history = await client.ask(
        '{ accessHistory(subject: {uscc: "%s"}) { nodes { unit } } }' % ACME,
        headers=me,
        purpose=None,
    )
    loose = await client.ask(
        "{ myAccessHistory { nodes { unit } } }", headers=unbound, purpose=None
    )
    officer = await client.ask(
        "{ myAccessHistory { nodes { unit } } }", role="privacy_officer", purpose=None
    )
    assert codes(events) == codes(history) == codes(officer) == ["FORBIDDEN"]
    assert loose["errors"][0]["message"] == "the token is not bound to a subject"


async def test_records_keep_identity_numbers_only_as_blind_indexes(
    client: HubClient, graph: Driver, settings: Settings
) -> None:
    await client.ask('{ person(idNumber: "%s") { name } }' % LI_SI)
    events = audit_events(graph)
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=False))
    token = "bidx:" + cipher.blind_index("Person.id_number", ZHANG_SAN)
    assert events[3]["variables"] == '{"literals":[],"variables":{"n":"%s"}}' % token
    literal = events[-1]
    assert LI_SI not in str(literal)
    assert literal["variables"] == '{"literals":[["idNumber","bidx:%s"]],"variables":{}}' % (
        cipher.blind_index("Person.id_number", LI_SI)
    )
    await client.ask('{ person(idNumber: "%s") { name } }' % ZHANG_SAN)
    assert audit_events(graph)[-1]["query_hash"] == literal["query_hash"]


async def test_a_cursor_the_api_did_not_give_is_bad_input(client: HubClient) -> None:
    result = await _officer(client, EVENTS, first=2, after="ae1.bm90LWEtY3Vyc29y")
    assert result["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    assert result["errors"][0]["message"] == "after: not a cursor this API returned"
