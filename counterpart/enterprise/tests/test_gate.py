"""Issue 14's reproductions for enterprises: the dated writes ask the period guard, and a report is
the enterprise's to write and the program office's to confirm, on every edge."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from counterpart.access.models import Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.api.services import api_token_create
from counterpart.api.tests.conftest import ApiClient
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.enterprise.models import CooperationAgreement, EnterpriseReport
from counterpart.enterprise.services import ReportFigures, agreement_sign, enterprise_report_draft
from counterpart.registry.services import period_lock

pytestmark = pytest.mark.django_db


def test_an_agreement_of_a_certified_year_is_refused_even_for_a_system_process(program, company, areas, actor):
    period_lock(actor=actor, program=program, year=2009, reason="核定")
    with pytest.raises(InvalidInput, match="2009 年度数据已锁定"):
        agreement_sign(
            actor=actor, program=program, enterprise=company, title="合作", signed_on=datetime.date(2009, 5, 1),
            agreed_investment_fen=100, recipient_area=areas["520422"],
        )  # fmt: skip
    assert not CooperationAgreement.objects.exists()


def test_the_program_office_confirms_reports_but_does_not_write_them(program, company, areas, actor):
    office = user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program)
    with pytest.raises(PermissionDenied):
        enterprise_report_draft(
            actor=Actor.of(office), program=program, enterprise=company, year=2010,
            figures=ReportFigures(jobs_created=1),
            area=areas["520422"],
        )  # fmt: skip
    api = ApiClient(api_token_create(actor=actor, user=office)[1])
    body = {
        "program": "qd-gz",
        "enterprise": company.pk,
        "year": 2010,
        "area": "520422",
        "figures": {"jobs_created": 1},
    }
    assert api.post("/enterprise-reports", body).status_code == 403
    own = user_with_membership("hongxing", role=Role.ENTERPRISE, organisation=company.organisation)
    assert ApiClient(api_token_create(actor=actor, user=own)[1]).post("/enterprise-reports", body).status_code == 201
    report = EnterpriseReport.objects.get()
    assert api.post(f"/enterprise-reports/{report.pk}/submit", {}).status_code == 403
