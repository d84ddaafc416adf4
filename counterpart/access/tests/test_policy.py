"""The one policy: each reproduction of issue 14 is refused by the action, whatever edge calls it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from counterpart.access.models import Role
from counterpart.access.policy import Target, may, policy_check, verbs
from counterpart.access.setup_policy import OPERATOR_VERBS
from counterpart.access.tests.factories import user_with_membership
from counterpart.api.tests.conftest import ApiClient, user_with_token
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.funds.models import LedgerTransaction
from counterpart.indicators.models import ReportedValue
from counterpart.people.models import Training
from counterpart.projects.models import Project
from counterpart.registry.models import PairingLevel
from counterpart.registry.services import pairing_create, period_lock, program_create


@pytest.fixture
def other_program(areas, actor):
    """A second program of the same donor city that pairs 西秀区 only (qingdao-tibet's part)."""
    other = program_create(actor=actor, slug="qd-xz", name_zh="青岛—西藏", donor_area=areas["3702"], start_year=1996)
    pairing_create(
        actor=actor,
        program=other,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520402"],
        valid_from=datetime.date(2008, 1, 1),
    )
    return other


def _project_body(program: str, area: str = "520422") -> dict:
    return {
        "program": program,
        "code": "P-900",
        "title_zh": "人畜饮水",
        "category": "drinking_water",
        "recipient_area": area,
        "year": 2009,
        "budget_fen": 100_00,
    }


def test_every_declared_verb_names_only_known_roles_and_the_table_is_not_empty(db) -> None:
    rules = list(verbs())
    assert len(rules) >= 10
    operator_only = {rule.verb for rule in OPERATOR_VERBS}
    for rule in rules:
        assert rule.grants or rule.verb in operator_only, rule.verb
        assert Role.AUDITOR not in rule.grants, rule.verb  # the auditor reads, never writes


def test_a_county_cannot_write_into_a_program_that_does_not_pair_it(program, pairing, other_program) -> None:
    # given: 普定县 is paired in qd-gz only
    _user, token = user_with_token("puding", role=Role.RECIPIENT_OFFICE, area=pairing.recipient_area)
    puding = ApiClient(token)
    # when
    project = puding.post("/projects", _project_body("qd-xz"))
    figure = puding.post(
        "/reported-values",
        {"program": "qd-xz", "indicator_key": "labour_trained", "year": 2009, "value": "5000", "area": "520422"},
    )
    training = puding.post(
        "/trainings",
        {
            "program": "qd-xz",
            "kind": "labour_transfer",
            "title": "培训",
            "place": "520422",
            "start_date": "2009-05-01",
            "end_date": "2009-05-02",
        },
    )
    # then
    for response in (project, figure, training):
        assert response.status_code == 422, response.content
        assert response.json()["errors"][0]["field"] == "program"
        assert response.json()["errors"][0]["message"] == "该协作项目不在您的权限范围内"
    assert not Project.objects.filter(program=other_program).exists()
    assert not ReportedValue.objects.exists()
    assert not Training.objects.exists()
    # and in its own program it may
    assert puding.post("/projects", _project_body("qd-gz")).status_code == 201


def test_a_program_office_cannot_commit_money_to_another_program(program, other_program) -> None:
    _user, token = user_with_token("office", role=Role.PROGRAM_OFFICE, program=program)
    body = {"program": "qd-xz", "date": "2010-03-01", "source": "fiscal_municipal", "amount_fen": 100_00}
    response = ApiClient(token).post("/ledger/commitments", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "program"
    assert not LedgerTransaction.objects.exists()


def test_the_refusal_is_in_english_for_an_english_request(program, pairing, other_program) -> None:
    user = user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=pairing.recipient_area)
    target = Target(program=other_program.pk, area="520422")
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        policy_check(Actor.of(user), "project_propose", target)
    assert refused.value.field == "program"
    assert "not within your" in refused.value.reason


def test_an_auditor_and_an_anonymous_actor_may_do_nothing(program, pairing) -> None:
    auditor = user_with_membership("auditor", role=Role.AUDITOR)
    target = Target(program=program.pk, area="520422", donor_area="370202")
    for verb in [rule.verb for rule in verbs()]:
        assert not may(Actor.of(auditor), verb, target), verb
        assert not may(Actor.of(None), verb, target), verb
    with pytest.raises(PermissionDenied):
        policy_check(Actor.of(auditor), "project_propose", target)


def test_a_target_without_a_program_is_refused_even_to_the_system() -> None:
    with pytest.raises(InvalidInput) as refused:
        policy_check(Actor.system("test"), "project_propose", Target(program=None, area="520422"))
    assert refused.value.field == "program"


def test_a_certified_year_refuses_training_participants(program, pairing, areas, actor) -> None:
    from counterpart.people.services import PersonRow, person_register, training_create, training_participants_add

    training = training_create(
        actor=actor,
        program=program,
        kind="labour_transfer",
        title="培训",
        place=areas["520422"],
        start_date=datetime.date(2009, 5, 1),
        end_date=datetime.date(2009, 5, 2),
    )
    person = person_register(actor=actor, row=PersonRow(name="张三", sex="male", area=areas["520422"]))
    period_lock(actor=actor, program=program, year=2009, reason="核定")
    with pytest.raises(InvalidInput) as refused:
        training_participants_add(actor=actor, training=training, persons=[person])
    assert refused.value.field == "start_date"
    assert not training.participants.exists()


def test_a_reversal_dated_before_its_entry_is_refused(program, actor) -> None:
    from counterpart.funds.services import ledger_commit, ledger_reverse

    commitment = ledger_commit(
        actor=actor, program=program, date=datetime.date(2011, 6, 3), source="fiscal_municipal", amount_fen=100_00
    )
    with pytest.raises(InvalidInput) as refused:
        ledger_reverse(actor=actor, original=commitment, date=datetime.date(2011, 1, 1), reason="录错")
    assert refused.value.field == "date"
    assert LedgerTransaction.objects.count() == 1
