"""``exposure(subject, depth)`` against the real Neo4j: paths with dates, depth 1..3, capped
super nodes, one round trip (docs/check.md)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

import pytest
from neo4j import Driver

from hub.sanctions.exposure import FANOUT
from hub.seeding.codes import random_identity_number, random_uscc
from tests.sanctions.test_check import ACME, EXCO, LAPSED, QIAN, TRADING, UNKNOWN, ZHANG, _records
from tests.support.hubtest import HubClient, audit_events, codes

NOMINEE = "452728198305308898"  # a nominee director of FANOUT + 50 enterprises: a super node
# a nominee director of FANOUT + 50 listed shells: the oldest 20 posts ended, the rest current
SHELL_DIRECTOR = random_identity_number(random.Random(8), male=True)
SHELLS = FANOUT + 50

EXPOSURE = """query($s: SubjectInput!, $d: Int!) { exposure(subject: $s, depth: $d) {
  found depth capped
  items { hops listedSubject entryId list status domain actDate identifiedOn validUntil
          heldOnActDate path } } }"""


def _nominee_records() -> list[dict[str, Any]]:
    rng = random.Random(7)
    firms = sorted({random_uscc(rng) for _ in range(FANOUT + 50)})
    records: list[dict[str, Any]] = [{"type": "person", "id_number": NOMINEE, "name": "挂名董事"}]
    for uscc in firms:
        records.append({"type": "enterprise", "uscc": uscc, "name": f"空壳{uscc[-4:]}"})
        records.append(
            {
                "type": "role",
                "person": NOMINEE,
                "enterprise": uscc,
                "role": "DIRECTOR",
                "from": "2022-01-01",
                "to": None,
            }
        )
    records.append(  # the listed enterprise: the nominee's oldest post, and one that ended
        {
            "type": "role",
            "person": NOMINEE,
            "enterprise": ACME,
            "role": "DIRECTOR",
            "from": "2001-01-01",
            "to": "2002-01-01",
        }
    )
    return records


def _shell(k: int) -> str:
    return f"E-SHELL-{k:03d}"


def _shell_records() -> list[dict[str, Any]]:
    """``SHELL_DIRECTOR`` took up post k on 2000-01-01 + 30 k days; posts 0..19 ended."""
    rng = random.Random(9)
    firms = list(dict.fromkeys(random_uscc(rng) for _ in range(SHELLS)))
    person = {"type": "person", "id_number": SHELL_DIRECTOR, "name": "挂名董事乙"}
    records: list[dict[str, Any]] = [person]
    for k, uscc in enumerate(firms):
        start = date(2000, 1, 1) + timedelta(days=30 * k)
        end = (start + timedelta(days=365)).isoformat() if k < 20 else None
        records += [
            {"type": "enterprise", "uscc": uscc, "name": f"壳{uscc[-4:]}"},
            {
                "type": "role",
                "person": SHELL_DIRECTOR,
                "enterprise": uscc,
                "role": "DIRECTOR",
                "from": start.isoformat(),
                "to": end,
            },
            {
                "type": "entry",
                "id": _shell(k),
                "list": "WATCH",
                "subject": {"uscc": uscc},
                "unit": "U-MARKET",
                "domain": "MARKET",
                "basis": 2,
                "identified_on": "2025-06-01",
                "valid_until": "2030-06-01",
                "status": "ACTIVE",
                "repairable": True,
            },
        ]
    return records


def _city_records() -> list[dict[str, Any]]:
    return [*_records(), *_nominee_records(), *_shell_records()]


pytestmark = pytest.mark.hub(records=_city_records, catalogue=True)


async def exposure(client: HubClient, subject: dict[str, str], depth: int) -> dict[str, Any]:
    # ENFORCEMENT: the one purpose that may walk 3 hops (policies/limits.csv)
    result = await client.ask(EXPOSURE, variables={"s": subject, "d": depth}, purpose="ENFORCEMENT")
    assert "errors" not in result, result
    answer: dict[str, Any] = result["data"]["exposure"]
    return answer


async def test_a_person_sees_the_listed_enterprises_of_their_roles_with_dates(
    client: HubClient,
) -> None:
    answer = await exposure(client, {"idNumber": ZHANG}, 1)

    assert (answer["found"], answer["depth"], answer["capped"]) == (True, 1, False)
    # EXCO's entry exited and LAPSED's is past its validity: neither is exposure (R9)
    assert [(i["hops"], i["entryId"]) for i in answer["items"]] == [(1, "E-ACME")]
    item = answer["items"][0]
    assert item["listedSubject"] == f"Enterprise:{ACME}"
    assert (item["list"], item["status"], item["domain"]) == ("BLACK", "ACTIVE", "MARKET")
    assert (item["actDate"], item["identifiedOn"], item["validUntil"]) == (
        "2025-03-01",
        "2025-06-01",
        "2030-06-01",
    )
    assert item["heldOnActDate"] is True
    assert item["path"][0].startswith("Person:") and ZHANG not in item["path"][0]
    assert item["path"][1:] == [
        "-[LEGAL_REPRESENTATIVE 2025-01-01..open]->",
        f"Enterprise:{ACME}",
        "<-ListEntry:E-ACME BLACK ACTIVE identified 2025-06-01 act 2025-03-01",
    ]
    assert EXCO not in json.dumps(answer) and LAPSED not in json.dumps(answer)


async def test_an_enterprise_sees_its_own_entry_and_its_officers_entries(
    client: HubClient,
) -> None:
    answer = await exposure(client, {"uscc": TRADING}, 1)

    assert [(i["hops"], i["entryId"], i["status"]) for i in answer["items"]] == [
        (0, "E-TRADING", "OBJECTED"),
        (1, "E-QIAN", "ACTIVE"),
    ]
    own, officer = answer["items"]
    assert own["path"] == [
        f"Enterprise:{TRADING}",
        "<-ListEntry:E-TRADING BLACK OBJECTED identified 2025-06-01 act unknown",
    ]
    assert own["heldOnActDate"] is None
    assert officer["path"][1] == "<-[LEGAL_REPRESENTATIVE 2020-01-01..open]-"
    assert officer["listedSubject"].startswith("Person:")


async def test_depth_two_reaches_enterprises_linked_through_a_shared_person(
    client: HubClient,
) -> None:
    one = await exposure(client, {"uscc": EXCO}, 1)
    two = await exposure(client, {"uscc": EXCO}, 2)

    assert one["items"] == []
    # EXCO <-LR- ZHANG -LR-> ACME (black-listed)
    assert [(i["hops"], i["entryId"]) for i in two["items"]] == [(2, "E-ACME")]
    assert two["items"][0]["path"][1] == "<-[LEGAL_REPRESENTATIVE 2018-01-01..open]-"
    assert two["items"][0]["path"][3] == "-[LEGAL_REPRESENTATIVE 2025-01-01..open]->"


async def test_a_super_node_is_capped_and_says_so(client: HubClient, graph: Driver) -> None:
    answer = await exposure(client, {"idNumber": NOMINEE}, 2)

    assert answer["capped"] is True
    assert audit_events(graph)[-1]["x_round_trips"] == 1


async def test_a_capped_answer_keeps_the_listed_enterprise_before_current_posts(
    client: HubClient,
) -> None:
    answer = await exposure(client, {"idNumber": NOMINEE}, 1)

    # the post in ACME is the nominee's oldest and it ended; the 250 current ones are unlisted
    assert answer["capped"] is True
    assert [(i["hops"], i["entryId"]) for i in answer["items"]] == [(1, "E-ACME")]
    assert answer["items"][0]["path"][1] == "-[DIRECTOR 2001-01-01..2002-01-01]->"


async def test_a_capped_answer_keeps_current_then_most_recent_posts_the_same_every_time(
    client: HubClient,
) -> None:
    answers = [await exposure(client, {"idNumber": SHELL_DIRECTOR}, 1) for _ in range(2)]

    # all SHELLS are listed: the 20 ended posts go first, then the 30 oldest current ones
    assert answers[0]["capped"] is True
    assert [i["entryId"] for i in answers[0]["items"]] == [_shell(k) for k in range(50, SHELLS)]
    assert answers[1] == answers[0]


async def test_depth_is_one_to_three(client: HubClient) -> None:
    variables = {"s": {"uscc": ACME}, "d": 0}
    result = await client.ask(EXPOSURE, variables=variables, purpose="ENFORCEMENT")
    assert codes(result) == ["BAD_INPUT"]
    three = await exposure(client, {"uscc": ACME}, 3)
    assert three["depth"] == 3
    # beyond 3 no purpose reaches: the purpose's limit refuses it first
    variables["d"] = 4
    result = await client.ask(EXPOSURE, variables=variables, purpose="ENFORCEMENT")
    assert codes(result) == ["FORBIDDEN"]
    assert "limit 3 for purpose ENFORCEMENT" in result["errors"][0]["message"]


async def test_exposure_is_information_only_and_one_round_trip(
    client: HubClient, graph: Driver
) -> None:
    answer = await exposure(client, {"idNumber": QIAN}, 2)

    assert [(i["hops"], i["entryId"]) for i in answer["items"]] == [
        (0, "E-QIAN"),
        (1, "E-TRADING"),
    ]
    record = audit_events(graph)[-1]
    assert record["x_round_trips"] == 1
    assert record["operations"] == ["Query.exposure"]
    assert f"Enterprise:{TRADING}" in record["subjects"]


async def test_an_unknown_subject_has_no_exposure(client: HubClient) -> None:
    answer = await exposure(client, {"uscc": UNKNOWN}, 2)

    assert answer == {"found": False, "depth": 2, "capped": False, "items": []}
