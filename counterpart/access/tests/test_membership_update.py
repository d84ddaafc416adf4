"""Changing a membership in place (``membership_update``): a program office moves a county office's role
to another county its program pairs, audited with what it was; it cannot change the role itself, move a
role to an area its program does not pair, nor change another program's roles; ``is_active`` False is a
revoke, as the admin's edit has always been."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from counterpart.access.models import Membership, Role
from counterpart.access.services import membership_update
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.registry.models import PairingLevel
from counterpart.registry.services import pairing_create, program_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(program, pairing, areas, actor):
    pairing_create(
        actor=actor,
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520402"],
        valid_from=datetime.date(2008, 1, 1),
    )
    return Membership.objects.get(user=user_with_membership("staff", role=Role.RECIPIENT_OFFICE, area=areas["520422"]))


def test_the_office_moves_a_role_within_its_program(program, areas, staff) -> None:
    office = Actor.of(user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program))
    moved = membership_update(actor=office, membership=staff, within=program, area=areas["520402"], reason="调动")
    assert moved.pk == staff.pk and moved.area_id == "520402"
    event = AuditEvent.objects.get(action="membership.update")
    assert event.before is not None and event.before["area_id"] == "520422" and event.reason == "调动"
    with pytest.raises(InvalidInput) as outside:
        membership_update(actor=office, membership=moved, within=program, area=areas["370203"])
    assert outside.value.field == "area"
    with pytest.raises(InvalidInput) as role:
        membership_update(actor=office, membership=moved, within=program, role=Role.PROGRAM_OFFICE)
    assert role.value.field == "role" and "角色本身不能修改" in role.value.messages[0]


def test_another_programs_office_and_a_county_are_refused(program, areas, staff, actor) -> None:
    other = program_create(actor=actor, slug="qd-xz", name_zh="青岛—西藏", donor_area=areas["3702"], start_year=1996)
    theirs = Actor.of(user_with_membership("theirs", role=Role.PROGRAM_OFFICE, program=other))
    with pytest.raises(InvalidInput):
        membership_update(actor=theirs, membership=staff, within=other, area=areas["520402"])
    county = Actor.of(user_with_membership("xixiu", role=Role.RECIPIENT_OFFICE, area=areas["520402"]))
    with pytest.raises(PermissionDenied):
        membership_update(actor=county, membership=staff, within=program, area=areas["520402"])
    staff.refresh_from_db()
    assert staff.area_id == "520422"


def test_is_active_false_is_a_revoke_and_a_revoked_role_stays_revoked(program, areas, staff) -> None:
    office = Actor.of(user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program))
    membership_update(actor=office, membership=staff, within=program, is_active=False)
    staff.refresh_from_db()
    assert not staff.is_active
    with pytest.raises(InvalidInput):
        membership_update(actor=office, membership=staff, within=program, is_active=True)
    with pytest.raises(InvalidInput):
        membership_update(actor=office, membership=staff, within=program, area=areas["520402"])
