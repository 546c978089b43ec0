"""Values at the hub's edges: a date read from input (one parser for the API, the import files,
the push files and the CLI) and a value made plain for a JSON document."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hub.errors import BadInput

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: object, field: str) -> date:
    """``value``, a string ``YYYY-MM-DD``, as a calendar date.

    Raises BAD_INPUT naming ``field``: ``must be a date written YYYY-MM-DD`` for any other
    shape, ``is not a calendar date`` for a day that does not exist (``2023-02-30``).
    """
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise BadInput(field, "must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(field, "is not a calendar date") from None


def plain(value: Any) -> Any:
    """``value`` as a JSON document holds it: None, booleans, numbers and strings as they are,
    anything else (a path, a ``neo4j.time.Date``) as its string form."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
