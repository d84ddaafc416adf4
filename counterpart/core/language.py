"""The page language: Chinese unless the user chose English from the language menu (a cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language browser
got English pages that the office never chose. Here a page is in the language of the cookie the
language menu sets (``set_language``), else in ``LANGUAGE_CODE`` (Chinese). The API, whose clients
have no menu, still answers in the language the request asks for.

``is_english`` and ``pick`` are the one place that decides which of a record's two names a page, a
file or a report shows: the English one on an English page when the record has one, else the Chinese.
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


def is_english(language: str | None = None) -> bool:
    """Whether ``language`` (by default the active one; Chinese when none is active) is English."""
    return (language or translation.get_language() or "zh-hans").lower().startswith("en")


def pick(zh: str, en: str | None) -> str:
    """The English text on an English page when there is one, else the Chinese."""
    return en if en and is_english() else zh


def page_language(request: HttpRequest) -> str:
    """The chosen language (cookie), else Chinese; the request's Accept-Language only for the API."""
    if request.path.startswith(API_PREFIX):
        return translation.get_language_from_request(request)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware with the language of ``page_language`` (no URL prefixes in this project)."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(page_language(request))
        request.LANGUAGE_CODE = translation.get_language()
