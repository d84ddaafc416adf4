"""Issue 14's gate for projects: each lifecycle step asks the one policy under its own verb, so a county
office cannot approve or accept the project it proposed — not through the service, the API or the web
— while the program office can (the matrix in access/tests walks every step, role and target)."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client

from counterpart.access.models import Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.api.tests.conftest import ApiClient, user_with_token
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.projects.models import ProjectStatus, ProjectTransition
from counterpart.projects.services import project_approve, project_output_set, project_start, project_transition

pytestmark = pytest.mark.django_db
ROLE_REFUSED = {"zh-hans": "您的角色不能进行此操作", "en": "Your role may not take this action"}


@pytest.fixture
def county(areas):
    return user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"])


def _unchanged(project, events: int) -> None:
    project.refresh_from_db()
    assert project.status == ProjectStatus.PROPOSED
    assert ProjectTransition.objects.filter(project=project).count() == 1  # the proposal only
    assert AuditEvent.objects.count() == events


def test_a_county_cannot_approve_its_own_project_through_the_service(project, county) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        project_approve(actor=Actor.of(county), project=project)
    with pytest.raises(PermissionDenied):
        project_transition(actor=Actor.of(county), project=project, to_status=ProjectStatus.ACCEPTED)
    _unchanged(project, events)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("to_status", [ProjectStatus.APPROVED, ProjectStatus.ACCEPTED])
def test_a_county_cannot_approve_or_accept_its_own_project_through_the_api(project, areas, to_status, language):
    _user, token = user_with_token("puding-api", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    events = AuditEvent.objects.count()
    response = ApiClient(token).post(
        f"/projects/{project.pk}/transitions", {"to_status": to_status}, headers={"Accept-Language": language}
    )
    assert response.status_code == 403
    assert ROLE_REFUSED[language] in response.json()["errors"][0]["message"]
    _unchanged(project, events)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_county_cannot_approve_or_accept_its_own_project_on_the_web(project, county, language) -> None:
    browser = Client()
    browser.force_login(county)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    events = AuditEvent.objects.count()
    page = browser.get(f"/app/projects/{project.pk}/").content.decode()
    assert "/do/approve/" not in page
    for action in ("approve", "accept"):
        response = browser.post(f"/app/projects/{project.pk}/do/{action}/", {"note": "自批"})
        assert response.status_code == 403
        assert ROLE_REFUSED[language] in response.content.decode()
    _unchanged(project, events)


def test_the_program_office_approves_and_accepts_and_the_county_builds(project, program, county, areas) -> None:
    _user, token = user_with_token("office", role=Role.PROGRAM_OFFICE, program=program)
    office = ApiClient(token)
    assert office.post(f"/projects/{project.pk}/transitions", {"to_status": "approved"}).status_code == 200
    project_start(actor=Actor.of(county), project=project)
    county_api = ApiClient(user_with_token("puding-api", role=Role.RECIPIENT_OFFICE, area=areas["520422"])[1])
    assert county_api.post(f"/projects/{project.pk}/transitions", {"to_status": "completed"}).status_code == 200
    assert county_api.post(f"/projects/{project.pk}/transitions", {"to_status": "accepted"}).status_code == 403
    browser = Client()
    browser.force_login(_user)
    assert browser.post(f"/app/projects/{project.pk}/do/accept/", {"note": "验收"}).status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED
    assert list(project.transitions.values_list("actor_label", flat=True)) == [
        "test",
        "office",
        "puding",
        "puding-api",
        "office",
    ]


def test_a_step_out_of_order_is_refused_alike_on_every_state_machine(project, program) -> None:
    office = Actor.of(user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program))
    with pytest.raises(InvalidInput) as refused:
        project_transition(actor=office, project=project, to_status=ProjectStatus.ACCEPTED)
    assert refused.value.field == "status"
    assert str(refused.value.reason) == "当前状态为“已申报”，不能变更为“已验收”"


def test_a_cancellation_needs_a_reason_on_every_path(project, program) -> None:
    office = Actor.of(user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program))
    with pytest.raises(InvalidInput) as refused:
        project_transition(actor=office, project=project, to_status=ProjectStatus.CANCELLED, note=" ")
    assert refused.value.field == "note"


def test_a_program_office_of_another_program_cannot_plan_the_projects_outputs(project, areas, actor) -> None:
    from counterpart.registry.services import program_create

    other = program_create(actor=actor, slug="qd-xz", name_zh="青岛—西藏", donor_area=areas["3702"], start_year=1996)
    stranger = Actor.of(user_with_membership("tibet", role=Role.PROGRAM_OFFICE, program=other))
    with pytest.raises(InvalidInput) as refused:
        project_output_set(actor=stranger, project=project, indicator="road_km", planned_quantity="2")
    assert refused.value.field == "program"
    assert not project.outputs.exists()


def test_a_file_of_proposals_is_granted_exactly_as_one_proposal_is() -> None:
    # given the policy table (a file asks its own verb, projects_propose_bulk, per draft)
    from counterpart.access.policy import verb_rule

    # then whoever may propose one project may propose a file of them, in the same scope, and no one else
    assert verb_rule("projects_propose_bulk").grants == verb_rule("project_propose").grants
