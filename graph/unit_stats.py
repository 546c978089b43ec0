"""The per-unit figures of R24, from the audit log in ONE round trip (docs/check.md).

Every request that checks or gives feedback says so in its audit record: ``x_checks`` and
``x_check_hits`` (``hub.sanctions.checks``), ``x_feedback``, ``x_feedback_applied`` (outcome
APPLIED),
``x_feedback_delay_days`` (their sum), ``x_feedback_max_delay_days`` and ``x_feedback_late``
(``hub.sanctions.feedback``). Summing those per unit
over a window of audit times ``[$start, $end)`` (the ``audit_event_at`` index) gives the figures.
"""

from __future__ import annotations

UNIT_STATS = """
MATCH (a:AuditEvent)
WHERE a.at >= $start AND a.at < $end AND a.unit IS NOT NULL
  AND (a.x_checks IS NOT NULL OR a.x_feedback IS NOT NULL)
WITH a.unit AS unit,
     sum(coalesce(a.x_checks, 0)) AS checks,
     sum(coalesce(a.x_check_hits, 0)) AS hits,
     sum(coalesce(a.x_feedback, 0)) AS feedback,
     sum(coalesce(a.x_feedback_applied, 0)) AS applied,
     sum(coalesce(a.x_feedback_delay_days, 0)) AS delay_days,
     max(a.x_feedback_max_delay_days) AS max_delay_days,
     sum(coalesce(a.x_feedback_late, 0)) AS late
RETURN unit, checks, hits, feedback, applied,
       CASE WHEN feedback > 0 THEN toFloat(delay_days) / feedback END AS mean_delay_days,
       max_delay_days, late
ORDER BY unit
"""

# R6 / R24 "count and time entries reported": per identifying unit, the entries that reached the
# platform on a day in [$from, $to] (their ``reported_on``, else the day, in the platform's zone
# ``$zone``, their batch arrived),
# how many days after identification, and how many were reported after the R6 deadline of five
# working days (``reported_late``, set by the hub when an entry is proposed or pushed to it; an
# entry imported in bulk carries no such flag and is not counted late). One round trip to the
# main graph; the entries recognised from another platform (R18) are that platform's to count.
UNIT_REPORTING = """
MATCH (l:ListEntry)-[:IDENTIFIED_BY]->(u:Unit)
WHERE l.source_platform IS NULL
WITH u.code AS unit, l,
     coalesce(l.reported_on,
              date(datetime({datetime: datetime(l.source_received_at), timezone: $zone})))
       AS reported_on
WHERE reported_on IS NOT NULL
  AND ($from IS NULL OR reported_on >= date($from))
  AND ($to IS NULL OR reported_on <= date($to))
WITH unit, l, duration.inDays(l.identified_on, reported_on).days AS days
RETURN unit,
       count(l) AS reported,
       count(CASE WHEN l.reported_late = true THEN 1 END) AS reported_late,
       avg(days) AS mean_report_days,
       max(days) AS max_report_days
ORDER BY unit
"""
