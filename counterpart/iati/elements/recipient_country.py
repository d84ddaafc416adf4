"""<recipient-country code="CN">: every project is in China."""

from lxml import etree

from counterpart.projects.models import Project

from .context import ExportContext


def recipient_country(project: Project, context: ExportContext) -> list[etree._Element]:
    return [etree.Element("recipient-country", code="CN", percentage="100")]
