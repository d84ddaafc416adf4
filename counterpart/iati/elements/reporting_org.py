"""<reporting-org>: the program's publisher (IatiPublisher)."""

from lxml import etree

from counterpart.projects.models import Project

from ..xml import narrative_parent
from .context import LANG_EN, LANG_ZH, ExportContext


def reporting_org(project: Project, context: ExportContext) -> list[etree._Element]:
    publisher = context.publisher
    element = narrative_parent("reporting-org", {LANG_ZH: publisher.name_zh, LANG_EN: publisher.name_en})
    element.set("ref", publisher.organisation_ref)
    element.set("type", publisher.organisation_type)
    return [element]
