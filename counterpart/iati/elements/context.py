"""What every element builder may read besides the project: program, publisher, time."""

import datetime
import re
from dataclasses import dataclass

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


def label_split(label: str) -> dict[str, str]:
    """A bilingual choice label ("道路（公里）road km") as {"zh": …, "en": …}."""
    match = _ZH_PART.match(label.strip())
    if match is None:
        return {LANG_ZH: label}
    return {LANG_ZH: (match.group(1) or "").strip() or label, LANG_EN: (match.group(2) or "").strip()}


def iso(day: datetime.date) -> str:
    return day.isoformat()
