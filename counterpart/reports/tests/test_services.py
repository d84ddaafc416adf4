import datetime

import pytest

from counterpart.core.errors import InvalidInput
from counterpart.funds.models import FundSource
from counterpart.funds.services import ledger_commit, ledger_disburse
from counterpart.reports.book import report_book
from counterpart.reports.models import CertifiedReport
from counterpart.reports.services import report_certify, report_unlock

DAY = datetime.date(2009, 6, 1)


def _give(program, actor, fen: int) -> None:
    commitment = ledger_commit(
        actor=actor, program=program, date=DAY, source=FundSource.FISCAL_MUNICIPAL, amount_fen=fen
    )
    ledger_disburse(actor=actor, commitment=commitment, date=DAY, amount_fen=fen)


def test_certifying_locks_the_year_and_a_later_change_is_never_silent(program, actor) -> None:
    # given a 2009 report with 100.00 of fiscal aid, certified
    _give(program, actor, 100_00)
    certified = report_certify(actor=actor, program=program, year=2009, note="市协作办核定")
    assert certified.report["indicators"]["fiscal_aid"]["value"] == 100
    assert report_book(program, 2009, detail=False).locked
    # then the year refuses changes
    with pytest.raises(InvalidInput):
        _give(program, actor, 1_00)
    with pytest.raises(InvalidInput):
        report_certify(actor=actor, program=program, year=2009)
    # when it is unlocked with a reason and a correction is posted
    report_unlock(actor=actor, program=program, year=2009, reason="审计发现漏记一笔拨付")
    _give(program, actor, 1_00)
    # then the report shows the figure differs from what was certified
    book = report_book(program, 2009, detail=False)
    assert not book.locked
    changed = {w.key: w for w in book.main.warnings if w.check == "differs_from_certified"}
    assert {"fiscal_aid", "total_support", "funds_disbursed"} <= set(changed)
    assert "100" in changed["fiscal_aid"].message_en and "101" in changed["fiscal_aid"].message_en
    # and a new certification keeps the old one beside it
    report_certify(actor=actor, program=program, year=2009, note="更正后重新核定")
    assert CertifiedReport.objects.filter(program=program, year=2009).count() == 2
    assert not [
        w for w in report_book(program, 2009, detail=False).main.warnings if w.check == "differs_from_certified"
    ]


def test_a_locked_year_refuses_people_and_enterprise_writes_too(program, project, areas, actor) -> None:
    from counterpart.people.services import training_create

    report_certify(actor=actor, program=program, year=2009)
    with pytest.raises(InvalidInput) as error:
        training_create(
            actor=actor,
            program=program,
            kind="cadre_technician",
            title="培训",
            place=areas["520422"],
            start_date=datetime.date(2009, 5, 1),
            end_date=datetime.date(2009, 5, 3),
        )
    assert error.value.value == 2009
