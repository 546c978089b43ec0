"""The courts' judgment-debtor feed (R15): ``credit-hub import --court-feed`` (docs/federation.md).

Cases become BLACK entries of the court unit, checked and written all or nothing by the one
import path, idempotently, and audited like every import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from neo4j import Driver

from hub.cli import main as cli
from hub.errors import ImportRejected
from hub.exchange.court_feed import entry_id, import_court_feed
from hub.importing.run import import_file
from hub.settings import Settings
from tests.support.hubtest import ACME, DATA, WANG_WU, audit_events

FEED = DATA / "court_feed.jsonl"
COURT = "U-COURT-CY"


def _entries(graph: Driver) -> dict[str, dict[str, Any]]:
    records, _, _ = graph.execute_query(
        "MATCH (l:ListEntry)-[:IDENTIFIED_BY]->(u:Unit) "
        "RETURN l {.*, unit: u.code, unit_kind: u.kind} AS entry",
        database_="neo4j",
    )
    return {r["entry"]["id"]: r["entry"] for r in records}


def _feed(tmp_path: Path, *lines: dict[str, Any]) -> Path:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    return path


def _case(**fields: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "type": "case",
        "case_number": "(2024)京0105执1号",
        "court": COURT,
        "basis_document": "(2023)京0105民初1号",
        "obligations": "支付货款",
        "performance": "NOT_PERFORMED",
        "listed_on": "2024-01-02",
        "subject": {"uscc": ACME},
    }
    case.update(fields)
    return {k: v for k, v in case.items() if v is not None}


def test_cases_become_black_entries_of_the_court(settings: Settings, graph: Driver) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    summary = import_court_feed(settings, FEED)
    assert (summary.entries.records, summary.entries.created) == (3, 3)
    assert (summary.units.records, summary.units.created) == (1, 1)
    entries = _entries(graph)
    listed = entries[entry_id(COURT, "(2023)京0105执1234号")]
    assert listed["list"] == "BLACK"
    assert (listed["unit"], listed["unit_kind"]) == (COURT, "COURT")
    assert (listed["domain"], listed["basis"], listed["status"]) == ("JUDICIAL", 3, "ACTIVE")
    assert "(2023)京0105执1234号" in listed["legal_basis"]
    assert "(2022)京0105民初5678号" in listed["legal_basis"]
    assert "NOT_PERFORMED" in listed["legal_basis"]
    performed = entries[entry_id(COURT, "(2022)京0105执77号")]
    assert (performed["status"], performed["exit_reason"]) == ("EXITED", "CREDIT_REPAIRED")
    assert str(performed["exited_on"]) == "2023-01-20"
    # The person debtor is linked by the identity number's blind index, never in clear.
    records, _, _ = graph.execute_query(
        "MATCH (l:ListEntry {id: $id})-[]-(p:Person) RETURN p",
        id=entry_id(COURT, "(2022)京0105执77号"),
        database_="neo4j",
    )
    assert len(records) == 1
    assert WANG_WU not in str(dict(records[0]["p"]))


def test_reimporting_a_feed_changes_nothing(settings: Settings, graph: Driver) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    import_court_feed(settings, FEED)
    before = _entries(graph)
    again = import_court_feed(settings, FEED)
    assert again.entries.created == 0
    assert _entries(graph) == before


def test_a_later_batch_updates_the_same_case(
    settings: Settings, graph: Driver, tmp_path: Path
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    import_court_feed(settings, FEED)
    update = _case(
        case_number="(2023)京0105执1234号",
        basis_document="(2022)京0105民初5678号",
        performance="PERFORMED",
        listed_on="2023-06-01",
        performed_on="2024-02-01",
    )
    summary = import_court_feed(settings, _feed(tmp_path, update))
    assert summary.entries.created == 0
    entry = _entries(graph)[entry_id(COURT, "(2023)京0105执1234号")]
    assert (entry["status"], entry["exit_reason"]) == ("EXITED", "CREDIT_REPAIRED")


def test_a_bad_feed_is_rejected_whole_with_every_bad_line(
    settings: Settings, graph: Driver, tmp_path: Path
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    before = _entries(graph)
    path = _feed(
        tmp_path,
        {"type": "court", "code": COURT, "name": "北京市朝阳区人民法院"},
        _case(),  # good
        _case(case_number="(2024)京0105执2号", performance="DONE"),
        _case(case_number="(2024)京0105执3号", performance="PERFORMED"),
        _case(case_number="(2024)京0105执4号", listed_on="2024-02-30"),
        _case(case_number="(2024)京0105执5号", subject={"uscc": "91110000600037341X"}),
        _case(case_number="(2024)京0105执6号", judge="张法官"),
        {"type": "verdict"},
    )
    with pytest.raises(ImportRejected) as caught:
        import_court_feed(settings, path)
    problems = caught.value.problems
    assert problems[0].startswith("line 3: performance: must be one of")
    assert "line 4: performed_on: required when performance is PERFORMED" in problems
    assert "line 5: listed_on: is not a calendar date" in problems
    assert "line 7: judge: unknown field" in problems
    assert "line 8: type: must be court, case, enterprise or person" in problems
    assert not any(p.startswith(("line 1:", "line 2:")) for p in problems)
    assert _entries(graph) == before
    # Line 6 passes the feed's own checks; the import's checks name it with the feed's line.
    path = _feed(
        tmp_path,
        {"type": "court", "code": COURT, "name": "北京市朝阳区人民法院"},
        _case(),
        _case(case_number="(2024)京0105执5号", subject={"uscc": "91110000600037341X"}),
    )
    with pytest.raises(ImportRejected) as caught:
        import_court_feed(settings, path)
    assert [p.split(":")[0] for p in caught.value.problems] == ["line 3"]
    assert _entries(graph) == before


def test_a_case_may_only_name_a_court(settings: Settings, graph: Driver, tmp_path: Path) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    with pytest.raises(ImportRejected) as caught:
        import_court_feed(settings, _feed(tmp_path, _case(court="U-TAX")))
    assert caught.value.problems == ["line 1: court: unit U-TAX is not a court (AGENCY)"]
    assert not [e for e in _entries(graph) if e.startswith("CJD-")]


def test_the_command_imports_the_feed_and_is_audited(
    settings: Settings, graph: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    monkeypatch.setenv("CREDIT_HUB_NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("CREDIT_HUB_DATA_DIR", str(settings.data_dir))
    assert cli.main(["import", "--court-feed", str(FEED)]) == 0
    assert entry_id(COURT, "(2024)京0105执88号") in _entries(graph)
    events = [e for e in audit_events(graph) if list(e.get("operations", [])) == ["Cli.import"]]
    assert events and events[-1]["decision"] == "ALLOWED"
