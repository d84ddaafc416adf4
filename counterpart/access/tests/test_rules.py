"""Every registered model's scope rule, over the demo: each role's filter runs and keeps to its area."""

import pytest

from counterpart.access.models import Role
from counterpart.access.scoping import RULES, scoped
from counterpart.access.tests.factories import user_with_membership
from counterpart.enterprise.models import Enterprise, EnterpriseReport
from counterpart.people.models import Benefit, Person, Training
from counterpart.registry.models import Area

pytestmark = pytest.mark.django_db


def _county_with_people() -> str:
    code = Person.objects.values_list("county_code", flat=True).order_by("county_code").first()
    assert code, "the demo registers persons"
    return code


@pytest.mark.parametrize(
    "role", [Role.PROGRAM_OFFICE, Role.DONOR_DISTRICT_OFFICE, Role.RECIPIENT_OFFICE, Role.ENTERPRISE]
)
def test_every_registered_model_has_a_rule_that_runs_for_every_role(demo_program, role) -> None:
    subject = {
        Role.PROGRAM_OFFICE: {"program": demo_program},
        Role.DONOR_DISTRICT_OFFICE: {"area": demo_program.donor_area},
        Role.RECIPIENT_OFFICE: {"area": Area.objects.get(code=_county_with_people())},
        Role.ENTERPRISE: {"organisation": Enterprise.objects.earliest("id").organisation},
    }[role]
    user = user_with_membership(f"u-{role}", role=role, **subject)
    for model in RULES:
        # A rule naming a path that does not exist raises FieldError here.
        scoped(model, user).count()


def test_a_county_office_sees_only_its_own_persons_benefits_and_trainings(demo_program) -> None:
    county = _county_with_people()
    user = user_with_membership("county", role=Role.RECIPIENT_OFFICE, area=Area.objects.get(code=county))
    persons = scoped(Person, user)
    assert persons.exists()
    assert set(persons.values_list("county_code", flat=True)) == {county}
    assert persons.count() < Person.objects.count()
    assert set(scoped(Benefit, user).values_list("county_code", flat=True)) <= {county}
    assert all(code.startswith(county) for code in scoped(Training, user).values_list("place__code", flat=True))


def test_an_enterprise_sees_its_own_reports_and_not_another_enterprises(demo_program) -> None:
    reporting = EnterpriseReport.objects.values_list("enterprise__organisation_id", flat=True).distinct()
    organisation_id = reporting.first()
    user = user_with_membership("firm", role=Role.ENTERPRISE, organisation_id=organisation_id)
    reports = scoped(EnterpriseReport, user)
    assert reports.exists()
    assert set(reports.values_list("enterprise__organisation_id", flat=True)) == {organisation_id}
    assert list(scoped(Enterprise, user).values_list("organisation_id", flat=True)) == [organisation_id]
