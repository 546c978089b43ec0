"""Complete: command-line operations leave one audit record each, whatever their outcome, as
a sealed one-record chain of their own; without the audit store they do not run (R23)."""

from __future__ import annotations

import getpass
import hashlib
import socket
from pathlib import Path

import pytest
from neo4j import Driver

from tests.support.audittest import Cli, checkpoints, run
from tests.support.hubtest import DATA, audit_events


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_an_import_is_recorded_with_the_file_it_read(cli: Cli, graph: Driver) -> None:
    path = DATA / "small_city.jsonl"
    status, _ = cli("import", str(path))
    assert status == 0
    [event] = audit_events(graph)
    assert event["operations"] == ["Cli.import"]
    assert event["decision"] == "ALLOWED"
    assert event["user"] == f"os:{getpass.getuser()}"
    assert event["roles"] == ["operator"]
    assert event["x_file"] == str(path)
    assert event["x_file_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert event["x_exit_status"] == 0
    assert event["seq"] == 1
    [sealed] = checkpoints(graph, event["writer"])
    assert (sealed["size"], sealed["final"], sealed["head"]) == (1, True, event["hash"])


async def test_a_rejected_import_is_recorded_as_bad_input(
    cli: Cli, graph: Driver, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type":"unit","code":"U-X"}\n', encoding="utf-8")
    status, _ = cli("import", str(bad))
    assert status == 1
    [event] = audit_events(graph)
    assert (event["operations"], event["decision"], event["error_codes"]) == (
        ["Cli.import"],
        "BAD_INPUT",
        ["BAD_INPUT"],
    )
    assert event["x_error"] == "2 bad record(s); nothing was imported"  # name, kind


async def test_migrate_and_seed_are_recorded(cli: Cli, graph: Driver) -> None:
    assert cli("migrate")[0] == 0
    assert cli("seed", "--enterprises", "3", "--seed", "5")[0] == 0
    events = sorted(audit_events(graph), key=lambda e: e["at"])
    assert [(e["operations"], e["decision"]) for e in events] == [
        (["Cli.migrate"], "ALLOWED"),
        (["Cli.seed"], "ALLOWED"),
    ]
    assert (events[1]["x_enterprises"], events[1]["x_seed"]) == (3, 5)
    assert len({e["writer"] for e in events}) == 2
    status, out = cli("audit", "verify")
    assert status == 0
    assert out[-1].endswith("every chain verifies")


async def test_without_the_audit_store_an_operation_does_not_run(
    cli: Cli, graph: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDIT_HUB_AUDIT_NEO4J_URI", f"bolt://127.0.0.1:{_closed_port()}")
    status, _ = cli("import", str(DATA / "small_city.jsonl"))
    assert status == 1
    assert cli.err == "credit-hub: the audit log is unavailable: Cli.import was not run"
    assert run(graph, "MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


async def test_a_failing_import_of_a_bad_file_leaves_one_record_naming_the_failure(
    cli: Cli, graph: Driver, tmp_path: Path
) -> None:
    bad = tmp_path / "not-json.jsonl"
    bad.write_text("this is not JSON\n", encoding="utf-8")
    status, _ = cli("import", str(bad))
    assert status == 1
    [event] = audit_events(graph)
    assert (event["operations"], event["decision"], event["error_codes"]) == (
        ["Cli.import"],
        "BAD_INPUT",
        ["BAD_INPUT"],
    )
    assert event["x_file"] == str(bad)
    assert event["x_error"]
    [sealed] = checkpoints(graph, event["writer"])
    assert (sealed["size"], sealed["final"]) == (1, True)


async def test_a_failing_export_leaves_one_record_naming_the_failure(
    cli: Cli, graph: Driver, tmp_path: Path
) -> None:
    """The export of personal data is audited whatever its outcome, not only when it succeeds."""
    out = tmp_path / "snapshot.json"
    status, _ = cli("export", "--platform", "CITY-A", "--since", "last week", "--out", str(out))
    assert status == 1
    assert cli.err == "credit-hub: --since: must be a date YYYY-MM-DD"
    assert not out.exists()
    [event] = audit_events(graph)
    assert (event["operations"], event["decision"], event["error_codes"]) == (
        ["Cli.export"],
        "BAD_INPUT",
        ["BAD_INPUT"],
    )
    assert (event["x_platform"], event["x_since"], event["x_out"]) == (
        "CITY-A",
        "last week",
        str(out),
    )
    assert event["x_error"] == "--since: must be a date YYYY-MM-DD"


async def test_a_failing_key_rotation_leaves_one_record_naming_the_failure(
    cli: Cli, graph: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``keys rotate`` is audited by the same mechanism: its failures are on record too."""
    from hub.errors import Unavailable

    def refuse(settings: object) -> None:
        raise Unavailable("the key store is read-only")

    monkeypatch.setattr("hub.cli.keys.rotate", refuse)
    status, _ = cli("keys", "rotate")
    assert status == 1
    assert cli.err == "credit-hub: the key store is read-only"
    [event] = audit_events(graph)
    assert (event["operations"], event["decision"], event["error_codes"]) == (
        ["Cli.keys.rotate"],
        "UNAVAILABLE",
        ["UNAVAILABLE"],
    )
    assert event["x_error"] == "the key store is read-only"
