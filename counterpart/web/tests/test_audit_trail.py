"""The audit trail as an auditor reads it: filtered by kind of record, by who acted and by dates, each event
naming its record in words and linking to the record's page."""

import datetime

import pytest

from counterpart.core.models import AuditEvent

from .conftest import World, client_as

pytestmark = pytest.mark.django_db


def _rows(page: str) -> str:
    return page[page.index("<tbody>") : page.index("</tbody>")]


def test_an_event_names_and_links_its_record(world: World) -> None:
    project = world.objects["projects"]
    page = _rows(client_as(world, "auditor").get("/app/audit/", {"entity": "project"}).content.decode())
    assert f'<a href="/app/projects/{project.pk}/">{project}</a>' in page
    assert "project.propose" not in page.replace('?action=project.propose"', "")  # the action in words only
    assert "项目 · " in page


def test_the_trail_keeps_to_the_kind_the_actor_and_the_dates_asked(world: World) -> None:
    client = client_as(world, "auditor")
    households = _rows(client.get("/app/audit/", {"entity": "household"}).content.decode())
    assert "THEIRS-H1" in households and "THEIRS 道路" not in households
    AuditEvent.objects.filter(action__startswith="household.").update(actor_label="某审计对象")
    assert "THEIRS-H1" in _rows(client.get("/app/audit/", {"actor": "审计对象"}).content.decode())
    assert "THEIRS-H1" not in _rows(client.get("/app/audit/", {"actor": "别人"}).content.decode())
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert "没有符合条件的记录" in _rows(client.get("/app/audit/", {"from": tomorrow}).content.decode())
    assert "THEIRS-H1" in _rows(client.get("/app/audit/", {"to": tomorrow, "entity": "household"}).content.decode())
