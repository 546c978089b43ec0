"""Scalars: ``Date`` is an ISO 8601 calendar date (``2024-03-01``), as the graph stores it."""

from __future__ import annotations

import datetime
from typing import NewType

import strawberry

from hub.errors import BadInput


def _parse_date(value: object) -> str:
    if not isinstance(value, str):
        raise BadInput("Date", "must be a string YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadInput("Date", f"{value!r} is not a date YYYY-MM-DD") from None


Date = NewType("Date", str)

DateScalar = strawberry.scalar(
    name="Date",
    description="An ISO 8601 calendar date, YYYY-MM-DD.",
    serialize=str,
    parse_value=_parse_date,
)
