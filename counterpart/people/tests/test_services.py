import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied

from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.funds.models import FundSource, LedgerTransaction
from counterpart.funds.services import ledger_commit
from counterpart.people import selectors
from counterpart.people.identity import identity_blind_index, identity_decrypt, identity_mask
from counterpart.people.models import (
    Benefit,
    BenefitKind,
    Person,
    Relation,
    Sex,
    StudentAid,
    TrainingKind,
)
from counterpart.people.services import (
    PersonRow,
    benefit_record,
    person_identity_reveal,
    person_register,
    persons_identity_rekey,
    persons_register_bulk,
    student_aid_grant,
    training_create,
    training_participants_add,
)
from counterpart.projects.services import project_propose
from counterpart.reports.annual import report_annual

from .factories import household, member, number

DAY = datetime.date(2009, 6, 1)


@pytest.fixture
def village(areas):
    return areas["520422100201"]


@pytest.fixture
def home(actor, village):
    return household(actor, village)


def _projects(program, pairing, areas, actor, count=3):
    return [
        project_propose(
            actor=actor,
            program=program,
            code=f"P-{n}",
            title_zh="项目",
            category="village_road",
            recipient_area=areas["520422"],
            pairing=pairing,
            year=2009,
            budget_fen=1_00,
        )
        for n in range(count)
    ]


def test_registering_a_head_sets_the_household_head_and_derives_birth_date(actor, home) -> None:
    head = member(actor, home, 11, relation=Relation.HEAD, name="王强")
    home.refresh_from_db()
    assert home.head == head
    assert head.birth_date == datetime.date(1980, 5, 17)
    assert (head.county_code, head.area_id) == ("520422", "520422100201")
    assert AuditEvent.objects.filter(action="person.register", object_id=str(head.pk)).exists()


def test_the_same_identity_number_cannot_be_registered_twice(actor, home, village) -> None:
    # given a person registered with a number
    member(actor, home, 21)
    # when the same number is registered again, in another spelling and household
    other = household(actor, village, "H-2")
    duplicate = number(21).lower()
    with pytest.raises(InvalidInput) as error:
        person_register(
            actor=actor,
            row=PersonRow(
                name="李四", sex=Sex.MALE, area=village, identity_number=duplicate, household=other, relation="head"
            ),
        )
    # then it is refused by the blind index, and the error shows only the masked number
    assert "不能登记" in error.value.reason  # the same words wherever it was registered (no oracle)
    assert error.value.value == identity_mask(number(21))
    text = f"{error.value} {error.value.messages} {error.value!r}"
    assert number(21) not in text and number(21).lower() not in text
    assert Person.objects.count() == 1


def test_bulk_registration_refuses_a_duplicate_and_writes_nothing(actor, home, village) -> None:
    rows = [
        PersonRow(name="甲", sex=Sex.MALE, area=village, identity_number=number(1), household=home, relation="child"),
        PersonRow(name="乙", sex=Sex.MALE, area=village, identity_number=number(3), household=home, relation="child"),
        PersonRow(name="丙", sex=Sex.MALE, area=village, identity_number=number(1), household=home, relation="child"),
    ]
    with pytest.raises(InvalidInput) as error:
        persons_register_bulk(actor=actor, rows=rows, source="test")
    assert error.value.field == "row 3"
    assert number(1) not in str(error.value)
    assert Person.objects.count() == 0
    assert persons_register_bulk(actor=actor, rows=rows[:2], source="test") == 2
    with pytest.raises(InvalidInput):
        persons_register_bulk(actor=actor, rows=rows[2:], source="test")  # already in the database
    assert Person.objects.count() == 2


def test_member_of_a_registered_household_needs_a_number_and_consistent_sex(actor, home, village) -> None:
    with pytest.raises(InvalidInput) as error:
        person_register(
            actor=actor, row=PersonRow(name="甲", sex=Sex.MALE, area=village, household=home, relation="child")
        )
    assert error.value.field == "identity_number"
    with pytest.raises(InvalidInput) as error:
        person_register(
            actor=actor,
            row=PersonRow(
                name="甲", sex=Sex.FEMALE, area=village, identity_number=number(1), household=home, relation="child"
            ),
        )
    assert "性别" in error.value.reason
    # a cadre on a course needs none
    cadre = person_register(actor=actor, row=PersonRow(name="干部", sex=Sex.MALE, area=village))
    assert (cadre.has_identity, str(cadre)) == (False, f"干部 #{cadre.pk}")


def test_same_person_in_three_projects_counts_once_everywhere(actor, program, pairing, areas, home) -> None:
    # given one person reached by three projects and a second person reached by one
    person = member(actor, home, 31)
    other = member(actor, home, 33)
    projects = _projects(program, pairing, areas, actor)
    for project in projects:
        benefit_record(actor=actor, program=program, kind=BenefitKind.PROJECT, date=DAY, person=person, project=project)
    benefit_record(actor=actor, program=program, kind=BenefitKind.PROJECT, date=DAY, person=other, project=projects[0])
    # then each counts once: for the year, the county, the pairing and the whole program
    assert Benefit.objects.count() == 4
    assert selectors.beneficiaries_count(program, 2009) == 2
    assert selectors.beneficiaries_count(program, 2009, area_code="520422") == 2
    assert selectors.beneficiaries_count(program, 2009, area_code="52") == 2
    assert selectors.beneficiaries_count(program, 2009, area_code="520402") == 0
    assert selectors.beneficiaries_count(program, 2009, pairing=pairing) == 2
    assert selectors.beneficiaries_by_county(program, 2009) == {"520422": 2}
    assert selectors.beneficiaries_by_pairing(program, 2009) == {pairing.pk: 2}
    assert selectors.beneficiaries_by_county_and_year(program) == {("520422", 2009): 2}
    assert selectors.beneficiaries_count(program, 2010) == 0
    assert selectors.beneficiaries_count(program, 2008, 2010) == 2
    figure = report_annual(program, 2009).as_json()["indicators"]["beneficiaries"]
    assert figure == {"value": 2, "unit": "persons", "source": "registry"}


def test_a_project_reaches_a_household_or_a_person_on_their_own_once(actor, program, pairing, areas, home) -> None:
    # given a household of two reached by a project
    first, second = member(actor, home, 51), member(actor, home, 53)
    projects = _projects(program, pairing, areas, actor)
    reach = {"actor": actor, "program": program, "kind": BenefitKind.PROJECT, "project": projects[0]}
    benefit_record(date=DAY, household=home, **reach)
    # when it is recorded again, another day: refused as a duplicate, nothing added
    with pytest.raises(InvalidInput) as error:
        benefit_record(date=DAY + datetime.timedelta(days=30), household=home, **reach)
    assert (error.value.field, error.value.reason) == ("household", "该户已记录为本项目的受益户，不能重复记录")
    # a member on their own is not the household: recorded (and still counted once); twice is a duplicate
    benefit_record(date=DAY, person=first, **reach)
    with pytest.raises(InvalidInput) as error:
        benefit_record(date=DAY, person=first, **reach)
    assert (error.value.field, error.value.reason) == ("person", "此人已记录为本项目的受益人，不能重复记录")
    # another project may reach the same household
    benefit_record(date=DAY, household=home, **(reach | {"project": projects[1]}))
    assert Benefit.objects.filter(project=projects[0]).count() == 3
    assert selectors.beneficiaries_count(program, 2009) == len({first.pk, second.pk})


def test_a_household_benefit_counts_its_members_at_that_date(actor, program, home, village) -> None:
    member(actor, home, 41)
    member(actor, home, 43)
    created = benefit_record(actor=actor, program=program, kind=BenefitKind.OTHER, date=DAY, household=home)
    assert len(created) == 2 and all(b.household_id == home.pk for b in created)
    member(actor, home, 45)  # joins later: not counted retroactively
    assert selectors.beneficiaries_count(program, 2009) == 2


def test_a_benefit_must_reach_a_registered_poor_person(actor, program, village) -> None:
    cadre = person_register(actor=actor, row=PersonRow(name="干部", sex=Sex.MALE, area=village))
    with pytest.raises(InvalidInput):
        benefit_record(actor=actor, program=program, kind=BenefitKind.OTHER, date=DAY, person=cadre)
    assert not Benefit.objects.exists()


def _revealer(with_permission: bool) -> User:
    user = User.objects.create_user("officer", password="x")
    if with_permission:
        user.user_permissions.add(Permission.objects.get(codename="reveal_identity"))
    return User.objects.get(pk=user.pk)


def test_reveal_needs_permission_and_reason_and_is_audited(actor, home) -> None:
    from counterpart.core.audit import Actor

    person = member(actor, home, 51)
    with pytest.raises(PermissionDenied):
        person_identity_reveal(actor=Actor.of(_revealer(False)), person=person, reason="核对")
    User.objects.all().delete()
    officer = Actor.of(_revealer(True))
    with pytest.raises(InvalidInput):
        person_identity_reveal(actor=officer, person=person, reason="  ")
    assert not AuditEvent.objects.filter(action="person.reveal_identity").exists()
    assert person_identity_reveal(actor=officer, person=person, reason="核对助学金发放") == number(51)
    event = AuditEvent.objects.get(action="person.reveal_identity")
    assert (event.reason, event.actor_label, event.object_id) == ("核对助学金发放", "officer", str(person.pk))
    assert number(51) not in str(event.after) + event.object_repr


def test_rekey_moves_rows_to_the_current_key_and_keeps_the_blind_index(actor, home, settings) -> None:
    # given rows encrypted under v1
    settings.COUNTERPART_IDENTITY_KEYS = {"v1": b"\x11" * 32}
    settings.COUNTERPART_IDENTITY_KEY_ID = "v1"
    people = [member(actor, home, n) for n in (61, 63, 65)]
    index_before = {p.pk: p.identity_blind_index for p in people}
    # when v2 becomes current and the rows are re-keyed
    settings.COUNTERPART_IDENTITY_KEYS = {"v1": b"\x11" * 32, "v2": b"\x22" * 32}
    settings.COUNTERPART_IDENTITY_KEY_ID = "v2"
    assert persons_identity_rekey(actor=actor, batch_size=2) == 3
    # then every row is under v2, decrypts to its number, and is still found by its blind index
    settings.COUNTERPART_IDENTITY_KEYS = {"v2": b"\x22" * 32}
    for person, n in zip(Person.objects.order_by("id"), (61, 63, 65), strict=True):
        assert person.identity_key_id == "v2"
        assert identity_decrypt("v2", person.identity_ciphertext or b"") == number(n)
        assert person.identity_blind_index == index_before[person.pk] == identity_blind_index(number(n))
    assert persons_identity_rekey(actor=actor) == 0


def test_student_aid_posts_a_disbursement_in_the_same_transaction(actor, program, pairing, home) -> None:
    student = member(actor, home, 72)
    commitment = ledger_commit(
        actor=actor, program=program, date=DAY, source=FundSource.SOCIAL, amount_fen=1_000_00, pairing=pairing
    )
    aid = student_aid_grant(
        actor=actor, commitment=commitment, student=student, school_name="马官镇中心小学", date=DAY, amount_fen=600_00
    )
    assert aid.ledger_transaction.kind == "disbursement" and aid.ledger_transaction.commitment == commitment
    assert selectors.students_aided(program, 2009) == 1
    assert Benefit.objects.get(kind=BenefitKind.STUDENT_AID).student_aid == aid
    # more than what is left is refused by the ledger, and no aid row is left behind
    transactions = LedgerTransaction.objects.count()
    with pytest.raises(InvalidInput):
        student_aid_grant(
            actor=actor,
            commitment=commitment,
            student=student,
            school_name="马官镇中心小学",
            date=DAY,
            amount_fen=400_01,
        )
    assert (StudentAid.objects.count(), LedgerTransaction.objects.count()) == (1, transactions)


def test_training_counts_registered_and_reported_apart(actor, program, areas, home) -> None:
    trainee = member(actor, home, 81)
    listed = training_create(
        actor=actor,
        program=program,
        kind=TrainingKind.LABOUR_TRANSFER,
        title="电焊工培训",
        place=areas["520422"],
        start_date=DAY,
        end_date=DAY,
    )
    assert training_participants_add(actor=actor, training=listed, persons=[trainee, trainee]) == 1
    training_create(
        actor=actor,
        program=program,
        kind=TrainingKind.LABOUR_TRANSFER,
        title="家政培训",
        place=areas["520422"],
        start_date=DAY,
        end_date=DAY,
        reported_participants=120,
        reported_placed=80,
    )
    figures = report_annual(program, 2009).as_json()["indicators"]
    assert figures["labour_trained"] == {
        "value": 120,
        "unit": "persons",
        "source": "reported",
        "records": {"value": 1, "source": "registry"},
    }
    assert figures["labour_transferred"] == {"value": 80, "unit": "persons", "source": "reported"}
    assert figures["training_courses"] == {"value": 2, "unit": "count", "source": "registry"}
    assert figures["beneficiaries"]["value"] == 1


def test_rekey_command_reports_what_it_did(actor, home, settings) -> None:
    from io import StringIO

    from django.core.management import call_command

    settings.COUNTERPART_IDENTITY_KEYS = {"v1": b"\x11" * 32}
    settings.COUNTERPART_IDENTITY_KEY_ID = "v1"
    member(actor, home, 91)
    settings.COUNTERPART_IDENTITY_KEYS = {"v1": b"\x11" * 32, "v2": b"\x22" * 32}
    settings.COUNTERPART_IDENTITY_KEY_ID = "v2"
    out = StringIO()
    call_command("identity_rekey", "--batch-size", "10", stdout=out)
    assert out.getvalue() == "已重新加密 re-encrypted 1 rows under key v2\n"
    assert AuditEvent.objects.filter(action="person.identity_rekey").count() == 1
