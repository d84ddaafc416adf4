"""Signing in with the real form in Chromium, on a desktop and on a phone."""

import pytest
from django.contrib.auth import get_user_model

from counterpart.access.models import Membership, Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_program_office_signs_in_and_sees_its_program(page, sign_in, screenshot, program) -> None:
    user = get_user_model().objects.create_user("office", password="pw-123456")
    Membership.objects.create(user=user, role=Role.PROGRAM_OFFICE, program=program)
    sign_in(page, "office", "pw-123456")
    assert page.url.endswith("/app/")
    assert program.name_zh in page.content()
    screenshot(page, "workbench")


def test_a_wrong_password_is_refused_on_a_phone(phone_page, sign_in, screenshot) -> None:
    get_user_model().objects.create_user("office", password="pw-123456")
    sign_in(phone_page, "office", "wrong")
    assert "/accounts/login/" in phone_page.url
    assert phone_page.get_by_role("alert").inner_text().strip() == "用户名或密码不正确。"
    screenshot(phone_page, "login-refused-phone")
