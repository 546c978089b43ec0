"""The Cypher of the admin's management operations (docs/privacy.md, "admin"): units and the
measures catalogue. No subject data: these read and write ``:Unit`` and ``:Measure`` only.

``REGISTER_UNIT`` checks and writes in ONE statement: a new code creates the unit; a known one
changes its name and kind, except that a unit which has identified entries keeps its kind (the
entries' meaning depends on it: a PLATFORM unit's entries are recognised ones, R18). It returns
``refusal`` (null when written) and what the unit was before.

``UNIT_CODES`` and ``UNIT_KNOWN`` serve the hub's cache of known units (``hub.auth.known_units``):
a token names a unit the platform knows, or it is refused.
"""

from __future__ import annotations

UNITS = """
MATCH (u:Unit)
RETURN u.code AS code, u.name AS name, u.kind AS kind,
       COUNT { (u)<-[:IDENTIFIED_BY]-(:ListEntry) } AS entries
ORDER BY code
"""

REGISTER_UNIT = """
OPTIONAL MATCH (old:Unit {code: $code})
WITH old.name AS previous_name, old.kind AS previous_kind,
     COUNT { (old)<-[:IDENTIFIED_BY]-(:ListEntry) } AS entries
WITH previous_name, previous_kind, entries,
     CASE WHEN entries > 0 AND previous_kind <> $kind THEN 'KIND_OF_A_UNIT_WITH_ENTRIES'
          ELSE null END AS refusal
FOREACH (_ IN CASE WHEN refusal IS NULL THEN [1] ELSE [] END |
  MERGE (u:Unit {code: $code})
  SET u.name = $name, u.kind = $kind
)
RETURN refusal, previous_name, previous_kind, entries
"""

CATALOGUE_VERSIONS = """
MATCH (m:Measure)
UNWIND [[m.catalogue_version, 'LISTED'], [m.retired_in, 'RETIRED']] AS mark
WITH mark[0] AS version, mark[1] AS what, m
WHERE version IS NOT NULL
RETURN version,
       count(CASE WHEN what = 'LISTED' AND NOT coalesce(m.retired, false) THEN 1 END) AS in_force,
       count(CASE WHEN what = 'RETIRED' THEN 1 END) AS retired
ORDER BY [part IN split(version, '.') | coalesce(toInteger(part), -1)] DESC, version DESC
"""

UNIT_CODES = """
MATCH (u:Unit)
RETURN u.code AS code
"""

UNIT_KNOWN = """
OPTIONAL MATCH (u:Unit {code: $code})
RETURN u IS NOT NULL AS known
"""
