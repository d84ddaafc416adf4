"""Programs and pairings (协作项目、结对关系): a program office enters its published history from them.

A yearbook page names a program's donors (one area, several, or the nation), the programs it groups
and its pairings, but rarely when a pairing began: a blank start is kept as "not stated"
(``Pairing.start_stated``), never invented. Re-importing a file changes only what the file changes.
"""

import datetime
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, Organisation, Pairing, PairingLevel, Program
from counterpart.registry.services import (
    pairing_create,
    pairing_end,
    program_create,
    program_update,
)

from ..kinds import Column, ColumnType, ImportContext, Key, Kind, Row, choices_from, export_scope, kind_register

# Several areas in one cell: "3702、3703" or "37; 32".
_SEPARATORS = ("、", "，", ",", ";", "；", " ")


def _codes(cell: str) -> list[str]:
    text = cell or ""
    for separator in _SEPARATORS[1:]:
        text = text.replace(separator, _SEPARATORS[0])
    return [part for part in text.split(_SEPARATORS[0]) if part]


class ProgramsKind(Kind):
    key = "programs"
    record_workbook = True
    name_zh = "协作项目"
    name_en = "Programs"
    natural_key = ("slug",)
    columns = (
        Column("slug", "项目标识", "Program", required=True, max_length=80, note_zh="英文字母、数字和连字符"),
        Column("name_zh", "项目名称", "Name (Chinese)", required=True, max_length=200),
        Column("name_en", "英文名称", "Name (English)", max_length=200),
        Column(
            "donor_area",
            "帮扶方区划",
            "Donor area",
            ColumnType.AREA,
            required=True,
            note_zh="全国填 000000",
            note_en="000000 for the nation",
        ),
        Column(
            "other_donor_areas",
            "其他帮扶方区划",
            "Other donor areas",
            note_zh="多个以顿号分隔",
            note_en="several, separated by commas",
        ),
        Column("group", "所属总项目", "Grouped under", max_length=80, note_zh="汇总本项目的项目标识"),
        Column("start_year", "起始年", "First year", ColumnType.YEAR, required=True),
        Column("end_year", "结束年", "Last year", ColumnType.YEAR),
        Column("description", "说明", "Description"),
    )
    instructions_zh = (
        "每行一个协作项目；标识唯一确定项目。帮扶方可为一个区划、多个区划（其他帮扶方区划）或全国；"
        "“所属总项目”填汇总本项目的项目（如全国概况、同一帮扶方的全部结对）。总项目须先于其成员导入或在同一文件中列在前面。"
    )
    instructions_en = (
        "One program per row, identified by its slug. The donor may be one area, several (other donor areas) or the "
        "nation; 'grouped under' names the program that groups this one (the national overview, all of one donor's "
        "twinnings), listed earlier in the file or imported before."
    )

    def _others(self, row: Row, context: ImportContext) -> list[Area]:
        return [context.area(code, "other_donor_areas") for code in _codes(row["other_donor_areas"])]

    def _group(self, row: Row, context: ImportContext) -> Program | None:
        slug = row["group"]
        if not slug:
            return None
        if slug == row["slug"]:
            raise InvalidInput("group", slug, _("协作项目不能归入其自身或其下属项目"))
        # A group listed earlier in the same file is created before this row is written.
        return context.ref(("program", slug), lambda: Program.objects.filter(slug=slug).first())

    def prepare(self, row: Row, context: ImportContext) -> None:
        context.area(row["donor_area"], "donor_area")
        self._others(row, context)
        if (
            row["group"]
            and self._group(row, context) is None
            and row["group"] not in context.file_refs.get(("programs-in-file",), set())
        ):
            raise InvalidInput("group", row["group"], _("没有该协作项目"))
        if row["end_year"] is not None and row["end_year"] < row["start_year"]:
            raise InvalidInput("end_year", row["end_year"], _("结束年份早于开始年份"))
        context.file_refs.setdefault(("programs-in-file",), set()).add(row["slug"])

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        programs = Program.objects.filter(slug__in=[key[0] for key in keys]).select_related("group")
        return {(program.slug,): (program, self._row(program)) for program in programs}

    def _row(self, program: Program) -> Row:
        return {
            "slug": program.slug,
            "name_zh": program.name_zh,
            "name_en": program.name_en,
            "donor_area": program.donor_area_id,
            "other_donor_areas": "、".join(program.other_donor_areas.order_by("code").values_list("code", flat=True)),
            "group": program.group.slug if program.group_id else "",  # type: ignore[union-attr]
            "start_year": program.start_year,
            "end_year": program.end_year,
            "description": program.description,
        }

    def changes(self, row: Row, existing: Row) -> Row:
        codes = sorted(_short(code) for code in _codes(row.get("other_donor_areas") or ""))
        return super().changes({**row, "other_donor_areas": "、".join(codes)}, existing)

    def check_change(self, record: Model, changes: Row) -> None:
        for column, value in changes.items():
            if column in ("donor_area", "start_year"):
                raise InvalidInput(column, value, _("该列不能通过导入修改"))

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        program = program_create(
            actor=actor,
            slug=row["slug"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            donor_area=context.area(row["donor_area"], "donor_area"),
            other_donor_areas=self._others(row, context),
            group=self._group(row, context),
            start_year=row["start_year"],
            end_year=row["end_year"],
            description=row["description"],
        )
        context.file_refs[("program", program.slug)] = program
        context.programs[program.slug] = program

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        assert isinstance(record, Program)
        fields: dict[str, Any] = {k: v for k, v in changes.items() if k not in ("group", "other_donor_areas")}
        if "group" in changes:
            fields["group"] = self._group({**changes, "slug": record.slug}, context)
        if "other_donor_areas" in changes:
            fields["other_donor_areas"] = [
                context.area(code, "other_donor_areas") for code in _codes(changes["other_donor_areas"])
            ]
        program_update(actor=actor, program=record, reason=reason, **fields)

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        for record in records:
            assert isinstance(record, Program)
            yield self._row(record)

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        programs = Program.objects.select_related("group").order_by("slug")
        if program is not None:
            programs = programs.filter(pk=program.pk)
        for record in export_scope(programs, user):
            yield self._row(record)


def _short(code: str) -> str:
    from counterpart.registry.services import area_code_parse

    return area_code_parse(code).code


class PairingsKind(Kind):
    key = "pairings"
    record_workbook = True
    depends_on = ("programs",)
    name_zh = "结对关系"
    name_en = "Pairings"
    natural_key = (
        "program",
        "donor_area",
        "recipient_area",
        "donor_organisation",
        "recipient_organisation",
        "valid_from",
    )
    columns = (
        Column("program", "协作项目", "Program", required=True),
        Column(
            "level", "结对层级", "Level", ColumnType.CHOICE, required=True, choices=choices_from(PairingLevel.choices)
        ),
        Column("donor_area", "帮扶方区划", "Donor area", ColumnType.AREA, required=True),
        Column("recipient_area", "受援方区划", "Recipient area", ColumnType.AREA, required=True),
        Column("donor_organisation", "帮扶单位", "Donor organisation", max_length=200),
        Column("recipient_organisation", "受援单位", "Recipient organisation", max_length=200),
        Column(
            "valid_from",
            "开始日期",
            "Start",
            ColumnType.DATE,
            note_zh="资料未载明时留空",
            note_en="blank when the source does not say",
        ),
        Column("valid_to", "结束日期", "End", ColumnType.DATE, note_zh="最后有效日"),
        Column("note", "备注", "Note"),
    )
    instructions_zh = (
        "每行一个结对关系。开始日期未载明时留空，记为“未载明”（按项目起始年计算是否在结对期内）；"
        "再次导入时只能补填结束日期。"
    )
    instructions_en = (
        "One pairing per row. Leave the start blank when the source does not state it: it is kept as not stated "
        "(the program's first year counts as its start). A re-import may only add an end date."
    )

    def _organisation(self, row: Row, column: str, area: Area) -> Organisation | None:
        name = row[column]
        if not name:
            return None
        organisation = Organisation.objects.filter(name_zh=name, area=area).first()
        if organisation is None:
            raise InvalidInput(column, name, _("该区划中没有该单位"))
        return organisation

    def _start(self, row: Row, context: ImportContext) -> datetime.date:
        if row["valid_from"]:
            return row["valid_from"]
        return datetime.date(context.program(row["program"]).start_year, 1, 1)

    def prepare(self, row: Row, context: ImportContext) -> None:
        context.program(row["program"])
        donor = context.area(row["donor_area"], "donor_area")
        recipient = context.area(row["recipient_area"], "recipient_area")
        self._organisation(row, "donor_organisation", donor)
        self._organisation(row, "recipient_organisation", recipient)
        if row["valid_to"] is not None and row["valid_to"] < self._start(row, context):
            raise InvalidInput("valid_to", row["valid_to"].isoformat(), _("结束日期早于开始日期"))

    def key_of(self, row: Row) -> Key:
        donor, recipient = row.get("donor_area"), row.get("recipient_area")
        return (
            row.get("program"),
            _short(str(donor)) if donor else None,
            _short(str(recipient)) if recipient else None,
            row.get("donor_organisation") or "",
            row.get("recipient_organisation") or "",
            row.get("valid_from") or None,
        )

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        wanted = set(keys)
        found: dict[Key, tuple[Model, Row]] = {}
        for slug in {key[0] for key in keys}:
            pairings = context.program(slug).pairings.select_related("donor_organisation", "recipient_organisation")
            for pairing in pairings:
                row = self._row(pairing, slug)
                key = self.key_of(row)
                if key in wanted:
                    found[key] = (pairing, row)
        return found

    def _row(self, pairing: Pairing, slug: str) -> Row:
        return {
            "program": slug,
            "level": pairing.level,
            "donor_area": pairing.donor_area_id,
            "recipient_area": pairing.recipient_area_id,
            "donor_organisation": pairing.donor_organisation.name_zh if pairing.donor_organisation else "",
            "recipient_organisation": pairing.recipient_organisation.name_zh if pairing.recipient_organisation else "",
            "valid_from": pairing.valid_from if pairing.start_stated else None,
            "valid_to": pairing.valid_to,
            "note": pairing.note,
        }

    def check_change(self, record: Model, changes: Row) -> None:
        for column, value in changes.items():
            if column != "valid_to" or value is None:
                raise InvalidInput(column, value, _("该列不能通过导入修改"))

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        donor = context.area(row["donor_area"], "donor_area")
        recipient = context.area(row["recipient_area"], "recipient_area")
        pairing_create(
            actor=actor,
            program=context.program(row["program"]),
            level=row["level"],
            donor_area=donor,
            recipient_area=recipient,
            donor_organisation=self._organisation(row, "donor_organisation", donor),
            recipient_organisation=self._organisation(row, "recipient_organisation", recipient),
            valid_from=self._start(row, context),
            start_stated=bool(row["valid_from"]),
            valid_to=row["valid_to"],
            note=row["note"],
        )

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        assert isinstance(record, Pairing)
        pairing_end(actor=actor, pairing=record, valid_to=changes["valid_to"], reason=reason)

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        for record in records:
            assert isinstance(record, Pairing)
            yield self._row(record, record.program.slug)

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        pairings = Pairing.objects.select_related("program", "donor_organisation", "recipient_organisation")
        if program is not None:
            pairings = pairings.filter(program=program)
        for pairing in export_scope(pairings.order_by("program_id", "level", "id"), user):
            yield self._row(pairing, pairing.program.slug)


kind_register(ProgramsKind())
kind_register(PairingsKind())
