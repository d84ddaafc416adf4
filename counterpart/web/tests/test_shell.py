"""The application shell: sign in, the workbench lists only the programs a user's roles reach."""

import pytest
from django.contrib.auth import get_user_model

from counterpart.access.models import Membership, Role
from counterpart.registry.models import Program


def test_the_workbench_asks_an_anonymous_visitor_to_sign_in(client) -> None:
    response = client.get("/app/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_signing_in_leads_to_the_workbench_with_only_the_users_programs(client, program) -> None:
    other = Program.objects.create(
        slug="other", name_zh="其他协作", name_en="Other", donor_area=program.donor_area, start_year=2010
    )
    user = get_user_model().objects.create_user("office", password="pw-123456")
    Membership.objects.create(user=user, role=Role.PROGRAM_OFFICE, program=program)
    response = client.post("/accounts/login/", {"username": "office", "password": "pw-123456"}, follow=True)
    assert response.redirect_chain[-1][0] == "/app/"
    page = response.content.decode()
    assert program.name_zh in page
    assert other.name_zh not in page


@pytest.mark.django_db
def test_a_user_without_roles_is_told_so(client) -> None:
    user = get_user_model().objects.create_user("nobody", password="pw-123456")
    client.force_login(user)
    assert "尚未被授予任何角色" in client.get("/app/").content.decode()
