"""One record proven to be in the log, and a time range exported, both checkable offline with
only the audit public key (R23: reviewable by an auditor or a court outside the platform)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from neo4j import Driver

from hub.settings import Settings
from tests.support.audittest import Cli, chain_of_requests, run
from tests.support.hubtest import ACME

QUERY = '{ enterprise(uscc: "%s") { name } }' % ACME


@pytest.fixture
async def chain(graph: Driver, settings: Settings) -> AsyncIterator[str]:
    """One writer with six records, checkpoints at 4 and (final) 6."""
    yield await chain_of_requests(settings, graph, 6)


def _today_range() -> tuple[str, str]:
    today = datetime.now(UTC)
    return (today - timedelta(days=1)).isoformat(), (today + timedelta(days=1)).isoformat()


async def test_an_inclusion_proof_checks_offline(chain: str, cli: Cli, tmp_path: Path) -> None:
    proof = tmp_path / "proof.json"
    status, out = cli("audit", "prove", "--writer", chain, "--seq", "2", "--out", str(proof))
    assert (status, out) == (0, [f"proof of writer {chain} seq 2 written to {proof}"])
    body = orjson.loads(proof.read_bytes())
    assert body["record"]["seq"] == 2
    assert len(body["leaves"]) == 2  # seq 3 and 4, up to the checkpoint at size 4
    assert body["checkpoint"]["size"] == 4

    status, out = cli("audit", "verify-proof", str(proof))
    assert status == 0
    assert out == [
        f"ok: writer {chain} seq 2 is in the chain signed at size 4 ({body['checkpoint']['at']})"
    ]


async def test_an_edited_proof_does_not_check(chain: str, cli: Cli, tmp_path: Path) -> None:
    proof = tmp_path / "proof.json"
    cli("audit", "prove", "--writer", chain, "--seq", "2", "--out", str(proof))
    body = orjson.loads(proof.read_bytes())
    body["record"]["unit"] = "U-OTHER"
    proof.write_bytes(orjson.dumps(body))
    status, out = cli("audit", "verify-proof", str(proof))
    assert status == 1
    assert out == ["not proven: the record's content does not match its hash"]


async def test_a_proof_needs_a_checkpoint_after_the_record(
    chain: str, cli: Cli, graph: Driver
) -> None:
    run(graph, "MATCH (c:AuditCheckpoint {writer: $w, size: 6}) DETACH DELETE c", w=chain)
    status, _ = cli("audit", "prove", "--writer", chain, "--seq", "5")
    assert status == 1
    assert cli.err == (
        f"credit-hub: writer {chain} seq 5 is not yet sealed by a checkpoint; "
        "try again after the next one"
    )


async def test_an_export_verifies_offline(chain: str, cli: Cli, tmp_path: Path) -> None:
    start, end = _today_range()
    export = tmp_path / "audit.jsonl"
    status, out = cli("audit", "export", "--from", start, "--to", end, "--out", str(export))
    assert status == 0
    assert out == [f"exported 6 record(s) of 1 writer(s), 9 lines to {export}"]
    status, out = cli("audit", "verify", "--file", str(export))
    assert status == 0
    assert out[0] == f"writer {chain}: ok, seq 1..6, sealed through 6, closed"


async def test_an_export_edited_after_signing_is_named(
    chain: str, cli: Cli, tmp_path: Path
) -> None:
    start, end = _today_range()
    export = tmp_path / "audit.jsonl"
    cli("audit", "export", "--from", start, "--to", end, "--out", str(export))
    lines = export.read_bytes().splitlines(keepends=True)
    del lines[3]  # the record seq 3
    export.write_bytes(b"".join(lines))
    status, out = cli("audit", "verify", "--file", str(export))
    assert status == 1
    assert out[:2] == [
        "file: the file was changed after it was signed (lines or digest differ)",
        f"writer {chain}: seq 3 removed: seq 4 does not link to seq 2",
    ]


async def test_an_export_of_a_tampered_log_names_the_record(
    chain: str, cli: Cli, graph: Driver, tmp_path: Path
) -> None:
    run(graph, "MATCH (a:AuditEvent {writer: $w, seq: 3}) SET a.user = 'someone else'", w=chain)
    start, end = _today_range()
    export = tmp_path / "audit.jsonl"
    cli("audit", "export", "--from", start, "--to", end, "--out", str(export))
    status, out = cli("audit", "verify", "--file", str(export))
    assert status == 1
    assert out[0] == f"writer {chain}: seq 3 changed: its content does not match its hash"
