"""<sector vocabulary="1">: the project's OECD-DAC 5-digit purpose code."""

from lxml import etree

from counterpart.projects.models import Project

from ..xml import narrative_parent
from .context import LANG_EN, LANG_ZH, ExportContext, choice_label

DAC_VOCABULARY = "1"


def sector(project: Project, context: ExportContext) -> list[etree._Element]:
    label = choice_label(project, "category")
    element = narrative_parent("sector", {LANG_ZH: label[LANG_ZH], LANG_EN: label.get(LANG_EN, "")})
    element.set("vocabulary", DAC_VOCABULARY)
    element.set("code", project.purpose_code)
    element.set("percentage", "100")
    return [element]
