"""Programs and pairings through the intake: the setting a program office enters from its published record."""

import datetime

from counterpart.core.models import AuditEvent
from counterpart.intake.kinds import kind_get
from counterpart.intake.services import import_file
from counterpart.registry.models import AreaLevel, Pairing, Program

PROGRAM_HEADER = ["项目标识", "项目名称", "帮扶方区划", "其他帮扶方区划", "所属总项目", "起始年"]
PAIRING_HEADER = ["协作项目", "结对层级", "帮扶方区划", "受援方区划", "开始日期", "结束日期"]


def test_programs_of_any_shape_load_and_a_second_load_changes_nothing(areas, actor, write_csv, write_xlsx) -> None:
    # given a national overview (the nation as donor), a group of one donor's twinnings listed before its
    # member, and a program with two donor areas
    rows = [
        PROGRAM_HEADER,
        ["national", "全国东西部协作", "000000", "", "", "1996"],
        ["qingdao-all", "青岛市对口帮扶", "3702", "", "national", "1996"],
        ["qd-gz-2", "青岛、山东—贵州", "37", "3702、370202", "qingdao-all", "2009"],
    ]
    path = write_csv("programs.csv", rows)
    # when it is imported twice
    first = import_file(actor=actor, path=path, kind="programs")
    events = AuditEvent.objects.filter(action__startswith="program.").count()
    second = import_file(actor=actor, path=write_xlsx("again.xlsx", rows), kind="programs")
    # then every shape is held, and the second file changes nothing
    assert first.ok, [e.message_en for e in first.errors]
    assert Program.objects.get(slug="national").donor_area.level == AreaLevel.NATION
    member = Program.objects.get(slug="qd-gz-2")
    assert member.group == Program.objects.get(slug="qingdao-all")
    assert Program.objects.get(slug="qingdao-all").group == Program.objects.get(slug="national")
    assert sorted(member.other_donor_areas.values_list("code", flat=True)) == ["3702", "370202"]
    assert second.ok, [e.message_en for e in second.errors]
    assert (second.batch.rows_new, second.batch.rows_changed, second.batch.rows_unchanged) == (0, 0, 3)
    assert AuditEvent.objects.filter(action__startswith="program.").count() == events


def test_a_group_named_after_its_member_is_refused_naming_the_row(areas, actor, write_csv) -> None:
    rows = [
        PROGRAM_HEADER,
        ["member", "成员", "3702", "", "later", "2009"],
        ["later", "总项目", "3702", "", "", "2009"],
    ]
    result = import_file(actor=actor, path=write_csv("programs.csv", rows), kind="programs")
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "所属总项目", "later")]
    assert not Program.objects.filter(slug__in=["member", "later"]).exists()


def test_a_program_cannot_be_grouped_under_its_own_member(areas, actor, write_csv) -> None:
    import_file(
        actor=actor,
        path=write_csv(
            "a.csv", [PROGRAM_HEADER, ["top", "总", "3702", "", "", "2009"], ["sub", "分", "3702", "", "top", "2009"]]
        ),
        kind="programs",
    )
    result = import_file(
        actor=actor,
        path=write_csv("b.csv", [PROGRAM_HEADER, ["top", "总", "3702", "", "sub", "2009"]]),
        kind="programs",
    )
    assert [e.column for e in result.errors] == ["所属总项目"]
    assert Program.objects.get(slug="top").group is None


def test_a_pairing_whose_start_no_page_states_is_kept_as_not_stated(program, areas, actor, write_csv) -> None:
    # given a pairing row with a blank start
    rows = [PAIRING_HEADER, ["qd-gz", "区—县", "370202", "520422", "", ""]]
    # when it is imported, then exported, then the export imported again
    assert import_file(actor=actor, path=write_csv("pairings.csv", rows), kind="pairings").ok
    pairing = Pairing.objects.get(program=program)
    [exported] = list(kind_get("pairings").export_rows(program))
    again = import_file(
        actor=actor, path=write_csv("again.csv", [*rows[:1], [*rows[1][:4], "", "2012-12-31"]]), kind="pairings"
    )
    # then its start is not stated (in force from the program's first year), the export leaves it blank,
    # and a later file may end it
    assert not pairing.start_stated and pairing.valid_from == datetime.date(1996, 1, 1)
    assert exported["valid_from"] is None
    assert again.ok and (again.batch.rows_changed, again.batch.rows_new) == (1, 0)
    assert Pairing.objects.get(pk=pairing.pk).valid_to == datetime.date(2012, 12, 31)
