"""How an audit record is stored: its canonical bytes, plus the properties queries filter on.

An ``:AuditEvent`` node holds

* ``record``: the record's canonical encoding (``hub.audit_chain.canonical``), the exact bytes
  its leaf hash covers, as text. Every read takes the record's fields from here;
* the chain: ``writer``, ``seq``, ``prev_hash``, ``hash``;
* copies of the fields that Cypher selects, filters, orders or sums on (``FILTER_FIELDS``:
  indexed or not), when the record has them.

The copies are not covered by the hash directly, so ``credit-hub audit verify`` compares each
record's copies with its ``record`` in the same pass: Neo4j encodes the stored copies as one
string (``graph.audit_scan``), the verifier encodes the same fields of the parsed ``record``
(``filter_key``) and the two must be equal. The encoding is unambiguous: a string is its length
in code points, ``:`` and itself; an integer is its decimal digits and ``;``; a list of strings
is its length, ``[`` and its elements as strings; an absent field is ``~``; a field of another
type makes the whole key ``!``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from hub.audit_chain import canonical

PAYLOAD = "record"
CHAIN_FIELDS = ("writer", "seq", "prev_hash", "hash")
STRING_FIELDS = ("at", "unit", "user", "purpose", "decision")
LIST_FIELDS = ("operations", "subjects", "denied", "error_codes")
INTEGER_FIELDS = (
    "x_checks",
    "x_check_hits",
    "x_feedback",
    "x_feedback_delay_days",
    "x_feedback_max_delay_days",
    "x_feedback_late",
)
FILTER_FIELDS = STRING_FIELDS + LIST_FIELDS + INTEGER_FIELDS
"""Stored as properties too: what graph/audit_reads.py and graph/unit_stats.py read."""
MISMATCH = "!"


def stored(properties: Mapping[str, Any], payload: bytes) -> dict[str, Any]:
    """The node's properties for a chained record and its canonical encoding ``payload``."""
    node: dict[str, Any] = {PAYLOAD: payload.decode()}
    node.update({name: properties[name] for name in CHAIN_FIELDS})
    node.update({name: properties[name] for name in FILTER_FIELDS if name in properties})
    return node


def node_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """The node's properties for a chained record (``writer``, ``seq``, ``prev_hash``, ``hash``
    set)."""
    return stored(record, canonical(record))


def content(node: Mapping[str, Any]) -> dict[str, Any]:
    """The record as the store holds it: its ``record``, with the node's own chain and filter
    properties in place of the copies there (a filter property edited in Neo4j shows here, and
    the record then no longer matches its hash)."""
    record: dict[str, Any] = orjson.loads(node[PAYLOAD])
    for name in FILTER_FIELDS:
        if name in node:
            record[name] = node[name]
        else:
            record.pop(name, None)
    record.update({name: node[name] for name in CHAIN_FIELDS if name in node})
    return record


def payload_content(payload: str) -> dict[str, Any]:
    """The fields of a stored ``record``, as written (what the GraphQL reads show)."""
    fields: dict[str, Any] = orjson.loads(payload)
    return fields


def filter_key(record: Mapping[str, Any]) -> str:
    """The encoding of ``record``'s filter fields that Neo4j builds from the stored copies."""
    parts = [_string(record.get(name)) for name in STRING_FIELDS]
    parts += [_strings(record.get(name)) for name in LIST_FIELDS]
    parts += [_integer(record.get(name)) for name in INTEGER_FIELDS]
    if MISMATCH in parts:
        return MISMATCH
    return "".join(parts)


def _string(value: Any) -> str:
    if value is None:
        return "~"
    return f"{len(value)}:{value}" if isinstance(value, str) else MISMATCH


def _strings(value: Any) -> str:
    if value is None:
        return "~"
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return MISMATCH
    return f"{len(value)}[" + "".join(f"{len(v)}:{v}" for v in value)


def _integer(value: Any) -> str:
    if value is None:
        return "~"
    if isinstance(value, bool) or not isinstance(value, int):
        return MISMATCH
    return f"{value};"
