"""Divisions over time: the GB/T 2260 lists of earlier years give abolished divisions and their successors."""

import datetime
import io
import json

from django.core.management import call_command

from counterpart.indicators.services import reported_value_enter
from counterpart.registry.history import divisions_history_load, history_rows
from counterpart.registry.models import Area, PairingLevel
from counterpart.registry.services import AreaRow, areas_upsert, pairing_create, program_create

# Facts from the GB/T 2260 lists: Tongren prefecture (铜仁地区 522200) became the city 铜仁市 (520600) in
# 2011, and its counties were recoded with it (江口县 522222 → 520621; 铜仁市 522201 → 碧江区 520602).
LISTS = {
    2010: {
        520000: "贵州省",
        522200: "铜仁地区",
        522201: "铜仁市",
        522222: "江口县",
        370000: "山东省",
        370200: "青岛市",
    },
    2011: {520000: "贵州省", 520600: "铜仁市", 520602: "碧江区", 520621: "江口县", 370000: "山东省", 370200: "青岛市"},
    None: {520000: "贵州省", 520600: "铜仁市", 520602: "碧江区", 520621: "江口县", 370000: "山东省", 370200: "青岛市"},
}


def test_a_division_missing_from_later_lists_is_abolished_with_its_successor_where_the_lists_tell() -> None:
    rows = {row.code: row for row in history_rows(LISTS)}
    assert rows == {
        "5222": AreaRow("5222", "铜仁地区", abolished_year=2011, successor_code="5206"),
        "522201": AreaRow("522201", "铜仁市", abolished_year=2011, successor_code=None),  # became 碧江区
        "522222": AreaRow("522222", "江口县", abolished_year=2011, successor_code="520621"),
    }


def test_loading_twice_changes_nothing_and_keeps_what_users_set(db, actor) -> None:
    # given today's divisions, one of them with an English name set by a user, and an old code already held
    areas_upsert(
        actor=actor,
        rows=[
            AreaRow("52", "贵州省", name_en="Guizhou"),
            AreaRow("5206", "铜仁市", name_en="Tongren"),
            AreaRow("520621", "江口县"),
            AreaRow("520602", "碧江区"),
        ],
        source="test",
    )
    # when the history is loaded twice
    assert divisions_history_load(actor=actor, data=LISTS) == 3
    before = list(Area.objects.order_by("code").values())
    divisions_history_load(actor=actor, data=LISTS)
    # then the old divisions are there with their successors, and nothing else moved
    assert list(Area.objects.order_by("code").values()) == before
    old = Area.objects.get(code="5222")
    assert (old.name_zh, old.abolished_year, old.successor_id) == ("铜仁地区", 2011, "5206")
    assert Area.objects.get(code="522222").parent_id == "5222"
    assert Area.objects.get(code="5206").name_en == "Tongren"


def test_the_installed_package_gives_tongren_recoded_in_2011(db, actor) -> None:
    rows = {row.code: row for row in history_rows(__import__("gb2260.data", fromlist=["data"]).data)}
    assert rows["5222"].abolished_year == 2011 and rows["5222"].name_zh == "铜仁地区"


def _report(year: int) -> dict:
    out = io.StringIO()
    call_command("report", program="qd-tr", year=year, format="json", stdout=out)
    return json.loads(out.getvalue())


def test_a_report_shows_the_division_in_force_in_its_year(db, actor) -> None:
    # given Qingdao paired with Tongren prefecture since 2009, Tongren recoded in 2011
    areas_upsert(
        actor=actor, rows=[AreaRow("37", "山东省"), AreaRow("3702", "青岛市"), AreaRow("52", "贵州省")], source="test"
    )
    areas_upsert(actor=actor, rows=[AreaRow("5206", "铜仁市", name_en="Tongren")], source="test")
    divisions_history_load(actor=actor, data=LISTS)
    program = program_create(
        actor=actor, slug="qd-tr", name_zh="青岛—铜仁", donor_area=Area.objects.get(code="3702"), start_year=2009
    )
    pairing_create(
        actor=actor,
        program=program,
        level=PairingLevel.CITY_CITY,
        donor_area=Area.objects.get(code="3702"),
        recipient_area=Area.objects.get(code="5222"),
        valid_from=datetime.date(2009, 1, 1),
    )
    # and each year's figure entered against the division in force that year
    for year, code in ((2010, "5222"), (2012, "5206")):
        reported_value_enter(
            actor=actor,
            program=program,
            indicator_key="projects",
            year=year,
            value=10,
            unit="count",
            area=Area.objects.get(code=code),
        )
    # then 2010's report shows 铜仁地区 5222, and 2012's its successor 铜仁市 5206
    assert {code: s["title_zh"] for code, s in _report(2010)["areas"].items()} == {"5222": "铜仁地区"}
    assert {code: s["title_zh"] for code, s in _report(2012)["areas"].items()} == {"5206": "铜仁市"}
