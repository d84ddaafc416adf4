"""Program set-up pages: the program office creates, pairs, invites and revokes through the actions;
other roles are refused; areas are picked by name."""

import datetime

import pytest
from django.test import Client

from counterpart.access.models import Membership, Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.audit import Actor
from counterpart.core.models import AuditEvent
from counterpart.indicators.models import Indicator
from counterpart.registry.models import Pairing, Program

pytestmark = pytest.mark.django_db


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


def test_the_setup_pages_are_the_program_offices(office, county) -> None:
    assert office.get("/app/setup/").status_code == 200
    assert office.get("/app/setup/programs/qd-gz/").status_code == 200
    assert county.get("/app/setup/").status_code == 403
    assert county.get("/app/setup/programs/new/").status_code == 403
    assert 'href="/app/setup/"' in office.get("/app/").content.decode()
    assert 'href="/app/setup/"' not in county.get("/app/").content.decode()


def test_the_area_picker_finds_areas_by_name_with_the_code_beside(office, county) -> None:
    answer = office.get("/app/setup/areas/", {"q": "普定"}).json()
    assert [item["id"] for item in answer["results"]] == ["520422"]
    assert answer["results"][0]["text"].startswith("普定县 <small")
    assert "520422" in answer["results"][0]["text"]
    assert county.get("/app/setup/areas/", {"q": "普定"}).json()["results"] == []


def test_the_office_creates_a_program_and_pairs_in_it(areas, office) -> None:
    # when
    response = office.post(
        "/app/setup/programs/new/",
        {"name_zh": "青岛—新区", "slug": "qd-new", "donor_area": "3702", "start_year": "2021"},
    )
    # then
    assert response.status_code == 302 and response["Location"] == "/app/setup/programs/qd-new/"
    program = Program.objects.get(slug="qd-new")
    response = office.post(
        "/app/setup/programs/qd-new/pairings/new/",
        {"level": "district_county", "donor_area": "370202", "recipient_area": "520422", "valid_from": "2021-01-01"},
    )
    assert response.status_code == 302, response.content.decode()
    assert Pairing.objects.filter(program=program, recipient_area_id="520422").count() == 1
    page = office.get("/app/setup/programs/qd-new/").content.decode()
    assert "普定县" in page and "市南区" in page


def test_the_indicator_form_does_not_ask_for_the_assessment_area(office) -> None:
    page = office.get("/app/setup/indicators/new/").content.decode()
    assert 'name="assessment_area"' not in page
    response = office.post(
        "/app/setup/indicators/new/",
        {"name_zh": "茶园面积", "key": "tea_gardens", "topic": "industry", "unit": "亩", "aggregation": "latest"},
    )
    assert response.status_code == 302
    assert Indicator.objects.get(key="tea_gardens").assessment_area == "industrial_cooperation"


def test_an_invited_account_sets_its_password_once_and_the_office_revokes_its_role(pairing, office) -> None:
    # when
    response = office.post(
        "/app/setup/programs/qd-gz/accounts/new/",
        {"username": "puding-staff", "role": "recipient_office", "area": "520422"},
    )
    assert response.status_code == 302, response.content.decode()
    page = office.get("/app/setup/programs/qd-gz/").content.decode()
    link = page.split('id="set-password-link" href="', 1)[1].split('"', 1)[0]
    # the link is shown once
    assert 'id="set-password-link"' not in office.get("/app/setup/programs/qd-gz/").content.decode()
    # then the account sets its password through it
    anonymous = Client()
    form = anonymous.get(link, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    done = anonymous.post(
        form.redirect_chain[-1][0], {"new_password1": "Tea-garden-2021", "new_password2": "Tea-garden-2021"}
    )
    assert done.status_code == 302
    assert anonymous.login(username="puding-staff", password="Tea-garden-2021")
    # the link is used up
    again = Client().get(link, follow=True).content.decode()
    assert 'name="new_password1"' not in again
    # and the office revokes the role
    membership = Membership.objects.get(user__username="puding-staff")
    response = office.post(f"/app/setup/programs/qd-gz/roles/{membership.pk}/revoke/", {"reason": "调离"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    assert AuditEvent.objects.filter(action="membership.revoke").count() == 1


def test_a_grant_outside_the_program_lands_on_the_area_field(pairing, office) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("someone")
    response = office.post(
        "/app/setup/programs/qd-gz/roles/new/", {"username": "someone", "role": "recipient_office", "area": "520402"}
    )
    assert response.status_code == 200
    assert "该地区不是本协作项目的结对受援地区" in response.content.decode()
    assert not Membership.objects.filter(user__username="someone").exists()


def test_the_office_edits_its_program_ends_a_pairing_with_its_successor_and_sets_a_target(
    program, pairing, areas, office
) -> None:
    from counterpart.indicators.models import Target
    from counterpart.registry.models import PairingLevel
    from counterpart.registry.services import pairing_create

    # given a pairing that takes over
    successor = pairing_create(
        actor=Actor.system("test"),
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520422"],
        valid_from=datetime.date(2021, 1, 1),
    )
    # when
    edited = office.post(
        "/app/setup/programs/qd-gz/edit/", {"name_zh": "青岛—贵州协作", "end_year": "2025", "reason": "更名"}
    )
    ended = office.post(
        f"/app/setup/pairings/{pairing.pk}/end/",
        {"valid_to": "2020-12-31", "successor": successor.pk, "reason": "调整"},
    )
    target = office.post(
        "/app/setup/programs/qd-gz/targets/new/",
        {"indicator": Indicator.objects.get(key="labour_trained").pk, "pairing": successor.pk, "year": "2021",
         "value": "1200"},
    )  # fmt: skip
    organisation = office.post(
        "/app/setup/organisations/new/", {"name_zh": "普定县茶叶合作社", "kind": "enterprise", "area": "520422"}
    )
    # then
    assert [edited.status_code, ended.status_code, target.status_code, organisation.status_code] == [302] * 4
    program.refresh_from_db()
    pairing.refresh_from_db()
    assert (program.name_zh, program.end_year) == ("青岛—贵州协作", 2025)
    assert (pairing.valid_to, pairing.successor_id) == (datetime.date(2020, 12, 31), successor.pk)
    assert Target.objects.get(program=program, pairing=successor, year=2021).value == 1200
    page = office.get("/app/setup/programs/qd-gz/").content.decode()
    assert "2020-12-31" in page and "市北区 → 普定县" in page


def test_a_successor_starting_before_the_end_is_refused_on_its_field(program, pairing, areas, office) -> None:
    from counterpart.registry.models import PairingLevel
    from counterpart.registry.services import pairing_create

    early = pairing_create(
        actor=Actor.system("test"),
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520422"],
        valid_from=datetime.date(2020, 6, 1),
    )
    response = office.post(f"/app/setup/pairings/{pairing.pk}/end/", {"valid_to": "2020-12-31", "successor": early.pk})
    assert response.status_code == 200
    assert "接续的结对关系须在本结对结束之后开始" in response.content.decode()
    pairing.refresh_from_db()
    assert pairing.valid_to is None
