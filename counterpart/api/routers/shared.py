"""Small helpers the routers share."""

from typing import Annotated, Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Header
from pydantic import StringConstraints

from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Program

M = TypeVar("M", bound=models.Model)

IdempotencyKey = Annotated[
    Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,100}$")] | None,
    Header(alias="Idempotency-Key", description="a client-chosen unique key: a retry with it creates nothing twice"),
]


def get_or_422(queryset: QuerySet[M], field: str, value: Any, **lookup: Any) -> M | None:
    """A record named in a request body, among those the user may see; None when not given.

    A body that names a record the user cannot see is refused by field (422) — the same answer as
    for a record that does not exist, so nothing is confirmed about other areas' records.
    """
    if value is None:
        return None
    record = queryset.filter(**lookup).first()
    if record is None:
        raise InvalidInput(field, value, _("不存在或不在您的权限范围内"))
    return record


def program_named(slug: str) -> Program:
    """The program a request body names by its slug (programs are reference data), or 422."""
    program = get_or_422(Program.objects.all(), "program", slug, slug=slug)
    assert program is not None  # a slug is always given: the schemas require it
    return program
