"""Trainings, participants, student aid, enterprise reports and market events through the intake."""

import csv
import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from counterpart.enterprise.models import EnterpriseReport, MarketEvent, ReportStatus, Side
from counterpart.enterprise.services import enterprise_register, enterprise_report_confirm, enterprise_report_submit
from counterpart.funds.models import LedgerTransaction, TransactionKind
from counterpart.funds.services import ledger_commit
from counterpart.intake.exporters import export_kind, template_write
from counterpart.intake.kinds import kind_get, kinds_all
from counterpart.intake.services import import_file
from counterpart.people.identity import identity_compose, identity_mask
from counterpart.people.models import Benefit, StudentAid, Training, TrainingParticipant
from counterpart.people.tests.factories import household, member
from counterpart.registry.models import OrganisationKind
from counterpart.registry.services import organisation_create

pytestmark = pytest.mark.django_db

TRAINING_HEADER = ["协作项目", "培训类型", "培训名称", "开始日期", "结束日期", "培训地点区划代码", "上报参训人数"]
PARTICIPANT_HEADER = ["协作项目", "培训类型", "培训名称", "开始日期", "身份证号码", "姓名"]
AID_HEADER = ["协作项目", "资金承诺外部编号", "发放日期", "学生身份证号码", "学校", "金额（元）"]


def number(sequence: int) -> str:
    return identity_compose("520422", datetime.date(1980, 5, 17), sequence)


def reread(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def members(areas, actor):
    home = household(actor, areas["520422100201"])
    return [member(actor, home, n, name=f"学员{n}") for n in range(1, 4)]


@pytest.fixture
def course(program, areas, actor, write_csv):
    rows = [TRAINING_HEADER, ["qd-gz", "labour_transfer", "电焊培训班", "2009-05-01", "2009-05-20", "520422", 40]]
    assert import_file(actor=actor, path=write_csv("trainings.csv", rows), kind="trainings").ok
    return Training.objects.get()


def test_trainings_load_and_a_corrected_count_updates(course, actor, write_csv):
    # when: the reported count is corrected and the file imported again
    rows = [TRAINING_HEADER, ["qd-gz", "劳动力转移培训", "电焊培训班", "2009-05-01", "2009-05-20", "520422", 45]]
    result = import_file(actor=actor, path=write_csv("t2.csv", rows), kind="trainings")
    # then
    assert result.ok and result.batch.rows_changed == 1, result.errors
    course.refresh_from_db()
    assert (course.kind, course.year, course.reported_participants) == ("labour_transfer", 2009, 45)
    assert Training.objects.count() == 1


def test_a_training_ending_before_it_starts_is_refused(program, areas, actor, write_csv):
    rows = [TRAINING_HEADER, ["qd-gz", "labour_transfer", "班", "2009-05-20", "2009-05-01", "520422", ""]]
    result = import_file(actor=actor, path=write_csv("t.csv", rows), kind="trainings")
    assert [(e.row, e.column, e.message_zh) for e in result.errors] == [(2, "结束日期", "结束日期早于开始日期")]


def test_participants_by_identity_number_with_benefits_and_a_masked_round_trip(
    course, members, actor, write_csv, tmp_path
):
    # given
    rows = [["qd-gz", "labour_transfer", "电焊培训班", "2009-05-01", number(n), ""] for n in (1, 2, 3)]
    # when
    result = import_file(
        actor=actor, path=write_csv("p.csv", [PARTICIPANT_HEADER, *rows]), kind="training_participants"
    )
    # then
    assert result.ok, result.errors
    assert TrainingParticipant.objects.filter(training=course).count() == 3
    assert Benefit.objects.filter(training=course, kind="training").count() == 3
    # when: the export (masked) is imported again
    exported = tmp_path / "participants.csv"
    export_kind(kind_get("training_participants"), exported, file_format="csv")
    assert [line[4] for line in reread(exported)[1:]] == [identity_mask(number(n)) for n in (1, 2, 3)]
    again = import_file(actor=actor, path=exported, kind="training_participants")
    # then: nothing changes
    assert again.ok and again.batch.rows_unchanged == 3, again.errors
    assert TrainingParticipant.objects.count() == 3


def test_an_unregistered_participant_loads_nothing(course, members, actor, write_csv):
    rows = [["qd-gz", "labour_transfer", "电焊培训班", "2009-05-01", number(n), ""] for n in (1, 2, 9)]
    result = import_file(
        actor=actor, path=write_csv("p.csv", [PARTICIPANT_HEADER, *rows]), kind="training_participants"
    )
    assert [(e.row, e.column, e.value) for e in result.errors] == [(4, "身份证号码", identity_mask(number(9)))]
    assert result.errors[0].message_zh == "没有该身份证号码的登记人员"
    assert not TrainingParticipant.objects.exists()


@pytest.fixture
def commitment(program, actor):
    return ledger_commit(
        actor=actor,
        program=program,
        date=datetime.date(2009, 3, 1),
        source="fiscal_municipal",
        amount_fen=1_000_00,
        external_ref="C-1",
    )


def test_student_aid_posts_one_disbursement_per_commitment_and_date(commitment, members, actor, write_csv, tmp_path):
    # given
    rows = [["qd-gz", "C-1", "2009-09-01", number(n), "普定一中", "300"] for n in (1, 2)]
    # when
    result = import_file(actor=actor, path=write_csv("aid.csv", [AID_HEADER, *rows]), kind="student_aid")
    # then
    assert result.ok, result.errors
    disbursements = LedgerTransaction.objects.filter(kind=TransactionKind.DISBURSEMENT)
    assert disbursements.count() == 1
    assert sorted(StudentAid.objects.values_list("amount_fen", flat=True)) == [300_00, 300_00]
    assert Benefit.objects.filter(kind="student_aid").count() == 2
    # when: the masked export comes back unchanged, and then with an amount edited
    exported = tmp_path / "aid.csv"
    export_kind(kind_get("student_aid"), exported, file_format="csv")
    again = import_file(actor=actor, path=exported, kind="student_aid")
    lines = reread(exported)
    lines[1][-1] = "350"
    edited = write_csv("edited.csv", lines)
    refused = import_file(actor=actor, path=edited, kind="student_aid")
    # then: unchanged is a no-op; an edit of aid posted in the ledger is refused, naming the cell
    assert again.ok and again.batch.rows_unchanged == 2, again.errors
    assert [(e.row, e.column) for e in refused.errors] == [(2, "金额（元）")]
    assert StudentAid.objects.count() == 2 and disbursements.count() == 1


def test_student_aid_beyond_the_commitment_loads_nothing(commitment, members, actor, write_csv):
    rows = [["qd-gz", "C-1", "2009-09-01", number(n), "普定一中", "600"] for n in (1, 2)]
    result = import_file(actor=actor, path=write_csv("aid.csv", [AID_HEADER, *rows]), kind="student_aid")
    assert not result.ok and result.errors
    assert not StudentAid.objects.exists()
    assert not LedgerTransaction.objects.filter(kind=TransactionKind.DISBURSEMENT).exists()


@pytest.fixture
def company(program, areas, actor):
    organisation = organisation_create(
        actor=actor, name_zh="红星集团", kind=OrganisationKind.ENTERPRISE, area=areas["3702"]
    )
    return enterprise_register(actor=actor, organisation=organisation, side=Side.DONOR, programs=[program])


REPORT_HEADER: list[object] = [
    "协作项目",
    "企业名称",
    "地区区划代码",
    "年度",
    "纳税（元）",
    "直接就业人数",
    "年产值（元）",
]


def test_enterprise_reports_load_as_drafts_and_update_until_confirmed(company, actor, write_csv):
    # given
    rows: list[list[object]] = [REPORT_HEADER, ["qd-gz", "红星集团", "52", 2009, "1200000", 300, ""]]
    first = import_file(actor=actor, path=write_csv("r.csv", rows), kind="enterprise_reports")
    # when: the jobs figure is corrected
    rows[1][5] = 320
    second = import_file(actor=actor, path=write_csv("r2.csv", rows), kind="enterprise_reports")
    # then
    assert first.ok and second.ok and second.batch.rows_changed == 1, (first.errors, second.errors)
    report = EnterpriseReport.objects.get()
    assert (report.status, report.taxes_paid_fen, report.jobs_created) == (ReportStatus.DRAFT, 1_200_000_00, 320)
    # when: confirmed, a further edit is refused
    enterprise_report_confirm(actor=actor, report=enterprise_report_submit(actor=actor, report=report))
    rows[1][5] = 330
    third = import_file(actor=actor, path=write_csv("r3.csv", rows), kind="enterprise_reports")
    assert [(e.row, e.column) for e in third.errors] == [(2, "年度")]
    report.refresh_from_db()
    assert report.jobs_created == 320


def test_an_unknown_enterprise_is_named(company, actor, write_csv):
    rows = [REPORT_HEADER, ["qd-gz", "不存在集团", "52", 2009, "1", "", ""]]
    result = import_file(actor=actor, path=write_csv("r.csv", rows), kind="enterprise_reports")
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "企业名称", "不存在集团")]


EVENT_HEADER = [
    "协作项目",
    "活动类型",
    "活动名称",
    "开始日期",
    "结束日期",
    "举办地点",
    "举办地区划代码",
    "现场销售额（元）",
]


def test_market_events_round_trip_and_edit(program, areas, actor, write_csv, tmp_path):
    # given
    rows = [
        EVENT_HEADER,
        ["qd-gz", "fair", "贵州名优产品展销会", "2009-06-10", "2009-06-14", "青岛国际会展中心", "3702", "980000"],
    ]
    assert import_file(actor=actor, path=write_csv("e.csv", rows), kind="market_events").ok
    exported = tmp_path / "events.csv"
    export_kind(kind_get("market_events"), exported, file_format="csv")
    # when: the export re-imported unchanged, then with the sales corrected
    unchanged = import_file(actor=actor, path=exported, kind="market_events")
    lines = reread(exported)
    lines[1][lines[0].index("现场销售额（元）")] = "990000"
    edited = import_file(actor=actor, path=write_csv("e2.csv", lines), kind="market_events")
    # then
    assert unchanged.ok and unchanged.batch.rows_unchanged == 1, unchanged.errors
    assert edited.ok and edited.batch.rows_changed == 1, edited.errors
    assert MarketEvent.objects.get().direct_sales_fen == 990_000_00


def test_every_kind_has_a_template_with_instructions_and_lists(tmp_path):
    for kind in kinds_all():
        path = tmp_path / f"{kind.key}.xlsx"
        template_write(kind, path, language="en")
        workbook = load_workbook(path)
        assert workbook.sheetnames == [kind.key, "lists", "说明 instructions"]
        assert [cell.value for cell in workbook[kind.key][1]] == [c.header_en for c in kind.columns]
        coded = [c for c in kind.columns if c.choices]
        assert len(workbook[kind.key].data_validations.dataValidation) == len(coded)
