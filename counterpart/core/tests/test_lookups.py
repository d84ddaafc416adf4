"""``code_prefix``: the same rows as ``startswith``, as a range the column's plain index serves."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from counterpart.access.models import Role
from counterpart.access.scoping import scoped
from counterpart.access.tests.factories import user_with_membership
from counterpart.api.services import api_token_create
from counterpart.core.audit import Actor
from counterpart.core.lookups import code_prefix_upper
from counterpart.people.models import Household, Person
from counterpart.registry.models import Area, AreaLevel


def test_the_upper_bound_is_the_prefix_plus_one_in_its_own_length() -> None:
    assert code_prefix_upper("5204") == "5205"
    assert code_prefix_upper("5209") == "5210"
    assert code_prefix_upper("09") == "10"
    assert code_prefix_upper("520422100199") == "520422100200"
    assert code_prefix_upper("99") is None


@pytest.mark.parametrize("prefix", ["5", "52", "5204", "52042", "520422", "520422100201", "3", "9", "99", "x", "52x"])
def test_code_prefix_finds_the_rows_startswith_finds(areas, prefix) -> None:
    # given codes around every boundary a range could get wrong
    for code in ("51", "5299", "53", "5203", "520499", "5205", "99", "999", "9"):
        Area.objects.get_or_create(code=code, defaults={"name_zh": code, "level": AreaLevel.PROVINCE})
    # when
    by_range = set(Area.objects.filter(code__code_prefix=prefix).values_list("code", flat=True))
    # then
    assert by_range == set(Area.objects.filter(code__startswith=prefix).values_list("code", flat=True))


def test_a_foreign_key_to_an_area_is_matched_on_its_own_column(areas) -> None:
    sql = str(Person.objects.filter(area__pk__code_prefix="5204").query)
    assert "registry_area" not in sql  # no join: the person's area_id is the code
    assert re.search(r'"area_id" >= 5204 AND "people_person"\."area_id" < 5205', sql)


# The prefix filters of a prefecture office's scope, the API's ?area= and the web list's ?area=, as the
# pages run them: each must be an index condition on the code column (a range, or on main a
# varchar_pattern_ops LIKE), never a filter over every row. With sequential scans disabled the planner
# still takes one when no index can serve the condition, so the plan shows which.
CODE_CONDITION = re.compile(r'"(county_code|area_id|village_id)"(::text)? (>=|LIKE)')
PREFIX_CONDITION = re.compile(r"Index Cond: .*\(?(county_code|area_id|village_id)\)?(::text)? (>=|~>=~)")


def _people(areas, count: int) -> None:
    """``count`` persons in households of three, one in thirty in 普定县 (520422), the others in 市南区 (370202):
    a prefix that selects a few rows, as an office's does among a nation's."""
    homes = Household.objects.bulk_create(
        Household(number=f"H{n:05d}", village=areas[village], county_code=village[:6], poverty_cause="illness")
        for n in range(count // 3)
        for village in ["520422100201" if n % 30 == 0 else "370202"]
    )
    Person.objects.bulk_create(
        Person(household=home, name="王芳", sex="male", area_id=home.village_id, county_code=home.county_code)
        for home in homes
        for _member in range(3)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person")
        cursor.execute("ANALYZE people_household")


def _plans(queries: list[dict], table: str) -> list[str]:
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for query in queries:
                sql = query["sql"]
                if f'FROM "{table}"' in sql and CODE_CONDITION.search(sql) and sql.lstrip().startswith("SELECT"):
                    cursor.execute(f"EXPLAIN {sql}")
                    plans.append("\n".join(row[0] for row in cursor.fetchall()))
        finally:
            cursor.execute("RESET enable_seqscan")
    return plans


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of PostgreSQL's plans")
def test_the_prefix_filters_of_the_people_pages_read_an_index(areas) -> None:
    _people(areas, 3000)
    prefecture = user_with_membership("anshun", role=Role.RECIPIENT_OFFICE, area=areas["5204"])
    _token, raw = api_token_create(actor=Actor.system("test"), user=prefecture)
    web = Client()
    web.force_login(get_user_model().objects.get(pk=prefecture.pk))
    with CaptureQueriesContext(connection) as captured:
        assert len(list(scoped(Person, prefecture)[:50])) == 50  # of 102
        assert scoped(Household, prefecture).count() == 34
        api = Client().get("/api/persons", {"area": "520422100"}, headers={"Authorization": f"Bearer {raw}"})
        assert api.status_code == 200 and len(api.json()) > 0
        api = Client().get("/api/households", {"area": "5204"}, headers={"Authorization": f"Bearer {raw}"})
        assert api.status_code == 200 and len(api.json()) > 0
        assert web.get("/app/people/", {"area": "520422100"}).status_code == 200
        assert web.get("/app/households/", {"area": "5204"}).status_code == 200
    for table in ("people_person", "people_household"):
        plans = _plans(captured.captured_queries, table)
        assert len(plans) >= 3, table
        for plan in plans:
            assert PREFIX_CONDITION.search(plan), plan
