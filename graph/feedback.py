"""The Cypher of execution feedback (R17); the per-unit figures (R24) are ``graph.unit_stats``.

``ENTRY_SHOWN`` asks the audit log whether the reporting unit was shown the entry: a record of
that unit whose subjects name ``ListEntry:<id>`` (``hub.sanctions.checks`` notes every entry a check
answer names; the record is committed before the answer leaves, in whichever process).

``REPORT_FEEDBACK`` checks and writes in ONE statement: the entry must exist and have been shown
to the reporting unit (``$shown``: anything else is refused exactly as an entry that does not
exist, before any other check can tell the entry's list apart), the measure must exist,
the measure must be in force in the catalogue and apply to the entry's list, and the reporting
unit's kind must be one that implements it. It returns ``refusal`` (null when written) and the
delay in days from the entry's arrival on the platform (``reported_on``, else the
identification date) to the feedback.
"""

from __future__ import annotations

ENTRY_SHOWN = """
MATCH (d:AuditDisclosure)<-[:DISCLOSED]-(a:AuditEvent)
WHERE d.subject = $subject AND d.at IS NOT NULL AND a.unit = $unit
RETURN true AS shown LIMIT 1
"""

REPORT_FEEDBACK = """
OPTIONAL MATCH (l:ListEntry {id: $entry_id})
OPTIONAL MATCH (m:Measure {code: $measure_code})
OPTIONAL MATCH (u:Unit {code: $unit})
WITH l, m, u,
     CASE WHEN l IS NULL OR NOT $shown THEN 'NO_ENTRY'
          WHEN m IS NULL OR coalesce(m.retired, false) THEN 'NO_MEASURE'
          WHEN m.list <> l.list THEN 'NOT_FOR_THIS_LIST'
          WHEN u IS NULL OR NOT u.kind IN m.implementing_kinds THEN 'NOT_YOUR_MEASURE'
          ELSE null END AS refusal,
     duration.inDays(coalesce(l.reported_on, l.identified_on), $today).days AS delay_days
FOREACH (_ IN CASE WHEN refusal IS NULL THEN [1] ELSE [] END |
  CREATE (f:Feedback {id: $id, measure_code: m.code, outcome: $outcome, note: $note,
                      unit: u.code, user: $user, at: datetime(), on: $today,
                      delay_days: delay_days})
  CREATE (f)-[:ON_ENTRY]->(l)
  CREATE (f)-[:GIVEN_BY]->(u)
)
RETURN refusal, delay_days
"""

ENTRY_FEEDBACK = """
MATCH (l:ListEntry {id: $entry_id})
RETURN head([(l)-[:IDENTIFIED_BY]->(o:Unit) | o.code]) AS owner,
       [(l)<-[:ON_ENTRY]-(f:Feedback) | f {.id, .measure_code, .outcome, .note, .unit,
         .delay_days, on: toString(f.on), at: toString(f.at)}] AS feedback
"""
