"""Project beneficiaries (项目受益人): which registered persons or poor households a project reached.

This is the last link of the trace from a fund's source through its project to the persons it
reached: each row names a project by its code and either a poor household (户编号: the benefit
counts every member registered at that date, ``benefit_record``'s rule) or one person (身份证号码,
a member of a poor household). Persons are counted once however many rows name them
(``people.summary``). Every column is part of the key, so a file imported twice adds nothing, and a
masked number from an export is matched among the project's beneficiaries, so an export re-imports
unchanged.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import F, Model, Q
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.people.identity import identity_decrypt
from counterpart.people.models import Benefit, BenefitKind, Household, Person
from counterpart.people.services import benefit_record
from counterpart.projects.models import Project
from counterpart.registry.models import Program

from ..kinds import Column, ColumnType, ImportContext, Key, Kind, Row, export_scope, kind_register
from .activities import person_named
from .people import household_named


class ProjectBeneficiariesKind(Kind):
    key = "project_beneficiaries"
    depends_on = ("programs", "projects", "households", "persons")
    verb = "benefit_record"
    name_zh = "项目受益人"
    name_en = "Project beneficiaries"
    natural_key = ("program", "project", "date", "household_number", "identity_number")
    field_columns = {"person": "identity_number", "household": "household_number"}
    columns = (
        Column("program", "协作项目", "Program", required=True),
        Column("project", "项目编号", "Project code", required=True, max_length=40),
        Column("date", "受益日期", "Date reached", ColumnType.DATE, required=True),
        Column(
            "household_number",
            "户编号",
            "Household number",
            max_length=40,
            note_zh="整户受益时填写（计入该日登记的全部成员），与身份证号码二选一",
            note_en="for a whole household (every member registered at the date counts); or the identity number",
        ),
        Column(
            "identity_number",
            "身份证号码",
            "Identity number",
            sensitive=True,
            max_length=18,
            note_zh="个人受益时填写，须为已登记的贫困户成员",
            note_en="for one person, a registered member of a poor household",
        ),
        Column("name", "姓名", "Name", max_length=100, note_zh="仅供核对", note_en="for checking only"),
    )
    instructions_zh = (
        "每行一个受益对象：一户（户编号）或一人（身份证号码），二者选一。项目须已导入（协作项目、项目编号），"
        "户和人员须已登记。同一人多次受益只计一人。"
    )
    instructions_en = (
        "One beneficiary per row: a household (household number) or one person (identity number), not both. The "
        "project must exist (program, code) and the household or person be registered. A person reached several "
        "times counts once."
    )

    def _project(self, row: Row, context: ImportContext) -> Project:
        program = context.program(row["program"])
        project = context.ref(
            ("project", row["program"], row["project"]),
            Project.objects.filter(program=program, code=row["project"]).first,
        )
        if project is None:
            raise InvalidInput("project", row["project"], _("该协作项目中没有该项目编号"))
        return project

    def prepare(self, row: Row, context: ImportContext) -> None:
        project = self._project(row, context)
        number, identity = row.get("household_number") or "", row.get("identity_number") or ""
        if bool(number) == bool(identity):
            raise InvalidInput("household_number", number, _("户编号与身份证号码须填写一项，且只填一项"))
        household: Household | None = None
        person: Person | None = None
        if number:
            household = household_named(number, context)
        else:
            reached = Person.objects.filter(benefits__project=project, benefits__kind=BenefitKind.PROJECT)
            person = person_named(identity, context, reached, row.get("name") or "")
            if row.get("name") and row["name"] != person.name:
                raise InvalidInput("name", row["name"], _("姓名与登记的不一致"))
        row["_project"], row["_household"], row["_person"] = project, household, person

    def row_places(self, row: Row, context: ImportContext) -> Iterator[tuple[str, str | None]]:
        yield "project", row["_project"].recipient_area_id
        if row["_household"] is not None:
            yield "household_number", row["_household"].village_id
        else:
            yield "identity_number", row["_person"].area_id

    def key_of(self, row: Row) -> Key:
        person = row.get("_person")
        identity = person.identity_blind_index if person is not None else row.get("identity_number") or ""
        return (row["program"], row["project"], row["date"], row.get("household_number") or "", identity)

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        """A household row exists when the household's benefit from the project on that date does; a
        person row when the person was reached then, alone or with the household."""
        found: dict[Key, tuple[Model, Row]] = {}
        by_reach: dict[tuple[str, str, Any], list[Key]] = defaultdict(list)
        for key in keys:
            by_reach[key[:3]].append(key)
        for (slug, code, date), group in by_reach.items():
            numbers = [key[3] for key in group if key[3]]
            # Blind indexes (bytes) only: a row whose person is not registered keys on its number, which
            # no person's index equals and which is never sent to the database.
            indexes = [key[4] for key in group if not key[3] and isinstance(key[4], bytes)]
            benefits = Benefit.objects.filter(
                Q(household__number__in=numbers) | Q(person__identity_blind_index__in=indexes),
                kind=BenefitKind.PROJECT,
                program__slug=slug,
                project__code=code,
                date=date,
            ).select_related("household", "person")
            for benefit in benefits:
                if benefit.household is not None and benefit.household.number in numbers:
                    found[(slug, code, date, benefit.household.number, "")] = (benefit, {})
                if benefit.person.identity_blind_index in indexes:
                    found[(slug, code, date, "", benefit.person.identity_blind_index)] = (benefit, {})
        return found

    def changes(self, row: Row, existing: Row) -> Row:
        return {}  # every column is part of the key (the name is only checked)

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        benefit_record(
            actor=actor,
            program=context.program(row["program"]),
            kind=BenefitKind.PROJECT,
            date=row["date"],
            person=row["_person"],
            household=row["_household"],
            project=row["_project"],
        )

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        """A household's benefit once (not once per member), a person's own benefit with the number."""
        benefits = (
            Benefit.objects.filter(kind=BenefitKind.PROJECT, project__isnull=False)
            .select_related("program", "project", "household", "person")
            # households first on every engine (SQLite sorts NULL first, PostgreSQL last)
            .order_by("program_id", "project_id", "date", F("household_id").asc(nulls_last=True), "person_id")
        )
        if program is not None:
            benefits = benefits.filter(program=program)
        last_household: tuple[int, int, Any, int] | None = None
        for benefit in export_scope(benefits, user).iterator(chunk_size=5000):
            assert benefit.project is not None
            row: Row = {"program": benefit.program.slug, "project": benefit.project.code, "date": benefit.date}
            if benefit.household is not None:
                reach = (benefit.program_id, benefit.project_id, benefit.date, benefit.household_id)
                if reach == last_household:
                    continue
                last_household = reach
                yield row | {"household_number": benefit.household.number, "identity_number": "", "name": ""}
                continue
            person = benefit.person
            number = (
                identity_decrypt(person.identity_key_id, person.identity_ciphertext)
                if person.identity_ciphertext is not None
                else ""
            )
            yield row | {"household_number": "", "identity_number": number, "name": person.name}


kind_register(ProjectBeneficiariesKind())
