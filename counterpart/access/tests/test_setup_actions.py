"""Program set-up as the program office does it: each action asks the one policy (other roles are
refused) and leaves an audit row."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied

from counterpart.access.models import Membership, Role
from counterpart.access.services import account_invite, membership_grant, membership_revoke, program_found
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.indicators.assessment import target_set
from counterpart.indicators.services import indicator_create
from counterpart.registry.models import PairingLevel
from counterpart.registry.services import (
    organisation_create,
    pairing_create,
    pairing_end,
    program_create,
    program_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(program):
    return Actor.of(user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program))


@pytest.fixture
def county(areas):
    return Actor.of(user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"]))


@pytest.fixture
def other_office(areas, actor):
    other = program_create(actor=actor, slug="qd-xz", name_zh="青岛—西藏", donor_area=areas["3702"], start_year=1996)
    return Actor.of(user_with_membership("tibet-office", role=Role.PROGRAM_OFFICE, program=other))


def _link(uid: str, token: str) -> str:
    return f"/accounts/set-password/{uid}/{token}/"


def _audited(action: str) -> int:
    """Events of ``action`` by a user (the fixtures' system actor sets up before)."""
    return AuditEvent.objects.filter(action=action, actor__isnull=False).count()


def test_a_program_office_founds_a_program_and_holds_its_office(areas, office) -> None:
    # when
    program = program_found(actor=office, slug="new", name_zh="新项目", donor_area=areas["3702"], start_year=2021)
    # then
    assert Membership.objects.filter(user=office.user, role=Role.PROGRAM_OFFICE, program=program).exists()
    assert _audited("program.create") == 1
    assert _audited("membership.grant") == 1


def test_other_roles_may_not_found_a_program(areas, county) -> None:
    with pytest.raises(PermissionDenied):
        program_found(actor=county, slug="new", name_zh="新项目", donor_area=areas["3702"], start_year=2021)
    assert _audited("program.create") == 0


def test_only_the_programs_own_office_edits_it_and_pairs_in_it(program, areas, office, other_office) -> None:
    # when
    program_update(actor=office, program=program, name_zh="青岛—贵州（新）", reason="更名")
    pairing = pairing_create(
        actor=office,
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520402"],
        valid_from=datetime.date(2021, 1, 1),
    )
    # then
    assert _audited("program.update") == 1 and _audited("pairing.create") == 1
    with pytest.raises(InvalidInput) as refused:
        program_update(actor=other_office, program=program, name_zh="x")
    assert refused.value.field == "program"
    with pytest.raises(InvalidInput):
        pairing_end(actor=other_office, pairing=pairing, valid_to=datetime.date(2022, 1, 1))


def test_a_county_may_not_pair(program, areas, county) -> None:
    with pytest.raises(PermissionDenied):
        pairing_create(
            actor=county,
            program=program,
            level=PairingLevel.DISTRICT_COUNTY,
            donor_area=areas["370202"],
            recipient_area=areas["520422"],
            valid_from=datetime.date(2021, 1, 1),
        )


def test_a_pairing_ends_with_its_successor_audited(program, pairing, areas, office) -> None:
    # given
    successor = pairing_create(
        actor=office,
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520422"],
        valid_from=datetime.date(2021, 1, 1),
    )
    # when
    ended = pairing_end(
        actor=office, pairing=pairing, valid_to=datetime.date(2020, 12, 31), successor=successor, reason="调整"
    )
    # then
    assert ended.valid_to == datetime.date(2020, 12, 31) and ended.successor == successor
    event = AuditEvent.objects.get(action="pairing.end")
    before, after = event.before or {}, event.after or {}
    assert before["successor_id"] is None and after["successor_id"] == successor.pk


def test_a_successor_must_start_after_the_end(program, pairing, areas, office) -> None:
    successor = pairing_create(
        actor=office,
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520422"],
        valid_from=datetime.date(2020, 6, 1),
    )
    with pytest.raises(InvalidInput) as refused:
        pairing_end(actor=office, pairing=pairing, valid_to=datetime.date(2020, 12, 31), successor=successor)
    assert refused.value.field == "successor"


def test_organisations_by_the_office_anywhere_and_by_a_county_in_its_own_area(areas, office, county) -> None:
    organisation_create(actor=office, name_zh="青岛市协作办", kind="government_office", area=areas["3702"])
    organisation_create(actor=county, name_zh="普定县某合作社", kind="enterprise", area=areas["520422"])
    with pytest.raises(InvalidInput) as refused:
        organisation_create(actor=county, name_zh="西秀区某企业", kind="enterprise", area=areas["520402"])
    assert refused.value.field == "area"
    assert _audited("organisation.create") == 2


def test_an_indicators_assessment_area_follows_from_its_topic_and_only_an_office_adds_one(office, county) -> None:
    indicator = indicator_create(
        actor=office, key="tea_gardens", name_zh="茶园面积", name_en="Tea gardens", topic="industry", unit="亩",
        aggregation="latest",
    )  # fmt: skip
    assert indicator.assessment_area == "industrial_cooperation"
    assert _audited("indicator.create") == 1
    with pytest.raises(PermissionDenied):
        indicator_create(actor=county, key="x_y", name_zh="x", name_en="x", topic="funds", unit="元", aggregation="sum")


def test_targets_by_pairing_are_the_program_offices(program, pairing, office, county, other_office) -> None:
    target = target_set(
        actor=office, program=program, indicator_key="labour_trained", year=2021, value="1200", pairing=pairing
    )
    assert target.pairing == pairing and _audited("target.set") == 1
    with pytest.raises(PermissionDenied):
        target_set(actor=county, program=program, indicator_key="labour_trained", year=2021, value="1")
    with pytest.raises(InvalidInput):
        target_set(actor=other_office, program=program, indicator_key="labour_trained", year=2021, value="1")


def test_the_office_invites_a_county_account_with_a_one_time_link_emailed(program, pairing, areas, office) -> None:
    # when
    invitation = account_invite(
        actor=office, username="puding-staff", email="staff@puding.example", role=Role.RECIPIENT_OFFICE,
        within=program, area=areas["520422"], link_for=_link,
    )  # fmt: skip
    # then
    user = invitation.user
    assert not user.has_usable_password()
    assert invitation.membership.role == Role.RECIPIENT_OFFICE and invitation.membership.area_id == "520422"
    assert invitation.set_password_link.startswith("/accounts/set-password/")
    assert _audited("account.invite") == 1 and _audited("membership.grant") == 1


def test_the_invitation_email_is_sent_once_the_account_is_committed(
    program, pairing, areas, office, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = account_invite(
            actor=office, username="puding-staff", email="staff@puding.example", role=Role.RECIPIENT_OFFICE,
            within=program, area=areas["520422"], link_for=_link,
        )  # fmt: skip
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["staff@puding.example"]
    assert invitation.set_password_link in mail.outbox[0].body


def test_an_office_grants_only_within_its_program(program, pairing, areas, office, other_office) -> None:
    user = get_user_model().objects.create_user("someone")
    # a county the program does not pair
    with pytest.raises(InvalidInput) as refused:
        membership_grant(actor=office, user=user, role=Role.RECIPIENT_OFFICE, area=areas["520402"], within=program)
    assert refused.value.field == "area"
    # another program's office
    with pytest.raises(InvalidInput) as refused:
        membership_grant(
            actor=other_office, user=user, role=Role.RECIPIENT_OFFICE, area=areas["520422"], within=program
        )
    assert refused.value.field == "program"
    # auditors and reviewers are an administrator's to appoint
    with pytest.raises(PermissionDenied):
        membership_grant(actor=office, user=user, role=Role.AUDITOR, within=program)
    with pytest.raises(PermissionDenied):
        membership_grant(actor=office, user=user, role=Role.REVIEWER, program=program, within=program)
    assert _audited("membership.grant") == 0


def test_a_county_may_not_grant_or_invite(program, pairing, areas, county) -> None:
    user = get_user_model().objects.create_user("someone")
    with pytest.raises(PermissionDenied):
        membership_grant(actor=county, user=user, role=Role.RECIPIENT_OFFICE, area=areas["520422"], within=program)
    with pytest.raises(PermissionDenied):
        account_invite(
            actor=county, username="x", role=Role.RECIPIENT_OFFICE, within=program, area=areas["520422"], link_for=_link
        )
    assert not get_user_model().objects.filter(username="x").exists()


def test_the_office_revokes_a_role_of_its_program_audited(program, pairing, areas, office, other_office) -> None:
    user = get_user_model().objects.create_user("someone")
    membership = membership_grant(
        actor=office, user=user, role=Role.RECIPIENT_OFFICE, area=areas["520422"], within=program
    )
    with pytest.raises(InvalidInput):
        membership_revoke(actor=other_office, membership=membership, within=program)
    membership_revoke(actor=office, membership=membership, within=program, reason="调离")
    membership.refresh_from_db()
    assert not membership.is_active
    assert AuditEvent.objects.get(action="membership.revoke").reason == "调离"
