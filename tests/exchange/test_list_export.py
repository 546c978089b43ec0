"""``credit-hub export`` (R18): effective entries and exits as a signed snapshot that a
receiving platform opens with the exporter's trusted key (hub/exchange/export.py,
hub/exchange/snapshots.py)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from neo4j import Driver

from hub.cli import main as cli
from hub.exchange.court_feed import entry_id, import_court_feed
from hub.exchange.snapshots import SnapshotRefused, load_trust, open_snapshot
from hub.importing.run import import_file
from hub.settings import Settings
from tests.support.hubtest import ACME, DATA, LI_SI, WANG_WU, audit_events


@pytest.fixture
def exported_city(settings: Settings, graph: Driver, monkeypatch: pytest.MonkeyPatch) -> Settings:
    import_file(settings, DATA / "small_city.jsonl")
    import_court_feed(settings, DATA / "court_feed.jsonl")
    monkeypatch.setenv("CREDIT_HUB_NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("CREDIT_HUB_DATA_DIR", str(settings.data_dir))
    return settings


def _export(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[bytes, Path]:
    out = tmp_path / "snapshot.json"
    assert (
        cli.main(["export", "--platform", "CITY-A", "--out", str(out), "--trust-entry", *args]) == 0
    )
    trust = tmp_path / "trusted-keys.json"
    entry = orjson.loads(capsys.readouterr().out.strip().splitlines()[-1])
    trust.write_bytes(orjson.dumps({"keys": [entry]}))
    return out.read_bytes(), trust


def test_the_city_exports_its_effective_entries_signed(
    exported_city: Settings, graph: Driver, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document, trust = _export(tmp_path, capsys, "--since", "2023-01-01")
    snapshot = open_snapshot(document, load_trust(trust), lambda platform: None)
    assert snapshot.platform == "CITY-A"
    by_id = {e["id"]: e for e in snapshot.entries}
    assert by_id["E-2021-0001"]["subject"] == {"uscc": ACME, "name": "某某科技有限公司"}
    assert by_id["E-2021-0001"]["unit"] == "U-TAX"
    assert by_id["E-2021-0001"]["valid_until"] == "2030-09-01"
    # A person travels by identity number: the receiver must recognise the person.
    assert by_id["E-2022-0007"]["subject"] == {"id_number": LI_SI, "name": "李四"}
    assert entry_id("U-COURT-CY", "(2023)京0105执1234号") in by_id
    assert [e["id"] for e in snapshot.exits] == [entry_id("U-COURT-CY", "(2022)京0105执77号")]
    assert snapshot.exits[0]["subject"] == {"id_number": WANG_WU, "name": "王五"}
    assert snapshot.manifest["range"] == {
        "since": "2023-01-01",
        "until": snapshot.manifest["range"]["until"],
    }
    # The export of personal data is audited with what was sent.
    event = [e for e in audit_events(graph) if list(e["operations"]) == ["Cli.export"]][-1]
    assert event["decision"] == "ALLOWED"
    assert event["x_digest"] == snapshot.manifest["digest"]
    assert event["x_entries"] == len(snapshot.entries)


def test_exits_only_since_the_given_date_and_one_unit_only(
    exported_city: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document, trust = _export(tmp_path, capsys, "--since", "2023-02-01")
    assert open_snapshot(document, load_trust(trust), lambda p: None).exits == []
    document, trust = _export(tmp_path, capsys, "--unit", "U-COURT-CY")
    snapshot = open_snapshot(document, load_trust(trust), lambda p: None)
    assert {e["unit"] for e in snapshot.entries} == {"U-COURT-CY"}
    assert len(snapshot.entries) == 2
    assert snapshot.exits == []
    assert snapshot.unit == "U-COURT-CY"


def test_a_later_export_is_newer_and_an_old_one_is_a_replay(
    exported_city: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, trust = _export(tmp_path, capsys)
    taken = open_snapshot(first, load_trust(trust), lambda p: None).sequence
    second, _ = _export(tmp_path, capsys)
    assert open_snapshot(second, load_trust(trust), lambda p: taken).sequence > taken
    with pytest.raises(SnapshotRefused, match="replay"):
        open_snapshot(first, load_trust(trust), lambda p: taken)
