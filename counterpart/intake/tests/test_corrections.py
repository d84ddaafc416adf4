"""The two import kinds of issue 18: ledger reversals and households' status by year."""

import datetime

import pytest

from counterpart.access.models import Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.audit import Actor
from counterpart.funds.models import FundSource, LedgerTransaction, TransactionKind
from counterpart.funds.services import ledger_commit
from counterpart.intake.kinds import kind_get
from counterpart.intake.services import import_file
from counterpart.people.models import HouseholdStatus
from counterpart.people.services import household_register

pytestmark = pytest.mark.django_db

REVERSAL_HEADER = ["协作项目", "被冲销交易外部编号", "冲销日期", "冲销原因"]
STATUS_HEADER = ["户编号", "年度", "贫困状态", "原因"]


@pytest.fixture
def entry(program, actor):
    return ledger_commit(
        actor=actor,
        program=program,
        date=datetime.date(2010, 3, 1),
        source=FundSource.SOCIAL,
        amount_fen=1_000_00,
        external_ref="BANK-7",
    )


def test_a_file_of_reversals_reverses_and_a_second_load_changes_nothing(program, actor, entry, write_csv) -> None:
    rows = [REVERSAL_HEADER, [program.slug, "BANK-7", "2010-03-04", "银行退票"]]
    result = import_file(actor=actor, path=write_csv("reversals.csv", rows), kind="ledger_reversals")
    assert result.ok, result.errors
    reversal = LedgerTransaction.objects.get(reverses=entry)
    assert (reversal.kind, reversal.date, reversal.description) == (
        TransactionKind.REVERSAL,
        entry.date.replace(day=4),
        "银行退票",
    )
    again = import_file(actor=actor, path=write_csv("again.csv", rows), kind="ledger_reversals")
    assert again.ok, again.errors
    assert LedgerTransaction.objects.filter(reverses=entry).count() == 1
    # and the export is a valid import file of the same rows
    assert list(kind_get("ledger_reversals").export_rows(program)) == [
        {"program": program.slug, "reverses_ref": "BANK-7", "date": datetime.date(2010, 3, 4), "reason": "银行退票"}
    ]


def test_a_reversal_dated_before_its_entry_is_refused_on_its_row(program, actor, entry, write_csv) -> None:
    rows = [REVERSAL_HEADER, [program.slug, "BANK-7", "2010-02-01", "错"]]
    result = import_file(actor=actor, path=write_csv("early.csv", rows), kind="ledger_reversals")
    assert [(e.row, e.column) for e in result.errors] == [(2, "冲销日期")]
    assert not LedgerTransaction.objects.filter(reverses=entry).exists()


def test_an_unknown_reference_is_refused_by_name(program, actor, write_csv) -> None:
    rows = [REVERSAL_HEADER, [program.slug, "NOPE", "2010-03-04", "错"]]
    result = import_file(actor=actor, path=write_csv("unknown.csv", rows), kind="ledger_reversals")
    assert [(e.column, e.value) for e in result.errors] == [("被冲销交易外部编号", "NOPE")]


def test_household_statuses_load_update_and_refuse_a_return_without_cause(areas, actor, write_csv) -> None:
    home = household_register(
        actor=actor, number="H-9", village=areas["520422100201"], poverty_cause="illness", year=2009
    )
    rows = [STATUS_HEADER, ["H-9", "2011", "lifted", "务工增收"], ["H-9", "2012", "returned", "因病"]]
    assert import_file(actor=actor, path=write_csv("s.csv", rows), kind="household_statuses").ok
    changed = [STATUS_HEADER, ["H-9", "2012", "returned", "因灾"]]
    assert import_file(actor=actor, path=write_csv("s2.csv", changed), kind="household_statuses").ok
    statuses = {(s.year, s.status, s.reason) for s in HouseholdStatus.objects.filter(household=home)}
    assert statuses == {(2009, "registered", ""), (2011, "lifted", "务工增收"), (2012, "returned", "因灾")}
    refused = import_file(
        actor=actor,
        path=write_csv("s3.csv", [STATUS_HEADER, ["H-9", "2013", "returned", ""]]),
        kind="household_statuses",
    )
    assert [(e.row, e.column) for e in refused.errors] == [(2, "原因")]


def test_a_county_loads_statuses_of_its_own_households_only(areas, write_csv) -> None:
    system = Actor.system("test")
    household_register(actor=system, number="H-P", village=areas["520422100201"], poverty_cause="illness", year=2009)
    xixiu = user_with_membership("xixiu", role=Role.RECIPIENT_OFFICE, area=areas["520402"])
    result = import_file(
        actor=Actor.of(xixiu),
        path=write_csv("x.csv", [STATUS_HEADER, ["H-P", "2012", "lifted", ""]]),
        kind="household_statuses",
    )
    assert [e.column for e in result.errors] == ["户编号"]
    assert not HouseholdStatus.objects.filter(year=2012).exists()
