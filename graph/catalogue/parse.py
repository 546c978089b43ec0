"""Reading the measures catalogue file (措施清单, R16) into checked ``Measure`` records.

Every problem in the file is collected; ``CatalogueInvalid`` names each measure code and field,
e.g. ``measure M-BLK-MARKET-BAN: reach: unknown value 'CEO' (expected one of SUBJECT, …)``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from graph.errors import CatalogueError
from graph.vocabulary import (
    ListKind,
    MeasureKind,
    ReachKind,
    ReachOn,
    RoleKind,
    UnitKind,
    values,
)

ALL_DOMAINS = "*"
_CODE = re.compile(r"^M-[A-Z0-9]+(?:-[A-Z0-9]+)*$")
_DOMAIN = re.compile(r"^[A-Z][A-Z0-9_]*$")
_TOP_FIELDS = {"version", "title", "source", "measures"}
_REQUIRED = (
    "code",
    "title",
    "kind",
    "list",
    "domains",
    "reach",
    "implementing_kinds",
    "legal_basis",
)
_OPTIONAL = ("duration_months", "reach_on", "note", "clean_record_years", "bars_appointment_as")
E = TypeVar("E", bound=StrEnum)


class CatalogueInvalid(CatalogueError):
    """The catalogue file breaks its format: every problem is listed."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"measures catalogue {path}: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Measure:
    """One reward or punishment: whom it reaches, who applies it, on what basis, how long."""

    code: str
    title: str
    kind: MeasureKind
    list_kind: ListKind  # the JSON field and node property are called "list"
    domains: tuple[str, ...]  # ("*",) for every domain
    reach: tuple[ReachKind, ...]
    implementing_kinds: tuple[UnitKind, ...]
    legal_basis: str
    duration_months: int | None  # None: for the entry's validity
    reach_on: ReachOn
    note: str | None
    clean_record_years: int | None = None
    """RED measures only: also granted after this many years without an adverse record (R25)."""
    bars_appointment_as: tuple[RoleKind, ...] = ()
    """The posts a reached person may not take up while the measure runs (R11, CL art. 178)."""


@dataclass(frozen=True)
class Catalogue:
    version: str
    measures: tuple[Measure, ...]


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, field: str, rule: str) -> None:
        self.items.append(f"{where}: {field}: {rule}")


def read_catalogue(path: Path) -> Catalogue:
    """Parse and check the catalogue file at ``path``; raise ``CatalogueInvalid`` if bad."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogueInvalid(path, [f"unreadable: {exc}"]) from None
    problems = _Problems()
    catalogue = _catalogue(raw, problems)
    if problems.items or catalogue is None:
        raise CatalogueInvalid(path, problems.items)
    return catalogue


def _catalogue(raw: Any, problems: _Problems) -> Catalogue | None:
    if not isinstance(raw, dict):
        problems.add("catalogue", "(top)", "must be a JSON object")
        return None
    for field in sorted(set(raw) - _TOP_FIELDS):
        problems.add("catalogue", field, "unknown field")
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        problems.add("catalogue", "version", "must be a non-empty string")
    items = raw.get("measures")
    if not isinstance(items, list) or not items:
        problems.add("catalogue", "measures", "must be a non-empty list")
        return None
    measures = [_measure(index, item, problems) for index, item in enumerate(items)]
    _check_unique([m.code for m in measures if m is not None], problems)
    if not isinstance(version, str):
        return None
    return Catalogue(version, tuple(m for m in measures if m is not None))


def _check_unique(codes: list[str], problems: _Problems) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            problems.add(f"measure {code}", "code", "appears more than once")
        seen.add(code)


def _measure(index: int, item: Any, problems: _Problems) -> Measure | None:
    if not isinstance(item, dict):
        problems.add(f"measure #{index + 1}", "(measure)", "must be a JSON object")
        return None
    code = item.get("code")
    where = f"measure {code}" if isinstance(code, str) and code else f"measure #{index + 1}"
    before = len(problems.items)
    _check_fields(where, item, problems)
    if isinstance(code, str) and not _CODE.match(code):
        problems.add(where, "code", "must look like M-BLK-MARKET-BAN (M- and upper-case words)")
    measure = Measure(
        code=str(code),
        title=_text(where, item, "title", problems) or "",
        kind=_one(where, item, "kind", MeasureKind, problems),
        list_kind=_one(where, item, "list", ListKind, problems),
        domains=_domains(where, item.get("domains"), problems),
        reach=_many(where, item, "reach", ReachKind, problems),
        implementing_kinds=_many(where, item, "implementing_kinds", UnitKind, problems),
        legal_basis=_text(where, item, "legal_basis", problems) or "",
        duration_months=_duration(where, item.get("duration_months"), problems),
        reach_on=_one(where, item, "reach_on", ReachOn, problems, default=ReachOn.ACT_DATE),
        note=item.get("note") if isinstance(item.get("note"), str) else None,
        clean_record_years=_clean_record_years(where, item, problems),
        bars_appointment_as=_many(where, item, "bars_appointment_as", RoleKind, problems),
    )
    return measure if len(problems.items) == before else None


def _clean_record_years(where: str, item: dict[str, Any], problems: _Problems) -> int | None:
    value = item.get("clean_record_years")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        problems.add(where, "clean_record_years", "must be a positive whole number of years")
        return None
    if item.get("list") != ListKind.RED.value:
        problems.add(where, "clean_record_years", "only a RED measure (an incentive) may have it")
        return None
    return value


def _check_fields(where: str, item: dict[str, Any], problems: _Problems) -> None:
    for field in _REQUIRED:
        if field not in item:
            problems.add(where, field, "is required")
    for field in sorted(set(item) - set(_REQUIRED) - set(_OPTIONAL)):
        problems.add(where, field, "unknown field")
    if "note" in item and not isinstance(item["note"], str):
        problems.add(where, "note", "must be a string")


def _text(where: str, item: dict[str, Any], field: str, problems: _Problems) -> str | None:
    value = item.get(field)
    if field in item and (not isinstance(value, str) or not value.strip()):
        problems.add(where, field, "must be a non-empty string")
        return None
    return value if isinstance(value, str) else None


def _one(
    where: str,
    item: dict[str, Any],
    field: str,
    enum: type[E],
    problems: _Problems,
    default: E | None = None,
) -> E:
    """The member named by ``item[field]``; a missing field was reported by _check_fields."""
    value = item.get(field)
    if value in set(enum):
        return enum(value)
    if field in item:
        return _bad_enum(where, field, value, enum, problems)
    return default if default is not None else next(iter(enum))


def _bad_enum(where: str, field: str, value: Any, enum: type[E], problems: _Problems) -> E:
    problems.add(where, field, f"unknown value {value!r} (expected one of {values(enum)})")
    return next(iter(enum))


def _many(
    where: str, item: dict[str, Any], field: str, enum: type[E], problems: _Problems
) -> tuple[E, ...]:
    raw = item.get(field)
    if field not in item:
        return ()
    if not isinstance(raw, list) or not raw:
        problems.add(where, field, f"must be a non-empty list of {values(enum)}")
        return ()
    for value in raw:
        if value not in set(enum):
            _bad_enum(where, field, value, enum, problems)
    if len(set(map(str, raw))) != len(raw):
        problems.add(where, field, "lists a value more than once")
    return tuple(enum(value) for value in raw if value in set(enum))


def _domains(where: str, raw: Any, problems: _Problems) -> tuple[str, ...]:
    if raw == ALL_DOMAINS:
        return (ALL_DOMAINS,)
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        problems.add(where, "domains", 'must be "*" or a non-empty list of domain codes')
        return ()
    for value in raw:
        if not isinstance(value, str) or not _DOMAIN.match(value):
            problems.add(where, "domains", f"{value!r} is not a domain code like FOOD_SAFETY")
    return tuple(str(value) for value in raw)


def _duration(where: str, raw: Any, problems: _Problems) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
        problems.add(where, "duration_months", "must be a positive whole number or null")
        return None
    return raw
