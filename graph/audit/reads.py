"""The read queries behind the audit root fields: one Cypher round trip each.

Each query is a literal head that picks records by an index (time; unit and time; user and
time; a subject's disclosures and time) followed by the shared filter, cursor and order
(newest first: ``at``, then ``writer``, then ``seq``, all descending). The filters use the
records' filter properties (graph/audit/stored.py); what is shown comes from the stored record
itself (``record``), of which the hub keeps only the fields the caller may see. Values
are always ``$parameters``; optional filters are ``$x IS NULL OR ...``.

A person named by identity number is matched by blind index in the same query (``$bidx``); it
resolves only where the audit store is the credit graph's database (the default).
"""

from __future__ import annotations

# Every field shown comes from the stored record (hub/audit/fields.py picks the ones the caller
# may see); ``at``, ``writer`` and ``seq`` are the order and the cursor.
EVENT_COLUMNS = (
    "a.record AS record, a.hash AS hash, a.at AS at, a.writer AS writer, a.seq AS seq, "
    "key AS subject"
)

_FILTER_ORDER_LIMIT = (
    " WITH a, key WHERE ($unit IS NULL OR a.unit = $unit)"
    " AND ($user IS NULL OR a.user = $user)"
    " AND ($purpose IS NULL OR a.purpose = $purpose)"
    " AND ($operation IS NULL OR $operation IN a.operations)"
    " AND ($decision IS NULL OR a.decision = $decision)"
    " AND a.at >= $from AND a.at <= $until"
    " AND ($after_at IS NULL OR a.at < $after_at OR (a.at = $after_at AND"
    " (a.writer < $after_writer OR (a.writer = $after_writer AND a.seq < $after_seq))))"
    " WITH a, key ORDER BY a.at DESC, a.writer DESC, a.seq DESC LIMIT $limit"
    " RETURN " + EVENT_COLUMNS
)
EVENTS_BY_TIME = (
    "MATCH (a:AuditEvent) WHERE a.at >= $from AND a.at <= $until WITH a, null AS key"
    + _FILTER_ORDER_LIMIT
)
EVENTS_BY_UNIT = (
    "MATCH (a:AuditEvent) WHERE a.unit = $unit AND a.at >= $from AND a.at <= $until"
    " WITH a, null AS key" + _FILTER_ORDER_LIMIT
)
EVENTS_BY_USER = (
    "MATCH (a:AuditEvent) WHERE a.user = $user AND a.at >= $from AND a.at <= $until"
    " WITH a, null AS key" + _FILTER_ORDER_LIMIT
)
EVENTS_BY_SUBJECT = (
    "OPTIONAL MATCH (p:Person {id_number_bidx: $bidx}) "
    "WITH coalesce($subject, 'Person:' + p.id) AS key "
    "MATCH (d:AuditDisclosure) WHERE d.subject = key AND d.at >= $from AND d.at <= $until "
    "MATCH (a:AuditEvent)-[:DISCLOSED]->(d) WITH a, key" + _FILTER_ORDER_LIMIT
)

# Anomalies (hub/audit/anomalies.py applies the rules): per user and local day, the distinct
# persons looked up over the history window; every record in the asked window that one
# of the per-record rules flags, with what those rules need; and per user and local day of the
# window, the look-ups by identifier and how many missed (at least $misses_min), with up to
# $sample records that missed.
ANOMALY_FACTS = (
    "CALL () {"
    " MATCH (a:AuditEvent) WHERE a.at >= $history_from AND a.at < $to AND a.user IS NOT NULL"
    " UNWIND [s IN a.subjects WHERE s STARTS WITH 'Person:'] AS person"
    " WITH a.user AS user,"
    " toString(date(datetime({datetime: datetime(a.at), timezone: $zone}))) AS day,"
    " person, a.unit AS unit"
    " RETURN 'PERSONS' AS kind, user, day, count(DISTINCT person) AS persons,"
    " collect(DISTINCT unit)[0] AS unit, null AS at, null AS ref, null AS flags,"
    " 0 AS lookups, 0 AS misses"
    " UNION ALL"
    " MATCH (a:AuditEvent) WHERE a.at >= $from AND a.at < $to AND a.user IS NOT NULL"
    " WITH a, datetime({datetime: datetime(a.at), timezone: $zone}) AS local"
    " WITH a, local, ["
    "  CASE WHEN size(a.subjects) > 0 AND a.decision IN ['ALLOWED', 'PARTIAL']"
    "   AND (local.hour < $day_starts OR local.hour >= $day_ends OR local.dayOfWeek >= 6)"
    "   THEN 'OUT_OF_HOURS' END,"
    "  CASE WHEN a.purpose IS NULL AND any(op IN a.operations WHERE op IN a.denied)"
    "   THEN 'MISSING_PURPOSE' END,"
    "  CASE WHEN 'FORBIDDEN' IN a.error_codes THEN 'FORBIDDEN' END"
    " ] AS checks"
    " WITH a, local, [c IN checks WHERE c IS NOT NULL] AS flags WHERE size(flags) > 0"
    " WITH a, local, flags ORDER BY a.at DESC LIMIT $max_flagged"
    " RETURN 'FLAGGED' AS kind, a.user AS user, toString(date(local)) AS day, 0 AS persons,"
    " a.unit AS unit, a.at AS at, a.writer + ':' + toString(a.seq) AS ref, flags,"
    " 0 AS lookups, 0 AS misses"
    " UNION ALL"
    " MATCH (a:AuditEvent) WHERE a.at >= $from AND a.at < $to AND a.user IS NOT NULL"
    " AND a.x_lookups > 0"
    " WITH a, toString(date(datetime({datetime: datetime(a.at), timezone: $zone}))) AS day"
    " ORDER BY a.at"
    " WITH a.user AS user, day, sum(a.x_lookups) AS lookups,"
    " sum(coalesce(a.x_lookup_misses, 0)) AS misses, min(a.at) AS at,"
    " collect(DISTINCT a.unit)[0] AS unit,"
    " collect(CASE WHEN a.x_lookup_misses > 0 THEN a.writer + ':' + toString(a.seq) END)"
    " AS refs"
    " WHERE misses >= $misses_min"
    " RETURN 'MISSES' AS kind, user, day, 0 AS persons, unit, at, null AS ref,"
    " refs[..$sample] AS flags, lookups, misses"
    " } "
    "RETURN kind, user, day, persons, unit, at, ref, flags, lookups, misses"
)
