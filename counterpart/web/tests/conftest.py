"""A small world for the application's tests: our program in 普定县 and another program's records
in 西秀区, with one user per role on our side.

Every record of the other side carries the marker ``THEIRS`` in a field its list and export show,
so a leak is a marker found in a page or a file.
"""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from counterpart.access.models import Membership, Role
from counterpart.core.audit import Actor
from counterpart.enterprise.models import Side
from counterpart.enterprise.services import (
    ReportFigures,
    enterprise_register,
    enterprise_report_draft,
    market_event_record,
)
from counterpart.funds.services import ledger_commit
from counterpart.indicators.services import reported_value_enter
from counterpart.intake.models import BatchStatus, ImportBatch
from counterpart.people.identity import identity_compose
from counterpart.people.services import (
    PersonRow,
    household_register,
    person_register,
    training_create,
)
from counterpart.projects.services import project_attachment_add, project_propose
from counterpart.projects.villages import village_advancement_start
from counterpart.registry.models import OrganisationKind, PairingLevel
from counterpart.registry.services import AreaRow, areas_upsert, organisation_create, pairing_create, program_create

MARKER = "THEIRS"
PASSWORD = "pw-123456"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class World:
    ours: Any
    theirs: Any
    users: dict[str, Any]
    objects: dict[str, Any]
    our_project: Any
    our_pairing: Any


@pytest.fixture
def world(areas: dict, program, pairing, settings, tmp_path) -> World:
    settings.DATA_DIR = tmp_path
    actor = Actor.system("test")
    areas_upsert(
        actor=actor,
        rows=[AreaRow("520402100", "某镇"), AreaRow("520402100201", "某某村", is_poverty_village=True)],
        source="test",
    )
    theirs = program_create(
        actor=actor, slug="theirs", name_zh="THEIRS 协作", donor_area=areas["3702"], start_year=1996
    )
    their_pairing = pairing_create(
        actor=actor,
        program=theirs,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520402"],
        valid_from=datetime.date(2008, 1, 1),
    )
    county_a = areas["520402"]
    objects: dict[str, Any] = {}
    objects["projects"] = project_propose(
        actor=actor,
        program=theirs,
        code="THEIRS-P1",
        title_zh="THEIRS 道路",
        category="village_road",
        recipient_area=county_a,
        pairing=their_pairing,
        year=2009,
        budget_fen=5_000_00,
    )
    objects["attachment"] = project_attachment_add(
        actor=actor, project=objects["projects"], file_name="road.png", content=PNG
    )
    objects["funds"] = ledger_commit(
        actor=actor,
        program=theirs,
        date=datetime.date(2009, 3, 1),
        source="fiscal_district",
        amount_fen=7_000_00,
        pairing=their_pairing,
        recipient_area=county_a,
        description="THEIRS commitment",
    )
    from counterpart.registry.models import Area

    village = Area.objects.get(code="520402100201")
    objects["households"] = household_register(
        actor=actor, number="THEIRS-H1", village=village, poverty_cause="illness", year=2009
    )
    objects["villages"] = village_advancement_start(
        actor=actor, program=theirs, village=village, start_year=2009, pairing=their_pairing
    )
    objects["people"] = person_register(
        actor=actor,
        row=PersonRow(
            name="THEIRS 张三",
            sex="male",
            area=village,
            identity_number=identity_compose("520402", datetime.date(1980, 1, 2), 11),
            household=objects["households"],
            relation="head",
        ),
    )
    objects["trainings"] = training_create(
        actor=actor,
        program=theirs,
        kind="labour_transfer",
        title="THEIRS 培训",
        place=county_a,
        start_date=datetime.date(2009, 5, 1),
        end_date=datetime.date(2009, 5, 3),
        pairing=their_pairing,
    )
    their_org = organisation_create(
        actor=actor, name_zh="THEIRS 企业", kind=OrganisationKind.ENTERPRISE, area=areas["3702"]
    )
    our_org = organisation_create(
        actor=actor, name_zh="我们的企业", kind=OrganisationKind.ENTERPRISE, area=areas["3702"]
    )
    objects["enterprises"] = enterprise_register(
        actor=actor, organisation=their_org, side=Side.DONOR, programs=[theirs]
    )
    our_enterprise = enterprise_register(actor=actor, organisation=our_org, side=Side.DONOR, programs=[program])
    objects["enterprise-reports"] = enterprise_report_draft(
        actor=actor,
        program=theirs,
        enterprise=objects["enterprises"],
        year=2009,
        area=county_a,
        figures=ReportFigures(jobs_created=12),
        note="THEIRS report",
    )
    objects["events"] = market_event_record(
        actor=actor,
        program=theirs,
        kind="fair",
        title="THEIRS 展销会",
        place="青岛",
        area=county_a,
        start_date=datetime.date(2009, 9, 1),
        end_date=datetime.date(2009, 9, 3),
    )
    objects["indicators"] = reported_value_enter(
        actor=actor,
        program=theirs,
        indicator_key="beneficiaries",
        year=2009,
        value=777,
        unit="persons",
        area=county_a,
        citation="THEIRS yearbook",
    )
    objects["import"] = ImportBatch.objects.create(
        kind="projects",
        file_name="THEIRS.xlsx",
        file_sha256="0" * 64,
        created_by_label="someone-else",
        status=BatchStatus.INVALID,
    )
    our_project = project_propose(
        actor=actor,
        program=program,
        code="OURS-P1",
        title_zh="我们的饮水工程",
        category="drinking_water",
        recipient_area=areas["520422"],
        pairing=pairing,
        year=2009,
        budget_fen=10_000_00,
    )
    objects["assessments"] = _final_assessment(actor, their_pairing)
    objects["assessment_evidence"] = objects["assessments"].evidence.get()
    users = _users(program, areas, our_org)
    objects["our_enterprise"] = our_enterprise
    return World(
        ours=program, theirs=theirs, users=users, objects=objects, our_project=our_project, our_pairing=pairing
    )


def _final_assessment(actor: Actor, pairing: Any) -> Any:
    """The other side's assessment for 2009, with a file as evidence, taken through every step to its final lock."""
    from counterpart.indicators import assessment as steps
    from counterpart.indicators.models import AssessmentArea, Verdict

    assessment = steps.assessment_open(actor=actor, pairing=pairing, year=2009)
    steps.assessment_evidence_attach(
        actor=actor, assessment=assessment, file_name="THEIRS.png", content=PNG, caption="THEIRS 佐证文件"
    )
    scores = {area: (80, "THEIRS 佐证") for area in AssessmentArea.values}
    steps.assessment_self_assess(actor=actor, assessment=assessment, scores=scores, summary="THEIRS 自评")
    verdicts = {figure.pk: (Verdict.CONFIRMED, "") for figure in assessment.figures.all()}
    steps.assessment_confirm_figures(actor=actor, assessment=assessment, verdicts=verdicts, comment="THEIRS")
    steps.assessment_submit(actor=actor, assessment=assessment)
    steps.assessment_cross_check(
        actor=actor, assessment=assessment, final_scores=dict.fromkeys(scores, 80), notes="THEIRS"
    )
    return steps.assessment_finalise(actor=actor, assessment=assessment)


def _users(program, areas: dict, our_org) -> dict[str, Any]:
    model = get_user_model()
    subjects = {
        Role.PROGRAM_OFFICE: {"program": program},
        Role.DONOR_DISTRICT_OFFICE: {"area": areas["370202"]},
        Role.RECIPIENT_OFFICE: {"area": areas["520422"]},
        Role.ENTERPRISE: {"organisation": our_org},
        Role.AUDITOR: {},
        Role.REVIEWER: {"program": program},
    }
    users = {}
    for role, subject in subjects.items():
        user = model.objects.create_user(str(role), password=PASSWORD)
        Membership.objects.create(user=user, role=role, **subject)
        users[str(role)] = user
    users[Role.AUDITOR].user_permissions.add(
        Permission.objects.get(content_type__app_label="people", codename="reveal_identity")
    )
    return users


ROLES = [str(role) for role in Role]
NON_AUDITOR_ROLES = [role for role in ROLES if role != Role.AUDITOR]


def response_bytes(response: Any) -> bytes:
    """A streamed response's whole body."""
    return b"".join(response.streaming_content)


def client_as(world: World, role: str) -> Client:
    """A browser signed in as the world's user of ``role``."""
    client = Client()
    client.force_login(world.users[role])
    return client


def uploaded(name: str, content: bytes) -> Any:
    """A file as a form's upload field receives it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
