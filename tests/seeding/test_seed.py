"""The deterministic synthetic city (``credit-hub seed``), against the real Neo4j."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from datetime import date
from enum import Enum
from typing import Any

from neo4j import Driver
from stdnum.cn import ric, uscc

from graph.dump import GraphDump, dump_graph
from graph.vocabulary import EntryStatus, ListKind, UnitKind
from hub.importing.consistency import check_file
from hub.importing.records import Record
from hub.importing.validate import parse_file
from hub.seeding import seed_city
from hub.seeding.city import generate_city
from hub.seeding.demo import (
    ACME_USCC,
    DEMO_ENTERPRISES,
    DEMO_PERSON_IDS,
    DEMO_PERSONS,
    ZHANG_SAN,
)
from hub.settings import Settings
from tests.support.audittest import Cli

SMALL = 200

Canonical = tuple[frozenset[Any], frozenset[Any]]

# properties that differ between two seeds by design: the AES-GCM nonce, and when the entries
# were received (their source's batch, seed:<n>, is the same)
SEALED = {"id_number_ct", "source_received_at"}


def _canonical(dump: GraphDump) -> Canonical:
    """The dump without element ids (which differ between databases), ciphertexts or
    reception times."""
    keys = {eid: _key(node.properties) for eid, node in dump.nodes.items()}
    nodes = frozenset(
        (tuple(sorted(node.labels)), _frozen(node.properties)) for node in dump.nodes.values()
    )
    relationships = frozenset(
        (rel.type, keys[rel.start], keys[rel.end], _frozen(rel.properties))
        for rel in dump.relationships.values()
    )
    return nodes, relationships


def _key(properties: dict[str, Any]) -> str:
    for name in ("uscc", "id", "code"):
        if name in properties:
            return str(properties[name])
    raise AssertionError(f"node without a key: {properties}")


def _frozen(properties: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(
        sorted(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in properties.items()
            if name not in SEALED
        )
    )


def _nodes(dump: GraphDump, label: str) -> list[dict[str, Any]]:
    return [n.properties for n in dump.nodes.values() if label in n.labels]


def test_the_same_seed_gives_the_same_graph(graph: Driver, settings: Settings) -> None:
    seed_city(settings, SMALL, seed=7)
    first = _canonical(dump_graph(graph, "neo4j"))
    graph.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")

    seed_city(settings, SMALL, seed=7)

    assert _canonical(dump_graph(graph, "neo4j")) == first


def test_another_seed_gives_another_city() -> None:
    one, other = generate_city(SMALL, seed=1), generate_city(SMALL, seed=2)

    assert {e.uscc for e in one.enterprises} != {e.uscc for e in other.enterprises}
    assert set(one.person_ids.values()) != set(other.person_ids.values())


def test_the_person_count_can_be_asked_for(graph: Driver, cli: Cli) -> None:
    status, out = cli("seed", "--enterprises", str(SMALL), "--persons", str(3 * SMALL))

    assert status == 0
    persons = 3 * SMALL + len(DEMO_PERSONS)
    assert out[0].startswith(f"seeded {SMALL + len(DEMO_ENTERPRISES)} enterprises, {persons} ")
    records, _, _ = graph.execute_query("MATCH (p:Person) RETURN count(p) AS n")
    assert records[0]["n"] == persons
    assert len(generate_city(SMALL, seed=4).persons) == 1.5 * SMALL + len(DEMO_PERSONS)


def test_too_few_persons_for_a_team_are_refused(graph: Driver, cli: Cli) -> None:
    status, _ = cli("seed", "--enterprises", "10", "--persons", "3")

    assert status == 2
    assert cli.err == "credit-hub: --persons: must be at least 4 (an enterprise's team)"
    city = "MATCH (n) WHERE n:Unit OR n:Enterprise OR n:Person RETURN count(n) AS n"
    assert graph.execute_query(city).records[0]["n"] == 0


def test_seeding_twice_changes_nothing(graph: Driver, settings: Settings) -> None:
    seed_city(settings, SMALL, seed=3)
    before = dump_graph(graph, "neo4j")

    summary = seed_city(settings, SMALL, seed=3)

    assert dump_graph(graph, "neo4j") == before
    assert (summary.nodes_created, summary.relationships_created) == (0, 0)


def test_the_seed_creates_the_demo_records(graph: Driver, settings: Settings) -> None:
    summary = seed_city(settings, SMALL, seed=11)

    dump = dump_graph(graph, "neo4j")
    enterprises = {e["uscc"]: e for e in _nodes(dump, "Enterprise")}
    assert enterprises[ACME_USCC]["name"] == "某某科技有限公司"
    persons = {p["id"]: p for p in _nodes(dump, "Person")}
    assert persons[DEMO_PERSON_IDS[ZHANG_SAN]]["name"] == "张三"
    units = {u["code"]: u for u in _nodes(dump, "Unit")}
    assert (units["U-TAX"]["name"], units["U-TAX"]["kind"]) == ("市税务局", "AGENCY")
    assert units["U-BANK-ICBC"]["kind"] == "FINANCIAL"
    assert units["U-COURT"]["kind"] == "COURT"
    entries = {e["id"]: e for e in _nodes(dump, "ListEntry")}
    assert (entries["E-DEMO-0001"]["list"], entries["E-DEMO-0001"]["status"]) == ("BLACK", "ACTIVE")
    assert _legal_representative_today(dump, ACME_USCC) == DEMO_PERSON_IDS[ZHANG_SAN]
    assert summary.nodes == summary.nodes_created == len(dump.nodes)
    assert summary.relationships == summary.relationships_created == len(dump.relationships)


def _legal_representative_today(dump: GraphDump, enterprise: str) -> str:
    [eid] = [k for k, n in dump.nodes.items() if n.properties.get("uscc") == enterprise]
    [person] = [
        dump.nodes[r.start].properties["id"]
        for r in dump.relationships.values()
        if r.type == "HOLDS_ROLE"
        and r.end == eid
        and r.properties["kind"] == "LEGAL_REPRESENTATIVE"
        and "to" not in r.properties
    ]
    return str(person)


def test_identity_numbers_of_the_seed_never_reach_the_graph_in_clear(
    graph: Driver, settings: Settings
) -> None:
    seed_city(settings, SMALL, seed=5)

    numbers = {p.id_number for p in generate_city(SMALL, seed=5).persons}
    dump = dump_graph(graph, "neo4j")
    properties = [n.properties for n in dump.nodes.values()]
    properties += [r.properties for r in dump.relationships.values()]
    for values in properties:
        for value in values.values():
            assert str(value) not in numbers


def test_the_city_has_valid_codes_units_of_every_kind_and_every_list_in_every_status() -> None:
    city = generate_city(SMALL, seed=9)

    assert all(uscc.is_valid(e.uscc) for e in city.enterprises)
    assert all(ric.is_valid(p.id_number) for p in city.persons)
    seeded = [p for p in city.persons if p.id_number not in DEMO_PERSON_IDS]
    assert all(1950 <= ric.get_birth_date(p.id_number).year <= 2000 for p in seeded)
    assert {u.kind for u in city.units} == set(UnitKind)
    assert {(e.list_kind, e.status) for e in city.entries} == {
        (kind, status) for kind in ListKind for status in EntryStatus
    }
    assert 1.4 <= len(city.persons) / len(city.enterprises) <= 1.6
    legal_representatives_today = Counter(
        r.enterprise for r in city.roles if r.kind == "LEGAL_REPRESENTATIVE" and r.to is None
    )
    assert set(legal_representatives_today.values()) == {1}
    assert len(legal_representatives_today) == len(city.enterprises)
    assert any(h.holder.kind == "enterprise" for h in city.shareholdings)


def test_the_city_passes_the_import_rules_as_an_import_file() -> None:
    """Every seeded record would be accepted by ``credit-hub import`` (R1-R8, R21)."""
    city = generate_city(SMALL, seed=13)

    parsed = parse_file(_as_import_file(city.records()).encode())
    check_file(parsed.records, parsed.defined, parsed.problems)

    assert parsed.problems.sorted() == []
    assert len(parsed.records) == len(city.records())


def _as_import_file(records: list[Record]) -> str:
    return "".join(json.dumps(_line(record), ensure_ascii=False) + "\n" for record in records)


def _line(record: Record) -> dict[str, Any]:
    fields = {_name(k): _json(v) for k, v in asdict(record).items() if k != "line"}
    fields = {k: v for k, v in fields.items() if v is not None}
    kind = type(record).__name__.lower()
    fields["type"] = {"listentry": "entry"}.get(kind, kind)
    if kind == "role":
        fields["role"] = fields.pop("kind")
    for name in ("holder", "subject"):
        if name in fields:
            ref = fields[name]
            fields[name] = {"uscc" if ref["kind"] == "enterprise" else "id_number": ref["key"]}
    return fields


def _name(field: str) -> str:
    return {"from_": "from", "list_kind": "list"}.get(field, field)


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value
