"""The people part of the demo gives the seed's figures, each saying where it comes from."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from counterpart.demo.loader import DEMO_SLUG
from counterpart.people.models import Benefit, Household, Person, StudentAid, Training
from counterpart.projects.models import VillageAdvancement

# The tests read a module-wide fixture; the marker makes pytest-django create the test database.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def report(_demo_loaded, django_db_blocker) -> dict:
    """The demo's 2009 report, from the demo loaded once for the module (see conftest)."""
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("report", "--program", DEMO_SLUG, "--year", "2009", "--format", "json", "--summary", stdout=out)
        counts = {
            "illustrative": all(
                not model.objects.filter(is_illustrative=False).exists()
                for model in (Person, Household, Benefit, StudentAid, Training, VillageAdvancement)
            ),
            "persons": Person.objects.count(),
        }
    return {"json": json.loads(out.getvalue()), **counts}


def test_demo_report_gives_the_seed_people_figures_with_their_sources(report) -> None:
    figures = report["json"]["indicators"]
    # "human resource trainings for 650 cadres and technicians"
    assert figures["cadres_trained"] == {"value": 650, "unit": "persons", "source": "registry"}
    # "rural labor transfer trainings for more than 12000 people": known by course counts, so reported,
    # with the one registered course beside it, never added
    assert figures["labour_trained"]["value"] >= 12_000
    assert figures["labour_trained"]["source"] == "reported"
    assert figures["labour_trained"]["records"] == {"value": 60, "source": "registry"}
    # "financial aid for more than 1000 poor students"
    assert figures["students_aided"]["value"] >= 1_000
    assert figures["students_aided"]["source"] == "registry"
    # "more than 100 development-oriented poverty alleviation villages"
    assert figures["villages_advanced"]["value"] >= 100
    assert figures["villages_advanced"]["source"] == "registry"
    # "directly benefit more than 50,000 local poor people": the published figure, with the registry beside it
    assert figures["beneficiaries"]["value"] >= 50_000
    assert figures["beneficiaries"]["source"] == "reported"
    assert figures["beneficiaries"]["records"]["source"] == "registry"
    assert 0 < figures["beneficiaries"]["records"]["value"] < 50_000
    assert figures["fiscal_aid"]["value"] == 16_400_000
    assert figures["training_person_times"]["unit"] == "person-times"


def test_demo_people_records_are_all_illustrative(report) -> None:
    assert report["illustrative"] is True
    assert report["persons"] == 650 + 2 * 1_020
