"""<location>: the recipient area by its GB/T 2260 code.

The GeographicVocabulary codelist has no Chinese administrative vocabulary (A1–A4, G1, G2), so
the code travels as ``ref="CN-GBT2260-{code}"`` with the area's name; location-class 1 is an
administrative region, exactness 1 exact.
"""

from lxml import etree

from counterpart.projects.models import Project

from ..xml import narrative_parent
from .context import AREA_REF_PREFIX, LANG_EN, LANG_ZH, ExportContext


def location(project: Project, context: ExportContext) -> list[etree._Element]:
    area = project.recipient_area
    element = etree.Element("location", ref=AREA_REF_PREFIX + area.code)
    element.append(narrative_parent("name", {LANG_ZH: area.name_zh, LANG_EN: area.name_en}))
    etree.SubElement(element, "exactness", code="1")
    etree.SubElement(element, "location-class", code="1")
    return [element]
