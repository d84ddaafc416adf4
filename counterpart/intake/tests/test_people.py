"""Households and persons through the intake. The same tests run on SQLite (the general path) and,
with DATABASE_URL, on PostgreSQL (the staged bulk path for persons), so both refuse the same rows."""

import csv
import datetime
from pathlib import Path

import pytest
from django.db import connection

from counterpart.core.models import AuditEvent
from counterpart.intake.exporters import export_kind
from counterpart.intake.kinds import kind_get
from counterpart.intake.models import BatchStatus
from counterpart.intake.selectors import batch_progress
from counterpart.intake.services import import_file
from counterpart.people.identity import identity_blind_index, identity_compose, identity_decrypt, identity_mask
from counterpart.people.models import Household, Person, Relation

pytestmark = pytest.mark.django_db

VILLAGE = "520422100201"
HOUSEHOLD_HEADER: list[object] = ["户编号", "所在村区划代码", "主要致贫原因", "识别年度", "帮扶责任人"]
PERSON_HEADER = ["户编号", "与户主关系", "姓名", "身份证号码", "性别", "出生日期", "所在地区划代码"]


def number(sequence: int, birth: datetime.date = datetime.date(1980, 5, 17)) -> str:
    return identity_compose("520422", birth, sequence)


def person_rows(count: int, households: int = 2) -> list[list[object]]:
    rows: list[list[object]] = []
    for n in range(count):
        household = f"H-{n % households}"
        relation = "head" if n < households else "child"
        sex = "男" if n % 2 else "女"  # identity_compose: odd sequence = male
        rows.append([household, relation, f"成员{n}", number(n), sex, "", ""])
    return rows


@pytest.fixture
def households(areas, actor, write_csv):
    path = write_csv(
        "households.csv",
        [HOUSEHOLD_HEADER, ["H-0", VILLAGE, "illness", 2014, "张三"], ["H-1", VILLAGE, "因学", 2014, ""]],
    )
    result = import_file(actor=actor, path=path, kind="households")
    assert result.ok, result.errors
    return {household.number: household for household in Household.objects.all()}


def test_households_load_and_reimport_updates_the_helper(areas, actor, write_csv):
    # given
    rows: list[list[object]] = [
        HOUSEHOLD_HEADER,
        ["H-0", VILLAGE, "illness", 2014, "张三"],
        ["H-1", "520422100201", "因学", 2014, ""],
    ]
    first = import_file(actor=actor, path=write_csv("h1.csv", rows), kind="households")
    # when: the helper of one household is corrected
    rows[2][4] = "李四"
    second = import_file(actor=actor, path=write_csv("h2.csv", rows), kind="households")
    # then
    assert first.ok and second.ok, (first.errors, second.errors)
    assert (second.batch.rows_changed, second.batch.rows_unchanged) == (1, 1)
    assert Household.objects.get(number="H-1").helper_name == "李四"
    assert Household.objects.get(number="H-1").poverty_cause == "schooling"
    assert list(Household.objects.get(number="H-0").statuses.values_list("year", "status")) == [(2014, "registered")]


def test_households_refuse_a_county_as_village(areas, actor, write_csv):
    path = write_csv("h.csv", [HOUSEHOLD_HEADER, ["H-9", "520422", "illness", 2014, ""]])
    result = import_file(actor=actor, path=path, kind="households")
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(2, "所在村区划代码")]
    assert not Household.objects.exists()


def test_persons_load_encrypted_with_heads_and_one_audit_event(households, actor, write_csv):
    # given
    path = write_csv("persons.csv", [PERSON_HEADER, *person_rows(6)])
    # when
    result = import_file(actor=actor, path=path, kind="persons")
    # then
    assert result.ok, result.errors
    assert result.batch.rows_new == 6
    person = Person.objects.get(name="成员3")
    assert person.household == households["H-1"]
    assert person.area_id == VILLAGE and person.county_code == "520422"
    assert person.birth_date == datetime.date(1980, 5, 17) and person.sex == "male"
    assert person.identity_ciphertext is not None
    assert identity_decrypt(person.identity_key_id, person.identity_ciphertext) == number(3)
    assert person.identity_blind_index == identity_blind_index(number(3))
    assert number(3).encode() not in bytes(person.identity_ciphertext)
    head = Household.objects.get(number="H-1").head
    assert head is not None and head.name == "成员1"
    assert AuditEvent.objects.filter(action="intake.import", object_type="intake.persons").count() == 1
    assert AuditEvent.objects.filter(object_type="people.person").count() == 1  # one event for the load


def test_a_bad_identity_number_at_the_end_loads_nothing_and_is_named_masked(households, actor, write_csv):
    # given: 300 good rows and one whose check digit is wrong
    rows = person_rows(300)
    bad = number(999)[:17] + ("0" if number(999)[17] != "0" else "1")
    rows.append(["H-0", "child", "坏行", bad, "", "", ""])
    path = write_csv("persons.csv", [PERSON_HEADER, *rows])
    # when
    result = import_file(actor=actor, path=path, kind="persons")
    # then
    assert result.batch.status == BatchStatus.INVALID
    assert not Person.objects.exists()
    [error] = result.errors
    assert (error.row, error.column, error.value) == (302, "身份证号码", identity_mask(bad))
    assert error.message_zh == "身份证号码校验码错误"
    assert bad not in str(result.batch.errors)


def test_rule_errors_name_row_and_column(households, actor, write_csv):
    # given: sex contradicting the number, a member without relation, an unknown household, a duplicate
    rows = person_rows(2)
    rows += [
        ["H-0", "child", "甲", number(11), "女", "", ""],
        ["H-0", "", "乙", number(12), "", "", ""],
        ["H-404", "child", "丙", number(13), "", "", ""],
        ["H-1", "child", "丁", number(1), "", "", ""],
    ]
    path = write_csv("persons.csv", [PERSON_HEADER, *rows])
    # when
    result = import_file(actor=actor, path=path, kind="persons")
    # then
    assert not Person.objects.exists()
    assert [(e.row, e.column) for e in result.errors] == [
        (4, "身份证号码"),
        (5, "与户主关系"),
        (6, "户编号"),
        (7, "身份证号码"),
    ]
    assert result.errors[0].message_zh == "性别与身份证号码不一致"
    assert result.errors[2].message_zh == "没有该户编号的贫困户"
    assert result.errors[3].message_en == "duplicates an earlier row of the file (same natural key)"


def test_persons_outside_households_need_a_known_area(areas, actor, write_csv):
    rows = [
        ["", "", "干部甲", number(21), "", "", "520422"],
        ["", "", "干部乙", number(22), "", "", "520499"],
    ]
    result = import_file(actor=actor, path=write_csv("p.csv", [PERSON_HEADER, *rows]), kind="persons")
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "所在地区划代码", "520499")]
    assert not Person.objects.exists()


def test_same_file_twice_and_a_corrected_file(households, actor, write_csv):
    # given
    rows = person_rows(4)
    first = import_file(actor=actor, path=write_csv("p.csv", [PERSON_HEADER, *rows]), kind="persons")
    again = import_file(actor=actor, path=write_csv("p.csv", [PERSON_HEADER, *rows]), kind="persons")
    # when: a name corrected
    rows[2][2] = "改名"
    corrected = import_file(actor=actor, path=write_csv("p2.csv", [PERSON_HEADER, *rows]), kind="persons")
    # then
    assert first.ok and again.already_imported and corrected.ok, corrected.errors
    assert (corrected.batch.rows_new, corrected.batch.rows_changed, corrected.batch.rows_unchanged) == (0, 1, 3)
    assert Person.objects.count() == 4
    assert Person.objects.get(identity_blind_index=identity_blind_index(number(2))).name == "改名"


def test_moving_a_registered_person_is_refused(households, actor, write_csv):
    rows = person_rows(3)
    assert import_file(actor=actor, path=write_csv("p.csv", [PERSON_HEADER, *rows]), kind="persons").ok
    rows[2][0] = "H-1"
    result = import_file(actor=actor, path=write_csv("p2.csv", [PERSON_HEADER, *rows]), kind="persons")
    assert [(e.row, e.column) for e in result.errors] == [(4, "户编号")]
    moved = Person.objects.get(name="成员2").household
    assert moved is not None and moved.number == "H-0"


def test_dry_run_counts_and_writes_nothing(households, actor, write_csv):
    result = import_file(
        actor=actor, path=write_csv("p.csv", [PERSON_HEADER, *person_rows(5)]), kind="persons", dry_run=True
    )
    assert result.ok, result.errors
    assert result.batch.rows_new == 5
    assert not Person.objects.exists()


def test_masked_export_reimports_unchanged_and_edits_update(households, actor, write_csv, tmp_path: Path):
    # given: persons loaded and exported (masked: the caller may not reveal)
    assert import_file(actor=actor, path=write_csv("p.csv", [PERSON_HEADER, *person_rows(4)]), kind="persons").ok
    exported = tmp_path / "persons-export.csv"
    export_kind(kind_get("persons"), exported, file_format="csv")
    with exported.open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert all("*" in line[3] and line[3] == identity_mask(line[3]) for line in lines[1:])
    assert not any(number(n) in str(lines) for n in range(4))
    # when: re-imported unchanged, then with one name edited
    unchanged = import_file(actor=actor, path=exported, kind="persons")
    lines[3][2] = "新名字"
    edited_path = tmp_path / "edited.csv"
    with edited_path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(lines)
    edited = import_file(actor=actor, path=edited_path, kind="persons")
    # then
    assert unchanged.ok and unchanged.batch.rows_unchanged == 4, unchanged.errors
    assert edited.ok and (edited.batch.rows_changed, edited.batch.rows_unchanged) == (1, 3), edited.errors
    assert Person.objects.filter(name="新名字").count() == 1
    assert Person.objects.count() == 4


def test_export_reveals_numbers_only_for_a_permitted_user_with_a_reason(households, actor, write_csv, tmp_path):
    from django.contrib.auth.models import Permission, User
    from django.core.exceptions import PermissionDenied

    from counterpart.access.models import Membership, Role
    from counterpart.core.audit import Actor

    # given
    assert import_file(actor=actor, path=write_csv("p.csv", [PERSON_HEADER, *person_rows(2)]), kind="persons").ok
    clerk = User.objects.create_user("clerk")
    officer = User.objects.create_user("officer")
    officer.user_permissions.add(Permission.objects.get(codename="reveal_identity"))
    Membership.objects.create(user=officer, role=Role.RECIPIENT_OFFICE, area=households["H-0"].village)
    officer = User.objects.get(pk=officer.pk)  # fresh permission cache
    path = tmp_path / "clear.csv"
    # when / then: without the permission, refused and nothing written
    with pytest.raises(PermissionDenied):
        export_kind(kind_get("persons"), path, file_format="csv", actor=Actor.of(clerk), reveal_reason="核查")
    assert not path.exists()
    # when: a permitted user gives a reason
    export_kind(kind_get("persons"), path, file_format="csv", actor=Actor.of(officer), reveal_reason="审计核查")
    # then: in clear, and audited with the reason
    assert number(1) in path.read_text(encoding="utf-8-sig")
    event = AuditEvent.objects.get(action="intake.export_reveal")
    assert (event.actor, event.reason, event.object_type) == (officer, "审计核查", "intake.persons")


def test_progress_is_published_for_a_page(households, actor, write_csv):
    path = write_csv("p.csv", [PERSON_HEADER, *person_rows(7)])
    result = import_file(actor=actor, path=path, kind="persons", chunk_size=3)
    progress = batch_progress(result.batch.pk)
    assert progress is not None and progress.finished and progress.fraction == 1.0
    assert (progress.rows_validated, progress.rows_written, progress.rows_total) == (7, 7, 7)
    if connection.vendor == "postgresql":
        assert progress.bytes_read == progress.bytes_total == path.stat().st_size
    assert batch_progress(result.batch.pk + 1000) is None


def test_xlsx_persons_with_typed_cells(households, actor, write_xlsx):
    # given: household members, and a cadre whose area code Excel stored as a number
    rows = [*person_rows(3), ["", "", "干部", number(31), "male", "1980-05-17", 520422]]
    # when
    result = import_file(actor=actor, path=write_xlsx("p.xlsx", [PERSON_HEADER, *rows]), kind="persons")
    # then
    assert result.ok, result.errors
    assert Person.objects.filter(relation=Relation.HEAD).count() == 2
    assert Person.objects.get(name="干部").area_id == "520422"


def test_an_export_holds_only_what_the_user_may_see(households, areas, actor, write_csv, tmp_path):
    from django.contrib.auth.models import User

    from counterpart.access.models import Membership, Role
    from counterpart.core.audit import Actor

    # given: members of a household in 520422, and a cadre registered in 520402
    rows = [*person_rows(2), ["", "", "干部", number(41), "", "", "520402"]]
    assert import_file(actor=actor, path=write_csv("p.csv", [PERSON_HEADER, *rows]), kind="persons").ok
    county_clerk = User.objects.create_user("county")
    Membership.objects.create(user=county_clerk, role=Role.RECIPIENT_OFFICE, area=areas["520402"])
    path = tmp_path / "scoped.csv"
    # when
    count = export_kind(kind_get("persons"), path, file_format="csv", actor=Actor.of(county_clerk))
    # then: the office of 520402 gets its own cadre, not the household members of 520422
    assert count == 1
    assert "干部" in path.read_text(encoding="utf-8-sig")


def test_the_worker_marks_a_batch_whose_upload_vanished_invalid(households, actor, write_csv):
    from counterpart.intake.services import batch_claim, batch_enqueue, batch_run

    # given: a queued upload that is then deleted
    path = write_csv("p.csv", [PERSON_HEADER, *person_rows(2)])
    queued = batch_enqueue(actor=actor, path=path, kind="persons")
    path.unlink()
    # when
    claimed = batch_claim()
    assert claimed is not None and claimed.pk == queued.pk
    result = batch_run(actor, claimed)
    # then: invalid, saying why, and not claimed again
    assert result.batch.status == BatchStatus.INVALID
    assert result.errors[0].message_en == "the uploaded file is missing"
    assert batch_claim() is None
