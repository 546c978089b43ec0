"""The bounds of what the hub accepts at its write boundary: string lengths, characters, dates,
and personal data in free text. One table, used by the import (``hub.importing``), the
proposals of the lifecycle (``hub.lifecycle.proposals``, which ``credit-hub push`` also uses)
and every mutation argument (``schema.inputs.check_mutation_arguments``). docs/import.md and
docs/lifecycle.md list the figures.

* **Length**: each text has a maximum in characters (``Text.max_chars``); an identifier-like
  string that the table does not name gets ``DEFAULT``.
* **Characters**: no control characters (``NUL``, ``ESC``, … Unicode category Cc), no invisible
  format characters (Cf: zero-width space, bidi overrides), no lone surrogates; line breaks and
  tabs only in multi-line texts (grounds, statements, notes, legal basis, repair method).
* **Personal data**: a free text (``Text.free``) may not hold an identity number, an individual
  business's credit code, a phone number or an e-mail address (``hub.validation.free_text``). Such
  a text
  is refused, not sealed, so nothing clear is stored: the person is named by the entry's
  subject, and documents by reference.
* **Dates**: from the founding of the People's Republic (``EARLIEST``, 1949-10-01). A date
  something happened on (identification, act, registration, notice, report, role start) is at
  most ``EVENT_YEARS_AHEAD`` year after today; an end date (validity, earliest repair, end of
  notice or role) at most ``END_YEARS_AHEAD`` years after today.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import Enum

from hub.errors import BadInput
from hub.validation import free_text

EARLIEST = date(1949, 10, 1)
EVENT_YEARS_AHEAD = 1
END_YEARS_AHEAD = 50
MAX_MATERIALS = 50


@dataclass(frozen=True)
class Text:
    max_chars: int
    lines: bool = False
    free: bool = False


CODE = Text(64)
KEY = Text(128)
DEFAULT = Text(256)
NAME = Text(200, free=True)
PERSON_NAME = Text(100, free=True)
LEGAL_BASIS = Text(1000, lines=True, free=True)
REPAIR_METHOD = Text(2000, lines=True, free=True)
GROUNDS = Text(4000, lines=True, free=True)
NOTE = Text(2000, lines=True, free=True)
MATERIAL = Text(500, free=True)
URL = Text(2048)


class DateKind(Enum):
    EVENT = "EVENT"
    END = "END"


def text_problem(value: str, rule: Text) -> str | None:
    """Why ``value`` breaks ``rule``, or None."""
    if len(value) > rule.max_chars:
        return f"at most {rule.max_chars} characters (got {len(value)})"
    if rule.free:
        kinds = free_text.kinds_in(value)
        if kinds:
            return (
                f"must not contain personal data ({free_text.describe(kinds)}); name the "
                "person by the entry's subject, never in free text"
            )
    for ch in value:
        if ch in "\n\r\t" and rule.lines:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs"):
            return f"must not contain control or invisible characters (U+{ord(ch):04X})"
    return None


def check_text(field: str, value: str, rule: Text) -> str:
    problem = text_problem(value, rule)
    if problem is not None:
        raise BadInput(field, problem)
    return value


def date_problem(value: date, kind: DateKind, today: date) -> str | None:
    ahead = EVENT_YEARS_AHEAD if kind is DateKind.EVENT else END_YEARS_AHEAD
    latest = _years_after(today, ahead)
    if not EARLIEST <= value <= latest:
        return f"must be between {EARLIEST.isoformat()} and {latest.isoformat()}"
    return None


def check_date(field: str, value: date, kind: DateKind, today: date) -> date:
    problem = date_problem(value, kind, today)
    if problem is not None:
        raise BadInput(field, problem)
    return value


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
