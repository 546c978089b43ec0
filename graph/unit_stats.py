"""The per-unit figures of R24, from the audit log in ONE round trip (docs/check.md).

Every request that checks or gives feedback says so in its audit record: ``x_checks`` and
``x_check_hits`` (``hub.checks``), ``x_feedback``, ``x_feedback_delay_days`` (their sum),
``x_feedback_max_delay_days`` and ``x_feedback_late`` (``hub.feedback``). Summing those per unit
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
     sum(coalesce(a.x_feedback_delay_days, 0)) AS delay_days,
     max(a.x_feedback_max_delay_days) AS max_delay_days,
     sum(coalesce(a.x_feedback_late, 0)) AS late
RETURN unit, checks, hits, feedback,
       CASE WHEN feedback > 0 THEN toFloat(delay_days) / feedback END AS mean_delay_days,
       max_delay_days, late
ORDER BY unit
"""
