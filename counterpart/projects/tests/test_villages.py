"""Village advancement, the projects app's: five components started as planned and completed; the
year a village counts as advanced; the policy and the period guard asked on every write."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from counterpart.access.models import Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.projects.models import ComponentStatus, VillageAdvancement, VillageComponent, VillageComponentKind
from counterpart.projects.services import project_propose
from counterpart.projects.village_selectors import village_advanced_in, villages_advanced, villages_advanced_of
from counterpart.projects.villages import village_advancement_start, village_component_update
from counterpart.registry.services import AreaRow, areas_upsert, period_lock

pytestmark = pytest.mark.django_db
DAY = datetime.date(2009, 6, 1)
LOCKED = "2009 年度数据已锁定（报告已核定），如需修改请先解锁并说明原因"


@pytest.fixture
def village(areas):
    return areas["520422100201"]


def _project(actor, program, area, code="P-1", pairing=None):
    return project_propose(
        actor=actor, program=program, code=code, title_zh="项目", category="village_road", recipient_area=area,
        pairing=pairing, year=2009, budget_fen=1_00,
    )  # fmt: skip


def test_the_tables_keep_their_names_from_the_people_app() -> None:
    # moved without copying a row: the models own the tables the people app created
    assert VillageAdvancement._meta.db_table == "people_villageadvancement"
    assert VillageComponent._meta.db_table == "people_villagecomponent"
    assert VillageComponent.projects.through._meta.db_table == "people_villagecomponent_projects"
    assert VillageAdvancement._meta.app_label == "projects"


def test_a_village_is_advanced_when_all_five_components_are_complete(actor, program, pairing, areas, village) -> None:
    advancement = village_advancement_start(actor=actor, program=program, village=village, start_year=2009)
    assert sorted(advancement.components.values_list("status", flat=True)) == ["planned"] * 5
    project = _project(actor, program, areas["520422"], pairing=pairing)
    kinds = VillageComponentKind.values
    for kind in kinds[:-1]:
        village_component_update(
            actor=actor,
            advancement=advancement,
            component=kind,
            status=ComponentStatus.COMPLETE,
            completed_on=DAY,
            projects=[project],
        )
    assert villages_advanced(program, 2009) == 0
    village_component_update(
        actor=actor, advancement=advancement, component=kinds[-1], status=ComponentStatus.COMPLETE, completed_on=DAY
    )
    assert villages_advanced(program, 2009) == 1
    assert villages_advanced(program, 2010) == 0
    assert list(project.village_components.values_list("component", flat=True).order_by("component")) == sorted(
        kinds[:-1]
    )
    with pytest.raises(InvalidInput):
        village_component_update(
            actor=actor, advancement=advancement, component=kinds[0], status=ComponentStatus.COMPLETE
        )
    assert AuditEvent.objects.filter(action="village_advancement.start", object_type="projects.villageadvancement")


def test_a_project_elsewhere_cannot_deliver_a_village_component(actor, program, areas, village) -> None:
    areas_upsert(actor=actor, rows=[AreaRow("520402001", "镇"), AreaRow("520402001200", "村")], source="test")
    other = _project(actor, program, areas["520402"], code="X-1")
    advancement = village_advancement_start(actor=actor, program=program, village=village, start_year=2009)
    with pytest.raises(InvalidInput):
        village_component_update(
            actor=actor,
            advancement=advancement,
            component="production",
            status=ComponentStatus.IN_PROGRESS,
            projects=[other],
        )


def test_the_page_and_the_report_count_the_village_in_the_year_of_its_last_component(actor, program, areas) -> None:
    advancement = village_advancement_start(
        actor=actor, program=program, village=areas["520422100201"], start_year=2010
    )
    dates = [datetime.date(2010, 5, 1), datetime.date(2012, 8, 1), datetime.date(2011, 1, 1)]
    kinds = VillageComponentKind.values
    for kind, date in zip(kinds, dates * 2, strict=False):
        village_component_update(
            actor=actor, advancement=advancement, component=kind, status=ComponentStatus.COMPLETE, completed_on=date
        )
        if kind != kinds[-1]:
            assert village_advanced_in(list(advancement.components.all())) is None
    assert village_advanced_in(list(advancement.components.all())) == 2012
    assert list(villages_advanced_of(program, 2012)) == [advancement]
    # a component reopened: no longer advanced, on the page or in the report
    village_component_update(
        actor=actor, advancement=advancement, component=kinds[0], status=ComponentStatus.IN_PROGRESS
    )
    assert village_advanced_in(list(advancement.components.all())) is None
    assert not villages_advanced_of(program, 2012).exists()


def test_a_certified_years_component_is_refused_even_for_a_system_process(program, pairing, areas, actor) -> None:
    advancement = village_advancement_start(
        actor=actor, program=program, village=areas["520422100201"], start_year=2009, pairing=pairing
    )
    period_lock(actor=actor, program=program, year=2009, reason="核定")
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        village_component_update(
            actor=actor, advancement=advancement, component="education", status=ComponentStatus.COMPLETE,
            completed_on=datetime.date(2009, 5, 1),
        )  # fmt: skip
    assert str(refused.value.reason) == LOCKED
    assert AuditEvent.objects.count() == events
    assert not VillageComponent.objects.filter(status=ComponentStatus.COMPLETE).exists()


def test_whoever_may_write_a_project_in_the_village_may_take_it_on(program, pairing, areas) -> None:
    village = areas["520422100201"]
    xixiu = Actor.of(user_with_membership("xixiu", role=Role.RECIPIENT_OFFICE, area=areas["520402"]))
    with pytest.raises(InvalidInput) as refused:
        village_advancement_start(actor=xixiu, program=program, village=village, start_year=2010)
    # 西秀区 is not paired in this program: the program, not only the area, refuses it
    assert (refused.value.field, str(refused.value.reason)) == ("program", "该协作项目不在您的权限范围内")
    auditor = Actor.of(user_with_membership("auditor", role=Role.AUDITOR))
    with pytest.raises(PermissionDenied):
        village_advancement_start(actor=auditor, program=program, village=village, start_year=2010)
    assert not VillageAdvancement.objects.exists()
    puding = Actor.of(user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"]))
    advancement = village_advancement_start(
        actor=puding, program=program, village=village, start_year=2010, pairing=pairing
    )
    assert advancement.county_code == "520422"
    with pytest.raises(InvalidInput) as twice:
        village_advancement_start(actor=puding, program=program, village=village, start_year=2011)
    assert twice.value.field == "village"
