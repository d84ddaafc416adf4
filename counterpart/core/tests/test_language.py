"""The page language: Chinese whatever the browser asks for; English once chosen, and remembered."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_page_is_chinese_whatever_the_browser_asks_for() -> None:
    page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.status_code == 200
    assert '<html lang="zh-hans">' in page.content.decode()


def test_english_chosen_from_the_menu_is_remembered_for_a_year() -> None:
    client = Client()
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    cookie = chosen.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 365 * 24 * 3600
    # a later visit with a Chinese-asking browser keeps the choice
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<html lang="en">' in page.content.decode()


def test_the_menu_calls_each_language_by_its_own_name() -> None:
    text = Client().get("/accounts/login/").content.decode()
    assert ">English</option>" in text and ">简体中文</option>" in text
    assert "英语" not in text


def test_the_api_answers_in_the_language_the_request_asks_for() -> None:
    from counterpart.core.language import page_language

    class Request:
        path = "/api/projects"
        COOKIES: dict[str, str] = {}
        META = {"HTTP_ACCEPT_LANGUAGE": "en"}

    assert page_language(Request()) == "en"  # type: ignore[arg-type]
    Request.path = "/app/"
    assert page_language(Request()) == settings.LANGUAGE_CODE  # type: ignore[arg-type]


def test_a_record_shows_its_english_name_only_on_an_english_page_and_only_when_it_has_one() -> None:
    from django.utils import translation

    from counterpart.core.language import is_english, pick

    # given a page in Chinese, then in English (British English counts: the language, not the region)
    with translation.override("zh-hans"):
        # then the Chinese name
        assert not is_english()
        assert pick("普定县", "Puding County") == "普定县"
    with translation.override("en-gb"):
        assert is_english()
        assert pick("普定县", "Puding County") == "Puding County"
        # a record with no English name keeps its Chinese one rather than showing nothing
        assert pick("普定县", "") == "普定县"
        assert pick("普定县", None) == "普定县"
    # a language named outright overrides the active one
    with translation.override("en"):
        assert not is_english("zh-hans")
