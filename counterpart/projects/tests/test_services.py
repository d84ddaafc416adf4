import pytest

from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.projects.models import DAC_PURPOSE_BY_CATEGORY, Project, ProjectCategory, ProjectStatus
from counterpart.projects.services import (
    project_accept,
    project_approve,
    project_cancel,
    project_complete,
    project_output_set,
    project_propose,
    project_start,
)


def test_every_category_maps_to_a_dac_purpose_code() -> None:
    assert set(DAC_PURPOSE_BY_CATEGORY) == set(ProjectCategory.values)
    assert all(len(code) == 5 and code.isdigit() for code in DAC_PURPOSE_BY_CATEGORY.values())


def test_proposal_takes_the_purpose_code_of_its_category(project) -> None:
    assert project.status == ProjectStatus.PROPOSED
    assert project.purpose_code == "14030"
    assert [t.to_status for t in project.transitions.all()] == ["proposed"]


def test_unknown_category_is_refused_naming_it(program, areas, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        project_propose(
            actor=actor,
            program=program,
            code="X",
            title_zh="x",
            category="spaceport",
            recipient_area=areas["520422"],
            year=2009,
            budget_fen=0,
        )
    assert (error.value.field, error.value.value) == ("category", "spaceport")
    assert not Project.objects.exists()


def test_project_must_lie_in_its_pairings_recipient_area(program, pairing, areas, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        project_propose(
            actor=actor,
            program=program,
            code="X",
            title_zh="x",
            category="other",
            recipient_area=areas["520402"],
            pairing=pairing,
            year=2009,
            budget_fen=0,
        )
    assert error.value.field == "recipient_area"


@pytest.mark.parametrize(("field", "kwargs"), [("year", {"year": 1990}), ("budget", {"budget_fen": -1})])
def test_bad_year_or_budget_is_refused(program, areas, actor, field, kwargs) -> None:
    arguments = dict(
        program=program,
        code="X",
        title_zh="x",
        category="other",
        recipient_area=areas["520422"],
        year=2009,
        budget_fen=0,
    )
    with pytest.raises(InvalidInput) as error:
        project_propose(actor=actor, **{**arguments, **kwargs})
    assert error.value.field == field


def test_duplicate_code_in_a_program_is_refused(project, program, areas, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        project_propose(
            actor=actor,
            program=program,
            code=project.code,
            title_zh="x",
            category="other",
            recipient_area=areas["520422"],
            year=2009,
            budget_fen=0,
        )
    assert error.value.field == "code"


def test_lifecycle_records_every_step_with_who(project, actor) -> None:
    for step in (project_approve, project_start, project_complete, project_accept):
        project = step(actor=actor, project=project)
    assert project.status == ProjectStatus.ACCEPTED
    steps = [(t.from_status, t.to_status, t.actor_label) for t in project.transitions.all()]
    assert steps == [
        ("", "proposed", "test"),
        ("proposed", "approved", "test"),
        ("approved", "under_construction", "test"),
        ("under_construction", "completed", "test"),
        ("completed", "accepted", "test"),
    ]
    actions = list(AuditEvent.objects.filter(object_type="projects.project").values_list("action", flat=True))
    assert sorted(actions) == sorted(
        ["project.propose", "project.approved", "project.under_construction", "project.completed", "project.accepted"]
    )


def test_lifecycle_refuses_skipping_and_going_back(project, actor) -> None:
    with pytest.raises(InvalidInput) as error:
        project_complete(actor=actor, project=project)
    assert error.value.field == "status"
    project = project_approve(actor=actor, project=project)
    with pytest.raises(InvalidInput):
        project_approve(actor=actor, project=project)
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED


def test_cancelling_needs_a_reason_and_ends_the_lifecycle(project, actor) -> None:
    with pytest.raises(InvalidInput):
        project_cancel(actor=actor, project=project, note=" ")
    project = project_cancel(actor=actor, project=project, note="资金未到位")
    with pytest.raises(InvalidInput):
        project_approve(actor=actor, project=project)


def test_outputs_are_set_with_their_unit_and_refuse_negatives(project, actor) -> None:
    output = project_output_set(actor=actor, project=project, indicator="road_km", planned_quantity="12.5")
    assert (output.unit, str(output.planned_quantity)) == ("km", "12.5")
    output = project_output_set(
        actor=actor, project=project, indicator="road_km", planned_quantity="12.5", actual_quantity="11"
    )
    assert project.outputs.count() == 1 and str(output.actual_quantity) == "11"
    with pytest.raises(InvalidInput) as error:
        project_output_set(actor=actor, project=project, indicator="road_km", planned_quantity="-1")
    assert error.value.field == "planned_quantity"
    with pytest.raises(InvalidInput):
        project_output_set(actor=actor, project=project, indicator="light_years", planned_quantity="1")
