"""What a unit may be called (issue 12, attack class 2): one grammar wherever a unit is named.

A **unit code** is ``U-`` followed by groups of upper-case ASCII letters and digits joined by
single hyphens, at most 64 characters: ``U-TAX``, ``U-COURT-QINGXIU``, ``U-BANK-ICBC``. No
lower case, no spaces, no look-alike characters (only ASCII is in the classes), and nothing
that could be a word of the policy: the policy's keywords (``*``, ``OWNER``), the roles, the
purposes and their groups, ``SELF`` and ``PLATFORM`` never start with ``U-``. The policy also
keeps unit codes in their own namespace (``hub.policy.engine.unit_term``), so even a code that
slipped
through could not equal a keyword; the grammar makes the refusal visible where a unit is named:
``registerUnit``, import lines, ``credit-hub token`` and token verification.

A **recognised unit** (R18, ``hub.exchange.recognition``) is another platform's unit as this hub
records it: ``<platform>.<unit code>`` (``CITY-A.U-TAX``), kind PLATFORM. Only an import may
name one; no token may, so no local user acts on another platform's entries.

``SELF`` is the unit of a data subject's self-service token (``hub.audit.subjects``) and of
nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hub.errors import BadInput

MAX_UNIT_CODE = 64
SELF_UNIT = "SELF"
"""The unit claim of a ``data_subject`` token: the subject themselves, no unit of the platform."""
DATA_SUBJECT = "data_subject"

_GROUP = "[A-Z0-9]+"
_UNIT_CODE = re.compile(rf"U-{_GROUP}(?:-{_GROUP})*")
_PLATFORM = re.compile(rf"{_GROUP}(?:-{_GROUP})*")
UNIT_CODE_RULE = (
    "must be a unit code: 'U-' then upper-case letters and digits in groups joined by '-', "
    f"at most {MAX_UNIT_CODE} characters (e.g. U-TAX)"
)
IMPORTED_UNIT_CODE_RULE = (
    f"{UNIT_CODE_RULE}, or a recognised platform's unit '<PLATFORM>.<unit code>'"
)


def is_unit_code(value: object) -> bool:
    """Whether ``value`` is a unit code of this platform (a token may carry it)."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_UNIT_CODE
        and _UNIT_CODE.fullmatch(value) is not None
    )


def is_imported_unit_code(value: object) -> bool:
    """A unit code, or a recognised platform's unit (``CITY-A.U-TAX``): what an import may name."""
    if is_unit_code(value):
        return True
    if not isinstance(value, str):
        return False
    platform, dot, unit = value.partition(".")
    return (
        bool(dot)
        and len(platform) <= MAX_UNIT_CODE
        and _PLATFORM.fullmatch(platform) is not None
        and is_unit_code(unit)
    )


def token_unit_problem(unit: str, roles: Iterable[str]) -> str | None:
    """Why a token of ``roles`` may not carry ``unit`` (None: it may): a unit code, or ``SELF``
    for the ``data_subject`` role alone. Whether the platform knows the unit is asked per
    request (``hub.auth.known_units``)."""
    roles = tuple(sorted(set(roles)))
    if unit == SELF_UNIT or DATA_SUBJECT in roles:
        if unit != SELF_UNIT or roles != (DATA_SUBJECT,):
            return (
                f"{SELF_UNIT} is for the role {DATA_SUBJECT} alone, "
                f"and {DATA_SUBJECT} is for unit {SELF_UNIT}"
            )
        return None
    if not is_unit_code(unit):
        return UNIT_CODE_RULE
    return None


def valid_unit_code(value: str, field: str) -> str:
    """``value`` if it is a unit code, else BAD_INPUT naming ``field`` and the rule."""
    if not is_unit_code(value):
        raise BadInput(field, UNIT_CODE_RULE)
    return value
