"""The pickers that name what the lists filter by and the forms write: areas within the role's scope, chosen
by name, and the list's drill-down filters shown as names."""

from typing import Any

import pytest

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
