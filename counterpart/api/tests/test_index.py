"""/api/ answers an index of the API, and /api/docs serves Swagger UI from the installed django-ninja."""

import re

from django.contrib.staticfiles import finders
from django.test import Client


def test_the_api_root_names_its_version_schema_and_docs(db) -> None:
    # when an anonymous client asks the API's root
    response = Client().get("/api/")
    # then it answers an index whose links answer too
    assert response.status_code == 200
    index = response.json()
    assert index["version"] == "1"
    assert index["schema"].endswith("/api/openapi.json") and index["docs"].endswith("/api/docs")
    assert Client().get("/api/openapi.json").status_code == 200


def test_swagger_ui_is_served_from_the_apps_static_files_not_a_cdn(db) -> None:
    # when the docs page is asked for
    page = Client().get("/api/docs").content.decode()
    # then every script and stylesheet it loads is a local static file that the finders can serve
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert assets, page
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")) is not None, asset
    assert "cdn" not in page.lower()
