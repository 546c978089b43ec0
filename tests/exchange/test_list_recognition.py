"""``credit-hub import --signed FILE --trust KEYS`` (R18): another platform's lists, verified
before anything is written, recognised with their origin (hub/exchange/recognition.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from neo4j import Driver

from hub.cli import main as cli
from hub.exchange.court_feed import entry_id, import_court_feed
from hub.exchange.recognition import recognise
from hub.exchange.snapshots import SnapshotRefused
from hub.importing.run import import_file
from hub.settings import Settings
from tests.support.hubtest import ACME, DATA, LI_SI, audit_events

COURT_CASE = entry_id("U-COURT-CY", "(2023)京0105执1234号")
PERFORMED_CASE = entry_id("U-COURT-CY", "(2022)京0105执77号")


@pytest.fixture
def snapshot(
    settings: Settings,
    graph: Driver,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[Path, Path]:
    """Platform CITY-A's snapshot and trust entry; then the graph is emptied for platform B."""
    import_file(settings, DATA / "small_city.jsonl")
    import_court_feed(settings, DATA / "court_feed.jsonl")
    monkeypatch.setenv("CREDIT_HUB_NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("CREDIT_HUB_DATA_DIR", str(settings.data_dir))
    out = tmp_path / "snapshot.json"
    argv = ["export", "--platform", "CITY-A", "--since", "2022-01-01", "--out", str(out)]
    assert cli.main([*argv, "--trust-entry"]) == 0
    trust = tmp_path / "trusted-keys.json"
    entry = orjson.loads(capsys.readouterr().out.strip().splitlines()[-1])
    trust.write_bytes(orjson.dumps({"keys": [entry]}))
    graph.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")
    return out, trust


def _entries(graph: Driver) -> dict[str, dict[str, Any]]:
    records, _, _ = graph.execute_query(
        "MATCH (l:ListEntry)-[:IDENTIFIED_BY]->(u:Unit) "
        "RETURN l {.*, unit: u.code, unit_kind: u.kind} AS entry",
        database_="neo4j",
    )
    return {r["entry"]["id"]: r["entry"] for r in records}


def test_recognised_entries_keep_their_origin(
    settings: Settings, graph: Driver, snapshot: tuple[Path, Path]
) -> None:
    # Platform B knows one of the enterprises, under its own name.
    graph.execute_query(
        "CREATE (:Enterprise {uscc: $uscc, name: 'B 的名称'})", uscc=ACME, database_="neo4j"
    )
    path, trust = snapshot
    summary = recognise(settings, path, trust)
    assert summary.entries.created == summary.entries.records > 0
    entries = _entries(graph)
    tax = entries["CITY-A.E-2021-0001"]
    assert (tax["unit"], tax["unit_kind"]) == ("CITY-A.U-TAX", "PLATFORM")
    assert (tax["list"], tax["status"]) == ("BLACK", "ACTIVE")
    court = entries[f"CITY-A.{COURT_CASE}"]
    assert court["unit"] == "CITY-A.U-COURT-CY"
    assert entries[f"CITY-A.{PERFORMED_CASE}"]["status"] == "EXITED"
    records, _, _ = graph.execute_query(
        "MATCH (e:Enterprise) RETURN e.uscc AS uscc, e.name AS name", database_="neo4j"
    )
    names = {r["uscc"]: r["name"] for r in records}
    assert names == {ACME: "B 的名称"}  # a known subject is left as it is
    # Unknown subjects are created from the snapshot (identity numbers sealed, as on import).
    records, _, _ = graph.execute_query("MATCH (p:Person) RETURN p", database_="neo4j")
    persons = [dict(r["p"]) for r in records]
    assert sorted(p["name"] for p in persons) == ["李四", "王五"]
    assert all(p["id_number_ct"] and LI_SI not in str(p) for p in persons)


def test_the_same_or_an_older_snapshot_is_a_replay(
    settings: Settings, graph: Driver, snapshot: tuple[Path, Path]
) -> None:
    path, trust = snapshot
    recognise(settings, path, trust)
    before = _entries(graph)
    with pytest.raises(SnapshotRefused, match="replay"):
        recognise(settings, path, trust)
    assert _entries(graph) == before


def test_a_revoked_key_or_an_altered_file_writes_nothing(
    settings: Settings, graph: Driver, snapshot: tuple[Path, Path], tmp_path: Path
) -> None:
    path, trust = snapshot
    keys = orjson.loads(trust.read_bytes())
    keys["keys"][0]["revoked"] = True
    revoked = tmp_path / "revoked.json"
    revoked.write_bytes(orjson.dumps(keys))
    with pytest.raises(SnapshotRefused, match="revoked"):
        recognise(settings, path, revoked)
    document = orjson.loads(path.read_bytes())
    document["payload"]["entries"][0]["list"] = "RED"
    altered = tmp_path / "altered.json"
    altered.write_bytes(orjson.dumps(document))
    with pytest.raises(SnapshotRefused, match="digest"):
        recognise(settings, altered, trust)
    assert _entries(graph) == {}


def test_the_command_recognises_and_refuses_a_replay(
    graph: Driver, snapshot: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path, trust = snapshot
    assert cli.main(["import", "--signed", str(path), "--trust", str(trust)]) == 0
    assert "CITY-A.E-2021-0001" in _entries(graph)
    assert cli.main(["import", "--signed", str(path), "--trust", str(trust)]) == 1
    assert "replay" in capsys.readouterr().err
    decisions = [e["decision"] for e in audit_events(graph) if e["operations"] == ["Cli.import"]]
    assert sorted(decisions) == ["ALLOWED", "BAD_INPUT"]  # the graph was emptied before


def _blocked_transactions(graph: Driver) -> int:
    records, _, _ = graph.execute_query(
        "SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n",
        database_="neo4j",
    )
    return int(records[0]["n"])


def test_two_concurrent_imports_of_one_snapshot_take_it_once(
    settings: Settings, graph: Driver, snapshot: tuple[Path, Path]
) -> None:
    # Two real `credit-hub import --signed` processes. The test holds the platform's receipt
    # lock until both are waiting on it, so both have passed every check made outside the
    # import's transaction; then exactly one may take the snapshot, the other is a replay.
    path, trust = snapshot
    command = [str(Path(sys.executable).parent / "credit-hub"), "import", "--signed", str(path)]
    env = os.environ | {
        "CREDIT_HUB_NEO4J_URI": settings.neo4j_uri,
        "CREDIT_HUB_DATA_DIR": str(settings.data_dir),
    }
    with graph.session(database="neo4j") as session, session.begin_transaction() as held:
        held.run("MERGE (r:SnapshotReceipt {platform: 'CITY-A'}) SET r.held = true").consume()
        imports = [
            subprocess.Popen(
                [*command, "--trust", str(trust)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        deadline = time.monotonic() + 90
        while _blocked_transactions(graph) < 2:
            assert all(p.poll() is None for p in imports), "an import ended before the lock"
            assert time.monotonic() < deadline, "the imports never waited on the receipt"
            time.sleep(0.2)  # a poll interval: the loop waits on the condition above
        held.rollback()
    outcomes = sorted((p.wait(timeout=120), p.communicate()[1]) for p in imports)
    assert [code for code, _ in outcomes] == [0, 1]
    assert "replay: sequence" in outcomes[1][1]
    sequence = orjson.loads(path.read_bytes())["manifest"]["sequence"]
    records, _, _ = graph.execute_query(
        "MATCH (r:SnapshotReceipt) RETURN r.platform AS platform, r.sequence AS sequence",
        database_="neo4j",
    )
    assert [dict(r) for r in records] == [{"platform": "CITY-A", "sequence": sequence}]
    decisions = [e["decision"] for e in audit_events(graph) if e["operations"] == ["Cli.import"]]
    assert sorted(decisions) == ["ALLOWED", "BAD_INPUT"]


async def test_a_local_unit_may_not_exit_a_recognised_entry(
    settings: Settings, graph: Driver, snapshot: tuple[Path, Path]
) -> None:
    from tests.support.hubtest import codes, hub_client, token

    path, trust = snapshot
    recognise(settings, path, trust)
    mutation = "mutation($i: ExitInput!) { exitEntry(input: $i) { __typename } }"
    async with hub_client(settings) as client:
        headers = {"Authorization": f"Bearer {token(settings, 'identifying_officer', 'U-TAX')}"}
        result = await client.ask(
            mutation,
            variables={"i": {"entryId": "CITY-A.E-2021-0001", "reason": "STANDARD_CHANGED"}},
            headers=headers,
            purpose=None,
        )
    assert codes(result) == ["FORBIDDEN"], result
    assert _entries(graph)["CITY-A.E-2021-0001"]["status"] == "ACTIVE"


async def test_no_local_step_moves_a_recognised_entry_not_even_an_objection_R18(
    settings: Settings, graph: Driver, snapshot: tuple[Path, Path]
) -> None:
    from tests.support.hubtest import hub_client, token

    path, trust = snapshot
    recognise(settings, path, trust)
    mutation = (
        "mutation($i: ObjectionInput!) { raiseObjection(input: $i) { __typename "
        "... on TransitionNotAllowed { message } } }"
    )
    async with hub_client(settings) as client:
        headers = {"Authorization": f"Bearer {token(settings, 'implementing_officer', 'U-TAX')}"}
        result = await client.ask(
            mutation,
            variables={"i": {"entryId": "CITY-A.E-2021-0001", "grounds": "not us"}},
            headers=headers,
            purpose=None,
        )
    answer = result["data"]["raiseObjection"]
    assert answer["__typename"] == "TransitionNotAllowed"
    assert "recognised from another platform (R18)" in answer["message"]
    assert _entries(graph)["CITY-A.E-2021-0001"]["status"] == "ACTIVE"
