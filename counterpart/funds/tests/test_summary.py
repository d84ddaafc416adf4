"""The ledger summary follows every kind of posting and gives the report the postings' own sums."""

import datetime

from counterpart.funds.models import FundSource, LedgerSummary
from counterpart.funds.services import (
    ledger_allocate,
    ledger_commit,
    ledger_disburse,
    ledger_donate_in_kind,
    ledger_refund,
    ledger_reverse,
    ledger_spend,
)
from counterpart.funds.summary import ledger_summary_mismatches, ledger_summary_rebuild
from counterpart.reports.annual import AnnualReport, Scope, ledger_totals, report_annual


def _every_kind_of_posting(actor, program, pairing, project, areas) -> None:
    day = datetime.date(2009, 3, 1)
    commitment = ledger_commit(
        actor=actor, program=program, date=day, source=FundSource.FISCAL_MUNICIPAL, amount_fen=1_000_00, pairing=pairing
    )
    ledger_allocate(actor=actor, commitment=commitment, project=project, date=day, amount_fen=600_00)
    disbursement = ledger_disburse(actor=actor, commitment=commitment, project=project, date=day, amount_fen=500_00)
    ledger_spend(actor=actor, disbursement=disbursement, date=day, amount_fen=300_00)
    ledger_refund(actor=actor, disbursement=disbursement, date=day, amount_fen=50_00)
    to_county = ledger_disburse(
        actor=actor,
        commitment=commitment,
        date=datetime.date(2010, 1, 5),
        amount_fen=100_00,
        recipient_area=areas["520422"],
    )
    ledger_reverse(actor=actor, original=to_county, date=datetime.date(2010, 1, 6), reason="wrong county")
    ledger_donate_in_kind(
        actor=actor,
        program=program,
        date=day,
        source=FundSource.SOCIAL,
        value_fen=80_00,
        item_description="衣物",
        item_quantity=10,
        item_unit="件",
        recipient_area=areas["520422"],
    )


def test_every_kind_of_posting_keeps_the_summary_equal_to_the_postings(actor, program, pairing, project, areas):
    _every_kind_of_posting(actor, program, pairing, project, areas)
    assert LedgerSummary.objects.filter(program=program).exists()
    assert ledger_summary_mismatches() == []
    # the program-wide totals (from the summary) equal the same groups over the postings (a scope that
    # covers the whole program but is read from the postings: the recipient province)
    for year, year_to in ((2009, None), (2010, None), (2009, 2010)):
        summarised = AnnualReport(program=program, year=year, year_to=year_to)
        from_postings = AnnualReport(program=program, year=year, year_to=year_to, scope=Scope(area_code=""))
        assert sorted(ledger_totals(summarised).rows, key=str) == sorted(ledger_totals(from_postings).rows, key=str)
    figures = report_annual(program, 2009).as_json()["indicators"]
    assert figures["funds_disbursed"]["value"] == 500 - 50  # disbursed (of which 300 spent) less the refund
    assert figures["in_kind_value"]["value"] == 80


def test_rebuild_gives_back_what_increments_built(actor, program, pairing, project, areas) -> None:
    _every_kind_of_posting(actor, program, pairing, project, areas)
    built = sorted(LedgerSummary.objects.values_list("year", "county_code", "account_type", "source", "amount_fen"))
    assert ledger_summary_rebuild(program.pk) == len(built)
    rebuilt = sorted(LedgerSummary.objects.values_list("year", "county_code", "account_type", "source", "amount_fen"))
    assert rebuilt == built
