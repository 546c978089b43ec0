"""``credit-hub policy check``: lint ``policies/`` and print the effective matrix.

Lint: every rule names a known role (hub.roles.ROLES), a known purpose or purpose group (or
``*``), a unit that is a keyword (``*``, ``OWNER``) or ``unit:<code>`` (hub.policy, issue 12), and
an object that matches something in the schema (a root operation or a ``Type.field``); masking
rules likewise, with a valid mask, and no mask on an identity number that leaves fewer than
``hub.policy.mask_strength.MIN_CANDIDATES`` numbers it could be, given what else the same role sees
under the same purpose (``mask_problems``). The matrix says, for every role × purpose × field,
whether the field is clear, masked (how) or denied; ``docs/policy-matrix.md`` is generated
from it and a test fails when the two disagree.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hub.errors import ConfigurationError
from hub.policy.engine import (
    ANY_UNIT_KEYWORD,
    NO_PURPOSE,
    UNIT_KEYWORDS,
    UNIT_NAMESPACE,
    FieldDecision,
    MaskRule,
    Policy,
    SchemaSurface,
    parse_mask_rules,
    rule_unit,
)
from hub.policy.limits import parse_limit_rules
from hub.policy.mask_strength import MIN_CANDIDATES, candidates
from hub.policy.roles import PURPOSES, ROLES
from hub.policy.rows import csv_rows as _rows
from hub.validation.unit_codes import UNIT_CODE_RULE, is_unit_code

MATRIX_UNIT = "U-ANY"  # a unit with no rules of its own: what "*" rules give every unit
IDENTITY_NUMBERS = frozenset({"Person.idNumber"})
"""Fields holding a resident identity number (GB 11643): their masks must hide enough."""
REVEALING_FIELDS: dict[str, frozenset[str]] = {}
"""Other fields and what they reveal of a person's identity number when shown in clear
(``hub.policy.mask_strength.FACTS``; a date field masked ``YEAR_ONLY`` reveals only ``birth_year``).
The schema has none today: ``Person`` shows no birth date, sex or region."""


@dataclass(frozen=True)
class LintProblem:
    file: str
    row: int
    message: str

    def __str__(self) -> str:
        return f"{self.file} rule {self.row}: {self.message}"


def lint(texts: dict[str, str], surface: SchemaSurface) -> list[LintProblem]:
    coordinates = surface.operations | surface.fields
    groups = {row[2] for row in _rows(texts["policy.csv"]) if row[0] == "g2"}
    purposes = {*PURPOSES, *groups, "*"}
    problems: list[LintProblem] = []
    for number, row in enumerate(_rows(texts["policy.csv"]), start=1):
        problems.extend(_lint_policy_row(number, row, coordinates, purposes))
    try:
        masks = parse_mask_rules(texts["masking.csv"])
    except ConfigurationError as exc:
        return [*problems, LintProblem("masking.csv", 0, exc.message)]
    problems.extend(_lint_limits(texts["limits.csv"], surface, purposes))
    for number, rule in enumerate(masks, start=1):
        if rule.role not in ROLES:
            problems.append(LintProblem("masking.csv", number, f"unknown role {rule.role!r}"))
        if rule.purpose not in purposes:
            problems.append(LintProblem("masking.csv", number, f"unknown purpose {rule.purpose!r}"))
        if rule.coordinate not in surface.fields:
            problems.append(
                LintProblem("masking.csv", number, f"unknown field {rule.coordinate!r}")
            )
    if problems:
        return problems
    return mask_problems(Policy(texts, surface), masks)


def mask_problems(
    policy: Policy,
    rules: list[MaskRule],
    revealing: dict[str, frozenset[str]] | None = None,
) -> list[LintProblem]:
    """Every identity-number mask a role may see under a purpose that leaves fewer than
    ``MIN_CANDIDATES`` numbers, given the facts the role's other visible fields reveal under
    that purpose (``REVEALING_FIELDS`` unless ``revealing`` is given)."""
    revealing = REVEALING_FIELDS if revealing is None else revealing
    problems: list[LintProblem] = []
    roles = sorted({r.role for r in rules if r.coordinate in IDENTITY_NUMBERS})
    for role in roles:
        for purpose in (NO_PURPOSE, *PURPOSES):

            def decide(coordinate: str, role: str = role, purpose: str = purpose) -> FieldDecision:
                asked = None if purpose == NO_PURPOSE else purpose
                return policy.field_decision((role,), MATRIX_UNIT, asked, coordinate)

            facts = _revealed(decide, revealing)
            for coordinate in sorted(IDENTITY_NUMBERS):
                decision = decide(coordinate)
                left = candidates(decision.mask, facts) if decision.allowed else None
                if left is None or left >= MIN_CANDIDATES:
                    continue
                number = _rule_number(rules, role, coordinate, str(decision.mask))
                known = f", knowing {', '.join(sorted(facts))}" if facts else ""
                problems.append(
                    LintProblem(
                        "masking.csv",
                        number,
                        f"{decision.mask} on {coordinate} leaves {left:,} identity numbers for "
                        f"{role} under {purpose}{known}; a mask must leave at least "
                        f"{MIN_CANDIDATES:,} (hub/policy/mask_strength.py)",
                    )
                )
    return problems


def _revealed(
    decide: Callable[[str], FieldDecision], revealing: dict[str, frozenset[str]]
) -> frozenset[str]:
    facts: set[str] = set()
    for coordinate, shown in revealing.items():
        decision = decide(coordinate)
        if not decision.allowed or decision.mask.name in ("MASK", "HASH", "NULL"):
            continue
        if decision.mask.name == "YEAR_ONLY":
            facts |= {"birth_year"} if shown & {"birth_date", "birth_year"} else set()
        else:
            facts |= shown
    return frozenset(facts)


def _rule_number(rules: list[MaskRule], role: str, coordinate: str, mask: str) -> int:
    for number, rule in enumerate(rules, start=1):
        if rule.role == role and rule.coordinate == coordinate and str(rule.mask) == mask:
            return number
    return 0


def _lint_limits(text: str, surface: SchemaSurface, purposes: set[str]) -> list[LintProblem]:
    try:
        rules = parse_limit_rules(text)
    except ConfigurationError as exc:
        return [LintProblem("limits.csv", 0, exc.message)]
    problems: list[LintProblem] = []
    seen: set[tuple[str, str]] = set()
    for number, rule in enumerate(rules, start=1):
        if rule.purpose not in purposes:
            problems.append(LintProblem("limits.csv", number, f"unknown purpose {rule.purpose!r}"))
        if rule.coordinate not in surface.arguments:
            problems.append(
                LintProblem(
                    "limits.csv",
                    number,
                    f"{rule.coordinate!r} is no whole-number argument of an operation",
                )
            )
        if (rule.purpose, rule.coordinate) in seen:
            problems.append(
                LintProblem("limits.csv", number, f"a second limit on {rule.coordinate!r}")
            )
        seen.add((rule.purpose, rule.coordinate))
    return problems


def _lint_policy_row(
    number: int, row: list[str], coordinates: frozenset[str], purposes: set[str]
) -> Iterable[LintProblem]:
    kind = row[0]
    if kind == "g2":
        if len(row) != 3 or row[1] not in PURPOSES:
            yield LintProblem("policy.csv", number, f"g2 groups a known purpose: {row}")
        return
    if kind == "g":
        if len(row) != 4:
            yield LintProblem("policy.csv", number, f"expected g, role, parent role, unit: {row}")
            return
        for role in row[1:3]:
            if role not in ROLES:
                yield LintProblem("policy.csv", number, f"unknown role {role!r}")
        yield from _lint_unit(number, row[3], (ANY_UNIT_KEYWORD,))
        return
    if kind != "p" or len(row) != 7:
        yield LintProblem(
            "policy.csv", number, f"expected p, role, unit, object, action, purpose, effect: {row}"
        )
        return
    _, role, unit, obj, action, purpose, effect = row
    if role not in ROLES:
        yield LintProblem("policy.csv", number, f"unknown role {role!r}")
    yield from _lint_unit(number, unit, tuple(sorted(UNIT_KEYWORDS)))
    if purpose not in purposes:
        yield LintProblem("policy.csv", number, f"unknown purpose {purpose!r}")
    if action not in ("read", "query", "mutation", "*"):
        yield LintProblem("policy.csv", number, f"unknown action {action!r}")
    if effect not in ("allow", "deny"):
        yield LintProblem("policy.csv", number, f"effect must be allow or deny, not {effect!r}")
    if not fnmatch.filter(coordinates, obj):
        yield LintProblem(
            "policy.csv", number, f"{obj!r} matches no operation or field of the schema"
        )


def _lint_unit(number: int, term: str, keywords: tuple[str, ...]) -> Iterable[LintProblem]:
    """A rule's unit is a keyword or one unit in its namespace (``unit:U-TAX``), never a bare
    code: a bare word would be compared with nothing the hub sends (issue 12)."""
    if term in keywords:
        return
    code = rule_unit(term)
    if code is None or not is_unit_code(code):
        allowed = " or ".join(f"{k!r}" for k in keywords)
        yield LintProblem(
            "policy.csv",
            number,
            f"unit {term!r}: {allowed}, or '{UNIT_NAMESPACE}<code>' where the code "
            f"{UNIT_CODE_RULE}",
        )


def matrix(
    policy: Policy, surface: SchemaSurface, roles: tuple[str, ...] = ROLES
) -> dict[str, dict[str, dict[str, str]]]:
    """role → field → purpose → 'clear' | 'masked <MASK>' | 'denied' (fields of types only)."""
    table: dict[str, dict[str, dict[str, str]]] = {}
    for role in roles:
        by_field: dict[str, dict[str, str]] = {f: {} for f in sorted(surface.fields)}
        for purpose in (NO_PURPOSE, *PURPOSES):
            decisions = policy.decisions(
                (role,), MATRIX_UNIT, None if purpose == NO_PURPOSE else purpose
            )
            for coordinate in surface.fields:
                decision = decisions.field(coordinate)
                by_field[coordinate][purpose] = (
                    "denied"
                    if not decision.allowed
                    else "clear"
                    if decision.mask.is_clear
                    else f"masked {decision.mask}"
                )
        table[role] = by_field
    return table


def matrix_markdown(policy: Policy, surface: SchemaSurface) -> str:
    table = matrix(policy, surface)
    purposes = (NO_PURPOSE, *PURPOSES)
    lines = [
        "# The effective policy matrix",
        "",
        "Generated by `credit-hub policy check --write-docs` from `policies/`; a test fails when",
        "this page and the policy disagree. For each role: every field it may see under some",
        "purpose, and how (clear, masked, denied) per declared purpose (`NONE` = no X-Purpose).",
        "Fields a role may never see are counted, not listed. Units: rules for any unit (`*`);",
        "`OWNER` rules (a unit's own entries) and `unit:<code>` rules are in policies/policy.csv.",
        f"Policy version `{policy.version}`.",
    ]
    for role, by_field in table.items():
        visible = {
            f: row for f, row in by_field.items() if any(v != "denied" for v in row.values())
        }
        lines += ["", f"## {role}", ""]
        if not visible:
            lines.append(f"No field under any purpose ({len(by_field)} denied).")
            continue
        lines.append("| field | " + " | ".join(purposes) + " |")
        lines.append("|---|" + "---|" * len(purposes))
        for coordinate, row in visible.items():
            cells = [_cell(row[p]) for p in purposes]
            lines.append(f"| `{coordinate}` | " + " | ".join(cells) + " |")
        lines.append("")
        lines.append(f"{len(by_field) - len(visible)} other fields: denied under every purpose.")
    return "\n".join([*lines, *_limits_markdown(policy, purposes)]) + "\n"


def _limits_markdown(policy: Policy, purposes: tuple[str, ...]) -> list[str]:
    """How far each limited operation may go, per declared purpose (``policies/limits.csv``),
    for whichever role the policy lets ask it (``NONE``: no purpose declared)."""
    coordinates = sorted({rule.coordinate for rule in policy.limit_rules})
    lines = [
        "",
        "## Limits per purpose",
        "",
        "From `policies/limits.csv`, for every role that may ask the operation; beyond the",
        "limit the answer is FORBIDDEN. `—`: no limit beyond the operation's own bounds.",
        "",
        "| argument | " + " | ".join(purposes) + " |",
        "|---|" + "---|" * len(purposes),
    ]
    for coordinate in coordinates:
        operation, argument = coordinate.rsplit(".", 1)
        cells = []
        for purpose in purposes:
            limits = policy.limits(purpose).get(operation, ())
            limit = next((x for x in limits if x.argument == argument), None)
            cells.append("—" if limit is None else f"≤ {limit.maximum}")
        lines.append(f"| `{coordinate}` | " + " | ".join(cells) + " |")
    return lines


def _cell(value: str) -> str:
    return {"clear": "clear", "denied": "—"}.get(value, value.replace("masked ", "🔒 "))
