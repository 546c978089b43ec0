"""Every entry records its source (unit, platform, feed, batch) and answers "where did this come
from?" as ``ListEntry.source`` (issue 7, R15, R18), whichever way it was created; one Cypher
round trip per root field, and only the roles the policy names see it."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from neo4j import Driver

from hub import clock
from hub.cli import main as cli
from hub.exchange.court_feed import entry_id, import_court_feed
from hub.exchange.recognition import recognise
from hub.importing.run import import_file
from hub.lifecycle.push_file import push_file
from hub.seeding import seed_city
from hub.settings import Settings
from tests.support.hubtest import ACME, DATA, TRADING, HubClient, audit_events, token

TODAY = date(2026, 11, 26)
SMALL_CITY = DATA / "small_city.jsonl"
COURT_FEED = DATA / "court_feed.jsonl"
COURT_CASE = entry_id("U-COURT-CY", "(2023)京0105执1234号")
SOURCE = "source { feed batch unit platform receivedAt }"
ENTRIES = '{ enterprise(uscc: "%s") { entries { id identifyingUnit %s } } }'
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


pytestmark = pytest.mark.hub(records=None, clock=lambda: TODAY)


def _digest(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


async def _sources(client: HubClient, graph: Driver, uscc: str = ACME) -> dict[str, Any]:
    """entry id → (identifying unit, source) as an agency analyst reads them, checking that the
    read took one Cypher round trip."""
    result = await client.ask(ENTRIES % (uscc, SOURCE))
    assert "errors" not in result, result
    assert _last(graph, "Query.enterprise")["x_round_trips"] == 1
    entries = result["data"]["enterprise"]["entries"]
    for entry in entries:
        assert ISO_UTC.fullmatch(entry["source"].pop("receivedAt")), entry
    return {e["id"]: (e["identifyingUnit"], e["source"]) for e in entries}


def _last(graph: Driver, operation: str) -> dict[str, Any]:
    """The audit record of the last request that asked ``operation`` (the hub's own writer)."""
    return [e for e in audit_events(graph) if e.get("operations") == [operation]][-1]


async def _officer(client: HubClient, query: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token(client.settings, 'identifying_officer')}"}
    return await client.ask(query, variables=variables, headers=headers, purpose=None)


def _proposal(**changes: Any) -> dict[str, Any]:
    return {
        "list": "WATCH",
        "subject": {"uscc": TRADING},
        "domain": "TAX",
        "basis": 2,
        "identifiedOn": (TODAY - timedelta(days=2)).isoformat(),
        "validUntil": (TODAY + timedelta(days=365)).isoformat(),
        "repairable": True,
    } | changes


async def test_an_imported_entry_names_the_file_and_the_unit(
    client: HubClient, graph: Driver, settings: Settings
) -> None:
    import_file(settings, SMALL_CITY)
    assert await _sources(client, graph) == {
        "E-2021-0001": (
            "U-TAX",
            {"feed": "IMPORT", "batch": _digest(SMALL_CITY), "unit": "U-TAX", "platform": None},
        )
    }


async def test_taking_the_same_file_again_keeps_when_it_was_received(
    client: HubClient, graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, SMALL_CITY)
    first = await client.ask(ENTRIES % (ACME, SOURCE))
    import_file(settings, SMALL_CITY)
    assert await client.ask(ENTRIES % (ACME, SOURCE)) == first
    # Another file that delivers the same entry becomes its source.
    later = tmp_path / "later.jsonl"
    later.write_bytes(SMALL_CITY.read_bytes() + b"\n")
    import_file(settings, later)
    [entry] = (await client.ask(ENTRIES % (ACME, SOURCE)))["data"]["enterprise"]["entries"]
    assert entry["source"]["batch"] == _digest(later)
    assert (
        entry["source"]["receivedAt"]
        > first["data"]["enterprise"]["entries"][0]["source"]["receivedAt"]
    )


async def test_a_court_feed_entry_names_the_feed_and_the_court_R15(
    client: HubClient, graph: Driver, settings: Settings
) -> None:
    import_file(settings, SMALL_CITY)
    import_court_feed(settings, COURT_FEED)
    sources = await _sources(client, graph)
    assert sources[COURT_CASE] == (
        "U-COURT-CY",
        {
            "feed": "COURT_FEED",
            "batch": _digest(COURT_FEED),
            "unit": "U-COURT-CY",
            "platform": None,
        },
    )


async def test_a_recognised_entry_names_its_platform_unit_and_snapshot_R18(
    client: HubClient,
    graph: Driver,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import_file(settings, SMALL_CITY)
    monkeypatch.setenv("CREDIT_HUB_NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("CREDIT_HUB_DATA_DIR", str(settings.data_dir))
    snapshot = tmp_path / "snapshot.json"
    assert (
        cli.main(["export", "--platform", "CITY-A", "--out", str(snapshot), "--trust-entry"]) == 0
    )
    trust = tmp_path / "trusted-keys.json"
    key = orjson.loads(capsys.readouterr().out.strip().splitlines()[-1])
    trust.write_bytes(orjson.dumps({"keys": [key]}))
    graph.execute_query("MATCH (l:ListEntry) DETACH DELETE l", database_="neo4j")

    recognise(settings, snapshot, trust)

    assert await _sources(client, graph) == {
        "CITY-A.E-2021-0001": (
            "CITY-A.U-TAX",
            {"feed": "SNAPSHOT", "batch": _digest(snapshot), "unit": "U-TAX", "platform": "CITY-A"},
        )
    }


async def test_a_proposed_entry_names_the_request_that_proposed_it(
    client: HubClient, graph: Driver, settings: Settings
) -> None:
    import_file(settings, SMALL_CITY)
    propose = """mutation($e: EntryProposalInput!) { proposeEntry(entry: $e) {
      ... on EntriesProposed { entries { id source { feed batch unit platform } } } } }"""
    result = await _officer(client, propose, e=_proposal(id="W-ONE"))
    request = _last(graph, "Mutation.proposeEntry")
    source = {
        "feed": "PROPOSAL",
        "batch": f"request:{request['request_id']}",
        "unit": "U-TAX",
        "platform": None,
    }
    assert result["data"]["proposeEntry"]["entries"] == [{"id": "W-ONE", "source": source}]
    # PROPOSED entries are their unit's: an analyst sees them once published; the graph has it.
    records, _, _ = graph.execute_query(
        "MATCH (l:ListEntry {id: 'W-ONE'}) RETURN l.source_batch AS batch", database_="neo4j"
    )
    assert records[0]["batch"] == source["batch"]


async def test_a_pushed_batch_names_its_request(
    client: HubClient, graph: Driver, settings: Settings
) -> None:
    import_file(settings, SMALL_CITY)
    push = """mutation($es: [EntryProposalInput!]!) { pushEntries(entries: $es) {
      ... on EntriesProposed { count } } }"""
    result = await _officer(client, push, es=[_proposal(id=f"W-{i}") for i in range(3)])
    assert result["data"]["pushEntries"] == {"count": 3}
    request_id = _last(graph, "Mutation.pushEntries")["request_id"]
    records, _, _ = graph.execute_query(
        "MATCH (l:ListEntry) WHERE l.id STARTS WITH 'W-' "
        "RETURN l.id AS id, l.source_feed AS feed, l.source_batch AS batch, "
        "l.source_unit AS unit ORDER BY id",
        database_="neo4j",
    )
    assert [dict(r) for r in records] == [
        {"id": f"W-{i}", "feed": "PROPOSAL", "batch": f"request:{request_id}", "unit": "U-TAX"}
        for i in range(3)
    ]


def test_a_pushed_file_names_the_file(graph: Driver, settings: Settings, tmp_path: Path) -> None:
    import_file(settings, SMALL_CITY)
    path = tmp_path / "push.jsonl"
    line = {
        "id": "W-FILE",
        "list": "WATCH",
        "subject": {"uscc": TRADING},
        "domain": "TAX",
        "basis": 2,
        "identified_on": (clock.today() - timedelta(days=3)).isoformat(),
        "valid_until": (clock.today() + timedelta(days=300)).isoformat(),
        "repairable": True,
    }
    path.write_bytes(orjson.dumps(line) + b"\n")
    assert push_file(settings, path, "U-TAX", "tester") == 1
    records, _, _ = graph.execute_query(
        "MATCH (l:ListEntry {id: 'W-FILE'}) "
        "RETURN l.source_feed AS feed, l.source_batch AS batch, l.source_unit AS unit",
        database_="neo4j",
    )
    assert dict(records[0]) == {"feed": "PROPOSAL", "batch": _digest(path), "unit": "U-TAX"}


async def test_a_follow_up_watch_names_the_black_entry_it_follows_R8(
    client: HubClient, graph: Driver, settings: Settings
) -> None:
    import_file(settings, SMALL_CITY)
    exit_entry = """mutation($i: ExitInput!) { exitEntry(input: $i) { __typename } }"""
    result = await _officer(
        client, exit_entry, i={"entryId": "E-2021-0001", "reason": "STANDARD_CHANGED"}
    )
    assert result["data"]["exitEntry"] == {"__typename": "EntryTransitioned"}
    sources = await _sources(client, graph)
    assert sources["E-2021-0001-W"] == (
        "U-TAX",
        {"feed": "FOLLOW_UP", "batch": "follows:E-2021-0001", "unit": "U-TAX", "platform": None},
    )


def test_seeded_entries_name_the_seed(graph: Driver, settings: Settings) -> None:
    seed_city(settings, 20, seed=7)
    records, _, _ = graph.execute_query(
        "MATCH (l:ListEntry)-[:IDENTIFIED_BY]->(u:Unit) "
        "RETURN count(l) AS entries, "
        "count(CASE WHEN l.source_feed = 'SEED' AND l.source_batch = 'seed:7' "
        "AND l.source_unit = u.code AND l.source_received_at IS NOT NULL THEN 1 END) AS sourced",
        database_="neo4j",
    )
    assert records[0]["entries"] > 0
    assert records[0]["sourced"] == records[0]["entries"]


async def test_who_sees_the_source(client: HubClient, graph: Driver, settings: Settings) -> None:
    import_file(settings, SMALL_CITY)
    query = ENTRIES % (ACME, "source { feed }")
    analyst = await client.ask(query)
    assert analyst["data"]["enterprise"]["entries"] == [
        {"id": "E-2021-0001", "identifyingUnit": "U-TAX", "source": {"feed": "IMPORT"}}
    ]
    # Banks get scoped checks only: they never reach an entry, let alone its source.
    bank = await client.ask(query, role="bank_officer", purpose="LOAN_APPROVAL")
    assert bank["data"] == {"enterprise": None}
    assert [(e["path"], e["extensions"]["code"]) for e in bank["errors"]] == [
        (["enterprise"], "FORBIDDEN")
    ]
    public = await client.ask(ENTRIES % (ACME, "source { feed }"), role="public", purpose=None)
    assert public["data"]["enterprise"]["entries"] == [
        {"id": "E-2021-0001", "identifyingUnit": "U-TAX", "source": None}
    ]
    assert [(e["path"], e["extensions"]["code"]) for e in public["errors"]] == [
        (["enterprise", "entries", 0, "source"], "FORBIDDEN")
    ]
