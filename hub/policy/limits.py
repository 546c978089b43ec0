"""Purpose limits (``policies/limits.csv``): how far an operation may go for a declared purpose.

A purpose limits which operations and fields a caller gets (``policy.csv``) and how far an
allowed operation may reach: ``LICENSING, Query.exposure, depth, 1`` lets a licensing officer
walk one hop from the applicant, no further. Per purpose the most specific row wins (the
declared purpose, then its purpose group, then ``*``). The limits are part of a caller's
``hub.policy.engine.Decisions``; the root-field guard (``schema.build``) refuses an argument beyond
its limit with ``FORBIDDEN`` naming the purpose and the limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hub.errors import ConfigurationError
from hub.policy.rows import csv_rows

ANY_PURPOSE = "*"


@dataclass(frozen=True)
class LimitRule:
    """One row of ``limits.csv``."""

    purpose: str
    operation: str
    argument: str
    maximum: int

    @property
    def coordinate(self) -> str:
        """``Query.exposure.depth``: the operation's argument the rule bounds."""
        return f"{self.operation}.{self.argument}"


@dataclass(frozen=True)
class ArgumentLimit:
    """The limit in force on one argument of one operation, for one declared purpose."""

    operation: str
    argument: str
    maximum: int
    purpose: str
    """The caller's declared purpose (``NONE`` when none was declared)."""

    @property
    def coordinate(self) -> str:
        return f"{self.operation}.{self.argument}"

    def exceeded_by(self, arguments: Mapping[str, object]) -> bool:
        value = arguments.get(self.argument)
        return isinstance(value, int) and value > self.maximum

    def refusal(self, arguments: Mapping[str, object]) -> str:
        return (
            f"{self.operation}: {self.argument} {arguments.get(self.argument)} is beyond the "
            f"limit {self.maximum} for purpose {self.purpose} (policies/limits.csv)"
        )


def parse_limit_rules(text: str) -> list[LimitRule]:
    rules = []
    for row in csv_rows(text):
        if len(row) != 4:
            raise ConfigurationError(
                f"limits.csv: expected purpose, operation, argument, maximum: {row}"
            )
        purpose, operation, argument, maximum = row
        if not maximum.isdigit() or int(maximum) < 1:
            raise ConfigurationError(
                f"limits.csv: the maximum must be a whole number of at least 1: {row}"
            )
        rules.append(LimitRule(purpose, operation, argument, int(maximum)))
    return rules


def limits_for(
    rules: Iterable[LimitRule], purpose: str, groups: set[str]
) -> dict[str, tuple[ArgumentLimit, ...]]:
    """operation → the limits in force on its arguments for ``purpose`` (in purpose ``groups``)."""
    best: dict[str, tuple[int, LimitRule]] = {}
    for rule in rules:
        rank = _rank(rule.purpose, purpose, groups)
        if rank is None:
            continue
        known = best.get(rule.coordinate)
        if known is None or rank < known[0]:
            best[rule.coordinate] = (rank, rule)
    by_operation: dict[str, tuple[ArgumentLimit, ...]] = {}
    for _, rule in sorted(best.values(), key=lambda ranked: ranked[1].coordinate):
        limit = ArgumentLimit(rule.operation, rule.argument, rule.maximum, purpose)
        by_operation[rule.operation] = (*by_operation.get(rule.operation, ()), limit)
    return by_operation


def _rank(rule_purpose: str, purpose: str, groups: set[str]) -> int | None:
    if rule_purpose == purpose:
        return 0
    if rule_purpose in groups:
        return 1
    if rule_purpose == ANY_PURPOSE:
        return 2
    return None
