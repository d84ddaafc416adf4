import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from counterpart.enterprise.models import EnterpriseReport, ReportStatus
from counterpart.enterprise.services import ReportFigures, enterprise_report_draft

MODELS = [
    "enterprise",
    "operation",
    "cooperationagreement",
    "enterprisereport",
    "enterprisereporttransition",
    "marketevent",
    "eventparticipation",
    "purchase",
]


@pytest.fixture
def staff(db) -> Client:
    user = get_user_model().objects.create_superuser("office", "office@example.org", "pw-long-enough-1")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_working_changelist(staff, model, factory) -> None:
    response = staff.get(reverse(f"admin:enterprise_{model}_changelist"), {"q": "红星"})
    assert response.status_code == 200


def test_submit_and_confirm_actions_call_the_services(staff, program, company, factory, actor) -> None:
    # given a draft
    report = enterprise_report_draft(
        actor=actor,
        program=program,
        enterprise=company,
        year=2009,
        operation=factory,
        figures=ReportFigures(jobs_created=12),
    )
    url = reverse("admin:enterprise_enterprisereport_changelist")
    # when the office submits and confirms it from the list
    for action in ("report_submit", "report_confirm"):
        response = staff.post(url, {"action": action, "_selected_action": [report.pk]})
        assert response.status_code == 302
    # then it is confirmed, by the signed-in user
    report = EnterpriseReport.objects.get(pk=report.pk)
    assert report.status == ReportStatus.CONFIRMED
    assert [t.actor_label for t in report.transitions.all()] == ["test", "office", "office"]
    # and the change page of a confirmed report still opens (read-only)
    assert staff.get(reverse("admin:enterprise_enterprisereport_change", args=[report.pk])).status_code == 200
