"""``counterpart distribute`` on a real Citus cluster (docs/scale.md, "Several machines").

The tests marked ``citus`` need COUNTERPART_CITUS_URL: a database on a Citus coordinator whose workers
are added (``citus_add_node``), e.g. postgres://postgres@127.0.0.1:9700/postgres. They build a fresh
database of their own on the coordinator and every worker, migrate it, fill it with a small synthetic
program, distribute it with ``counterpart distribute`` and read it back; without the variable they skip.
"""

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import CommandError, call_command

from counterpart.core.citus import ANCHOR, IDENTITY_INDEX, REFERENCE_TABLES, distributed_tables

CITUS_URL = os.environ.get("COUNTERPART_CITUS_URL", "")
# The database each run builds on every node (dropped at the end); name it apart from others' on a shared server.
TEST_DATABASE = os.environ.get("COUNTERPART_CITUS_TEST_DB", "counterpart_citus_test")
SHARDS = 8
SCALE = "0.001"


def test_distribute_refuses_a_database_without_citus(db) -> None:
    with pytest.raises(CommandError, match="citus"):
        call_command("distribute")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _counterpart(url: str, *args: str) -> str:
    return _python(url, "from counterpart.cli import main; main()", *args)


def _python(url: str, code: str, *args: str) -> str:
    """Run ``code`` in a fresh interpreter with Django set up on ``url`` (the test process is on SQLite)."""
    environment = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    completed = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


@pytest.fixture(scope="module")
def cluster() -> Iterator[dict]:
    """A migrated database with a synthetic program, before and after ``counterpart distribute``."""
    if not CITUS_URL:
        pytest.skip("needs COUNTERPART_CITUS_URL (a Citus coordinator with its workers added)")
    import psycopg

    with psycopg.connect(CITUS_URL, autocommit=True) as admin:
        workers = admin.execute(
            "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary'"
        ).fetchall()
    assert workers, "the coordinator has no workers"
    parts = urlsplit(CITUS_URL)
    nodes = [CITUS_URL] + [
        urlunsplit(parts._replace(netloc=f"{parts.username}@{host}:{port}")) for host, port in workers
    ]
    for node in nodes:
        with psycopg.connect(node, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {TEST_DATABASE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {TEST_DATABASE}")
        with psycopg.connect(_with_database(node, TEST_DATABASE), autocommit=True) as database:
            database.execute("CREATE EXTENSION citus")
    url = _with_database(CITUS_URL, TEST_DATABASE)
    with psycopg.connect(url, autocommit=True) as coordinator:
        coordinator.execute("SELECT citus_set_coordinator_host(%s, %s)", [parts.hostname, parts.port or 5432])
        for host, port in workers:
            coordinator.execute("SELECT citus_add_node(%s, %s)", [host, port])
    _counterpart(url, "migrate", "--verbosity", "0")
    _counterpart(url, "synth", "--scale", SCALE, "--yes")
    slug = f"synth-s{SCALE.replace('.', '_')}-seed1"
    before = json.loads(_counterpart(url, "report", "--program", slug, "--year", "2018", "--format", "json"))
    distribution = _counterpart(url, "distribute", "--shards", str(SHARDS))
    with psycopg.connect(url, autocommit=True) as connection:
        yield {"url": url, "slug": slug, "before": before, "distribution": distribution, "connection": connection}
    for node in nodes:
        with psycopg.connect(node, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {TEST_DATABASE} WITH (FORCE)")


@pytest.mark.citus
def test_the_tables_are_distributed_by_county_and_colocated(cluster) -> None:
    rows = (
        cluster["connection"]
        .execute(
            "SELECT table_name::text, citus_table_type, distribution_column, colocation_id, shard_count "
            "FROM citus_tables"
        )
        .fetchall()
    )
    kinds = {name: (kind, column, colocation, shards) for name, kind, column, colocation, shards in rows}
    for table in REFERENCE_TABLES:
        assert kinds[table][0] == "reference", table
    anchor = kinds[ANCHOR]
    for table in distributed_tables():
        kind, column, colocation, shards = kinds[table]
        assert (kind, column, colocation, shards) == ("distributed", "county_code", anchor[2], SHARDS), table
    assert kinds[IDENTITY_INDEX][:2] == ("distributed", "blind_index")


@pytest.mark.citus
def test_every_primary_key_of_a_distributed_table_holds_the_county(cluster) -> None:
    for table in distributed_tables():
        (columns,) = (
            cluster["connection"]
            .execute(
                "SELECT array_agg(a.attname::text) FROM pg_index i JOIN pg_attribute a "
                "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = %s::regclass AND i.indisprimary",
                [table],
            )
            .fetchone()
        )
        assert "county_code" in columns, (table, columns)
    (persons, indexed) = (
        cluster["connection"]
        .execute(
            f"SELECT (SELECT count(*) FROM people_person WHERE identity_blind_index IS NOT NULL), "
            f"(SELECT count(*) FROM {IDENTITY_INDEX})"
        )
        .fetchone()
    )
    assert persons and indexed == persons


def _task_count(connection, sql: str, params: list) -> int:
    ((plan,),) = connection.execute(f"EXPLAIN (FORMAT JSON) {sql}", params).fetchall()
    found: list[int] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "Task Count" in node:
                found.append(node["Task Count"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(plan)
    assert found, plan
    return found[0]


@pytest.mark.citus
def test_a_countys_work_goes_to_one_shard_and_the_nation_to_all(cluster) -> None:
    connection = cluster["connection"]
    (county,) = connection.execute("SELECT county_code FROM people_person LIMIT 1").fetchone()
    one_county = (
        "SELECT count(DISTINCT b.person_id), sum(p.amount_fen) FROM people_benefit b "
        "JOIN funds_posting p ON p.county_code = b.county_code WHERE b.county_code = %s"
    )
    assert _task_count(connection, one_county, [county]) == 1
    assert _task_count(connection, "SELECT count(*) FROM people_benefit", []) == SHARDS


@pytest.mark.citus
def test_the_report_reads_the_same_figures_after_distribution(cluster) -> None:
    after = json.loads(
        _counterpart(cluster["url"], "report", "--program", cluster["slug"], "--year", "2018", "--format", "json")
    )
    assert after["indicators"] == cluster["before"]["indicators"]
    assert any(indicator["value"] for indicator in after["indicators"].values())


def _intake(cluster: dict, tmp_path: Path, prefix: str, relation: str) -> tuple[int, int]:
    """Households, then persons in them, through ``counterpart import``: the county's persons before and after."""
    connection = cluster["connection"]
    (village,) = connection.execute(
        "SELECT code FROM registry_area WHERE level = 'village' ORDER BY code LIMIT 1"
    ).fetchone()
    (before,) = connection.execute(
        "SELECT count(*) FROM people_person WHERE county_code = %s", [village[:6]]
    ).fetchone()
    households = tmp_path / f"{prefix}-households.csv"
    with households.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["户编号", "所在村区划代码", "主要致贫原因", "识别年度"])
        writer.writerows([[f"{prefix}-{n}", village, "illness", 2018] for n in range(3)])
    _counterpart(cluster["url"], "import", str(households), "--kind", "households")
    import datetime

    from counterpart.people.identity import identity_compose

    persons = tmp_path / f"{prefix}-persons.csv"
    serial = 900 if relation == "head" else 800
    with persons.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["户编号", "与户主关系", "姓名", "身份证号码"])
        for n in range(3):
            number = identity_compose(village[:6], datetime.date(1980, 1, 1 + n), serial + n)
            writer.writerow([f"{prefix}-{n}", relation, f"分布{prefix}{n}", number])
    _counterpart(cluster["url"], "import", str(persons), "--kind", "persons")
    (after,) = connection.execute("SELECT count(*) FROM people_person WHERE county_code = %s", [village[:6]]).fetchone()
    return before, after


@pytest.mark.citus
def test_an_intake_of_households_and_persons_writes_into_the_distributed_tables(cluster, tmp_path: Path) -> None:
    before, after = _intake(cluster, tmp_path, "CITUS", "spouse")
    assert after == before + 3


def _staged_imports(connection) -> int:
    """How many person files took the staged path (its one audit event per load)."""
    (count,) = connection.execute("SELECT count(*) FROM core_auditevent WHERE action = 'person.import_bulk'").fetchone()
    return count


@pytest.mark.citus
def test_an_intake_of_household_heads_takes_the_staged_path_and_sets_the_heads(cluster, tmp_path: Path) -> None:
    """The staged intake's rules and writes (people/services/staging.py) run on the distributed tables: the
    households are found by number, the new persons written, each household's head set in its own shard."""
    connection = cluster["connection"]
    staged = _staged_imports(connection)
    before, after = _intake(cluster, tmp_path, "CITUSHEAD", "head")
    assert after == before + 3
    assert _staged_imports(connection) == staged + 1
    rows = connection.execute(
        "SELECT h.number, p.relation, p.county_code = h.county_code FROM people_household h "
        "JOIN people_person p ON p.id = h.head_id AND p.county_code = h.county_code "
        "WHERE h.number LIKE 'CITUSHEAD-%%' ORDER BY 1"
    ).fetchall()
    assert rows == [(f"CITUSHEAD-{n}", "head", True) for n in range(3)]


@pytest.mark.citus
def test_the_checked_bulk_path_sets_household_heads_on_the_shards(cluster) -> None:
    """``persons_register_bulk`` (a county office's file, the demo) sets each head with one UPDATE whose
    subquery names the household's county as well as its id."""
    code = (
        "import datetime, sys, django; django.setup()\n"
        "from counterpart.core.audit import Actor\n"
        "from counterpart.people.identity import identity_compose\n"
        "from counterpart.people.models import Sex\n"
        "from counterpart.people.services import PersonRow, household_register, persons_register_bulk\n"
        "from counterpart.registry.models import Area\n"
        "actor = Actor.system('citus-test')\n"
        "village = Area.objects.filter(level='village').order_by('-code').first()\n"
        "household = household_register(actor=actor, number='CITUSBULK-1', village=village, year=2019,"
        " poverty_cause='illness')\n"
        "rows = [PersonRow(name=f'分布批量{n}', sex=Sex.MALE, area=village, household=household,"
        " relation='head' if n == 0 else 'child',"
        " identity_number=identity_compose(village.code[:6], datetime.date(1990, 2, 1 + n), 701 + 2 * n))"
        " for n in range(2)]\n"
        "persons_register_bulk(actor=actor, rows=rows, source='citus-test')\n"
    )
    _python(cluster["url"], code)
    rows = (
        cluster["connection"]
        .execute(
            "SELECT p.name, p.relation FROM people_household h "
            "JOIN people_person p ON p.id = h.head_id AND p.county_code = h.county_code WHERE h.number = 'CITUSBULK-1'"
        )
        .fetchall()
    )
    assert rows == [("分布批量0", "head")]


@pytest.mark.citus
def test_new_persons_are_indexed_nationally_and_a_number_is_refused_in_another_county(cluster) -> None:
    """Every writer of persons adds the national identity index row (people/identity_index.py); a number
    registered in one county is refused in another, where the person's own key (per county) would not see it."""
    connection = cluster["connection"]

    def persons_and_index() -> tuple[set, set]:
        # Two reads, compared here: the index is distributed by the number, the persons by county.
        persons = connection.execute(
            "SELECT identity_blind_index, county_code, id FROM people_person WHERE identity_blind_index IS NOT NULL"
        ).fetchall()
        index = connection.execute(f"SELECT blind_index, county_code, person_id FROM {IDENTITY_INDEX}").fetchall()
        return set(persons), set(index)

    persons, index = persons_and_index()
    assert persons == index  # the synthetic persons (indexed by distribute) and every intake since
    code = (
        "import datetime, sys, django; django.setup()\n"
        "from counterpart.core.audit import Actor\n"
        "from counterpart.core.errors import InvalidInput\n"
        "from counterpart.people.identity import identity_compose\n"
        "from counterpart.people.models import Person, Sex\n"
        "from counterpart.people.services import PersonRow, person_register\n"
        "from counterpart.registry.models import Area\n"
        "actor = Actor.system('citus-test')\n"
        "counties = list(Area.objects.filter(level='county').order_by('code')[:2])\n"
        "number = identity_compose(counties[0].code, datetime.date(1975, 5, 5), 611)\n"
        "person = person_register(actor=actor, row=PersonRow(name='分布单个', sex=Sex.MALE, area=counties[0],"
        " identity_number=number))\n"
        "print(person.pk, person.county_code)\n"
        "try:\n"
        "    person_register(actor=actor, row=PersonRow(name='分布重复', sex=Sex.MALE, area=counties[1],"
        " identity_number=number))\n"
        "except InvalidInput:\n"
        "    print('refused')\n"
    )
    (pk, county, outcome) = _python(cluster["url"], code).split()
    assert outcome == "refused"
    (blind,) = connection.execute(
        "SELECT identity_blind_index FROM people_person WHERE id = %s AND county_code = %s", [int(pk), county]
    ).fetchone()
    rows = connection.execute(
        f"SELECT county_code, person_id FROM {IDENTITY_INDEX} WHERE blind_index = %s", [blind]
    ).fetchall()
    assert rows == [(county, int(pk))]
    persons, index = persons_and_index()
    assert persons == index
    # The index's own key refuses a second row for a number, whatever county it names.
    import psycopg

    with pytest.raises(psycopg.errors.UniqueViolation):
        connection.execute(
            f"INSERT INTO {IDENTITY_INDEX} (blind_index, county_code, person_id) VALUES (%s, '000000', 0)", [blind]
        )


@pytest.mark.citus
def test_projects_and_ledger_transactions_written_after_distribution_carry_their_county(cluster) -> None:
    code = (
        "import datetime, sys, django; django.setup()\n"
        "from counterpart.core.audit import Actor\n"
        "from counterpart.funds.services import ledger_allocate, ledger_commit\n"
        "from counterpart.projects.services import project_propose\n"
        "from counterpart.registry.models import Area, Program\n"
        "program = Program.objects.get(slug=sys.argv[1])\n"
        "village = Area.objects.filter(level='village').order_by('code').first()\n"
        "actor = Actor.system('citus-test')\n"
        "project = project_propose(actor=actor, program=program, code='CITUS-P1', title_zh='分布式测试项目',"
        " category='village_road', recipient_area=village, year=2020, budget_fen=100_000)\n"
        "commitment = ledger_commit(actor=actor, program=program, date=datetime.date(2020, 3, 1),"
        " source='fiscal_municipal', amount_fen=100_000, recipient_area=village)\n"
        "ledger_allocate(actor=actor, commitment=commitment, project=project, date=datetime.date(2020, 3, 2),"
        " amount_fen=50_000)\n"
        "print(village.code[:6])\n"
    )
    county = _python(cluster["url"], code, cluster["slug"]).strip()
    connection = cluster["connection"]
    (project_county,) = connection.execute(
        "SELECT county_code FROM projects_project WHERE code = 'CITUS-P1'"
    ).fetchone()
    assert project_county == county
    rows = connection.execute(
        "SELECT t.kind, t.county_code, count(p.id), sum(p.amount_fen) FROM funds_ledgertransaction t "
        "JOIN funds_posting p ON p.transaction_id = t.id AND p.county_code = t.county_code "
        "WHERE t.created_by_label = 'citus-test' GROUP BY 1, 2 ORDER BY 1"
    ).fetchall()
    assert rows == [("allocation", county, 2, 0), ("commitment", county, 2, 0)]


@pytest.mark.citus
def test_an_unbalanced_posting_is_never_committed_on_the_shards(cluster) -> None:
    """The balance trigger runs on the shard at COMMIT. Citus commits a one-node transaction in one phase and
    reports the worker's refusal as a WARNING, not an error (docs/scale.md): the row is not committed either way."""
    import contextlib

    import psycopg

    connection = cluster["connection"]
    (transaction_id, county, account) = connection.execute(
        "SELECT t.id, t.county_code, p.account_id FROM funds_ledgertransaction t JOIN funds_posting p "
        "ON p.transaction_id = t.id AND p.county_code = t.county_code WHERE t.county_code <> '' LIMIT 1"
    ).fetchone()
    with contextlib.suppress(psycopg.Error), connection.transaction():
        connection.execute(
            "INSERT INTO funds_posting (transaction_id, account_id, amount_fen, county_code) VALUES (%s, %s, 5, %s)",
            [transaction_id, account, county],
        )
    (total,) = connection.execute(
        "SELECT sum(amount_fen) FROM funds_posting WHERE transaction_id = %s AND county_code = %s",
        [transaction_id, county],
    ).fetchone()
    assert total == 0


@pytest.mark.citus
def test_identity_sequences_continue_past_every_row_after_distribution(cluster) -> None:
    rows = (
        cluster["connection"]
        .execute(
            "SELECT t.table_name::text, a.attname::text, pg_get_serial_sequence(t.table_name::text, a.attname) "
            "FROM citus_tables t JOIN pg_attribute a ON a.attrelid = t.table_name AND a.attidentity <> ''"
        )
        .fetchall()
    )
    assert rows
    for table, column, sequence in rows:
        (largest, current) = (
            cluster["connection"]
            .execute(
                f'SELECT (SELECT coalesce(max("{column}"), 0) FROM "{table}"), '
                f"(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence})"
            )
            .fetchone()
        )
        assert current >= largest, (table, current, largest)


@pytest.mark.citus
def test_a_county_offices_lists_render_on_the_distributed_tables(cluster) -> None:
    code = (
        "import sys, django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.test import Client\n"
        "from counterpart.access.models import Membership, Role\n"
        "from counterpart.registry.models import Area\n"
        "settings.ALLOWED_HOSTS = ['*']\n"
        "county = Area.objects.get(code=sys.argv[1])\n"
        "user, _ = get_user_model().objects.get_or_create(username='citus-county')\n"
        "Membership.objects.get_or_create(user=user, role=Role.RECIPIENT_OFFICE, area=county)\n"
        "client = Client()\n"
        "client.force_login(user)\n"
        "for slug in ('people', 'households', 'funds', 'projects'):\n"
        "    print(slug, client.get(f'/app/{slug}/').status_code)\n"
    )
    (county,) = cluster["connection"].execute("SELECT county_code FROM people_person LIMIT 1").fetchone()
    lines = _python(cluster["url"], code, county).split()
    assert dict(zip(lines[::2], lines[1::2], strict=True)) == {
        "people": "200",
        "households": "200",
        "funds": "200",
        "projects": "200",
    }


@pytest.mark.citus
def test_a_program_offices_lists_render_on_the_distributed_tables(cluster) -> None:
    """A program office sees the persons and households its benefits reached: an EXISTS matched on the
    person's (household's) id and county, which runs on each shard (access/scoping.py: _through)."""
    code = (
        "import sys, django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.test import Client\n"
        "from counterpart.access.models import Membership, Role\n"
        "from counterpart.access.scoping import scoped\n"
        "from counterpart.people.models import Household, Person\n"
        "from counterpart.registry.models import Program\n"
        "settings.ALLOWED_HOSTS = ['*']\n"
        "program = Program.objects.get(slug=sys.argv[1])\n"
        "user, _ = get_user_model().objects.get_or_create(username='citus-program')\n"
        "Membership.objects.get_or_create(user=user, role=Role.PROGRAM_OFFICE, program=program)\n"
        "client = Client()\n"
        "client.force_login(user)\n"
        "for slug in ('people', 'households'):\n"
        "    print(f'page-{slug}', client.get(f'/app/{slug}/').status_code)\n"
        "print('persons', scoped(Person, user).count())\n"
        "print('households', scoped(Household, user).count())\n"
    )
    lines = _python(cluster["url"], code, cluster["slug"]).split()
    found = dict(zip(lines[::2], lines[1::2], strict=True))
    assert (found["page-people"], found["page-households"]) == ("200", "200")
    connection = cluster["connection"]
    (persons, households) = connection.execute(
        "SELECT count(DISTINCT (b.person_id, b.county_code)), count(DISTINCT (p.household_id, p.county_code)) "
        "FROM people_benefit b JOIN people_person p ON p.id = b.person_id AND p.county_code = b.county_code "
        "JOIN registry_program g ON g.id = b.program_id WHERE g.slug = %s",
        [cluster["slug"]],
    ).fetchone()
    assert persons > 0
    assert (int(found["persons"]), int(found["households"])) == (persons, households)


@pytest.mark.citus
def test_the_dashboard_summaries_are_kept_by_the_benefit_writers_and_read_for_a_county(cluster) -> None:
    """The pairing-reach and township-reach summaries (distributed by county, co-located with the benefits)
    are kept by ``benefit_record`` (the increments) and ``benefits_record_bulk`` (the recount of a county,
    an INSERT … SELECT on its shard), agree with the benefits after both, and feed a county office's
    dashboard and a donor district's count on the cluster."""
    code = (
        "import datetime, json, sys, django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.test import Client\n"
        "from counterpart.access.models import Membership, Role\n"
        "from counterpart.core.audit import Actor\n"
        "from counterpart.people.models import Person\n"
        "from counterpart.people.pairing_reach import pairing_reach_mismatches, persons_reached_through\n"
        "from counterpart.people.services import BenefitRow, benefit_record, benefits_record_bulk\n"
        "from counterpart.people.summary import beneficiary_summary_mismatches\n"
        "from counterpart.people.township_reach import township_persons, township_reach_mismatches\n"
        "from counterpart.registry.models import Pairing, Program\n"
        "from counterpart.registry.selectors import pairing_with_descendants_ids\n"
        "settings.ALLOWED_HOSTS = ['*']\n"
        "program = Program.objects.get(slug=sys.argv[1])\n"
        "actor = Actor.system('citus-test')\n"
        "pairing = Pairing.objects.filter(program=program, recipient_area__level='county', valid_to__isnull=True)"
        ".order_by('pk').first()\n"
        "county = pairing.recipient_area_id[:6]\n"
        "persons = list(Person.objects.filter(county_code=county, household__isnull=False).order_by('-pk')[:2])\n"
        "benefit_record(actor=actor, program=program, kind='other', date=datetime.date(2018, 7, 1),"
        " person=persons[0], pairing=pairing)\n"
        "benefits_record_bulk(actor=actor, program=program, source='citus-test', rows=[BenefitRow("
        "person_id=persons[1].pk, area_code=persons[1].area_id, kind='other', date=datetime.date(2018, 7, 2),"
        " pairing_id=pairing.pk, household_id=persons[1].household_id)])\n"
        "print('mismatches', len(beneficiary_summary_mismatches(program.pk)) + len(pairing_reach_mismatches("
        "program.pk)) + len(township_reach_mismatches(program.pk)))\n"
        "ids = pairing_with_descendants_ids(pairing)\n"
        "print('county', county)\n"
        "print('ids', ','.join(map(str, ids)))\n"
        "print('through', sum(persons_reached_through(program.pk, 2018, ids).values()))\n"
        "print('townships', sum(township_persons(program.pk, 2018, county).values()))\n"
        "user, _ = get_user_model().objects.get_or_create(username='citus-county-dashboard')\n"
        "Membership.objects.get_or_create(user=user, role=Role.RECIPIENT_OFFICE, area_id=county)\n"
        "client = Client()\n"
        "client.force_login(user)\n"
        "response = client.get(f'/app/programs/{program.slug}/2018/data.json')\n"
        "panel = json.loads(response.content)['townships']\n"
        "print('dashboard', response.status_code)\n"
        "print('panel', sum(panel['series'][0]['values']))\n"
    )
    lines = _python(cluster["url"], code, cluster["slug"]).split()
    found = dict(zip(lines[::2], lines[1::2], strict=True))
    assert found["mismatches"] == "0"
    assert found["dashboard"] == "200"
    connection = cluster["connection"]
    county, ids = found["county"], [int(pk) for pk in found["ids"].split(",")]
    (through,) = connection.execute(
        "SELECT count(DISTINCT (b.person_id, b.county_code)) FROM people_benefit b "
        "JOIN registry_program g ON g.id = b.program_id WHERE g.slug = %s AND b.year = 2018 AND b.pairing_id = ANY(%s)",
        [cluster["slug"], ids],
    ).fetchone()
    assert through >= 2 and int(found["through"]) == through
    (townships,) = connection.execute(
        "SELECT coalesce(sum(n), 0) FROM (SELECT count(DISTINCT b.person_id) AS n FROM people_benefit b "
        "JOIN registry_program g ON g.id = b.program_id WHERE g.slug = %s AND b.year = 2018 "
        "AND b.county_code = %s AND length(b.area_code) >= 9 GROUP BY substr(b.area_code, 1, 9)) t",
        [cluster["slug"], county],
    ).fetchone()
    assert townships >= 2 and int(found["townships"]) == townships
    assert int(found["panel"]) == townships
    # Co-located with the benefits: a county's summary rows and its benefits are one shard's, which is what
    # lets the recounts (INSERT … SELECT over the county's benefits) run there.
    kinds = dict(
        connection.execute(
            "SELECT table_name::text, colocation_id FROM citus_tables WHERE distribution_column = 'county_code'"
        ).fetchall()
    )
    for table in ("people_pairingreachsummary", "people_townshipreachsummary"):
        assert kinds.get(table) == kinds["people_benefit"], table
        recount = (
            f"SELECT s.persons, count(DISTINCT b.person_id) FROM {table} s JOIN people_benefit b "
            "ON b.county_code = s.county_code AND b.program_id = s.program_id AND b.year = s.year "
            "WHERE s.county_code = %s GROUP BY s.persons"
        )
        assert _task_count(connection, recount, [county]) == 1
