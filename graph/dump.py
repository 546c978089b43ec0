"""A full dump of the graph (every node and relationship with every property), for tests and
audits that must show that an operation changed nothing. Meant for test-sized graphs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import neo4j

DUMP_NODES = """
MATCH (n)
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS properties
"""

DUMP_RELATIONSHIPS = """
MATCH (a)-[r]->(b)
RETURN elementId(r) AS id, type(r) AS type, elementId(a) AS start, elementId(b) AS end,
       properties(r) AS properties
"""


@dataclass(frozen=True)
class DumpedNode:
    labels: frozenset[str]
    properties: dict[str, Any]


@dataclass(frozen=True)
class DumpedRelationship:
    type: str
    start: str  # element id
    end: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class GraphDump:
    nodes: dict[str, DumpedNode]  # by element id
    relationships: dict[str, DumpedRelationship]


def dump_graph(driver: neo4j.Driver, database: str) -> GraphDump:
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        return session.execute_read(_dump)


def _dump(tx: neo4j.ManagedTransaction) -> GraphDump:
    nodes = {
        record["id"]: DumpedNode(frozenset(record["labels"]), dict(record["properties"]))
        for record in tx.run(DUMP_NODES)
    }
    relationships = {
        record["id"]: DumpedRelationship(
            record["type"], record["start"], record["end"], dict(record["properties"])
        )
        for record in tx.run(DUMP_RELATIONSHIPS)
    }
    return GraphDump(nodes, relationships)
