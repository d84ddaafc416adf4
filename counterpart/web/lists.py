"""The one list framework of the application: scoping, filters, search, sorting, pages, export.

Each list is declared once as a ``ListSpec`` (see ``specs.py``); ``list_queryset`` is the only
place that turns a request into rows, and it starts from ``access.scoping.scoped()``, so a list,
its pages and its export show exactly the same records. The drill-down contract of the
dashboard (``?program=<slug>&year=<y>[&year_to=<y2>]&area=<code prefix>``, and ``&pairing=<ids>``
where the list's records name their pairing) is understood by every list; each list adds its own
filters (``?status=``, ``?source=`` …), ``?q=`` searches, ``?sort=`` (``-`` for descending) sorts
by a whitelisted column, ``?page=`` pages and ``?format=csv|xlsx`` exports through the intake
exporters.
"""

import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.functional import Promise, cached_property

from counterpart.access.scoping import distinct_if_multivalued, scoped
from counterpart.core.language import is_english
from counterpart.core.paging import COUNT_CAP, count_capped
from counterpart.intake import exporters
from counterpart.intake.kinds import Column as ExportColumn
from counterpart.intake.kinds import ColumnType, Kind, Row, kind_get

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Col:
    """A column of a list or a field of a detail page."""

    key: str
    label: str | Promise
    get: Callable[[Any], Any]
    sort: str = ""
    link: bool = False
    sensitive: bool = False
    # The value written to an export when it differs from the page's (a clear number the exporter
    # masks unless the caller may see it).
    export_get: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Filter:
    """An exact-match filter: ``?param=value`` → ``lookup=value``, offered as a select of ``choices``."""

    param: str
    label: str | Promise
    lookup: str
    choices: Callable[[], Iterable[tuple[str, str | Promise]]] = lambda: ()


@dataclass(frozen=True)
class FigureSum:
    """``?figure=<key>``: only the records one figure of the report sums, and their total as the figure
    counts it, so that a figure followed from the dashboard or the report ends at a list adding up to it."""

    figures: Callable[[], Iterable[str]]
    records: Callable[[QuerySet[Any], str], QuerySet[Any]]
    total: Callable[[QuerySet[Any], str], str]


@dataclass(frozen=True)
class ListSpec:
    slug: str
    title: str | Promise
    model: type[Model]
    columns: tuple[Col, ...]
    base: Callable[[QuerySet[Any]], QuerySet[Any]] = lambda queryset: queryset
    program: str = "program__slug"
    year: str = "year"
    area: str = ""
    # ?pairing=<id>[,<id>…]: the records of those pairings (a donor district's figures drill down so).
    pairing: str = ""
    filters: tuple[Filter, ...] = ()
    search: tuple[str, ...] = ()
    default_sort: str = "-pk"
    # The intake kind whose columns the export uses (a valid import file); else the list's columns.
    export_kind: str = ""
    detail_fields: tuple[Col, ...] = ()
    detail_template: str = "web/detail.html"
    # Extra context for the detail page: (request, record) → dict.
    detail_context: Callable[[HttpRequest, Any], dict[str, Any]] | None = None
    # The form that creates a record of this list, and the verbs it takes: its link is shown to a
    # user the policy grants one of them (web/can.py).
    create_url: str = ""
    create_verbs: tuple[str, ...] = ()
    extra_params: tuple[str, ...] = field(default=())
    figure_sum: FigureSum | None = None

    @property
    def has_sensitive_columns(self) -> bool:
        return any(col.sensitive for col in self.columns)

    @property
    def params(self) -> tuple[str, ...]:
        drill = tuple(
            p for p, lookup in (("program", self.program), ("year", self.year), ("area", self.area)) if lookup
        )
        return (
            drill
            + (("year_to",) if self.year else ())
            + (("figure",) if self.figure_sum else ())
            + (("pairing",) if self.pairing else ())
            + tuple(f.param for f in self.filters)
        )


@dataclass
class ListResult:
    queryset: QuerySet[Any]
    applied: dict[str, str]
    sort: str
    query: str
    spec: "ListSpec | None" = None

    @property
    def figure_total(self) -> str:
        """The total of the figure the list was filtered to (``?figure=``), written as the figure is."""
        figure = self.applied.get("figure", "")
        if not figure or self.spec is None or self.spec.figure_sum is None:
            return ""
        return self.spec.figure_sum.total(self.queryset, figure)


def _digits(value: str) -> bool:
    return value.isdigit() and len(value) <= 12


def _lookups(condition: Q) -> list[str]:
    """The field lookups a Q filters by, at any depth."""
    lookups: list[str] = []
    for child in condition.children:
        if isinstance(child, Q):
            lookups += _lookups(child)
        elif isinstance(child, tuple):  # (lookup, value)
            lookups.append(child[0])
    return lookups


def list_queryset(spec: ListSpec, user: Any, params: Any) -> ListResult:
    """The records a user may see in a list, with the request's filters, search and sorting applied.

    A filter value that cannot match (a year that is not a number, a code with letters) gives an
    empty list, not an error: a link to no records is still a valid link.
    """
    queryset = spec.base(scoped(spec.model, user))
    applied: dict[str, str] = {}
    condition = Q()
    program = (params.get("program") or "").strip()
    if program and spec.program:
        condition &= Q(**{spec.program: program})
        applied["program"] = program
    year = (params.get("year") or "").strip()
    year_to = (params.get("year_to") or "").strip()
    if year and spec.year:
        # A multi-year figure drills down with ?year=Y1&year_to=Y2.
        if not year.isdigit() or (year_to and not year_to.isdigit()):
            condition &= Q(pk__in=[])
        elif year_to:
            condition &= Q(**{f"{spec.year}__gte": int(year), f"{spec.year}__lte": int(year_to)})
        else:
            condition &= Q(**{spec.year: int(year)})
        applied["year"] = year
        if year_to:
            applied["year_to"] = year_to
    area = (params.get("area") or "").strip()
    if area and spec.area:
        condition &= Q(**{f"{spec.area}__code_prefix": area}) if _digits(area) else Q(pk__in=[])
        applied["area"] = area
    pairing = (params.get("pairing") or "").strip()
    if pairing and spec.pairing:
        ids = pairing.split(",")
        if all(_digits(pk) for pk in ids):
            condition &= Q(**{f"{spec.pairing}__in": [int(pk) for pk in ids]})
        else:
            condition &= Q(pk__in=[])
        applied["pairing"] = pairing
    for item in spec.filters:
        value = (params.get(item.param) or "").strip()
        if value:
            condition &= Q(**{item.lookup: value})
            applied[item.param] = value
    queryset = queryset.filter(condition)
    figure = (params.get("figure") or "").strip()
    if figure and spec.figure_sum is not None:
        queryset = spec.figure_sum.records(queryset, figure) if figure in spec.figure_sum.figures() else queryset.none()
        applied["figure"] = figure
    query = (params.get("q") or "").strip()[:100]
    if query and spec.search:
        words = Q()
        for name in spec.search:
            words |= Q(**{f"{name}__icontains": query})
        queryset = queryset.filter(words)
    # scoped() leaves out DISTINCT when its own rule cannot repeat rows; a filter or search across a
    # to-many relation (a person's benefits, an enterprise's reports) can.
    queryset = distinct_if_multivalued(queryset, _lookups(condition) + (list(spec.search) if query else []))
    sortable = {col.key: col.sort for col in spec.columns if col.sort}
    sort = (params.get("sort") or "").strip()
    key = sort.removeprefix("-")
    if key in sortable:
        order = ("-" if sort.startswith("-") else "") + sortable[key]
        queryset = queryset.order_by(order, "-pk" if sort.startswith("-") else "pk")
    else:
        sort = ""
        queryset = queryset.order_by(spec.default_sort, "pk")
    return ListResult(queryset=queryset, applied=applied, sort=sort, query=query, spec=spec)


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows, and says "more than" beyond them (core.paging)."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        counted, more = count_capped(self.object_list, self.cap)
        return counted + 1 if more else counted

    @property
    def more_than_cap(self) -> bool:
        return self.count > self.cap


def list_page(result: ListResult, number: Any) -> Page:
    return CappedPaginator(result.queryset, PAGE_SIZE).get_page(number)


# --- export -------------------------------------------------------------------------------------------


def _kind_rows(spec: ListSpec, records: QuerySet[Any]) -> tuple[Kind, Iterator[Row]] | None:
    if not spec.export_kind:
        return None
    try:
        kind = kind_get(spec.export_kind)
    except Exception:  # the kind is not installed: fall back to the list's own columns
        return None
    try:
        # In chunks: a list's prefetches (a person's household) then ask for a few hundred rows at a time,
        # never for every row of the export in one statement, which SQLite refuses beyond 1,000 terms.
        return kind, kind.rows_of(records.iterator(chunk_size=500))
    except NotImplementedError:
        return None


class _ListKind(Kind):
    """An export-only kind with a list's own columns, for lists the intake has no import kind for."""

    def __init__(self, spec: ListSpec) -> None:
        self.key = spec.slug
        self.name_zh = self.name_en = spec.slug
        self.columns = tuple(
            ExportColumn(col.key, str(col.label), col.key, ColumnType.TEXT, sensitive=col.sensitive)
            for col in spec.columns
        )


def _list_rows(spec: ListSpec, records: QuerySet[Any]) -> Iterator[Row]:
    for record in records.iterator(chunk_size=2000):
        yield {col.key: _plain((col.export_get or col.get)(record)) for col in spec.columns}


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, int | str):
        return value
    return str(value)


def list_export(
    spec: ListSpec, result: ListResult, file_format: str, *, may_see_sensitive: bool
) -> StreamingHttpResponse:
    """The filtered list as a file, written by the intake exporters (formulas neutralised, identity
    numbers masked unless the caller may see them). With an import kind the file can be imported again."""
    found = _kind_rows(spec, result.queryset)
    kind, rows = found if found is not None else (_ListKind(spec), _list_rows(spec, result.queryset))
    language = "en" if is_english() else "zh"
    handle = tempfile.NamedTemporaryFile(prefix="export-", suffix=f".{file_format}", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    exporters.rows_write(
        kind, rows, path, file_format=file_format, language=language, may_see_sensitive=may_see_sensitive
    )
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = StreamingHttpResponse(_read_then_remove(path), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{spec.slug}.{file_format}"'
    return response


def _read_then_remove(path: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 16):
                yield block
    finally:
        path.unlink(missing_ok=True)
