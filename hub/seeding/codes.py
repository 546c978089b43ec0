"""Valid subject codes for the synthetic city: USCC (GB 32100) and identity numbers (GB 11643).

All randomness comes from the caller's ``random.Random``, so a seed gives the same codes.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.cn import ric, uscc

# 南宁市 and its districts (行政区划代码): where the city's enterprises are registered.
REGISTRATION_DIVISIONS = ("450100", "450102", "450103", "450105", "450107", "450108", "450109")

# Divisions whose codes were valid for every birth year 1950-2000 (checked by stdnum's table);
# mostly 广西, the rest as people who moved in.
BIRTH_DIVISIONS = (
    "452101", "452122", "452123", "452124", "452126", "452127", "452128", "452129", "452130",
    "452131", "452132", "452133", "452223", "452224", "452225", "452226", "452227", "452228",
    "452229", "452230", "452231", "452424", "452427", "452428", "452622", "452623", "452624",
    "452625", "452626", "452627", "452628", "452629", "452630", "452631", "452632", "452723",
    "452724", "452725", "452726", "452727", "452728", "452729", "452730",
    "110101", "110102", "110105", "110106", "110108", "310101", "310104", "310105",
    "430121", "430122", "440221", "510121", "510122", "370123", "412701", "422822",
)  # fmt: skip

_BIRTH_FIRST = date(1950, 1, 1)
_BIRTH_DAYS = (date(2000, 12, 31) - _BIRTH_FIRST).days
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code check


def organisation_code(body: str) -> str:
    """The 9-character organisation code (GB 11714): 8 characters and a check character."""
    total = sum(_char_value(char) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def _char_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def random_uscc(rng: random.Random) -> str:
    """统一社会信用代码 of a company registered by market regulation (登记管理部门 9, 企业 1)."""
    division = rng.choice(REGISTRATION_DIVISIONS)
    body = f"{rng.randrange(10**8):08d}"
    head = "91" + division + organisation_code(body)
    return head + uscc.calc_check_digit(head)


def random_birth_date(rng: random.Random) -> date:
    return _BIRTH_FIRST + timedelta(days=rng.randrange(_BIRTH_DAYS + 1))


def identity_number(division: str, birth: date, sequence: int) -> str:
    """居民身份证号码: division, birth date, 3-digit sequence (odd: male), check character."""
    head = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return head + ric.calc_check_digit(head + "0")


def random_identity_number(rng: random.Random, male: bool) -> str:
    division = rng.choice(BIRTH_DIVISIONS)
    sequence = rng.randrange(500) * 2 + (1 if male else 0)
    return identity_number(division, random_birth_date(rng), sequence)
