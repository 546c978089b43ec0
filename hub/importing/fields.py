"""Reading the fields of one import line: each reader checks one rule and records a problem.

A problem reads ``line N: field: rule`` (e.g. ``line 3: uscc: fails the GB 32100 check
digit``). Readers return None for a missing or bad value so that one line reports all of its
problems at once. Identity numbers are never echoed in a problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from graph.vocabulary import values
from hub.clock import today
from hub.errors import BadInput
from hub.importing.records import SubjectRef
from hub.validation import input_bounds as bounds
from hub.validation.unit_codes import IMPORTED_UNIT_CODE_RULE, is_imported_unit_code
from hub.values import parse_date

E = TypeVar("E", bound=StrEnum)

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_DOMAIN = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")


class Problems:
    """The problems found in a file, in the order found; ``sorted()`` orders them by line."""

    def __init__(self) -> None:
        self._items: list[tuple[int, str]] = []

    def add(self, line: int, field: str, rule: str) -> None:
        self._items.append((line, f"line {line}: {field}: {rule}"))

    def extend(self, other: Problems) -> None:
        self._items.extend(other._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[str]:
        return [text for _, text in sorted(self._items, key=lambda item: item[0])]


class LineReader:
    """The fields of one JSON object on line ``line``; unknown fields are reported by finish."""

    def __init__(self, line: int, fields: dict[str, Any], problems: Problems) -> None:
        self.line = line
        self._fields = fields
        self._problems = problems
        self._read: set[str] = {"type"}

    def problem(self, field: str, rule: str) -> None:
        self._problems.add(self.line, field, rule)

    def has(self, field: str) -> bool:
        return self._fields.get(field) is not None

    def finish(self) -> None:
        for field in sorted(set(self._fields) - self._read):
            self.problem(field, "unknown field")

    def _get(self, field: str, required: bool) -> Any:
        self._read.add(field)
        value = self._fields.get(field)
        if value is None and required:
            self.problem(field, "is required")
        return value

    def text(
        self, field: str, rule: bounds.Text = bounds.DEFAULT, *, required: bool = True
    ) -> str | None:
        """A non-empty string within ``rule`` (length, characters, no personal data in free
        text: hub/validation/input_bounds.py)."""
        value = self._get(field, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(field, "must be a non-empty string")
            return None
        problem = bounds.text_problem(value, rule)
        if problem is not None:
            self.problem(field, problem)
            return None
        return value

    def unit_code(self, field: str) -> str | None:
        """A unit code (hub.unit_codes: ``U-TAX``; never a policy keyword such as ``OWNER``),
        or a recognised platform's unit (``CITY-A.U-TAX``, R18)."""
        value = self.text(field)
        if value is not None and not is_imported_unit_code(value):
            self.problem(field, IMPORTED_UNIT_CODE_RULE)
            return None
        return value

    def code(self, field: str) -> str | None:
        """An entry id: letters, digits, '-', '_', '.'; at most 64 characters."""
        value = self.text(field)
        if value is not None and not _CODE.match(value):
            self.problem(field, "must be 1 to 64 letters, digits, '-', '_' or '.'")
            return None
        return value

    def domain(self, field: str) -> str | None:
        value = self.text(field)
        if value is not None and not _DOMAIN.match(value):
            self.problem(field, "must be an upper-case domain code like TAX or FOOD_SAFETY")
            return None
        return value

    def enum(self, field: str, enum: type[E]) -> E | None:
        value = self._get(field, True)
        if value is None:
            return None
        if value not in set(enum):
            self.problem(field, f"must be one of {values(enum)}")
            return None
        return enum(value)

    def optional_enum(self, field: str, enum: type[E]) -> E | None:
        if self.has(field):
            return self.enum(field, enum)
        self._read.add(field)
        return None

    def day(
        self,
        field: str,
        *,
        required: bool = True,
        kind: bounds.DateKind = bounds.DateKind.EVENT,
    ) -> date | None:
        """A calendar date ``YYYY-MM-DD`` in the range of its kind
        (hub/validation/input_bounds.py)."""
        value = self._get(field, required)
        if value is None:
            return None
        try:
            day = parse_date(value, field)
        except BadInput as bad:
            self.problem(field, bad.rule)
            return None
        problem = bounds.date_problem(day, kind, today())
        if problem is not None:
            self.problem(field, problem)
            return None
        return day

    def boolean(self, field: str, *, required: bool = True) -> bool | None:
        value = self._get(field, required)
        if value is not None and not isinstance(value, bool):
            self.problem(field, "must be true or false")
            return None
        return value

    def basis(self, field: str) -> int | None:
        value = self._get(field, True)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            self.problem(field, "must be a basis category from 1 to 5 (R2)")
            return None
        return value

    def percent(self, field: str) -> float | None:
        value = self._get(field, True)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
            self.problem(field, "must be a number greater than 0 and at most 100")
            return None
        return float(value)

    def uscc(self, field: str) -> str | None:
        return self._checked(field, self._get(field, True), uscc_problem)

    def id_number(self, field: str) -> str | None:
        return self._checked(field, self._get(field, True), id_number_problem)

    def _checked(self, field: str, value: Any, rule_of: Callable[[Any], str | None]) -> str | None:
        if value is None:
            return None
        rule = rule_of(value)
        if rule:
            self.problem(field, rule)
            return None
        return str(value)

    def subject(self, field: str) -> SubjectRef | None:
        """``{"uscc": ...}`` or ``{"id_number": ...}``: exactly one of the two."""
        value = self._get(field, True)
        if value is None:
            return None
        keys = set(value) if isinstance(value, dict) else set()
        if not isinstance(value, dict) or len(keys) != 1 or not keys <= {"uscc", "id_number"}:
            self.problem(field, "must hold exactly one of uscc, id_number")
            return None
        if "uscc" in value:
            code = self._checked(f"{field}.uscc", value["uscc"], uscc_problem)
            return SubjectRef.enterprise(code) if code else None
        number = self._checked(f"{field}.id_number", value["id_number"], id_number_problem)
        return SubjectRef.person(number) if number else None


def uscc_problem(value: Any) -> str | None:
    """Why ``value`` is not a unified social credit code as written (GB 32100), or None."""
    if not isinstance(value, str):
        return "must be a string of 18 characters (GB 32100)"
    try:
        valid = uscc.validate(value)
    except stdnum_errors.InvalidLength:
        return "must be 18 characters (GB 32100)"
    except stdnum_errors.InvalidChecksum:
        return "fails the GB 32100 check digit"
    except stdnum_errors.ValidationError:
        return "has a character outside the GB 32100 alphabet"
    if valid != value:
        return "must be written as 18 upper-case characters without spaces (GB 32100)"
    return None


def id_number_problem(value: Any) -> str | None:
    """Why ``value`` is not a resident identity number as written (GB 11643), or None."""
    if not isinstance(value, str):
        return "must be a string of 18 characters (GB 11643)"
    try:
        valid = ric.validate(value)
    except stdnum_errors.InvalidLength:
        return "must be 18 characters (GB 11643)"
    except stdnum_errors.InvalidFormat:
        return "must be 17 digits and a check digit (0-9 or X) (GB 11643)"
    except stdnum_errors.InvalidChecksum:
        return "fails the GB 11643 check digit"
    except (stdnum_errors.ValidationError, KeyError):
        # stdnum raises KeyError for some division codes that have no county
        return _birth_problem(value)
    if valid != value:
        return "must be written as 18 characters without spaces, X in upper case (GB 11643)"
    return None


def _birth_problem(value: str) -> str:
    try:
        ric.get_birth_date(value)
    except stdnum_errors.ValidationError:
        return "has an impossible birth date (GB 11643)"
    return "has an unknown administrative division code for its birth year (GB 11643)"
