"""<title> with zh and en narratives."""

from lxml import etree

from counterpart.projects.models import Project

from ..xml import narrative_parent
from .context import LANG_EN, LANG_ZH, ExportContext


def title(project: Project, context: ExportContext) -> list[etree._Element]:
    return [narrative_parent("title", {LANG_ZH: project.title_zh, LANG_EN: project.title_en})]
