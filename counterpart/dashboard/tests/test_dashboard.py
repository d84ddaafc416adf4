"""The dashboard and the public portal on the demo program: figures agree with the domain's own
selectors, each user sees only their view, every link leads to the records behind it, the portal
never shows a person, and the pages speak English when asked to."""

import itertools
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from counterpart.access.models import Membership, Role
from counterpart.enterprise.models import Enterprise
from counterpart.funds.selectors import support_delivered_by
from counterpart.people.models import Household, Person
from counterpart.people.selectors import beneficiaries_count
from counterpart.projects.models import Project
from counterpart.registry.models import Area, Pairing, PairingLevel, Program
from counterpart.reports.annual import Scope, report_annual
from counterpart.reports.drill import LISTS

YEAR = 2009
_users = itertools.count()


def _client(role: str, **subject: object) -> Client:
    user = get_user_model().objects.create_user(f"{role}-{next(_users)}", password="pw-123456")
    Membership.objects.create(user=user, role=role, **subject)
    client = Client()
    client.force_login(user)
    return client


def _data(client: Client, program: Program) -> dict:
    response = client.get(f"/app/programs/{program.slug}/{YEAR}/data.json")
    assert response.status_code == 200
    return response.json()


def _chart(data: dict, key: str) -> dict:
    return next(chart for chart in data["charts"] if chart["key"] == key)


def _urls(data: dict) -> list[str]:
    urls = [item["url"] for item in data["headline"] if item["url"]]
    for chart in data["charts"]:
        for series in chart["series"]:
            urls += [url for url in series["urls"] if url]
    urls += [county["url"] for county in data["map"]["counties"] if county["url"]]
    return urls


def _county_pairing(program: Program) -> Pairing:
    return (
        Pairing.objects.filter(program=program, level=PairingLevel.DISTRICT_COUNTY)
        .select_related("recipient_area", "donor_area")
        .order_by("recipient_area_id")
        .earliest("recipient_area_id")
    )


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_sign_in(demo_program) -> None:
    response = Client().get(f"/app/programs/{demo_program.slug}/{YEAR}/data.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_program_offices_headline_is_the_reports(demo_program) -> None:
    # given a program office and the report engine's figures for the whole program
    client = _client(Role.PROGRAM_OFFICE, program=demo_program)
    report = report_annual(demo_program, YEAR)
    # when the dashboard's data is fetched
    data = _data(client, demo_program)
    # then every headline figure is the report's, with its qualifier, and the page shows them
    assert data["headline"]
    for item in data["headline"]:
        figure = report.figures[item["key"]]
        assert item["value"] == float(figure.value)
        assert item["qualifier"] == figure.qualifier
    page = client.get(f"/app/programs/{demo_program.slug}/{YEAR}/").content.decode()
    for item in data["headline"]:
        assert item["text"] in page


@pytest.mark.django_db
def test_the_charts_add_up_to_the_domains_own_totals(demo_program) -> None:
    client = _client(Role.PROGRAM_OFFICE, program=demo_program)
    data = _data(client, demo_program)
    # funds by source and year: the last year's column is the ledger's support delivered by source
    funds = _chart(data, "funds_by_source_year")
    column = funds["categories"].index({"key": str(YEAR), "name": str(YEAR)})
    by_source = {series["key"]: series["values"][column] for series in funds["series"]}
    expected = {source: fen / 100 for source, fen in support_delivered_by(demo_program, "source", year=YEAR).items()}
    assert by_source == expected
    # projects by status: every project of the year, once
    statuses = _chart(data, "projects_by_status")
    assert sum(statuses["series"][0]["values"]) == Project.objects.filter(program=demo_program, year=YEAR).count()
    # beneficiaries by county: the people registry's unique count for each county
    beneficiaries = _chart(data, "beneficiaries_by_county")
    assert beneficiaries["categories"]
    for category, value in zip(beneficiaries["categories"], beneficiaries["series"][0]["values"], strict=True):
        assert value == beneficiaries_count(demo_program, YEAR, area_code=category["key"])
    # the map colours each county by the same funds and beneficiaries
    counties = {county["code"]: county for county in data["map"]["counties"]}
    for category, value in zip(beneficiaries["categories"], beneficiaries["series"][0]["values"], strict=True):
        assert counties[category["key"]]["beneficiaries"] == value
    area_funds = support_delivered_by(demo_program, "recipient_area", year=YEAR)
    for code, county in counties.items():
        assert county["funds"] == sum(fen for area, fen in area_funds.items() if area and area.startswith(code)) / 100
    # and every chart the dashboard promises has data on the demo
    assert all(chart["categories"] for chart in data["charts"]), [
        c["key"] for c in data["charts"] if not c["categories"]
    ]


@pytest.mark.django_db
def test_every_link_opens_a_list_filtered_to_the_program_and_year(demo_program) -> None:
    client = _client(Role.PROGRAM_OFFICE, program=demo_program)
    data = _data(client, demo_program)
    urls = _urls(data)
    assert len(urls) > 20
    for url in urls:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        assert parts.path in LISTS.values(), url
        assert query["program"] == [demo_program.slug], url
        if parts.path != LISTS["enterprises"]:
            assert query["year"] == [str(YEAR)], url
    # the page renders the headline itself and asks for the charts alone
    charts_only = client.get(f"/app/programs/{demo_program.slug}/{YEAR}/data.json?headline=0").json()
    assert "headline" not in charts_only and charts_only["charts"] == data["charts"]
    status_chart = _chart(data, "projects_by_status")
    for category, url in zip(status_chart["categories"], status_chart["series"][0]["urls"], strict=True):
        assert parse_qs(urlsplit(url).query)["status"] == [category["key"]]


@pytest.mark.django_db
def test_a_county_office_sees_only_its_own_county(demo_program) -> None:
    # given the office of one recipient county
    pairing = _county_pairing(demo_program)
    county = pairing.recipient_area_id
    client = _client(Role.RECIPIENT_OFFICE, area=pairing.recipient_area)
    # when it opens the dashboard
    data = _data(client, demo_program)
    # then the figures are its county's: the report engine's for that area
    report = report_annual(demo_program, YEAR, scope=Scope(area_code=county))
    assert {item["key"]: item["value"] for item in data["headline"]} == {
        key: float(figure.value)
        for key, figure in report.figures.items()
        if key in {i["key"] for i in data["headline"]}
    }
    assert data["view"]["kind"] == "area"
    # its map: its own county with figures, the prefecture's other counties grey beside it (no figures)
    own = [c for c in data["map"]["counties"] if not c.get("context")]
    assert [c["code"] for c in own] == [county] and own[0]["own"]
    others = [c for c in data["map"]["counties"] if c.get("context")]
    assert others and all(c["code"][:4] == county[:4] and "funds" not in c and not c.get("url") for c in others)
    assert [c["key"] for c in _chart(data, "beneficiaries_by_county")["categories"]] == [county]
    statuses = _chart(data, "projects_by_status")
    own_projects = Project.objects.filter(program=demo_program, year=YEAR, recipient_area_id=county).count()
    assert sum(statuses["series"][0]["values"]) == own_projects < Project.objects.filter(year=YEAR).count()
    # every link it follows is filtered to its county (the lists are scoped anyway)
    for url in _urls(data):
        area = parse_qs(urlsplit(url).query).get("area")
        assert area is None or area[0].startswith(county), url
    map_json = client.get(f"/app/programs/{demo_program.slug}/{YEAR}/map.geojson").json()
    drawn = [feature["properties"]["name"] for feature in map_json["features"]]
    assert county in drawn and {code[:4] for code in drawn} == {county[:4]} and len(drawn) > 1


@pytest.mark.django_db
def test_a_county_office_sees_its_townships_figures_beside_its_map(demo_program) -> None:
    # given the office of one recipient county
    pairing = _county_pairing(demo_program)
    county = pairing.recipient_area_id
    client = _client(Role.RECIPIENT_OFFICE, area=pairing.recipient_area)
    # when it opens the dashboard
    data = _data(client, demo_program)
    townships = data["townships"]
    # then each township of the county with records is listed by name, with its households and the persons
    # reached there, which add up to the county's own figures
    codes = [category["key"] for category in townships["categories"]]
    assert len(codes) > 1 and all(len(code) == 9 and code.startswith(county) for code in codes)
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name_zh"))
    assert [category["name"] for category in townships["categories"]] == [names[code] for code in codes]
    series = {item["key"]: item for item in townships["series"]}
    assert sum(series["households"]["values"]) == Household.objects.filter(village__code__startswith=county).count()
    assert sum(series["beneficiaries"]["values"]) == beneficiaries_count(demo_program, YEAR, area_code=county)
    for code, url in zip(codes, series["beneficiaries"]["urls"], strict=True):
        assert parse_qs(urlsplit(url).query)["area"] == [code]
    # and a program office, whose map is the whole program's, has no township panel
    office = _client(Role.PROGRAM_OFFICE, program=demo_program)
    assert _data(office, demo_program)["townships"] is None


@pytest.mark.django_db
def test_a_donor_district_sees_what_its_pairing_reached(demo_program) -> None:
    # given the office of the donor district of one pairing
    pairing = _county_pairing(demo_program)
    client = _client(Role.DONOR_DISTRICT_OFFICE, area=pairing.donor_area)
    # when it opens the dashboard
    data = _data(client, demo_program)
    # then it sees its pairing: the funds only in its paired county, and in each county the persons
    # its pairing reached there (benefits of the pairing, wherever the person is registered)
    assert data["view"]["kind"] == "pairing"
    counties = {c["code"]: c for c in data["map"]["counties"]}
    assert pairing.recipient_area_id in counties
    ids = [pairing.pk]
    for code, county in counties.items():
        assert county["beneficiaries"] == beneficiaries_count(demo_program, YEAR, area_code=code, pairing_ids=ids)
        if code != pairing.recipient_area_id:
            assert county["funds"] == 0
    report = report_annual(demo_program, YEAR, scope=Scope.of_pairing(pairing))
    headline = {item["key"]: item["value"] for item in data["headline"]}
    assert headline["total_support"] == float(report.figures["total_support"].value)
    assert headline["total_support"] < float(report_annual(demo_program, YEAR).figures["total_support"].value)


@pytest.mark.django_db
def test_out_of_scope_dashboards_are_404(demo_program) -> None:
    # a county office of a county no pairing of the program reaches, and an enterprise
    outside = Area.objects.create(code="530102", level="county", name_zh="五华区")
    county_client = _client(Role.RECIPIENT_OFFICE, area=outside)
    enterprise = Enterprise.objects.filter(programs=demo_program).select_related("organisation").earliest("pk")
    enterprise_client = _client(Role.ENTERPRISE, organisation=enterprise.organisation)
    other_program = Program.objects.exclude(pk=demo_program.pk).first()
    office_client = _client(Role.PROGRAM_OFFICE, program=other_program)
    for client in (county_client, enterprise_client, office_client):
        for suffix in ("", "data.json", "map.geojson"):
            assert client.get(f"/app/programs/{demo_program.slug}/{YEAR}/{suffix}").status_code == 404
    assert county_client.get("/app/programs/no-such-program/2009/").status_code == 404


def _portal_pages(client: Client, program: Program) -> dict[str, str]:
    pages = {"/": client.get("/").content.decode()}
    years = sorted({*Project.objects.filter(program=program).values_list("year", flat=True), YEAR})
    for year in years:
        base = f"/public/programs/{program.slug}/{year}/"
        for url in (base, f"{base}data.json", f"{base}projects/", f"/programs/{program.slug}/report/{year}/"):
            response = client.get(url)
            assert response.status_code == 200, url
            pages[url] = response.content.decode()
        listing = client.get(f"{base}projects/")
        for page_number in range(2, listing.context["page"].paginator.num_pages + 1):
            url = f"{base}projects/?page={page_number}"
            pages[url] = client.get(url).content.decode()
    for code in Project.objects.filter(program=program).values_list("code", flat=True):
        url = f"/public/programs/{program.slug}/projects/{code}/"
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


@pytest.mark.django_db
def test_the_public_portal_shows_no_personal_data(demo_program) -> None:
    # given the demo's registered persons and households
    persons = list(Person.objects.exclude(name=""))
    households = list(Household.objects.values_list("number", flat=True))
    assert persons and households
    names = {person.name for person in persons if len(person.name) >= 2}
    masked = {person.identity_masked for person in persons if person.identity_masked}
    # the unmasked ends of the numbers too: the first six and last four digits never appear together
    number_pattern = re.compile(r"\d{6}[\d*]{8}\d{3}[\dXx]")
    # when every portal page is rendered anonymously, in both languages
    for language in ("zh-hans", "en"):
        client = Client()
        client.cookies["django_language"] = language
        pages = _portal_pages(client, demo_program)
        assert len(pages) > 150
        # then no person's name, identity number (masked or not) or household number appears
        for url, text in pages.items():
            assert not number_pattern.search(text), url
            assert not any(number in text for number in households), url
            assert not any(number in text for number in masked), url
            leaked = [name for name in names if name in text]
            assert not leaked, (url, leaked[:3])


@pytest.mark.django_db
def test_the_portal_lists_the_programs_projects_with_their_figures(demo_program) -> None:
    client = Client()
    home = client.get("/").content.decode()
    assert f"/public/programs/{demo_program.slug}/" in home
    program_page = client.get(f"/public/programs/{demo_program.slug}/{YEAR}/").content.decode()
    report = report_annual(demo_program, YEAR)
    assert f"{report.figures['projects'].value}个" in program_page
    data = client.get(f"/public/programs/{demo_program.slug}/{YEAR}/data.json").json()
    # the portal links only to its own project list, never to the signed-in lists
    for url in _urls(data):
        assert url.startswith(f"/public/programs/{demo_program.slug}/{YEAR}/projects/"), url
    drinking = client.get(f"/public/programs/{demo_program.slug}/{YEAR}/projects/?category=drinking_water")
    assert drinking.context["page"].paginator.count == (
        Project.objects.filter(program=demo_program, year=YEAR, category="drinking_water").count()
    )
    project = Project.objects.filter(program=demo_program, year=YEAR).earliest("code")
    detail = client.get(f"/public/programs/{demo_program.slug}/projects/{project.code}/").content.decode()
    assert project.title_zh in detail


@pytest.mark.django_db
def test_the_pages_speak_english_when_asked(demo_program) -> None:
    client = _client(Role.PROGRAM_OFFICE, program=demo_program)
    client.cookies["django_language"] = "en"
    page = client.get(f"/app/programs/{demo_program.slug}/{YEAR}/").content.decode()
    assert "Headline figures" in page and "主要指标" not in page
    assert "Workbench" in page and "工作台" not in page  # the shell's menu, from web's catalogue
    assert "16.4 million yuan" in page
    data = _data(client, demo_program)
    assert _chart(data, "projects_by_status")["title"] == "Projects by status"
    assert "accepted" in [c["name"] for c in _chart(data, "projects_by_status")["categories"]]
    chinese = _client(Role.PROGRAM_OFFICE, program=demo_program)
    assert "主要指标" in chinese.get(f"/app/programs/{demo_program.slug}/{YEAR}/").content.decode()
    assert "1640万元" in chinese.get(f"/app/programs/{demo_program.slug}/{YEAR}/").content.decode()
    portal = Client()
    portal.cookies["django_language"] = "en"
    assert "Public information" in portal.get("/").content.decode()


@pytest.mark.django_db
def test_the_summaries_give_the_records_figures_for_every_view(demo_program, monkeypatch) -> None:
    """The charts and the map read the summaries wherever they key the view (summaries.py); grouping the
    records instead gives the same document, for the program, a prefecture, a county and a donor district."""
    from counterpart.dashboard import scopes, selectors, summaries
    from counterpart.dashboard.scopes import DashboardView

    pairing = _county_pairing(demo_program)
    county = pairing.recipient_area_id
    donor = get_user_model().objects.create_user(f"donor-{next(_users)}", password="pw-123456")
    Membership.objects.create(user=donor, role=Role.DONOR_DISTRICT_OFFICE, area=pairing.donor_area)
    donor_view = scopes.dashboard_view_for(donor, demo_program)
    assert donor_view is not None and donor_view.kind == "pairing"
    views = [
        scopes.program_view(demo_program),
        DashboardView("area", Scope(area_code=county[:4]), (county[:4],), "市", "prefecture"),
        DashboardView("area", Scope(area_code=county), (county,), "县", "county"),
        donor_view,
    ]
    drawn = [selectors.dashboard_data(demo_program, YEAR, v, scopes.signed_in_links, headline=False) for v in views]
    assert all(data["map"]["counties"] and _chart(data, "beneficiaries_by_county")["categories"] for data in drawn)
    for name in ("county_persons", "delivered_by_year_and_source", "delivered_by_category", "delivered_by_county"):
        monkeypatch.setattr(summaries, name, lambda *args, **kwargs: None)
    for view, data in zip(views, drawn, strict=True):
        assert selectors.dashboard_data(demo_program, YEAR, view, scopes.signed_in_links, headline=False) == data
