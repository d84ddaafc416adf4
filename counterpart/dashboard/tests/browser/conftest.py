"""Browser tests of the dashboard and the portal: the web app's Playwright fixtures, reused.

Chromium is Debian's (/usr/bin/chromium, installed by .ci/run); tests here skip without it.
"""

from pathlib import Path

import pytest

from counterpart.web.tests.browser.conftest import (  # noqa: F401  (fixtures)
    CHROMIUM,
    browser,
    page,
    phone_page,
    screenshot,
    sign_in,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM}")
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(skip)
