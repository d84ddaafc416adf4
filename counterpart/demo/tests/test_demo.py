"""The demo reproduces the 2009 yearbook entry on Qingdao's support for Anshun and Tongren."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from counterpart.core.models import AuditEvent
from counterpart.demo.loader import DEMO_SLUG, demo_load
from counterpart.funds.models import LedgerTransaction
from counterpart.projects.models import Project
from counterpart.registry.models import Pairing, PairingLevel


@pytest.fixture
def demo(demo_program):
    return demo_program


def _report(*extra: str) -> str:
    out = StringIO()
    call_command("report", "--program", DEMO_SLUG, "--year", "2009", *extra, stdout=out)
    return out.getvalue()


def test_report_json_reproduces_the_seed_figures(demo) -> None:
    report = json.loads(_report("--format", "json"))
    assert (report["program"], report["year"]) == ("qingdao-guizhou", 2009)
    figures = report["indicators"]
    # "Qingdao City government donated funds and materials valued 16.40 million Yuan"
    assert figures["fiscal_aid"] == {
        "value": 16_400_000,
        "unit": "yuan",
        "source": "ledger",
        "breakdown": {"fiscal_municipal": 16_400_000},
    }
    # "all walks of society donated materials valued 12 million Yuan"
    assert figures["social_donation_in_kind"] == {"value": 12_000_000, "unit": "yuan", "source": "ledger"}
    # "It implemented a total of 152 ... projects"
    assert figures["projects"]["value"] == 152
    assert figures["projects"]["source"] == "projects"
    assert sum(figures["projects"]["breakdown"].values()) == 152
    assert set(figures["projects"]["breakdown"]) >= {
        "village_advancement",
        "planting",
        "breeding",
        "village_road",
        "drinking_water",
        "irrigation",
        "training",
        "education",
        "health",
    }
    # "to directly benefit more than 50,000 local poor people" — a published figure, so reported
    assert figures["beneficiaries"] == {
        "value": 50_000,
        "unit": "persons",
        "source": "reported",
        "qualifier": "more_than",
        "records": figures["beneficiaries"]["records"],  # the people registry's count, beside it
        "citation": figures["beneficiaries"]["citation"],
    }
    assert "年鉴" in figures["beneficiaries"]["citation"]  # the entry it was published in
    assert figures["beneficiaries"]["records"]["source"] == "registry"
    # "12 districts of Qingdao are twinned with 12 poverty-stricken counties"
    assert figures["district_county_pairs"]["value"] == 12
    # "grass-planting and animal husbandry projects of 15,000 mu"
    assert figures["grassland_mu"]["value"] == 15_000
    # the two figures above, plus the student aid donated in cash (people demo, illustrative)
    assert figures["total_support"]["value"] == 28_400_000 + figures["social_donation_cash"]["value"]


def test_demo_is_idempotent_and_marks_generated_records_illustrative(demo) -> None:
    counts = (Project.objects.count(), LedgerTransaction.objects.count(), AuditEvent.objects.count())
    assert demo_load().created is False
    assert (Project.objects.count(), LedgerTransaction.objects.count(), AuditEvent.objects.count()) == counts
    assert Project.objects.filter(program=demo).count() == 152
    assert not Project.objects.filter(is_illustrative=False).exists()
    assert not LedgerTransaction.objects.filter(is_illustrative=False).exists()
    # the city-level pairings are facts; which district twins which county is not known, so illustrative
    assert not Pairing.objects.filter(level=PairingLevel.CITY_CITY, program=demo, is_illustrative=True).exists()
    assert Pairing.objects.filter(level=PairingLevel.DISTRICT_COUNTY, program=demo, is_illustrative=False).count() == 0


def test_report_text_is_readable_in_either_language(demo) -> None:
    text = _report("--format", "text")
    assert "青岛市—贵州省东西部扶贫协作" in text
    assert "财政援助资金：1640万元（资金台账）" in text
    assert "直接受益贫困人口5万余人" in text
    assert "16,400,000" not in text and "more than" not in text
    english = _report("--format", "text", "--language", "en")
    assert "Fiscal aid: 16.4 million yuan" in english and "more than 50,000 persons" in english
    assert "1640万" not in english


def test_admin_lists_the_152_projects_and_every_model_page_renders(demo) -> None:
    user = get_user_model().objects.create_superuser("admin", password="x")
    client = Client()
    client.force_login(user)
    page = client.get("/admin/projects/project/?all=")
    assert page.status_code == 200
    assert "152" in page.content.decode()
    for path in [
        "/admin/",
        "/admin/registry/area/",
        "/admin/registry/organisation/",
        "/admin/registry/program/",
        "/admin/registry/pairing/",
        "/admin/funds/ledgertransaction/",
        "/admin/funds/account/",
        "/admin/indicators/reportedvalue/",
        "/admin/core/auditevent/",
        "/admin/reports/certifiedreport/",
        "/admin/registry/periodlock/",
        "/admin/projects/project/add/",
        f"/admin/projects/project/{Project.objects.first().pk}/change/",  # type: ignore[union-attr]
        f"/admin/funds/ledgertransaction/{LedgerTransaction.objects.first().pk}/change/",  # type: ignore[union-attr]
    ]:
        assert client.get(path).status_code == 200, path


def test_public_pages_show_the_program_and_its_report(demo) -> None:
    client = Client()
    assert "青岛市—贵州省东西部扶贫协作" in client.get("/").content.decode()
    page = client.get(f"/programs/{DEMO_SLUG}/report/2009/").content.decode()
    # names, not codes, and the figure as the yearbooks write it
    assert "财政援助资金" in page and "1640万元" in page and "fiscal_aid" not in page
    assert client.get("/healthz").json()["status"] == "ok"


def test_the_cumulative_report_reproduces_the_thirteen_year_line(demo) -> None:
    # "over the 13 years … more than 1 billion Yuan …, of which more than 150 million Yuan was
    # financial fund and 45 million Yuan was material donation, … more than 800 … projects"
    out = StringIO()
    call_command(
        "report",
        "--program",
        DEMO_SLUG,
        "--year",
        "1997",
        "--to-year",
        "2009",
        "--format",
        "json",
        "--summary",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert (report["year"], report["year_to"]) == (1997, 2009)
    figures = report["indicators"]
    assert (figures["total_support"]["value"], figures["total_support"]["qualifier"]) == (1_000_000_000, "more_than")
    assert (figures["fiscal_aid"]["value"], figures["fiscal_aid"]["qualifier"]) == (150_000_000, "more_than")
    assert figures["in_kind_value"]["value"] == 45_000_000 and "qualifier" not in figures["in_kind_value"]
    assert (figures["projects"]["value"], figures["projects"]["qualifier"]) == (800, "more_than")
    assert all(figures[k]["source"] == "reported" for k in ("total_support", "fiscal_aid", "in_kind_value", "projects"))
    # the 2009 records ride beside the published totals, never added to them
    assert figures["projects"]["records"] == {"value": 152, "source": "projects"}
