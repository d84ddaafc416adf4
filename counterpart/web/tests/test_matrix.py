"""Every URL of the application × every role × a record of another area and program: no leak.

The URL patterns are read from the resolver, so a page added without a case here fails
``test_every_url_pattern_is_covered``. Object pages must answer 404 (never 403, never the record);
lists and their CSV and XLSX exports must not show the record. The auditor, who reads
everything, is the positive control: the same requests show it the record, so a marker that is
absent for the others is absent because of scoping, not because the page never shows it.
"""

import io
import json
from typing import Any

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from counterpart.access.models import Membership, Role
from counterpart.web.specs import SPECS

from .conftest import MARKER, NON_AUDITOR_ROLES, World

# Pages that hold no program records, or only public aggregates (tested by the public portal's tests).
PUBLIC = {"home", "healthz", "login", "logout", "program_report", "import_template"}  # templates: blank workbooks
# Forms that create a record: they show choices, never another area's records.
FORMS = {
    "project_propose",
    "ledger_record",
    "household_register",
    "person_register",
    "training_record",
    "enterprise_report_submit",
    "enterprise_register",
    "job_placement_record",
}
LISTS = {f"{slug}_list" for slug in SPECS}
DETAILS = {f"{slug}_detail" for slug in SPECS}


def _object_urls(world: World) -> dict[str, tuple[str, str]]:
    """(method, url) of every page or action about one record of the other side."""
    o = world.objects
    project, attachment = o["projects"], o["attachment"]
    urls: dict[str, tuple[str, str]] = {f"{slug}_detail": ("get", f"/app/{slug}/{o[slug].pk}/") for slug in SPECS}
    urls.update(
        {
            "project_action": ("post", f"/app/projects/{project.pk}/do/approve/"),
            "attachment_upload": ("post", f"/app/projects/{project.pk}/attachments/"),
            "project_beneficiary": ("post", f"/app/projects/{project.pk}/beneficiaries/"),
            "attachment_download": ("get", f"/app/projects/{project.pk}/attachments/{attachment.pk}/"),
            "person_reveal": ("post", f"/app/people/{o['people'].pk}/reveal/"),
            "import_detail": ("get", f"/app/imports/{o['import'].pk}/"),
            "import_progress": ("get", f"/app/imports/{o['import'].pk}/progress/"),
            "import_errors": ("get", f"/app/imports/{o['import'].pk}/errors.xlsx"),
            "ledger_reverse": ("post", f"/app/funds/{o['funds'].pk}/reverse/"),
            "household_status": ("post", f"/app/households/{o['households'].pk}/status/"),
            "village_component": ("post", f"/app/villages/{o['villages'].pk}/components/education/"),
            "enterprise_report_review": ("post", f"/app/enterprise-reports/{o['enterprise-reports'].pk}/confirm/"),
            # a POST: the auditor, who may read the report, may not correct it (403, not the page)
            "enterprise_report_correct": ("post", f"/app/enterprise-reports/{o['enterprise-reports'].pk}/correct/"),
            "assessment_detail": ("get", f"/app/assessments/{o['assessments'].pk}/"),
            "assessment_step": ("post", f"/app/assessments/{o['assessments'].pk}/do/return/"),
            "assessment_scorecard": ("get", f"/app/assessments/{o['assessments'].pk}/scorecard.xlsx"),
            "operation_record": ("post", f"/app/enterprises/{o['enterprises'].pk}/operations/new/"),
            "agreement_sign": ("post", f"/app/enterprises/{o['enterprises'].pk}/agreements/new/"),
            "event_participation_record": ("post", f"/app/events/{o['events'].pk}/participants/new/"),
            "assessment_evidence": ("post", f"/app/assessments/{o['assessments'].pk}/evidence/"),
            "assessment_evidence_download": (
                "get",
                f"/app/assessments/{o['assessments'].pk}/evidence/{o['assessment_evidence'].pk}/",
            ),
        }
    )
    return urls


PAGES_WITH_MARKER_FOR_AUDITOR = {"audit_trail", "imports", "duplicate_notices"}
# The assessments' list (it names the other side's assessment by its link) and the form that opens one.
ASSESSMENT_PAGES = {"assessment_list", "assessment_open"}

# Program set-up (setup_views.py): pages that show no program's records (their own forms, the area
# picker, the set-password form) and pages about one program, which only its own office finds.
SETUP_PAGES = {
    "setup",
    "setup_area_autocomplete",
    "setup_program_create",
    "setup_organisation_create",
    "setup_indicator_create",
    "password_set",
}


# The search pickers of the forms (pickers.py): areas and enterprise organisations are reference data;
# the others answer only records the user may see (test_no_picker_finds_another_areas_record).
# Areas are public reference data (the scope-area picker narrows them to a role's own: test_pickers.py).
REFERENCE_PICKERS = {"pick_place", "pick_enterprise_organisation", "pick_scope_area"}
SCOPED_PICKERS = {
    "pick_enterprise": "enterprises",
    "pick_person": "persons",
    "pick_training": "trainings",
    "pick_project": "projects",
}


def _setup_urls(world: World) -> dict[str, tuple[str, str]]:
    """(method, url) of every set-up page about the other side's program."""
    theirs = world.theirs.slug
    pairing = world.theirs.pairings.first()
    staff, _created = get_user_model().objects.get_or_create(username="their-staff")
    membership, _created = Membership.objects.get_or_create(user=staff, role=Role.PROGRAM_OFFICE, program=world.theirs)
    return {
        "setup_program": ("get", f"/app/setup/programs/{theirs}/"),
        "setup_program_edit": ("post", f"/app/setup/programs/{theirs}/edit/"),
        "setup_pairing_create": ("post", f"/app/setup/programs/{theirs}/pairings/new/"),
        "setup_pairing_end": ("post", f"/app/setup/pairings/{pairing.pk}/end/"),
        "setup_target_set": ("post", f"/app/setup/programs/{theirs}/targets/new/"),
        "setup_account_invite": ("post", f"/app/setup/programs/{theirs}/accounts/new/"),
        "setup_membership_grant": ("post", f"/app/setup/programs/{theirs}/roles/new/"),
        "setup_membership_revoke": ("post", f"/app/setup/programs/{theirs}/roles/{membership.pk}/revoke/"),
    }


def _setup_year_urls(world: World, slug: str | None = None) -> dict[str, tuple[str, str]]:
    """(method, url) of the set-up actions that ask first whether the user sets up programs at all (a year
    certified, locked, unlocked; a role changed): 403 for a role that sets up none, whatever the program
    (``slug``: the other side's, or one that does not exist), so the answer confirms nothing about it."""
    program = slug or world.theirs.slug
    membership = Membership.objects.filter(program=world.theirs).first()
    return {
        "setup_report_certify": ("post", f"/app/setup/programs/{program}/reports/certify/"),
        "setup_period_lock": ("post", f"/app/setup/programs/{program}/locks/new/"),
        "setup_period_unlock": ("post", f"/app/setup/programs/{program}/locks/2009/unlock/"),
        "setup_membership_edit": (
            "post",
            f"/app/setup/programs/{program}/roles/{membership.pk if membership else 1}/edit/",
        ),
    }


def _web_patterns() -> list[URLPattern]:
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "web":
            return [p for p in entry.url_patterns if isinstance(p, URLPattern)]
    raise AssertionError("the web URLconf is not included")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " ".join(str(cell) for cell in row if cell is not None)
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
    )


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_every_url_pattern_is_covered(world: World) -> None:
    covered = PUBLIC | FORMS | LISTS | set(_object_urls(world)) | PAGES_WITH_MARKER_FOR_AUDITOR | {"workbench"}
    covered |= ASSESSMENT_PAGES | SETUP_PAGES | set(_setup_urls(world)) | set(_setup_year_urls(world))
    covered |= REFERENCE_PICKERS | set(SCOPED_PICKERS) | {"pick_commitment"}  # commitments: forwarded, below
    names = {p.name for p in _web_patterns()}
    assert names - covered == set(), "pages without a scoping case in test_matrix"


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_AUDITOR_ROLES)
def test_no_role_sees_another_areas_record_by_any_object_url(world: World, role: str) -> None:
    client = _client(world.users[role])
    for name, (method, url) in _object_urls(world).items():
        response = getattr(client, method)(url)
        assert response.status_code == 404, (role, name, url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*NON_AUDITOR_ROLES, "auditor"])
def test_no_role_finds_the_set_up_of_another_program(world: World, role: str) -> None:
    client = _client(world.users[role])
    for name, (method, url) in _setup_urls(world).items():
        response = getattr(client, method)(url)
        assert response.status_code == 404, (role, name, url, response.status_code)
    assert world.theirs.name_zh not in client.get("/app/setup/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*NON_AUDITOR_ROLES, "auditor"])
def test_no_role_finds_the_years_or_roles_of_another_program(world: World, role: str) -> None:
    client = _client(world.users[role])
    _setup_urls(world)  # the other program's office, whose role the last URL is about
    for name, (method, url) in _setup_year_urls(world).items():
        response = getattr(client, method)(url)
        # a program office: not its program (404); any other role: not a role that sets up (403), and the
        # same answer for a program that does not exist
        assert response.status_code in (403, 404), (role, name, url, response.status_code)
        _method, nowhere = _setup_year_urls(world, "no-such-program")[name]
        assert getattr(client, method)(nowhere).status_code == response.status_code, (role, name)
        assert MARKER not in response.content.decode()
    assert not world.theirs.period_locks.exists()


@pytest.mark.django_db
def test_the_auditor_reads_the_same_records(world: World) -> None:
    # given the positive control: every read-only object page answers the auditor
    client = _client(world.users["auditor"])
    for name, (method, url) in _object_urls(world).items():
        if method != "get" or name == "import_errors":  # that batch has no errors to download
            continue
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_AUDITOR_ROLES)
def test_no_role_sees_another_areas_record_in_lists_or_exports(world: World, role: str) -> None:
    client = _client(world.users[role])
    for slug in SPECS:
        page = client.get(f"/app/{slug}/")
        assert page.status_code == 200, (role, slug)
        assert MARKER not in page.content.decode(), (role, slug)
        # and the drill-down straight at the other side's program and area
        drilled = client.get(f"/app/{slug}/", {"program": "theirs", "area": "520402", "year": "2009"})
        assert MARKER not in drilled.content.decode(), (role, slug)
        csv_export = client.get(f"/app/{slug}/", {"format": "csv"})
        assert MARKER not in _body(csv_export).decode("utf-8-sig"), (role, slug, "csv")
        xlsx_export = client.get(f"/app/{slug}/", {"format": "xlsx"})
        assert MARKER not in _xlsx_text(_body(xlsx_export)), (role, slug, "xlsx")
    for name in ("imports", "workbench"):
        assert MARKER not in client.get(f"/app/{name}/" if name == "imports" else "/app/").content.decode()
    for name in FORMS:
        from django.urls import reverse

        response = client.get(reverse(f"web:{name}"))
        assert response.status_code in (200, 403), (role, name)
        assert MARKER not in response.content.decode(), (role, name)
    assert client.get("/app/audit/").status_code == 403


@pytest.mark.django_db
def test_the_auditor_sees_the_marker_in_every_list_and_export(world: World) -> None:
    client = _client(world.users["auditor"])
    texts: dict[str, str] = {}
    for slug in SPECS:
        texts[f"{slug} page"] = client.get(f"/app/{slug}/").content.decode()
        texts[f"{slug} csv"] = _body(client.get(f"/app/{slug}/", {"format": "csv"})).decode("utf-8-sig")
        texts[f"{slug} xlsx"] = _xlsx_text(_body(client.get(f"/app/{slug}/", {"format": "xlsx"})))
    texts["audit trail"] = client.get("/app/audit/").content.decode()
    texts["imports"] = client.get("/app/imports/").content.decode()
    missing = [name for name, text in texts.items() if MARKER not in text]
    assert missing == []


@pytest.mark.django_db
def test_duplicate_notices_show_only_persons_the_role_may_see(world: World) -> None:
    from counterpart.core.audit import Actor
    from counterpart.people.duplicates import duplicate_refusal_record

    # given a refused registration of the other side's person (the office's notice about it)
    theirs = world.objects["people"]
    duplicate_refusal_record(Actor.system("county-prober"), theirs.identity_blind_index)
    # then no other role's notices page names that person (or has the page at all)
    for role in NON_AUDITOR_ROLES:
        response = _client(world.users[role]).get("/app/people/duplicates/")
        assert response.status_code in (200, 403), role
        assert MARKER not in response.content.decode(), role
    # while the auditor, the positive control, reads the notice
    page = _client(world.users["auditor"]).get("/app/people/duplicates/").content.decode()
    assert MARKER in page and "county-prober" in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*NON_AUDITOR_ROLES, "auditor"])
def test_the_assessments_list_and_its_opening_form_keep_to_the_roles_pairings(world: World, role: str) -> None:
    client = _client(world.users[role])
    theirs = world.objects["assessments"]
    link = f'href="/app/assessments/{theirs.pk}/"'
    page = client.get("/app/assessments/")
    assert page.status_code == 200, role
    assert (link in page.content.decode()) == (role == "auditor"), role
    # opening one for the other side's pairing: refused (not a choice of the form, or not the role's step)
    opened = client.post("/app/assessments/open/", {"pairing": theirs.pairing_id, "year": "2010"})
    assert opened.status_code in (403, 422), (role, opened.status_code)
    assert not type(theirs).objects.filter(pairing_id=theirs.pairing_id, year=2010).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*NON_AUDITOR_ROLES, "auditor"])
def test_no_picker_finds_another_areas_record(world: World, role: str) -> None:
    client = _client(world.users[role])
    found = {
        name: client.get(f"/app/pickers/{path}/", {"q": MARKER}).json()["results"]
        for name, path in SCOPED_PICKERS.items()
    }
    # The ledger's commitments, asked for within the other side's program (the form forwards its program).
    forwarded = json.dumps({"program": str(world.theirs.pk)})
    found["pick_commitment"] = client.get("/app/pickers/commitments/", {"q": MARKER, "forward": forwarded}).json()[
        "results"
    ]
    if role == "auditor":  # the positive control: it reads them (it writes for no person, so finds none to place)
        assert found["pick_enterprise"] and found["pick_training"] and not found["pick_person"]
        assert found["pick_project"] and found["pick_commitment"]
    else:
        assert found == {name: [] for name in [*SCOPED_PICKERS, "pick_commitment"]}, role
