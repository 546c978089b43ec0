"""``credit-hub push``: a unit's batch from a file, with the same all-or-nothing checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from neo4j import Driver

from hub.errors import ImportRejected
from hub.importing.run import import_file
from hub.lifecycle.push_file import push_file
from hub.settings import Settings
from tests.support.hubtest import ACME, DATA, TRADING


def _line(**fields: object) -> str:
    entry = {
        "list": "WATCH", "subject": {"uscc": TRADING}, "domain": "TAX", "basis": 2,
        "identified_on": "2026-11-24", "valid_until": "2027-11-24", "repairable": True,
    }  # fmt: skip
    entry.update(fields)
    return json.dumps(entry, ensure_ascii=False)


def _count(graph: Driver) -> int:
    records, _, _ = graph.execute_query(
        "MATCH (l:ListEntry) RETURN count(l) AS n", database_="neo4j"
    )
    return int(records[0]["n"])


def test_a_pushed_file_proposes_every_entry(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(_line(id=f"W-{i}") for i in range(20)) + "\n")
    assert push_file(settings, path, "U-TAX", "tester") == 20
    assert _count(graph) == 22


def test_a_pushed_file_with_bad_lines_changes_nothing_and_names_them_R3(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    import_file(settings, DATA / "small_city.jsonl")
    path = tmp_path / "batch.jsonl"
    lines = [_line(), _line(list="RED", subject={"uscc": ACME}, repairable=None), _line(basis=9)]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ImportRejected) as rejected:
        push_file(settings, path, "U-TAX", "tester")
    assert rejected.value.problems == [
        "line 2: subject: R3: black-listed (E-2021-0001); can not enter a red list",
        "line 3: basis: R2: a basis category from 1 to 5",
    ]
    assert _count(graph) == 2
