"""``credit-hub expire``: automatic exits past validity (R7c, R8c), the watch entries that follow
black exits (R8), idempotent and safe to run on several hosts at once."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

from neo4j import AsyncGraphDatabase, Driver

from graph.local import credentials_for
from hub.importing.run import import_file
from hub.lifecycle.expiry import expire_due
from hub.settings import Settings
from tests.support.hubtest import DATA

TODAY = date(2026, 11, 26)


def _lapsed_entries(tmp_path: Path) -> Path:
    lines = (DATA / "small_city.jsonl").read_text().splitlines()
    extra = [
        {
            "type": "entry",
            "id": "E-OLD-BLACK",
            "list": "BLACK",
            "subject": {"uscc": "91310000MA1FL5KX2T"},
            "unit": "U-TAX",
            "domain": "TAX",
            "basis": 2,
            "act_date": "2020-01-02",
            "identified_on": "2020-02-01",
            "valid_until": "2026-11-01",
            "status": "ACTIVE",
            "repairable": True,
        },
        {
            "type": "entry",
            "id": "E-OLD-RED",
            "list": "RED",
            "subject": {"id_number": "110105199002022347"},
            "unit": "U-TAX",
            "domain": "TAX",
            "basis": 4,
            "identified_on": "2023-02-01",
            "valid_until": "2025-02-01",
            "status": "ACTIVE",
        },
    ]
    path = tmp_path / "lapsed.jsonl"
    path.write_text("\n".join([*lines, *(json.dumps(e, ensure_ascii=False) for e in extra)]) + "\n")
    return path


def _statuses(graph: Driver) -> dict[str, tuple[str, str | None, int]]:
    records, _, _ = graph.execute_query(
        "MATCH (l:ListEntry) OPTIONAL MATCH (l)-[:TRANSITIONED]->(t:Transition {action: 'expire'}) "
        "RETURN l.id AS id, l.status AS status, l.exit_reason AS reason, count(t) AS expiries",
        database_="neo4j",
    )
    return {r["id"]: (r["status"], r["reason"], r["expiries"]) for r in records}


async def test_expiry_records_exits_and_follow_up_watch_once_even_on_two_hosts_R7c_R8c(
    graph: Driver, settings: Settings, neo4j_uri: str, tmp_path: Path
) -> None:
    import_file(settings, _lapsed_entries(tmp_path))
    host_a = AsyncGraphDatabase.driver(neo4j_uri, auth=credentials_for(neo4j_uri))
    host_b = AsyncGraphDatabase.driver(neo4j_uri, auth=credentials_for(neo4j_uri))
    try:
        first = await asyncio.gather(
            expire_due(host_a, "neo4j", lambda: TODAY), expire_due(host_b, "neo4j", lambda: TODAY)
        )
        again = await expire_due(host_a, "neo4j", lambda: TODAY)
    finally:
        await host_a.close()
        await host_b.close()
    assert sum(s.expired for s in first) == 2
    assert again.expired == 0
    statuses = _statuses(graph)
    assert statuses["E-OLD-BLACK"] == ("EXITED", "EXPIRED", 1)
    assert statuses["E-OLD-RED"] == ("EXITED", "EXPIRED", 1)
    assert statuses["E-OLD-BLACK-W"][0] == "ACTIVE"
    assert statuses["E-2021-0001"] == ("ACTIVE", None, 0)
