"""The generated policy test for the people and enterprise actions (``test_policy_matrix`` holds the
projects, figures, courses and ledger ones, and the world both walk).

Every action × role × target × period × edge it applies to (service, API, web form, import; the
admin edge, on the same fixture, is ``test_policy_matrix_admin``): the
outcome is compared with the table (``access.policy``), read independently here from the facts of
the fixture, and a refused action
must write nothing (not even an audit event). An action is "dated" when the period guard applies
to it; program-less actions (the poverty registry) belong to an area, not a program, so their
"other program" target is the recipient office's own county.
"""

import csv
import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client

from counterpart.access.models import Role
from counterpart.access.policy import Scope, roles_for
from counterpart.access.tests.factories import user_with_membership
from counterpart.api.services import api_token_create
from counterpart.api.tests.conftest import ApiClient
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.enterprise import services as enterprise
from counterpart.enterprise.models import EventKind, OperationKind, Sector, Side
from counterpart.funds.services import ledger_commit
from counterpart.intake.services import import_file
from counterpart.intake.validation import FileRejected
from counterpart.people import services as people
from counterpart.people.models import BenefitKind, Direction, SecondmentKind, Sex
from counterpart.people.tests.factories import household, member, number
from counterpart.projects import villages
from counterpart.projects.models import ComponentStatus
from counterpart.projects.services import project_propose
from counterpart.registry.models import OrganisationKind
from counterpart.registry.services import AreaRow, areas_upsert, organisation_create, period_lock, period_unlock

from .test_policy_matrix import COVERS, PERIODS, TARGETS, world  # noqa: F401 (the shared fixture)

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("matrix-setup")
VILLAGE = {"520422": "520422100201", "520402": "520402100201"}
FIGURES = enterprise.ReportFigures(jobs_created=3)
_serial = itertools.count(1000)


def _male_number(prefix: str) -> str:
    """A man's identity number (an odd sequence) the set-up never registered (each call is rolled back)."""
    return number(201 + 2 * (next(_serial) % 350), prefix=prefix)


@dataclass
class Place:
    """What one target holds, made by the system before 2009 was locked."""

    program: Any
    area: Any
    pairing: Any
    village: Any
    home: Any
    person: Any
    project: Any
    trainings: dict
    advancement: Any
    commitment: Any
    drafts: dict
    submitted: dict
    event: dict
    seller: Any
    company: Any
    identity: str = ""  # the clear number of ``person``, as a file names them


def _company(program: Any, areas: dict, name: str, *programs: Any) -> Any:
    organisation = organisation_create(actor=SYSTEM, name_zh=name, kind=OrganisationKind.ENTERPRISE, area=areas["3702"])
    return enterprise.enterprise_register(actor=SYSTEM, organisation=organisation, side=Side.DONOR, programs=programs)


def _operation(company: Any, area: Any) -> Any:
    organisation = organisation_create(
        actor=SYSTEM,
        name_zh=f"{company.organisation.name_zh}{area.code}厂{next(_serial)}",
        kind=OrganisationKind.ENTERPRISE,
        area=area,
    )
    return enterprise.operation_record(
        actor=SYSTEM, enterprise=company, organisation=organisation, kind=OperationKind.SUBSIDIARY, area=area,
        sector=Sector.CHEMICALS,
    )  # fmt: skip


@pytest.fixture
def places(world, areas):  # noqa: F811 (world: the fixture of test_policy_matrix)
    targets, users = world
    rows = [AreaRow("520402100", "某镇"), AreaRow("520402100201", "邻村")]
    rows += [AreaRow(f"{code}202", "新村") for code in ("520422100", "520402100")]  # for a new advancement
    areas_upsert(actor=SYSTEM, rows=rows, source="test")
    from counterpart.registry.models import Area

    all_areas = {area.code: area for area in Area.objects.all()}
    programs = {targets["own_area"][0], targets["other_program"][0]}
    for program in programs:
        period_unlock(actor=SYSTEM, program=program, year=2009, reason="准备")
    qd_gz, qd_xz = targets["own_area"][0], targets["other_program"][0]
    reporter = _company(qd_gz, all_areas, "红星集团", qd_gz)
    reviewed = _company(qd_gz, all_areas, "蓝天集团", qd_gz)
    foreign = _company(qd_xz, all_areas, "西藏集团", qd_xz)
    homes: dict[str, tuple[Any, Any, str]] = {}
    result = {}
    for name, (program, area, pairing) in targets.items():
        village = all_areas[VILLAGE[area.code]]
        if area.code not in homes:
            home = household(SYSTEM, village, code=f"H-{area.code}")
            sequence = 100 + len(homes)
            homes[area.code] = (home, member(SYSTEM, home, sequence, name="学员"), number(sequence))
        home, person, identity = homes[area.code]
        code = f"P-{name}"
        project = project_propose(
            actor=SYSTEM, program=program, code=code, title_zh="饮水", category="drinking_water", recipient_area=area,
            pairing=pairing, year=2009, budget_fen=100,
        )  # fmt: skip
        trainings = {
            year: people.training_create(
                actor=SYSTEM, program=program, kind="labour_transfer", title=f"培训{year}", place=area,
                start_date=datetime.date(year, 5, 1), end_date=datetime.date(year, 5, 2), pairing=pairing,
            )
            for year in PERIODS.values()
        }  # fmt: skip
        # a program office sees the households its benefits reached (access.rules): this one, from now,
        # through its member (the household itself is left for benefit_record's case: a second would be a duplicate)
        people.benefit_record(
            actor=SYSTEM,
            program=program,
            kind=BenefitKind.PROJECT,
            date=datetime.date(2009, 3, 1),
            person=person,
            project=project,
        )
        advancement = villages.village_advancement_start(
            actor=SYSTEM, program=program, village=village, start_year=2009, pairing=pairing
        )
        commitment = ledger_commit(
            actor=SYSTEM, program=program, date=datetime.date(2009, 1, 2), source="fiscal_municipal", amount_fen=10**9,
            pairing=pairing, recipient_area=area,
        )  # fmt: skip
        seller_organisation = organisation_create(
            actor=SYSTEM, name_zh=f"茶业{name}", kind=OrganisationKind.ENTERPRISE, area=area
        )
        seller = enterprise.enterprise_register(
            actor=SYSTEM, organisation=seller_organisation, side=Side.RECIPIENT, programs=[qd_gz, qd_xz]
        )
        drafts, submitted = {}, {}
        if program == qd_gz:
            for year in PERIODS.values():
                drafts[year] = enterprise.enterprise_report_draft(
                    actor=SYSTEM, program=program, enterprise=reporter, year=year, figures=FIGURES,
                    operation=_operation(reporter, area), area=area,
                )  # fmt: skip
                report = enterprise.enterprise_report_draft(
                    actor=SYSTEM, program=program, enterprise=reviewed, year=year, figures=FIGURES,
                    operation=_operation(reviewed, area), area=area,
                )  # fmt: skip
                submitted[year] = enterprise.enterprise_report_submit(actor=SYSTEM, report=report)
        event = {
            year: enterprise.market_event_record(
                actor=SYSTEM, program=program, kind=EventKind.FAIR, title=f"展会{year}", place="青岛", area=area,
                start_date=datetime.date(year, 6, 1), end_date=datetime.date(year, 6, 3),
            )
            for year in PERIODS.values()
        }  # fmt: skip
        result[name] = Place(
            program, area, pairing, village, home, person, project, trainings, advancement, commitment,
            drafts, submitted, event, seller, foreign if program == qd_xz else reporter, identity,
        )  # fmt: skip
    for program in programs:
        period_lock(actor=SYSTEM, program=program, year=2009, reason="核定")
    buyer = organisation_create(
        actor=SYSTEM, name_zh="市南区机关", kind=OrganisationKind.GOVERNMENT_OFFICE, area=areas["370202"]
    )
    enterprise_user = user_with_membership("hongxing", role=Role.ENTERPRISE, organisation=reporter.organisation)
    return result, {**users, Role.ENTERPRISE: enterprise_user}, {"buyer": buyer, "areas": all_areas}


def _row(place: Place) -> people.PersonRow:
    return people.PersonRow(
        name="新人", sex=Sex.MALE, area=place.village, identity_number=_male_number(place.area.code),
        household=place.home, relation="child",
    )  # fmt: skip


def _service(verb: str, actor: Actor, p: Place, year: int, extra: dict) -> Callable[[], Any] | None:
    """The call of ``verb`` on target ``p`` in ``year``; None where the target cannot hold the record."""
    date = datetime.date(year, 5, 1)
    draft, submitted = p.drafts.get(year), p.submitted.get(year)
    calls: dict[str, Callable[[], Any] | None] = {
        "household_register": lambda: people.household_register(
            actor=actor, number=f"N-{next(_serial)}", village=p.village, poverty_cause="illness", year=year
        ),
        "households_register_bulk": lambda: people.households_register_bulk(
            actor=actor, rows=[people.HouseholdRow(f"N-{next(_serial)}", p.village, "illness")], year=year, source="t"
        ),
        "household_update": lambda: people.household_update(
            actor=actor, household=p.home, helper_name=f"帮扶人{next(_serial)}"
        ),
        "household_status_set": lambda: people.household_status_set(
            actor=actor, household=p.home, year=year, status="lifted"
        ),
        "person_register": lambda: people.person_register(actor=actor, row=_row(p)),
        "persons_register_bulk": lambda: people.persons_register_bulk(actor=actor, rows=[_row(p)], source="t"),
        "person_update": lambda: people.person_update(actor=actor, person=p.person, name=f"改名{next(_serial)}"),
        "benefit_record": lambda: people.benefit_record(
            actor=actor, program=p.program, kind=BenefitKind.PROJECT, date=date, household=p.home, project=p.project
        ),
        "benefits_record_bulk": lambda: people.benefits_record_bulk(
            actor=actor,
            program=p.program,
            rows=[people.BenefitRow(p.person.pk, p.village.code, BenefitKind.PROJECT, date, project_id=p.project.pk)],
            source="t",
        ),
        "training_update": lambda: people.training_update(actor=actor, training=p.trainings[year], organiser_name="局"),
        "training_participants_add": lambda: people.training_participants_add(
            actor=actor, training=p.trainings[year], persons=[p.person]
        ),
        "job_placement_record": lambda: people.job_placement_record(
            actor=actor,
            program=p.program,
            person=p.person,
            employer_name="厂",
            place=p.area,
            start_date=date,
            monthly_income_fen=100,
        ),
        "student_aid_grant": lambda: people.student_aid_grant(
            actor=actor,
            commitment=p.commitment,
            student=p.person,
            school_name="一中",
            date=date,
            amount_fen=100,
            pairing=p.pairing,
        ),
        "secondment_record": lambda: people.secondment_record(
            actor=actor,
            program=p.program,
            kind=SecondmentKind.CADRE,
            direction=Direction.TO_RECIPIENT,
            person_name="张三",
            from_area=extra["areas"]["370202"],
            to_area=p.area,
            start_date=date,
            pairing=p.pairing,
        ),
        "village_advancement_start": lambda: villages.village_advancement_start(
            actor=actor,
            program=p.program,
            village=extra["areas"][p.village.code[:9] + "202"],
            start_year=year,
            pairing=p.pairing,
        ),
        "village_component_update": lambda: villages.village_component_update(
            actor=actor,
            advancement=p.advancement,
            component="education",
            status=ComponentStatus.COMPLETE,
            completed_on=date,
        ),
        "enterprise_register": lambda: enterprise.enterprise_register(
            actor=actor,
            side=Side.RECIPIENT,
            programs=[p.program],
            organisation=organisation_create(
                actor=SYSTEM, name_zh=f"新企业{next(_serial)}", kind=OrganisationKind.ENTERPRISE, area=p.area
            ),
        ),
        "operation_record": lambda: enterprise.operation_record(
            actor=actor,
            enterprise=p.company,
            kind=OperationKind.SUBSIDIARY,
            area=p.area,
            sector=Sector.CHEMICALS,
            organisation=organisation_create(
                actor=SYSTEM, name_zh=f"新厂{next(_serial)}", kind=OrganisationKind.ENTERPRISE, area=p.area
            ),
        ),
        "agreement_sign": lambda: enterprise.agreement_sign(
            actor=actor,
            program=p.program,
            enterprise=p.company,
            title="合作",
            signed_on=date,
            agreed_investment_fen=100,
            recipient_area=p.area,
        ),
        "enterprise_report_draft": lambda: enterprise.enterprise_report_draft(
            actor=actor,
            program=p.program,
            enterprise=p.company,
            year=year,
            figures=FIGURES,
            area=p.area,
            operation=_operation(p.company, p.area),
        ),
        "enterprise_report_update": draft
        and (
            lambda: enterprise.enterprise_report_update(
                actor=actor, report=draft, figures=enterprise.ReportFigures(jobs_created=4)
            )
        ),
        "enterprise_report_submit": draft and (lambda: enterprise.enterprise_report_submit(actor=actor, report=draft)),
        "enterprise_report_confirm": submitted
        and (lambda: enterprise.enterprise_report_confirm(actor=actor, report=submitted)),
        "enterprise_report_return": submitted
        and (lambda: enterprise.enterprise_report_return(actor=actor, report=submitted, reason="请核对")),
        "market_event_record": lambda: enterprise.market_event_record(
            actor=actor,
            program=p.program,
            kind=EventKind.FAIR,
            title="新展会",
            place="青岛",
            area=p.area,
            start_date=date,
            end_date=date,
        ),
        "market_event_update": lambda: enterprise.market_event_update(actor=actor, event=p.event[year], note="改"),
        "event_participation_record": lambda: enterprise.event_participation_record(
            actor=actor, event=p.event[year], enterprise=p.seller, direct_sales_fen=5
        ),
        "purchase_record": lambda: enterprise.purchase_record(
            actor=actor,
            program=p.program,
            buyer=extra["buyer"],
            buyer_kind="government_unit",
            seller=p.seller,
            product="茶",
            purchased_on=date,
            amount_fen=100,
        ),
    }
    return calls[verb]


# The actions the period guard applies to (the others write no dated record).
UNDATED = {
    "household_register", "households_register_bulk", "household_update", "person_register",
    "persons_register_bulk", "person_update", "enterprise_register", "operation_record",
}  # fmt: skip
VERBS = tuple(
    [
        "household_register",
        "households_register_bulk",
        "household_update",
        "household_status_set",
        "person_register",
        "persons_register_bulk",
        "person_update",
        "benefit_record",
        "benefits_record_bulk",
        "training_update",
        "training_participants_add",
        "job_placement_record",
        "student_aid_grant",
        "secondment_record",
        "village_advancement_start",
        "village_component_update",
        "enterprise_register",
        "operation_record",
        "agreement_sign",
        "enterprise_report_draft",
        "enterprise_report_update",
        "enterprise_report_submit",
        "enterprise_report_confirm",
        "enterprise_report_return",
        "market_event_record",
        "market_event_update",
        "event_participation_record",
        "purchase_record",
    ]
)
# An enterprise's user: its own reports, in the program its enterprise takes part in (qd-gz).
COVERS_HERE = {**COVERS, Scope.ENTERPRISE: {"own_area", "other_area_same_program"}}
# The registry belongs to an area: the recipient office's own county in any program.
COVERS_PROGRAM_LESS = {Scope.AREA: {"own_area", "other_program"}}


def expected_of(verb: str, role: Role, target: str, period: str) -> bool:
    grants = roles_for(verb)
    scope = grants.get(role)
    if scope is None:
        return False
    covers = COVERS_PROGRAM_LESS if verb.startswith(("household", "person")) else COVERS_HERE
    return target in covers.get(scope, set()) and (period == "open" or verb in UNDATED)


def _outcome(call: Callable[[], Any]) -> tuple[bool, int]:
    with transaction.atomic():
        # the actor's own audit events: the system's set-up inside a call (a new organisation) aside
        events = AuditEvent.objects.exclude(actor_label=SYSTEM.label)
        before = events.count()
        try:
            call()
            allowed = True
        except (InvalidInput, PermissionDenied):
            allowed = False
        written = events.count() - before
        transaction.set_rollback(True)
    return allowed, written


def _api(verb: str, p: Place, year: int) -> tuple[str, dict] | None:
    date = f"{year}-05-01"
    submitted = p.submitted.get(year)
    return {
        "person_register": ("/persons", {
            "name": "新人", "sex": "male", "area": p.village.code, "household": p.home.pk, "relation": "child",
            "identity_number": _male_number(p.area.code),
        }),
        "benefit_record": (f"/projects/{p.project.pk}/beneficiaries", {"date": date, "household": p.home.pk}),
        "enterprise_report_draft": ("/enterprise-reports", {
            "program": p.program.slug, "enterprise": p.company.pk, "year": year, "area": p.area.code,
            "figures": {"jobs_created": 3},
        }),
        "enterprise_report_confirm": submitted and (f"/enterprise-reports/{submitted.pk}/confirm", {}),
        "market_event_record": ("/market-events", {
            "program": p.program.slug, "kind": "fair", "title": "新展会", "place": "青岛", "area": p.area.code,
            "start_date": date, "end_date": date,
        }),
    }.get(verb)  # fmt: skip


def _web(verb: str, p: Place, year: int) -> tuple[str, dict] | None:
    return {
        "household_register": ("/app/households/new/", {
            "number": f"W-{next(_serial)}", "village": p.village.code, "poverty_cause": "illness", "year": year,
        }),
        "person_register": ("/app/people/new/", {
            "name": "新人", "sex": "male", "area": p.village.code, "household": p.home.number, "relation": "child",
            "identity_number": _male_number(p.area.code),
        }),
    }.get(verb)  # fmt: skip


def _import(verb: str, p: Place, year: int) -> tuple[str, list] | None:
    """The kind and the rows of a one-row file taking ``verb`` on ``p``."""
    date = f"{year}-05-01"
    return {
        "households_register_bulk": ("households", [
            ["户编号", "所在村区划代码", "主要致贫原因", "识别年度"],
            [f"I-{next(_serial)}", p.village.code, "illness", year],
        ]),
        "training_participants_add": ("training_participants", [
            ["协作项目", "培训类型", "培训名称", "开始日期", "身份证号码", "姓名"],
            [p.program.slug, "labour_transfer", f"培训{year}", date, p.identity, "学员"],
        ]),
        "benefit_record": ("project_beneficiaries", [
            ["协作项目", "项目编号", "受益日期", "户编号", "身份证号码", "姓名"],
            [p.program.slug, p.project.code, date, p.home.number, "", ""],
        ]),
    }.get(verb)  # fmt: skip


def _imported(actor: Actor, kind: str, rows: list, directory: Any) -> None:
    """An import as an outcome: loaded, or refused (the whole file, or a row) — never half."""
    path = directory / f"{next(_serial)}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    try:
        result = import_file(actor=actor, path=path, kind=kind)
    except FileRejected as rejected:
        raise InvalidInput("file", kind, str(rejected)) from None
    if not result.ok:
        raise InvalidInput("row", kind, "; ".join(e.message_zh for e in result.errors))


def test_people_and_enterprise_actions_agree_with_the_table_on_every_edge(places, tmp_path) -> None:
    place_of, users, extra = places
    tokens = {role: api_token_create(actor=SYSTEM, user=user)[1] for role, user in users.items()}
    browsers = {}
    for role, user in users.items():
        browsers[role] = Client()
        browsers[role].force_login(user)
    cases, failures = 0, []
    for verb, (role, user), target, (period, year) in itertools.product(VERBS, users.items(), TARGETS, PERIODS.items()):
        p = place_of[target]
        expected = expected_of(verb, role, target, period)
        outcomes = {}
        call = _service(verb, Actor.of(user), p, year, extra)
        if call is not None:
            outcomes["service"] = _outcome(call)
        request = _api(verb, p, year)
        if request is not None:
            client = ApiClient(tokens[role])
            outcomes["api"] = _outcome(
                partial(lambda c, r, v: _status_ok(c.post(*r).status_code, v, 201, 200), client, request, verb)
            )
        form = _web(verb, p, year)
        if form is not None:
            browser = browsers[role]
            outcomes["web"] = _outcome(
                partial(lambda b, f, v: _status_ok(b.post(*f).status_code, v, 302), browser, form, verb)
            )
        upload = _import(verb, p, year)
        if upload is not None:
            uploader = Actor.of(user)
            outcomes["import"] = _outcome(partial(_imported, uploader, *upload, tmp_path))
        for edge, (allowed, written) in outcomes.items():
            cases += 1
            if allowed != expected or (written > 0) != allowed:
                failures.append((verb, role.value, target, period, edge, allowed, written, expected))
    print(
        f"policy matrix (people, enterprise): {cases} cases ({len(VERBS)} actions × {len(users)} roles × "
        f"{len(TARGETS)} targets × {len(PERIODS)} periods × the edges each has), {len(failures)} disagreeing"
    )
    assert not failures, "\n".join(map(str, failures))


def _status_ok(status: int, verb: str, *allowed: int) -> None:
    """An edge's answer as an outcome: success, or the refusal the action raised (403, 404, 422, a form)."""
    if status in allowed:
        return
    assert status in (200, 403, 404, 422), (verb, status)
    raise InvalidInput("status", status, "refused")
