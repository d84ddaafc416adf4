"""Figures that reconcile: each figure of the dashboard and the report opens exactly its records, and
public pages link only to public pages; only approved projects count and reach the portal."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from counterpart.access.models import Membership, Role
from counterpart.core.audit import Actor
from counterpart.core.numbers import figure_text
from counterpart.dashboard.portal import public_projects
from counterpart.dashboard.scopes import program_view, signed_in_links
from counterpart.dashboard.selectors import dashboard_headline
from counterpart.funds.models import LedgerTransaction
from counterpart.funds.selectors import LEDGER_FIGURES, ledger_figure_fen
from counterpart.projects.models import ProjectStatus
from counterpart.projects.services import project_approve, project_propose
from counterpart.reports.annual import report_annual


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "action", "src") and value:
                self.hrefs.append(value)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _office(program) -> Client:
    user = get_user_model().objects.create_user("figures-office", password="pw-123456")
    Membership.objects.create(user=user, role=Role.PROGRAM_OFFICE, program=program, granted_by_label="test")
    client = Client()
    client.force_login(user)
    return client


def _total(html: str) -> str:
    found = re.search(r'class="figure-total">[^<]*：([^<]+)</strong>', html)
    assert found, "the list states no total"
    return found.group(1).strip()


def test_each_ledger_figure_of_the_dashboard_opens_a_list_whose_total_is_that_figure(demo_program) -> None:
    # given the office's dashboard headline of the demo year
    client = _office(demo_program)
    headline = dashboard_headline(demo_program, 2009, program_view(demo_program), signed_in_links)
    ledger = [item for item in headline if item["source"] == "ledger"]
    assert {item["key"] for item in ledger} >= {"fiscal_aid", "social_donation_in_kind", "total_support"}
    urls = set()
    for item in ledger:
        # when the figure's link is followed
        assert "figure=" + item["key"] in item["url"]
        page = client.get(item["url"])
        assert page.status_code == 200
        # then the list's total is written exactly as the figure is
        assert _total(page.content.decode()) == item["text"], item["key"]
        urls.add(item["url"])
    # and two figures never open the same list
    assert len(urls) == len(ledger)
    fiscal = next(item for item in ledger if item["key"] == "fiscal_aid")
    assert fiscal["text"] == "1640万元"


def test_the_drill_list_adds_up_to_the_figure_to_the_fen(demo_program) -> None:
    report = report_annual(demo_program, 2009)
    transactions = LedgerTransaction.objects.filter(program=demo_program, year=2009)
    for key in LEDGER_FIGURES:
        assert Decimal(ledger_figure_fen(transactions, key)) / 100 == report.figures[key].value, key


def test_the_report_figure_opens_the_same_list_for_a_signed_in_reader(demo_program) -> None:
    client = _office(demo_program)
    html = client.get("/programs/qingdao-guizhou/report/2009/?section=program").content.decode()
    funds = [href for href in _links(html) if href.startswith("/app/funds/") and "figure=fiscal_aid" in href]
    assert funds
    listed = client.get(funds[0].replace("&amp;", "&")).content.decode()
    assert _total(listed) == "1640万元"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/programs/qingdao-guizhou/report/2009/",
        "/programs/qingdao-guizhou/report/2009/?section=area:520402",
        "/programs/qingdao-guizhou/report/2009/?section=program",
        "/public/programs/qingdao-guizhou/2009/",
        "/public/programs/qingdao-guizhou/2009/projects/",
    ],
)
def test_anonymous_pages_link_only_to_public_pages(demo_program, path) -> None:
    page = Client().get(path, follow=True)
    assert page.status_code == 200
    private = [href for href in _links(page.content.decode()) if href.startswith(("/app/", "/admin/"))]
    assert private == [], private


def test_a_public_project_page_links_to_no_private_page(demo_program) -> None:
    project = (
        demo_program.projects.filter(status=ProjectStatus.APPROVED).first()
        or demo_program.projects.exclude(status__in=[ProjectStatus.PROPOSED, ProjectStatus.CANCELLED]).first()
    )
    page = Client().get(f"/public/programs/qingdao-guizhou/projects/{project.code}/")
    assert page.status_code == 200
    assert not [href for href in _links(page.content.decode()) if href.startswith(("/app/", "/admin/"))]


def test_a_proposal_is_neither_counted_nor_public_until_approved(demo_program) -> None:
    # given a proposal of the demo year
    before = report_annual(demo_program, 2009).figures["projects"]
    records_before = before.records.value if before.records is not None else before.value
    area = demo_program.projects.filter(year=2009).first().recipient_area
    proposal = project_propose(
        actor=Actor.system("test"),
        program=demo_program,
        code="PROPOSED-1",
        title_zh="尚未批准的项目",
        category="drinking_water",
        recipient_area=area,
        year=2009,
        budget_fen=10_000_00,
    )
    anonymous = Client()
    # then it is not counted, not in the portal's list, and its public page is not found
    after = report_annual(demo_program, 2009).figures["projects"]
    assert (after.records.value if after.records is not None else after.value) == records_before
    assert not public_projects(demo_program, 2009).filter(code="PROPOSED-1").exists()
    assert anonymous.get("/public/programs/qingdao-guizhou/projects/PROPOSED-1/").status_code == 404
    # and the office sees it as a proposal in its list
    office = _office(demo_program)
    listed = office.get("/app/projects/?q=PROPOSED-1").content.decode()
    assert "PROPOSED-1" in listed and "已申报" in listed
    # when it is approved, it counts and is public
    project_approve(actor=Actor.system("test"), project=proposal)
    approved = report_annual(demo_program, 2009).figures["projects"]
    assert (approved.records.value if approved.records is not None else approved.value) == records_before + 1
    assert anonymous.get("/public/programs/qingdao-guizhou/projects/PROPOSED-1/").status_code == 200
    assert public_projects(demo_program, 2009).filter(code="PROPOSED-1").exists()


def test_the_project_list_counts_what_the_figure_counts(demo_program) -> None:
    client = _office(demo_program)
    figure = report_annual(demo_program, 2009).figures["projects"]
    counted = figure.records if figure.records is not None else figure
    html = client.get("/app/projects/?program=qingdao-guizhou&year=2009&figure=projects").content.decode()
    assert _total(html) == figure_text(counted.value, "")


@pytest.mark.parametrize(("role", "area", "username"), [(Role.RECIPIENT_OFFICE, "520402", "figures-county")])
def test_a_county_office_figure_opens_its_own_records_with_the_same_total(demo_program, role, area, username) -> None:
    # given a county office and its view of the program
    from counterpart.dashboard.scopes import dashboard_view_for
    from counterpart.registry.models import Area

    user = get_user_model().objects.create_user(username, password="pw-123456")
    Membership.objects.create(user=user, role=role, area=Area.objects.get(code=area), granted_by_label="test")
    client = Client()
    client.force_login(user)
    view = dashboard_view_for(user, demo_program)
    assert view is not None and view.scope.area_code == area
    headline = dashboard_headline(demo_program, 2009, view, signed_in_links)
    ledger = [item for item in headline if item["source"] == "ledger" and item["url"]]
    assert ledger
    for item in ledger:
        # when followed, the county's list adds up to the county's figure
        assert _total(client.get(item["url"]).content.decode()) == item["text"], item["key"]


def test_a_bar_of_support_by_source_opens_a_list_adding_up_to_the_bar(demo_program) -> None:
    from counterpart.dashboard.selectors import dashboard_data

    client = _office(demo_program)
    data = dashboard_data(demo_program, 2009, program_view(demo_program), signed_in_links, headline=False)
    chart = next(chart for chart in data["charts"] if chart["key"] == "funds_by_source_year")
    checked = 0
    for series in chart["series"]:
        for value, url in zip(series["values"], series["urls"], strict=True):
            if value and url:
                assert _total(client.get(url).content.decode()) == figure_text(Decimal(str(value)), "yuan")
                checked += 1
    assert checked


def _count(html: str) -> int:
    found = re.search(r"共 ([\d,]+) 条", html)
    assert found, "the list states no count"
    return int(found.group(1).replace(",", ""))


@pytest.mark.parametrize(
    ("role", "area", "username"),
    [(Role.DONOR_DISTRICT_OFFICE, "370202", "figures-district"), (Role.RECIPIENT_OFFICE, "520402", "figures-xixiu")],
)
def test_a_district_or_county_figure_opens_exactly_its_records_whoever_follows_it(
    demo_program, role, area, username
) -> None:
    # given a donor district office (市南区, its pairings) or a county office (西秀区) and its view
    from counterpart.dashboard.scopes import dashboard_view_for
    from counterpart.dashboard.selectors import dashboard_data
    from counterpart.registry.models import Area

    user = get_user_model().objects.create_user(username, password="pw-123456")
    Membership.objects.create(user=user, role=role, area=Area.objects.get(code=area), granted_by_label="test")
    own = Client()
    own.force_login(user)
    office = _office(demo_program)  # sees the whole program: the link itself must narrow the list
    view = dashboard_view_for(user, demo_program)
    assert view is not None and view.kind == ("pairing" if role == Role.DONOR_DISTRICT_OFFICE else "area")
    headline = dashboard_headline(demo_program, 2009, view, signed_in_links)
    whole = {
        item["key"]: item["text"]
        for item in dashboard_headline(demo_program, 2009, program_view(demo_program), signed_in_links)
    }
    followed = 0
    for item in headline:
        if not item["url"] or item["source"] not in ("ledger", "projects", "registry"):
            continue
        if view.kind == "pairing" and item["source"] != "reported":
            assert "pairing=" in item["url"], item["url"]
        for client in (own, office):
            # when the figure is followed, by the office itself or by the program office
            html = client.get(item["url"]).content.decode()
            # then the list adds up to the figure clicked, not to the program's
            if item["source"] == "ledger" or item["key"] == "projects":
                assert _total(html) == item["text"].removesuffix("个"), (item["key"], item["url"])
            else:
                assert _count(html) == item["value"], (item["key"], item["url"])
        followed += 1
    assert followed >= 4
    assert next(i["text"] for i in headline if i["key"] == "fiscal_aid") != whole["fiscal_aid"]
    # and so does each bar of support by source on its dashboard
    data = dashboard_data(demo_program, 2009, view, signed_in_links, headline=False)
    chart = next(chart for chart in data["charts"] if chart["key"] == "funds_by_source_year")
    bars = [(v, u) for s in chart["series"] for v, u in zip(s["values"], s["urls"], strict=True) if v and u]
    assert bars
    for value, url in bars:
        assert _total(office.get(url).content.decode()) == figure_text(Decimal(str(value)), "yuan")
