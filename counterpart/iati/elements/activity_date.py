"""<activity-date>: planned start/end from the project year; actual start/end from its lifecycle.

ActivityDateType: 1 planned start, 2 actual start (entering construction), 3 planned end,
4 actual end (completion).
"""

import datetime

from django.utils import timezone
from lxml import etree

from counterpart.projects.models import Project, ProjectStatus

from ..selectors import iati_project_transitions
from .context import ExportContext, iso

PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"


def _transition_date(project: Project, status: str) -> datetime.date | None:
    for step in iati_project_transitions(project):
        if step.to_status == status:
            return timezone.localdate(step.at)
    return None


def activity_date(project: Project, context: ExportContext) -> list[etree._Element]:
    dates = [
        (PLANNED_START, datetime.date(project.year, 1, 1)),
        (ACTUAL_START, _transition_date(project, ProjectStatus.UNDER_CONSTRUCTION)),
        (PLANNED_END, datetime.date(project.year, 12, 31)),
        (ACTUAL_END, _transition_date(project, ProjectStatus.COMPLETED)),
    ]
    return [etree.Element("activity-date", type=kind, **{"iso-date": iso(day)}) for kind, day in dates if day]
