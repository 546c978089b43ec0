"""Attack class 6 (weak spots): a 5 MB enterprise name, NUL bytes and dates from year 1 to
9999 were accepted and served. Every string at the import and mutation boundary now has a
length limit, control and invisible characters are refused, and dates keep a plausible range
(hub/validation/input_bounds.py), all as BAD_INPUT naming the field and the rule; a rejected import
or
push changes nothing. Real hub, real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from neo4j import Driver

from hub.errors import ImportRejected
from hub.importing.run import import_file
from hub.lifecycle.push_file import push_file
from hub.settings import Settings
from hub.validation.input_bounds import EARLIEST
from tests.security.test_attack_free_text import (
    IDENTIFYING,
    MUTATIONS,
    as_role,
    document,
    good_input,
    graph_text,
    put,
)
from tests.support.hubtest import ACME, DATA, HubClient, audit_events, codes


def _import_rejected(settings: Settings, path: Path, text: str) -> list[str]:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_file(settings, path)
    return rejected.value.problems


async def test_a_5_mb_enterprise_name_rejects_the_file(
    client: HubClient, graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    """Attack class 6: the repro, a 5 MB name; the file is rejected, the graph unchanged."""
    before = graph_text(graph)
    line = {"type": "enterprise", "uscc": ACME, "name": "某" * 5_000_000}
    problems = _import_rejected(settings, tmp_path / "big.jsonl", json.dumps(line) + "\n")
    assert problems == ["line 1: name: at most 200 characters (got 5000000)"]
    assert graph_text(graph) == before


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            {"type": "unit", "code": "U-X", "name": "市\u0000税务局", "kind": "AGENCY"},
            "line 1: name: must not contain control or invisible characters (U+0000)",
        ),
        (
            {"type": "person", "id_number": "11010519491231002X", "name": "张\u202e三"},
            "line 1: name: must not contain control or invisible characters (U+202E)",
        ),
        (
            {"type": "enterprise", "uscc": ACME, "name": "某公司", "registered_on": "0001-01-01"},
            f"line 1: registered_on: must be between {EARLIEST.isoformat()} and",
        ),
        (
            {
                "type": "entry", "id": "E-X", "list": "BLACK", "subject": {"uscc": ACME},
                "unit": "U-TAX", "domain": "TAX", "basis": 2, "identified_on": "2021-09-01",
                "valid_until": "9999-12-31", "status": "ACTIVE", "repairable": True,
            },
            "line 1: valid_until: must be between 1949-10-01 and",
        ),
        (
            {
                "type": "entry", "id": "E-X", "list": "BLACK", "subject": {"uscc": ACME},
                "unit": "U-TAX", "domain": "TAX", "basis": 2, "identified_on": "2021-09-01",
                "status": "ACTIVE", "repairable": True, "legal_basis": "法" * 1001,
            },
            "line 1: legal_basis: at most 1000 characters (got 1001)",
        ),
    ],
    ids=["nul", "bidi", "year-1", "year-9999", "legal-basis-length"],
)  # fmt: skip
async def test_import_lines_keep_lengths_characters_and_dates(
    client: HubClient, graph: Driver, settings: Settings, tmp_path: Path, line: dict, problem: str
) -> None:
    """Attack class 6: NUL, bidi overrides, year 1 and 9999, an over-long legal basis; each
    rejects the file naming line, field and rule, and nothing is imported."""
    before = graph_text(graph)
    problems = _import_rejected(settings, tmp_path / "bad.jsonl", json.dumps(line) + "\n")
    assert len(problems) == 1 and problems[0].startswith(problem), problems
    assert graph_text(graph) == before


async def test_every_text_field_of_every_mutation_refuses_nul_and_excess(
    client: HubClient, graph: Driver
) -> None:
    """Attack class 6: a NUL byte, then 100,000 characters, in every text field of every
    mutation: BAD_INPUT naming the field and the rule; nothing written."""
    before = graph_text(graph)
    for mutation, role, argument, path in MUTATIONS:
        nul = put(good_input(mutation), path, "ok\u0000")
        refused = await as_role(client, role, document(mutation, argument), v=nul)
        assert codes(refused) == ["BAD_INPUT"], path
        assert refused["errors"][0]["message"] == (
            f"{path}: must not contain control or invisible characters (U+0000)"
        )
        long = put(good_input(mutation), path, "x" * 100_000)
        refused = await as_role(client, role, document(mutation, argument), v=long)
        assert codes(refused) == ["BAD_INPUT"], path
        assert refused["errors"][0]["message"].startswith(f"{path}: at most ")
        assert refused["errors"][0]["message"].endswith("characters (got 100000)")
    assert graph_text(graph) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("identifiedOn", "0001-01-01"), ("validUntil", "9999-12-31"), ("actDate", "1900-01-01")],
)
async def test_proposal_dates_keep_their_range(
    client: HubClient, graph: Driver, field: str, value: str
) -> None:
    """Attack class 6: year 1, 1900 and 9999 in a proposal are BAD_INPUT naming the field."""
    entry = good_input("proposeEntry")
    entry[field] = value
    result = await as_role(client, IDENTIFYING, document("proposeEntry", "entry: $v"), v=entry)
    assert codes(result) == ["BAD_INPUT"]
    assert result["errors"][0]["message"].startswith(f"entry.{field}: must be between 1949-10-01")
    assert audit_events(graph)[-1]["decision"] == "BAD_INPUT"


async def test_materials_are_at_most_fifty_references(client: HubClient, graph: Driver) -> None:
    """Attack class 6: an objection with 51 document references is BAD_INPUT."""
    value = good_input("raiseObjection")
    value["materials"] = [f"DOC-{i}" for i in range(51)]
    result = await as_role(client, IDENTIFYING, document("raiseObjection", "input: $v"), v=value)
    assert result["errors"][0]["message"] == "input.materials: at most 50 items (got 51)"


def test_a_push_file_keeps_the_same_bounds(
    graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    """Attack class 6 and 5: ``credit-hub push`` goes through the same bounds (one module):
    a NUL in a legal basis, a phone in a repair method and year 9999 are each reported by line
    and nothing is written."""
    import_file(settings, DATA / "small_city.jsonl")
    before = graph_text(graph)
    base = {
        "list": "BLACK", "subject": {"uscc": ACME}, "domain": "TAX", "basis": 2,
        "identified_on": "2026-11-20", "valid_until": "2029-11-20", "repairable": True,
        "watch_months_after_exit": 12,
    }  # fmt: skip
    lines = [
        {**base, "id": "E-P1", "legal_basis": "税法\u0000"},
        {**base, "id": "E-P2", "repair_method": "致电 13812345678"},
        {**base, "id": "E-P3", "valid_until": "9999-12-31"},
    ]
    path = tmp_path / "push.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        push_file(settings, path, "U-TAX", "tester")
    problems = rejected.value.problems
    assert problems[0] == (
        "line 1: legalBasis: must not contain control or invisible characters (U+0000)"
    )
    assert problems[1].startswith("line 2: repairMethod: must not contain personal data")
    assert problems[2].startswith("line 3: validUntil: must be between 1949-10-01")
    assert graph_text(graph) == before
