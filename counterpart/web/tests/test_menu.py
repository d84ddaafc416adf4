"""On the demo, for every demo account: every menu item opens (none answers 403 "无权操作"), the menu
shows what the role can use and nothing else, and every web list counts the rows its API list counts
(both filter through access.scoping.scoped with the same memberships)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from counterpart.api.services import api_token_create
from counterpart.core.audit import Actor
from counterpart.demo.accounts import DEMO_ACCOUNTS, demo_accounts_ensure
from counterpart.web.lists import list_queryset
from counterpart.web.specs import SPECS

pytestmark = pytest.mark.django_db

USERNAMES = [account.username for account in DEMO_ACCOUNTS]

# Each web list and the API list of the same records.
API_LISTS = {
    "projects": "/projects",
    "funds": "/ledger/transactions",
    "people": "/persons",
    "households": "/households",
    "trainings": "/trainings",
    "enterprises": "/enterprises",
    "enterprise-reports": "/enterprise-reports",
    "events": "/market-events",
    "indicators": "/reported-values",
}


@pytest.fixture
def demo_user(demo_program, tmp_path, request):
    demo_accounts_ensure(tmp_path / "demo-login.txt")
    return get_user_model().objects.get(username=request.param)


def _menu(client: Client) -> list[str]:
    page = client.get("/app/").content.decode()
    nav = page.split('aria-label="主菜单"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize("demo_user", USERNAMES, indirect=True)
def test_no_menu_item_of_a_demo_role_is_refused(demo_user) -> None:
    client = Client()
    client.force_login(demo_user)
    links = [link for link in _menu(client) if link.startswith("/app/")]
    assert "/app/" in links
    answers = {link: client.get(link).status_code for link in links}
    assert answers == dict.fromkeys(links, 200), answers
    # nor does anything the workbench links to (its tasks, its programs' dashboards)
    main = client.get("/app/").content.decode().split('<main id="main">', 1)[1]
    links = [link for link in re.findall(r'href="([^"]+)"', main) if link.startswith("/")][:20]
    answers = {link: client.get(link, follow=True).status_code for link in links}
    assert answers == dict.fromkeys(links, 200), answers


@pytest.mark.parametrize("demo_user", USERNAMES, indirect=True)
def test_the_menu_shows_what_the_role_can_use(demo_user) -> None:
    client = Client()
    client.force_login(demo_user)
    links = set(_menu(client))
    name = demo_user.username
    # the audit trail only for who reads everything (the auditor)
    assert ("/app/audit/" in links) == (name == "auditor")
    if name == "enterprise-haier":
        assert not links & {"/app/projects/", "/app/funds/", "/app/people/", "/app/households/", "/app/trainings/"}
        assert "/app/enterprise-reports/" in links
    else:
        assert "/app/projects/" in links
    # program set-up only for the program office
    assert ("/app/setup/" in links) == (name == "office")
    # a donor district and a reviewer import nothing (intake/limits.py): no import page in their menu
    assert ("/app/imports/" in links) == (name not in ("district-shinan", "reviewer"))
    # the assessments for every side of a pairing (not for an enterprise)
    assert ("/app/assessments/" in links) == (name != "enterprise-haier")


@pytest.mark.parametrize("demo_user", USERNAMES, indirect=True)
def test_each_web_list_counts_what_its_api_list_counts(demo_user) -> None:
    _token, raw = api_token_create(actor=Actor.system("test"), user=demo_user)
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    web, served = {}, {}
    for slug, path in API_LISTS.items():
        web[slug] = list_queryset(SPECS[slug], demo_user, {}).queryset.count()
        response = api.get(f"/api{path}", {"limit": 1})
        assert response.status_code == 200, (path, response.content)
        served[slug] = response.json()["count"]
    assert web == served
    assert any(web.values())  # every demo account sees something
