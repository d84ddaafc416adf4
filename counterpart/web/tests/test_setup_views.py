"""Program set-up pages: the program office creates, pairs, invites and revokes through the actions;
other roles are refused; areas are picked by name."""

import pytest
from django.test import Client

from counterpart.access.models import Membership, Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.models import AuditEvent
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
    from counterpart.indicators.models import Indicator

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
