"""Attack class 4: banks can enumerate people and entries.

The quota counts subjects asked, not requests (aliases, fragments, batch items, mixed
operations), taken whole or refused before anything is read, exactly across processes; missed
look-ups are an anomaly; feedback is accepted only on entries a check answer showed the unit,
and any other id answers exactly as an entry that does not exist (R17, R23).
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver
from stdnum.cn import ric

from graph.catalogue import load_catalogue
from hub.importing.run import import_file
from hub.policy.engine import policy_dir
from hub.policy.quota import subjects_asked
from hub.settings import Settings
from tests.sanctions.test_check import ACME, CLEAN, EXCO, TRADING, _records
from tests.support.hubtest import HubClient, audit_events, hub_client, token

LOAN = "LOAN_APPROVAL"
CHECK = 'a%d: check(subject: {uscc: "%s"}) { verdict }'
CHECK_MANY = "query($s: [SubjectInput!]!) { checkMany(subjects: $s) { found } }"
REPORT = """mutation($f: FeedbackInput!) { reportFeedback(feedback: $f) { entryId outcome } }"""
CHECK_SHOWN = """query($s: SubjectInput!) { check(subject: $s) {
  measures { entryId code } suspendedEntryIds } }"""
ANOMALIES = "{ auditAnomalies { rule unit count detail events } }"


def unknown_ids(n: int, region: str = "110105") -> list[str]:
    """``n`` valid identity numbers the graph does not hold (born 1961-1970)."""
    numbers = []
    for i in range(n):
        body = f"{region}19{61 + i % 10}0{1 + i % 9}1{i % 10}{i // 10 % 1000:03d}"[:17]
        numbers.append(body + ric.calc_check_digit(body + "0"))
    return numbers


def _settings(settings: Settings, tmp_path: Path, quota: int, **env: str) -> Settings:
    directory = tmp_path / "policies"
    shutil.copytree(policy_dir(), directory, dirs_exist_ok=True)
    (directory / "quotas.csv").write_text(f"bank_officer, {quota}\n")
    return Settings.from_env(
        {
            "CREDIT_HUB_NEO4J_URI": settings.neo4j_uri,
            "CREDIT_HUB_DATA_DIR": str(settings.data_dir),
            "CREDIT_HUB_POLICY_DIR": str(directory),
            **env,
        }
    )


@pytest.fixture
def bank_city(graph: Driver, settings: Settings, tmp_path: Path) -> Settings:
    load_catalogue(graph, "neo4j")
    records = [
        *_records(),
        {
            "type": "entry",
            "id": "E-PROPOSED",
            "list": "BLACK",
            "subject": {"uscc": CLEAN},
            "unit": "U-MARKET",
            "domain": "MARKET",
            "basis": 2,
            "identified_on": "2025-06-01",
            "valid_until": "2030-06-01",
            "status": "PROPOSED",
            "repairable": True,
        },
    ]
    path = tmp_path / "city.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    import_file(settings, path)
    return settings


@pytest.fixture
async def bank(bank_city: Settings, tmp_path: Path) -> AsyncIterator[HubClient]:
    async with hub_client(_settings(bank_city, tmp_path, 10)) as client:
        yield client


@pytest.fixture
async def roomy(bank_city: Settings, tmp_path: Path) -> AsyncIterator[HubClient]:
    async with hub_client(_settings(bank_city, tmp_path, 10_000)) as client:
        yield client


def _bank(client: HubClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(client.settings, 'bank_officer', 'U-BANK')}"}


async def ask(client: HubClient, query: str, **variables: Any) -> httpx.Response:
    return await client.post(
        query, role=None, purpose=LOAN, headers=_bank(client), variables=variables or None
    )


def _aliases(n: int, uscc: str = CLEAN) -> str:
    return "{ " + " ".join(CHECK % (i, uscc) for i in range(n)) + " }"


def used(graph: Driver) -> int:
    records, _, _ = graph.execute_query("MATCH (q:DailyQuota {unit: 'U-BANK'}) RETURN q.used AS n")
    return int(records[0]["n"]) if records else 0


def test_subjects_asked_counts_aliases_fragments_batches_and_mixed_operations() -> None:
    """Attack class 4: every root field occurrence counts, a batch counts its items, a fragment
    counts each time it is spread (computed once: linear in the document)."""
    ids = [{"idNumber": n} for n in unknown_ids(7)]
    fragments = "query { ...A } fragment A on Query { ...B ...B ...B } fragment B on Query { %s }"
    chain = "query { ...F0 } " + " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} ...F{i + 1} }}" for i in range(30)
    )
    chain += ' fragment F30 on Query { check(subject: {uscc: "%s"}) { verdict } }' % CLEAN
    mixed = (
        "query($s: [SubjectInput!]!) { a: checkMany(subjects: $s) { found } b: checkMany("
        'subjects: [{uscc: "%s"}, {uscc: "%s"}]) { found } c: check(subject: {uscc: "%s"}) '
        "{ verdict } __typename }" % (CLEAN, ACME, ACME)
    )
    assert subjects_asked(_aliases(30)) == 30
    assert subjects_asked(CHECK_MANY, {"s": ids}) == 7
    assert subjects_asked(fragments % (CHECK % (0, CLEAN) + " " + CHECK % (1, ACME))) == 6
    assert subjects_asked(chain) == 3**30  # counted in microseconds, refused before validation
    assert subjects_asked(mixed, {"s": ids}) == 10
    assert subjects_asked(REPORT, {"f": {}}) == 1
    assert subjects_asked("{ __typename }") == 1  # a request costs at least one
    assert subjects_asked("{ not a document") == 1


async def test_aliases_over_the_quota_are_refused_whole_and_take_nothing(
    bank: HubClient, graph: Driver
) -> None:
    """Attack class 4 (aliases): with 4 of 10 subjects left, 5 aliases are one refusal that
    takes nothing; 4 then pass, and one more subject that day is refused."""
    ids = [{"idNumber": n} for n in unknown_ids(6)]
    assert (await ask(bank, CHECK_MANY, s=ids)).status_code == 200
    over = await ask(bank, _aliases(5))
    assert over.status_code == 429
    assert over.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "asked about 5 subject(s) but has 4 of its 10" in over.json()["errors"][0]["message"]
    assert used(graph) == 6
    exact = await ask(bank, _aliases(4))
    assert exact.status_code == 200 and len(exact.json()["data"]) == 4
    assert (await ask(bank, _aliases(1))).status_code == 429
    assert used(graph) == 10
    records = audit_events(graph)
    decisions = ["ALLOWED", "RATE_LIMITED", "ALLOWED", "RATE_LIMITED"]
    assert [r["decision"] for r in records] == decisions
    assert records[1]["x_round_trips"] == 0  # nothing was read for a refused request


async def test_batches_count_their_items_literal_or_variable(
    bank: HubClient, graph: Driver
) -> None:
    """Attack class 4 (batches): checkMany counts each subject, as a variable or a literal."""
    ids = [{"idNumber": n} for n in unknown_ids(11)]
    assert (await ask(bank, CHECK_MANY, s=ids)).status_code == 429
    assert (await ask(bank, CHECK_MANY, s=ids[:6])).status_code == 200
    literal = "{ checkMany(subjects: [%s]) { found } }" % ", ".join(
        '{idNumber: "%s"}' % i["idNumber"] for i in ids[:5]
    )
    assert (await ask(bank, literal)).status_code == 429  # 5 asked, 4 left: refused whole
    assert (await ask(bank, CHECK_MANY, s=ids[:4])).status_code == 200
    assert used(graph) == 10


async def test_fragments_and_mixed_operations_count_every_subject(
    bank: HubClient, graph: Driver
) -> None:
    """Attack class 4 (fragments, mixed operations): spreads multiply, a feedback report and
    a check in one document both count; a fragment chain of 3^30 subjects is refused at once."""
    spread = "query { ...A } fragment A on Query { ...B ...B } fragment B on Query { %s }" % (
        CHECK % (0, CLEAN) + " " + CHECK % (1, ACME)
    )
    chain = "query { ...F0 } " + " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} ...F{i + 1} }}" for i in range(30)
    )
    chain += " fragment F30 on Query { %s }" % (CHECK % (0, CLEAN))
    assert (await ask(bank, chain)).status_code == 429
    assert (await ask(bank, spread)).status_code == 200  # 4 subjects
    mixed = "query($s: [SubjectInput!]!) { checkMany(subjects: $s) { found } %s }" % (
        CHECK % (0, ACME)
    )
    ids = [{"idNumber": n} for n in unknown_ids(5)]
    assert (await ask(bank, mixed, s=ids)).status_code == 200  # 6 subjects: 10 used
    assert (
        await ask(bank, REPORT, f={"entryId": "E-ACME", "measureCode": "M", "outcome": "APPLIED"})
    ).status_code == 429
    assert used(graph) == 10


async def test_the_quota_is_exact_under_concurrency_across_processes(
    bank_city: Settings, graph: Driver, tmp_path: Path
) -> None:
    """Attack class 4: two hub processes, 40 concurrent requests of 3 subjects against a quota
    of 25: exactly 8 are answered (24 subjects), every other one is refused and takes nothing."""
    limited = _settings(bank_city, tmp_path, 25)
    query = _aliases(3)
    async with hub_client(limited) as first, hub_client(limited) as second:
        responses = await asyncio.gather(
            *(ask(first if i % 2 else second, query) for i in range(40))
        )
        statuses = [r.status_code for r in responses]
        last = await ask(first, _aliases(1))
    assert statuses.count(200) == 8 and statuses.count(429) == 32
    assert last.status_code == 200  # the one subject left is still there: nothing leaked
    assert used(graph) == 25


async def test_feedback_only_on_entries_the_bank_was_shown_R17(
    roomy: HubClient, graph: Driver, bank_city: Settings
) -> None:
    """Attack class 4 (feedback scope): a bank may report on the entries a check answer showed
    its unit; on another unit's PROPOSED entry, an exited entry, an entry only another unit was
    shown, one it never checked and one that does not exist, the answer is the same."""
    shown = (await ask(roomy, CHECK_SHOWN, s={"uscc": ACME})).json()["data"]["check"]
    assert {m["entryId"] for m in shown["measures"]} == {"E-ACME"}
    suspended = (await ask(roomy, CHECK_SHOWN, s={"uscc": TRADING})).json()["data"]["check"]
    assert suspended["suspendedEntryIds"] == ["E-TRADING"]
    for subject in ({"uscc": CLEAN}, {"uscc": EXCO}):  # checked: no entry shown
        assert (await ask(roomy, CHECK_SHOWN, s=subject)).json()["data"]["check"]["measures"] == []
    implementing = {"Authorization": f"Bearer {token(bank_city, 'implementing_officer', 'U-TAX')}"}
    await roomy.ask(
        CHECK_SHOWN, role=None, purpose=LOAN, headers=implementing, variables={"s": {"uscc": ACME}}
    )  # an implementing officer of U-TAX (no bank purpose): refused, shows nothing to U-BANK

    def feedback(entry: str, measure: str = "M-BLK-LOAN-PRICING") -> dict[str, Any]:
        return {"entryId": entry, "measureCode": measure, "outcome": "APPLIED"}

    accepted = (await ask(roomy, REPORT, f=feedback("E-ACME"))).json()
    assert accepted["data"] == {"reportFeedback": {"entryId": "E-ACME", "outcome": "APPLIED"}}
    wrong_measure = (await ask(roomy, REPORT, f=feedback("E-ACME", "M-RED-GREEN-CHANNEL"))).json()
    assert wrong_measure["errors"][0]["message"].startswith("measureCode:")  # shown: told why

    refusals = []
    for entry in ("E-PROPOSED", "E-EXCO", "E-OLDCO", "E-LAPSED", "E-REDCO", "E-NOWHERE"):
        body = (await ask(roomy, REPORT, f=feedback(entry, "M-BLK-LOAN-PRICING"))).json()
        refusals.append(body)
    for body in refusals:
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_INPUT"]
        assert body["errors"][0]["message"] == "entryId: no such entry"
        assert set(body["errors"][0]) == set(refusals[-1]["errors"][0])
        assert body["errors"][0]["extensions"] == refusals[-1]["errors"][0]["extensions"]
    records, _, _ = graph.execute_query("MATCH (f:Feedback) RETURN f.entry_id AS e, f.unit AS u")
    assert len(records) == 1 and records[0]["u"] == "U-BANK"


async def test_feedback_on_an_entry_shown_to_another_unit_is_refused_R17(
    roomy: HubClient, bank_city: Settings
) -> None:
    """Attack class 4 (feedback scope): what U-TAX was shown does not open it to U-BANK."""
    implementing = {"Authorization": f"Bearer {token(bank_city, 'implementing_officer', 'U-TAX')}"}
    seen = await roomy.ask(
        CHECK_SHOWN,
        role=None,
        purpose="LICENSING",
        headers=implementing,
        variables={"s": {"uscc": ACME}},
    )
    assert "E-ACME" in [m["entryId"] for m in seen["data"]["check"]["measures"]]
    body = (
        await ask(
            roomy,
            REPORT,
            f={"entryId": "E-ACME", "measureCode": "M-BLK-LOAN-PRICING", "outcome": "APPLIED"},
        )
    ).json()
    assert body["errors"][0]["message"] == "entryId: no such entry"


async def test_a_bank_probing_identity_numbers_raises_an_anomaly(
    bank_city: Settings, graph: Driver, tmp_path: Path
) -> None:
    """Attack class 4 (high miss rate): 150 checks of numbers the graph does not hold and one
    that it does are one LOOKUP_MISSES flag for the user, citing the records."""
    async with hub_client(_settings(bank_city, tmp_path, 10_000)) as client:
        ids = [{"idNumber": n} for n in unknown_ids(150)] + [{"uscc": ACME}]
        assert (await ask(client, CHECK_MANY, s=ids)).status_code == 200
        flags = await client.ask(ANOMALIES, role="privacy_officer", purpose=None)
    assert "errors" not in flags, flags
    record = audit_events(graph)[0]
    assert (record["x_lookups"], record["x_lookup_misses"]) == (151, 150)
    misses = [a for a in flags["data"]["auditAnomalies"] if a["rule"] == "LOOKUP_MISSES"]
    assert len(misses) == 1
    assert misses[0]["unit"] == "U-BANK" and misses[0]["count"] == 150
    assert "150 of 151 look-ups by identifier" in misses[0]["detail"]
    assert misses[0]["events"] == [f"{record['writer']}:{record['seq']}"]
