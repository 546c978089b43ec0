"""How many resident identity numbers a mask leaves, given what else the caller sees.

The model (docs/privacy.md, "How much a mask hides"): an 18-character number (GB 11643) is

* 6 region digits: one of the area codes of GB/T 2260, current and historical (python-stdnum's
  table, about 6,000);
* 8 birth-date digits, YYYYMMDD: a day of ``BIRTH_YEARS`` (72 years, ages 18 to 90 in 2026:
  what an attacker can assume of an officer or shareholder);
* 3 sequence digits, the last odd for a man and even for a woman;
* a check character (ISO 7064 MOD 11-2) computed from the 17 before it: hidden it adds nothing,
  shown it leaves one in eleven of the rest.

Information is every character the mask shows, plus what other fields visible to the same role
and purpose reveal (``FACTS``: the region, the birth year, the birth date, the sex, the check
character). The count is the worst case over the values shown: the smallest group of values
that agree on what is shown (a region prefix shared by one area code leaves one region) and the
least frequent check character. ``credit-hub policy check`` refuses a mask that leaves fewer
than ``MIN_CANDIDATES``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import cache

from stdnum import numdb

from hub.policy.masking import Mask

MIN_CANDIDATES = 1_000_000
LENGTH = 18
BIRTH_YEARS = range(1936, 2008)
FACTS = frozenset({"region", "birth_year", "birth_date", "sex", "check"})
WEIGHTS = tuple(pow(2, LENGTH - 1 - i, 11) for i in range(LENGTH - 1))
REGION, BIRTH, SEQUENCE = range(0, 6), range(6, 14), range(14, 17)
CHECK_POSITION = 17


def shown_positions(mask: Mask) -> frozenset[int] | None:
    """The positions a mask shows; None: clear (NONE) — a deliberate decision, not a mask."""
    if mask.name == "NONE":
        return None
    if mask.name == "SHOW_FIRST_LAST":
        if mask.first + mask.last >= LENGTH:
            return frozenset()  # hub.masking.show_first_last hides everything then
        return frozenset(range(mask.first)) | frozenset(range(LENGTH - mask.last, LENGTH))
    if mask.name == "YEAR_ONLY":
        return frozenset(range(4))  # the first four characters
    return frozenset()  # MASK, HASH (a keyed pseudonym), NULL


def candidates(mask: Mask, facts: Iterable[str] = ()) -> int | None:
    """Identity numbers that fit ``mask``'s worst-case shown value; None for a clear field."""
    shown = shown_positions(mask)
    if shown is None:
        return None
    known = frozenset(facts)
    unknown = known - FACTS
    if unknown:
        raise ValueError(f"unknown facts {sorted(unknown)}; known: {sorted(FACTS)}")
    return _count(shown, known)


@cache
def _count(shown: frozenset[int], facts: frozenset[str]) -> int:
    region = _worst_group(_regions(), REGION, shown, lambda v: v if "region" in facts else "")
    birth = _worst_group(_birth_dates(), BIRTH, shown, _birth_fact(facts))
    sequence = _worst_group(
        _sequences(), SEQUENCE, shown, lambda v: str(int(v[-1]) % 2) if "sex" in facts else ""
    )
    residues = _convolve(_convolve(region, birth), sequence)
    if CHECK_POSITION in shown or "check" in facts:
        return min(n for n in residues if n > 0)
    return sum(residues)


def _birth_fact(facts: frozenset[str]) -> Callable[[str], str]:
    if "birth_date" in facts:
        return lambda v: v
    if "birth_year" in facts:
        return lambda v: v[:4]
    return lambda v: ""


def _worst_group(
    values: tuple[str, ...], positions: range, shown: frozenset[int], fact: Callable[[str], str]
) -> list[int]:
    """The residues (mod 11, weighted) of the smallest group of values agreeing on what is
    shown of them and on the revealed fact."""
    offsets = [p - positions.start for p in positions if p in shown]
    residues = _residues(values, positions.start)
    if not offsets and fact("0" * len(values[0])) == "" and fact(values[-1]) == "":
        return list(_histogram(values, positions.start))  # nothing shown: every value
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for value, residue in zip(values, residues, strict=True):
        groups[("".join(value[i] for i in offsets), fact(value))].append(residue)
    smallest = min(groups.values(), key=len)
    counts = [0] * 11
    for residue in smallest:
        counts[residue] += 1
    return counts


@cache
def _residues(values: tuple[str, ...], start: int) -> tuple[int, ...]:
    weights = WEIGHTS[start : start + len(values[0])]
    return tuple(sum(int(c) * w for c, w in zip(v, weights, strict=True)) % 11 for v in values)


@cache
def _histogram(values: tuple[str, ...], start: int) -> tuple[int, ...]:
    counts = [0] * 11
    for residue in _residues(values, start):
        counts[residue] += 1
    return tuple(counts)


def _convolve(a: list[int], b: list[int]) -> list[int]:
    out = [0] * 11
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[(i + j) % 11] += x * y
    return out


@cache
def _regions() -> tuple[str, ...]:
    codes: list[str] = []
    for _, province, _, _, counties in numdb.get("cn/loc").prefixes:
        codes.extend(province + county for _, county, _, _, _ in counties)
    return tuple(codes)


@cache
def _birth_dates() -> tuple[str, ...]:
    day, last = date(BIRTH_YEARS.start, 1, 1), date(BIRTH_YEARS.stop - 1, 12, 31)
    days = []
    while day <= last:
        days.append(day.strftime("%Y%m%d"))
        day += timedelta(days=1)
    return tuple(days)


@cache
def _sequences() -> tuple[str, ...]:
    return tuple(f"{n:03d}" for n in range(1000))


# Computed once per process when the module loads, so a policy reload's lint (on the event
# loop) only groups what its masks show.
_count(frozenset(range(6)), frozenset())
