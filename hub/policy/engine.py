"""Authorization: the Casbin policy in ``policies/``, turned into per-caller decisions.

Casbin is asked once per (roles, unit, purpose, policy version) for every operation and every
field of the schema; the answers are cached, so a request costs a dictionary look-up per field,
never a Casbin call per field per row. A field the policy does not mention is denied: a new field
is protected before anyone writes a rule for it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import casbin

from hub.errors import ConfigurationError
from hub.policy.limits import ArgumentLimit, LimitRule, limits_for, parse_limit_rules
from hub.policy.masking import CLEAR, Mask, parse_mask
from hub.policy.rows import csv_rows as _rows

POLICY_FILES = ("model.conf", "policy.csv", "masking.csv", "limits.csv")
NO_PURPOSE = "NONE"
ENTRY_SCOPE_UNIT = "EntryScope.UNIT"
"""A coordinate that is no GraphQL field: the row scope of list entries (see Decisions)."""
UNIT_NAMESPACE = "unit:"
"""Units reach Casbin as ``unit:<code>`` and nothing else does: the keywords of the policy's unit
column (``*``, ``OWNER``) can never equal a unit, whatever the unit is called (issue 12)."""
ANY_UNIT_KEYWORD = "*"
OWNER_KEYWORD = "OWNER"
UNIT_KEYWORDS = frozenset({ANY_UNIT_KEYWORD, OWNER_KEYWORD})


def unit_term(unit: str) -> str:
    """A unit as the policy's request and rules name it (``U-TAX`` -> ``unit:U-TAX``)."""
    return UNIT_NAMESPACE + unit


def rule_unit(term: str) -> str | None:
    """The unit code a rule's unit column names, or None for a keyword (or a malformed term)."""
    return term.removeprefix(UNIT_NAMESPACE) if term.startswith(UNIT_NAMESPACE) else None


@dataclass(frozen=True)
class FieldDecision:
    allowed: bool
    mask: Mask = CLEAR


DENIED = FieldDecision(False)


@dataclass(frozen=True)
class Decisions:
    """What one kind of caller may do and see: computed once, then only looked up."""

    policy_version: str
    operations: frozenset[str]
    """Operations allowed whoever owns what they act on."""
    own_operations: frozenset[str]
    """Operations allowed on what the caller's own unit owns (e.g. its own list entries)."""
    fields: dict[str, FieldDecision] = field(repr=False)
    limits: dict[str, tuple[ArgumentLimit, ...]] = field(default_factory=dict)
    """Operation → the purpose's limits on its arguments (``policies/limits.csv``)."""

    def beyond_limit(self, operation: str, arguments: dict[str, object]) -> ArgumentLimit | None:
        """The first limit of the caller's purpose that ``arguments`` exceed, if any."""
        for limit in self.limits.get(operation, ()):
            if limit.exceeded_by(arguments):
                return limit
        return None

    def may(self, operation: str) -> bool:
        """Whether the operation may be asked at all (on something, possibly only one's own)."""
        return operation in self.operations or operation in self.own_operations

    def may_act_on(self, operation: str, owner: str, unit: str) -> bool:
        """Whether the operation may act on something ``owner`` owns, for a caller of ``unit``."""
        return operation in self.operations or (owner == unit and operation in self.own_operations)

    @property
    def entry_scope(self) -> str:
        """Which list entries the caller sees: ``UNIT`` (all but other units' unpublished
        candidates) if the policy grants ``EntryScope.UNIT``, else ``PUBLISHED`` only."""
        return "UNIT" if self.field(ENTRY_SCOPE_UNIT).allowed else "PUBLISHED"

    def field(self, coordinate: str) -> FieldDecision:
        return self.fields.get(coordinate, DENIED)


@dataclass(frozen=True)
class SchemaSurface:
    """Every coordinate the policy decides on: root operations and ``Type.field`` pairs."""

    operations: frozenset[str]
    fields: frozenset[str]
    arguments: frozenset[str] = frozenset()
    """``Query.exposure.depth``: the whole-number arguments of operations (limits.csv bounds)."""


@dataclass(frozen=True)
class MaskRule:
    role: str
    purpose: str
    coordinate: str
    mask: Mask


def policy_dir() -> Path:
    return Path(str(resources.files("policies")))


def read_policy_texts(directory: Path | None = None) -> dict[str, str]:
    base = directory or policy_dir()
    try:
        return {name: (base / name).read_text(encoding="utf-8") for name in POLICY_FILES}
    except OSError as exc:
        raise ConfigurationError(f"policy files unreadable in {base}: {exc}") from None


def parse_mask_rules(text: str) -> list[MaskRule]:
    rules = []
    for row in _rows(text):
        if len(row) != 4:
            raise ConfigurationError(f"masking.csv: expected role, purpose, object, mask: {row}")
        rules.append(MaskRule(row[0], row[1], row[2], parse_mask(row[3])))
    return rules


class Policy:
    """One loaded version of ``policies/``; thread-safe decision cache."""

    def __init__(self, texts: dict[str, str], surface: SchemaSurface) -> None:
        self.version = hashlib.sha256(
            "\x00".join(texts[name] for name in POLICY_FILES).encode()
        ).hexdigest()[:16]
        self._surface = surface
        self._texts = texts
        self._enforcer = _build_enforcer(texts["model.conf"], texts["policy.csv"])
        self._role_enforcers: dict[str, casbin.Enforcer] = {}
        self._mask_rules = parse_mask_rules(texts["masking.csv"])
        self._limit_rules = parse_limit_rules(texts["limits.csv"])
        self._cache: dict[tuple[tuple[str, ...], str, str], Decisions] = {}
        self._lock = threading.Lock()

    @property
    def limit_rules(self) -> list[LimitRule]:
        return list(self._limit_rules)

    def limits(self, purpose: str) -> dict[str, tuple[ArgumentLimit, ...]]:
        """Operation → the limits on its arguments for a declared purpose (any role)."""
        return limits_for(self._limit_rules, purpose, self.purpose_groups.get(purpose, set()))

    @cached_property
    def purpose_groups(self) -> dict[str, set[str]]:
        groups: dict[str, set[str]] = {}
        for purpose, group in self._enforcer.get_named_grouping_policy("g2"):
            groups.setdefault(purpose, set()).add(group)
        return groups

    @property
    def surface(self) -> SchemaSurface:
        """The operations and fields this policy decides on."""
        return self._surface

    @cached_property
    def rule_terms(self) -> tuple[frozenset[str], frozenset[str]]:
        """The units (codes, out of their ``unit:`` namespace) and the purposes (or groups)
        that ``p`` rules name, the keywords left out: decisions can only differ between units
        or purposes that these tell apart."""
        rules = [row[1:] for row in _rows(self._texts["policy.csv"]) if row[0] == "p"]
        units = frozenset(unit for rule in rules if (unit := rule_unit(rule[1])) is not None)
        purposes = frozenset(rule[4] for rule in rules if rule[4] != "*")
        return units, purposes

    def decisions(self, roles: tuple[str, ...], unit: str, purpose: str | None) -> Decisions:
        key = (roles, unit, purpose or NO_PURPOSE)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        with self._lock:
            decided = self._decide(*key)
            self._cache[key] = decided
        return decided

    def field_decision(
        self, roles: tuple[str, ...], unit: str, purpose: str | None, coordinate: str
    ) -> FieldDecision:
        """One field's decision, without deciding every other (the mask lint asks a few)."""
        asked = purpose or NO_PURPOSE
        cached = self._cache.get((roles, unit, asked))
        if cached is not None:
            return cached.field(coordinate)
        if not self._allowed(roles, unit, coordinate, "read", asked):
            return DENIED
        return FieldDecision(True, self._mask_for(roles, asked, coordinate))

    def _allowed(
        self, roles: tuple[str, ...], unit: str, obj: str, act: str, purpose: str, owner: str = ""
    ) -> bool:
        # Deny overrides across roles too: one role's deny beats another role's allow. Units
        # (the caller's, the owner's) go in their namespace, never bare (issue 12).
        request = (unit_term(unit), obj, act, purpose, unit_term(owner) if owner else "")
        if not any(self._for_role(role).enforce(role, *request) for role in roles):
            return False
        if len(roles) == 1:
            return True  # Casbin's effect already let a deny of this role override
        return not any(self._explicitly_denied(role, *request) for role in roles)

    def _for_role(self, role: str) -> casbin.Enforcer:
        """The enforcer with the rules of ``role`` and of every role it inherits (g)."""
        enforcer = self._role_enforcers.get(role)
        if enforcer is None:
            inherited = {role}
            for child, parent, _unit in self._enforcer.get_named_grouping_policy("g"):
                if child == role:
                    inherited.add(parent)
            enforcer = _build_enforcer(
                self._texts["model.conf"], self._texts["policy.csv"], frozenset(inherited)
            )
            self._role_enforcers[role] = enforcer
        return enforcer

    def _explicitly_denied(self, role: str, *request: str) -> bool:
        _, explain = self._for_role(role).enforce_ex(role, *request)
        return bool(explain) and explain[-1] == "deny"

    def _decide(self, roles: tuple[str, ...], unit: str, purpose: str) -> Decisions:
        operations = frozenset(
            op
            for op in self._surface.operations
            if self._allowed(roles, unit, op, _action(op), purpose)
        )
        own_operations = frozenset(
            op
            for op in self._surface.operations
            if self._allowed(roles, unit, op, _action(op), purpose, owner=unit)
        )
        fields = {
            coordinate: FieldDecision(True, self._mask_for(roles, purpose, coordinate))
            for coordinate in self._surface.fields
            if self._allowed(roles, unit, coordinate, "read", purpose)
        }
        return Decisions(self.version, operations, own_operations, fields, self.limits(purpose))

    def _mask_for(self, roles: tuple[str, ...], purpose: str, coordinate: str) -> Mask:
        """The least masking among the caller's roles; per role the most specific rule wins."""
        masks = [self._role_mask(role, purpose, coordinate) for role in roles]
        return min(masks, key=_mask_strength)

    def _role_mask(self, role: str, purpose: str, coordinate: str) -> Mask:
        groups = self.purpose_groups.get(purpose, set())
        best: tuple[int, Mask] | None = None
        for rule in self._mask_rules:
            if rule.role != role or rule.coordinate != coordinate:
                continue
            rank = 0 if rule.purpose == purpose else 1 if rule.purpose in groups else 2
            if rule.purpose not in (purpose, "*") and rule.purpose not in groups:
                continue
            if best is None or rank < best[0]:
                best = (rank, rule.mask)
        return CLEAR if best is None else best[1]


def _mask_strength(mask: Mask) -> int:
    order = ("NONE", "HASH", "SHOW_FIRST_LAST", "YEAR_ONLY", "MASK", "NULL")
    return order.index(mask.name)


def _action(operation: str) -> str:
    return "mutation" if operation.startswith("Mutation.") else "query"


def _build_enforcer(
    model_text: str, policy_text: str, roles: frozenset[str] | None = None
) -> casbin.Enforcer:
    """An enforcer with every grouping rule and the ``p`` rules of ``roles`` (all if None).

    Casbin evaluates its matcher once per ``p`` rule per question, so an enforcer per role,
    holding only the rules that can match that role, answers several times faster."""
    logging.getLogger("casbin").setLevel(logging.WARNING)  # it logs the model at INFO
    model = casbin.Enforcer.new_model(text=model_text)
    enforcer = casbin.Enforcer(model)
    for row in _rows(policy_text):
        kind, rest = row[0], row[1:]
        if kind == "p":
            if roles is None or rest[0] in roles:
                enforcer.add_policy(*rest)
        elif kind in ("g", "g2"):
            enforcer.add_named_grouping_policy(kind, *rest)
        else:
            raise ConfigurationError(f"policy.csv: unknown rule kind {kind!r} in {row}")
    return enforcer
