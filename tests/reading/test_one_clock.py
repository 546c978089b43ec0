"""One clock (``hub.clock``): the day ``Hub.build`` is given is "today" for every bitemporal
answer, so a test fixes it instead of depending on when it runs.

ACME (tests/data/small_city.jsonl): 李四 was its legal representative 2015-03-02..2017-12-31,
张三 since 2018-01-01; its black entry E-2021-0001 is in force 2021-09-01..2030-09-01.
"""

from __future__ import annotations

from datetime import date

from neo4j import Driver

from hub.clock import fixed
from hub.settings import Settings
from tests.support.hubtest import ACME, HubClient, hub_client

LEGAL_REPRESENTATIVE = '{ enterprise(uscc: "%s") { legalRepresentative { name } } }' % ACME
ENTRIES = '{ enterprise(uscc: "%s") { entries { id status exitReason exitedOn } } }' % ACME
CHECK = '{ check(subject: {uscc: "%s"}) { verdict measures { code } } }' % ACME


class MovableClock:
    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


async def enterprise(client: HubClient, query: str, **kwargs: str | None) -> dict[str, object]:
    result = await client.ask(query, purpose="ENFORCEMENT", **kwargs)
    assert "errors" not in result, result
    answer: dict[str, object] = result["data"]["enterprise"]
    return answer


def test_a_fixed_clock_always_says_its_day() -> None:
    clock = fixed(date(2016, 6, 1))
    assert clock() == clock() == date(2016, 6, 1)


async def test_the_legal_representative_is_the_one_of_the_hubs_day(
    city: Driver, settings: Settings
) -> None:
    async with hub_client(settings, fixed(date(2016, 6, 1))) as client:
        answer = await enterprise(client, LEGAL_REPRESENTATIVE)
    assert answer == {"legalRepresentative": {"name": "李四"}}


async def test_every_desk_reads_the_same_moving_day(city: Driver, settings: Settings) -> None:
    clock = MovableClock(date(2017, 12, 31))
    async with hub_client(settings, clock) as client:
        last_day_of_li_si = await enterprise(client, LEGAL_REPRESENTATIVE)
        clock.day = date(2018, 1, 1)
        first_day_of_zhang_san = await enterprise(client, LEGAL_REPRESENTATIVE)
    assert last_day_of_li_si == {"legalRepresentative": {"name": "李四"}}
    assert first_day_of_zhang_san == {"legalRepresentative": {"name": "张三"}}


async def test_an_entry_is_in_force_until_its_validity_ends_on_the_hubs_day(
    city: Driver, settings: Settings
) -> None:
    clock = MovableClock(date(2030, 9, 1))
    async with hub_client(settings, clock) as client:
        in_force = await enterprise(client, ENTRIES)
        checked_in_force = await client.ask(CHECK, purpose="ENFORCEMENT")
        clock.day = date(2030, 9, 2)
        lapsed = await enterprise(client, ENTRIES)
        checked_lapsed = await client.ask(CHECK, purpose="ENFORCEMENT")
        public = await client.ask(ENTRIES, role="public", purpose=None)
    assert in_force["entries"] == [
        {"id": "E-2021-0001", "status": "ACTIVE", "exitReason": None, "exitedOn": None}
    ]
    assert lapsed["entries"] == [
        {"id": "E-2021-0001", "status": "EXITED", "exitReason": "EXPIRED", "exitedOn": "2030-09-02"}
    ]
    assert checked_in_force["data"]["check"]["verdict"] == "RESTRICTED"
    assert checked_lapsed["data"]["check"] == {"verdict": "CLEAR", "measures": []}
    assert public["data"]["enterprise"]["entries"] == []
