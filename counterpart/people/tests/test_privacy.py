"""Identity numbers never appear in clear: not in the database, logs, errors, admin pages or reprs."""

import logging
import os
import re
import subprocess

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.people.identity import identity_mask, identity_parse
from counterpart.people.models import BenefitKind, Person, Sex
from counterpart.people.services import PersonRow, benefit_record, persons_register_bulk

from .factories import household, member, number

NUMBERS = [number(n) for n in (101, 103, 105, 107, 109)]


def _register_everything(actor, areas, program) -> list[Person]:
    village = areas["520422100201"]
    home = household(actor, village)
    people = [member(actor, home, n, relation="head" if n == 101 else "child") for n in (101, 103)]
    persons_register_bulk(
        actor=actor,
        rows=[
            PersonRow(
                name="张三", sex=Sex.MALE, area=village, identity_number=number(n), household=home, relation="child"
            )
            for n in (105, 107, 109)
        ],
        source="test",
    )
    with pytest.raises(InvalidInput):  # a refused duplicate must not leak either
        member(actor, home, 101)
    benefit_record(
        actor=actor,
        program=program,
        kind=BenefitKind.OTHER,
        date=__import__("datetime").date(2009, 1, 5),
        household=home,
    )
    return people


def _valid_numbers_in(text: str) -> list[str]:
    found = []
    for candidate in re.findall(r"(?<![\dA-Za-z])\d{17}[\dX](?![\dA-Za-z])", text):
        try:
            identity_parse(candidate)
        except InvalidInput:
            continue
        found.append(candidate)
    return found


def _assert_no_number_in(text: str, *, any_valid: bool = True) -> None:
    for n in NUMBERS:
        assert n not in text
        assert n.lower() not in text
    if any_valid:  # nor any other well-formed identity number
        assert _valid_numbers_in(text) == []


@pytest.mark.django_db(transaction=True)
def test_sqlite_database_dump_holds_no_number_in_clear(actor, areas, program) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite dump; PostgreSQL has its own test")
    _register_everything(actor, areas, program)
    dump = "\n".join(connection.connection.iterdump())
    assert "people_person" in dump and "X'" in dump  # the ciphertext is there, as a blob
    _assert_no_number_in(dump)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_pg_dump_holds_no_number_in_clear(actor, areas, program) -> None:
    _register_everything(actor, areas, program)
    settings_dict = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    dump = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            settings_dict["HOST"] or "127.0.0.1",
            "-p",
            str(settings_dict["PORT"] or 5432),
            "-U",
            settings_dict["USER"],
            settings_dict["NAME"],
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    assert "people_person" in dump
    _assert_no_number_in(dump)


def test_logs_hold_no_number_even_with_sql_logging(actor, areas, program, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.db.backends", "counterpart"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    connection.force_debug_cursor = True
    try:
        _register_everything(actor, areas, program)
    finally:
        connection.force_debug_cursor = False
    assert any(r.name == "django.db.backends" for r in caplog.records)  # SQL was logged
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {getattr(r, 'params', '')!r}" for r in caplog.records)
    _assert_no_number_in(logged, any_valid=False)  # SQL timings are long digit runs


def test_audit_trail_holds_no_number(actor, areas, program) -> None:
    _register_everything(actor, areas, program)
    events = " ".join(f"{e.object_repr} {e.before} {e.after} {e.reason}" for e in AuditEvent.objects.all())
    assert "identity_ciphertext" not in events and "identity_blind_index" not in events
    _assert_no_number_in(events)


def test_str_and_repr_show_the_masked_number(actor, areas, program) -> None:
    person = _register_everything(actor, areas, program)[0]
    person = Person.objects.get(pk=person.pk)
    assert str(person) == f"王芳 {identity_mask(NUMBERS[0])}"
    assert repr(person) == f"<Person: 王芳 {identity_mask(NUMBERS[0])}>"
    row = PersonRow(name="甲", sex=Sex.MALE, area=areas["520422"], identity_number=NUMBERS[1])
    assert NUMBERS[1] not in repr(row)


@pytest.fixture
def admin_client(db) -> Client:
    User.objects.create_superuser("admin", "a@example.org", "pw")
    client = Client()
    client.login(username="admin", password="pw")
    return client


def test_admin_pages_show_only_masked_numbers(actor, areas, program, admin_client) -> None:
    person = _register_everything(actor, areas, program)[0]
    pages = [
        reverse("admin:people_person_changelist"),
        reverse("admin:people_person_change", args=[person.pk]),
        reverse("admin:people_household_change", args=[person.household_id]),
        reverse("admin:people_benefit_changelist"),
        reverse("admin:core_auditevent_changelist"),
    ]
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert identity_mask(NUMBERS[0]) in html or "benefit" in page or "auditevent" in page
        _assert_no_number_in(html)


def test_admin_add_goes_through_the_service_and_never_echoes_the_number(actor, areas, admin_client) -> None:
    village = areas["520422100201"]
    home = household(actor, village)
    url = reverse("admin:people_person_add")
    data = {
        "name": "赵六",
        "sex": "male",
        "area": village.code,
        "household": home.pk,
        "relation": "head",
        "identity_number": NUMBERS[0],
        "is_illustrative": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    person = Person.objects.get(name="赵六")
    assert person.has_identity and AuditEvent.objects.filter(action="person.register").exists()
    # a second time: refused, and the page does not show the number it was given
    response = admin_client.post(url, {**data, "name": "赵七"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "已登记" in html
    _assert_no_number_in(html)
    assert all(NUMBERS[0] not in entry.object_repr for entry in LogEntry.objects.all())
