"""The city's natural persons: valid identity numbers, names, and opaque ids from the seed's RNG."""

from __future__ import annotations

import random
from collections.abc import Iterator

from hub.importing.records import Person
from hub.seeding.codes import random_identity_number
from hub.seeding.demo import DEMO_PERSONS
from hub.seeding.names import NamePools


def generate_persons(
    rng: random.Random, names: NamePools, count: int, part: int, ids: dict[str, str]
) -> Iterator[list[Person]]:
    """``count`` distinct persons (none a demo one), ``part`` at a time; their ids go to ``ids``.

    The opaque ids come from the RNG, so the same seed gives the same ids; they are random
    with respect to the identity numbers, never derived from them.
    """
    taken = {person.id_number for person in DEMO_PERSONS}
    persons: list[Person] = []
    for _ in range(count):
        number = random_identity_number(rng, male=rng.random() < 0.5)
        while number in taken:
            number = random_identity_number(rng, male=rng.random() < 0.5)
        taken.add(number)
        persons.append(Person(0, number, names.person(rng)))
        ids[number] = f"P{rng.getrandbits(96):024x}"
        if len(persons) == part:
            yield persons
            persons = []
    if persons:
        yield persons
