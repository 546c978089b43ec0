"""The city's enterprises, the roles persons hold in them, and who holds their shares.

Each enterprise draws its people from a small "team" of neighbouring persons in the person list,
so neighbouring enterprises share people: persons move between companies and hold roles in
several, as in a real register. A few enterprises are held by another enterprise, which forms
company-to-company chains.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from graph.vocabulary import RoleKind
from hub.importing.records import Enterprise, Person, Role, Shareholding, SubjectRef
from hub.seeding.codes import random_uscc
from hub.seeding.demo import DEMO_ENTERPRISES
from hub.seeding.names import NamePools

AS_OF = date(2026, 6, 30)  # the seed's "today": fixed, so that a seed gives the same graph
FIRST_REGISTRATION = date(1995, 1, 1)
LAST_REGISTRATION = date(2024, 12, 31)
TEAM = 4
_CHANGES_CUMULATIVE = (70, 95, 100)  # 0, 1 or 2 earlier legal representatives: 70/25/5 %
LR, PRINCIPAL, DIRECTOR = RoleKind.LEGAL_REPRESENTATIVE, RoleKind.PRINCIPAL, RoleKind.DIRECTOR
SUPERVISOR, MANAGER = RoleKind.SUPERVISOR, RoleKind.SENIOR_MANAGER
CONTROLLER, RESPONSIBLE = RoleKind.ACTUAL_CONTROLLER, RoleKind.DIRECTLY_RESPONSIBLE


def generate_enterprises(
    rng: random.Random, names: NamePools, count: int, part: int
) -> Iterator[list[Enterprise]]:
    """``count`` enterprises with distinct codes and names (none a demo one), ``part`` at a time."""
    usccs = {e.uscc for e in DEMO_ENTERPRISES}
    taken_names = {e.name for e in DEMO_ENTERPRISES}
    span = (LAST_REGISTRATION - FIRST_REGISTRATION).days
    enterprises: list[Enterprise] = []
    for _ in range(count):
        uscc = _fresh(lambda: random_uscc(rng), usccs)
        name = _fresh(lambda: names.enterprise(rng), taken_names)
        registered = FIRST_REGISTRATION + timedelta(days=rng.randrange(span))
        enterprises.append(Enterprise(0, uscc, name, registered))
        if len(enterprises) == part:
            yield enterprises
            enterprises = []
    if enterprises:
        yield enterprises


def _fresh(draw: Callable[[], str], taken: set[str]) -> str:
    value = draw()
    while value in taken:
        value = draw()
    taken.add(value)
    return value


class RoleDrawer:
    """Draws the roles of one enterprise from its team; a role key is drawn at most once."""

    def __init__(self, rng: random.Random, enterprise: Enterprise, team: list[Person]) -> None:
        self.rng, self.enterprise, self.team = rng, enterprise, team
        self.registered = enterprise.registered_on or FIRST_REGISTRATION
        self.span = (AS_OF - self.registered).days
        self.roles: list[Role] = []
        self._keys: set[tuple[str, RoleKind, date]] = set()

    def add(self, person: Person, kind: RoleKind, start: date, end: date | None = None) -> None:
        key = (person.id_number, kind, start)
        if key not in self._keys:
            self._keys.add(key)
            self.roles.append(Role(0, person.id_number, self.enterprise.uscc, kind, start, end))

    def day(self, low: int, high: int) -> date:
        """A day between ``low`` and ``high`` days after registration (clamped to the span)."""
        high = max(low + 1, min(high, self.span))
        return self.registered + timedelta(days=self.rng.randrange(low, high))

    def legal_representatives(self) -> None:
        """Today's legal representative (team[0]) and 0-2 predecessors before them."""
        changes = self.rng.choices((0, 1, 2), cum_weights=_CHANGES_CUMULATIVE)[0]
        days = sorted(self.rng.sample(range(1, self.span), changes))
        starts = [self.registered] + [self.registered + timedelta(days=d) for d in days]
        for k, start in enumerate(starts):
            person = self.team[(len(starts) - 1 - k) % TEAM]
            end = starts[k + 1] - timedelta(days=1) if k + 1 < len(starts) else None
            self.add(person, LR, start, end)
            if end is None and self.rng.random() < 0.4:
                self.add(person, PRINCIPAL, start)

    def board(self) -> None:
        """Directors (some left), a supervisor, senior managers, often an actual controller."""
        for _ in range(self.rng.choice((1, 1, 2, 3))):
            start = self.day(0, self.span // 2)
            end = start + timedelta(days=self.rng.randrange(30, 1500))
            left = self.rng.random() < 0.2 and end < AS_OF
            self.add(self.team[self.rng.randrange(TEAM)], DIRECTOR, start, end if left else None)
        self.add(self.team[3], SUPERVISOR, self.registered)
        for _ in range(self.rng.choice((0, 1, 1, 2))):
            self.add(self.team[self.rng.randrange(1, TEAM)], MANAGER, self.day(0, self.span))
        if self.rng.random() < 0.6:
            self.add(self.team[self.rng.randrange(2)], CONTROLLER, self.registered)

    def directly_responsible(self, act_date: date) -> None:
        """A person directly responsible for a dishonest act, in post before it (R11)."""
        start = max(self.registered, act_date - timedelta(days=self.rng.randrange(30, 720)))
        self.add(self.team[self.rng.randrange(TEAM)], RESPONSIBLE, start)


def team_of(rng: random.Random, index: int, count: int, persons: list[Person]) -> list[Person]:
    """The persons that enterprise ``index`` of ``count`` draws its people from."""
    base = index * len(persons) // count
    team = [persons[(base + k) % len(persons)] for k in range(TEAM)]
    if rng.random() < 0.15:
        team[rng.randrange(1, TEAM)] = rng.choice(persons)  # someone from across the city
    return team


def shareholdings(
    rng: random.Random, index: int, enterprises: list[Enterprise], team: list[Person]
) -> list[Shareholding]:
    """1-3 persons from the team, and sometimes an earlier enterprise, holding 100 % together."""
    enterprise = enterprises[index]
    start = enterprise.registered_on or FIRST_REGISTRATION
    people = list(dict.fromkeys(team))  # a person drawn twice holds once
    holders = min(rng.choice((1, 1, 2, 2, 3)), len(people))
    corporate = 0
    holdings = []
    if index > 0 and rng.random() < 0.15:
        parent = enterprises[rng.randrange(max(0, index - 500), index)]
        corporate = rng.randrange(10, 61)
        since = max(start, parent.registered_on or start)
        holder = SubjectRef.enterprise(parent.uscc)
        holdings.append(Shareholding(0, holder, enterprise.uscc, float(corporate), since, None))
    cuts = sorted(rng.sample(range(1, 100 - corporate), holders - 1)) if holders > 1 else []
    bounds = [0, *cuts, 100 - corporate]
    for k in range(holders):
        holder = SubjectRef.person(people[k].id_number)
        percent = float(bounds[k + 1] - bounds[k])
        holdings.append(Shareholding(0, holder, enterprise.uscc, percent, start, None))
    return holdings
