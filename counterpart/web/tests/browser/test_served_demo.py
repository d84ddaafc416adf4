"""README command 1 as served: the demo that ``scripts/demo`` serves answers its front pages with no
request leaving the machine. .ci/run starts scripts/demo in a clean clone and names it here with
COUNTERPART_DEMO_URL and COUNTERPART_DEMO_LOGIN (its demo-login.txt); elsewhere this test skips."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

DEMO_URL = os.environ.get("COUNTERPART_DEMO_URL", "")
DEMO_LOGIN = os.environ.get("COUNTERPART_DEMO_LOGIN", "")

pytestmark = pytest.mark.skipif(
    not DEMO_URL, reason="no served demo named (COUNTERPART_DEMO_URL; .ci/run starts scripts/demo for it)"
)


def _password(username: str) -> str:
    lines = Path(DEMO_LOGIN).read_text(encoding="utf-8").splitlines()[1:]
    return dict(line.split("\t", 1) for line in lines if "\t" in line)[username]


def test_the_served_demo_answers_its_front_pages_with_every_request_local(browser: Browser) -> None:
    # given a browser that logs every request the pages make
    context = browser.new_context(base_url=DEMO_URL, locale="zh-CN")
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    statuses = {}
    # when the portal, the signed-in application, the API's index and its docs are opened
    statuses["/"] = page.goto("/").status  # type: ignore[union-attr]
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(_password("office"))
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
    for path in ("/app/", "/api/", "/api/docs"):
        statuses[path] = page.goto(path).status  # type: ignore[union-attr]
        page.wait_for_load_state("networkidle")
    context.close()
    # then each answered 200, and no request went anywhere but this machine
    assert statuses == {"/": 200, "/app/": 200, "/api/": 200, "/api/docs": 200}
    hosts = {urlsplit(url).hostname for url in requested if urlsplit(url).scheme in ("http", "https", "ws", "wss")}
    assert hosts <= {"127.0.0.1", "localhost"}, sorted(str(host) for host in hosts)
    assert any(url.endswith(".js") for url in requested)  # the docs' and the charts' scripts were fetched
