"""The Cypher behind ``check`` and ``checkMany`` (R11, R16, R22): ONE round trip for a batch.

``CHECK_SUBJECTS`` takes ``$subjects`` (a list of ``{i, uscc, bidx}``: exactly one key set, or
neither for an item that failed validation), ``$unit`` (the caller's unit code) and ``$today``.
For each subject, in input order, it returns:

* ``found`` and ``key`` (an enterprise's uscc or a person's opaque id) and ``label``;
* ``own``: the subject's entries in force or under objection (never exited nor lapsed), each
  with the catalogue measures that reach the SUBJECT itself and have not run out;
* ``reached``: for a person, the entries of enterprises in which the person held a role (or
  shares) on the measure's reach date (the act date, the identification date where unknown, or
  the listing date), each with the measure and the role's dates;
* ``unit_kind`` (the caller's unit kind, looked up here) and ``catalogue_version``;
* for the incentives of a clean record (R25): ``clean_measures`` (the catalogue's measures with
  ``clean_record_years``), ``last_adverse_on`` (the last day a black or watch entry of the
  subject was in force or under objection; entries listed in error do not count) and
  ``registered_on``.

Retired measures are skipped. Which measures the caller's unit applies is decided by the hub
(``hub.sanctions.checks``) from ``implementing_kinds``; the verdict needs every measure.

Entries are matched as ``(s)<-[:CONCERNS]-(l)`` with ``'ListEntry' IN labels(l)``, not
``(l:ListEntry)``: with the label, the planner may start from the ``ListEntry(status)`` index
and scan every entry in force for each subject (measured: 60-80 ms a check at 100k
enterprises) instead of expanding from the subject (about 1 ms).
"""

from __future__ import annotations

CHECK_SUBJECTS = """
CALL () {
  MATCH (m:Measure) WHERE NOT coalesce(m.retired, false)
  RETURN collect(m) AS catalogue, max(m.catalogue_version) AS catalogue_version
}
OPTIONAL MATCH (u:Unit {code: $unit})
WITH catalogue, catalogue_version, u.kind AS unit_kind,
     [m IN catalogue WHERE m.clean_record_years IS NOT NULL | {
       code: m.code, title: m.title, kind: m.kind, legal_basis: m.legal_basis,
       implementing_kinds: m.implementing_kinds, catalogue_version: m.catalogue_version,
       clean_record_years: m.clean_record_years}] AS clean_measures
UNWIND $subjects AS q
OPTIONAL MATCH (e:Enterprise {uscc: q.uscc})
OPTIONAL MATCH (p:Person {id_number_bidx: q.bidx})
WITH catalogue, catalogue_version, unit_kind, clean_measures, q, coalesce(e, p) AS s
CALL (s, catalogue) {
  OPTIONAL MATCH (s)<-[:CONCERNS]-(l)
  WHERE 'ListEntry' IN labels(l) AND l.status IN ['ACTIVE', 'OBJECTED']
    AND (l.valid_until IS NULL OR l.valid_until >= $today)
  WITH l, [m IN catalogue
    WHERE l IS NOT NULL AND m.list = l.list AND ('*' IN m.domains OR l.domain IN m.domains)
      AND 'SUBJECT' IN m.reach
    | {m: m, until: CASE WHEN m.duration_months IS NULL THEN l.valid_until
                         ELSE l.identified_on + duration({months: m.duration_months}) END}]
    AS candidates
  RETURN collect(l {
    .id, .list, .status, .domain,
    identified_on: toString(l.identified_on), act_date: toString(l.act_date),
    valid_until: toString(l.valid_until),
    measures: [c IN candidates WHERE c.until IS NULL OR c.until >= $today | {
      code: c.m.code, title: c.m.title, kind: c.m.kind, legal_basis: c.m.legal_basis,
      implementing_kinds: c.m.implementing_kinds, catalogue_version: c.m.catalogue_version,
      bars: c.m.bars_appointment_as, until: toString(c.until)}]
  }) AS own
}
CALL (s, catalogue) {
  OPTIONAL MATCH (s:Person)-[r:HOLDS_ROLE|HOLDS_SHARES]->(x:Enterprise)<-[:CONCERNS]-(l)
  WHERE 'ListEntry' IN labels(l) AND l.status IN ['ACTIVE', 'OBJECTED']
    AND (l.valid_until IS NULL OR l.valid_until >= $today)
  WITH r, x, l, catalogue,
       CASE type(r) WHEN 'HOLDS_SHARES' THEN 'SHAREHOLDER' ELSE r.kind END AS kind
  UNWIND [m IN catalogue
    WHERE l IS NOT NULL AND m.list = l.list AND ('*' IN m.domains OR l.domain IN m.domains)
      AND kind IN m.reach] AS m
  WITH r, x, l, kind, m,
       CASE m.reach_on WHEN 'LISTING_DATE' THEN l.identified_on
                       ELSE coalesce(l.act_date, l.identified_on) END AS held_on
  WHERE coalesce(r.from <= held_on, true) AND (r.to IS NULL OR r.to >= held_on)
  WITH r, x, l, kind, m, held_on,
       CASE WHEN m.duration_months IS NULL THEN l.valid_until
            ELSE l.identified_on + duration({months: m.duration_months}) END AS until
  WHERE until IS NULL OR until >= $today
  RETURN collect({
    entry: l {.id, .list, .status, .domain, identified_on: toString(l.identified_on),
              act_date: toString(l.act_date), valid_until: toString(l.valid_until)},
    enterprise: x.uscc, kind: kind, role_from: toString(r.from), role_to: toString(r.to),
    held_on: toString(held_on),
    measure: m {.code, .title, .kind, .legal_basis, .implementing_kinds, .catalogue_version,
                bars: m.bars_appointment_as, until: toString(until)}
  }) AS reached
}
CALL (s) {
  OPTIONAL MATCH (s)<-[:CONCERNS]-(l)
  WHERE 'ListEntry' IN labels(l) AND l.list IN ['BLACK', 'WATCH']
    AND l.status IN ['ACTIVE', 'OBJECTED', 'EXITED']
    AND coalesce(l.exit_reason, '') <> 'LISTED_IN_ERROR'
  RETURN max(CASE WHEN l IS NULL THEN null
                  WHEN l.status = 'EXITED' THEN coalesce(l.exited_on, l.valid_until)
                  WHEN l.valid_until < $today THEN l.valid_until
                  ELSE $today END) AS last_adverse_on
}
RETURN q.i AS i, s IS NOT NULL AS found, CASE WHEN s:Person THEN 'Person' ELSE 'Enterprise' END
       AS label, coalesce(s.uscc, s.id) AS key, own, reached, unit_kind, catalogue_version,
       clean_measures, toString(last_adverse_on) AS last_adverse_on,
       toString(s.registered_on) AS registered_on
ORDER BY i
"""
