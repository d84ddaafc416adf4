"""Browser tests: Playwright driving Debian's Chromium against the live test server.

A pytest plugin (the root conftest.py loads it) so that every app's ``tests/browser/`` shares one
Chromium for the session: two session fixtures of Playwright's sync API in one process would
collide. Chromium comes from Debian (``apt-get install chromium``; .ci/run installs it), never from
a Playwright download. Every test in a ``tests/browser/`` directory is marked ``browser`` and skips
when /usr/bin/chromium is missing. Screenshots go to ``$COUNTERPART_ARTEFACTS_DIR/screenshots``
(default var/artefacts) so a failed run can be looked at.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("COUNTERPART_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying Google's hosts, which this
# network refuses; as root it needs --no-sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM}")
    for item in items:
        folder = Path(str(item.fspath)).parent
        if folder.name == "browser" and folder.parent.name == "tests":
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh browser context (no cookies) on a desktop-sized window, pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A phone-sized context (a county official reporting from the field)."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """Save a full-page screenshot as a test artefact and return its path."""
    directory = (
        Path(os.environ.get("COUNTERPART_ARTEFACTS_DIR", settings.BASE_DIR / "var" / "artefacts")) / "screenshots"
    )
    directory.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = directory / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in() -> Callable[[Page, str, str], None]:
    """Sign in through the real login form, as a user would."""

    def go(page: Page, username: str, password: str) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state("networkidle")

    return go


def pick(page: Page, field: str, typed: str, choice: str) -> None:
    """Choose in a search picker (select2) as a user does: open it, type part of a name, click the match."""
    page.locator(f"#id_{field} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially(typed)
    page.locator(".select2-results__option", has_text=choice).first.click()
