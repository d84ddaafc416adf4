"""<iati-identifier> and <other-identifier type="A1"> (the project code, for re-import)."""

from lxml import etree

from counterpart.projects.models import Project

from .context import ExportContext


def iati_identifier(project: Project, context: ExportContext) -> list[etree._Element]:
    element = etree.Element("iati-identifier")
    element.text = context.identifier(project)
    return [element]


def other_identifier(project: Project, context: ExportContext) -> list[etree._Element]:
    # A1: "Reporting Organisation's internal activity identifier" — the project code.
    return [etree.Element("other-identifier", ref=project.code, type="A1")]
