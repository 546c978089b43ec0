"""How an audit record is stored: its canonical bytes, plus the properties queries filter on.

An ``:AuditEvent`` node holds

* ``record``: the record's canonical encoding (``canonical``), the exact bytes its leaf hash
  covers (``hub.audit.chain``), as text. Every read takes the record's fields from here;
* the chain: ``writer``, ``seq``, ``prev_hash``, ``hash``;
* copies of the fields that Cypher selects, filters, orders or sums on (``FILTER_FIELDS``:
  indexed or not), when the record has them.

The **canonical encoding** of a record: its stored properties minus ``seq``, ``prev_hash`` and
``hash`` (``HASH_FIELDS``), as compact JSON (UTF-8, no whitespace, keys sorted by code point,
floats in their shortest round-trip form) exactly as ``orjson`` writes with ``OPT_SORT_KEYS``.

The copies are not covered by the hash directly, so ``credit-hub audit verify`` compares each
record's copies with its ``record`` in the same pass (``filters_match``): it reads them with
the chain and the record (``graph.audit.scan.WRITER_CHAIN_PAGE``), and they must be the
record's own fields, absent where it has none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

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
    "x_feedback_applied",
    "x_lookups",
    "x_lookup_misses",
)
FILTER_FIELDS = STRING_FIELDS + LIST_FIELDS + INTEGER_FIELDS
"""Stored as properties too: what graph/audit/reads.py and graph/unit_stats.py read."""
HASH_FIELDS = frozenset({"seq", "prev_hash", "hash"})
"""Stored properties that the canonical encoding leaves out."""


def canonical(properties: Mapping[str, Any]) -> bytes:
    """The canonical encoding of a record's stored properties (see the module docstring)."""
    return orjson.dumps(
        {k: v for k, v in properties.items() if k not in HASH_FIELDS},
        option=orjson.OPT_SORT_KEYS,
    )


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


def filters_match(record: Mapping[str, Any], copies: Sequence[Any]) -> bool:
    """The stored copies (in the order of ``FILTER_FIELDS``, None where absent) are exactly
    ``record``'s own fields: equal and of the same type (``7`` is not ``"7"``, ``1.0`` not
    ``1``). Verification calls it for every record."""
    get = record.get
    for name, copy in zip(FILTER_FIELDS, copies, strict=True):
        own = get(name)
        if copy != own or type(copy) is not type(own):
            return False
    return True
