"""Synthetic people (人员): stable person ids, unique ID numbers, names and phones.

Every person of a scenario — official, gang member, reporter, relative, company holder — comes from one
``PersonFactory`` so ids (``P0000001`` ...) and ID numbers (身份证号) are unique across the whole scenario.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sanwang.domain.idnumber import make_id_number
from sanwang.scenario.names import full_name, phone


@dataclass(frozen=True)
class Person:
    """A generated person; ``kind`` says which source created it (official, gang, reporter, relative ...)."""

    person_id: str
    name: str
    sex: str
    id_number: str
    phone: str
    region_code: str
    kind: str


class PersonFactory:
    """Creates people with unique person ids and ID numbers, in creation order."""

    def __init__(self, rng: random.Random, reference: date) -> None:
        self.rng = rng
        self.reference = reference  # ages are counted on this day (the end of the scenario period)
        self.people: list[Person] = []
        self._ids: set[str] = set()

    def id_number(self, region: str, age_min: int, age_max: int, sex: str) -> str:
        """A valid, unused 18-digit number for someone of that region, age range and sex."""
        rng = self.rng
        while True:
            age_days = rng.randint(age_min * 365 + 1, age_max * 365 + 364)
            born = self.reference - timedelta(days=age_days)
            number = make_id_number(region, born, rng.randrange(1000), sex)
            if number not in self._ids:
                self._ids.add(number)
                return number

    def new(
        self,
        region: str,
        kind: str,
        *,
        age: tuple[int, int] = (22, 60),
        sex: str | None = None,
        family: str | None = None,
    ) -> Person:
        """A new person registered in ``region`` (the ID number's region code)."""
        name, chosen = full_name(self.rng, sex, family)
        person = Person(
            f"P{len(self.people) + 1:07d}",
            name,
            chosen,
            self.id_number(region, age[0], age[1], chosen),
            phone(self.rng),
            region,
            kind,
        )
        self.people.append(person)
        return person
