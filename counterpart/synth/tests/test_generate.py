import pytest
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from counterpart.funds import selectors
from counterpart.funds.models import AccountType, Posting
from counterpart.projects.models import Project
from counterpart.reports.annual import report_annual
from counterpart.synth.generate import synth_generate
from counterpart.synth.plan import synth_plan


@pytest.fixture
def generated(db):
    return synth_generate(synth_plan(0.0001, seed=7))


def test_the_plan_scales_to_national_figures() -> None:
    plan = synth_plan(1.0)
    assert (plan.counties, plan.villages, plan.projects) == (832, 128_000, 1_000_000)
    assert plan.postings >= 10_000_000
    assert synth_plan(0.1).projects == 100_000
    with pytest.raises(ValueError):
        synth_plan(2.0)


def test_generated_ledger_keeps_the_domain_rules(generated) -> None:
    program = generated.program
    assert not selectors.unbalanced_transactions(program).exists()
    # no stage account goes negative for any commitment and project
    for account in (AccountType.COMMITTED, AccountType.ALLOCATED, AccountType.DISBURSED):
        # a commitment's group is itself and every transaction drawing on it; below it, per project
        group = ["group"] if account == AccountType.COMMITTED else ["group", "transaction__project_id"]
        rows = (
            Posting.objects.filter(transaction__program=program, account__type=account)
            .annotate(group=Coalesce("transaction__commitment_id", "transaction_id"))
            .values(*group)
            .annotate(total=Sum("amount_fen"))
        )
        assert rows and all(row["total"] >= 0 for row in rows), account
    # everything allocated is disbursed, and each project's disbursements equal its budget
    for project in Project.objects.filter(program=program)[:20]:
        disbursed = Posting.objects.filter(
            transaction__project=project,
            account__type=AccountType.DISBURSED,
            amount_fen__gt=0,
            transaction__kind="disbursement",
        ).aggregate(total=Sum("amount_fen"))["total"]
        assert disbursed == project.budget_fen


def test_report_figures_equal_the_generated_records(generated) -> None:
    program = generated.program
    figures = report_annual(program, 2018).figures
    projects_2018 = Project.objects.filter(program=program, year=2018)
    assert figures["projects"].value == projects_2018.count()
    budget = projects_2018.aggregate(total=Sum("budget_fen"))["total"]
    assert figures["funds_disbursed"].value * 100 == budget
    assert figures["district_county_pairs"].value == len(generated.counties)


def test_generation_is_deterministic_for_a_seed(db) -> None:
    from counterpart.enterprise.models import EnterpriseReport
    from counterpart.people.models import BeneficiarySummary, Benefit, Person, Training, TrainingParticipant

    def fingerprint_of_a_run(seed: int) -> dict[str, list]:
        with transaction.atomic():
            program = synth_generate(synth_plan(0.0001, seed=seed)).program
            # everything but timestamps and ciphertexts (AES-GCM nonces are random by design)
            rows: dict[str, list] = {
                "projects": list(
                    Project.objects.filter(program=program)
                    .order_by("code")
                    .values_list("code", "recipient_area_id", "budget_fen", "category", "status")
                ),
                "postings": list(
                    Posting.objects.filter(transaction__program=program)
                    .order_by("id")
                    .values_list("transaction__date", "account__type", "amount_fen")
                ),
                "persons": list(
                    Person.objects.filter(household__number__startswith=f"S{program.pk}-")
                    .order_by("id")
                    .values_list("name", "birth_date", "area_id", "identity_blind_index")
                ),
                "benefits": list(
                    Benefit.objects.filter(program=program).order_by("id").values_list("person_id", "year", "kind")
                ),
                "trainings": list(
                    Training.objects.filter(program=program)
                    .order_by("id")
                    .values_list("kind", "start_date", "reported_participants", "reported_placed")
                ),
                "participants": list(
                    TrainingParticipant.objects.filter(training__program=program)
                    .order_by("id")
                    .values_list("training__title", "person_id")
                ),
                "enterprise_reports": list(
                    EnterpriseReport.objects.filter(program=program)
                    .order_by("id")
                    .values_list("area_id", "year", "actual_investment_fen", "employees")
                ),
                "summary": list(
                    BeneficiarySummary.objects.filter(program=program)
                    .order_by("year", "county_code")
                    .values_list("year", "county_code", "persons")
                ),
            }
            transaction.set_rollback(True)
        return rows

    first, second, other_seed = fingerprint_of_a_run(3), fingerprint_of_a_run(3), fingerprint_of_a_run(4)
    assert first == second
    assert all(first[table] for table in first), [table for table in first if not first[table]]
    assert len(first["projects"]) == synth_plan(0.0001).projects
    assert first["projects"] != other_seed["projects"] and first["trainings"] != other_seed["trainings"]


def test_trainings_enterprises_and_the_summary_reach_the_report(generated) -> None:
    from counterpart.people import selectors as people_selectors
    from counterpart.people.summary import beneficiary_summary_mismatches
    from counterpart.people.years_reached import years_reached_mismatches

    program = generated.program
    figures = report_annual(program, 2018).as_json()["indicators"]
    assert figures["training_courses"]["value"] == people_selectors.trainings_of(program, 2018).count() > 0
    assert figures["labour_trained"]["records"]["value"] > 0  # listed participants beside the reported total
    assert figures["jobs_created"]["value"] > 0 and figures["employees"]["value"] > 0
    assert figures["beneficiaries"]["value"] == people_selectors.beneficiaries_count(program, 2018)
    assert beneficiary_summary_mismatches(program.pk) == []
    # the persons reached over a range, from the start or not, come from the years-reached summary the
    # rebuild filled
    for first_year in (2016, 2018):
        cumulative = report_annual(program, first_year, 2020).as_json()["indicators"]["beneficiaries"]["value"]
        assert cumulative == people_selectors.beneficiaries_count(program, first_year, 2020) > 0
    assert years_reached_mismatches(program.pk) == []
    # and the dashboard's pairing and township summaries, filled by the same rebuild, are not empty
    from counterpart.people.models import PairingReachSummary, TownshipReachSummary
    from counterpart.people.pairing_reach import pairing_reach_mismatches
    from counterpart.people.township_reach import township_reach_mismatches

    assert pairing_reach_mismatches(program.pk) == [] and township_reach_mismatches(program.pk) == []
    assert PairingReachSummary.objects.filter(program=program).exists()
    assert TownshipReachSummary.objects.filter(program=program).exists()


def test_the_same_dataset_twice_is_refused(generated) -> None:
    with pytest.raises(ValueError):
        synth_generate(synth_plan(0.0001, seed=7))


def test_generated_people_have_valid_protected_numbers_and_are_counted_once(generated) -> None:
    from counterpart.people.identity import identity_decrypt, identity_parse
    from counterpart.people.models import Benefit, Person

    program = generated.program
    persons = Person.objects.filter(county_code__in=generated.counties)
    assert persons.count() >= 60
    person = persons.first()
    assert person is not None and person.identity_ciphertext is not None
    identity_parse(identity_decrypt(person.identity_key_id, person.identity_ciphertext))  # a valid number
    unique = Benefit.objects.filter(program=program, year=2018).values("person_id").distinct().count()
    assert unique and report_annual(program, 2018).figures["beneficiaries"].value == unique
