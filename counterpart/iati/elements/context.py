"""What every element builder may read besides the project: program, publisher, time."""

import datetime
import functools
import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise

from counterpart.core.choices import label_texts
from counterpart.projects.models import Project
from counterpart.registry.models import Program

from ..models import IatiPublisher

LANG_ZH = "zh"
LANG_EN = "en"
CURRENCY = "CNY"
# GB/T 2260 area codes have no IATI geographic vocabulary; locations carry them as their ref.
AREA_REF_PREFIX = "CN-GBT2260-"

_ZH_PART = re.compile(r"^([^A-Za-z]*?)\s*([A-Za-z].*)?$")


@dataclass(frozen=True)
class ExportContext:
    program: Program
    publisher: IatiPublisher
    generated_at: datetime.datetime

    def identifier(self, project: Project) -> str:
        """``{reporting-org ref}-{program slug}-{project code}``: globally unique per publisher."""
        return f"{self.publisher.organisation_ref}-{self.program.slug}-{project.code}"


def label_split(label: Any) -> dict[str, str]:
    """A choice label as {"zh": …, "en": …}: a translatable one from the catalogue, a bilingual text
    ("道路（公里）road km") split where its English begins."""
    if isinstance(label, Promise):
        zh, en = label_texts(label)
        return {LANG_ZH: zh, LANG_EN: en} if en and en != zh else {LANG_ZH: zh}
    match = _ZH_PART.match(label.strip())
    if match is None:
        return {LANG_ZH: label}
    return {LANG_ZH: (match.group(1) or "").strip() or label, LANG_EN: (match.group(2) or "").strip()}


@functools.cache
def _choice_labels(model: type[models.Model], field_name: str) -> dict[Any, dict[str, str]]:
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field), f"{field_name} is a relation, not a field with choices"
    return {value: label_split(label) for value, label in field.flatchoices}


def choice_label(instance: models.Model, field_name: str) -> dict[str, str]:
    """``label_split`` of the field's display label, as ``get_FOO_display`` gives it.

    From a table built once per field: ``get_FOO_display`` rebuilds the field's choice dict on
    every call, which was a measurable share of an activity. Do not modify the dict returned.
    """
    value = getattr(instance, field_name)
    labels = _choice_labels(type(instance), field_name).get(value)
    return labels if labels is not None else label_split(str(value))


def iso(day: datetime.date) -> str:
    return day.isoformat()
