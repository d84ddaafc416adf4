"""The registry of record kinds the intake can template, import and export.

A kind is one module (see ``records/``) that declares its columns and natural key and calls its
domain's services: ``prepare`` checks a typed row without writing, ``lookup`` finds the records
a chunk of rows already has (for idempotency), ``create_many``/``update`` write through the
domain layer, ``export_rows`` turns records back into rows of the same columns (so an export is
a valid import file). Kinds: programs, pairings, projects, ledger, reported_values, households, persons (staged bulk
path on PostgreSQL, see staged.py), trainings, training_participants, student_aid,
project_beneficiaries, enterprise_reports, market_events; identity numbers are ``sensitive=True``.
"""

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from django.db.models import Model, Q
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.choices import label_texts
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, Program
from counterpart.registry.services import area_code_parse


class ColumnType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"  # yuan in the file, integer fen in the domain
    DATE = "date"
    YEAR = "year"
    AREA = "area"  # GB/T 2260 / statistical code, short or padded form
    CHOICE = "choice"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Column:
    key: str
    header_zh: str
    header_en: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    # For CHOICE: (value, label_zh, label_en); the value, either label or "value label" is accepted.
    choices: tuple[tuple[str, str, str], ...] = ()
    # Identity numbers and the like: masked in exports unless the caller may see them.
    sensitive: bool = False
    # How a sensitive value is masked; None: the identity-number masker. A birth date is blanked.
    mask: Callable[[str], str] | None = None
    max_length: int | None = None
    note_zh: str = ""
    note_en: str = ""

    def headers(self) -> tuple[str, str]:
        return self.header_zh, self.header_en

    def masked(self, value: str) -> str:
        """The value as a role that may not see this column in clear sees it."""
        return (self.mask or sensitive_masker)(value)


Row = dict[str, Any]
Key = tuple[Any, ...]


class RowLimits(Protocol):
    """What an uploader's rows may reach (``intake/limits.py``'s ImportLimits, which imports this
    module for Kind and Row: kinds names only the two methods an import asks)."""

    def row_check(self, kind: "Kind", row: Row, context: "ImportContext") -> None: ...

    def writable(self, records: Sequence[Model]) -> set[tuple[type[Model], Any]]: ...


REF_CACHE_MAX = 20_000


@dataclass
class ImportContext:
    """Caches for one import: programs and areas looked up once, refs seen earlier in the file."""

    programs: dict[str, Program | None] = field(default_factory=dict)
    areas: dict[str, Area | None] = field(default_factory=dict)
    file_refs: dict[Any, Any] = field(default_factory=dict)
    # The uploader's areas when they may import only their own rows (intake/limits.py); None: any row.
    limits: RowLimits | None = None

    # Lookups ``ref`` made, the most recent last: at most REF_CACHE_MAX, so that a file naming a million
    # households does not hold a million of them (rows naming one record come together, so few are looked
    # up twice). What the file itself defines stays in ``file_refs``, whole, and wins.
    lookups: OrderedDict[Any, Any] = field(default_factory=OrderedDict)

    def ref(self, key: tuple[Any, ...], find: Callable[[], Any]) -> Any:
        """A record the file refers to (a household, a project, a course), looked up once while recently used."""
        if key in self.file_refs:
            return self.file_refs[key]
        if key in self.lookups:
            self.lookups.move_to_end(key)
            return self.lookups[key]
        found = self.lookups[key] = find()
        if len(self.lookups) > REF_CACHE_MAX:
            self.lookups.popitem(last=False)
        return found

    def program(self, slug: str, column: str = "program") -> Program:
        """The program of a cell: its slug, or its name (Chinese or English) when no other program has it."""
        if slug not in self.programs:
            found = Program.objects.filter(slug=slug).first()
            if found is None:
                named = list(Program.objects.filter(Q(name_zh=slug) | Q(name_en__iexact=slug))[:2])
                found = named[0] if len(named) == 1 else None
            self.programs[slug] = found
        program = self.programs[slug]
        if program is None:
            raise InvalidInput(column, slug, _("没有该协作项目"))
        return program

    def area(self, code: str, column: str) -> Area:
        area = self.areas.get(code)
        if area is not None:
            return area
        code = area_code_parse(code, column).code
        if code not in self.areas:
            self.areas[code] = Area.objects.filter(code=code).first()
        area = self.areas[code]
        if area is None:
            raise InvalidInput(column, code, _("没有该行政区划"))
        return area


class Kind:
    """A kind of record. Subclasses set the class attributes and implement the hooks."""

    key: str = ""
    name_zh: str = ""
    name_en: str = ""
    columns: tuple[Column, ...] = ()
    natural_key: tuple[str, ...] = ()
    # True when create_many writes a chunk in one domain call (COPY on PostgreSQL): such kinds
    # commit in chunks on PostgreSQL and resume after a crash.
    bulk: bool = False
    # Columns the domain derives when the file leaves them blank (a disbursement's source is its
    # commitment's): blank there is not a change to an existing record.
    derived_columns: frozenset[str] = frozenset()
    # The domain's field names (InvalidInput.field) that are not spelled like the column.
    field_columns: dict[str, str] = {}
    # True when create_many writes a chunk in one domain call inside the one import transaction
    # (student aid: one disbursement per commitment and date), without bulk's chunked commits.
    create_in_groups: bool = False
    # True for kinds with the staged bulk path on PostgreSQL (intake/staged.py): they implement
    # stage_columns, stage_encoder, stage_problems, stage_classify and stage_apply.
    staged: bool = False
    stage_columns: tuple[tuple[str, str], ...] = ()
    # True for staged kinds that also load a file of new rows directly (intake/direct.py): they
    # implement direct_apply.
    direct: bool = False
    # The policy verb the kind's new rows take (intake/limits.py): the kind is offered to whoever the
    # policy grants it, and every row's target (row_program with row_places or row_organisations) is
    # asked of the policy before anything is written. Empty: the program office's kind.
    verb: str = ""
    # The scopes of the policy a row of the kind can carry: its program, the places it reaches, the
    # enterprise it is about. None of the kinds names a pairing's donor district, so a donor district's
    # grant (Scope.PAIRING) never offers one.
    row_scopes: frozenset[str] = frozenset({"program", "area", "enterprise"})
    instructions_zh: str = ""
    instructions_en: str = ""
    # The kinds whose records this kind's rows name (a pairing its program, a figure its program and
    # pairing): a workbook of several kinds loads their sheets first (kinds_in_dependency_order).
    depends_on: tuple[str, ...] = ()
    # A sheet of the workbook template of a program office's published record (programs, pairings,
    # reported values: what a yearbook entry holds), exporters.template_workbook_write.
    record_workbook: bool = False

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def column_of_field(self, field_name: str) -> str:
        """The column an InvalidInput's field refers to, so that domain errors land on the right cell."""
        if field_name in self.field_columns:
            return self.field_columns[field_name]
        if any(column.key == field_name for column in self.columns):
            return field_name
        return self.natural_key[-1]

    def changes(self, row: Row, existing: Row) -> Row:
        """The columns whose value in the file differs from the record's."""
        result: Row = {}
        for column in self.columns:
            new, old = row.get(column.key), existing.get(column.key)
            if new in (None, "") and column.key in self.derived_columns:
                continue
            if (new in (None, "") and old in (None, "")) or new == old:
                continue
            result[column.key] = new
        return result

    def key_of(self, row: Row) -> Key:
        return tuple(row.get(name) for name in self.natural_key)

    def prepare(self, row: Row, context: ImportContext) -> None:
        """Check a typed row as the domain would, without writing; raise InvalidInput naming a column."""

    def row_program(self, row: Row, context: ImportContext) -> int | None:
        """The program (id) a prepared row's write lands in: its program column, if it has one."""
        if any(column.key == "program" for column in self.columns) and row.get("program"):
            return context.program(row["program"]).pk
        return None

    def row_places(self, row: Row, context: ImportContext) -> Iterator[tuple[str, str | None]]:
        """(column, area code) of every place a prepared row names or reaches: its area columns here;
        kinds whose rows reach places through other records (a household, a project) add those."""
        for column in self.columns:
            if column.type == ColumnType.AREA and row.get(column.key):
                yield column.key, area_code_parse(row[column.key], column.key).code

    def row_organisations(self, row: Row, context: ImportContext) -> Iterator[tuple[str, int]]:
        """(column, organisation id) of the enterprise a prepared row is about (an enterprise's kinds)."""
        return iter(())

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        """The records these keys already have, each with its row as ``export_rows`` would give it."""
        raise NotImplementedError

    def check_change(self, record: Model, changes: Row) -> None:
        """Refuse (InvalidInput) a change an import may not make to an existing record."""

    def create_many(self, actor: Actor, rows: Sequence[Row], context: ImportContext, *, reason: str) -> None:
        for row in rows:
            self.create(actor, row, context, reason=reason)

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        raise NotImplementedError

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        raise NotImplementedError

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        """Every record's row (of one program, if given; only what ``user`` may see, if given)."""
        raise NotImplementedError

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        """Rows of chosen records (a web list's filtered, scoped records), as ``export_rows`` gives them."""
        raise NotImplementedError

    # --- the staged bulk path (PostgreSQL), see intake/staged.py ---

    def stage_encoder(self, validator: Any, context: ImportContext) -> Callable[[int, Sequence[Any]], Any]:
        """A function from (row number, cells) to a staged tuple, or the row's RowErrors."""
        raise NotImplementedError

    def direct_encoders(
        self, validator: Any, context: ImportContext
    ) -> tuple[Callable[[int, Sequence[Any]], Any], Callable[[int, Sequence[Any]], Any]]:
        """(fast, full) for the direct path (intake/direct.py): ``fast`` gives a row's staged tuple or None
        without the database (it runs while a COPY holds the connection); ``full`` is ``stage_encoder``,
        for the rows ``fast`` gave None. By default every row goes to ``full``."""
        return (lambda _number, _cells: None), self.stage_encoder(validator, context)

    def stage_batch_encoder(self, validator: Any) -> Any:
        """An object, picklable, whose ``start()`` gives a function from a batch of (row number, cells) to
        (the rows it accepts as COPY text lines, the positions of the others), for worker processes
        without a database (intake/stage_pool.py); None: every row goes through ``stage_encoder``."""
        return None

    def stage_problems(self, table: str, sheet: str, *, limit: int) -> tuple[list[Any], int]:
        """RowErrors of the set-based rules over a staging table (the first ``limit``), and their count."""
        raise NotImplementedError

    def stage_classify(self, table: str) -> tuple[int, int, int]:
        raise NotImplementedError

    def stage_apply(self, actor: Actor, table: str, *, reason: str) -> tuple[int, int, int]:
        """Write a checked staging table through the domain; (new, changed, unchanged)."""
        raise NotImplementedError

    def direct_apply(self, actor: Actor, chunks: Iterable[Any], *, expected_rows: int, reason: str) -> int:
        """Write chunks of staged tuples, all new rows, through the domain in the caller's transaction; how
        many. A chunk is a list, or a function giving one that is called with the connection free (the
        iterator itself is advanced while a COPY holds it). Raises DirectDeclined, nothing written, when
        they are not a clean load of new rows."""
        raise NotImplementedError


class DirectDeclined(Exception):
    """A file the direct path does not load (intake/direct.py): the staged path takes it."""


def export_scope(queryset: Any, user: Any) -> Any:
    """The rows of an export a user may see, through access.scoping (None: a system process, all rows)."""
    if user is None:
        return queryset
    from counterpart.access.scoping import scoped

    return scoped(queryset, user)


_REGISTRY: dict[str, Kind] = {}


def kind_register(kind: Kind) -> Kind:
    if not kind.key or kind.key in _REGISTRY:
        raise ValueError(f"kind {kind.key!r} has no key or is registered twice")
    missing = set(kind.natural_key) - {column.key for column in kind.columns}
    if missing:
        raise ValueError(f"kind {kind.key}: natural key columns {missing} are not columns")
    _REGISTRY[kind.key] = kind
    return kind


def kind_unregister(key: str) -> None:
    """For tests that register a kind of their own."""
    _REGISTRY.pop(key, None)


def kind_get(key: str) -> Kind:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise InvalidInput(
            "kind", key, _("未知的数据类型，可选：%(kinds)s") % {"kinds": ", ".join(_REGISTRY)}
        ) from None


def kinds_all() -> list[Kind]:
    return list(_REGISTRY.values())


def _sheet_key(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def kind_of_sheet(name: str) -> Kind | None:
    """The kind a workbook's sheet holds, by its name: the kind's key, Chinese or English name."""
    wanted = _sheet_key(name)
    for kind in _REGISTRY.values():
        if wanted in {_sheet_key(kind.key), _sheet_key(kind.name_zh), _sheet_key(kind.name_en)}:
            return kind
    return None


def kinds_in_dependency_order(kinds: Sequence[Kind]) -> list[Kind]:
    """The kinds, each after those of them it depends on (``Kind.depends_on``), else in the order given.

    A dependency outside ``kinds`` is not waited for: its records are already stored, or the rows
    naming them are refused."""
    present = {kind.key for kind in kinds}
    remaining, ordered, placed = list(kinds), [], set()
    while remaining:
        ready = next(
            (kind for kind in remaining if all(d in placed or d not in present for d in kind.depends_on)), None
        )
        if ready is None:
            raise ValueError("kinds depend on each other in a cycle: " + ", ".join(k.key for k in remaining))
        remaining.remove(ready)
        placed.add(ready.key)
        ordered.append(ready)
    return ordered


def choices_from(text_choices: Iterable[tuple[str, Any]]) -> tuple[tuple[str, str, str], ...]:
    """(value, zh, en) from a TextChoices' labels (Chinese msgids, English from the catalogue)."""
    return tuple((value, *label_texts(label)) for value, label in text_choices)


def mask_identity(value: str) -> str:
    """Default masking for a sensitive value: keep the first 6 and the last character (region, check digit)."""
    text = str(value)
    if len(text) < 12:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 7) + text[-1:]


# The people app replaces this with its identity-number masker once merged (see docs/intake.md).
sensitive_masker: Callable[[str], str] = mask_identity


def sensitive_masker_set(masker: Callable[[str], str]) -> None:
    global sensitive_masker
    sensitive_masker = masker
