"""Inputs shared by several root fields, and the bounds every mutation argument keeps.

``check_mutation_arguments`` walks the arguments of a mutation as GraphQL coerced them
(input objects as maps, lists, strings; dates as ``YYYY-MM-DD``) before the resolver runs,
from ``schema.build``'s root-field guard. Every string gets the length and character rule of
its field (``hub.validation.input_bounds``; fields not named here get ``DEFAULT``), free texts are
refused when they hold personal data, and dates keep their range. A refusal is ``BAD_INPUT``
naming the field by its path (``input.grounds``, ``entries[3].legalBasis``) and the rule, and
nothing is written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from hub.clock import today as platform_today
from hub.errors import BadInput
from hub.validation import input_bounds as bounds

TEXTS: dict[str, bounds.Text] = {
    "grounds": bounds.GROUNDS,
    "statement": bounds.GROUNDS,
    "note": bounds.NOTE,
    "materials": bounds.MATERIAL,
    "legalBasis": bounds.LEGAL_BASIS,
    "repairMethod": bounds.REPAIR_METHOD,
    "name": bounds.NAME,
    "idempotencyKey": bounds.KEY,
    "id": bounds.CODE,
    "entryId": bounds.CODE,
    "objectionId": bounds.CODE,
    "applicationId": bounds.CODE,
    "measureCode": bounds.CODE,
    "code": bounds.CODE,
    "unit": bounds.CODE,
    "domain": bounds.CODE,
    "url": bounds.URL,
}
DATES: dict[str, bounds.DateKind] = {
    "identifiedOn": bounds.DateKind.EVENT,
    "actDate": bounds.DateKind.EVENT,
    "notifiedOn": bounds.DateKind.EVENT,
    "validUntil": bounds.DateKind.END,
    "repairEarliest": bounds.DateKind.END,
    "noticeUntil": bounds.DateKind.END,
}
LISTS: dict[str, int] = {"materials": bounds.MAX_MATERIALS}


@strawberry.input(description="A subject: exactly one of the two keys.")
class SubjectInput:
    uscc: str | None = None
    id_number: str | None = None


def check_mutation_arguments(arguments: dict[str, Any], today: date | None = None) -> None:
    """Raises ``BadInput`` for the first argument out of bounds."""
    day = today or platform_today()
    for name, value in arguments.items():
        _check(name, name, value, day)


def _check(path: str, key: str, value: Any, today: date) -> None:
    if isinstance(value, str):
        kind = DATES.get(key)
        if kind is not None:
            _check_date(path, value, kind, today)
        else:
            bounds.check_text(path, value, TEXTS.get(key, bounds.DEFAULT))
    elif isinstance(value, dict):
        for name, item in value.items():
            _check(f"{path}.{name}", name, item, today)
    elif isinstance(value, list | tuple):
        most = LISTS.get(key)
        if most is not None and len(value) > most:
            raise BadInput(path, f"at most {most} items (got {len(value)})")
        for index, item in enumerate(value):
            _check(f"{path}[{index}]", key, item, today)


def _check_date(path: str, value: str, kind: bounds.DateKind, today: date) -> None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadInput(path, f"{value!r} is not a date YYYY-MM-DD") from None
    bounds.check_date(path, day, kind, today)
