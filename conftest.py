"""Shared fixtures. Tests marked ``postgres`` run only when DATABASE_URL names PostgreSQL."""

import datetime
import os
from collections.abc import Iterator

import pytest

from counterpart.core.audit import Actor

# The Playwright fixtures every app's tests/browser/ uses (one Chromium per session).
pytest_plugins = ["counterpart.testing.browser"]

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


ON_CITUS = bool(os.environ.get("COUNTERPART_CITUS_URL"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_CITUS:
        no_citus = pytest.mark.skip(reason="Citus test: set COUNTERPART_CITUS_URL=postgres://… (a coordinator)")
        for item in items:
            if "citus" in item.keywords:
                item.add_marker(no_citus)
    if ON_POSTGRESQL:
        return
    skip = pytest.mark.skip(reason="PostgreSQL-only test: set DATABASE_URL=postgres://… to run it")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    return "database: PostgreSQL (DATABASE_URL)" if ON_POSTGRESQL else "database: SQLite (PostgreSQL-only tests skip)"


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's language: a request in English leaves English active in its
    thread (Django's LocaleMiddleware never switches back), which would leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _indicator_catalogue(request: pytest.FixtureRequest) -> None:
    """The catalogue is data loaded by a migration; transactional tests flush it, so restore it."""
    if not {"db", "transactional_db"} & set(request.fixturenames) and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from counterpart.indicators.catalogue import catalogue_sync
    from counterpart.indicators.models import Indicator

    if not Indicator.objects.filter(is_builtin=True).exists():
        catalogue_sync(Indicator)


@pytest.fixture
def actor() -> Actor:
    return Actor.system("test")


@pytest.fixture
def areas(db: None, actor: Actor) -> dict:
    """A donor city with two districts and a recipient city with two counties and a village."""
    from counterpart.registry.models import Area
    from counterpart.registry.services import AreaRow, areas_upsert

    rows = [
        AreaRow("37", "山东省"),
        AreaRow("3702", "青岛市"),
        AreaRow("370202", "市南区"),
        AreaRow("370203", "市北区"),
        AreaRow("52", "贵州省"),
        AreaRow("5204", "安顺市"),
        AreaRow("520402", "西秀区"),
        AreaRow("520422", "普定县", is_key_poverty_county=True),
        AreaRow("520422100", "马官镇"),
        AreaRow("520422100201", "某村", is_poverty_village=True),
    ]
    areas_upsert(actor=actor, rows=rows, source="test")
    return {area.code: area for area in Area.objects.all()}


@pytest.fixture
def program(areas: dict, actor: Actor):
    from counterpart.registry.services import program_create

    return program_create(actor=actor, slug="qd-gz", name_zh="青岛—贵州", donor_area=areas["3702"], start_year=1996)


@pytest.fixture
def pairing(program, areas: dict, actor: Actor):
    from counterpart.registry.models import PairingLevel
    from counterpart.registry.services import pairing_create

    return pairing_create(
        actor=actor,
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370202"],
        recipient_area=areas["520422"],
        valid_from=datetime.date(2008, 1, 1),
    )


@pytest.fixture
def project(program, pairing, areas: dict, actor: Actor):
    from counterpart.projects.services import project_propose

    return project_propose(
        actor=actor,
        program=program,
        code="P-001",
        title_zh="饮水工程",
        category="drinking_water",
        recipient_area=areas["520422"],
        pairing=pairing,
        year=2009,
        budget_fen=100_000_00,
    )


@pytest.fixture
def neighbour_project(program, pairing, areas: dict, actor: Actor):
    """P-002 in 西秀区 (520402), paired with 市北区: the program's other county, whose records the
    scoping tests must never show to 普定县."""
    from counterpart.projects.services import project_propose
    from counterpart.registry.models import PairingLevel
    from counterpart.registry.services import pairing_create

    other_pairing = pairing_create(
        actor=actor,
        program=program,
        level=PairingLevel.DISTRICT_COUNTY,
        donor_area=areas["370203"],
        recipient_area=areas["520402"],
        valid_from=datetime.date(2008, 1, 1),
    )
    return project_propose(
        actor=actor,
        program=program,
        code="P-002",
        title_zh="道路",
        category="village_road",
        recipient_area=areas["520402"],
        pairing=other_pairing,
        year=2009,
        budget_fen=5_000_00,
    )


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo program once per test module, in a transaction rolled back at its end: loaded by
    ``demo_load()`` the first time in a session and copied back from its rows after that
    (counterpart/testing/demo_snapshot.py)."""
    from django.db import transaction

    from counterpart.testing.demo_snapshot import demo_restore

    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_restore()
        transaction.set_rollback(True)


@pytest.fixture
def demo_program(_demo_loaded, db):  # type: ignore[no-untyped-def]
    return _demo_loaded
