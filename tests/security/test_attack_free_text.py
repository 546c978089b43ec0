"""Attack class 5: clear personal data reaches Neo4j and the privacy officer through free text
(issue 12; R23: personal information only with permission and procedure).

Every free-text field of every mutation and import line type refuses personal data with
``BAD_INPUT`` naming the field (nothing is written, so nothing clear is stored); the audit
record still gets written, with the personal data in its variables, literals and operation
name sealed; ``AuditEvent.variables`` is shown only under ``ACCESS_AUDIT``, and
``auditEvents(user:)`` never ties a name to a pseudonym without it. Real hub, real Neo4j.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from hub.errors import ImportRejected
from hub.importing.run import import_file
from hub.keys.crypto import FieldCipher, load_keyring
from hub.settings import Settings
from hub.validation import free_text
from tests.support.hubtest import (
    ACME,
    ZHANG_SAN,
    HubClient,
    audit_events,
    codes,
    token,
)

# The personal data an officer might type, in the disguises of the issue: a valid identity
# number, one with a wrong check digit, full-width digits, spaces and dashes inside numbers,
# zero-width characters, +86, a landline, e-mail (full-width @ too), an individual business.
SAMPLES = {
    "id_valid": ("身份证号 11010519491231002X", "11010519491231002X"),
    "id_bad_check": ("证件 110105194912310021 有误", "110105194912310021"),
    "id_full_width": (
        "身份证１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２Ｘ",
    ),
    "id_spaced": ("ID 110105 1949 1231 002X", "110105 1949 1231 002X"),
    "id_first_generation": ("旧证 110105491231002", "110105491231002"),
    "mobile": ("联系电话13812345678", "13812345678"),
    "mobile_dashes": ("call 138-1234-5678", "138-1234-5678"),
    "mobile_full_width": ("电话：１３８　１２３４　５６７８", "１３８　１２３４　５６７８"),
    "mobile_plus86": ("+86 139 0000 1111", "139 0000 1111"),
    "mobile_zero_width": ("tel 138\u200b1234\u200b5678", "1234"),
    "landline": ("办公电话 (010) 6512-3456", "6512-3456"),
    "email": ("邮箱 zhang.san@example.com", "zhang.san@example.com"),
    "email_full_width": ("zhangsan＠example.cn", "zhangsan＠example.cn"),
    "individual_business": ("个体户 92110105MA01AB123C", "92110105MA01AB123C"),
}
PHONE_TEXT, PHONE = SAMPLES["mobile"]

IDENTIFYING = "identifying_officer"
# (mutation, role, the argument as the test sends it, the path of the free text in it)
STEP = "__typename"
MUTATIONS: list[tuple[str, str, str, str]] = [
    ("proposeEntry", IDENTIFYING, "entry: $v", "entry.legalBasis"),
    ("proposeEntry", IDENTIFYING, "entry: $v", "entry.repairMethod"),
    ("pushEntries", IDENTIFYING, "entries: $v", "entries[0].legalBasis"),
    ("startPublicNotice", IDENTIFYING, "input: $v", "input.note"),
    ("givePriorNotice", IDENTIFYING, "input: $v", "input.note"),
    ("confirmEntry", IDENTIFYING, "input: $v", "input.note"),
    ("raiseObjection", IDENTIFYING, "input: $v", "input.grounds"),
    ("raiseObjection", IDENTIFYING, "input: $v", "input.materials[1]"),
    ("raiseObjection", "implementing_officer", "input: $v", "input.note"),
    ("decideObjection", IDENTIFYING, "input: $v", "input.note"),
    ("decideObjection", IDENTIFYING, "input: $v", "input.correction.legalBasis"),
    ("applyForRepair", IDENTIFYING, "input: $v", "input.statement"),
    ("applyForRepair", IDENTIFYING, "input: $v", "input.materials[0]"),
    ("decideRepair", IDENTIFYING, "input: $v", "input.note"),
    ("exitEntry", IDENTIFYING, "input: $v", "input.note"),
    ("reportFeedback", "implementing_officer", "feedback: $v", "feedback.note"),
    ("registerUnit", "admin", "unit: $v", "unit.name"),
]
VARIABLE_TYPES = {
    "proposeEntry": "EntryProposalInput!",
    "pushEntries": "[EntryProposalInput!]!",
    "startPublicNotice": "PublicNoticeInput!",
    "givePriorNotice": "PriorNoticeInput!",
    "confirmEntry": "StepInput!",
    "raiseObjection": "ObjectionInput!",
    "decideObjection": "ObjectionDecisionInput!",
    "applyForRepair": "RepairApplicationInput!",
    "decideRepair": "RepairDecisionInput!",
    "exitEntry": "ExitInput!",
    "reportFeedback": "FeedbackInput!",
    "registerUnit": "UnitInput!",
}


def good_input(mutation: str) -> Any:
    """A well-formed argument for ``mutation`` (the entry it names need not exist: the bounds
    are checked before anything is read)."""
    entry = {
        "list": "BLACK",
        "subject": {"uscc": ACME},
        "domain": "TAX",
        "basis": 2,
        "identifiedOn": "2026-11-20",
        "validUntil": "2029-11-20",
        "repairable": True,
        "repairMethod": "补缴税款",
        "legalBasis": "《税收征收管理法》第六十三条",
        "watchMonthsAfterExit": 12,
    }
    step = {"entryId": "E-NONE", "note": "ok"}
    return {
        "proposeEntry": entry,
        "pushEntries": [entry],
        "startPublicNotice": {**step, "noticeUntil": "2026-12-20"},
        "givePriorNotice": step,
        "confirmEntry": step,
        "raiseObjection": {**step, "grounds": "登记有误", "materials": ["DOC-1", "DOC-2"]},
        "decideObjection": {
            "objectionId": "OBJ-NONE",
            "outcome": "UPHELD_CORRECT",
            "note": "ok",
            "correction": {"legalBasis": "《税收征收管理法》"},
        },
        "applyForRepair": {**step, "statement": "已补缴", "materials": ["DOC-1"]},
        "decideRepair": {"applicationId": "REP-NONE", "approve": True, "note": "ok"},
        "exitEntry": {**step, "reason": "STANDARD_CHANGED"},
        "reportFeedback": {
            "entryId": "E-NONE",
            "measureCode": "M-1",
            "outcome": "APPLIED",
            "note": "ok",
        },
        "registerUnit": {"code": "U-NEW", "name": "新单位", "kind": "AGENCY"},
    }[mutation]


def put(value: Any, path: str, text: str) -> Any:
    """``value`` with ``text`` at ``path`` (``input.materials[1]``; the first part names the
    argument)."""
    parts = path.replace("]", "").replace("[", ".").split(".")[1:]
    target = value
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    if last.isdigit():
        target[int(last)] = text
    else:
        target[last] = text
    return value


def document(mutation: str, argument: str) -> str:
    return f"mutation($v: {VARIABLE_TYPES[mutation]}) {{ {mutation}({argument}) {{ {STEP} }} }}"


async def as_role(
    client: HubClient, role: str, query: str, purpose: str | None = None, **variables: Any
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token(client.settings, role)}"}
    return await client.ask(query, variables=variables, headers=headers, purpose=purpose)


def graph_text(graph: Driver) -> str:
    """Every property of every node and relationship but the audit log's, as one string."""
    records, _, _ = graph.execute_query(
        "MATCH (n) WHERE NOT n:AuditEvent AND NOT n:AuditCheckpoint "
        "OPTIONAL MATCH (n)-[r]->() RETURN properties(n) AS n, collect(properties(r)) AS r",
        database_="neo4j",
    )
    return json.dumps([[r["n"], r["r"]] for r in records], ensure_ascii=False, default=str)


async def test_every_free_text_field_of_every_mutation_refuses_personal_data(
    client: HubClient, graph: Driver
) -> None:
    """Attack class 5, R23: a phone typed into any free-text field of any mutation is
    BAD_INPUT naming the field; nothing is written, and the audit record of the refusal holds
    it only sealed. (One hub for every field: the bounds are checked before anything is read.)"""
    before = graph_text(graph)
    for mutation, role, argument, path in MUTATIONS:
        value = put(good_input(mutation), path, PHONE_TEXT)
        result = await as_role(client, role, document(mutation, argument), v=value)
        assert codes(result) == ["BAD_INPUT"], (path, result)
        message = result["errors"][0]["message"]
        assert message.startswith(f"{path}: must not contain personal data (a phone number)")
        record = audit_events(graph)[-1]
        assert record["decision"] == "BAD_INPUT"
        assert PHONE not in json.dumps(record, ensure_ascii=False), path
        assert "[sealed:phone]" in record["variables"], path
    assert graph_text(graph) == before


async def test_objection_grounds_refuse_every_disguise_of_personal_data(
    client: HubClient, graph: Driver
) -> None:
    """Attack class 5: identity numbers (with or without a valid check digit, 15 digits),
    phones (full-width, spaced, dashed, +86, zero-width, landline), e-mail and individual
    businesses' codes are all found in a ground, and no Objection or Transition is made."""
    before = graph_text(graph)
    for sample, (text, clear) in sorted(SAMPLES.items()):
        value = put(good_input("raiseObjection"), "input.grounds", text)
        result = await as_role(
            client, IDENTIFYING, document("raiseObjection", "input: $v"), v=value
        )
        assert codes(result) == ["BAD_INPUT"], (sample, result)
        message = result["errors"][0]["message"]
        assert message.startswith("input.grounds: must not contain personal"), sample
        record = json.dumps(audit_events(graph)[-1], ensure_ascii=False)
        assert clear not in record, sample
    assert graph_text(graph) == before
    records, _, _ = graph.execute_query(
        "MATCH (n) WHERE n:Objection OR n:Transition RETURN count(n) AS n", database_="neo4j"
    )
    assert records[0]["n"] == 0


async def test_text_without_personal_data_is_accepted(client: HubClient, graph: Driver) -> None:
    """Attack class 5, the other side: document numbers, dates, entry ids and organisations'
    credit codes are not personal data; an entry's legal basis with them is stored."""
    entry = good_input("proposeEntry")
    entry["legalBasis"] = f"京税稽罚〔2021〕1234号，2021-05-10，E-2021-0001，{ACME}"
    result = await as_role(
        client,
        IDENTIFYING,
        "mutation($v: EntryProposalInput!) { proposeEntry(entry: $v) { __typename } }",
        v=entry,
    )
    assert result["data"]["proposeEntry"]["__typename"] == "EntriesProposed", result


async def test_audit_variables_literals_and_operation_name_are_sealed(
    client: HubClient, graph: Driver, settings: Settings
) -> None:
    """Attack class 5: personal data in variables nested in lists and objects, in object
    keys, in numbers, in query literals and in the operation name is sealed in the audit
    record (identity numbers as their blind index, so records about one person still match);
    the request itself is served and recorded."""
    query = (
        'query Ask_13812345678_11010519491231002X { enterprise(uscc: "%s") '
        "{ name } a: __typename b: __typename @include(if: true) }" % ACME
    )
    variables = {
        "nested": {
            "list": ["call 138 1234 5678", {"deep": ["身份证１１０１０５１９４９１２３１００２Ｘ"]}]
        },
        "mail": "x＠example.cn",
        "13912345678": 13700001111,
    }
    response = await client.http.post(
        "/graphql",
        json={
            "query": query,
            "variables": variables,
            "operationName": "Ask_13812345678_11010519491231002X",
        },
        headers={
            "Authorization": f"Bearer {token(client.settings, 'agency_analyst')}",
            "X-Purpose": "LICENSING",
        },
    )
    assert response.status_code == 200
    assert response.json()["data"]["enterprise"]["name"]
    record = audit_events(graph)[-1]
    text = json.dumps(record, ensure_ascii=False)
    for clear in (
        "13812345678",
        "1234 5678",
        "x＠example",
        "x@example",
        "13912345678",
        "13700001111",
    ):
        assert clear not in text, clear
    assert "1949" not in text and "１９４９" not in text
    cipher = FieldCipher(load_keyring(settings.keys_dir, create=False))
    bidx = "bidx:" + cipher.blind_index("Person.id_number", ZHANG_SAN)
    assert record["operation_name"] == "Ask_[sealed:phone]_[sealed:id_number]"
    sealed = json.loads(record["variables"])["variables"]
    assert sealed == {
        "mail": "[sealed:email]",
        "nested": {"list": ["call [sealed:phone]", {"deep": [f"身份证{bidx}"]}]},
        "[sealed:phone]": "[sealed:phone]",
    }


async def test_audit_variables_are_shown_only_under_access_audit(
    client: HubClient, graph: Driver
) -> None:
    """Attack class 5, R23: a privacy officer without ACCESS_AUDIT reads no variables (null);
    with ACCESS_AUDIT they are shown, sealed."""
    await client.ask(
        "query($n: String!) { person(idNumber: $n) { name } }", variables={"n": ZHANG_SAN}
    )
    asked = "{ auditEvents(first: 5) { nodes { operations variables } } }"
    routine = await client.ask(asked, role="privacy_officer", purpose=None)
    audit = await client.ask(asked, role="privacy_officer", purpose="ACCESS_AUDIT")
    person = [
        n for n in routine["data"]["auditEvents"]["nodes"] if n["operations"] == ["Query.person"]
    ]
    assert person and all(n["variables"] is None for n in person)
    shown = [
        n for n in audit["data"]["auditEvents"]["nodes"] if n["operations"] == ["Query.person"]
    ]
    assert shown and shown[0]["variables"].startswith('{"literals":[],"variables":{"n":"bidx:')
    admin = await client.ask(asked, role="admin", purpose=None)
    assert all(n["variables"] is None for n in admin["data"]["auditEvents"]["nodes"])


async def test_user_filter_does_not_tie_a_name_to_a_pseudonym(
    client: HubClient, graph: Driver
) -> None:
    """Attack class 5, R23: without ACCESS_AUDIT users are pseudonyms; filtering by a name
    would say which pseudonym is whose, so ``auditEvents(user:)`` is FORBIDDEN (and audited)
    then, and answers under ACCESS_AUDIT."""
    await client.ask('{ enterprise(uscc: "%s") { name } }' % ACME)
    asked = '{ auditEvents(user: "agency_analyst-tester") { nodes { user } } }'
    routine = await client.ask(asked, role="privacy_officer", purpose=None)
    assert codes(routine) == ["FORBIDDEN"]
    assert "ACCESS_AUDIT" in routine["errors"][0]["message"]
    assert "Query.auditEvents.user" in audit_events(graph)[-1]["denied"]
    audit = await client.ask(asked, role="privacy_officer", purpose="ACCESS_AUDIT")
    assert "errors" not in audit
    assert {n["user"] for n in audit["data"]["auditEvents"]["nodes"]} == {"agency_analyst-tester"}


IMPORT_TEXTS = [
    ('{"type":"unit","code":"U-X","name":"%s","kind":"AGENCY"}', "name"),
    ('{"type":"enterprise","uscc":"%s","name":"%%s"}' % ACME, "name"),
    ('{"type":"person","id_number":"%s","name":"%%s"}' % ZHANG_SAN, "name"),
    (
        '{"type":"entry","id":"E-X","list":"BLACK","subject":{"uscc":"%s"},"unit":"U-TAX",'
        '"domain":"TAX","basis":2,"identified_on":"2021-09-01","status":"ACTIVE",'
        '"repairable":true,"legal_basis":"%%s"}' % ACME,
        "legal_basis",
    ),
    (
        '{"type":"entry","id":"E-X","list":"BLACK","subject":{"uscc":"%s"},"unit":"U-TAX",'
        '"domain":"TAX","basis":2,"identified_on":"2021-09-01","status":"ACTIVE",'
        '"repairable":true,"repair_method":"%%s"}' % ACME,
        "repair_method",
    ),
]


@pytest.mark.parametrize(
    ("line", "field"), IMPORT_TEXTS, ids=[f"{i}:{f}" for i, (_, f) in enumerate(IMPORT_TEXTS)]
)
async def test_every_free_text_of_every_import_line_refuses_personal_data(
    client: HubClient, graph: Driver, settings: Settings, tmp_path: Path, line: str, field: str
) -> None:
    """Attack class 5: a phone in a unit's, enterprise's or person's name, an entry's legal
    basis or repair method rejects the file (line, field, rule) and nothing is imported."""
    before = graph_text(graph)
    path = tmp_path / "bad.jsonl"
    path.write_text(line % PHONE_TEXT + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_file(settings, path)
    assert rejected.value.problems[0].startswith(
        f"line 1: {field}: must not contain personal data (a phone number)"
    )
    assert PHONE not in " ".join(rejected.value.problems)
    assert graph_text(graph) == before


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_the_scanner_finds_every_disguise(sample: str) -> None:
    """Attack class 5: the scanner itself, one disguise each."""
    text, _ = SAMPLES[sample]
    assert free_text.kinds_in(text), text
    assert "[sealed:" in free_text.seal(text)


@pytest.mark.parametrize(
    "text",
    [
        "京税稽罚〔2021〕1234号",
        "《中华人民共和国税收征收管理法》第六十三条",
        ACME,
        "E-2021-0001 2021-09-01",
        "金额 3000000 元，20210512 立案",
        "1381234567890",
    ],
)
def test_the_scanner_leaves_what_is_not_personal(text: str) -> None:
    assert free_text.kinds_in(text) == []
