"""The read queries behind the GraphQL root fields: one Cypher round trip each.

Each query is a literal head (MATCH on an indexed key, values as ``$parameters``) followed by
the projection that ``graph.projection`` compiles from the selection.
"""

from __future__ import annotations

from collections.abc import Callable

from graph.projection import compile_projection
from graph.selection import Selection

ENTERPRISE_BY_USCC = "MATCH (e0:Enterprise {uscc: $uscc}) RETURN "
PERSON_BY_BLIND_INDEX = "MATCH (p0:Person {id_number_bidx: $bidx}) RETURN "

# Federation: many representations in one round trip, answered in input order.
ENTITIES_HEAD = (
    "UNWIND range(0, size($representations) - 1) AS i "
    "WITH i, $representations[i] AS rep "
    "OPTIONAL MATCH (e0:Enterprise {uscc: rep.uscc}) "
    "WITH i, rep, e0 "
    "OPTIONAL MATCH (p0:Person {id: rep.id}) "
    "RETURN i, "
)
ENTITIES_ENTERPRISE = "CASE WHEN e0 IS NULL THEN null ELSE "
ENTITIES_PERSON = "CASE WHEN p0 IS NULL THEN null ELSE "
ENTITIES_END = " END"
NO_NODE = "null"


# Compiled queries by selection shape: a hot query is compiled once per process.
_COMPILED: dict[tuple[object, ...], str] = {}
_COMPILED_MAX = 4096


def _cached(kind: str, selection: Selection, build: Callable[[], str]) -> str:
    key = (kind, selection.key())
    query = _COMPILED.get(key)
    if query is None:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        query = _COMPILED[key] = build()
    return query


def enterprise_query(selection: Selection) -> str:
    return _cached(
        "enterprise",
        selection,
        lambda: ENTERPRISE_BY_USCC + compile_projection(selection, {"self": "e0"}) + " AS node",
    )


def person_query(selection: Selection) -> str:
    return _cached(
        "person",
        selection,
        lambda: PERSON_BY_BLIND_INDEX + compile_projection(selection, {"self": "p0"}) + " AS node",
    )


def entities_query(enterprise: Selection | None, person: Selection | None) -> str:
    return (
        ENTITIES_HEAD
        + _entity_column(ENTITIES_ENTERPRISE, enterprise, "e0")
        + " AS enterprise, "
        + _entity_column(ENTITIES_PERSON, person, "p0")
        + " AS person ORDER BY i"
    )


def _entity_column(head: str, selection: Selection | None, variable: str) -> str:
    if selection is None:
        return NO_NODE
    return head + compile_projection(selection, {"self": variable}) + ENTITIES_END


# Benchmarks and tools: a sample of enterprise keys to ask about.
SAMPLE_ENTERPRISE_KEYS = "MATCH (e:Enterprise) RETURN e.uscc AS uscc LIMIT $limit"
