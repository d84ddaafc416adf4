"""<activity-status> from the project lifecycle (ActivityStatus codelist)."""

from lxml import etree

from counterpart.projects.models import Project, ProjectStatus

from .context import ExportContext

STATUS_CODE: dict[str, str] = {
    ProjectStatus.PROPOSED: "1",  # Pipeline/identification
    ProjectStatus.APPROVED: "2",  # Implementation
    ProjectStatus.UNDER_CONSTRUCTION: "2",
    ProjectStatus.COMPLETED: "3",  # Finalisation
    ProjectStatus.ACCEPTED: "4",  # Closed
    ProjectStatus.CANCELLED: "5",  # Cancelled
}


def activity_status(project: Project, context: ExportContext) -> list[etree._Element]:
    return [etree.Element("activity-status", code=STATUS_CODE[project.status])]
