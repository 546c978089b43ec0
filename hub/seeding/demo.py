"""The fixed demo records that every seed creates, so the README's examples work on any seed.

| who | what |
|---|---|
| 某某科技有限公司 91110000600037341L | BLACK, ACTIVE: E-DEMO-0001 from U-TAX (市税务局), act 2021-05-10 |
| 张三 11010519491231002X | its legal representative since 2018-01-01 (reached), 35 % shareholder; director of 某某建设工程有限公司 (exposure) |
| 李四 110105198001010016 | its director since 2022-03-01, after the act (not reached); legal representative of 某某建设工程有限公司 |
| 王五 452122197503150029 | its senior manager, directly responsible for the act (reached) |
| 赵六 11010819660707003X | its legal representative 2015-03-02 .. 2017-12-31, before the act (not reached) |
| 钱七 310101199009090045 | BLACK, ACTIVE: E-DEMO-0003 from U-COURT (失信被执行人); actual controller of 某某建设工程有限公司 |
| 某某建设工程有限公司 91450103MA5K00020Q | 40 % held by 某某科技有限公司; BLACK, OBJECTED: E-DEMO-0004 (suspended, R22) |
| 某某食品有限公司 91450105MA5K00030N | RED, ACTIVE: E-DEMO-0002 from U-TAX (纳税信用A级); legal representative 孙八 |

Units: U-TAX (市税务局, AGENCY), U-BANK-ICBC (FINANCIAL), U-COURT (市中级人民法院, COURT).
The persons' opaque ids are fixed here (never derived from their identity numbers).
"""  # noqa: E501

from __future__ import annotations

from datetime import date

from graph.vocabulary import EntryStatus, ListKind, RoleKind
from hub.importing.records import (
    Enterprise,
    ListEntry,
    Person,
    Role,
    Shareholding,
    SubjectRef,
)

ACME_USCC = "91110000600037341L"  # 某某科技有限公司
BUILDER_USCC = "91450103MA5K00020Q"  # 某某建设工程有限公司
FOOD_USCC = "91450105MA5K00030N"  # 某某食品有限公司

ZHANG_SAN = "11010519491231002X"
LI_SI = "110105198001010016"
WANG_WU = "452122197503150029"
ZHAO_LIU = "11010819660707003X"
QIAN_QI = "310101199009090045"
SUN_BA = "452123198511110052"

DEMO_PERSON_IDS = {
    ZHANG_SAN: "P0e49871e5488356a4e98f5e5",
    LI_SI: "Pa7b4775dd382c1dd422184f6",
    WANG_WU: "Peecc1660916303d0dd90e920",
    ZHAO_LIU: "P8d21ffdd94f3e94f0cb980d3",
    QIAN_QI: "P90382029237549d4cc793339",
    SUN_BA: "P2d09be73cf400043ba8f1413",
}

DEMO_ENTERPRISES = (
    Enterprise(0, ACME_USCC, "某某科技有限公司", date(2015, 3, 2)),
    Enterprise(0, BUILDER_USCC, "某某建设工程有限公司", date(2019, 4, 1)),
    Enterprise(0, FOOD_USCC, "某某食品有限公司", date(2012, 8, 16)),
)

DEMO_PERSONS = (
    Person(0, ZHANG_SAN, "张三"),
    Person(0, LI_SI, "李四"),
    Person(0, WANG_WU, "王五"),
    Person(0, ZHAO_LIU, "赵六"),
    Person(0, QIAN_QI, "钱七"),
    Person(0, SUN_BA, "孙八"),
)


def _role(person: str, uscc: str, kind: RoleKind, start: date, end: date | None = None) -> Role:
    return Role(0, person, uscc, kind, start, end)


DEMO_ROLES = (
    _role(ZHAO_LIU, ACME_USCC, RoleKind.LEGAL_REPRESENTATIVE, date(2015, 3, 2), date(2017, 12, 31)),
    _role(ZHANG_SAN, ACME_USCC, RoleKind.LEGAL_REPRESENTATIVE, date(2018, 1, 1)),
    _role(ZHANG_SAN, ACME_USCC, RoleKind.PRINCIPAL, date(2018, 1, 1)),
    _role(LI_SI, ACME_USCC, RoleKind.DIRECTOR, date(2022, 3, 1)),
    _role(WANG_WU, ACME_USCC, RoleKind.SENIOR_MANAGER, date(2019, 6, 1)),
    _role(WANG_WU, ACME_USCC, RoleKind.DIRECTLY_RESPONSIBLE, date(2020, 1, 1)),
    _role(LI_SI, BUILDER_USCC, RoleKind.LEGAL_REPRESENTATIVE, date(2019, 4, 1)),
    _role(ZHANG_SAN, BUILDER_USCC, RoleKind.DIRECTOR, date(2019, 4, 1)),
    _role(QIAN_QI, BUILDER_USCC, RoleKind.ACTUAL_CONTROLLER, date(2019, 4, 1)),
    _role(SUN_BA, FOOD_USCC, RoleKind.LEGAL_REPRESENTATIVE, date(2012, 8, 16)),
)

DEMO_SHAREHOLDINGS = (
    Shareholding(0, SubjectRef.person(ZHANG_SAN), ACME_USCC, 35.0, date(2018, 1, 1), None),
    Shareholding(0, SubjectRef.enterprise(ACME_USCC), BUILDER_USCC, 40.0, date(2019, 4, 1), None),
    Shareholding(0, SubjectRef.person(SUN_BA), FOOD_USCC, 100.0, date(2012, 8, 16), None),
)

DEMO_ENTRIES = (
    ListEntry(
        0,
        "E-DEMO-0001",
        ListKind.BLACK,
        SubjectRef.enterprise(ACME_USCC),
        "U-TAX",
        "TAX",
        2,
        act_date=date(2021, 5, 10),
        identified_on=date(2021, 9, 1),
        valid_until=date(2030, 9, 1),
        status=EntryStatus.ACTIVE,
        repairable=True,
        legal_basis="《重大税收违法失信主体信息公布管理办法》",
        reported_on=date(2021, 9, 3),
        repair_method="补缴税款、滞纳金和罚款后申请信用修复",
        repair_earliest=date(2022, 9, 1),
    ),
    ListEntry(
        0,
        "E-DEMO-0002",
        ListKind.RED,
        SubjectRef.enterprise(FOOD_USCC),
        "U-TAX",
        "TAX",
        2,
        act_date=None,
        identified_on=date(2024, 4, 15),
        valid_until=date(2028, 4, 15),
        status=EntryStatus.ACTIVE,
        repairable=None,
        legal_basis="纳税信用A级纳税人",
        reported_on=date(2024, 4, 18),
        valid_from=date(2024, 4, 25),
    ),
    ListEntry(
        0,
        "E-DEMO-0003",
        ListKind.BLACK,
        SubjectRef.person(QIAN_QI),
        "U-COURT",
        "JUDICIAL",
        3,
        act_date=date(2023, 2, 1),
        identified_on=date(2023, 6, 20),
        valid_until=date(2028, 6, 20),
        status=EntryStatus.ACTIVE,
        repairable=True,
        legal_basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》",
        reported_on=date(2023, 6, 21),
        repair_method="履行生效法律文书确定的义务",
    ),
    ListEntry(
        0,
        "E-DEMO-0004",
        ListKind.BLACK,
        SubjectRef.enterprise(BUILDER_USCC),
        "U-TAX",
        "TAX",
        2,
        act_date=date(2024, 11, 5),
        identified_on=date(2025, 2, 10),
        valid_until=date(2028, 2, 10),
        status=EntryStatus.OBJECTED,
        repairable=False,
        legal_basis="《重大税收违法失信主体信息公布管理办法》",
        reported_on=date(2025, 2, 12),
    ),
)
