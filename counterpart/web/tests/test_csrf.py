"""Every state-changing request of the web app is a POST behind CSRF: the actions refuse a GET, and
every form, action and the audited clear export refuse a POST without the token (issue 16, item 7)."""

import pytest
from django.test import Client

from counterpart.core.models import AuditEvent

from .conftest import World

pytestmark = pytest.mark.django_db


def _writes(world: World) -> dict[str, str]:
    o = world.objects
    project, report = world.our_project, o["enterprise-reports"]
    return {
        "project_action": f"/app/projects/{project.pk}/do/approve/",
        "attachment_upload": f"/app/projects/{project.pk}/attachments/",
        "enterprise_report_review": f"/app/enterprise-reports/{report.pk}/confirm/",
        "person_reveal": f"/app/people/{o['people'].pk}/reveal/",
    }


FORMS = [
    "/app/projects/new/",
    "/app/funds/new/",
    "/app/households/new/",
    "/app/people/new/",
    "/app/trainings/new/",
    "/app/enterprise-reports/new/",
    "/app/imports/",
]


def test_actions_refuse_a_get_and_every_write_refuses_a_post_without_the_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["auditor"])
    before = AuditEvent.objects.count()
    # a GET of an action (a link, an <img> on another site) is refused
    for name, url in _writes(world).items():
        assert client.get(url).status_code == 405, name
    # a GET of a form only shows it (a project's beneficiary form too)
    forms = [*FORMS, f"/app/projects/{world.our_project.pk}/beneficiaries/"]
    for url in forms:
        assert client.get(url).status_code in (200, 403), url
    assert AuditEvent.objects.count() == before
    # and a POST without the CSRF token is refused, the clear export and the language switch included
    posts = [*_writes(world).values(), *forms, "/i18n/setlang/", "/accounts/logout/"]
    for url in posts:
        assert client.post(url, {"reason": "伪造", "reveal_reason": "伪造"}).status_code == 403, url
    assert client.post("/app/people/", {"format": "csv", "reveal_reason": "伪造"}).status_code == 403
    assert AuditEvent.objects.count() == before
