"""Edge scopes: who may reach each operation and field, said in Federation's ``@requiresScopes``.

A router in front of the hub can filter at the edge with the auth directives the subgraph SDL
carries (``hub.federation.subgraph``). They are derived from the policy the hub enforces, so they
can not
drift from it; the hub's own decisions stay the authority. Scope names (docs/federation.md):

* ``ROLE``: the role may reach the coordinate whatever purpose it declares (or none);
* ``ROLE/PURPOSE``: the role may reach it when it declares that purpose (``X-Purpose``).

A router gives a caller the scopes ``caller_scopes`` lists: each role of its verified token,
and each role joined to the declared purpose (``NONE`` without one). The scopes are a superset
of the hub's decisions, never a subset: an operation allowed only on the caller's own things
(``OWNER`` rules) or only for some unit counts as reachable, and a deny of another role of the
same caller is left to the hub. So the edge only ever refuses what the hub would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable

from hub.policy.engine import ENTRY_SCOPE_UNIT, NO_PURPOSE, Policy
from hub.policy.roles import PURPOSES, ROLES

ANY_UNIT = "U-ANY"  # a unit no rule names: what "*" rules give every unit (a valid unit code)
SEPARATOR = "/"
Scopes = tuple[str, ...]
"""The alternatives of ``@requiresScopes``: a caller holding any one of them may reach it."""


def caller_scopes(roles: Iterable[str], purpose: str | None) -> frozenset[str]:
    """The scopes a router derives for a caller: its roles, and each joined to its purpose."""
    declared = purpose or NO_PURPOSE
    return frozenset(scope for role in roles for scope in (role, f"{role}{SEPARATOR}{declared}"))


def edge_scopes(policy: Policy) -> dict[str, Scopes]:
    """Every operation and field the policy decides on → the sorted scopes that may reach it
    (empty when no role may, under any purpose)."""
    surface = policy.surface
    coordinates = sorted((surface.operations | surface.fields) - {ENTRY_SCOPE_UNIT})
    granted: dict[str, set[str]] = {coordinate: set() for coordinate in coordinates}
    for role in ROLES:
        reach = _reach_by_purpose(policy, role)
        for coordinate in coordinates:
            purposes = [purpose for purpose, reached in reach.items() if coordinate in reached]
            if len(purposes) == len(reach):
                granted[coordinate].add(role)
            else:
                granted[coordinate].update(f"{role}{SEPARATOR}{p}" for p in purposes)
    return {coordinate: tuple(sorted(scopes)) for coordinate, scopes in granted.items()}


def _reach_by_purpose(policy: Policy, role: str) -> dict[str, frozenset[str]]:
    """Purpose (``NONE`` too) → the coordinates ``role`` may reach under it, for some unit.

    Casbin is asked once per class of purposes the rules can not tell apart (a purpose counts
    only through the rule purposes and groups it matches), not once per purpose."""
    units, rule_purposes = policy.rule_terms
    reach: dict[str, frozenset[str]] = {}
    by_class: dict[frozenset[str], frozenset[str]] = {}
    for purpose in (NO_PURPOSE, *PURPOSES):
        matched = frozenset(_names_of(policy, purpose) & rule_purposes)
        if matched not in by_class:
            by_class[matched] = _reachable(policy, role, purpose, (ANY_UNIT, *sorted(units)))
        reach[purpose] = by_class[matched]
    return reach


def _names_of(policy: Policy, purpose: str) -> set[str]:
    """The purpose and every group it belongs to, through groups of groups (g2 is transitive)."""
    names, todo = {purpose}, [purpose]
    while todo:
        for group in policy.purpose_groups.get(todo.pop(), ()):
            if group not in names:
                names.add(group)
                todo.append(group)
    return names


def _reachable(policy: Policy, role: str, purpose: str, units: Iterable[str]) -> frozenset[str]:
    reached: set[str] = set()
    for unit in units:
        decisions = policy.decisions((role,), unit, None if purpose == NO_PURPOSE else purpose)
        reached |= decisions.operations | decisions.own_operations
        reached |= {c for c, decision in decisions.fields.items() if decision.allowed}
    return frozenset(reached)


__all__ = ["SEPARATOR", "Scopes", "caller_scopes", "edge_scopes"]
