"""Which list entries a caller sees: the public only published ones (R19, R22: not under
objection), and nobody another unit's unpublished candidates (R9: exited entries leave the
public view)."""

from __future__ import annotations

import json
from pathlib import Path

from neo4j import Driver

from hub.importing.run import import_file
from hub.settings import Settings
from tests.support.hubtest import DATA, TRADING, codes, hub_client

ENTRIES = '{ enterprise(uscc: "%s") { entries { id status } } }' % TRADING


def _city(tmp_path: Path) -> Path:
    lines = (DATA / "small_city.jsonl").read_text().splitlines()
    base = {"type": "entry", "list": "WATCH", "subject": {"uscc": TRADING}, "domain": "MARKET",
            "basis": 2, "identified_on": "2026-01-05", "valid_until": "2028-01-05",
            "repairable": True}  # fmt: skip
    extra = [
        {"type": "unit", "code": "U-MARKET", "name": "市场监管局", "kind": "AGENCY"},
        base | {"id": "W-ACTIVE", "unit": "U-MARKET", "status": "ACTIVE"},
        base | {"id": "W-OBJECTED", "unit": "U-MARKET", "status": "OBJECTED"},
        base | {"id": "W-CANDIDATE-MARKET", "unit": "U-MARKET", "status": "PROPOSED"},
        base | {"id": "W-CANDIDATE-TAX", "unit": "U-TAX", "status": "PROPOSED"},
        base | {"id": "W-NOTICE", "unit": "U-MARKET", "status": "PUBLIC_NOTICE"},
        base
        | {
            "id": "W-EXITED",
            "unit": "U-MARKET",
            "status": "EXITED",
            "exit_reason": "STANDARD_CHANGED",
            "exited_on": "2026-03-01",
        },
    ]
    path = tmp_path / "visibility.jsonl"
    path.write_text("\n".join([*lines, *(json.dumps(e, ensure_ascii=False) for e in extra)]) + "\n")
    return path


async def test_the_public_sees_published_entries_only_R19(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, _city(tmp_path))
    async with hub_client(settings) as client:
        result = await client.ask(ENTRIES, role="public", purpose=None)
    ids = sorted(e["id"] for e in result["data"]["enterprise"]["entries"])
    assert ids == ["W-ACTIVE", "W-NOTICE"]


async def test_no_one_sees_another_units_unpublished_candidates(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, _city(tmp_path))
    async with hub_client(settings) as client:
        result = await client.ask(ENTRIES)  # agency_analyst of U-TAX
    ids = sorted(e["id"] for e in result["data"]["enterprise"]["entries"])
    assert ids == ["W-ACTIVE", "W-CANDIDATE-TAX", "W-EXITED", "W-NOTICE", "W-OBJECTED"]


async def test_the_public_never_sees_persons(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, _city(tmp_path))
    async with hub_client(settings) as client:
        result = await client.ask(
            '{ enterprise(uscc: "%s") { name legalRepresentative { name idNumber } } }' % TRADING,
            role="public",
            purpose=None,
        )
    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] == {
        "enterprise": {"name": "某某贸易有限公司", "legalRepresentative": None}
    }
