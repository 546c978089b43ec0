"""Look-ups by identifier, and the ones that missed (attack classes 3 and 4).

A caller who asks about an identifier the hub does not know learns that it is not a subject:
asked often enough, that turns a masked identity number into a clear one, or walks the space of
numbers. Every look-up by identifier (``person``, ``enterprise``, ``check``, ``checkMany``,
``appointmentCheck``, ``exposure``) counts in the request's audit record: ``x_lookups`` and
``x_lookup_misses``; ``hub.audit.anomalies`` flags the users whose misses are many
(``LOOKUP_MISSES``).
"""

from __future__ import annotations


def note_lookup(tally: dict[str, int], found: bool) -> None:
    tally["lookups"] = tally.get("lookups", 0) + 1
    tally["lookup_misses"] = tally.get("lookup_misses", 0) + int(not found)
