"""The pickers that name what the lists filter by and the forms write: areas within the role's scope, chosen
by name, and the list's drill-down filters shown as names; the households of a project's beneficiary form,
those the user may write for, found by the start of the head's name or of the number, labelled with the
masked identity number only."""

from typing import Any

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


def _codes(world: World, role: str, term: str, **forwarded: str) -> list[str]:
    import json

    params: dict[str, Any] = {"q": term}
    if forwarded:
        params["forward"] = json.dumps(forwarded)
    response = client_as(world, role).get("/app/pickers/scope-areas/", params)
    assert response.status_code == 200
    return [result["id"] for result in response.json()["results"]]


def test_a_county_office_finds_its_own_areas_by_name_and_no_other_county(world: World) -> None:
    assert "520422" in _codes(world, "recipient_office", "普定")
    assert _codes(world, "recipient_office", "西秀") == []  # another county of the same prefecture
    assert _codes(world, "auditor", "西秀") == ["520402"]  # the positive control: the auditor sees every area


def test_a_program_office_finds_its_pairings_areas_and_a_level_forwarded_narrows_them(world: World) -> None:
    found = _codes(world, "program_office", "普定")
    assert "520422" in found
    assert _codes(world, "program_office", "西秀") == []  # paired in the other program only
    assert _codes(world, "program_office", "普定", levels="village") == []  # no village is named 普定…
    assert all(len(code) == 12 for code in _codes(world, "auditor", "某某", levels="village"))


def test_the_list_names_the_program_and_area_it_is_filtered_to(world: World) -> None:
    page = client_as(world, "program_office").get("/app/projects/", {"area": "520422"}).content.decode()
    # one program: named and chosen, not a slug to type
    assert f'<option value="{world.ours.slug}" selected>{world.ours.name_zh}</option>' in page
    assert '<option value="520422" selected>普定县</option>' in page
    assert "区划代码" not in page


def test_the_english_list_names_the_area_in_english(world: World) -> None:
    from counterpart.registry.models import Area

    Area.objects.filter(pk="520422").update(name_en="Puding County")
    client = client_as(world, "program_office")
    client.cookies["django_language"] = "en"
    page = client.get("/app/projects/", {"area": "520422"}).content.decode()
    assert '<option value="520422" selected>Puding County</option>' in page


def test_a_reader_of_several_programs_chooses_one_or_all(world: World) -> None:
    page = client_as(world, "auditor").get("/app/projects/").content.decode()
    select = page[page.index('<select name="program"') : page.index("</select>", page.index('<select name="program"'))]
    assert '<option value="" selected>全部</option>' in select
    assert world.ours.name_zh in select and world.theirs.name_zh in select


# --- the household picker ---------------------------------------------------------------------------------

HOUSEHOLDS = "/app/pickers/households/"


@pytest.fixture
def homes(world: World, areas: dict) -> dict:
    actor = Actor.system("test")
    first = household(actor, areas["520422100201"], "OURS-H1")
    member(actor, first, 1, name="李大山", relation="head")
    second = household(actor, areas["520422100201"], "OURS-H2")
    member(actor, second, 3, name="李小河", relation="head")
    return {"first": first, "second": second, "theirs": world.objects["households"]}


def _found(client, term: str) -> list[dict]:
    return client.get(HOUSEHOLDS, {"q": term}).json()["results"]


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
    response = county.get(HOUSEHOLDS, {"q": "李大"})
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


def test_the_english_project_list_gives_the_english_title_where_there_is_one(world: World) -> None:
    project = world.our_project
    type(project).objects.filter(pk=project.pk).update(title_en="Drinking water works")
    client = client_as(world, "program_office")
    client.cookies["django_language"] = "en"
    page = client.get("/app/projects/").content.decode()
    assert "Drinking water works" in page and project.title_zh not in page
    assert project.title_zh in client_as(world, "program_office").get("/app/projects/").content.decode()
