"""A page read as values (api.rows) answers exactly what the same page read as records answers, and
only answers that read columns are read so."""

import pytest
from django.db import connections
from pydantic import AliasPath

from counterpart.api import common, rows
from counterpart.api.common import Field, OutSchema
from counterpart.api.routers.projects import ProjectDetailOut, ProjectOut
from counterpart.api.routers.registry import ProgramOut
from counterpart.projects.models import Project
from counterpart.registry.models import Program


@pytest.mark.parametrize("path", ["/projects", "/programs", "/pairings", "/areas", "/indicators"])
def test_a_page_read_as_values_is_the_page_read_as_records(project, neighbour_project, office, monkeypatch, path):
    # given the same page, first as values, then with every page read as model instances
    as_values = office.get(path, limit=3).json()
    monkeypatch.setattr(common, "value_sources", lambda schema, queryset: None)
    as_records = office.get(path, limit=3).json()
    # then
    assert as_values == as_records
    assert as_values["items"]


def test_projects_are_read_as_values_and_a_schema_with_resolvers_is_not() -> None:
    assert common.value_sources(ProjectOut, Project.objects.all()) is not None
    assert common.value_sources(ProjectDetailOut, Project.objects.all()) is None  # outputs, history: resolvers
    assert common.value_sources(ProjectOut, Project.objects.distinct()) is None  # values would change DISTINCT
    assert common.value_sources(ProjectOut, Project.objects.prefetch_related("outputs")) is None
    assert common.value_sources(ProgramOut, Program.objects.all()) is not None


def test_a_field_that_is_not_a_column_keeps_the_records() -> None:
    # given answers reading a property, a relation (a record, not its key) and a to-many path
    class Named(OutSchema):
        label: str = Field(validation_alias="__str__")

    class Related(OutSchema):
        program: int

    class ToMany(OutSchema):
        first_output: str = Field(validation_alias=AliasPath("outputs", "unit"))

    # then none is read as values
    for schema in (Named, Related, ToMany):
        assert common.value_sources(schema, Project.objects.all()) is None


def test_a_column_behind_a_descriptor_of_its_own_keeps_the_records(monkeypatch) -> None:
    # A field the model gives through a descriptor of its own (a decrypting one, say) is not what its
    # column holds.
    class Masked(OutSchema):
        code: str

    rows._columns_of.cache_clear()
    monkeypatch.setattr(Project, "code", property(lambda self: "***"))
    try:
        assert common.value_sources(Masked, Project.objects.all()) is None
    finally:
        rows._columns_of.cache_clear()


def test_a_page_of_a_kept_shape_binds_its_own_values(project, neighbour_project, puding, xixiu) -> None:
    # given the SQL of a county office's first page, kept for its connection
    connection = connections["default"]
    rows._PAGE_SQL.pop(connection, None)
    first = puding.get("/projects", year=2009).json()
    kept = dict(rows._PAGE_SQL[connection])
    # when the neighbouring county asks for the same page of its own scope
    second = xixiu.get("/projects", year=2009).json()
    # then the page is read with the kept SQL (no new shape), and each county sees only its own
    assert rows._PAGE_SQL[connection] == kept
    assert ([item["code"] for item in first["items"]], first["count"]) == (["P-001"], 1)
    assert ([item["code"] for item in second["items"]], second["count"]) == (["P-002"], 1)
    # and another filter value is bound the same way: no project of 2010
    assert puding.get("/projects", year=2010).json() == {"items": [], "count": 0, "more": False}
