"""The household picker of a project's beneficiary form: households the user may write for, found by the
start of the head's name or of the number, labelled with the masked identity number only."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from counterpart.access.models import Membership, Role
from counterpart.core.audit import Actor
from counterpart.people.identity import identity_mask
from counterpart.people.tests.factories import household, member, number
from counterpart.registry.services import AreaRow, areas_upsert

from .conftest import World, client_as

pytestmark = pytest.mark.django_db

URL = "/app/pickers/households/"


@pytest.fixture
def homes(world: World, areas: dict) -> dict:
    actor = Actor.system("test")
    first = household(actor, areas["520422100201"], "OURS-H1")
    member(actor, first, 1, name="李大山", relation="head")
    second = household(actor, areas["520422100201"], "OURS-H2")
    member(actor, second, 3, name="李小河", relation="head")
    return {"first": first, "second": second, "theirs": world.objects["households"]}


def _found(client, term: str) -> list[dict]:
    return client.get(URL, {"q": term}).json()["results"]


def test_the_county_finds_its_households_by_the_heads_name_or_the_number(world: World, homes: dict) -> None:
    county = client_as(world, "recipient_office")
    by_name = _found(county, "李")
    assert {int(result["id"]) for result in by_name} == {homes["first"].pk, homes["second"].pk}
    assert [int(result["id"]) for result in _found(county, "李大")] == [homes["first"].pk]
    assert [int(result["id"]) for result in _found(county, "ours-h2")] == [homes["second"].pk]
    assert _found(county, "大山") == []  # by the start of the name, as the person picker
    assert _found(county, "") == []


def test_another_countys_households_are_not_offered(world: World, homes: dict) -> None:
    # given 西秀区's household THEIRS-H1, its head THEIRS 张三
    county = client_as(world, "recipient_office")  # 普定县
    assert _found(county, "THEIRS") == [] and _found(county, "张") == []
    # the donor district writes for no household; the auditor reads but writes none
    assert _found(client_as(world, "donor_district_office"), "李") == []
    assert _found(client_as(world, "auditor"), "李") == []
    # the positive control: its own county finds it
    xixiu = get_user_model().objects.create_user("county-xixiu", password="x")
    Membership.objects.create(user=xixiu, role=Role.RECIPIENT_OFFICE, area=homes["theirs"].village.parent.parent)
    client = Client()
    client.force_login(xixiu)
    assert [int(result["id"]) for result in _found(client, "THEIRS")] == [homes["theirs"].pk]


def test_a_label_shows_the_masked_number_never_the_clear_one(world: World, homes: dict) -> None:
    county = client_as(world, "recipient_office")
    response = county.get(URL, {"q": "李大"})
    body = response.content.decode()
    (result,) = response.json()["results"]
    assert result["text"].startswith("李大山 <small")
    assert "OURS-H1" in result["text"] and "马官镇 某村" in result["text"]
    assert identity_mask(number(1)) in result["text"]
    assert number(1) not in body


def test_on_an_english_page_the_places_are_named_in_english_where_they_have_a_name(world: World, homes: dict) -> None:
    areas_upsert(actor=Actor.system("test"), rows=[AreaRow("520422100", "马官镇", name_en="Maguan")], source="test")
    county = client_as(world, "recipient_office")
    county.cookies["django_language"] = "en"
    (result,) = _found(county, "李大")
    assert "Maguan 某村" in result["text"]  # the village has no English name: its Chinese one, as entered
    county.cookies["django_language"] = "zh-hans"
    (result,) = _found(county, "李大")
    assert "马官镇 某村" in result["text"]
