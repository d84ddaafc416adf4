"""Corrections and yearly records: ledger reversals (冲销) and households' status by year (贫困状态).

A reversal row names the transaction it reverses by the program and that transaction's external
reference (``#<id>`` for one the platform entered); the natural key is that pair, since a transaction
is reversed at most once. A reversal cannot be changed by a re-import: correct it by entering the
original again. A household's status row is keyed by the household number and the year; a re-import
updates the status and its reason.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.funds.models import LedgerTransaction, TransactionKind
from counterpart.funds.services import ledger_reverse
from counterpart.people.models import HouseholdStatus, PovertyStatus
from counterpart.people.services import household_status_set
from counterpart.registry.models import Program

from ..kinds import Column, ColumnType, ImportContext, Key, Kind, Row, choices_from, export_scope, kind_register
from .people import household_named


def _ref_of(record: LedgerTransaction) -> str:
    return record.external_ref or f"#{record.pk}"


def _original_find(program: Program, ref: str) -> LedgerTransaction | None:
    pk = int(ref[1:]) if ref.startswith("#") and ref[1:].isdigit() else None
    lookup = Q(pk=pk) if pk is not None else Q(external_ref=ref)
    return LedgerTransaction.objects.filter(lookup, program=program).select_related("program").first()


class LedgerReversalsKind(Kind):
    key = "ledger_reversals"
    depends_on = ("programs", "ledger")
    name_zh = "冲销交易"
    name_en = "Ledger reversals"
    natural_key = ("program", "reverses_ref")
    columns = (
        Column("program", "协作项目", "Program", required=True),
        Column("reverses_ref", "被冲销交易外部编号", "Reversed transaction reference", required=True, max_length=60),
        Column("date", "冲销日期", "Reversal date", ColumnType.DATE, required=True),
        Column("reason", "冲销原因", "Reason", required=True, max_length=255),
    )
    field_columns = {"reverses": "reverses_ref", "date": "date", "reason": "reason"}
    instructions_zh = (
        "每行冲销一笔交易：填写被冲销交易的外部编号（平台录入的交易为 #编号）、冲销日期（不早于原交易日期）和原因。"
        "原交易保持不变，冲销交易与原交易互相链接。"
    )
    instructions_en = (
        "One reversal per row: the reversed transaction's external reference (#id for one entered on the "
        "platform), the date (not before the original's) and the reason. The original stays as it was; the "
        "reversal and the original link to each other."
    )

    def _original(self, row: Row, context: ImportContext) -> LedgerTransaction:
        program = context.program(row["program"])
        original = context.ref(
            ("reverses", row["program"], row["reverses_ref"]), lambda: _original_find(program, row["reverses_ref"])
        )
        if original is None:
            raise InvalidInput("reverses_ref", row["reverses_ref"], _("找不到该编号的交易"))
        return original

    def prepare(self, row: Row, context: ImportContext) -> None:
        original = self._original(row, context)
        if original.kind == TransactionKind.REVERSAL:
            raise InvalidInput("reverses_ref", row["reverses_ref"], _("不能冲销一笔冲销交易，请重新录入原交易"))
        if row["date"] < original.date:
            raise InvalidInput("date", row["date"].isoformat(), _("冲销日期不能早于被冲销的交易日期"))

    def row_places(self, row: Row, context: ImportContext) -> Iterator[tuple[str, str | None]]:
        yield "reverses_ref", self._original(row, context).recipient_area_id

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        found: dict[Key, tuple[Model, Row]] = {}
        for slug, ref in keys:
            original = _original_find(context.program(slug), ref)
            reversal = LedgerTransaction.objects.filter(reverses=original).first() if original else None
            if reversal is not None:
                found[(slug, ref)] = (reversal, self._row(reversal, slug, ref))
        return found

    @staticmethod
    def _row(reversal: LedgerTransaction, slug: str, ref: str) -> Row:
        return {"program": slug, "reverses_ref": ref, "date": reversal.date, "reason": reversal.description}

    def check_change(self, record: Model, changes: Row) -> None:
        column, value = next(iter(changes.items()))
        raise InvalidInput(column, value, _("冲销交易不可修改；如需更正，请重新录入原交易"))

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        ledger_reverse(actor=actor, original=self._original(row, context), date=row["date"], reason=row["reason"])

    def _reversals(self) -> Any:
        return LedgerTransaction.objects.filter(kind=TransactionKind.REVERSAL).select_related("program", "reverses")

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        for record in records:
            assert isinstance(record, LedgerTransaction)
            if record.kind == TransactionKind.REVERSAL and record.reverses is not None:
                yield self._row(record, record.program.slug, _ref_of(record.reverses))

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        records = self._reversals().order_by("program_id", "date", "id")
        if program is not None:
            records = records.filter(program=program)
        yield from self.rows_of(export_scope(records, user).iterator(chunk_size=2000))


class HouseholdStatusesKind(Kind):
    key = "household_statuses"
    depends_on = ("households",)
    name_zh = "贫困户年度状态"
    name_en = "Household status by year"
    verb = "household_status_set"
    area_scoped = True
    natural_key = ("household_number", "year")
    columns = (
        Column("household_number", "户编号", "Household number", required=True, max_length=40),
        Column("year", "年度", "Year", ColumnType.YEAR, required=True),
        Column(
            "status",
            "贫困状态",
            "Poverty status",
            ColumnType.CHOICE,
            required=True,
            choices=choices_from(PovertyStatus.choices),
        ),
        Column(
            "reason",
            "原因",
            "Reason",
            max_length=255,
            note_zh="返贫须填写原因",
            note_en="required for a return to poverty",
        ),
    )
    instructions_zh = "每行一户一年的贫困状态（贫困户、已脱贫、返贫）及原因；再次导入时更新状态和原因。"
    instructions_en = (
        "One row per household and year: its status (registered, lifted out, returned to poverty) and the "
        "reason. Re-importing updates the status and the reason."
    )

    def prepare(self, row: Row, context: ImportContext) -> None:
        household_named(row["household_number"], context)
        if row["status"] == PovertyStatus.RETURNED and not (row["reason"] or "").strip():
            raise InvalidInput("reason", "", _("返贫须说明原因"))

    def row_places(self, row: Row, context: ImportContext) -> Iterator[tuple[str, str | None]]:
        yield "household_number", household_named(row["household_number"], context).village_id

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        numbers = sorted({number for number, _year in keys})
        wanted = set(keys)
        statuses = HouseholdStatus.objects.filter(household__number__in=numbers).select_related("household")
        return {
            (s.household.number, s.year): (s, self._row(s)) for s in statuses if (s.household.number, s.year) in wanted
        }

    @staticmethod
    def _row(status: HouseholdStatus) -> Row:
        return {
            "household_number": status.household.number,
            "year": status.year,
            "status": status.status,
            "reason": status.reason,
        }

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        household = household_named(row["household_number"], context)
        household_status_set(
            actor=actor, household=household, year=row["year"], status=row["status"], reason=row["reason"] or ""
        )

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        assert isinstance(record, HouseholdStatus)
        household_status_set(
            actor=actor,
            household=record.household,
            year=record.year,
            status=changes.get("status", record.status),
            reason=changes.get("reason", record.reason) or "",
        )

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        for record in records:
            assert isinstance(record, HouseholdStatus)
            yield self._row(record)

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        statuses = HouseholdStatus.objects.select_related("household").order_by("household__number", "year")
        yield from self.rows_of(export_scope(statuses, user).iterator(chunk_size=5000))


kind_register(LedgerReversalsKind())
kind_register(HouseholdStatusesKind())
