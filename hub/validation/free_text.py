"""Personal data typed into free text: found, and sealed or refused (docs/audit.md, "Free text").

A note, a ground or an operation name is not a place for personal data, but people type it
there. ``find`` names what a text holds; ``seal`` replaces each finding with a marker.

What counts (after NFKC, so full-width ``１３８`` and ``＠`` count as ``138`` and ``@``; every
Unicode decimal digit counts as its ASCII digit; invisible format characters are dropped; a
space, dash, dot or underscore may sit between any two digits):

* ``id_number``: 17 digits and a digit or X (GB 11643), not inside a longer run of letters or
  digits. The check digit and the birth date are **not** required: a mistyped or deliberately
  altered number still names a person, and a wrong check digit would let 10 of 11 altered
  numbers through. Also the first-generation 15-digit number (6 digits, a YYMMDD birth date,
  3 digits).
* ``uscc_person``: a unified social credit code (GB 32100, valid check character) of an
  individual business (个体工商户: registration authority ``9``, type ``2``): it names the
  natural person who trades under it. Other USCCs name organisations and are not personal.
* ``phone``: a mainland mobile number (``1[3-9]`` and 9 digits, optionally ``+86``/``86``
  before it) or a landline with its area code (``0`` and 2-3 digits, then 7-8 digits,
  parentheses allowed).
* ``email``: ``local@domain.tld``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

ID_NUMBER = "id_number"
USCC_PERSON = "uscc_person"
PHONE = "phone"
EMAIL = "email"
KINDS = {
    ID_NUMBER: "an identity number",
    USCC_PERSON: "an individual business's credit code",
    PHONE: "a phone number",
    EMAIL: "an e-mail address",
}

_SEP = r"[ \-._]?"
_D = "[0-9]"


def _digits(n: int) -> str:
    return _D + (_SEP + _D) * (n - 1)


_EDGE_L = r"(?<![0-9])"
_EDGE_R = r"(?![0-9])"
_CODE_L = r"(?<![0-9A-Za-z])"
_CODE_R = r"(?![0-9A-Za-z])"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Anchored at the start of a run and bounded, so a long run without "@" costs linear time.
    (
        EMAIL,
        re.compile(
            r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@"
            r"[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}"
        ),
    ),
    (ID_NUMBER, re.compile(_EDGE_L + _digits(17) + _SEP + "[0-9Xx]" + _EDGE_R)),
    (USCC_PERSON, re.compile(_CODE_L + r"92[0-9A-Za-z]{16}" + _CODE_R)),
    (
        PHONE,
        re.compile(
            _EDGE_L + r"(?:\+?86" + _SEP + ")?1" + _SEP + "[3-9]" + _SEP + _digits(9) + _EDGE_R
        ),
    ),
    (
        PHONE,
        re.compile(
            _EDGE_L
            + r"\(?0[1-9][0-9]{1,2}\)?"
            + _SEP
            + _digits(3)
            + _SEP
            + _D
            + _SEP
            + "(?:"
            + _digits(4)
            + "|"
            + _digits(3)
            + ")"
            + _EDGE_R
        ),
    ),
    (ID_NUMBER, re.compile(_EDGE_L + _digits(15) + _EDGE_R)),
)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def compact(self) -> str:
        """The finding without its separators (an identity number as the graph keys it)."""
        return re.sub(r"[^0-9A-Za-z@.+]", "", self.text).upper()


def canonical(text: str) -> str:
    """NFKC, every decimal digit as ASCII, format characters (zero-width …) dropped."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(ch)
        if category == "Cf":
            continue
        if category == "Nd":
            out.append(str(unicodedata.digit(ch)))
            continue
        out.append(ch)
    return "".join(out)


def find(text: str) -> list[Finding]:
    """What personal data ``text`` holds, left to right (positions in ``canonical(text)``)."""
    plain = canonical(text)
    taken: list[tuple[int, int]] = []
    found: list[Finding] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(plain):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            if not _counts(kind, match.group()):
                continue
            taken.append((start, end))
            found.append(Finding(kind, start, end, match.group()))
    return sorted(found, key=lambda f: f.start)


def _counts(kind: str, text: str) -> bool:
    if kind == USCC_PERSON:
        try:
            uscc.validate(text.upper())
        except stdnum_errors.ValidationError:
            return False
        return True
    if kind == ID_NUMBER:
        digits = re.sub("[^0-9Xx]", "", text)
        return len(digits) == 18 or _old_birth_date(digits)
    return True


def _old_birth_date(digits: str) -> bool:
    """A 15-digit number is an identity number when digits 7-12 are a YYMMDD date (19YY)."""
    try:
        date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    except ValueError:
        return False
    return True


def kinds_in(text: str) -> list[str]:
    """The kinds of personal data in ``text``, each once, in the order found."""
    return list(dict.fromkeys(f.kind for f in find(text)))


def describe(kinds: list[str]) -> str:
    return ", ".join(KINDS[k] for k in kinds)


def seal(text: str, token: Callable[[Finding], str | None] | None = None) -> str:
    """``text`` (canonical) with every finding replaced: ``token(finding)`` when given and it
    returns a value, else ``[sealed:<kind>]``."""
    findings = find(text)
    if not findings:
        return text
    plain = canonical(text)
    parts: list[str] = []
    at = 0
    for f in findings:
        parts.append(plain[at : f.start])
        parts.append((token(f) if token else None) or f"[sealed:{f.kind}]")
        at = f.end
    parts.append(plain[at:])
    return "".join(parts)
