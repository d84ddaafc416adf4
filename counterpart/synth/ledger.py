"""Synthetic projects and their ledger: commitments and disbursements that balance, by COPY."""

import datetime
import random

from counterpart.funds.models import Account, AccountType, FundSource, LedgerTransaction, Posting, TransactionKind
from counterpart.funds.services import ledger_accounts_ensure
from counterpart.projects.models import DAC_PURPOSE_BY_CATEGORY, Project, ProjectCategory

from .bulk import bulk_write, next_id
from .plan import YEARS, Generated, Plan, Progress

PROJECTS_CHUNK = 100_000


CATEGORIES = [c for c in ProjectCategory.values if c != ProjectCategory.OTHER]


STATUSES: list[str] = ["accepted"] * 6 + ["completed"] * 2 + ["under_construction"] * 2


def synth_projects_and_ledger(
    plan: Plan, rng: random.Random, generated: Generated, progress: Progress
) -> dict[str, dict[int, list[tuple[int, int, str, str]]]]:
    program = generated.program
    accounts: dict[str, Account] = ledger_accounts_ensure(program)
    account = {kind: accounts[kind].pk for kind in AccountType.values}
    project_first, transaction_first, posting_first = next_id(Project), next_id(LedgerTransaction), next_id(Posting)
    per_county = max(1, plan.projects // plan.counties)
    now = datetime.datetime.now(tz=datetime.UTC)

    projects: list[tuple] = []
    # county → year → [(project id, budget, status, village)]
    plan_by_county: dict[str, dict[int, list[tuple[int, int, str, str]]]] = {}
    villages_per_county = plan.villages_per_county

    def flush_projects() -> None:
        # written in chunks so memory stays bounded at national scale (1 M projects)
        bulk_write(
            Project,
            [
                "id",
                "program_id",
                "code",
                "title_zh",
                "title_en",
                "description",
                "category",
                "purpose_code",
                "recipient_area_id",
                "pairing_id",
                "year",
                "budget_fen",
                "status",
                "reported_beneficiaries",
                "is_illustrative",
                "created_at",
            ],
            projects,
        )
        progress("projects", len(projects))
        projects.clear()

    project_id = project_first
    for county_index, county in enumerate(generated.counties):
        count = per_county + (1 if county_index < plan.projects - per_county * plan.counties else 0)
        years: dict[int, list[tuple[int, int, str, str]]] = {year: [] for year in YEARS}
        for number in range(count):
            year = YEARS[number % len(YEARS)]
            category = CATEGORIES[rng.randrange(len(CATEGORIES))]
            budget = rng.randrange(10_000, 2_000_000) * 100
            status = STATUSES[rng.randrange(len(STATUSES))]
            village = generated.villages[county_index * villages_per_county + number % villages_per_county]
            projects.append(
                (
                    project_id,
                    program.pk,
                    f"S{county}-{number:05d}",
                    f"合成项目 {county}-{number}",
                    f"Synthetic project {county}-{number}",
                    "",
                    category,
                    DAC_PURPOSE_BY_CATEGORY[category],
                    village,
                    generated.pairings[county],
                    year,
                    budget,
                    status,
                    rng.randrange(20, 2000),
                    True,
                    now,
                )
            )
            years[year].append((project_id, budget, status, village))
            project_id += 1
            if len(projects) >= PROJECTS_CHUNK:
                flush_projects()
        plan_by_county[county] = years
    flush_projects()

    transactions: list[tuple] = []
    postings: list[tuple] = []
    counters = {"transaction": transaction_first, "posting": posting_first}

    def post(
        kind: str,
        date: datetime.date,
        source: str,
        pairing: int,
        area: str,
        project: int | None,
        commitment: int | None,
        debit: str,
        credit: str,
        fen: int,
    ) -> int:
        tid = counters["transaction"]
        counters["transaction"] += 1
        transactions.append(
            (
                tid,
                program.pk,
                kind,
                date,
                date.year,
                source,
                pairing,
                area,
                project,
                commitment,
                None,
                "",
                "",
                None,
                "",
                True,
                None,
                now,
                None,
                "synth",
                "",
            )
        )
        postings.append((counters["posting"], tid, account[debit], fen, area[:6]))
        postings.append((counters["posting"] + 1, tid, account[credit], -fen, area[:6]))
        counters["posting"] += 2
        return tid

    sources = [FundSource.FISCAL_PROVINCIAL, FundSource.FISCAL_MUNICIPAL, FundSource.FISCAL_DISTRICT]
    for county, years in plan_by_county.items():
        pairing = generated.pairings[county]
        for year, items in years.items():
            if not items:
                continue
            source = sources[rng.randrange(len(sources))]
            total = sum(budget for _pid, budget, _status, _village in items)
            commitment = post(
                TransactionKind.COMMITMENT,
                datetime.date(year, 3, 1),
                source,
                pairing,
                county,
                None,
                None,
                AccountType.COMMITTED,
                AccountType.CONTRIBUTIONS,
                total,
            )
            for pid, budget, status, village in items:
                first_tranche = budget * 6 // 10
                second_tranche = budget - first_tranche
                post(
                    TransactionKind.ALLOCATION,
                    datetime.date(year, 4, 1),
                    source,
                    pairing,
                    village,
                    pid,
                    commitment,
                    AccountType.ALLOCATED,
                    AccountType.COMMITTED,
                    budget,
                )
                post(
                    TransactionKind.DISBURSEMENT,
                    datetime.date(year, 5, 1),
                    source,
                    pairing,
                    village,
                    pid,
                    commitment,
                    AccountType.DISBURSED,
                    AccountType.ALLOCATED,
                    first_tranche,
                )
                post(
                    TransactionKind.DISBURSEMENT,
                    datetime.date(year, 9, 1),
                    source,
                    pairing,
                    village,
                    pid,
                    commitment,
                    AccountType.DISBURSED,
                    AccountType.ALLOCATED,
                    second_tranche,
                )
                spent_second = second_tranche if status != "under_construction" else second_tranche // 2
                post(
                    TransactionKind.EXPENDITURE,
                    datetime.date(year, 8, 1),
                    source,
                    pairing,
                    village,
                    pid,
                    commitment,
                    AccountType.SPENT,
                    AccountType.DISBURSED,
                    first_tranche,
                )
                if spent_second:
                    post(
                        TransactionKind.EXPENDITURE,
                        datetime.date(year, 12, 1),
                        source,
                        pairing,
                        village,
                        pid,
                        commitment,
                        AccountType.SPENT,
                        AccountType.DISBURSED,
                        spent_second,
                    )
        if len(postings) > 200_000:
            _flush(transactions, postings, progress)
    _flush(transactions, postings, progress)
    return plan_by_county


def _flush(transactions: list[tuple], postings: list[tuple], progress: Progress) -> None:
    bulk_write(
        LedgerTransaction,
        [
            "id",
            "program_id",
            "kind",
            "date",
            "year",
            "source",
            "pairing_id",
            "recipient_area_id",
            "project_id",
            "commitment_id",
            "reverses_id",
            "description",
            "item_description",
            "item_quantity",
            "item_unit",
            "is_illustrative",
            "idempotency_key",
            "created_at",
            "created_by_id",
            "created_by_label",
            "external_ref",
        ],
        transactions,
    )
    bulk_write(Posting, ["id", "transaction_id", "account_id", "amount_fen", "county_code"], postings)
    progress("postings", len(postings))
    transactions.clear()
    postings.clear()
