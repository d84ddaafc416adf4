"""The admin edge of the people and enterprise policy matrix (``test_policy_matrix_people`` walks the
service, API, web and import edges; this file, the Django admin, on the same fixture).

- Every action the admin reaches × who (each role, and a superuser) × target × period: the admin
  admits only superusers (core/admin_site.py), so a role is turned away whatever the table says,
  and a superuser — whom the table lets write anywhere — is still refused a certified year by the
  period guard, on the form. A refusal writes nothing, not even an audit event.
- No field of an admin page is editable that its action does not accept: each editable field of each
  change page is changed alone and saved; the action must take the change (the value is stored) or
  refuse it on the form — never drop it silently, never refuse it as a field it does not edit.
"""

import datetime
import itertools
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.enterprise.models import Operation, Purchase
from counterpart.people.models import Household, Person, Secondment
from counterpart.projects.models import VillageAdvancement, VillageComponent
from counterpart.registry.services import period_unlock

from .test_policy_matrix import PERIODS, TARGETS
from .test_policy_matrix_people import (  # noqa: F401 (places and world: the shared fixtures)
    SYSTEM,
    UNDATED,
    Place,
    _male_number,
    _outcome,
    _serial,
    _service,
    places,
    world,
)

pytestmark = pytest.mark.django_db
SUPERUSER = "superuser"
# The message an update action gives a field it does not edit (``<entity>_update``).
NOT_EDITABLE = "该项不能修改"
# The admin pages of the actions this matrix walks: people's records, enterprises, village advancement.
APPS = {"people", "enterprise"}
ALSO = {VillageAdvancement, VillageComponent}


def _admin_page(record_or_model: Any) -> str:
    if isinstance(record_or_model, models.Model):
        info = (record_or_model._meta.app_label, record_or_model._meta.model_name)
        return reverse("admin:{}_{}_change".format(*info), args=[record_or_model.pk])
    info = (record_or_model._meta.app_label, record_or_model._meta.model_name)
    return reverse("admin:{}_{}_add".format(*info))


def _admin(verb: str, p: Place, year: int, extra: dict) -> tuple[Any, dict] | None:
    """The admin page (a model: its add page; a record: its change page) and the fields posted to take
    ``verb`` on ``p``; None where the admin does not reach the action."""
    date = datetime.date(year, 5, 1)
    pairing = p.pairing.pk if p.pairing is not None else ""
    draft = p.drafts.get(year)
    pages: dict[str, tuple[Any, dict] | None] = {
        "household_register": (Household, {
            "number": f"A-{next(_serial)}", "village": p.village.code, "poverty_cause": "illness", "year": year,
        }),
        "household_update": (p.home, {"helper_name": f"帮扶人{next(_serial)}"}),
        "person_register": (Person, {
            "name": "新人", "sex": "male", "area": p.village.code, "household": p.home.pk, "relation": "child",
            "identity_number": _male_number(p.area.code),
        }),
        "person_update": (p.person, {"name": f"改名{next(_serial)}"}),
        "training_update": (p.trainings[year], {"organiser_name": f"局{next(_serial)}"}),
        "secondment_record": (Secondment, {
            "program": p.program.pk, "kind": "cadre", "direction": "to_recipient", "person_name": "张三",
            "from_area": "370202", "to_area": p.area.code, "start_date": date, "pairing": pairing,
        }),
        "village_advancement_start": (VillageAdvancement, {
            "program": p.program.pk, "village": p.village.code[:9] + "202", "start_year": year, "pairing": pairing,
        }),
        "enterprise_report_update": draft and (draft, {"jobs_created": 7}),
        "market_event_record": (p.event[year].__class__, {
            "program": p.program.pk, "kind": "fair", "title": f"新展会{next(_serial)}", "place": "青岛",
            "area": p.area.code, "start_date": date, "end_date": date,
        }),
        "market_event_update": (p.event[year], {"note": f"改{next(_serial)}"}),
        "purchase_record": (Purchase, {
            "program": p.program.pk, "buyer": extra["buyer"].pk, "buyer_kind": "government_unit",
            "seller": p.seller.pk, "product": "茶", "purchased_on": date, "amount_fen": 100,
        }),
    }  # fmt: skip
    return pages.get(verb)


ADMIN_VERBS = (
    "household_register", "household_update", "person_register", "person_update", "training_update",
    "secondment_record", "village_advancement_start", "enterprise_report_update", "market_event_record",
    "market_event_update", "purchase_record",
)  # fmt: skip


def _form_data(response: Any) -> dict:
    """What an admin page posts back unchanged: its form's values and its inlines' management forms."""
    data: dict[str, Any] = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


class ErrorPage(Exception):
    """An action's refusal that reached the user as an error page instead of on the form."""


def _posted(browser: Client, page: Any, values: dict) -> None:
    """An admin post as an outcome: saved (a redirect away from the form), or refused (the login page
    for anyone but a superuser; the form again, with its errors)."""
    url = _admin_page(page)
    response = browser.get(url)
    if response.status_code == 302:  # not let in: the same answer to the post
        response = browser.post(url, values)
        assert reverse("admin:login") in response["Location"], response["Location"]
        raise InvalidInput("admin", url, "not a superuser")
    try:
        response = browser.post(url, _form_data(response) | values)
    except (InvalidInput, PermissionDenied) as refused:
        raise ErrorPage(f"{url}: {refused}") from None
    if response.status_code == 302:
        return
    assert response.status_code == 200, (url, response.status_code)
    raise InvalidInput("admin", url, _errors(response) or "refused")


def _errors(response: Any) -> str:
    form = response.context["adminform"].form
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in form.errors.items())


def _expected_on_admin(verb: str, who: str, period: str) -> bool:
    """A superuser may take any action anywhere (the table's answer for one); the period guard still
    refuses a certified year to a dated action. A role never enters the admin."""
    return who == SUPERUSER and (period == "open" or verb in UNDATED)


def _browsers(users: dict) -> dict[str, Client]:
    superuser = get_user_model().objects.create_superuser("root", password="pw-123456")
    browsers = {}
    for who, user in [*((role.value, user) for role, user in users.items()), (SUPERUSER, superuser)]:
        browsers[who] = Client()
        browsers[who].force_login(user)
    return browsers


def test_the_admin_edge_agrees_with_the_table(places) -> None:  # noqa: F811 (the fixture)
    place_of, users, extra = places
    browsers = _browsers(users)
    cases, failures = 0, list[tuple[Any, ...]]()
    for verb, who, target, (period, year) in itertools.product(ADMIN_VERBS, browsers, TARGETS, PERIODS.items()):
        page = _admin(verb, place_of[target], year, extra)
        if page is None:
            continue
        expected = _expected_on_admin(verb, who, period)
        cases += 1
        try:
            allowed, written = _outcome(partial(_posted, browsers[who], *page))
        except ErrorPage as error:
            failures.append((verb, who, target, period, "admin", "error page", str(error)))
            continue
        if allowed != expected or (written > 0) != allowed:
            failures.append((verb, who, target, period, "admin", allowed, written, expected))
    print(
        f"policy matrix (people, enterprise; the admin edge): {cases} cases ({len(ADMIN_VERBS)} actions × "
        f"{len(browsers)} users (each role and a superuser) × {len(TARGETS)} targets × {len(PERIODS)} periods), "
        f"{len(failures)} disagreeing"
    )
    assert not failures, "\n".join(map(str, failures))


# --- no editable field that its action does not accept ------------------------------------------------


def _records(place: Place, extra: dict) -> list[Any]:
    """One record of each model the admin pages here show, in an open year (those the fixture has not
    made are made by the system)."""
    made = ("secondment_record", "agreement_sign", "purchase_record", "event_participation_record")
    records = [_service(verb, SYSTEM, place, 2010, extra)() for verb in made]  # type: ignore[misc]
    records += [place.home, place.person, place.trainings[2010], place.advancement, place.company]
    records += [place.drafts[2010], place.submitted[2010], place.event[2010], place.seller]
    records += [Operation.objects.filter(enterprise=place.company).earliest("pk")]
    return records


def _other_value(field: Any, current: Any, record: Any) -> Any:
    """A different value for one form field, valid for its type; None where none is generated."""
    queryset: Any = getattr(field, "queryset", None)
    if isinstance(field, forms.ModelMultipleChoiceField):
        other = queryset.exclude(pk__in=current or []).first()
        return None if other is None else [*(current or []), other.pk]
    if isinstance(field, forms.ModelChoiceField):
        other = queryset.exclude(pk=current).first() if current else queryset.first()
        return None if other is None else other.pk
    if isinstance(field, forms.BooleanField):
        return not current
    if isinstance(field, forms.ChoiceField):
        choices: Any = field.choices
        values = [str(value) for value, _label in choices if value not in ("", None)]
        others = [value for value in values if value != str(current)]
        return others[0] if others else None
    if isinstance(field, forms.IntegerField):
        return int(current or 0) + 1
    if isinstance(field, forms.DecimalField):
        return Decimal(current or 0) + 1
    if isinstance(field, forms.DateField):
        start = current or getattr(record, "start_date", None) or datetime.date(2010, 5, 1)
        if isinstance(start, str):
            start = datetime.date.fromisoformat(start)
        return start + datetime.timedelta(days=1)
    if isinstance(field, forms.CharField) and not isinstance(field, forms.JSONField):
        text = f"{current or ''}改"
        return text[-field.max_length :] if field.max_length else text
    return None


def _stored_as_posted(record: Any, name: str, value: Any) -> bool:
    fresh = type(record)._default_manager.get(pk=record.pk)
    field = fresh._meta.get_field(name)
    if field.many_to_many:
        return sorted(map(str, getattr(fresh, name).values_list("pk", flat=True))) == sorted(map(str, value))
    if field.is_relation:
        return str(getattr(fresh, field.attname)) == str(value)
    return getattr(fresh, name) == field.to_python(value)


def _probe(browser: Client, url: str, page: Any, record: Any, name: str, value: Any) -> str | None:
    """Change one field alone and save: what is wrong with the outcome, or None."""
    events = AuditEvent.objects.count()
    try:
        posted = browser.post(url, _form_data(page) | {name: value})
    except (InvalidInput, PermissionDenied) as refused:
        return f"the action's refusal is an error page, not on the form: {refused}"
    if posted.status_code == 302:
        if not _stored_as_posted(record, name, value):
            return "saved, but the change was dropped"
        if AuditEvent.objects.count() == events:
            return "stored without an action (no audit event)"
        return None
    errors = _errors(posted)
    if NOT_EDITABLE in errors:
        return "editable, but its action refuses it as a field it does not edit"
    if not errors:
        return f"not saved and no error on the form ({posted.status_code})"
    return None  # refused on the form for a reason of the value: the action took the field


def test_no_admin_field_is_editable_that_its_action_does_not_accept(places) -> None:  # noqa: F811
    place_of, _users, extra = places
    for program in {place.program for place in place_of.values()}:
        period_unlock(actor=SYSTEM, program=program, year=2009, reason="探查")
    superuser = get_user_model().objects.create_superuser("root", password="pw-123456")
    browser = Client()
    browser.force_login(superuser)
    request = RequestFactory().get("/")
    request.user = superuser
    records = _records(place_of["own_area"], extra)
    in_scope = {model for model in admin.site._registry if model._meta.app_label in APPS or model in ALSO}
    # every admin page in scope is probed, or has no change at all (shown, written only by the actions)
    missing = {
        m for m in in_scope - {type(r) for r in records} if admin.site._registry[m].has_change_permission(request)
    }
    assert not missing, f"no record to probe the change page of: {sorted(m.__name__ for m in missing)}"
    pages = fields = 0
    problems, unprobed = [], []
    for record in records:
        url = _admin_page(record)
        page = browser.get(url)
        assert page.status_code == 200, (url, page.status_code)
        pages += 1
        form = page.context["adminform"].form
        model_fields = {f.name for f in record._meta.get_fields()}
        for name, field in form.fields.items():
            fields += 1
            value = _other_value(field, form[name].value(), record) if name in model_fields else None
            if value is None:
                unprobed.append((type(record).__name__, name))
                continue
            with transaction.atomic():
                problem = _probe(browser, url, page, record, name, value)
                transaction.set_rollback(True)
            if problem is not None:
                problems.append((type(record).__name__, name, problem))
    print(
        f"admin fields: {fields} editable fields on {pages} change pages, {len(unprobed)} not probed "
        f"{unprobed}, {len(problems)} editable that the action does not accept"
    )
    assert not problems, "\n".join(map(str, problems))
    # a field no value is generated for is held to the declaration: one its update action edits
    for model_name, name in unprobed:
        model_admin = next(a for m, a in admin.site._registry.items() if m.__name__ == model_name)
        assert name in getattr(model_admin, "update_fields", ()), (model_name, name)
