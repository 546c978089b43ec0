"""Daily quotas of subjects per unit for roles that have one (a bank's scoped checks).

A quota counts the subjects a request asks about, not requests: every root field occurrence
(aliases included) counts one, and a batch counts its items (``checkMany``'s ``subjects``,
``_entities``' ``representations``), through fragments however nested (``subjects_asked``).
It is taken before anything is read, for the whole request: a request asking for more
subjects than the unit has left today is refused whole (RATE_LIMITED, with the time the
quota resets: midnight, China Standard Time) and consumes nothing. Every hub process shares
one counter per unit and day in Neo4j (``graph.quota_store``), written once per request of
a role with a quota; the count is exact under concurrency.

Quotas live in ``policies/quotas.csv`` (role, subjects per unit per day).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    parse,
)
from neo4j import AsyncDriver

from graph.quota_store import reserve
from hub.clock import PLATFORM_ZONE
from hub.errors import ConfigurationError, HubError

BATCH_ARGUMENTS = {"checkMany": "subjects", "_entities": "representations"}
"""Root fields that ask about one subject per item of a list argument."""
MAX_TOKENS = 2000  # schema.build.MAX_TOKENS: a longer document is refused before execution


class RateLimited(HubError):
    code = "RATE_LIMITED"
    http_status = 429

    def __init__(self, unit: str, asked: int, left: int, limit: int, resets_at: datetime) -> None:
        super().__init__(
            f"unit {unit} asked about {asked} subject(s) but has {left} of its {limit} "
            f"subjects for today left; the quota resets at {resets_at.isoformat()}"
        )
        self.resets_at = resets_at

    @property
    def details(self) -> dict[str, object]:
        return {"resetsAt": self.resets_at.isoformat()}


def read_quotas(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    quotas: dict[str, int] = {}
    lines = [
        ln
        for ln in path.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    for row in csv.reader(lines, skipinitialspace=True):
        try:
            quotas[row[0].strip()] = int(row[1])
        except (IndexError, ValueError):
            raise ConfigurationError(
                f"{path}: expected 'role, subjects per unit per day': {row}"
            ) from None
    return quotas


class Quotas:
    def __init__(self, driver: AsyncDriver, database: str, limits: dict[str, int]) -> None:
        self._driver = driver
        self._database = database
        self._limits = limits

    def limit_for(self, roles: tuple[str, ...]) -> int | None:
        limits = [self._limits[r] for r in roles if r in self._limits]
        return min(limits) if limits else None

    async def take(
        self,
        unit: str,
        roles: tuple[str, ...],
        query: str = "{ __typename }",
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> int:
        """Take the subjects the request asks about from ``unit``'s allowance for today, all
        or none (RateLimited); returns how many were taken (0: no quota for these roles)."""
        limit = self.limit_for(roles)
        if limit is None:
            return 0
        asked = subjects_asked(query, variables, operation_name)
        now = datetime.now(PLATFORM_ZONE)
        day = now.date().isoformat()
        granted, used = await reserve(self._driver, self._database, unit, day, asked, limit)
        if not granted:
            midnight = datetime.combine(now.date() + timedelta(days=1), time(), PLATFORM_ZONE)
            raise RateLimited(unit, asked, max(limit - used, 0), limit, midnight)
        return asked


@dataclass(frozen=True)
class _Count:
    """Subjects asked: a fixed number plus, per variable, how many times its length counts."""

    fixed: int = 0
    per_variable: tuple[tuple[str, int], ...] = ()

    def __add__(self, other: _Count) -> _Count:
        merged = dict(self.per_variable)
        for name, times in other.per_variable:
            merged[name] = merged.get(name, 0) + times
        return _Count(self.fixed + other.fixed, tuple(sorted(merged.items())))

    def of(self, variables: Mapping[str, Any]) -> int:
        total = self.fixed
        for name, times in self.per_variable:
            value = variables.get(name)
            total += times * (len(value) if isinstance(value, list) else 1)
        return total


def subjects_asked(
    query: str, variables: Mapping[str, Any] | None = None, operation_name: str | None = None
) -> int:
    """How many subjects a request asks about (at least 1): every root field once per
    occurrence, a batch field once per item, ``__typename`` not at all; ``@skip`` and
    ``@include`` are not evaluated (the count is an upper bound). Linear in the document:
    each fragment is counted once, however often it is spread."""
    return max(1, _plan(query, operation_name).of(variables or {}))


@lru_cache(maxsize=1024)
def _plan(query: str, operation_name: str | None) -> _Count:
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return _Count(1)  # refused by validation before anything is read
    return _Counter(document).operation(operation_name)


class _Counter:
    def __init__(self, document: DocumentNode) -> None:
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        self._counted: dict[str, _Count] = {}
        self._counting: set[str] = set()

    def operation(self, name: str | None) -> _Count:
        chosen = [
            op for op in self._operations if name is None or (op.name and op.name.value == name)
        ]
        total = _Count()
        for operation in chosen:  # several without a name: refused by strawberry; count all
            total = total + self._selections(operation.selection_set)
        return total

    def _selections(self, selection_set: SelectionSetNode) -> _Count:
        total = _Count()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total = total + _field(selection)
            elif isinstance(selection, InlineFragmentNode):
                total = total + self._selections(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total = total + self._fragment(selection.name.value)
        return total

    def _fragment(self, name: str) -> _Count:
        counted = self._counted.get(name)
        if counted is not None:
            return counted
        fragment = self._fragments.get(name)
        if fragment is None or name in self._counting:
            return _Count()  # unknown or cyclic: validation refuses the document
        self._counting.add(name)
        counted = self._counted[name] = self._selections(fragment.selection_set)
        self._counting.discard(name)
        return counted


def _field(node: FieldNode) -> _Count:
    name = node.name.value
    if name.startswith("__"):
        return _Count()
    argument = BATCH_ARGUMENTS.get(name)
    value = next((a.value for a in node.arguments or () if a.name.value == argument), None)
    if isinstance(value, ListValueNode):
        return _Count(len(value.values))
    if isinstance(value, VariableNode):
        return _Count(0, ((value.name.value, 1),))
    return _Count(1)
