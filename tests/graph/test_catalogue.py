"""The schema migration and the measures catalogue (R16), against the real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from graph.catalogue import CATALOGUE_FILE, CatalogueInvalid, load_catalogue, read_catalogue
from graph.dump import dump_graph
from graph.model import migrate


def _measures(graph: Driver) -> dict[str, dict[str, Any]]:
    dump = dump_graph(graph, "neo4j")
    return {
        n.properties["code"]: n.properties for n in dump.nodes.values() if "Measure" in n.labels
    }


def _catalogue_file(tmp_path: Path, change: Any) -> Path:
    raw = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "measures.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def test_migrate_is_idempotent_and_names_every_constraint_and_index(graph: Driver) -> None:
    first = migrate(graph, "neo4j")
    second = migrate(graph, "neo4j")

    assert first == second
    assert {
        "unit_code",
        "enterprise_uscc",
        "person_id",
        "person_id_number_bidx",
        "list_entry_id",
        "measure_code",
        "list_entry_status",
    } <= set(first)


def test_the_catalogue_loads_every_measure_with_its_version(graph: Driver) -> None:
    summary = load_catalogue(graph, "neo4j")

    measures = _measures(graph)
    assert summary.measures == len(measures) == summary.created >= 20
    assert {m["catalogue_version"] for m in measures.values()} == {summary.version}
    assert not any(m["retired"] for m in measures.values())


def test_reloading_the_catalogue_changes_nothing(graph: Driver) -> None:
    load_catalogue(graph, "neo4j")
    before = dump_graph(graph, "neo4j")

    summary = load_catalogue(graph, "neo4j")

    assert dump_graph(graph, "neo4j") == before
    assert summary.created == 0


def test_the_catalogue_carries_the_reach_rules_of_the_plan_as_data(graph: Driver) -> None:
    load_catalogue(graph, "neo4j")

    measures = _measures(graph)
    # R11: market bans reach the enterprise, its legal representative, principals and the
    # directly responsible; the 3-year ban of Company Law art. 178; R12: 限制消费令.
    assert set(measures["M-BLK-MARKET-BAN"]["reach"]) == {
        "SUBJECT",
        "LEGAL_REPRESENTATIVE",
        "PRINCIPAL",
        "DIRECTLY_RESPONSIBLE",
    }
    assert measures["M-BLK-CL178-OFFICER-BAN"]["duration_months"] == 36
    assert "ACTUAL_CONTROLLER" in measures["M-BLK-HIGH-CONSUMPTION"]["reach"]
    assert measures["M-BLK-LOAN-PRICING"]["implementing_kinds"] == ["FINANCIAL"]
    # R25: red-list incentives
    assert {"M-RED-GREEN-CHANNEL", "M-RED-TOLERANT-ACCEPTANCE", "M-RED-CREDIT-LOANS"} <= set(
        measures
    )
    assert measures["M-BLK-FISCAL-FUNDS"]["domains"] == ["*"]
    assert "duration_months" not in measures["M-BLK-FISCAL-FUNDS"]  # for the entry's validity


def test_an_unknown_value_names_the_measure_and_the_field(tmp_path: Path) -> None:
    def break_it(raw: dict[str, Any]) -> None:
        raw["measures"][0]["kind"] = "OBLIGATORY"
        raw["measures"][1]["reach"] = ["SUBJECT", "CEO"]
        raw["measures"][2]["colour"] = "red"

    with pytest.raises(CatalogueInvalid) as caught:
        read_catalogue(_catalogue_file(tmp_path, break_it))

    assert caught.value.problems == [
        "measure M-BLK-LICENSING-STRICT: kind: unknown value 'OBLIGATORY' "
        "(expected one of MANDATORY, RECOMMENDED)",
        "measure M-BLK-PRODUCTION-LICENCE: reach: unknown value 'CEO' (expected one of SUBJECT, "
        "LEGAL_REPRESENTATIVE, PRINCIPAL, DIRECTLY_RESPONSIBLE, ACTUAL_CONTROLLER, DIRECTOR, "
        "SUPERVISOR, SENIOR_MANAGER, SHAREHOLDER)",
        "measure M-BLK-PROJECT-APPROVAL: colour: unknown field",
    ]


def test_a_bad_catalogue_writes_nothing(graph: Driver, tmp_path: Path) -> None:
    path = _catalogue_file(tmp_path, lambda raw: raw["measures"][0].update(list="GREY"))

    with pytest.raises(CatalogueInvalid):
        load_catalogue(graph, "neo4j", path)

    assert _measures(graph) == {}


def test_a_measure_dropped_by_a_newer_catalogue_is_kept_as_retired(
    graph: Driver, tmp_path: Path
) -> None:
    load_catalogue(graph, "neo4j")

    def drop_first(raw: dict[str, Any]) -> None:
        raw["version"] = "2099.1"
        del raw["measures"][0]

    summary = load_catalogue(graph, "neo4j", _catalogue_file(tmp_path, drop_first))

    dropped = _measures(graph)["M-BLK-LICENSING-STRICT"]
    assert summary.retired == ("M-BLK-LICENSING-STRICT",)
    assert (dropped["retired"], dropped["retired_in"]) == (True, "2099.1")
