"""The set-up page's years and roles: the program office certifies a year's report (which locks the year),
locks a year, unlocks it with a reason (the history shown), and moves a county office's role to another
county in place; a county office is refused each, with the policy's words."""

import datetime

import pytest
from django.conf import settings
from django.test import Client

from counterpart.access.models import Membership, Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.audit import Actor
from counterpart.core.models import AuditEvent
from counterpart.registry.models import PairingLevel, PeriodLock
from counterpart.registry.services import pairing_create
from counterpart.reports.models import CertifiedReport

pytestmark = pytest.mark.django_db

SETUP = "/app/setup/programs/qd-gz/"


@pytest.fixture
def office(program):
    client = Client()
    client.force_login(user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program))
    return client


@pytest.fixture
def county(areas):
    client = Client()
    client.force_login(user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"]))
    return client


def test_the_office_certifies_a_year_unlocks_it_with_a_reason_and_the_page_shows_the_history(pairing, office) -> None:
    # when the office certifies 2009 from the set-up page
    assert office.get(f"{SETUP}reports/certify/").status_code == 200
    response = office.post(f"{SETUP}reports/certify/", {"year": "2009", "note": "市协作办核定"})
    # then the report is certified and the year locked
    assert response.status_code == 302 and response["Location"] == SETUP
    assert CertifiedReport.objects.get().note == "市协作办核定"
    lock = PeriodLock.objects.get(year=2009)
    assert lock.unlocked_at is None
    page = office.get(SETUP).content.decode()
    assert 'id="period-locks"' in page and "市协作办核定" in page
    assert f'href="{SETUP}locks/2009/unlock/"' in page
    # certifying again is refused on the year's field
    again = office.post(f"{SETUP}reports/certify/", {"year": "2009"})
    assert again.status_code == 200 and "该年度报告已核定，如需重新核定请先解锁" in again.content.decode()
    # an unlock needs a reason
    bare = office.post(f"{SETUP}locks/2009/unlock/", {"reason": ""})
    assert bare.status_code == 200
    lock.refresh_from_db()
    assert lock.unlocked_at is None
    # with one, the year opens; the page keeps who locked, who unlocked and why
    assert office.post(f"{SETUP}locks/2009/unlock/", {"reason": "审计发现漏记一笔拨付"}).status_code == 302
    lock.refresh_from_db()
    assert lock.unlocked_at is not None and lock.unlock_reason == "审计发现漏记一笔拨付"
    page = office.get(SETUP).content.decode()
    assert "审计发现漏记一笔拨付" in page and f'href="{SETUP}locks/2009/unlock/"' not in page
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"report.certify", "period.lock", "period.unlock"} <= actions


def test_the_office_locks_a_year_without_a_report_and_a_second_lock_is_refused(pairing, office) -> None:
    assert office.post(f"{SETUP}locks/new/", {"year": "2010", "reason": "年中冻结"}).status_code == 302
    twice = office.post(f"{SETUP}locks/new/", {"year": "2010", "reason": "再次"})
    assert twice.status_code == 200 and "该年度已锁定" in twice.content.decode()
    assert PeriodLock.objects.filter(year=2010).count() == 1


def test_a_county_office_may_not_certify_lock_or_unlock(pairing, office, county) -> None:
    office.post(f"{SETUP}locks/new/", {"year": "2010", "reason": "年中冻结"})
    for path, body in (
        ("reports/certify/", {"year": "2009"}),
        ("locks/new/", {"year": "2011", "reason": "x"}),
        ("locks/2010/unlock/", {"reason": "x"}),
    ):
        response = county.post(f"{SETUP}{path}", body)
        assert response.status_code == 403, path
        assert "您的角色不能进行此操作" in response.content.decode()
    assert not CertifiedReport.objects.exists()
    assert PeriodLock.objects.get(year=2010).unlocked_at is None


def test_the_refusal_speaks_english_when_asked(pairing, county) -> None:
    county.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = county.post(f"{SETUP}reports/certify/", {"year": "2009"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your role may not take this action" in page and "您的角色" not in page


def test_the_office_moves_a_county_role_to_another_county_in_place(program, pairing, areas, office) -> None:
    # given 西秀区 paired too, and a 普定县 staff member
    pairing_create(
        actor=Actor.system("test"),
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520402"],
        valid_from=datetime.date(2008, 1, 1),
    )
    staff = user_with_membership("staff", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    membership = Membership.objects.get(user=staff)
    assert f'href="{SETUP}roles/{membership.pk}/edit/"' in office.get(SETUP).content.decode()
    # when the office moves the role to 西秀区
    form = office.get(f"{SETUP}roles/{membership.pk}/edit/").content.decode()
    assert 'name="area"' in form and 'name="organisation"' not in form
    response = office.post(f"{SETUP}roles/{membership.pk}/edit/", {"area": "520402", "reason": "调动"})
    # then the same row now covers 西秀区, and the audit trail keeps where it was
    assert response.status_code == 302, response.content.decode()
    membership.refresh_from_db()
    assert membership.area_id == "520402" and membership.is_active
    event = AuditEvent.objects.get(action="membership.update")
    assert event.before is not None and event.after is not None
    assert event.before["area_id"] == "520422" and event.after["area_id"] == "520402" and event.reason == "调动"
    # an area the program does not pair as a recipient is refused beside the area field
    outside = office.post(f"{SETUP}roles/{membership.pk}/edit/", {"area": "370203"})
    assert outside.status_code == 200 and "该地区不是本协作项目的结对受援地区" in outside.content.decode()


def test_a_county_office_may_not_change_a_role(pairing, areas, county) -> None:
    staff = user_with_membership("staff", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    membership = Membership.objects.get(user=staff)
    response = county.post(f"{SETUP}roles/{membership.pk}/edit/", {"area": "520402"})
    assert response.status_code == 403 and "您的角色不能进行此操作" in response.content.decode()
    membership.refresh_from_db()
    assert membership.area_id == "520422"
