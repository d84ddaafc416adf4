"""A number registered elsewhere is refused without an oracle: the same words as any duplicate, audited,
rate-limited, and on the program office's list of notices."""

import pytest

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.people.duplicates import REFUSED, duplicate_notices
from counterpart.people.models import Person, Sex
from counterpart.people.services import PersonRow, person_register

from .factories import number

pytestmark = pytest.mark.django_db


def _row(areas, code: str, sequence: int) -> PersonRow:
    return PersonRow(
        name="王芳",
        sex=Sex.MALE if sequence % 2 else Sex.FEMALE,
        area=areas[code],
        identity_number=number(sequence, prefix=code[:6]),
    )


def test_a_number_of_another_county_is_refused_like_any_duplicate_and_told_to_the_office(areas, settings):
    xixiu, puding = Actor.system("county-xixiu"), Actor.system("county-puding")
    person_register(actor=xixiu, row=_row(areas, "520422100201", 101))
    person_register(actor=puding, row=_row(areas, "520422100201", 103))
    # when another county and the same county register numbers already registered
    with pytest.raises(InvalidInput) as elsewhere:
        person_register(actor=puding, row=_row(areas, "520422100201", 101))
    with pytest.raises(InvalidInput) as own:
        person_register(actor=puding, row=_row(areas, "520422100201", 103))
    # then both refusals read the same (no "where", nothing to tell them apart) and mask the number
    assert str(elsewhere.value.reason) == str(own.value.reason)
    assert "520422***********" in str(elsewhere.value.value)
    # and each is audited, naming the person registered first, on the office's list of notices
    notices = list(duplicate_notices())
    assert len(notices) == 2 and {n.actor_label for n in notices} == {"county-puding"}
    assert {n.object_id for n in notices} == {str(p.pk) for p in Person.objects.all()}


def test_refusals_past_the_hourly_limit_stop_the_actors_registrations(areas, settings):
    settings.PERSON_DUPLICATE_REFUSALS_PER_HOUR = 3
    prober, other = Actor.system("prober"), Actor.system("county-xixiu")
    person_register(actor=other, row=_row(areas, "520422100201", 101))
    for _ in range(3):
        with pytest.raises(InvalidInput):
            person_register(actor=prober, row=_row(areas, "520422100201", 101))
    # when the prober tries a number nobody registered
    with pytest.raises(InvalidInput) as limited:
        person_register(actor=prober, row=_row(areas, "520422100201", 105))
    # then it is refused too, for the limit, and nothing was written; another actor is not limited
    assert "一小时" in str(limited.value.messages)
    assert Person.objects.count() == 1
    assert person_register(actor=other, row=_row(areas, "520422100201", 107)).pk
    assert duplicate_notices().filter(action=REFUSED).count() == 3
