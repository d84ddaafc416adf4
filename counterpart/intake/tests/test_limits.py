"""A county office imports the rows of its own county, and nothing of another's (intake/limits.py)."""

import datetime

import pytest

from counterpart.access.models import Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.audit import Actor
from counterpart.core.models import AuditEvent
from counterpart.intake.models import BatchStatus
from counterpart.intake.services import batch_enqueue, batch_run, import_file
from counterpart.intake.validation import FileRejected
from counterpart.people.models import Benefit, Household, Person
from counterpart.people.tests.factories import household, member, number
from counterpart.projects.services import project_propose
from counterpart.registry.models import Area
from counterpart.registry.services import AreaRow, areas_upsert

from .test_activities import TRAINING_HEADER

pytestmark = pytest.mark.django_db

HOUSEHOLDS = ["户编号", "所在村区划代码", "主要致贫原因", "识别年度"]
BENEFICIARIES = ["协作项目", "项目编号", "受益日期", "户编号", "身份证号码", "姓名"]


@pytest.fixture
def puding(areas):
    """The recipient office of 普定县; 西秀区 next door has a village of its own."""
    areas_upsert(
        actor=Actor.system("test"), rows=[AreaRow("520402100", "某镇"), AreaRow("520402100201", "邻村")], source="test"
    )
    return Actor.of(user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"]))


def test_a_county_loads_its_own_households_and_a_row_of_the_neighbours_loads_nothing(puding, write_csv):
    own = [["H-1", "520422100201", "illness", 2009], ["H-2", "520422100201", "disability", 2009]]
    result = import_file(actor=puding, path=write_csv("own.csv", [HOUSEHOLDS, *own]))
    assert result.ok, result.errors
    assert Household.objects.count() == 2

    mixed = [["H-3", "520422100201", "illness", 2009], ["H-4", "520402100201", "illness", 2009]]
    refused = import_file(actor=puding, path=write_csv("mixed.csv", [HOUSEHOLDS, *mixed]))
    assert [(e.row, e.column, e.value, e.message_zh) for e in refused.errors] == [
        (3, "所在村区划代码", "520402100201", "该地区不在您的权限范围内")
    ]
    assert not Household.objects.filter(number__in=["H-3", "H-4"]).exists()


def test_a_row_naming_another_countys_record_is_refused_whatever_it_says(puding, actor, write_csv):
    # given: the neighbour's household, registered by its own office
    import_file(actor=actor, path=write_csv("theirs.csv", [HOUSEHOLDS, ["X-1", "520402100201", "illness", 2009]]))
    # when: 普定县 names it, once in its village (another cause) and once "moved" into its own village
    as_is = import_file(
        actor=puding, path=write_csv("a.csv", [HOUSEHOLDS, ["X-1", "520402100201", "disability", 2009]])
    )
    moved = import_file(actor=puding, path=write_csv("b.csv", [HOUSEHOLDS, ["X-1", "520422100201", "illness", 2009]]))
    # then
    assert [(e.column, e.value) for e in as_is.errors] == [("所在村区划代码", "520402100201")]
    assert [(e.column, e.message_en) for e in moved.errors] == [
        ("户编号", "this record is registered by another area, outside your scope")
    ]
    assert Household.objects.get(number="X-1").village_id == "520402100201"


def test_persons_of_a_county_take_the_checked_path_and_keep_to_its_households(puding, actor, areas, write_csv):
    theirs = household(actor, Area.objects.get(code="520402100201"), "X-1")
    household(actor, areas["520422100201"], "H-1")
    header = ["户编号", "与户主关系", "姓名", "身份证号码"]
    rows = [["H-1", "户主", "王一", number(1)], ["X-1", "子女", "李二", number(2, prefix="520402")]]
    result = import_file(actor=puding, path=write_csv("p.csv", [header, *rows]))
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "户编号", "X-1")]
    assert not Person.objects.exists()
    assert import_file(actor=puding, path=write_csv("p2.csv", [header, rows[0]])).ok
    assert Person.objects.filter(household__number="H-1").count() == Person.objects.count() == 1
    assert not theirs.members.exists()


def test_a_county_records_beneficiaries_of_its_own_projects_only(puding, actor, areas, program, pairing, write_csv):
    def proposed(code: str, area: str):
        return project_propose(
            actor=actor,
            program=program,
            code=code,
            title_zh=code,
            recipient_area=areas[area],
            category="drinking_water",
            year=2009,
            budget_fen=100,
        )

    proposed("P-OWN", "520422")
    proposed("P-THEIRS", "520402")
    home = household(actor, areas["520422100201"], "H-1")
    member(actor, home, 1)
    day = datetime.date(2009, 6, 1).isoformat()
    rows = [["qd-gz", "P-OWN", day, "H-1", "", ""], ["qd-gz", "P-THEIRS", day, "H-1", "", ""]]
    result = import_file(actor=puding, path=write_csv("b.csv", [BENEFICIARIES, *rows]))
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "项目编号", "P-THEIRS")]
    assert not Benefit.objects.exists()


def test_a_county_may_not_import_the_program_offices_kinds_and_other_roles_import_nothing(
    puding, areas, write_csv
) -> None:
    projects = write_csv("projects.csv", [["协作项目", "项目编号", "项目名称"], ["qd-gz", "P-1", "饮水"]])
    with pytest.raises(FileRejected, match="不在您可以导入的数据类型中"):
        import_file(actor=puding, path=projects, kind="projects")
    auditor = Actor.of(user_with_membership("auditor", role=Role.AUDITOR))
    households = write_csv("h.csv", [HOUSEHOLDS, ["H-1", "520422100201", "illness", 2009]])
    with pytest.raises(FileRejected, match="不能导入数据"):
        import_file(actor=auditor, path=households)
    with pytest.raises(FileRejected):
        batch_enqueue(actor=auditor, path=households)


def test_the_program_office_loads_its_programs_courses_for_every_county_but_not_the_registry(
    puding, program, write_csv
):
    office = Actor.of(user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program))
    courses = [
        ["qd-gz", "labour_transfer", "电焊培训班", "2010-05-01", "2010-05-20", "520422", 40],
        ["qd-gz", "labour_transfer", "厨师培训班", "2010-06-01", "2010-06-20", "520402", 30],
    ]
    assert import_file(actor=office, path=write_csv("t.csv", [TRAINING_HEADER, *courses]), kind="trainings").ok
    # the poverty registry is the counties' (people/policy.py): the whole file is refused
    rows = [["H-1", "520422100201", "illness", 2009], ["H-2", "520402100201", "illness", 2009]]
    with pytest.raises(FileRejected, match="不在您可以导入的数据类型中"):
        import_file(actor=office, path=write_csv("h.csv", [HOUSEHOLDS, *rows]))
    assert not Household.objects.exists()


def test_a_queued_upload_runs_as_its_uploader_within_their_areas(puding, write_csv):
    rows = [["H-1", "520422100201", "illness", 2009], ["H-2", "520402100201", "illness", 2009]]
    batch = batch_enqueue(actor=puding, path=write_csv("h.csv", [HOUSEHOLDS, *rows]))
    result = batch_run(Actor.system("worker:import"), batch)
    assert result.batch.status == BatchStatus.INVALID
    assert [e.value for e in result.errors] == ["520402100201"]

    batch = batch_enqueue(actor=puding, path=write_csv("own.csv", [HOUSEHOLDS, rows[0]]))
    assert batch_run(Actor.system("worker:import"), batch).ok
    assert AuditEvent.objects.filter(action="intake.import").get().actor_label == "puding"


def test_an_enterprise_loads_its_own_reports_as_drafts_and_no_other_enterprises(program, areas, actor, write_csv):
    from counterpart.enterprise.models import EnterpriseReport, ReportStatus, Side
    from counterpart.enterprise.services import enterprise_register
    from counterpart.registry.models import OrganisationKind
    from counterpart.registry.services import organisation_create

    def company(name: str):
        organisation = organisation_create(
            actor=actor, name_zh=name, kind=OrganisationKind.ENTERPRISE, area=areas["3702"]
        )
        return enterprise_register(actor=actor, organisation=organisation, side=Side.DONOR, programs=[program])

    red_star, haier = company("红星集团"), company("海尔集团")
    reporter = Actor.of(user_with_membership("red-star", role=Role.ENTERPRISE, organisation=red_star.organisation))
    header = ["协作项目", "企业名称", "地区区划代码", "年度", "直接就业人数"]
    rows = [["qd-gz", "红星集团", "52", 2009, 300], ["qd-gz", "海尔集团", "52", 2009, 900]]

    refused = import_file(actor=reporter, path=write_csv("r.csv", [header, *rows]))
    assert [(e.row, e.column, e.value) for e in refused.errors] == [(3, "企业名称", "海尔集团")]
    assert not EnterpriseReport.objects.exists()
    assert import_file(actor=reporter, path=write_csv("own.csv", [header, rows[0]])).ok
    report = EnterpriseReport.objects.get()
    assert (report.enterprise, report.status) == (red_star, ReportStatus.DRAFT)  # the office confirms it later
    households = write_csv("h.csv", [HOUSEHOLDS, ["H-1", "520422100201", "illness", 2009]])
    with pytest.raises(FileRejected, match="不在您可以导入的数据类型中"):
        import_file(actor=reporter, path=households)
    assert haier.reports.count() == 0
