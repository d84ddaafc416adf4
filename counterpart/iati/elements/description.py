"""<description type="1"> (general): the project's description, else a summary from its records.

The English narrative is always generated (category, place, program) since projects keep one
free-text description, usually in Chinese.
"""

from lxml import etree

from counterpart.projects.models import Project

from ..xml import narrative_parent
from .context import LANG_EN, LANG_ZH, ExportContext, choice_label


def description_zh(project: Project) -> str:
    category = choice_label(project, "category")[LANG_ZH]
    return f"{project.recipient_area.name_zh}{category}项目（{project.program.name_zh}，{project.year}年）"


def description_en(project: Project) -> str:
    category = choice_label(project, "category").get(LANG_EN) or project.category
    place = project.recipient_area.name_en or project.recipient_area.name_zh
    program = project.program.name_en or project.program.slug
    return f"{category.capitalize()} project in {place} ({program}, {project.year})."


def description(project: Project, context: ExportContext) -> list[etree._Element]:
    texts = {LANG_ZH: project.description.strip() or description_zh(project), LANG_EN: description_en(project)}
    element = narrative_parent("description", texts)
    element.set("type", "1")
    return [element]
