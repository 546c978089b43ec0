"""The list lifecycle over GraphQL against the real Neo4j: each rule of R3–R9, R21, R22 as the
hub enforces it, with the clock under the test's control."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from neo4j import Driver

from tests.support.hubtest import (
    ACME,
    TRADING,
    HubClient,
    audit_events,
    codes,
)

pytestmark = pytest.mark.hub(clock="clock")


class Clock:
    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


TODAY = date(2026, 11, 26)

PROPOSE = """mutation($e: EntryProposalInput!, $k: String) {
  proposeEntry(entry: $e, idempotencyKey: $k) {
    __typename
    ... on EntriesProposed { count entries { id list status version reportedLate reportDeadline } }
    ... on BlockedByBlackList { message blockingEntryIds }
  } }"""
OUTCOMES = {
    "EntryTransitioned": "replayed entry { id status exitReason exitedOn version }",
    "ObjectionRaised": "objectionId entry { id status }",
    "RepairApplied": "applicationId entry { id status }",
    "TransitionNotAllowed": "message status action",
    "VersionConflict": "message currentVersion",
    "BlockedByBlackList": "message blockingEntryIds",
    "NotRepairable": "message entryId",
    "TooEarlyForRepair": "message earliest",
}
UNION_MEMBERS = {
    "StepResult": (
        "EntryTransitioned",
        "TransitionNotAllowed",
        "VersionConflict",
        "BlockedByBlackList",
    ),
    "ObjectionResult": ("ObjectionRaised", "TransitionNotAllowed", "VersionConflict"),
    "RepairResult": (
        "RepairApplied",
        "NotRepairable",
        "TooEarlyForRepair",
        "TransitionNotAllowed",
        "VersionConflict",
    ),
}
RESULT_OF = {"raiseObjection": "ObjectionResult", "applyForRepair": "RepairResult"}


def outcome_fields(union: str) -> str:
    members = " ".join(f"... on {m} {{ {OUTCOMES[m]} }}" for m in UNION_MEMBERS[union])
    return f"__typename {members}"


STEP_FIELDS = outcome_fields("StepResult")


def step_mutation(name: str, input_type: str) -> str:
    fields = outcome_fields(RESULT_OF.get(name, "StepResult"))
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ {fields} }} }}"


@pytest.fixture
def clock() -> Clock:
    return Clock(TODAY)


async def officer(
    client: HubClient, query: str, unit: str = "U-TAX", **variables: Any
) -> dict[str, Any]:
    from tests.support.hubtest import token

    headers = {"Authorization": f"Bearer {token(client.settings, 'identifying_officer', unit)}"}
    return await client.ask(query, variables=variables, headers=headers, purpose=None)


def proposal(list_kind: str, **subject: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "list": list_kind,
        "subject": subject,
        "domain": "TAX",
        "basis": 2,
        "identifiedOn": (TODAY - timedelta(days=2)).isoformat(),
        "validUntil": (TODAY + timedelta(days=365)).isoformat(),
    }
    if list_kind != "RED":
        entry["repairable"] = True
    if list_kind == "BLACK":
        entry["watchMonthsAfterExit"] = 24
    return entry


async def propose(client: HubClient, entry: dict[str, Any], unit: str = "U-TAX") -> str:
    result = await officer(client, PROPOSE, unit=unit, e=entry)
    proposed = result["data"]["proposeEntry"]
    assert proposed["__typename"] == "EntriesProposed", result
    entry_id: str = proposed["entries"][0]["id"]
    return entry_id


async def step(
    client: HubClient, name: str, input_type: str, unit: str = "U-TAX", **fields: Any
) -> dict[str, Any]:
    result = await officer(client, step_mutation(name, input_type), unit=unit, i=fields)
    assert "errors" not in result, result
    answer: dict[str, Any] = result["data"][name]
    return answer


async def activate(
    client: HubClient, clock: Clock, entry_id: str, list_kind: str
) -> dict[str, Any]:
    if list_kind == "RED":
        notice_until = (clock.day + timedelta(days=7)).isoformat()
        await step(
            client,
            "startPublicNotice",
            "PublicNoticeInput",
            entryId=entry_id,
            noticeUntil=notice_until,
        )
        clock.day += timedelta(days=8)
    return await step(client, "confirmEntry", "StepInput", entryId=entry_id)


async def entry_state(client: HubClient, entry_id: str) -> dict[str, Any]:
    result = await officer(
        client,
        "query($id: ID!) { entryHistory(id: $id) { entry { id list status exitReason } "
        "transitions { action fromStatus toStatus byUnit exitReason } } }",
        id=entry_id,
    )
    history: dict[str, Any] = result["data"]["entryHistory"]
    return history


async def test_a_black_listed_subject_can_not_enter_a_red_list_R3(client: HubClient) -> None:
    result = await officer(client, PROPOSE, e=proposal("RED", uscc=ACME))
    assert result["data"]["proposeEntry"] == {
        "__typename": "BlockedByBlackList",
        "message": "R3: black-listed (E-2021-0001); can not enter a red list",
        "blockingEntryIds": ["E-2021-0001"],
    }


async def test_a_red_candidate_takes_effect_only_after_its_public_notice_R3(
    client: HubClient, clock: Clock
) -> None:
    red = await propose(client, proposal("RED", uscc=TRADING))
    too_soon = await step(client, "confirmEntry", "StepInput", entryId=red)
    assert too_soon["__typename"] == "TransitionNotAllowed"
    assert "must be on public notice (R3)" in too_soon["message"]
    until = (clock.day + timedelta(days=7)).isoformat()
    await step(client, "startPublicNotice", "PublicNoticeInput", entryId=red, noticeUntil=until)
    during = await step(client, "confirmEntry", "StepInput", entryId=red)
    assert during["message"].endswith(f"the public notice runs until {until}")
    clock.day += timedelta(days=8)
    confirmed = await step(client, "confirmEntry", "StepInput", entryId=red)
    assert confirmed["entry"]["status"] == "ACTIVE"


async def test_black_listing_removes_subject_from_red_lists_in_the_same_transaction_R4(
    client: HubClient, clock: Clock
) -> None:
    red = await propose(client, proposal("RED", uscc=TRADING))
    await activate(client, clock, red, "RED")
    black = await propose(client, proposal("BLACK", uscc=TRADING))
    await activate(client, clock, black, "BLACK")
    history = await entry_state(client, red)
    assert history["entry"]["status"] == "EXITED"
    assert history["entry"]["exitReason"] == "BLACK_LISTED"
    assert history["transitions"][-1] == {
        "action": "cascade",
        "fromStatus": "ACTIVE",
        "toStatus": "EXITED",
        "byUnit": "U-TAX",
        "exitReason": "BLACK_LISTED",
    }


async def test_a_natural_person_is_given_prior_notice_before_black_listing_R4(
    client: HubClient,
) -> None:
    black = await propose(client, proposal("BLACK", idNumber=WANG_WU_ID))
    refused = await step(client, "confirmEntry", "StepInput", entryId=black)
    assert refused["__typename"] == "TransitionNotAllowed"
    assert "prior notice first (R4)" in refused["message"]
    await step(client, "givePriorNotice", "PriorNoticeInput", entryId=black)
    confirmed = await step(client, "confirmEntry", "StepInput", entryId=black)
    assert confirmed["entry"]["status"] == "ACTIVE"


WANG_WU_ID = "110105199002022347"


async def test_serious_dishonesty_during_a_watch_entry_moves_the_subject_to_black_R5(
    client: HubClient, clock: Clock
) -> None:
    watch = await propose(client, proposal("WATCH", uscc=TRADING))
    await activate(client, clock, watch, "WATCH")
    black = await propose(client, proposal("BLACK", uscc=TRADING))
    await activate(client, clock, black, "BLACK")
    history = await entry_state(client, watch)
    assert (history["entry"]["status"], history["entry"]["exitReason"]) == (
        "EXITED",
        "TRANSFERRED_TO_BLACK",
    )


async def test_a_black_exit_other_than_error_puts_the_subject_on_watch_at_once_R8(
    client: HubClient, clock: Clock
) -> None:
    black = await propose(client, proposal("BLACK", uscc=TRADING))
    await activate(client, clock, black, "BLACK")
    exited = await step(client, "exitEntry", "ExitInput", entryId=black, reason="STANDARD_CHANGED")
    assert exited["entry"]["exitReason"] == "STANDARD_CHANGED"
    watch = await entry_state(client, f"{black}-W")
    assert watch["entry"]["list"] == "WATCH"
    assert watch["entry"]["status"] == "ACTIVE"
    result = await officer(
        client,
        "query($id: ID!) { entryHistory(id: $id) { entry { identifiedOn validUntil } } }",
        id=f"{black}-W",
    )
    entry = result["data"]["entryHistory"]["entry"]
    assert entry == {"identifiedOn": clock.day.isoformat(), "validUntil": "2028-11-26"}


async def test_an_upheld_objection_exits_as_listed_in_error_without_a_watch_entry_R8a_R22(
    client: HubClient, clock: Clock
) -> None:
    black = await propose(client, proposal("BLACK", uscc=TRADING))
    await activate(client, clock, black, "BLACK")
    raised = await step(
        client,
        "raiseObjection",
        "ObjectionInput",
        entryId=black,
        grounds="wrong company",
        materials=["DOC-1"],
    )
    assert raised["entry"]["status"] == "OBJECTED"
    decided = await officer(
        client,
        "mutation($i: ObjectionDecisionInput!) { decideObjection(input: $i) { %s } }" % STEP_FIELDS,
        i={"objectionId": raised["objectionId"], "outcome": "UPHELD_REVOKE"},
    )
    entry = decided["data"]["decideObjection"]["entry"]
    assert (entry["status"], entry["exitReason"]) == ("EXITED", "LISTED_IN_ERROR")
    assert (await entry_state(client, f"{black}-W")) is None


async def test_a_rejected_objection_puts_the_entry_back_in_force_R22(
    client: HubClient, clock: Clock
) -> None:
    black = await propose(client, proposal("BLACK", uscc=TRADING))
    await activate(client, clock, black, "BLACK")
    raised = await step(client, "raiseObjection", "ObjectionInput", entryId=black, grounds="no")
    decided = await officer(
        client,
        "mutation($i: ObjectionDecisionInput!) { decideObjection(input: $i) { %s } }" % STEP_FIELDS,
        i={"objectionId": raised["objectionId"], "outcome": "REJECTED"},
    )
    assert decided["data"]["decideObjection"]["entry"]["status"] == "ACTIVE"


async def test_a_non_repairable_entry_refuses_repair_applications_R21(
    client: HubClient, clock: Clock
) -> None:
    entry = proposal("BLACK", uscc=TRADING) | {"repairable": False}
    black = await propose(client, entry)
    await activate(client, clock, black, "BLACK")
    refused = await step(
        client, "applyForRepair", "RepairApplicationInput", entryId=black, statement="paid"
    )
    assert refused == {
        "__typename": "NotRepairable",
        "message": f"entry {black} is not repairable (R21: particularly serious dishonesty)",
        "entryId": black,
    }


async def test_an_early_repair_application_is_refused_with_the_earliest_date_R21(
    client: HubClient, clock: Clock
) -> None:
    earliest = (TODAY + timedelta(days=90)).isoformat()
    black = await propose(client, proposal("BLACK", uscc=TRADING) | {"repairEarliest": earliest})
    await activate(client, clock, black, "BLACK")
    refused = await step(
        client, "applyForRepair", "RepairApplicationInput", entryId=black, statement="paid"
    )
    assert refused["__typename"] == "TooEarlyForRepair"
    assert refused["earliest"] == earliest


async def test_an_approved_repair_ends_a_black_entry_early_then_watch_R21_R8b(
    client: HubClient, clock: Clock
) -> None:
    black = await propose(client, proposal("BLACK", uscc=TRADING))
    await activate(client, clock, black, "BLACK")
    applied = await step(
        client,
        "applyForRepair",
        "RepairApplicationInput",
        entryId=black,
        statement="paid",
        materials=["RECEIPT-9"],
    )
    assert applied["__typename"] == "RepairApplied"
    decided = await officer(
        client,
        "mutation($i: RepairDecisionInput!) { decideRepair(input: $i) { %s } }" % STEP_FIELDS,
        i={"applicationId": applied["applicationId"], "approve": True},
    )
    entry = decided["data"]["decideRepair"]["entry"]
    assert (entry["status"], entry["exitReason"]) == ("EXITED", "CREDIT_REPAIRED")
    assert (await entry_state(client, f"{black}-W"))["entry"]["status"] == "ACTIVE"


async def test_another_unit_may_not_move_an_entry_and_the_attempt_is_logged(
    client: HubClient, clock: Clock, graph: Driver
) -> None:
    black = await propose(client, proposal("BLACK", uscc=TRADING))
    result = await officer(
        client, step_mutation("confirmEntry", "StepInput"), unit="U-MARKET", i={"entryId": black}
    )
    assert result["data"] is None
    assert codes(result) == ["FORBIDDEN"]
    assert "谁认定、谁负责" in result["errors"][0]["message"]
    event = audit_events(graph)[-1]
    assert (event["unit"], event["decision"], event["operations"]) == (
        "U-MARKET",
        "DENIED",
        ["Mutation.confirmEntry"],
    )
    assert (await entry_state(client, black))["entry"]["status"] == "PROPOSED"


async def test_a_retried_step_with_its_idempotency_key_changes_nothing(
    client: HubClient, clock: Clock
) -> None:
    black = await propose(client, proposal("BLACK", uscc=TRADING))
    first = await step(client, "confirmEntry", "StepInput", entryId=black, idempotencyKey="k-1")
    again = await step(client, "confirmEntry", "StepInput", entryId=black, idempotencyKey="k-1")
    assert first["replayed"] is False and again["replayed"] is True
    assert again["entry"] == first["entry"]
    history = await entry_state(client, black)
    assert [t["action"] for t in history["transitions"]] == ["propose", "confirm"]


async def test_a_retried_proposal_with_its_idempotency_key_creates_no_second_entry(
    client: HubClient,
) -> None:
    entry = proposal("BLACK", uscc=TRADING)
    first = await officer(client, PROPOSE, e=entry, k="batch-7")
    again = await officer(client, PROPOSE, e=entry, k="batch-7")
    assert again["data"] == first["data"]


async def test_of_two_concurrent_steps_on_one_entry_exactly_one_wins(
    client: HubClient, clock: Clock
) -> None:
    black = await propose(client, proposal("BLACK", uscc=TRADING))
    query = step_mutation("confirmEntry", "StepInput")
    answers = await asyncio.gather(
        *(officer(client, query, i={"entryId": black, "expectedVersion": 1}) for _ in range(4))
    )
    kinds = sorted(a["data"]["confirmEntry"]["__typename"] for a in answers)
    assert kinds == ["EntryTransitioned", "VersionConflict", "VersionConflict", "VersionConflict"]
    history = await entry_state(client, black)
    assert [t["action"] for t in history["transitions"]] == ["propose", "confirm"]


PUSH = """mutation($es: [EntryProposalInput!]!) { pushEntries(entries: $es) { __typename
  ... on EntriesProposed { count }
  ... on BatchRejected { message problems { index field rule } } } }"""


async def test_a_rejected_batch_changes_nothing_and_names_every_failing_entry(
    client: HubClient, graph: Driver
) -> None:
    good = proposal("BLACK", uscc=TRADING)
    bad_code = proposal("WATCH", uscc="91110000600037341X")
    red_for_black = proposal("RED", uscc=ACME)
    no_watch = proposal("BLACK", uscc=TRADING) | {"watchMonthsAfterExit": None}
    result = await officer(client, PUSH, es=[good, bad_code, red_for_black, no_watch])
    rejected = result["data"]["pushEntries"]
    assert rejected["__typename"] == "BatchRejected"
    assert [(p["index"], p["field"]) for p in rejected["problems"]] == [
        (1, "subject.uscc"),
        (2, "subject"),
        (3, "watchMonthsAfterExit"),
    ]
    count, _, _ = graph.execute_query("MATCH (l:ListEntry) RETURN count(l) AS n", database_="neo4j")
    assert count[0]["n"] == 2  # the two imported ones


async def test_a_batch_of_valid_entries_is_written_at_once(client: HubClient) -> None:
    entries = [proposal("WATCH", uscc=TRADING) | {"id": f"W-{i}"} for i in range(50)]
    result = await officer(client, PUSH, es=entries)
    assert result["data"]["pushEntries"] == {"__typename": "EntriesProposed", "count": 50}


async def test_history_keeps_every_step_and_answers_status_at_a_date_R9(
    client: HubClient, clock: Clock
) -> None:
    red = await propose(client, proposal("RED", uscc=TRADING))
    await activate(client, clock, red, "RED")
    await step(client, "exitEntry", "ExitInput", entryId=red, reason="MISUSED_REWARDS")
    history = await entry_state(client, red)
    assert [t["action"] for t in history["transitions"]] == [
        "propose",
        "startPublicNotice",
        "confirm",
        "exitEntry",
    ]
    status_at = "query($id: ID!, $d: Date!) { entryStatusAt(id: $id, date: $d) { status inForce } }"
    before = await officer(client, status_at, id=red, d="2020-01-01")
    assert before["data"]["entryStatusAt"] == {"status": None, "inForce": False}


async def test_an_entry_past_its_validity_is_never_presented_as_in_force(
    client: HubClient, graph: Driver
) -> None:
    graph.execute_query(
        "MATCH (l:ListEntry {id: 'E-2021-0001'}) SET l.valid_until = date('2025-01-01')",
        database_="neo4j",
    )
    result = await client.ask(
        '{ enterprise(uscc: "%s") { entries { id status exitReason exitedOn } } }' % ACME
    )
    assert result["data"]["enterprise"]["entries"] == [
        {"id": "E-2021-0001", "status": "EXITED", "exitReason": "EXPIRED", "exitedOn": "2025-01-02"}
    ]


async def test_a_late_report_is_tracked_in_chinese_working_days_R6(client: HubClient) -> None:
    late = proposal("WATCH", uscc=TRADING) | {"identifiedOn": "2026-09-25"}
    result = await officer(client, PROPOSE, e=late)
    entry = result["data"]["proposeEntry"]["entries"][0]
    # 2026-09-25 (Fri) + 5 working days: Sep 28, 29, 30, then the National Day holidays
    # (Oct 1-7), then Oct 8 and 9.
    assert entry["reportDeadline"] == "2026-10-09"
    assert entry["reportedLate"] is True


async def test_another_units_entry_history_reads_as_absent_and_is_audited(
    client: HubClient, graph: Driver
) -> None:
    black = await propose(client, proposal("BLACK", uscc=TRADING))
    query = "query($id: ID!) { entryHistory(id: $id) { entry { id } } }"
    foreign = await officer(client, query, unit="U-MARKET", id=black)
    missing = await officer(client, query, unit="U-MARKET", id="E-DOES-NOT-EXIST")
    assert foreign == missing == {"data": {"entryHistory": None}}
    assert audit_events(graph)[-2]["denied"] == ["Query.entryHistory"]


async def test_a_repair_application_is_decided_once_even_by_concurrent_decisions_R21(
    client: HubClient, clock: Clock, graph: Driver
) -> None:
    black = await propose(client, proposal("BLACK", uscc=TRADING))
    await activate(client, clock, black, "BLACK")
    applied = await step(
        client, "applyForRepair", "RepairApplicationInput", entryId=black, statement="paid"
    )
    decide = "mutation($i: RepairDecisionInput!) { decideRepair(input: $i) { %s } }" % STEP_FIELDS
    answers = await asyncio.gather(
        *(
            officer(client, decide, i={"applicationId": applied["applicationId"], "approve": ok})
            for ok in (False, True, False, True)
        )
    )
    kinds = sorted(a["data"]["decideRepair"]["__typename"] for a in answers)
    assert kinds == ["EntryTransitioned"] + ["TransitionNotAllowed"] * 3
    records, _, _ = graph.execute_query(
        "MATCH (a:RepairApplication) RETURN a.status AS status", database_="neo4j"
    )
    assert [r["status"] for r in records] in (["APPROVED"], ["REJECTED"])
    history = await entry_state(client, black)
    assert [t["action"] for t in history["transitions"]].count("decideRepair") == 1


def _round_trips(graph: Driver, operation: str) -> int:
    """The Cypher statements of the last request that asked ``operation`` (its audit record)."""
    [event] = [e for e in audit_events(graph) if operation in e["operations"]][-1:]
    return int(event["x_round_trips"])


async def test_a_proposal_is_one_transaction_of_three_statements(
    client: HubClient, graph: Driver
) -> None:
    await propose(client, proposal("WATCH", uscc=TRADING))

    # the subjects' lists (R3, R5), the ids already taken, the entries created
    assert _round_trips(graph, "Mutation.proposeEntry") == 3


async def test_a_lifecycle_step_is_one_transaction_of_three_statements(
    client: HubClient, graph: Driver
) -> None:
    entry_id = await propose(client, proposal("WATCH", uscc=TRADING))
    await step(client, "confirmEntry", "StepInput", entryId=entry_id)

    # the entry locked and read, the subject's black entries (R4), the transition written
    assert _round_trips(graph, "Mutation.confirmEntry") == 3
