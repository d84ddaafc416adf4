"""Imports go through the actions, so the one policy and the period guard refuse the whole file,
naming its row (issue 14's reproductions)."""

import pytest

from counterpart.access.models import Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.audit import Actor
from counterpart.funds.models import LedgerTransaction
from counterpart.intake.services import import_file
from counterpart.people.models import TrainingParticipant
from counterpart.people.tests.factories import household, member
from counterpart.registry.services import period_lock, program_create

from .test_activities import PARTICIPANT_HEADER, TRAINING_HEADER, number
from .test_services import LEDGER_HEADER

pytestmark = pytest.mark.django_db


def test_a_program_office_imports_no_money_into_another_program(program, areas, actor, write_csv):
    # given: the office of qd-gz, and another program it does not run
    program_create(actor=actor, slug="qd-xz", name_zh="青岛—西藏", donor_area=areas["3702"], start_year=1996)
    office = Actor.of(user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program))
    rows = [
        LEDGER_HEADER,
        ["qd-gz", "QD-1", "commitment", "2010-03-01", "fiscal_municipal", "100", "", ""],
        ["qd-xz", "XZ-1", "commitment", "2010-03-01", "fiscal_municipal", "100", "", ""],
    ]
    # when
    result = import_file(actor=office, path=write_csv("ledger.csv", rows), kind="ledger")
    # then: the whole file is refused, naming the row of the other program
    assert [(e.row, e.column, e.value, e.message_zh) for e in result.errors] == [
        (3, "协作项目", "qd-xz", "该协作项目不在您的权限范围内")
    ]
    assert not LedgerTransaction.objects.exists()


def test_a_county_imports_no_participants_into_a_certified_year(program, pairing, areas, actor, write_csv):
    # given: a 2009 course of 普定县 with a registered participant, and 2009 certified
    course = [TRAINING_HEADER, ["qd-gz", "labour_transfer", "电焊培训班", "2009-05-01", "2009-05-20", "520422", 40]]
    assert import_file(actor=actor, path=write_csv("trainings.csv", course), kind="trainings").ok
    member(actor, household(actor, areas["520422100201"]), 1, name="学员1")
    period_lock(actor=actor, program=program, year=2009, reason="核定")
    county = Actor.of(user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"]))
    rows = [PARTICIPANT_HEADER, ["qd-gz", "labour_transfer", "电焊培训班", "2009-05-01", number(1), ""]]
    # when
    result = import_file(actor=county, path=write_csv("p.csv", rows), kind="training_participants")
    # then
    assert [(e.row, e.message_zh) for e in result.errors] == [
        (2, "2009 年度数据已锁定（报告已核定），如需修改请先解锁并说明原因")
    ]
    assert not TrainingParticipant.objects.exists()
