"""Every admin page × every role: only superusers get in (the admin is not scoped; see core/admin_site.py)."""

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from counterpart.access.models import Membership, Role
from counterpart.enterprise.models import Enterprise
from counterpart.registry.models import Area

pytestmark = pytest.mark.django_db


def _admin_urls() -> list[tuple[str, str]]:
    """(model label, url) for every registered model's list, add page and one record's page."""
    urls = [("index", reverse("admin:index"))]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        label = f"{info[0]}.{info[1]}"
        urls.append((label, reverse("admin:{}_{}_changelist".format(*info))))
        urls.append((label, reverse("admin:{}_{}_add".format(*info))))
        record = model._default_manager.order_by("pk").first()
        if record is not None:
            urls.append((label, reverse("admin:{}_{}_change".format(*info), args=[record.pk])))
    return urls


def _staff_with_every_permission(name: str, **membership: Any) -> Any:
    """A scoped user who was (wrongly) made staff and given every model permission."""
    user = get_user_model().objects.create_user(name, password="pw-123456", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    Membership.objects.create(user=user, **membership)
    return user


def test_no_role_enters_any_admin_page_but_a_superuser_does(client, demo_program) -> None:
    county = Area.objects.get(code="520422")
    users = [
        _staff_with_every_permission("office", role=Role.PROGRAM_OFFICE, program=demo_program),
        _staff_with_every_permission("district", role=Role.DONOR_DISTRICT_OFFICE, area=demo_program.donor_area),
        _staff_with_every_permission("county", role=Role.RECIPIENT_OFFICE, area=county),
        _staff_with_every_permission(
            "firm", role=Role.ENTERPRISE, organisation=Enterprise.objects.earliest("id").organisation
        ),
        _staff_with_every_permission("auditor", role=Role.AUDITOR),
    ]
    urls = _admin_urls()
    assert len(urls) > 60, "the admin registers the domain's models"
    leaks = []
    for user in users:
        client.force_login(user)
        for label, url in urls:
            response = client.get(url)
            if response.status_code != 302 or not response["Location"].startswith(reverse("admin:login")):
                leaks.append((user.get_username(), label, url, response.status_code))
    assert leaks == []

    superuser = get_user_model().objects.create_superuser("root", password="pw-123456")
    client.force_login(superuser)
    # The lists are enough to show the gate is the role, not the page (change pages render every
    # area in their selects and would only slow the test).
    lists = [(label, url) for label, url in urls if not url.endswith(("/add/", "/change/"))]
    refused = [(label, url, status) for label, url in lists if (status := client.get(url).status_code) != 200]
    assert refused == []
