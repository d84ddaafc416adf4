"""The Content-Security-Policy (django-csp, config/settings/base.py) on every answer, production included,
and pages that need no exception from it: no inline script, style element or event handler in a template.

The browser half — the dashboard, the map, htmx and a form with 0 violations in Chromium's console — is
web/tests/browser/test_csp_browser.py.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from counterpart.core.tests.test_deploy import HOST, production_environment

REPOSITORY = Path(__file__).resolve().parents[3]
STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/docs", "/api/", "/healthz"])
def test_every_answer_carries_the_policy(path: str) -> None:
    response = Client().get(path)
    policy = _directives(response["Content-Security-Policy"])
    assert {name: policy.get(name) for name in STRICT} == STRICT
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_swagger_ui_loads_only_from_the_site() -> None:
    page = Client().get("/api/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/static/") for source in sources), sources
    # its settings are a JSON data block, which the policy does not treat as a script
    assert re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page) == [' type="application/json" id="swagger-settings"']


def test_production_sends_the_same_policy(tmp_path: Path) -> None:
    program = (
        "import django; django.setup(); from django.test import Client; "
        f"print(Client(HTTP_HOST={HOST!r}).get('/accounts/login/', secure=True)['Content-Security-Policy'])"
    )
    env = production_environment(tmp_path)
    result = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, cwd=REPOSITORY)
    assert result.returncode == 0, result.stderr[-2000:]
    policy = _directives(result.stdout.strip().splitlines()[-1])
    assert {name: policy.get(name) for name in STRICT} == STRICT


def test_no_template_needs_an_inline_exception() -> None:
    templates = [
        path
        for path in (REPOSITORY / "counterpart").rglob("templates/**/*.html")
        # a report written to a file by the CLI (reports/standalone.html) is opened from disk, not served
        if path.name != "standalone.html"
    ]
    offending = []
    for path in templates:
        text = path.read_text()
        inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text)
        handlers = re.findall(r"\son[a-z]+\s*=", text)
        styles = re.findall(r"<style\b|\sstyle\s*=", text)
        if inline_scripts or handlers or styles or "javascript:" in text:
            offending.append(path.relative_to(REPOSITORY).as_posix())
    assert len(templates) > 20 and offending == []
