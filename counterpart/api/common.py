"""What every router shares: error and page shapes, bounded input types, the acting user.

Who may write is never decided here: every write endpoint calls an action, which asks the one policy
(``access.policy``); the API maps its refusal to 403 / 422 like any other."""

import datetime
from collections.abc import Callable
from typing import Annotated, Any, get_args

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import ConfigError
from ninja.pagination import PaginationBase, paginate
from ninja.schema import DjangoGetter
from ninja.utils import contribute_operation_callback
from pydantic import (
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    model_validator,
)

from counterpart.access.scoping import distinct_if_multivalued
from counterpart.core.audit import Actor
from counterpart.core.paging import COUNT_CAP, count_capped

from .rows import rows_as_values, value_sources

# Text a database column can hold: PostgreSQL refuses NUL characters, so the contract does too
# (a client learns it from the schema instead of from a 500).
_NO_NUL = r"^[^\x00]*$"


def text(max_length: int, *, min_length: int = 0) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length, min_length=min_length, pattern=_NO_NUL)]


# Bounds that keep every integer inside the columns it is compared with (no overflow → no 500).
ID_MAX = 2**53
Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Year = Annotated[int, Field(ge=1949, le=2100)]
AreaCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,12}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]{1,80}$")]


def _day_as_written(value: Any) -> Any:
    # JSON has no dates: a day is the string the schema names ("2009-06-01"). Pydantic would also take
    # a number as seconds since 1970 (0 → 1970-01-01), a date nobody meant.
    if isinstance(value, int | float):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


Day = Annotated[datetime.date, BeforeValidator(_day_as_written)]


class InputSchema(Schema):
    """Request bodies name every field they accept: an unknown one (``status``, ``created_by``,
    ``approved_by`` …) is refused rather than ignored, so mass assignment fails loudly."""

    model_config = ConfigDict(extra="forbid")


class OutSchema(Schema):
    """An answer read straight from the record's attributes.

    ninja's Schema hands pydantic every record wrapped in a DjangoGetter, so that ``resolve_*``
    methods and related managers work: a Python call per field per row, most of the time a list page
    spends serialising. An answer names where a field comes from with ``validation_alias`` instead
    (``"pairing_id"``, ``AliasPath("program", "slug")``) and is validated from the attributes
    directly; only one that still needs a resolver (a total, a related list) takes the wrapped path.
    The served document is unchanged: responses are described in serialization mode, by field name.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        if cls._ninja_resolvers:
            return handler(DjangoGetter(values, cls, info.context))
        return handler(values)


class ErrorItem(Schema):
    field: str | None = Field(description="the input field (dotted for nested ones); null when not about one field")
    value: Any = Field(None, description="the value that was refused, as sent (identity numbers masked)")
    message: str


class ErrorOut(Schema):
    errors: list[ErrorItem]


ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 403: ErrorOut}


class Page(PaginationBase):
    """``limit`` (1–500, default 50) and ``offset``; the page has ``items``, ``count`` (the matches,
    counted up to 10,000) and ``more`` (true when there are more matches than ``count``).

    ``item_schema`` is the answer's item schema (``paginated`` tells each endpoint's page its own):
    when it reads only columns, the rows come as values, not model instances (``rows``)."""

    item_schema: Any = None

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10**9)

    class Output(Schema):
        items: list[Any]
        count: int = Field(description=f"the matches, counted up to {COUNT_CAP:,}")
        more: bool = Field(description="true when there are more matches than count (page on with offset)")

    items_attribute = "items"

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, **params: Any) -> Any:  # type: ignore[override]
        offset, limit = pagination.offset, pagination.limit
        # A national list (a program office's nine million persons) is not counted to its end on every
        # request: that took seconds.
        cap = COUNT_CAP
        sources = value_sources(self.item_schema, queryset)
        if sources is not None:
            items, matches = rows_as_values(queryset, offset, limit, sources, cap)  # the count comes along
            if matches is not None:
                return {"items": items, "count": min(matches, cap), "more": matches > cap}
        else:
            items = list(queryset[offset : offset + limit])
        # A page shorter than asked for is the last one: its end is the count, without a COUNT query.
        # An empty page past the end says nothing about where the end is, so that one still counts.
        if len(items) < limit and (items or offset == 0) and offset + len(items) <= cap:
            return {"items": items, "count": offset + len(items), "more": False}
        count, more = count_capped(queryset, cap)
        return {"items": items, "count": count, "more": more}


def _item_schema(operation: Any) -> Any:
    # ninja has replaced the answer by the page's schema: its ``items`` are a list of the item schema.
    for response in operation.response_models.values():
        page = response.model_fields["response"].annotation if response else None
        if isinstance(page, type) and issubclass(page, Page.Output):
            (item,) = get_args(page.model_fields["items"].annotation)
            return item
    raise ConfigError(f"{operation.view_func} answers no page")


def paginated(view: Callable[..., Any]) -> Callable[..., Any]:
    """``@paginate(Page)``, the page told the answer's item schema when ninja builds the endpoint."""
    page = type(f"Page_{view.__name__}", (Page,), {})
    paged = paginate(page)(view)
    contribute_operation_callback(paged, lambda operation: setattr(page, "item_schema", _item_schema(operation)))
    return paged


def user_of(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def actor_of(request: HttpRequest) -> Actor:
    return Actor.of(user_of(request))


def filtered(queryset: QuerySet, filters: Any, **lookups: str) -> QuerySet:
    """Narrow ``queryset`` by each filter the client gave: ``name="lookup"`` filters ``lookup`` by
    ``filters.name`` when it is set (an unset or empty filter narrows nothing). A lookup across a
    to-many relation (an enterprise's ``programs``) makes the rows DISTINCT, as it could repeat them."""
    applied = []
    for name, lookup in lookups.items():
        value = getattr(filters, name)
        if value:
            queryset = queryset.filter(**{lookup: value})
            applied.append(lookup)
    return distinct_if_multivalued(queryset, applied)


def ordered(queryset: QuerySet, ordering: str | None, default: str = "id") -> QuerySet:
    """Order by an allowed field (the Literal in each endpoint's signature), ties broken by id."""
    key = ordering or default
    tiebreak = "-pk" if key.startswith("-") else "pk"
    return queryset.order_by(key, tiebreak)
