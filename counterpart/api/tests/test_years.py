"""A program's years through the API: the program office certifies a year's report (which locks it),
locks a year, unlocks either with a reason, and reads the history; it moves a county role to another
county in place. A county office is refused each with the policy's words (403), in Chinese or English."""

import datetime

import pytest

from counterpart.access.models import Membership, Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.audit import Actor
from counterpart.registry.models import PairingLevel, PeriodLock
from counterpart.registry.services import pairing_create
from counterpart.reports.models import CertifiedReport

pytestmark = pytest.mark.django_db

REFUSED = "您的角色不能进行此操作"


def test_the_office_certifies_unlocks_locks_and_reads_the_history(pairing, office) -> None:
    # when
    certified = office.post("/programs/qd-gz/reports/2009/certify", {"note": "市协作办核定"})
    # then
    assert certified.status_code == 201, certified.json()
    assert certified.json()["note"] == "市协作办核定" and certified.json()["certified_by"] == "office"
    again = office.post("/programs/qd-gz/reports/2009/certify", {})
    assert again.status_code == 422
    assert again.json()["errors"][0] == {
        "field": "year",
        "value": 2009,
        "message": "该年度报告已核定，如需重新核定请先解锁",
    }
    assert office.post("/programs/qd-gz/reports/2009/unlock", {"reason": ""}).status_code == 422
    unlocked = office.post("/programs/qd-gz/reports/2009/unlock", {"reason": "审计发现漏记一笔拨付"})
    assert unlocked.status_code == 200 and unlocked.json()["unlock_reason"] == "审计发现漏记一笔拨付"
    # a year locked without a report, and opened again through the lock itself
    locked = office.post("/programs/qd-gz/locks", {"year": 2010, "reason": "年中冻结"})
    assert locked.status_code == 201 and locked.json()["unlocked_at"] is None
    never = office.post("/programs/qd-gz/reports/2010/unlock", {"reason": "x"})
    assert never.status_code == 422 and never.json()["errors"][0]["message"] == "该年度报告尚未核定"
    assert office.post("/programs/qd-gz/locks/2010/unlock", {"reason": "更正培训人数"}).status_code == 200
    years = office.get("/programs/qd-gz/years").json()
    assert [(lock["year"], lock["unlock_reason"]) for lock in years["locks"]] == [
        (2010, "更正培训人数"),
        (2009, "审计发现漏记一笔拨付"),
    ]
    assert [report["year"] for report in years["certified"]] == [2009]


def test_a_county_office_is_refused_in_its_language(pairing, office, puding) -> None:
    office.post("/programs/qd-gz/locks", {"year": 2010, "reason": "年中冻结"})
    for path, body in (
        ("/programs/qd-gz/reports/2009/certify", {}),
        ("/programs/qd-gz/locks", {"year": 2011, "reason": "x"}),
        ("/programs/qd-gz/locks/2010/unlock", {"reason": "x"}),
        ("/programs/qd-gz/reports/2010/unlock", {"reason": "x"}),
    ):
        response = puding.post(path, body)
        assert response.status_code == 403, path
        assert response.json()["errors"][0]["message"] == REFUSED
    english = puding.post("/programs/qd-gz/reports/2009/certify", {}, headers={"Accept-Language": "en"})
    assert english.status_code == 403
    assert english.json()["errors"][0]["message"] == "Your role may not take this action"
    assert not CertifiedReport.objects.exists()
    assert PeriodLock.objects.get(year=2010).unlocked_at is None


def test_the_office_moves_a_role_in_place_and_a_county_may_not(program, pairing, areas, office, puding) -> None:
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
    path = f"/memberships/{membership.pk}"
    refused = puding.client.patch(
        f"/api{path}", {"program": "qd-gz", "area": "520402"}, content_type="application/json",
        headers=puding._headers(None),
    )  # fmt: skip
    assert refused.status_code == 403 and refused.json()["errors"][0]["message"] == REFUSED
    moved = office.client.patch(
        f"/api{path}", {"program": "qd-gz", "area": "520402", "reason": "调动"}, content_type="application/json",
        headers=office._headers(None),
    )  # fmt: skip
    assert moved.status_code == 200, moved.json()
    assert moved.json()["area"] == "520402" and moved.json()["is_active"] is True
    # nothing to change: refused by field
    empty = office.client.patch(
        f"/api{path}", {"program": "qd-gz"}, content_type="application/json", headers=office._headers(None)
    )
    assert empty.status_code == 422
    assert empty.json()["errors"][0] == {"field": "area", "value": "", "message": "该角色须指定其范围"}
