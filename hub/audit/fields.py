"""The GraphQL fields of an audit record, taken from its stored canonical record.

``AuditEvent`` shows every field; ``AccessRecord`` (an access history entry) who looked and
why, not the whole record. Each field is (Python name in the schema, the record's property,
the value when the record has none). ``seq`` and ``hash`` are not in the canonical record
(hub/audit/chain.py): they come from the node's chain properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Field = tuple[str, str, Any]

EVENT_FIELDS: dict[str, Field] = {
    "requestId": ("request_id", "request_id", None),
    "at": ("at", "at", None),
    "user": ("user", "user", None),
    "unit": ("unit", "unit", None),
    "roles": ("roles", "roles", []),
    "purpose": ("purpose", "purpose", None),
    "client": ("client", "client", None),
    "operationName": ("operation_name", "operation_name", None),
    "operations": ("operations", "operations", []),
    "queryHash": ("query_hash", "query_hash", None),
    "variablesDigest": ("variables_digest", "variables_digest", None),
    "variables": ("variables", "variables", None),
    "subjects": ("subjects", "subjects", []),
    "masked": ("masked", "masked", []),
    "denied": ("denied", "denied", []),
    "decision": ("decision", "decision", None),
    "errorCodes": ("error_codes", "error_codes", []),
    "resultSize": ("result_size", "result_size", 0),
    "durationMs": ("duration_ms", "duration_ms", 0.0),
    "policyVersion": ("policy_version", "policy_version", None),
    "roundTrips": ("round_trips", "x_round_trips", None),
    "writer": ("writer", "writer", None),
    "seq": ("seq", "seq", None),
    "hash": ("hash", "hash", None),
}
ACCESS_FIELDS: dict[str, Field] = {
    name: EVENT_FIELDS[name]
    for name in (
        "requestId",
        "at",
        "user",
        "unit",
        "roles",
        "client",
        "purpose",
        "operations",
        "masked",
        "decision",
    )
}


def pick(fields: dict[str, Field], names: list[str], record: Mapping[str, Any]) -> dict[str, Any]:
    """The named fields of ``record`` (its stored fields plus ``seq`` and ``hash``), by their
    Python names."""
    picked = {}
    for name in names:
        key, source, default = fields[name]
        value = record.get(source)
        picked[key] = default if value is None else value
    return picked
