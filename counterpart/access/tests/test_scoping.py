import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404

from counterpart.access.models import Membership, Role
from counterpart.access.scoping import (
    access_scope,
    access_scope_per_request,
    distinct_if_multivalued,
    lookup_multivalued,
    memberships_alongside,
    memberships_of_rows,
    scoped,
    scoped_get_or_404,
)
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.audit import Actor
from counterpart.core.models import AuditEvent
from counterpart.enterprise.models import Enterprise
from counterpart.funds.models import FundSource, LedgerTransaction
from counterpart.funds.services import ledger_commit
from counterpart.people.models import Household, Person
from counterpart.people.services import benefit_record
from counterpart.people.tests.factories import household, member
from counterpart.projects.models import Project
from counterpart.registry.models import Program


@pytest.fixture
def two_counties(project, neighbour_project):
    """Project P-001 in 普定县 (paired with 市南区) and P-002 in 西秀区 (paired with 市北区)."""
    return project, neighbour_project


def test_a_county_user_sees_its_county_and_gets_404_for_another(two_counties, areas) -> None:
    puding, xixiu = two_counties
    user = user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    assert list(scoped(Project, user)) == [puding]
    assert scoped_get_or_404(Project, user, pk=puding.pk) == puding
    with pytest.raises(Http404):
        scoped_get_or_404(Project, user, pk=xixiu.pk)


def test_a_prefecture_user_sees_every_county_below_it(two_counties, areas) -> None:
    user = user_with_membership("anshun", role=Role.RECIPIENT_OFFICE, area=areas["5204"])
    assert set(scoped(Project, user)) == set(two_counties)


def test_a_donor_district_sees_the_records_of_its_pairings(two_counties, areas) -> None:
    puding, _xixiu = two_counties
    user = user_with_membership("shinan", role=Role.DONOR_DISTRICT_OFFICE, area=areas["370202"])
    assert list(scoped(Project, user)) == [puding]


def test_the_program_office_and_auditor_see_everything_others_nothing(two_counties, program) -> None:
    office = user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program)
    auditor = user_with_membership("auditor", role=Role.AUDITOR)
    assert scoped(Project, office).count() == 2
    assert scoped(Project, auditor).count() == 2
    assert scoped(Project, user_with_membership("nobody")).count() == 0
    from django.contrib.auth.models import AnonymousUser

    assert scoped(Project, AnonymousUser()).count() == 0


def test_records_without_an_area_are_hidden_from_area_scoped_users(program, areas, actor) -> None:
    # a program-level commitment has no recipient area: a county user must not see it
    ledger_commit(
        actor=actor, program=program, date=datetime.date(2009, 1, 5), source=FundSource.SOCIAL, amount_fen=1_00
    )
    county = user_with_membership("county", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    office = user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program)
    assert scoped(LedgerTransaction, county).count() == 0
    assert scoped(LedgerTransaction, office).count() == 1


def test_an_unregistered_model_is_visible_to_no_scopeduser_with_membership(program, areas) -> None:
    user = user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program)
    assert scoped(AuditEvent, user).count() == 0


def test_an_inactive_membership_or_user_sees_nothing(two_counties, areas) -> None:
    user = user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    Membership.objects.filter(user=user).update(is_active=False)
    assert scoped(Project, user).count() == 0
    Membership.objects.filter(user=user).update(is_active=True)
    user.is_active = False
    user.save()
    assert scoped(Project, user).count() == 0


@pytest.mark.parametrize(
    ("model", "lookup", "multivalued"),
    [
        (Project, "program_id", False),
        (Project, "recipient_area", False),
        (Project, "recipient_area__code__startswith", False),
        (Project, "pairing__donor_area_id", False),
        (Project, "outputs__indicator", True),
        (Person, "benefits__program_id", True),
        (Household, "members__benefits__program_id", True),
        (Program, "pairings__recipient_area", True),
        (Enterprise, "programs", True),
        (Enterprise, "programs__slug", True),
    ],
)
def test_a_lookup_is_multivalued_when_it_crosses_a_to_many_relation(model, lookup, multivalued) -> None:
    assert lookup_multivalued(model, lookup) is multivalued


@pytest.fixture
def twice_reached(program, areas, actor):
    """A person of 普定县 reached twice by the program."""
    person = member(actor, household(actor, areas["520422100201"]), 1)
    for day in (1, 2):
        benefit_record(actor=actor, program=program, kind="other", date=datetime.date(2009, 3, day), person=person)
    return person


def test_rows_are_distinct_whichever_path_the_scope_follows(twice_reached, program, areas) -> None:
    office = user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program)
    puding = user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    # The program office sees a person through their benefits (to-many): EXISTS keeps them once,
    # without the DISTINCT that sorts every visible row before the first page.
    assert list(scoped(Person, office)) == [twice_reached]
    assert scoped(Person, office).count() == 1
    assert not scoped(Person, office).query.distinct
    assert "EXISTS" in str(scoped(Person, office).query)
    # The county sees them through their area (to-one): nothing to repeat, so no DISTINCT …
    assert list(scoped(Person, puding)) == [twice_reached]
    assert not scoped(Person, puding).query.distinct
    # … until a filter crosses the benefits, which then asks for it.
    by_benefit = scoped(Person, puding).filter(benefits__program=program)
    assert by_benefit.count() == 2
    assert list(distinct_if_multivalued(by_benefit, ["benefits__program"])) == [twice_reached]
    # A queryset that already joins other tables keeps DISTINCT as before.
    assert scoped(Person.objects.filter(benefits__program=program), puding).count() == 1


def test_the_web_list_filtered_across_a_to_many_relation_repeats_no_row(twice_reached, program, areas) -> None:
    from counterpart.web.lists import list_queryset
    from counterpart.web.specs import PEOPLE

    puding = user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    result = list_queryset(PEOPLE, puding, {"program": program.slug})
    assert list(result.queryset) == [twice_reached]


def test_a_user_object_without_memberships_kept_reads_them_each_time(two_counties, areas, django_assert_num_queries):
    # Only the API's user object of one request keeps them (below); any other sees a change at once.
    user = user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    with django_assert_num_queries(2):
        access_scope(user)
        access_scope(user, for_write=True)


def test_memberships_read_alongside_another_query_are_the_active_ones(program, areas, django_assert_num_queries):
    user = user_with_membership("both", role=Role.PROGRAM_OFFICE, program=program)
    Membership.objects.create(user=user, role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    Membership.objects.create(user=user, role=Role.AUDITOR, is_active=False)
    nobody = user_with_membership("nobody")
    users = get_user_model().objects.filter(pk__in=[user.pk, nobody.pk])
    with django_assert_num_queries(1):
        rows = list(memberships_alongside(users))
    alongside = memberships_of_rows([row for row in rows if row.pk == user.pk], user)
    assert memberships_of_rows([row for row in rows if row.pk == nobody.pk], nobody) == []
    assert sorted((m.pk, m.role, m.program_id, m.area_id) for m in alongside) == sorted(
        Membership.objects.filter(user=user, is_active=True).values_list("pk", "role", "program_id", "area_id")
    )
    access_scope_per_request(user, alongside)
    with django_assert_num_queries(0):
        scope = access_scope(user)
        assert access_scope(user, for_write=True) == scope
    assert scope.programs == {program.pk} and scope.recipient_areas == {"520422"} and not scope.everything


def test_a_county_office_is_matched_on_the_county_column_of_persons_and_households(program, areas) -> None:
    # Equality on the indexed county code lets a county's first page of persons leave at once among
    # millions; a longer (township or village) code falls back to the area; a shorter one is a prefix,
    # written as the range the column's plain index serves (``code_prefix``).
    county = user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"])
    prefecture = user_with_membership("anshun", role=Role.RECIPIENT_OFFICE, area=areas["5204"])
    village = user_with_membership("cun", role=Role.RECIPIENT_OFFICE, area=areas["520422100201"])
    for model in (Person, Household):
        assert '"county_code" = 520422' in str(scoped(model, county).query)
        assert re.search(r'"county_code" >= 5204 AND "\w+"\."county_code" < 5205', str(scoped(model, prefecture).query))
        where = str(scoped(model, village).query).split("WHERE")[1].split("ORDER BY")[0]
        assert "county_code" not in where
        assert re.search(r'"(area|village)_id" >= 520422100201 AND "\w+"\."(area|village)_id" < 520422100202', where)
    home = household(Actor.system("test"), areas["520422100201"])
    person = member(Actor.system("test"), home, 1)
    for user in (county, prefecture, village):
        assert list(scoped(Person, user)) == [person] and list(scoped(Household, user)) == [home]
