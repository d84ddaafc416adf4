"""Projects (帮扶项目): proposed by ``projects_propose_bulk`` (one proposal's rules, a file at once), corrected
by ``project_update``. The kind names no ``verb``: a file of projects is the program office's (intake/limits.py)."""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.projects.models import Project, ProjectCategory
from counterpart.projects.services import ProjectDraft, project_check, project_update, projects_propose_bulk
from counterpart.registry.models import Program

from ..kinds import Column, ColumnType, ImportContext, Key, Kind, Row, choices_from, export_scope, kind_register

# Column → Project field, for the columns an import may correct.
_EDITABLE = {
    "title_zh": "title_zh",
    "title_en": "title_en",
    "description": "description",
    "category": "category",
    "budget": "budget_fen",
    "reported_beneficiaries": "reported_beneficiaries",
}


class ProjectsKind(Kind):
    key = "projects"
    depends_on = ("programs",)
    name_zh = "帮扶项目"
    name_en = "Projects"
    bulk = True
    natural_key = ("program", "code")
    field_columns = {"budget_fen": "budget"}
    columns = (
        Column(
            "program",
            "协作项目",
            "Program",
            required=True,
            note_zh="协作项目名称或代码",
            note_en="program name or slug",
        ),
        Column("code", "项目编号", "Project code", required=True, max_length=40),
        Column("title_zh", "项目名称", "Title (Chinese)", required=True, max_length=200),
        Column("title_en", "英文名称", "Title (English)", max_length=200),
        Column(
            "category",
            "项目类别",
            "Category",
            ColumnType.CHOICE,
            required=True,
            choices=choices_from(ProjectCategory.choices),
        ),
        Column("recipient_area", "实施地点区划代码", "Recipient area code", ColumnType.AREA, required=True),
        Column("year", "年度", "Year", ColumnType.YEAR, required=True),
        Column("budget", "预算（元）", "Budget (yuan)", ColumnType.MONEY, required=True),
        Column("reported_beneficiaries", "受益人数", "Beneficiaries (reported)", ColumnType.INTEGER),
        Column("description", "项目内容", "Description"),
    )
    instructions_zh = (
        "每行一个项目；“协作项目”+“项目编号”唯一确定项目。再次导入时，名称、类别、预算、受益人数和内容会被更新。"
    )
    instructions_en = (
        "One project per row; program + project code identify it. Re-importing updates the title, category, "
        "budget, beneficiaries and description."
    )

    def _draft(self, row: Row, context: ImportContext) -> ProjectDraft:
        return ProjectDraft(
            program=context.program(row["program"]),
            code=row["code"],
            title_zh=row["title_zh"],
            title_en=row["title_en"],
            category=row["category"],
            recipient_area=context.area(row["recipient_area"], "recipient_area"),
            year=row["year"],
            budget_fen=row["budget"],
            description=row["description"],
            reported_beneficiaries=row["reported_beneficiaries"],
        )

    def prepare(self, row: Row, context: ImportContext) -> None:
        project_check(self._draft(row, context))

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        codes_by_program: dict[str, list[str]] = {}
        for slug, code in keys:
            codes_by_program.setdefault(slug, []).append(code)
        found: dict[Key, tuple[Model, Row]] = {}
        for slug, codes in codes_by_program.items():
            program = context.program(slug)
            for project in Project.objects.filter(program=program, code__in=codes):
                found[(slug, project.code)] = (project, self._row(project, slug))
        return found

    def _row(self, project: Project, slug: str) -> Row:
        return {
            "program": slug,
            "code": project.code,
            "title_zh": project.title_zh,
            "title_en": project.title_en,
            "category": project.category,
            "recipient_area": project.recipient_area_id,
            "year": project.year,
            "budget": project.budget_fen,
            "reported_beneficiaries": project.reported_beneficiaries,
            "description": project.description,
        }

    def check_change(self, record: Model, changes: Row) -> None:
        for column, value in changes.items():
            if column not in _EDITABLE:
                raise InvalidInput(column, value, _("该列不能通过导入修改（如需变更请取消项目后重新申报）"))

    def create_many(self, actor: Actor, rows: Sequence[Row], context: ImportContext, *, reason: str) -> None:
        projects_propose_bulk(actor=actor, drafts=[self._draft(row, context) for row in rows], reason=reason)

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        assert isinstance(record, Project)
        project_update(actor=actor, project=record, reason=reason, **{_EDITABLE[c]: v for c, v in changes.items()})

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        for record in records:
            yield self._row(record, record.program.slug)  # type: ignore[arg-type, attr-defined]

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        projects = Project.objects.select_related("program").order_by("program_id", "code")
        if program is not None:
            projects = projects.filter(program=program)
        for project in export_scope(projects, user).iterator(chunk_size=5000):
            yield self._row(project, project.program.slug)


kind_register(ProjectsKind())
