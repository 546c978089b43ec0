"""``check`` and ``checkMany`` against the real Neo4j: time-aware propagation (R11), objections
(R22), exits (R9), the caller's unit kind and purpose, one round trip (docs/check.md)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from graph.catalogue import CATALOGUE_FILE, load_catalogue
from hub.clock import today
from hub.importing.run import import_file
from hub.settings import Settings
from tests.support.hubtest import HubClient, audit_events, codes, token

ACME = "91450102407080479M"  # black-listed (MARKET), act 2025-03-01, identified 2025-06-01
OLDCO = "91450100968000942R"  # black-listed (MARKET) in 2021: 36-month bans have run out
TRADING = "91450105642739704P"  # black entry under objection
EXCO = "91450102120930501J"  # black entry exited after credit repair
LAPSED = "9145010002659816XK"  # black entry past its validity, not yet expired by the job
REDCO = "91450105737394673E"  # red-listed
CLEAN = "91450103078983182J"  # no entry
UNKNOWN = "914501026983875419"  # not in the graph
YOUNG = "9145010575131377XE"  # registered 400 days ago, no entry
CLEARED = "91450109624984941P"  # black entry exited as listed in error: not an adverse record

ZHANG = "452632197410283690"  # ACME's legal representative since 2025-01-01 (held on the act)
LI = "310104195907121764"  # ACME's legal representative until 2024-12-31 (left before the act)
WANG = "45222719520420219X"  # ACME's principal since 2025-05-01 (after the act, before listing)
ZHAO = "44022119730508656X"  # OLDCO's legal representative since 2019
QIAN = "430121196705102790"  # watch-listed himself; TRADING's legal representative
SUN = "452132197512263167"  # TRADING's principal only: suspended through the objection

AGENCY_MEASURES_ON_A_PERSON = [
    "M-BLK-CL178-OFFICER-BAN",
    "M-BLK-HONOURS-REVOKED",
    "M-BLK-MARKET-BAN",
    "M-BLK-NO-LEGAL-REPRESENTATIVE",
]
BANK_MEASURES_ON_AN_ENTERPRISE = [
    "M-BLK-FINANCIAL-INSTITUTION-STAKE",
    "M-BLK-SECURITIES-FINANCING",
    "M-BLK-FINANCIAL-SERVICES",
    "M-BLK-LOAN-PRICING",
]

CHECK = """query($s: SubjectInput!) { check(subject: $s) {
  verdict found suspendedEntryIds catalogueVersion
  measures { code title kind entryId reachedAs path until legalBasis catalogueVersion } } }"""
CHECK_BANK = """query($s: SubjectInput!) { check(subject: $s) {
  verdict found measures { code kind entryId until } } }"""
INCENTIVES = """query($s: SubjectInput!) { check(subject: $s) {
  verdict incentives { code grounds entryId catalogueVersion } } }"""
APPOINTMENT = """query($s: SubjectInput!, $post: RoleKind!) {
  appointmentCheck(subject: $s, post: $post) {
    post allowed found suspendedEntryIds bars { code entryId reachedAs until path } } }"""
CHECK_MANY = """query($s: [SubjectInput!]!) { checkMany(subjects: $s) {
  verdict found measures { code reachedAs } } }"""


def _records() -> list[dict[str, Any]]:
    past = (today() - timedelta(days=5)).isoformat()

    def enterprise(uscc: str) -> dict[str, Any]:
        return {"type": "enterprise", "uscc": uscc, "name": f"企业{uscc[-4:]}"}

    def person(id_number: str) -> dict[str, Any]:
        return {"type": "person", "id_number": id_number, "name": f"人{id_number[-4:]}"}

    def role(who: str, uscc: str, kind: str, start: str, end: str | None = None) -> dict[str, Any]:
        return {
            "type": "role",
            "person": who,
            "enterprise": uscc,
            "role": kind,
            "from": start,
            "to": end,
        }

    def entry(entry_id: str, kind: str, subject: dict[str, str], **extra: Any) -> dict[str, Any]:
        record = {
            "type": "entry",
            "id": entry_id,
            "list": kind,
            "subject": subject,
            "unit": "U-MARKET",
            "domain": "MARKET",
            "basis": 2,
            "identified_on": "2025-06-01",
            "valid_until": "2030-06-01",
            "status": "ACTIVE",
        }
        if kind != "RED":
            record["repairable"] = True
        record.update(extra)
        return record

    return [
        {"type": "unit", "code": "U-MARKET", "name": "市市场监管局", "kind": "AGENCY"},
        {"type": "unit", "code": "U-TAX", "name": "市税务局", "kind": "AGENCY"},
        {"type": "unit", "code": "U-BANK", "name": "某某银行", "kind": "FINANCIAL"},
        *(enterprise(u) for u in (ACME, OLDCO, TRADING, EXCO, LAPSED, REDCO, CLEAN, CLEARED)),
        {**enterprise(YOUNG), "registered_on": (today() - timedelta(days=400)).isoformat()},
        *(person(p) for p in (ZHANG, LI, WANG, ZHAO, QIAN, SUN)),
        role(LI, ACME, "LEGAL_REPRESENTATIVE", "2015-03-02", "2024-12-31"),
        role(ZHANG, ACME, "LEGAL_REPRESENTATIVE", "2025-01-01"),
        role(WANG, ACME, "PRINCIPAL", "2025-05-01"),
        role(ZHAO, OLDCO, "LEGAL_REPRESENTATIVE", "2019-01-01"),
        role(QIAN, TRADING, "LEGAL_REPRESENTATIVE", "2020-01-01"),
        role(SUN, TRADING, "PRINCIPAL", "2020-01-01"),
        role(ZHANG, EXCO, "LEGAL_REPRESENTATIVE", "2018-01-01"),
        role(ZHANG, LAPSED, "LEGAL_REPRESENTATIVE", "2018-01-01"),
        entry("E-ACME", "BLACK", {"uscc": ACME}, act_date="2025-03-01"),
        entry(
            "E-OLDCO",
            "BLACK",
            {"uscc": OLDCO},
            act_date="2020-12-01",
            identified_on="2021-01-10",
        ),
        entry("E-TRADING", "BLACK", {"uscc": TRADING}, status="OBJECTED"),
        entry(
            "E-EXCO",
            "BLACK",
            {"uscc": EXCO},
            status="EXITED",
            exit_reason="CREDIT_REPAIRED",
            exited_on="2026-01-05",
        ),
        entry("E-LAPSED", "BLACK", {"uscc": LAPSED}, identified_on="2024-01-02", valid_until=past),
        entry("E-REDCO", "RED", {"uscc": REDCO}),
        entry(
            "E-CLEARED",
            "BLACK",
            {"uscc": CLEARED},
            status="EXITED",
            exit_reason="LISTED_IN_ERROR",
            exited_on="2025-07-01",
        ),
        entry("E-QIAN", "WATCH", {"id_number": QIAN}),
    ]


pytestmark = pytest.mark.hub(records=_records, catalogue=True)


async def check(
    client: HubClient, subject: dict[str, str], *, role: str = "implementing_officer", **kw: Any
) -> dict[str, Any]:
    result = await client.ask(CHECK, role=role, variables={"s": subject}, **kw)
    assert "errors" not in result, result
    answer: dict[str, Any] = result["data"]["check"]
    return answer


def _codes(answer: dict[str, Any]) -> list[str]:
    return [m["code"] for m in answer["measures"]]


def _catalogue_version() -> str:
    version: str = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["version"]
    return version


def _expected_subject_measures(list_kind: str, domain: str, unit_kind: str) -> list[str]:
    measures = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["measures"]
    chosen = [
        m
        for m in measures
        if m["list"] == list_kind
        and (m["domains"] == "*" or domain in m["domains"])
        and "SUBJECT" in m["reach"]
        and unit_kind in m["implementing_kinds"]
    ]
    chosen.sort(key=lambda m: (m["kind"] != "MANDATORY", m["code"]))
    return [m["code"] for m in chosen]


# --- propagation (R11) --------------------------------------------------------------------


async def test_the_legal_representative_on_the_act_date_is_reached_with_proof_R11(
    client: HubClient,
) -> None:
    answer = await check(client, {"idNumber": ZHANG})

    assert answer["verdict"] == "RESTRICTED"
    assert _codes(answer) == AGENCY_MEASURES_ON_A_PERSON
    assert {m["reachedAs"] for m in answer["measures"]} == {"LEGAL_REPRESENTATIVE"}
    assert {m["entryId"] for m in answer["measures"]} == {"E-ACME"}
    by_code = {m["code"]: m for m in answer["measures"]}
    ban = by_code["M-BLK-NO-LEGAL-REPRESENTATIVE"]
    assert ban["until"] == "2028-06-01"  # 36 months from the identification date
    assert by_code["M-BLK-MARKET-BAN"]["until"] == "2030-06-01"  # the entry's validity
    path = ban["path"]
    assert len(path) == 5
    assert path[0] == "ListEntry:E-ACME BLACK MARKET identified 2025-06-01 act 2025-03-01"
    assert path[1] == f"Enterprise:{ACME}"
    assert path[2] == "LEGAL_REPRESENTATIVE 2025-01-01..open held on 2025-06-01"
    assert path[3].startswith("Person:") and ZHANG not in path[3]
    assert path[4].startswith(f"Measure:M-BLK-NO-LEGAL-REPRESENTATIVE@{_catalogue_version()}")
    assert by_code["M-BLK-MARKET-BAN"]["path"][2] == (
        "LEGAL_REPRESENTATIVE 2025-01-01..open held on 2025-03-01"
    )
    assert ban["legalBasis"] and ban["legalBasis"] in path[4]
    assert answer["catalogueVersion"] == _catalogue_version()


async def test_a_legal_representative_who_left_before_the_act_is_not_reached_R11(
    client: HubClient,
) -> None:
    answer = await check(client, {"idNumber": LI})

    assert answer == {
        "verdict": "CLEAR",
        "found": True,
        "suspendedEntryIds": [],
        "catalogueVersion": _catalogue_version(),
        "measures": [],
    }


async def test_a_principal_who_joined_after_the_act_is_reached_only_by_listing_date_measures_R11(
    client: HubClient,
) -> None:
    answer = await check(client, {"idNumber": WANG})

    assert answer["verdict"] == "RESTRICTED"
    assert [(m["code"], m["reachedAs"]) for m in answer["measures"]] == [
        ("M-BLK-NO-LEGAL-REPRESENTATIVE", "PRINCIPAL")
    ]


async def test_a_ban_whose_duration_ran_out_no_longer_reaches_the_person_R11(
    client: HubClient,
) -> None:
    answer = await check(client, {"idNumber": ZHAO})

    # the 36-month bans (identified 2021-01-10) ended 2024-01-10; the others last the validity
    assert _codes(answer) == ["M-BLK-HONOURS-REVOKED", "M-BLK-MARKET-BAN"]
    assert [m["until"] for m in answer["measures"]] == ["2030-06-01", "2030-06-01"]


async def test_the_listed_enterprise_gets_the_subject_measures_of_the_callers_unit_kind_R16(
    client: HubClient,
) -> None:
    answer = await check(client, {"uscc": ACME})

    assert answer["verdict"] == "RESTRICTED"
    assert _codes(answer) == _expected_subject_measures("BLACK", "MARKET", "AGENCY")
    assert {m["reachedAs"] for m in answer["measures"]} == {None}
    assert answer["measures"][0]["path"][:2] == [
        "ListEntry:E-ACME BLACK MARKET identified 2025-06-01 act 2025-03-01",
        f"Enterprise:{ACME}",
    ]


async def test_a_bank_sees_only_financial_measures_and_no_paths_R12(client: HubClient) -> None:
    bank = {"Authorization": f"Bearer {token(client.settings, 'bank_officer', unit='U-BANK')}"}
    result = await client.ask(
        CHECK_BANK, headers=bank, purpose="LOAN_APPROVAL", variables={"s": {"uscc": ACME}}
    )

    assert "errors" not in result
    answer = result["data"]["check"]
    assert answer["verdict"] == "RESTRICTED"
    assert _codes(answer) == BANK_MEASURES_ON_AN_ENTERPRISE
    assert [m["kind"] for m in answer["measures"]] == [
        "MANDATORY",
        "MANDATORY",
        "RECOMMENDED",
        "RECOMMENDED",
    ]

    denied = await client.ask(
        "query($s: SubjectInput!) { check(subject: $s) { measures { code path } } }",
        headers=bank,
        purpose="LOAN_APPROVAL",
        variables={"s": {"uscc": ACME}},
    )
    assert set(codes(denied)) == {"FORBIDDEN"}


async def test_a_banks_check_on_a_person_says_list_status_and_financial_measures_only(
    client: HubClient, graph: Driver
) -> None:
    """DESIGN.md roles: a bank's answers are limited to list status and the measures for
    financial institutions; persons masked: nothing in the answer names or identifies one."""
    bank = {"Authorization": f"Bearer {token(client.settings, 'bank_officer', unit='U-BANK')}"}
    everything = """query($s: SubjectInput!) { check(subject: $s) {
      verdict found suspendedEntryIds catalogueVersion incentives { code grounds entryId }
      measures { code title kind entryId until legalBasis catalogueVersion } } }"""
    result = await client.ask(
        everything, headers=bank, purpose="GUARANTEE_REVIEW", variables={"s": {"idNumber": ZHANG}}
    )

    assert "errors" not in result
    answer = result["data"]["check"]
    assert (answer["verdict"], answer["found"]) == ("RESTRICTED", True)
    # the catalogue's financial measures reach the listed subject only, never its officers
    assert (answer["measures"], answer["incentives"]) == ([], [])
    [row] = graph.execute_query(
        "MATCH (p:Person) WHERE p.name = $name RETURN p.id AS id",
        name=f"人{ZHANG[-4:]}",
        database_="neo4j",
    ).records
    text = json.dumps(result, ensure_ascii=False)
    for personal in (ZHANG, ZHANG[-4:], row["id"], "Person:"):
        assert personal not in text
    for hidden in ("reachedAs", "path"):
        denied = await client.ask(
            "query($s: SubjectInput!) { check(subject: $s) { measures { %s } } }" % hidden,
            headers=bank,
            purpose="GUARANTEE_REVIEW",
            variables={"s": {"uscc": ACME}},  # an enterprise with financial measures
        )
        assert set(codes(denied)) == {"FORBIDDEN"}, hidden


async def test_a_bank_purpose_narrows_an_agency_units_measures_to_financial_ones(
    client: HubClient,
) -> None:
    # an agency unit's officer asking for a bank purpose: AGENCY is not a financial kind
    result = await client.ask(
        CHECK_BANK, role="bank_officer", purpose="LOAN_APPROVAL", variables={"s": {"uscc": ACME}}
    )

    assert result["data"]["check"] == {"verdict": "RESTRICTED", "found": True, "measures": []}


async def test_a_bank_may_not_ask_for_exposure(client: HubClient) -> None:
    result = await client.ask(
        "query($s: SubjectInput!) { exposure(subject: $s) { capped } }",
        role="bank_officer",
        purpose="LOAN_APPROVAL",
        variables={"s": {"uscc": ACME}},
    )

    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] is None


async def test_a_retired_measure_is_never_applied_and_a_new_one_reaches_shareholders_R16(
    client: HubClient, graph: Driver, tmp_path: Path
) -> None:
    raw = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    raw["version"] = "2099.1"
    raw["measures"] = [m for m in raw["measures"] if m["code"] != "M-BLK-MARKET-BAN"]
    raw["measures"].append(
        {
            "code": "M-BLK-SHAREHOLDER-REVIEW",
            "title": "股东资格审查",
            "kind": "RECOMMENDED",
            "list": "BLACK",
            "domains": ["MARKET"],
            "reach": ["SHAREHOLDER"],
            "implementing_kinds": ["AGENCY"],
            "legal_basis": "测试依据",
            "duration_months": None,
        }
    )
    path = tmp_path / "measures.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    load_catalogue(graph, "neo4j", path)
    graph.execute_query(
        "MATCH (p:Person)-[:HOLDS_ROLE {kind: 'PRINCIPAL'}]->(e:Enterprise {uscc: $uscc}) "
        "CREATE (p)-[:HOLDS_SHARES {percent: 12.5, from: date('2025-05-01'), to: null}]->(e)",
        uscc=ACME,
    )

    enterprise = await check(client, {"uscc": ACME})
    shareholder = await check(client, {"idNumber": WANG})

    assert "M-BLK-MARKET-BAN" not in _codes(enterprise)
    assert enterprise["catalogueVersion"] == "2099.1"
    assert {m["catalogueVersion"] for m in enterprise["measures"]} == {"2099.1"}
    # WANG's shares date from 2025-05-01: after the act (2025-03-01), so an ACT_DATE measure
    # does not reach him through them; his principal role still meets the listing-date ban
    assert [(m["code"], m["reachedAs"]) for m in shareholder["measures"]] == [
        ("M-BLK-NO-LEGAL-REPRESENTATIVE", "PRINCIPAL")
    ]
    graph.execute_query(
        "MATCH (:Person)-[s:HOLDS_SHARES]->(:Enterprise {uscc: $uscc}) "
        "SET s.from = date('2024-01-01')",
        uscc=ACME,
    )
    again = await check(client, {"idNumber": WANG})
    assert [(m["code"], m["reachedAs"]) for m in again["measures"]] == [
        ("M-BLK-NO-LEGAL-REPRESENTATIVE", "PRINCIPAL"),
        ("M-BLK-SHAREHOLDER-REVIEW", "SHAREHOLDER"),
    ]
    assert again["measures"][1]["path"][2] == "SHAREHOLDER 2024-01-01..open held on 2025-03-01"


# --- objections, exits, rewards (R22, R9, R25) ---------------------------------------------


async def test_an_entry_under_objection_suspends_and_yields_no_measures_R22(
    client: HubClient,
) -> None:
    enterprise = await check(client, {"uscc": TRADING})
    principal = await check(client, {"idNumber": SUN})

    assert (enterprise["verdict"], enterprise["measures"]) == ("SUSPENDED", [])
    assert enterprise["suspendedEntryIds"] == ["E-TRADING"]
    assert (principal["verdict"], principal["measures"]) == ("SUSPENDED", [])
    assert principal["suspendedEntryIds"] == ["E-TRADING"]


async def test_a_person_listed_himself_is_restricted_whatever_is_suspended_R22(
    client: HubClient,
) -> None:
    answer = await check(client, {"idNumber": QIAN})

    assert answer["verdict"] == "RESTRICTED"
    assert _codes(answer) == _expected_subject_measures("WATCH", "MARKET", "AGENCY")
    assert answer["suspendedEntryIds"] == ["E-TRADING"]


async def test_exited_and_lapsed_entries_yield_nothing_R9(client: HubClient) -> None:
    exited = await check(client, {"uscc": EXCO})
    lapsed = await check(client, {"uscc": LAPSED})

    assert (exited["verdict"], exited["measures"]) == ("CLEAR", [])
    assert (lapsed["verdict"], lapsed["measures"]) == ("CLEAR", [])


async def test_a_red_entry_rewards_and_lists_the_units_incentives_R25(client: HubClient) -> None:
    answer = await check(client, {"uscc": REDCO})

    assert answer["verdict"] == "REWARDED"
    assert _codes(answer) == _expected_subject_measures("RED", "MARKET", "AGENCY")
    assert {m["kind"] for m in answer["measures"]} == {"RECOMMENDED"}


# --- incentives (R25) ---------------------------------------------------------------------


async def incentives(client: HubClient, subject: dict[str, str], **kw: Any) -> dict[str, Any]:
    kw.setdefault("role", "implementing_officer")
    result = await client.ask(INCENTIVES, variables={"s": subject}, **kw)
    assert "errors" not in result, result
    answer: dict[str, Any] = result["data"]["check"]
    return answer


async def test_a_red_entry_and_a_clean_record_are_both_named_as_grounds_R25(
    client: HubClient,
) -> None:
    answer = await incentives(client, {"uscc": REDCO})

    assert answer["verdict"] == "REWARDED"
    assert [(i["code"], i["grounds"], i["entryId"]) for i in answer["incentives"]] == [
        ("M-RED-FEWER-INSPECTIONS", ["RED_LIST"], "E-REDCO"),
        ("M-RED-GREEN-CHANNEL", ["RED_LIST", "CLEAN_RECORD"], "E-REDCO"),
        ("M-RED-PROCUREMENT-PRIORITY", ["RED_LIST"], "E-REDCO"),
        ("M-RED-PROMOTION", ["RED_LIST"], "E-REDCO"),
        ("M-RED-TOLERANT-ACCEPTANCE", ["RED_LIST", "CLEAN_RECORD"], "E-REDCO"),
    ]


async def test_three_clean_years_qualify_for_the_green_channel_without_changing_the_verdict_R25(
    client: HubClient,
) -> None:
    clean = await incentives(client, {"uscc": CLEAN})
    cleared = await incentives(client, {"uscc": CLEARED})

    for answer in (clean, cleared):
        assert answer["verdict"] == "CLEAR"
        assert [(i["code"], i["grounds"], i["entryId"]) for i in answer["incentives"]] == [
            ("M-RED-GREEN-CHANNEL", ["CLEAN_RECORD"], None),
            ("M-RED-TOLERANT-ACCEPTANCE", ["CLEAN_RECORD"], None),
        ]


async def test_no_clean_record_after_a_recent_exit_a_young_registration_or_a_restriction_R25(
    client: HubClient,
) -> None:
    for subject in ({"uscc": EXCO}, {"uscc": YOUNG}, {"uscc": UNKNOWN}, {"idNumber": ZHANG}):
        answer = await incentives(client, subject)
        assert answer["incentives"] == [], subject


async def test_a_bank_may_grant_credit_loans_to_a_red_listed_subject_R25(
    client: HubClient,
) -> None:
    bank = {"Authorization": f"Bearer {token(client.settings, 'bank_officer', unit='U-BANK')}"}
    answer = await incentives(
        client, {"uscc": REDCO}, role=None, headers=bank, purpose="LOAN_APPROVAL"
    )

    assert [(i["code"], i["grounds"]) for i in answer["incentives"]] == [
        ("M-RED-CREDIT-LOANS", ["RED_LIST"])
    ]


# --- appointmentCheck (R11, Company Law art. 178) -------------------------------------------


async def appointment(client: HubClient, id_number: str, post: str) -> dict[str, Any]:
    result = await client.ask(
        APPOINTMENT,
        role="implementing_officer",
        variables={"s": {"idNumber": id_number}, "post": post},
    )
    assert "errors" not in result, result
    answer: dict[str, Any] = result["data"]["appointmentCheck"]
    return answer


async def test_a_restricted_legal_representative_may_not_take_up_posts_R11(
    client: HubClient,
) -> None:
    legal = await appointment(client, ZHANG, "LEGAL_REPRESENTATIVE")
    director = await appointment(client, ZHANG, "DIRECTOR")

    assert (legal["allowed"], director["allowed"]) == (False, False)
    assert [(b["code"], b["until"]) for b in legal["bars"]] == [
        ("M-BLK-CL178-OFFICER-BAN", "2028-06-01"),
        ("M-BLK-NO-LEGAL-REPRESENTATIVE", "2028-06-01"),
    ]
    assert [b["code"] for b in director["bars"]] == ["M-BLK-CL178-OFFICER-BAN"]
    assert director["bars"][0]["reachedAs"] == "LEGAL_REPRESENTATIVE"
    assert director["bars"][0]["path"][1] == f"Enterprise:{ACME}"


CL178_4 = "《中华人民共和国公司法》（2023年修订）第一百七十八条第一款第（四）项"
CL178_5 = "《中华人民共和国公司法》（2023年修订）第一百七十八条第一款第（五）项"
DEBTOR = "452129199912109784"  # a judgment debtor (失信被执行人) on the black list herself
OFFICER_POSTS = ["LEGAL_REPRESENTATIVE", "DIRECTOR", "SUPERVISOR", "SENIOR_MANAGER"]
BAR = """query($s: SubjectInput!, $post: RoleKind!) { appointmentCheck(subject: $s, post: $post) {
  post allowed bars { code entryId reachedAs until legalBasis path } } }"""


async def _bar(client: HubClient, id_number: str, post: str) -> dict[str, Any]:
    result = await client.ask(
        BAR, role="implementing_officer", variables={"s": {"idNumber": id_number}, "post": post}
    )
    assert "errors" not in result, result
    answer: dict[str, Any] = result["data"]["appointmentCheck"]
    return answer


@pytest.mark.parametrize("post", OFFICER_POSTS)
async def test_the_legal_representative_of_a_listed_enterprise_is_barred_CL178_4_R11(
    client: HubClient, post: str
) -> None:
    answer = await _bar(client, ZHANG, post)

    assert (answer["post"], answer["allowed"]) == (post, False)
    bar = next(b for b in answer["bars"] if b["code"] == "M-BLK-CL178-OFFICER-BAN")
    assert (bar["entryId"], bar["reachedAs"], bar["until"]) == (
        "E-ACME",
        "LEGAL_REPRESENTATIVE",
        "2028-06-01",
    )
    assert bar["legalBasis"] == CL178_4
    assert bar["path"][-1] == f"Measure:M-BLK-CL178-OFFICER-BAN@2026.2 until 2028-06-01 ({CL178_4})"


@pytest.mark.parametrize("post", OFFICER_POSTS)
async def test_a_judgment_debtor_is_barred_from_every_officer_post_CL178_5_R11(
    client: HubClient, settings: Settings, tmp_path: Path, post: str
) -> None:
    debtor = [
        {"type": "person", "id_number": DEBTOR, "name": "失信人"},
        {
            "type": "entry",
            "id": "E-DEBTOR",
            "list": "BLACK",
            "subject": {"id_number": DEBTOR},
            "unit": "U-MARKET",
            "domain": "JUDICIAL",
            "basis": 3,
            "identified_on": "2025-06-01",
            "valid_until": "2030-06-01",
            "status": "ACTIVE",
            "repairable": True,
        },
    ]
    path = tmp_path / "debtor.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in debtor) + "\n")
    import_file(settings, path)

    answer = await _bar(client, DEBTOR, post)

    assert answer["allowed"] is False
    bar = next(b for b in answer["bars"] if b["code"] == "M-BLK-JUDGMENT-DEBTOR-OFFICER-BAN")
    assert (bar["entryId"], bar["reachedAs"], bar["legalBasis"]) == ("E-DEBTOR", None, CL178_5)
    assert bar["path"][0] == "ListEntry:E-DEBTOR BLACK JUDICIAL identified 2025-06-01 act unknown"
    assert bar["path"][-1].endswith(f"({CL178_5})")


async def test_a_principal_reached_on_the_listing_date_is_barred_only_as_legal_representative(
    client: HubClient,
) -> None:
    principal = await appointment(client, WANG, "PRINCIPAL")
    director = await appointment(client, WANG, "DIRECTOR")

    assert [b["code"] for b in principal["bars"]] == ["M-BLK-NO-LEGAL-REPRESENTATIVE"]
    assert (principal["allowed"], director["allowed"], director["bars"]) == (False, True, [])


async def test_a_ban_that_ran_out_or_is_under_objection_does_not_bar_R22(
    client: HubClient,
) -> None:
    expired = await appointment(client, ZHAO, "LEGAL_REPRESENTATIVE")
    objected = await appointment(client, SUN, "LEGAL_REPRESENTATIVE")

    assert (expired["allowed"], expired["bars"], expired["suspendedEntryIds"]) == (True, [], [])
    assert (objected["allowed"], objected["bars"]) == (True, [])
    assert objected["suspendedEntryIds"] == ["E-TRADING"]


async def test_an_appointment_check_is_about_a_person_and_one_round_trip(
    client: HubClient, graph: Driver
) -> None:
    result = await client.ask(
        APPOINTMENT,
        role="implementing_officer",
        variables={"s": {"uscc": ACME}, "post": "DIRECTOR"},
    )
    assert codes(result) == ["BAD_INPUT"]

    await appointment(client, LI, "DIRECTOR")
    assert audit_events(graph)[-1]["x_round_trips"] == 1


async def test_an_unknown_subject_is_clear_and_not_found(client: HubClient) -> None:
    answer = await check(client, {"uscc": UNKNOWN})

    assert (answer["verdict"], answer["found"], answer["measures"]) == ("CLEAR", False, [])


async def test_a_bad_subject_is_bad_input(client: HubClient) -> None:
    for subject in ({"uscc": "91450102407080479X"}, {}, {"uscc": ACME, "idNumber": ZHANG}):
        result = await client.ask(CHECK, role="implementing_officer", variables={"s": subject})
        assert codes(result) == ["BAD_INPUT"], subject


# --- checkMany ------------------------------------------------------------------------------


async def test_check_many_answers_in_input_order_in_one_round_trip(
    client: HubClient, graph: Driver
) -> None:
    subjects = [
        {"idNumber": ZHANG},
        {"uscc": "NOT-A-CODE"},
        {"uscc": CLEAN},
        {"uscc": TRADING},
        {"idNumber": WANG},
        {"uscc": UNKNOWN},
    ]
    result = await client.ask(CHECK_MANY, role="implementing_officer", variables={"s": subjects})

    answers = result["data"]["checkMany"]
    assert [a and a["verdict"] for a in answers] == [
        "RESTRICTED",
        None,
        "CLEAR",
        "SUSPENDED",
        "RESTRICTED",
        "CLEAR",
    ]
    assert [a and a["found"] for a in answers] == [True, None, True, True, True, False]
    assert _codes(answers[0]) == AGENCY_MEASURES_ON_A_PERSON
    assert [(e["extensions"]["code"], e["path"]) for e in result["errors"]] == [
        ("BAD_INPUT", ["checkMany", 1])
    ]
    assert "subjects[1].uscc" in result["errors"][0]["message"]
    record = audit_events(graph)[-1]
    assert record["x_round_trips"] == 1
    assert f"Enterprise:{CLEAN}" in record["subjects"]


async def test_check_many_takes_a_thousand_subjects_in_one_round_trip_and_refuses_more(
    client: HubClient, graph: Driver
) -> None:
    thousand = [{"uscc": ACME if i % 2 else CLEAN} for i in range(1000)]
    result = await client.ask(CHECK_MANY, role="implementing_officer", variables={"s": thousand})

    verdicts = [a["verdict"] for a in result["data"]["checkMany"]]
    assert verdicts == ["CLEAR", "RESTRICTED"] * 500
    assert audit_events(graph)[-1]["x_round_trips"] == 1

    too_many = await client.ask(
        CHECK_MANY, role="implementing_officer", variables={"s": [*thousand, {"uscc": ACME}]}
    )
    assert codes(too_many) == ["BAD_INPUT"]


async def test_check_is_one_round_trip_and_audited_with_the_subject(
    client: HubClient, graph: Driver
) -> None:
    await check(client, {"uscc": ACME})

    record = audit_events(graph)[-1]
    assert record["x_round_trips"] == 1
    assert f"Enterprise:{ACME}" in record["subjects"]
    assert record["operations"] == ["Query.check"]
