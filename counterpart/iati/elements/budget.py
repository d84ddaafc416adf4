"""<budget type="1">: the project budget over its year, in CNY.

Status (BudgetStatus): 1 indicative while the project is only proposed, 2 committed once approved.
"""

import datetime

from lxml import etree

from counterpart.core.money import fen_to_yuan
from counterpart.projects.models import Project, ProjectStatus

from .context import CURRENCY, ExportContext, iso

ORIGINAL = "1"
INDICATIVE, COMMITTED = "1", "2"


def budget(project: Project, context: ExportContext) -> list[etree._Element]:
    start, end = datetime.date(project.year, 1, 1), datetime.date(project.year, 12, 31)
    status = INDICATIVE if project.status in (ProjectStatus.PROPOSED, ProjectStatus.CANCELLED) else COMMITTED
    element = etree.Element("budget", type=ORIGINAL, status=status)
    etree.SubElement(element, "period-start", **{"iso-date": iso(start)})
    etree.SubElement(element, "period-end", **{"iso-date": iso(end)})
    value = etree.SubElement(element, "value", currency=CURRENCY, **{"value-date": iso(start)})
    value.text = str(fen_to_yuan(project.budget_fen))
    return [element]
