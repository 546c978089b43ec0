"""Chinese names for the synthetic city: pools drawn once from a seeded Faker('zh_CN').

Faker takes ~25 µs a name; the seed draws from pools with its own RNG instead, which is both
fast and deterministic. Enterprise names must be distinct, and the seed redraws a name that is
taken: the trade names (字号) of two and three characters make ~36 million names, so that even a
million enterprises rarely redraw (with two-character ones only, ~1.1 million names: the
millionth enterprise redrew for minutes).
"""

from __future__ import annotations

import random

from faker import Faker

PERSON_POOL = 4000

# 字号 characters commonly found in registered trade names.
_TRADE_CHARS = "华鑫盛泰宏达恒信瑞丰嘉安兴隆远通金源博正德新永利祥和晟创联海天中汇东南顺佳诚益明辉"
_PLACES = ("南宁", "南宁市", "广西", "")
_PLACE_CUMULATIVE = (4, 6, 9, 12)
_INDUSTRIES = (
    "科技", "贸易", "商贸", "建筑工程", "建设工程", "房地产开发", "物业服务", "食品", "餐饮管理",
    "农业开发", "生物科技", "医药", "环保科技", "新能源", "电子", "信息技术", "网络科技", "物流",
    "运输", "汽车销售", "机械设备", "建材", "装饰工程", "劳务", "人力资源", "文化传媒", "广告",
    "旅游", "酒店管理", "教育咨询", "投资", "融资担保", "矿业", "化工", "纺织", "服装",
)  # fmt: skip
_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司")
_FORM_CUMULATIVE = (70, 90, 98, 100)


class NamePools:
    """Person names and trade names from Faker seeded with ``seed``; enterprise names composed."""

    def __init__(self, seed: int) -> None:
        faker = Faker("zh_CN")
        faker.seed_instance(seed)
        self.persons = tuple(faker.name() for _ in range(PERSON_POOL))
        prefixes = {faker.company_prefix() for _ in range(400)}
        pairs = {a + b for a in _TRADE_CHARS for b in _TRADE_CHARS if a != b}
        triples = {ab + c for ab in pairs for c in _TRADE_CHARS if c not in ab}
        self.trade_names = tuple(sorted(prefixes | pairs | triples))

    def person(self, rng: random.Random) -> str:
        return rng.choice(self.persons)

    def enterprise(self, rng: random.Random) -> str:
        """``南宁鑫博建筑工程有限公司``: place, trade name, industry, legal form."""
        place = rng.choices(_PLACES, cum_weights=_PLACE_CUMULATIVE)[0]
        form = rng.choices(_FORMS, cum_weights=_FORM_CUMULATIVE)[0]
        return place + rng.choice(self.trade_names) + rng.choice(_INDUSTRIES) + form
