"""Helpers to build people records in tests through the services."""

import datetime

from counterpart.core.audit import Actor
from counterpart.people.identity import identity_compose
from counterpart.people.models import Household, Person, Relation, Sex
from counterpart.people.services import PersonRow, household_register, person_register
from counterpart.registry.models import Area


def number(sequence: int, birth: datetime.date = datetime.date(1980, 5, 17), prefix: str = "520422") -> str:
    return identity_compose(prefix, birth, sequence)


def household(actor: Actor, village: Area, code: str = "H-1") -> Household:
    return household_register(actor=actor, number=code, village=village, poverty_cause="illness", year=2009)


def member(
    actor: Actor, home: Household, sequence: int, *, relation: str = Relation.CHILD, name: str = "王芳"
) -> Person:
    sex = Sex.MALE if sequence % 2 else Sex.FEMALE
    return person_register(
        actor=actor,
        row=PersonRow(
            name=name, sex=sex, area=home.village, identity_number=number(sequence), household=home, relation=relation
        ),
    )
