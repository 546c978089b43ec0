"""Field masks (after Apache Ranger's vocabulary): how an allowed field is shown.

``NONE`` clear; ``SHOW_FIRST_LAST(n,m)`` keeps n first and m last characters and hides the rest
with ``*`` (same length); ``MASK`` hides every character; ``HASH`` a keyed HMAC per unit (a stable
pseudonym that units cannot join with each other); ``YEAR_ONLY`` keeps the year of a date;
``NULL`` returns null.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Literal

from hub.errors import ConfigurationError

MaskName = Literal["NONE", "SHOW_FIRST_LAST", "MASK", "HASH", "YEAR_ONLY", "NULL"]
_SPEC = re.compile(r"^(NONE|MASK|HASH|YEAR_ONLY|NULL|SHOW_FIRST_LAST\((\d+),(\d+)\))$")


@dataclass(frozen=True)
class Mask:
    name: MaskName
    first: int = 0
    last: int = 0

    @property
    def is_clear(self) -> bool:
        return self.name == "NONE"

    def __str__(self) -> str:
        if self.name == "SHOW_FIRST_LAST":
            return f"SHOW_FIRST_LAST({self.first},{self.last})"
        return self.name


CLEAR = Mask("NONE")


def parse_mask(spec: str) -> Mask:
    match = _SPEC.match(spec.replace(" ", ""))
    if match is None:
        raise ConfigurationError(
            f"unknown mask {spec!r}: use NONE, SHOW_FIRST_LAST(n,m), MASK, HASH, YEAR_ONLY or NULL"
        )
    if match.group(2) is not None:
        return Mask("SHOW_FIRST_LAST", int(match.group(2)), int(match.group(3)))
    name: MaskName = match.group(1)  # type: ignore[assignment]
    return Mask(name)


def show_first_last(value: str, first: int, last: int) -> str:
    if first + last >= len(value):
        return "*" * len(value)
    return value[:first] + "*" * (len(value) - first - last) + value[len(value) - last :]


class Masker:
    """Applies masks; ``HASH`` pseudonyms are keyed per unit."""

    def __init__(self, pseudonym_key: bytes) -> None:
        self._key = pseudonym_key

    def unit_pseudonym(self, unit: str, value: str) -> str:
        unit_key = hmac.new(self._key, unit.encode(), hashlib.sha256).digest()
        return hmac.new(unit_key, value.encode(), hashlib.sha256).hexdigest()[:24]

    def apply(self, mask: Mask, value: str | None, unit: str) -> str | None:
        if value is None or mask.name == "NONE":
            return value
        if mask.name == "SHOW_FIRST_LAST":
            return show_first_last(value, mask.first, mask.last)
        if mask.name == "MASK":
            return "*" * len(value)
        if mask.name == "HASH":
            return self.unit_pseudonym(unit, value)
        if mask.name == "YEAR_ONLY":
            return value[:4]
        return None
