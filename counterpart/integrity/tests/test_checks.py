import datetime

from django.db import connection

from counterpart.funds.models import FundSource
from counterpart.funds.services import ledger_commit, ledger_disburse
from counterpart.integrity.checks import integrity_run
from counterpart.registry.models import Pairing, PairingLevel
from counterpart.synth.generate import synth_generate
from counterpart.synth.plan import synth_plan


def _failing(codes=None) -> set[str]:
    return {f.check.code for f in integrity_run(codes) if f.count}


def test_a_sound_database_passes_every_check(program, pairing, project, actor) -> None:
    commitment = ledger_commit(
        actor=actor, program=program, date=datetime.date(2009, 2, 1), source=FundSource.SOCIAL, amount_fen=10_00
    )
    ledger_disburse(actor=actor, commitment=commitment, date=datetime.date(2009, 3, 1), amount_fen=4_00)
    assert _failing() == set()


def test_overlapping_pairings_written_behind_the_services_back_are_found(pairing) -> None:
    Pairing.objects.create(
        program=pairing.program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=pairing.donor_area,
        recipient_area=pairing.recipient_area,
        valid_from=datetime.date(2010, 1, 1),
    )
    assert _failing() == {"pairing.overlap"}


def test_an_unbalanced_or_overdrawn_ledger_is_found(program, actor) -> None:
    commitment = ledger_commit(
        actor=actor, program=program, date=datetime.date(2009, 2, 1), source=FundSource.SOCIAL, amount_fen=10_00
    )
    disbursement = ledger_disburse(actor=actor, commitment=commitment, date=datetime.date(2009, 3, 1), amount_fen=10_00)
    # raw SQL, as a bug or a bad restore might: SQLite has no immutability triggers to stop it
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE funds_posting SET amount_fen = amount_fen * 2 WHERE transaction_id = %s AND amount_fen > 0",
                [disbursement.pk],
            )
        assert {"ledger.unbalanced", "ledger.disbursed_above_committed"} <= _failing()


def test_two_synthetic_datasets_in_one_database_keep_the_rules(db) -> None:
    synth_generate(synth_plan(0.0001, seed=1))
    synth_generate(synth_plan(0.0002, seed=2))
    assert _failing() == set()


def test_a_tampered_beneficiary_summary_row_is_found(actor, program, project, areas) -> None:
    from counterpart.people.models import BeneficiarySummary, BenefitKind
    from counterpart.people.services import benefit_record
    from counterpart.people.tests.factories import household, member

    person = member(actor, household(actor, areas["520422100201"]), 11)
    benefit_record(
        actor=actor,
        program=program,
        kind=BenefitKind.PROJECT,
        date=datetime.date(2009, 6, 1),
        person=person,
        project=project,
    )
    assert _failing(["people.beneficiary_summary"]) == set()
    BeneficiarySummary.objects.filter(program=program).update(persons=2)  # as a bad restore or a bypassed write
    findings = integrity_run(["people.beneficiary_summary"])
    assert findings[0].count == 1 and findings[0].sample == [((program.pk, 2009, "520422"), 2, 1)]


def test_a_tampered_ledger_summary_row_is_found(program, project, actor) -> None:
    from counterpart.funds.models import LedgerSummary

    ledger_commit(
        actor=actor, program=program, date=datetime.date(2009, 2, 1), source=FundSource.SOCIAL, amount_fen=10_00
    )
    assert _failing(["ledger.summary"]) == set()
    LedgerSummary.objects.filter(program=program, amount_fen__gt=0).update(amount_fen=11_00)
    findings = integrity_run(["ledger.summary"])
    assert findings[0].count == 1 and findings[0].sample[0][1:] == (11_00, 10_00)


def test_a_county_code_that_disagrees_with_the_area_is_found(actor, areas) -> None:
    # The county code is what a county office's scope matches on (access.scoping): a disagreeing
    # one would show a household or person to the wrong county.
    from counterpart.people.models import Household, Person
    from counterpart.people.tests.factories import household, member

    home = household(actor, areas["520422100201"], "H-9")
    member(actor, home, 12)
    assert _failing(["household.county_not_village", "person.county_not_area"]) == set()
    Household.objects.filter(pk=home.pk).update(county_code="520402")
    Person.objects.filter(household=home).update(county_code="520402")
    assert _failing(["household.county_not_village", "person.county_not_area"]) == {
        "household.county_not_village",
        "person.county_not_area",
    }


def test_a_reversal_dated_before_the_entry_it_reverses_is_found(program, actor) -> None:
    from counterpart.funds.services import ledger_reverse

    commitment = ledger_commit(
        actor=actor, program=program, date=datetime.date(2011, 6, 3), source=FundSource.SOCIAL, amount_fen=10_00
    )
    reversal = ledger_reverse(actor=actor, original=commitment, date=datetime.date(2011, 6, 4), reason="录错")
    assert _failing() == set()
    # written before the service refused it (raw SQL: PostgreSQL's immutability triggers forbid it)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE funds_ledgertransaction SET date = '2011-01-01' WHERE id = %s", [reversal.pk])
        assert _failing() == {"ledger.reversal_before_original"}
