"""<result type="1"> (output): one per project output, its indicator with baseline/target/actual.

Indicator measure 1 (Unit, IndicatorMeasure codelist); the output key is the indicator's
``<reference vocabulary="99">`` (99 = reporting organisation's own vocabulary), which is how an
import recognises it. Baseline is 0 at the project year; the period is the project year.
"""

import datetime
from decimal import Decimal

from lxml import etree

from counterpart.projects.models import Project

from ..selectors import iati_project_outputs
from ..xml import narrative_parent
from .context import LANG_EN, LANG_ZH, ExportContext, choice_label, iso

OUTPUT = "1"
MEASURE_UNIT = "1"
OWN_VOCABULARY = "99"


def quantity_text(quantity: Decimal) -> str:
    return format(quantity.normalize(), "f")


def result(project: Project, context: ExportContext) -> list[etree._Element]:
    elements = []
    for output in iati_project_outputs(project):
        label = choice_label(output, "indicator")
        names = {LANG_ZH: label[LANG_ZH], LANG_EN: label.get(LANG_EN, "")}
        element = etree.Element("result", type=OUTPUT, **{"aggregation-status": "1"})
        element.append(narrative_parent("title", names))
        indicator = etree.SubElement(element, "indicator", measure=MEASURE_UNIT, ascending="1")
        indicator.append(narrative_parent("title", {k: f"{v} ({output.unit})" for k, v in names.items() if v}))
        etree.SubElement(indicator, "reference", vocabulary=OWN_VOCABULARY, code=output.indicator)
        etree.SubElement(indicator, "baseline", year=str(project.year), value="0")
        period = etree.SubElement(indicator, "period")
        etree.SubElement(period, "period-start", **{"iso-date": iso(datetime.date(project.year, 1, 1))})
        etree.SubElement(period, "period-end", **{"iso-date": iso(datetime.date(project.year, 12, 31))})
        etree.SubElement(period, "target", value=quantity_text(output.planned_quantity))
        if output.actual_quantity is not None:
            etree.SubElement(period, "actual", value=quantity_text(output.actual_quantity))
        elements.append(element)
    return elements
