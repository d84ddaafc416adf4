"""The program office is told of refused duplicate registrations (people/duplicates.py) on its own page,
reached from its menu; the county refused learns nothing of where the number is registered."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from counterpart.access.models import Membership, Role
from counterpart.core.audit import Actor
from counterpart.core.models import AuditEvent
from counterpart.people.identity import identity_compose
from counterpart.people.models import Person
from counterpart.people.services import PersonRow, person_register
from counterpart.registry.models import Area
from counterpart.registry.services import AreaRow, areas_upsert

from .conftest import World

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_refused_duplicate_is_on_the_program_offices_page_and_nowhere_else(world: World) -> None:
    areas_upsert(actor=Actor.system("test"), rows=[AreaRow("520422100201", "某村")], source="test")
    number = identity_compose("520422", datetime.date(1975, 6, 7), 34)
    first = person_register(
        actor=Actor.system("t"), row=PersonRow(name="李四", sex="female", area=Area.objects.get(code="520422100201"),
                                     identity_number=number),
    )  # fmt: skip
    # given another county's office, which cannot see that person
    other = get_user_model().objects.create_user("county-xixiu", password="pw-123456")
    Membership.objects.create(user=other, role=Role.RECIPIENT_OFFICE, area=Area.objects.get(code="520402"))
    county = _client(other)
    persons = Person.objects.count()
    # when it registers the same number through the form
    refused = county.post(
        "/app/people/new/", {"name": "李四", "sex": "female", "area": "520402100201", "identity_number": number}
    )
    # then it is refused without saying where, and nothing is written
    text = refused.content.decode()
    assert refused.status_code == 200 and "已通知项目办公室核查" in text
    errors = text.split('class="errorlist"', 1)[1].split("</div>", 1)[0]
    assert "普定" not in errors and "520422" not in errors.replace(number[:6] + "*" * 11, "")
    assert Person.objects.count() == persons
    assert AuditEvent.objects.filter(action="person.duplicate_refused", object_id=str(first.pk)).count() == 1
    # and the program office finds the notice from its menu, naming who was refused and the person
    office = _client(world.users["program_office"])
    assert 'href="/app/people/duplicates/"' in office.get("/app/").content.decode()
    page = office.get("/app/people/duplicates/")
    body = page.content.decode()
    assert page.status_code == 200
    # (the person its benefits never reached: named by county only, as its scope has it)
    assert "county-xixiu" in body and "普定县" in body and "不在您的查看范围内的人员" in body
    assert f"/app/people/{first.pk}/" not in body and "李四" not in body and number not in body
    # while the auditor, who reads everything, gets the person's page to merge or move them
    audited = _client(world.users["auditor"]).get("/app/people/duplicates/").content.decode()
    assert f"/app/people/{first.pk}/" in audited and first.identity_masked in audited and number not in audited
    # filtered to another county, the notice is not listed; to its own, it is
    assert "county-xixiu" not in office.get("/app/people/duplicates/", {"county": "520402"}).content.decode()
    assert "county-xixiu" in office.get("/app/people/duplicates/", {"county": "520422"}).content.decode()
    # while the county offices have neither the menu item nor the page
    for user in (other, world.users["recipient_office"]):
        assert "/app/people/duplicates/" not in _client(user).get("/app/").content.decode()
        assert _client(user).get("/app/people/duplicates/").status_code == 403
