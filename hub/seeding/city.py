"""The synthetic city as import records: the same seed gives the same city, record for record.

~1.5 persons per enterprise unless a person count is given; ~3 % of enterprises and ~1 % of
persons listed; units of every kind; and the fixed demo records of ``hub.seeding.demo``.
``city_parts`` yields the city in parts, parents first, so that the seed can write one part
while it generates the next.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from graph.vocabulary import ListKind
from hub.importing.records import (
    Enterprise,
    ListEntry,
    Person,
    Record,
    Role,
    Shareholding,
    SubjectKind,
    SubjectRef,
    Unit,
)
from hub.seeding import demo
from hub.seeding.enterprises import RoleDrawer, generate_enterprises, shareholdings, team_of
from hub.seeding.entries import EVERY_COMBINATION, EntryDrawer
from hub.seeding.names import NamePools
from hub.seeding.people import generate_persons
from hub.seeding.units import CITY_UNITS

PERSONS_PER_ENTERPRISE = 1.5
LISTED_ENTERPRISES = 0.03
LISTED_PERSONS = 0.01
PART_ROWS = 10_000  # persons or enterprises in one part
PART_ENTERPRISES = 10_000  # the roles and holdings of this many enterprises make one part


@dataclass
class City:
    units: list[Unit] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    shareholdings: list[Shareholding] = field(default_factory=list)
    entries: list[ListEntry] = field(default_factory=list)
    person_ids: dict[str, str] = field(default_factory=dict)  # opaque id by identity number

    def add(self, record: Record) -> None:
        match record:
            case Unit():
                self.units.append(record)
            case Enterprise():
                self.enterprises.append(record)
            case Person():
                self.persons.append(record)
            case Role():
                self.roles.append(record)
            case Shareholding():
                self.shareholdings.append(record)
            case ListEntry():
                self.entries.append(record)

    def records(self) -> list[Record]:
        """Every record, parents before the relationships that need them."""
        return [
            *self.units,
            *self.enterprises,
            *self.persons,
            *self.roles,
            *self.shareholdings,
            *self.entries,
        ]


def generate_city(enterprises: int, seed: int, persons: int | None = None) -> City:
    """The whole city at once (for tests and exports; the seed streams ``city_parts``)."""
    city = City()
    for part in city_parts(enterprises, seed, city.person_ids, persons):
        for record in part:
            city.add(record)
    return city


def person_count(enterprises: int, persons: int | None = None) -> int:
    """``persons`` if given, else ``PERSONS_PER_ENTERPRISE`` per enterprise; at least 4 (a team)."""
    return max(4, round(enterprises * PERSONS_PER_ENTERPRISE) if persons is None else persons)


def city_parts(
    enterprises: int, seed: int, person_ids: dict[str, str], persons: int | None = None
) -> Iterator[Sequence[Record]]:
    """The city in parts, each needing only earlier parts; fills ``person_ids`` on the way.

    ``persons`` is the number of (non-demo) persons, ``person_count``'s default when None.
    """
    rng = random.Random(seed)  # noqa: S311 -- synthetic data: reproducible by design
    names = NamePools(seed)
    yield list(CITY_UNITS)
    person_ids.update(demo.DEMO_PERSON_IDS)
    yield list(demo.DEMO_PERSONS)
    people: list[Person] = []
    count = person_count(enterprises, persons)
    for some_persons in generate_persons(rng, names, count, PART_ROWS, person_ids):
        people.extend(some_persons)
        yield some_persons
    yield list(demo.DEMO_ENTERPRISES)
    firms: list[Enterprise] = []
    for some_firms in generate_enterprises(rng, names, enterprises, PART_ROWS):
        firms.extend(some_firms)
        yield some_firms
    entries = _entries(rng, firms, people)
    acts = _dishonest_acts(entries)
    for start in range(0, len(firms), PART_ENTERPRISES):
        yield _people_of_enterprises(rng, firms, people, acts, start)
    yield [*demo.DEMO_ROLES, *demo.DEMO_SHAREHOLDINGS]
    yield [*entries, *demo.DEMO_ENTRIES]


def _entries(rng: random.Random, firms: list[Enterprise], persons: list[Person]) -> list[ListEntry]:
    drawer = EntryDrawer(rng)
    entries: list[ListEntry] = []
    listed = _sample(rng, len(firms), LISTED_ENTERPRISES, len(EVERY_COMBINATION))
    for k, index in enumerate(listed):
        entries.extend(drawer.listing(SubjectRef.enterprise(firms[index].uscc), k))
    for index in _sample(rng, len(persons), LISTED_PERSONS, 6):
        subject = SubjectRef.person(persons[index].id_number)
        entries.extend(drawer.listing(subject, len(EVERY_COMBINATION)))
    return entries


def _sample(rng: random.Random, population: int, share: float, at_least: int) -> list[int]:
    count = min(population, max(at_least, round(population * share)))
    return rng.sample(range(population), count)


def _dishonest_acts(entries: list[ListEntry]) -> dict[str, date]:
    """The act date (or identification date) of each black- or watch-listed enterprise."""
    acts: dict[str, date] = {}
    for entry in entries:
        if entry.list_kind is not ListKind.RED and entry.subject.kind is SubjectKind.ENTERPRISE:
            acts.setdefault(entry.subject.key, entry.act_date or entry.identified_on)
    return acts


def _people_of_enterprises(
    rng: random.Random,
    firms: list[Enterprise],
    persons: list[Person],
    acts: dict[str, date],
    start: int,
) -> list[Record]:
    """Roles and shareholdings of enterprises ``start`` .. ``start + PART_ENTERPRISES``."""
    records: list[Record] = []
    for index in range(start, min(start + PART_ENTERPRISES, len(firms))):
        enterprise = firms[index]
        team = team_of(rng, index, len(firms), persons)
        roles = RoleDrawer(rng, enterprise, team)
        roles.legal_representatives()
        roles.board()
        act = acts.get(enterprise.uscc)
        if act is not None:
            roles.directly_responsible(act)
        records.extend(roles.roles)
        records.extend(shareholdings(rng, index, firms, team))
    return records
