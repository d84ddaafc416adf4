"""What an uploader who is not a program office may import: the rows of their own areas, or of their
own enterprise.

A program office (or an administrator, or a command-line process) loads whole files for any area, as
it always has. A recipient office — a county or a prefecture, which keeps its poor households,
persons, courses and beneficiaries in spreadsheets — loads the kinds marked ``area_scoped``, and only
rows of its own areas: every place a row names or reaches (an area column, a household's village, a
course's place, a project's area, a person's area; ``Kind.row_places``) must lie within one of its
areas. An enterprise loads the kinds marked ``enterprise_scoped`` (its annual reports, as drafts for
the program office to confirm), and only rows of its own enterprise (``Kind.row_organisations``).
A row that matches a record already registered must match one the uploader may change. Anything
else is refused on its row, naming the column and the value, and nothing loads (a file is all or
nothing, as always). Other roles (donor districts, auditors) import nothing.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.utils.translation import gettext as _

from counterpart.access.scoping import access_scope, scoped
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput

from .validation import FileRejected

if TYPE_CHECKING:
    from .kinds import ImportContext, Kind, Row


@dataclass(frozen=True)
class ImportLimits:
    user: Any
    areas: frozenset[str] = frozenset()
    organisations: frozenset[int] = frozenset()

    def allows(self, kind: "Kind") -> bool:
        return (kind.area_scoped and bool(self.areas)) or (kind.enterprise_scoped and bool(self.organisations))

    def row_check(self, kind: "Kind", row: "Row", context: "ImportContext") -> None:
        """Refuse a prepared row that reaches beyond the uploader's areas or enterprise."""
        if kind.area_scoped and self.areas:
            self.place_check(kind.row_places(row, context))
            return
        for column, organisation_id in kind.row_organisations(row, context):
            if organisation_id not in self.organisations:
                raise InvalidInput(column, row.get(column), _("只能导入本企业的数据"))

    def place_check(self, places: Iterable[tuple[str, str | None]]) -> None:
        """Refuse the first place outside the uploader's areas (a row placed nowhere is refused too:
        it would be a record no county could see)."""
        placed = False
        for column, code in places:
            if not code or not any(code.startswith(area) for area in self.areas):
                raise InvalidInput(column, code or "", _("该地区不在您的权限范围内"))
            placed = True
        if not placed:
            raise InvalidInput("", "", _("该地区不在您的权限范围内"))

    def writable(self, records: Sequence[Model]) -> set[tuple[type[Model], Any]]:
        """(model, pk) of the records the uploader may change: one scoped query per model."""
        by_model: dict[type[Model], list[Any]] = defaultdict(list)
        for record in records:
            by_model[type(record)].append(record.pk)
        allowed: set[tuple[type[Model], Any]] = set()
        for model, pks in by_model.items():
            mine = scoped(model._default_manager.filter(pk__in=pks), self.user, for_write=True)
            allowed.update((model, pk) for pk in mine.values_list("pk", flat=True))
        return allowed


def import_limits_of(user: Any) -> ImportLimits | None:
    """What ``user`` may import: None for whole files (program office, administrator, no user: a
    command-line or system process); limits with no areas and no enterprise for a role that imports
    nothing."""
    if user is None:
        return None
    scope = access_scope(user, for_write=True)
    if scope.everything or scope.programs:
        return None
    return ImportLimits(user, scope.recipient_areas, scope.organisations)


def import_limits(actor: Actor, kind: "Kind") -> ImportLimits | None:
    """The limits of ``actor``'s import of ``kind``: None for whole files; FileRejected when the
    role imports nothing, or not this kind."""
    limits = import_limits_of(actor.db_user)
    if limits is None:
        return None
    if not (limits.areas or limits.organisations):
        raise FileRejected("您的角色不能导入数据", "your role may not import data")
    if not limits.allows(kind):
        raise FileRejected(
            f"“{kind.name_zh}”不在您可以导入的数据类型中（其余类型由协作办导入）",
            f"{kind.name_en} are not among the kinds you may import (the program office imports the others)",
        )
    return limits
