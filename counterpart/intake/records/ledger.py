"""Ledger transactions (台账交易): commitments, disbursements and in-kind donations.

The natural key is the sender's ``external_ref`` within the program. Transactions are immutable:
re-importing an unchanged one is a no-op, a changed one is an error asking for a reversal.
Rows the platform itself entered (no external reference) export as ``#<id>`` and match by id.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.funds.models import FundSource, LedgerTransaction, TransactionKind
from counterpart.funds.services import ledger_commit, ledger_disburse, ledger_donate_in_kind
from counterpart.projects.models import Project
from counterpart.registry.models import Program

from ..kinds import Column, ColumnType, ImportContext, Key, Kind, Row, choices_from, export_scope, kind_register

IMPORTABLE_KINDS = (TransactionKind.COMMITMENT, TransactionKind.DISBURSEMENT, TransactionKind.IN_KIND_DONATION)


def _by_id(ref: str) -> int | None:
    return int(ref[1:]) if ref.startswith("#") and ref[1:].isdigit() else None


class LedgerKind(Kind):
    key = "ledger"
    depends_on = ("programs", "projects")
    name_zh = "台账交易"
    name_en = "Ledger transactions"
    natural_key = ("program", "external_ref")
    derived_columns = frozenset({"source", "recipient_area"})
    field_columns = {"amount": "amount", "value_fen": "amount", "commitment": "commitment_ref", "date": "date"}
    columns = (
        Column("program", "协作项目", "Program", required=True),
        Column("external_ref", "外部编号", "External reference", required=True, max_length=60),
        Column(
            "kind",
            "交易类型",
            "Transaction kind",
            ColumnType.CHOICE,
            required=True,
            choices=tuple(c for c in choices_from(TransactionKind.choices) if c[0] in IMPORTABLE_KINDS),
        ),
        Column("date", "日期", "Date", ColumnType.DATE, required=True),
        Column("source", "资金来源", "Fund source", ColumnType.CHOICE, choices=choices_from(FundSource.choices)),
        Column("amount", "金额（元）", "Amount (yuan)", ColumnType.MONEY, required=True),
        Column("recipient_area", "受援地区区划代码", "Recipient area code", ColumnType.AREA),
        Column("project", "项目编号", "Project code", max_length=40),
        Column("commitment_ref", "所属承诺外部编号", "Commitment reference", max_length=60),
        Column("item_description", "物资名称", "Goods", max_length=200),
        Column("item_quantity", "物资数量", "Quantity", ColumnType.DECIMAL),
        Column("item_unit", "计量单位", "Unit", max_length=20),
        Column("description", "摘要", "Description", max_length=255),
    )
    instructions_zh = (
        "每行一笔交易。承诺、物资捐赠须填资金来源；拨付须填所属承诺的外部编号（可为本文件前面的行）。"
        "交易一经导入不可修改，更正请录入冲销。"
    )
    instructions_en = (
        "One transaction per row. Commitments and in-kind donations need a fund source; a disbursement needs "
        "its commitment's external reference (which may be an earlier row of this file). Imported transactions "
        "cannot be changed: post a reversal."
    )

    def prepare(self, row: Row, context: ImportContext) -> None:
        program = context.program(row["program"])
        ref, kind = row["external_ref"], row["kind"]
        if _by_id(ref) is None and ref.startswith("#"):
            raise InvalidInput("external_ref", ref, _("以 # 开头的编号保留给平台自身的交易"))
        if row["recipient_area"]:
            context.area(row["recipient_area"], "recipient_area")
        if row["project"] and not Project.objects.filter(program=program, code=row["project"]).exists():
            raise InvalidInput("project", row["project"], _("该协作项目中没有该项目编号"))
        if kind in (TransactionKind.COMMITMENT, TransactionKind.IN_KIND_DONATION) and not row["source"]:
            raise InvalidInput("source", "", _("承诺和物资捐赠必须填写资金来源"))
        if kind == TransactionKind.IN_KIND_DONATION:
            for column in ("item_description", "item_quantity", "item_unit"):
                if row[column] in (None, ""):
                    raise InvalidInput(column, "", _("物资捐赠必须填写物资名称、数量和计量单位"))
            if row["item_quantity"] <= 0:
                raise InvalidInput("item_quantity", row["item_quantity"], _("物资数量必须大于零"))
        if kind == TransactionKind.DISBURSEMENT:
            commitment_ref = row["commitment_ref"]
            if not commitment_ref:
                raise InvalidInput("commitment_ref", "", _("拨付必须填写所属承诺的外部编号"))
            if context.file_refs.get((row["program"], commitment_ref)) != TransactionKind.COMMITMENT:
                commitment = self._find(program, commitment_ref).first()
                if commitment is None or commitment.kind != TransactionKind.COMMITMENT:
                    raise InvalidInput("commitment_ref", commitment_ref, _("找不到该编号的资金承诺"))
                if row["source"] and row["source"] != commitment.source:
                    raise InvalidInput("source", row["source"], _("拨付的资金来源应与其承诺一致"))
        context.file_refs[(row["program"], ref)] = kind

    @staticmethod
    def _find(program: Program, ref: str):
        pk = _by_id(ref)
        return LedgerTransaction.objects.filter(Q(pk=pk) if pk is not None else Q(external_ref=ref), program=program)

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        refs_by_program: dict[str, list[str]] = {}
        for slug, ref in keys:
            refs_by_program.setdefault(slug, []).append(ref)
        found: dict[Key, tuple[Model, Row]] = {}
        for slug, refs in refs_by_program.items():
            program = context.program(slug)
            ids = [pk for pk in map(_by_id, refs) if pk is not None]
            query = LedgerTransaction.objects.filter(
                Q(external_ref__in=[r for r in refs if _by_id(r) is None]) | Q(pk__in=ids), program=program
            )
            for record in query.select_related("project", "commitment").prefetch_related("postings"):
                row = self._row(record, slug)
                found[(slug, row["external_ref"])] = (record, row)
        return found

    def _row(self, record: LedgerTransaction, slug: str) -> Row:
        amount = sum(p.amount_fen for p in record.postings.all() if p.amount_fen > 0)
        commitment = record.commitment
        return {
            "program": slug,
            "external_ref": record.external_ref or f"#{record.pk}",
            "kind": record.kind,
            "date": record.date,
            "source": record.source,
            "amount": amount,
            "recipient_area": record.recipient_area_id,
            "project": record.project.code if record.project else "",
            "commitment_ref": (commitment.external_ref or f"#{commitment.pk}") if commitment else "",
            "item_description": record.item_description,
            "item_quantity": record.item_quantity,
            "item_unit": record.item_unit,
            "description": record.description,
        }

    def check_change(self, record: Model, changes: Row) -> None:
        column, value = next(iter(changes.items()))
        raise InvalidInput(column, value, _("台账交易导入后不可修改；如需更正，请录入冲销交易后重新录入"))

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        program = context.program(row["program"])
        area = context.area(row["recipient_area"], "recipient_area") if row["recipient_area"] else None
        project = Project.objects.get(program=program, code=row["project"]) if row["project"] else None
        common = {"date": row["date"], "description": row["description"], "external_ref": row["external_ref"]}
        if row["kind"] == TransactionKind.COMMITMENT:
            ledger_commit(
                actor=actor,
                program=program,
                source=row["source"],
                amount_fen=row["amount"],
                recipient_area=area,
                **common,
            )
        elif row["kind"] == TransactionKind.IN_KIND_DONATION:
            ledger_donate_in_kind(
                actor=actor,
                program=program,
                source=row["source"],
                value_fen=row["amount"],
                item_description=row["item_description"],
                item_quantity=row["item_quantity"],
                item_unit=row["item_unit"],
                recipient_area=area,
                project=project,
                **common,
            )
        else:
            commitment = self._find(program, row["commitment_ref"]).get()
            ledger_disburse(
                actor=actor,
                commitment=commitment,
                amount_fen=row["amount"],
                project=project,
                recipient_area=area,
                **common,
            )

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        """The importable transactions among ``records`` (allocations, spending and reversals are not imported)."""
        for record in records:
            assert isinstance(record, LedgerTransaction)
            if record.kind in IMPORTABLE_KINDS:
                yield self._row(record, record.program.slug)

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        records = (
            LedgerTransaction.objects.filter(kind__in=IMPORTABLE_KINDS)
            .select_related("program", "project", "commitment")
            .prefetch_related("postings")
            .order_by("program_id", "date", "id")
        )
        if program is not None:
            records = records.filter(program=program)
        for record in export_scope(records, user).iterator(chunk_size=2000):
            yield self._row(record, record.program.slug)


kind_register(LedgerKind())
