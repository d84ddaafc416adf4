"""Scoping, in one place: every page, export, report and API asks ``scoped()`` what a user may see.

Each model that holds program data is registered with the paths to its program, recipient area,
pairing and enterprise. A user's memberships become one Q filter over those paths; a user with
no membership sees nothing, and a record with no area is visible to no area-scoped user (a
prefix match on a NULL code is false), so scoping fails closed.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404

from counterpart.core.distribution import COUNTY_CODE_LENGTH, DISTRIBUTED_TABLES

from .models import Membership, Role
from .policy import MEMO, memberships_of

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScopeRule:
    """Where a model's rows belong: lookups to their program, recipient area code, donor area code
    (through the pairing) and enterprise organisation. Empty when the model has no such link."""

    program: str = ""
    area: str = ""
    donor_area: str = ""
    organisation: str = ""
    # The row's own county code column (the distribution column, six digits of ``area``), where the
    # model has one: an office of a county or above is matched on it, which its index serves.
    county: str = ""


RULES: dict[type[models.Model], ScopeRule] = {}


def scope_rule_register(model: type[models.Model], rule: ScopeRule) -> None:
    RULES[model] = rule


@dataclass(frozen=True)
class AccessScope:
    everything: bool = False
    programs: frozenset[int] = field(default_factory=frozenset)
    donor_areas: frozenset[str] = field(default_factory=frozenset)
    recipient_areas: frozenset[str] = field(default_factory=frozenset)
    organisations: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.programs or self.donor_areas or self.recipient_areas or self.organisations)


def access_scope(user: AbstractBaseUser | AnonymousUser | None, *, for_write: bool = False) -> AccessScope:
    """What a user may see, from their active memberships (superusers and auditors see everything).

    ``for_write``: what they may change — the same, less the auditor's role, which is read-only.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return AccessScope()
    if getattr(user, "is_superuser", False):
        return AccessScope(everything=True)
    memberships = _memberships(user)
    if not for_write and any(m.role == Role.AUDITOR for m in memberships):
        return AccessScope(everything=True)
    return AccessScope(
        # A reviewer reads its program's records (to cross-check them) but writes none of them.
        programs=frozenset(
            m.program_id
            for m in memberships
            if m.program_id and (m.role == Role.PROGRAM_OFFICE or (m.role == Role.REVIEWER and not for_write))
        ),
        donor_areas=frozenset(m.area_id for m in memberships if m.role == Role.DONOR_DISTRICT_OFFICE and m.area_id),
        recipient_areas=frozenset(m.area_id for m in memberships if m.role == Role.RECIPIENT_OFFICE and m.area_id),
        organisations=frozenset(
            m.organisation_id for m in memberships if m.role == Role.ENTERPRISE and m.organisation_id
        ),
    )


_MEMO = MEMO
# What access_scope reads of a membership (besides its user), and the prefix of the annotations
# that carry them when they come with another query (memberships_alongside).
_MEMBERSHIP_FIELDS = ("id", "role", "program", "area", "organisation")
_ALONGSIDE = "active_membership"


def access_scope_per_request(user: Any, memberships: list[Membership]) -> None:
    """Keep on ``user`` the active memberships read with it (memberships_alongside): scoping it,
    however often, then asks the database nothing.

    Only for a user object that lives one request (the API loads a fresh one from the token each
    time): a request that scopes a list, then a record, then checks a write reads them once, and a
    membership granted or revoked meanwhile takes effect on the next request. Any other user object
    reads them each time it is scoped.
    """
    setattr(user, _MEMO, memberships)


def memberships_alongside(queryset: QuerySet[M], user_path: str = "") -> QuerySet[M]:
    """``queryset``, whose rows have a user at ``user_path`` (or are users), joined to that user's
    active memberships: one row per membership (one with nulls for none). ``memberships_of_rows``
    reads them back, so that a user and their scope come in one query instead of two."""
    memberships = f"{user_path}__memberships" if user_path else "memberships"
    relation = FilteredRelation(memberships, condition=Q(**{f"{memberships}__is_active": True}))
    return queryset.alias(**{_ALONGSIDE: relation}).annotate(
        **{f"{_ALONGSIDE}_{name}": F(f"{_ALONGSIDE}__{name}") for name in _MEMBERSHIP_FIELDS}
    )


# The annotations memberships_alongside adds, for a values() or values_list() of its queryset.
MEMBERSHIP_ALONGSIDE = tuple(f"{_ALONGSIDE}_{name}" for name in _MEMBERSHIP_FIELDS)


def memberships_of_rows(rows: Iterable[Any], user: Any) -> list[Membership]:
    """The memberships of ``user`` carried by the rows of a memberships_alongside queryset."""
    return memberships_of_values(([getattr(row, name) for name in MEMBERSHIP_ALONGSIDE] for row in rows), user)


def memberships_of_values(rows: Iterable[Sequence[Any]], user: Any) -> list[Membership]:
    """The same from rows of values, each the ``MEMBERSHIP_ALONGSIDE`` annotations in that order."""
    memberships = []
    for row in rows:
        values = dict(zip(_MEMBERSHIP_FIELDS, row, strict=True))
        if values["id"] is not None:
            memberships.append(
                Membership(
                    id=values["id"],
                    user_id=user.pk,
                    role=values["role"],
                    program_id=values["program"],
                    area_id=values["area"],
                    organisation_id=values["organisation"],
                    is_active=True,
                )
            )
    return memberships


def _memberships(user: Any) -> list[Membership]:
    return memberships_of(user)


def _area_within(model: type[models.Model], rule: ScopeRule, codes: Iterable[str]) -> Q:
    """Rows whose area lies within one of ``codes``: by the county column where the rule has one and
    the code is a county's or above (the same rows: the column is the area's first six digits), by
    the area otherwise. A county office's persons among nine million: 650 ms ordered through the
    area, a few ms through the county column's index."""
    if not rule.county:
        return _through(model, rule.area, lambda path: _prefix_any(path, codes))
    condition = Q(pk__in=[])
    finer = []
    for code in codes:
        if len(code) == COUNTY_CODE_LENGTH:
            condition |= Q(**{rule.county: code})  # equality: the planner's estimate is right
        elif len(code) < COUNTY_CODE_LENGTH:
            condition |= Q(**{f"{rule.county}__code_prefix": code})
        else:
            finer.append(code)
    if finer:
        condition |= _through(model, rule.area, lambda path: _prefix_any(path, finer))
    return condition


def _prefix_any(lookup: str, codes: Iterable[str]) -> Q:
    # An area's key is its code, so the prefix is matched on the foreign key's own column: no join
    # to the areas table (a county's persons among nine million: 650 ms through the join), and as a
    # range (``code_prefix``, counterpart/core/lookups.py) the column's plain index serves it.
    condition = Q(pk__in=[])
    for code in codes:
        condition |= Q(**{f"{lookup}__pk__code_prefix": code})
    return condition


def lookup_multivalued(model: type[models.Model], lookup: str) -> bool:
    """Whether filtering ``model`` by ``lookup`` can repeat a row: the lookup crosses a reverse
    foreign key or a many-to-many, so a row joins every related row that matches."""
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # not a field: a lookup or transform (``in``, ``startswith``), which joins nothing
        if not field.is_relation:
            return False
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model  # type: ignore[assignment]
    return False


def _distributed(model: type[models.Model]) -> bool:
    return model._meta.label in DISTRIBUTED_TABLES


def _through(model: type[models.Model], path: str, condition: Callable[[str], Q]) -> Q:
    """``condition(path)`` on a rule path; across a to-many relation (a person's benefits), as EXISTS.

    A join there would repeat a row once per related row, and DISTINCT would make the database
    collect every matching row before the first page could leave: a program office's list of the
    persons its benefits reached took 7.7 s at 9 million persons, the households 17 s. EXISTS keeps
    one row each and lets an ordered page stop after its fifty rows (30 ms and 5 ms).

    A step from one county-distributed table to another (a household's members, a person's benefits)
    is an EXISTS matched on the key *and* the county (``county_code = outer.county_code``): rows so
    linked share a county (a person lives in their household's county, a benefit is its person's), and
    on Citus this keeps the subquery on the outer row's shard — a match on the id alone is a join
    Citus refuses between distributed tables (docs/scale.md, "Joins on the id alone").
    """
    head, _, rest = path.partition(LOOKUP_SEP)
    try:
        field = model._meta.get_field(head)
    except FieldDoesNotExist:
        field = None
    if field is not None and rest and (field.many_to_one or field.one_to_many):
        target = field.related_model
        if (
            isinstance(target, type)
            and issubclass(target, models.Model)
            and _distributed(model)
            and _distributed(target)
        ):
            # a key of ours (a status's household) or theirs to us (a person's benefits)
            link = {"pk": OuterRef(field.attname)} if field.many_to_one else {field.field.name: OuterRef("pk")}  # type: ignore[union-attr]
            inner = target._default_manager.filter(
                _through(target, rest, condition), county_code=OuterRef("county_code"), **link
            )
            return Q(Exists(inner))
    if not lookup_multivalued(model, path):
        return condition(path)
    return Q(Exists(model._default_manager.filter(condition(path), pk=OuterRef("pk"))))


def scope_filter(model: type[models.Model], scope: AccessScope) -> Q:
    """The Q that keeps the rows of ``model`` a scope may see. Unregistered models: nothing."""
    if scope.everything:
        return Q()
    rule = RULES.get(model)
    nothing = Q(pk__in=[])
    if rule is None:
        return nothing
    condition = nothing
    if rule.program and scope.programs:
        programs = scope.programs
        condition |= _through(model, rule.program, lambda path: Q(**{f"{path}__in": programs}))
    if rule.area and scope.recipient_areas:
        condition |= _area_within(model, rule, scope.recipient_areas)
    if rule.donor_area and scope.donor_areas:
        donors = scope.donor_areas
        condition |= _through(model, rule.donor_area, lambda path: Q(**{f"{path}__in": donors}))
    if rule.organisation and scope.organisations:
        organisations = scope.organisations
        condition |= _through(model, rule.organisation, lambda path: Q(**{f"{path}__in": organisations}))
    return condition


def scoped(queryset: QuerySet[M] | type[M], user: Any, *, for_write: bool = False) -> QuerySet[M]:
    """The rows of a model (or queryset) that ``user`` may see (``for_write``: may change), each once.

    The scope never repeats a row (a to-many rule path is an EXISTS, ``_through``). DISTINCT (which
    makes the database collect and compare every matching row before the first page can leave) is
    applied only when the queryset given already joins other tables. A caller that filters across a
    to-many relation afterwards adds its own (``distinct_if_multivalued``).
    """
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    scope = access_scope(user, for_write=for_write)
    joined = len(queryset.query.alias_map) > 1
    scoped_rows = queryset.filter(scope_filter(queryset.model, scope))
    return scoped_rows.distinct() if joined else scoped_rows


def distinct_if_multivalued(queryset: QuerySet[M], lookups: Iterable[str]) -> QuerySet[M]:
    """``queryset`` made DISTINCT if one of the lookups it was filtered by can repeat rows."""
    if any(lookup_multivalued(queryset.model, lookup) for lookup in lookups):
        return queryset.distinct()
    return queryset


def scoped_get_or_404(queryset: QuerySet[M] | type[M], user: Any, **lookup: Any) -> M:
    """One row the user may see, or 404 — never 403, which would confirm that the row exists."""
    try:
        return scoped(queryset, user).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError):
        raise Http404 from None
