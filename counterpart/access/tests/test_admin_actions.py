"""The admin is an edge like any other: an edit goes through the entity's update action (issue 14)."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from counterpart.access.models import Membership, Role
from counterpart.core.admin import DomainAdmin
from counterpart.core.models import AuditEvent
from counterpart.indicators.models import ReportedValue
from counterpart.indicators.services import reported_value_enter
from counterpart.registry.models import Pairing
from counterpart.registry.services import period_lock

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root", password="pw-123456")
    client.force_login(user)
    return client


def _change_page(client, record):
    info = (record._meta.app_label, record._meta.model_name)
    return reverse("admin:{}_{}_change".format(*info), args=[record.pk])


def test_a_reported_value_of_a_certified_year_is_refused_on_the_form(superuser_client, program, actor) -> None:
    # given: a 2009 figure, and 2009 certified
    figure = reported_value_enter(
        actor=actor, program=program, indicator_key="annual_output", year=2009, value="1000000000"
    )
    period_lock(actor=actor, program=program, year=2009, reason="核定")
    # when: a superuser raises it tenfold in the admin
    form = superuser_client.get(_change_page(superuser_client, figure)).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    response = superuser_client.post(_change_page(superuser_client, figure), data | {"value": "10000000000"})
    # then: the form shows the lock, and nothing changed
    assert response.status_code == 200
    assert "2009 年度数据已锁定" in response.content.decode()
    assert ReportedValue.objects.get(pk=figure.pk).value == Decimal("1000000000")
    assert not AuditEvent.objects.filter(action__startswith="reported_value.update").exists()


def test_only_the_fields_an_update_action_accepts_are_editable(rf) -> None:
    # a generated check over every domain admin: an editable field of a record is one its action takes
    user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    request = rf.get("/")
    request.user = user
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, DomainAdmin):
            continue
        record = model()
        readonly = set(model_admin.get_readonly_fields(request, record))
        editable = {f.name for f in model._meta.get_fields() if getattr(f, "editable", False) and f.concrete}
        editable -= readonly
        editable.discard(model._meta.pk.name)
        allowed = set(model_admin.update_fields) if model_admin.update_action is not None else set()
        if type(model_admin).get_readonly_fields is not DomainAdmin.get_readonly_fields:
            continue  # an admin with its own edit path (enterprise reports: enterprise_report_update)
        assert editable <= allowed, (model.__name__, sorted(editable - allowed))
        checked += 1
    print(f"domain admins checked: {checked}")
    assert checked >= 15


def test_a_pairings_end_is_not_edited_in_the_admin(rf, pairing) -> None:
    request = rf.get("/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    assert "valid_to" in admin.site._registry[Pairing].get_readonly_fields(request, pairing)


def test_memberships_are_granted_and_revoked_with_an_audit_event(superuser_client, program) -> None:
    user = get_user_model().objects.create_user("newcomer", password="pw-123456")
    add = reverse("admin:access_membership_add")
    response = superuser_client.post(add, {"user": user.pk, "role": Role.PROGRAM_OFFICE, "program": program.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=user)
    assert AuditEvent.objects.filter(action="membership.grant", object_id=str(membership.pk)).exists()
    superuser_client.post(_change_page(superuser_client, membership), {"is_active": ""})
    membership.refresh_from_db()
    assert not membership.is_active
    assert AuditEvent.objects.filter(action="membership.revoke", object_id=str(membership.pk)).exists()
