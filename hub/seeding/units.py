"""The city's units (单位) of every kind, and which unit identifies entries in which domain."""

from __future__ import annotations

from graph.vocabulary import UnitKind
from hub.importing.records import Unit

AGENCY, COURT, FINANCIAL = UnitKind.AGENCY, UnitKind.COURT, UnitKind.FINANCIAL
ASSOCIATION, PUBLIC_SERVICE, PLATFORM = (
    UnitKind.ASSOCIATION,
    UnitKind.PUBLIC_SERVICE,
    UnitKind.PLATFORM,
)

# The demo units (hub.seeding.demo) are among these, with the same names.
CITY_UNITS = (
    Unit(0, "U-TAX", "市税务局", AGENCY),
    Unit(0, "U-SAMR", "市市场监督管理局", AGENCY),
    Unit(0, "U-ENV", "市生态环境局", AGENCY),
    Unit(0, "U-HRSS", "市人力资源和社会保障局", AGENCY),
    Unit(0, "U-HOUSING", "市住房和城乡建设局", AGENCY),
    Unit(0, "U-EMERGENCY", "市应急管理局", AGENCY),
    Unit(0, "U-NDRC", "市发展和改革委员会", AGENCY),
    Unit(0, "U-PSB", "市公安局", AGENCY),
    Unit(0, "U-TRANSPORT", "市交通运输局", AGENCY),
    Unit(0, "U-APPROVAL", "市行政审批局", AGENCY),
    Unit(0, "U-CULTURE-TOURISM", "市文化广电和旅游局", AGENCY),
    Unit(0, "U-COURT", "市中级人民法院", COURT),
    Unit(0, "U-COURT-QINGXIU", "青秀区人民法院", COURT),
    Unit(0, "U-COURT-XIXIANGTANG", "西乡塘区人民法院", COURT),
    Unit(0, "U-BANK-ICBC", "中国工商银行股份有限公司市分行", FINANCIAL),
    Unit(0, "U-BANK-CCB", "中国建设银行股份有限公司市分行", FINANCIAL),
    Unit(0, "U-BANK-RURAL", "市农村商业银行股份有限公司", FINANCIAL),
    Unit(0, "U-PBOC", "中国人民银行市分行", FINANCIAL),
    Unit(0, "U-INSURANCE-PICC", "中国人民财产保险股份有限公司市分公司", FINANCIAL),
    Unit(0, "U-ASSOC-CONSTRUCTION", "市建筑业协会", ASSOCIATION),
    Unit(0, "U-ASSOC-FCIC", "市工商业联合会", ASSOCIATION),
    Unit(0, "U-ASSOC-CPA", "市注册会计师协会", ASSOCIATION),
    Unit(0, "U-PRTC", "市公共资源交易中心", PUBLIC_SERVICE),
    Unit(0, "U-POWER", "市供电局", PUBLIC_SERVICE),
    Unit(0, "U-RAIL-STATION", "南宁东站", PUBLIC_SERVICE),
    Unit(0, "U-PLATFORM", "市信用信息共享平台", PLATFORM),
    Unit(0, "U-CREDIT-CHINA", "“信用中国（市）”网站", PLATFORM),
)

# domain (领域) -> (identifying units, basis category R2, legal basis)
BLACK_DOMAINS: dict[str, tuple[tuple[str, ...], int, str]] = {
    "TAX": (("U-TAX",), 2, "《重大税收违法失信主体信息公布管理办法》"),
    "MARKET": (("U-SAMR",), 2, "《市场监督管理严重违法失信名单管理办法》"),
    "FOOD_SAFETY": (("U-SAMR",), 2, "《中华人民共和国食品安全法》"),
    "PRODUCT_QUALITY": (("U-SAMR",), 2, "《中华人民共和国产品质量法》"),
    "ENVIRONMENT": (("U-ENV",), 2, "《中华人民共和国环境保护法》"),
    "WAGES": (("U-HRSS",), 2, "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》"),
    "CONSTRUCTION": (("U-HOUSING",), 2, "《建筑市场信用管理暂行办法》"),
    "WORK_SAFETY": (("U-EMERGENCY",), 2, "《安全生产严重失信主体名单管理办法》"),
    "CONTRACTS": (("U-SAMR",), 2, "《中华人民共和国民法典》合同编"),
    "JUDICIAL": (
        ("U-COURT", "U-COURT-QINGXIU", "U-COURT-XIXIANGTANG"),
        3,
        "《最高人民法院关于公布失信被执行人名单信息的若干规定》",
    ),
}
RED_DOMAINS: dict[str, tuple[tuple[str, ...], int, str]] = {
    "TAX": (("U-TAX",), 2, "纳税信用A级纳税人"),
    "COMMENDATION": (("U-NDRC", "U-ASSOC-FCIC"), 4, "诚信典型表彰"),
    "CONSTRUCTION": (("U-ASSOC-CONSTRUCTION",), 4, "建筑业诚信企业"),
    "CONTRACTS": (("U-SAMR",), 5, "守合同重信用企业"),
}
