"""The page language: Chinese unless the user chose English from the language menu (a cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language browser
got English pages that the office never chose. Here a page is in the language of the cookie the
language menu sets (``set_language``), else in ``LANGUAGE_CODE`` (Chinese). The API, whose clients
have no menu, still answers in the language the request asks for.
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


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
