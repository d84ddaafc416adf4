"""Every large table carries the distribution column, and a county's report stays on that column."""

import datetime
import re

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counterpart.core.distribution import DISTRIBUTED_TABLES
from counterpart.funds.models import FundSource, Posting
from counterpart.funds.services import ledger_allocate, ledger_commit, ledger_disburse
from counterpart.people.models import BenefitKind
from counterpart.people.services import benefit_record
from counterpart.people.tests.factories import household, member
from counterpart.reports.annual import Scope, report_annual

# The tables that grow with the country (tens of millions of rows at national scale).
LARGE = {
    "people.Person",
    "people.Household",
    "people.Benefit",
    "funds.Posting",
    "funds.LedgerTransaction",
    "projects.Project",
}


def _distributed_tables() -> dict[str, str]:
    return {apps.get_model(label)._meta.db_table: column for label, column in DISTRIBUTED_TABLES.items()}


def test_every_large_table_has_the_distribution_column_in_the_database(db) -> None:
    assert set(DISTRIBUTED_TABLES) >= LARGE
    with connection.cursor() as cursor:
        for table, column in _distributed_tables().items():
            # the columns as the database has them (SQLite's introspection cannot parse generated columns)
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} WHERE 1 = 0")
            columns = [description[0] for description in cursor.description]
            assert column in columns, table


def _report_with_records(actor, program, pairing, project, areas):
    commitment = ledger_commit(
        actor=actor,
        program=program,
        date=datetime.date(2009, 2, 1),
        source=FundSource.FISCAL_MUNICIPAL,
        amount_fen=100_00,
        pairing=pairing,
        recipient_area=areas["520422"],
    )
    ledger_allocate(
        actor=actor, commitment=commitment, project=project, date=datetime.date(2009, 3, 1), amount_fen=60_00
    )
    ledger_disburse(
        actor=actor, commitment=commitment, project=project, date=datetime.date(2009, 4, 1), amount_fen=60_00
    )
    person = member(actor, household(actor, areas["520422100201"]), 11)
    benefit_record(
        actor=actor,
        program=program,
        kind=BenefitKind.PROJECT,
        date=datetime.date(2009, 6, 1),
        person=person,
        project=project,
    )


def _queries_over_distributed_tables(context: CaptureQueriesContext) -> list[str]:
    tables = _distributed_tables()
    return [
        query["sql"]
        for query in context.captured_queries
        if any(re.search(rf'\b"?{table}"?\b', query["sql"]) for table in tables)
    ]


def test_a_countys_report_filters_every_large_table_by_the_county(actor, program, pairing, project, areas) -> None:
    _report_with_records(actor, program, pairing, project, areas)
    assert set(Posting.objects.values_list("county_code", flat=True)) == {"520422"}
    with CaptureQueriesContext(connection) as context:
        figures = report_annual(program, 2009, scope=Scope(area_code="520422")).as_json()["indicators"]
    assert figures["funds_disbursed"]["value"] == 60 and figures["beneficiaries"]["value"] == 1
    queries = _queries_over_distributed_tables(context)
    assert queries, "the report read no large table"
    for sql in queries:
        # an equality on the column: on Citus the query is routed to the one node holding the county
        assert re.search(r'"?county_code"? = \'?(%s|520422)', sql), sql


def test_the_programs_report_counts_persons_from_the_per_county_summary(actor, program, pairing, project, areas):
    _report_with_records(actor, program, pairing, project, areas)
    with CaptureQueriesContext(connection) as context:
        figures = report_annual(program, 2009).as_json()["indicators"]
    assert figures["beneficiaries"]["value"] == 1
    sql = " ".join(query["sql"] for query in context.captured_queries)
    assert "people_beneficiarysummary" in sql and 'people_benefit"' not in sql and "people_benefit " not in sql
