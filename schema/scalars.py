"""Scalars: ``Date`` is an ISO 8601 calendar date (``2024-03-01``), as the graph stores it.

Resolvers receive a ``datetime.date``; the projected maps may answer a date or its ISO text,
and both are written ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime
from typing import NewType

import strawberry

from hub.values import parse_date

Date = NewType("Date", datetime.date)


def _parse_date(value: object) -> Date:
    return Date(parse_date(value, "Date"))


def _serialize_date(value: datetime.date | str) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


DateScalar = strawberry.scalar(
    name="Date",
    description="An ISO 8601 calendar date, YYYY-MM-DD.",
    serialize=_serialize_date,
    parse_value=_parse_date,
)
