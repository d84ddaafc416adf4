"""Issue 14's reproductions for people's records: every dated write asks the period guard, and
every write the one policy, whoever calls it (the matrix in access/tests walks them all)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from counterpart.access.models import Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.people.models import (
    Direction,
    HouseholdStatus,
    PovertyStatus,
    Secondment,
    SecondmentKind,
    TrainingParticipant,
)
from counterpart.people.services import (
    household_register,
    household_status_set,
    secondment_record,
    training_create,
    training_participants_add,
)
from counterpart.registry.services import period_lock

from .factories import household, member

pytestmark = pytest.mark.django_db
LOCKED = "2009 年度数据已锁定（报告已核定），如需修改请先解锁并说明原因"
DAY = datetime.date(2009, 5, 1)


@pytest.fixture
def certified(program, pairing, areas, actor):
    """普定县's records of 2009, made before qd-gz's 2009 report was certified."""
    home = household(actor, areas["520422100201"])
    person = member(actor, home, 1)
    course = training_create(
        actor=actor, program=program, kind="labour_transfer", title="电焊", place=areas["520422"], start_date=DAY,
        end_date=DAY, pairing=pairing,
    )  # fmt: skip
    period_lock(actor=actor, program=program, year=2009, reason="核定")
    return home, person, course


def _refused_by_the_lock(call) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        call()
    assert str(refused.value.reason) == LOCKED
    assert AuditEvent.objects.count() == events


def test_the_dated_people_writes_ask_the_lock_even_for_a_system_process(certified, program, pairing, areas, actor):
    home, person, course = certified
    _refused_by_the_lock(lambda: training_participants_add(actor=actor, training=course, persons=[person]))
    _refused_by_the_lock(
        lambda: household_status_set(actor=actor, household=home, year=2009, status=PovertyStatus.LIFTED)
    )
    _refused_by_the_lock(
        lambda: secondment_record(
            actor=actor, program=program, kind=SecondmentKind.CADRE, direction=Direction.TO_RECIPIENT,
            person_name="张三",
            from_area=areas["370202"], to_area=areas["520422"], start_date=DAY, pairing=pairing,
        )
    )  # fmt: skip
    assert not TrainingParticipant.objects.exists() and not Secondment.objects.exists()
    assert HouseholdStatus.objects.get(household=home).status == PovertyStatus.REGISTERED


def test_the_registry_is_the_countys_within_its_area(program, pairing, areas, actor):
    xixiu = Actor.of(user_with_membership("xixiu", role=Role.RECIPIENT_OFFICE, area=areas["520402"]))
    with pytest.raises(InvalidInput) as refused:
        household_register(actor=xixiu, number="H-9", village=areas["520422100201"], poverty_cause="illness", year=2010)
    assert (refused.value.field, str(refused.value.reason)) == ("village", "该地区不在您的权限范围内")
    office = Actor.of(user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program))
    with pytest.raises(PermissionDenied, match="您的角色不能进行此操作"):
        household_register(
            actor=office, number="H-9", village=areas["520422100201"], poverty_cause="illness", year=2010
        )
    puding = Actor.of(user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"]))
    assert household_register(
        actor=puding, number="H-9", village=areas["520422100201"], poverty_cause="illness", year=2010
    )
