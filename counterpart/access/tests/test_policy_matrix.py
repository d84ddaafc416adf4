"""The generated test of the one policy: every declared action × role × target × period × edge.

Each outcome is compared with what the table says (``access.policy``: role × verb × scope), read
here independently from the facts of the fixture — which scope covers which target — so that an
action or an edge that forgets to ask the policy or the period guard fails. It also fails when a
domain action exists that the table does not name (save the ones listed as not yet declared).
"""

import datetime
import importlib
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from counterpart.access.models import Role
from counterpart.access.policy import Scope, roles_for, verbs
from counterpart.access.tests.factories import user_with_membership
from counterpart.api.services import api_token_create
from counterpart.api.tests.conftest import ApiClient
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.funds.models import LedgerTransaction
from counterpart.funds.services import ledger_commit
from counterpart.indicators.models import ReportedValue
from counterpart.indicators.services import reported_value_enter
from counterpart.people.models import Training
from counterpart.people.services import training_create
from counterpart.projects.models import Project
from counterpart.projects.services import project_propose
from counterpart.registry.models import PairingLevel
from counterpart.registry.services import pairing_create, period_lock, program_create

pytestmark = pytest.mark.django_db

TARGETS = ("own_area", "other_area_same_program", "other_program")
PERIODS = {"open": 2010, "certified": 2009}

# Which scope covers which target, in the fixture below: the program office runs qd-gz; the
# recipient office is 普定县 (520422, paired in qd-gz only); the donor district is 市南区 (370202,
# paired with 普定县 in qd-gz); the enterprise is about no target here.
COVERS = {
    Scope.PROGRAM: {"own_area", "other_area_same_program"},
    Scope.AREA: {"own_area"},
    Scope.PAIRING: {"own_area"},
    Scope.ENTERPRISE: set(),
}

# Domain actions not yet declared in the policy (their edges still check for them); each one
# moved into the table leaves this list. A new action missing from both fails the test.
NOT_YET_DECLARED: dict[str, set[str]] = {}


# Actions a Django permission gates, not a role: revealing identity numbers asks
# ``people.reveal_identity`` (people.services.identity_access); re-keying them is a system process's.
PERMISSION_GATED = {"person_identity_reveal", "persons_identity_export_authorise", "persons_identity_rekey"}
PEOPLE_MODULES = tuple(
    f"counterpart.people.services.{name}"
    for name in (
        "households", "persons", "identity_access", "benefits", "trainings", "student_aid", "secondments",
        "staging",
    )
)  # fmt: skip


def _actions_of(module_name: str) -> set[str]:
    module = importlib.import_module(module_name)
    found = set()
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or function.__module__ != module_name:
            continue
        parameters = list(inspect.signature(function).parameters)
        if parameters and parameters[0] == "actor":
            found.add(name)
    return found


# Actions that ask the policy under another action's verb.
CHECKED_AS = {
    "program_found": "program_create",
    # each step under its own verb (projects.policy.STEP_VERBS); the step helpers call it
    "project_transition": "project_<step>",
    "china_division_load": "areas_upsert",
}


def test_every_action_of_the_wired_apps_is_in_the_table_or_listed_as_not_yet() -> None:
    declared = {rule.verb for rule in verbs()} | set(CHECKED_AS)
    pending = set().union(*NOT_YET_DECLARED.values())
    modules = (
        "counterpart.projects.services",
        "counterpart.projects.villages",
        "counterpart.indicators.services",
        "counterpart.indicators.assessment",
        "counterpart.registry.services",
        "counterpart.access.services",
        *PEOPLE_MODULES,
        "counterpart.enterprise.services",
    )
    for module in modules:
        unnamed = _actions_of(module) - declared - pending - PERMISSION_GATED
        assert not unnamed, f"actions of {module} the policy does not name: {sorted(unnamed)}"
    ledger = {name for name in _actions_of("counterpart.funds.services") if name.startswith("ledger_")}
    assert ledger <= declared, sorted(ledger - declared)


@pytest.fixture
def world(areas, actor):
    program = program_create(actor=actor, slug="qd-gz", name_zh="青岛—贵州", donor_area=areas["3702"], start_year=1996)
    other = program_create(actor=actor, slug="qd-xz", name_zh="青岛—西藏", donor_area=areas["3702"], start_year=1996)

    def pair(on, donor, recipient):
        return pairing_create(
            actor=actor,
            program=on,
            level=PairingLevel.DISTRICT_COUNTY,
            donor_area=areas[donor],
            recipient_area=areas[recipient],
            valid_from=datetime.date(2008, 1, 1),
        )

    targets = {
        "own_area": (program, areas["520422"], pair(program, "370202", "520422")),
        "other_area_same_program": (program, areas["520402"], pair(program, "370203", "520402")),
        # 普定县's own area, in a program that pairs only 西秀区: the program, not the area, refuses
        "other_program": (other, areas["520422"], None),
    }
    pair(other, "370202", "520402")
    for each in (program, other):
        period_lock(actor=actor, program=each, year=2009, reason="核定")
    users = {
        Role.PROGRAM_OFFICE: user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program),
        Role.RECIPIENT_OFFICE: user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"]),
        Role.DONOR_DISTRICT_OFFICE: user_with_membership(
            "shinan", role=Role.DONOR_DISTRICT_OFFICE, area=areas["370202"]
        ),
        Role.AUDITOR: user_with_membership("auditor", role=Role.AUDITOR),
    }
    return targets, users


def _service_call(verb: str, actor: Actor, program: Any, area: Any, pairing: Any, year: int) -> Callable[[], Any]:
    date = datetime.date(year, 5, 1)
    calls: dict[str, Callable[[], Any]] = {
        "project_propose": lambda: project_propose(
            actor=actor, program=program, code="M-1", title_zh="饮水", category="drinking_water",
            recipient_area=area, pairing=pairing, year=year, budget_fen=100,
        ),
        "reported_value_enter": lambda: reported_value_enter(
            actor=actor, program=program, indicator_key="beneficiaries", year=year, value="5", area=area,
            pairing=pairing,
        ),
        "training_create": lambda: training_create(
            actor=actor, program=program, kind="labour_transfer", title="培训", place=area,
            start_date=date, end_date=date, pairing=pairing,
        ),
        "ledger_commit": lambda: ledger_commit(
            actor=actor, program=program, date=date, source="fiscal_municipal", amount_fen=100,
            pairing=pairing, recipient_area=area,
        ),
    }  # fmt: skip
    return calls[verb]


def _api_call(verb: str, program: Any, area: Any, pairing: Any, year: int) -> tuple[str, dict]:
    date = f"{year}-05-01"
    common = {"program": program.slug, "pairing": pairing.pk if pairing else None}
    return {
        "project_propose": (
            "/projects",
            common
            | {
                "code": "M-1",
                "title_zh": "饮水",
                "category": "drinking_water",
                "recipient_area": area.code,
                "year": year,
                "budget_fen": 100,
            },
        ),
        "reported_value_enter": (
            "/reported-values",
            common
            | {
                "indicator_key": "beneficiaries",
                "year": year,
                "value": "5",
                "area": area.code,
            },
        ),
        "training_create": (
            "/trainings",
            common
            | {
                "kind": "labour_transfer",
                "title": "培训",
                "place": area.code,
                "start_date": date,
                "end_date": date,
            },
        ),
        "ledger_commit": (
            "/ledger/commitments",
            common
            | {
                "date": date,
                "source": "fiscal_municipal",
                "amount_fen": 100,
                "recipient_area": area.code,
            },
        ),
    }[verb]


WRITTEN = {
    "project_propose": Project,
    "reported_value_enter": ReportedValue,
    "training_create": Training,
    "ledger_commit": LedgerTransaction,
}


def test_every_action_role_target_period_and_edge_agrees_with_the_table(world) -> None:
    targets, users = world
    tokens = {role: api_token_create(actor=Actor.system("test"), user=user)[1] for role, user in users.items()}
    cases = mismatches = 0
    failures = []
    for verb, model in WRITTEN.items():
        grants = roles_for(verb)
        for role, user in users.items():
            for target_name in TARGETS:
                program, area, pairing = targets[target_name]
                for period, year in PERIODS.items():
                    scope = grants.get(role)
                    expected = scope is not None and target_name in COVERS[scope] and period == "open"
                    for edge in ("service", "api"):
                        cases += 1
                        with transaction.atomic():
                            before = model._default_manager.count()
                            if edge == "service":
                                try:
                                    _service_call(verb, Actor.of(user), program, area, pairing, year)()
                                    allowed = True
                                except (InvalidInput, PermissionDenied):
                                    allowed = False
                            else:
                                path, body = _api_call(verb, program, area, pairing, year)
                                status = ApiClient(tokens[role]).post(path, body).status_code
                                assert status in (201, 403, 404, 422), (verb, role, target_name, period, status)
                                allowed = status == 201
                            written = model._default_manager.count() - before
                            transaction.set_rollback(True)
                        if allowed != expected or written != int(allowed):
                            mismatches += 1
                            failures.append((verb, role.value, target_name, period, edge, allowed, expected))
    print(f"policy matrix: {cases} cases ({len(WRITTEN)} actions × {len(users)} roles × {len(TARGETS)} targets × "
          f"{len(PERIODS)} periods × 2 edges), {mismatches} disagreeing")  # fmt: skip
    assert not failures, failures
