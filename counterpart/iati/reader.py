"""Reading one IATI activity into the values a project needs, noting what does not fit."""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree

from counterpart.core.errors import InvalidInput
from counterpart.core.money import yuan_to_fen
from counterpart.funds.models import FundSource
from counterpart.projects.models import (
    DAC_PURPOSE_BY_CATEGORY,
    ProjectCategory,
    ProjectStatus,
)
from counterpart.registry.models import AreaLevel

from .elements.context import AREA_REF_PREFIX, CURRENCY, LANG_EN, LANG_ZH, label_split
from .xml import XML_LANG, narratives_of

CATEGORY_BY_DAC = {code: category for category, code in DAC_PURPOSE_BY_CATEGORY.items()}


PROJECT_LEVELS = (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)


LIFECYCLE: list[str] = [
    ProjectStatus.PROPOSED,
    ProjectStatus.APPROVED,
    ProjectStatus.UNDER_CONSTRUCTION,
    ProjectStatus.COMPLETED,
    ProjectStatus.ACCEPTED,
]


STATUS_BY_CODE = {
    "1": ProjectStatus.PROPOSED,
    "2": ProjectStatus.UNDER_CONSTRUCTION,
    "3": ProjectStatus.COMPLETED,
    "4": ProjectStatus.ACCEPTED,
    "5": ProjectStatus.CANCELLED,
}


GOVERNMENT_TYPES = {"10", "11", "15"}


PRIVATE_SECTOR_TYPES = {"70", "71", "72", "73"}


SOURCE_BY_LABEL = {label_split(label)[LANG_ZH]: value for value, label in FundSource.choices}


@dataclass
class ActivityOutcome:
    """What became of one activity: created, unchanged or skipped, and what was not represented."""

    identifier: str
    line: int | None
    outcome: str = "skipped"
    project_code: str = ""
    transactions_added: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, message: str, line: int | None = None) -> None:
        self.notes.append(f"line {line}: {message}" if line else message)


class ActivitySkip(Exception):
    """The activity cannot become a project; the message says why (bilingual)."""


def iati_date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def iati_decimal(text: str | None) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _first_text(texts: dict[str, str], *preferred: str) -> str:
    for lang in preferred:
        if texts.get(lang):
            return texts[lang]
    return next(iter(texts.values()), "")


class ActivityReader:
    """Reads one <iati-activity> into the values a project needs, noting what does not fit."""

    def __init__(self, element: etree._Element, outcome: ActivityOutcome, default_lang: str) -> None:
        self.element = element
        self.outcome = outcome
        self.lang = (element.get(XML_LANG) or default_lang or "").lower()
        self.currency = element.get("default-currency") or ""

    def narratives(self, path: str) -> dict[str, str]:
        return narratives_of(self.element.find(path), self.lang)

    def project_code(self) -> str:
        for other in self.element.findall("other-identifier"):
            ref = (other.get("ref") or "").strip()
            if other.get("type") == "A1" and ref and len(ref) <= 40:
                return ref
        identifier = self.outcome.identifier
        reporting = self.element.find("reporting-org")
        reporting_ref = (reporting.get("ref") or "").strip() if reporting is not None else ""
        if reporting_ref and identifier.startswith(reporting_ref + "-"):
            identifier = identifier[len(reporting_ref) + 1 :]
        if len(identifier) > 40:
            digest = hashlib.sha256(self.outcome.identifier.encode()).hexdigest()[:8]
            identifier = f"{identifier[:31]}-{digest}"
        return identifier

    def titles(self) -> tuple[str, str]:
        texts = self.narratives("title")
        title_zh = _first_text(texts, LANG_ZH, "zh-cn", "zh-hans")
        if not title_zh:
            self.outcome.note("活动无标题，以标识符代替 The activity has no title; its identifier is used.")
            title_zh = self.outcome.identifier
        elif LANG_ZH not in texts:
            self.outcome.note("无中文标题，中文名称使用其他语言的标题 No Chinese title; another language's is used.")
        return title_zh[:200], texts.get(LANG_EN, "")[:200]

    def description(self) -> str:
        for element in self.element.findall("description"):
            if element.get("type") in (None, "1"):
                return _first_text(narratives_of(element, self.lang), LANG_ZH, LANG_EN)
        return ""

    def year(self) -> int:
        dates: dict[str, datetime.date] = {}
        for element in self.element.findall("activity-date"):
            day = iati_date(element.get("iso-date"))
            if day is not None:
                dates.setdefault(element.get("type") or "", day)
        for kind in ("1", "2", "3", "4"):
            if kind in dates:
                return dates[kind].year
        if dates:  # a date of a type the codelist does not know is still the activity's date
            return next(iter(dates.values())).year
        for element in self.element.findall("transaction/transaction-date"):
            day = iati_date(element.get("iso-date"))
            if day is not None:
                return day.year
        raise ActivitySkip("活动没有可用的日期 The activity has no usable activity-date or transaction date.")

    def category(self) -> tuple[str, str | None]:
        """(category, DAC purpose code) from the largest DAC 5-digit sector."""
        candidates = []
        for element in self.element.findall("sector"):
            vocabulary, code = element.get("vocabulary") or "1", (element.get("code") or "").strip()
            if vocabulary == "1" and len(code) == 5 and code.isdigit():
                candidates.append((iati_decimal(element.get("percentage")) or Decimal(100), code))
            else:
                self.outcome.note(
                    f"行业（词表 {vocabulary}，代码 {code}）无法表示 Sector {code!r} of vocabulary {vocabulary}"
                    " is not an OECD-DAC purpose code and is not kept.",
                    element.sourceline,
                )
        if not candidates:
            self.outcome.note("无 DAC 行业代码，类别记为“其他” No DAC sector: category set to other.")
            return ProjectCategory.OTHER, None
        candidates.sort(key=lambda pair: -pair[0])
        if len(candidates) > 1:
            self.outcome.note(
                f"只保留占比最大的行业 {candidates[0][1]} Only the largest sector ({candidates[0][1]}) is kept;"
                f" {', '.join(code for _share, code in candidates[1:])} dropped."
            )
        code = candidates[0][1]
        return CATEGORY_BY_DAC.get(code, ProjectCategory.OTHER), code

    def area_code(self) -> str | None:
        for element in self.element.findall("location"):
            ref = (element.get("ref") or "").strip()
            if ref.startswith(AREA_REF_PREFIX):
                return ref[len(AREA_REF_PREFIX) :]
            for part in (element.find("location-id"), *element.findall("administrative")):
                if part is not None and (part.get("code") or "").isdigit():
                    return part.get("code")
        return None

    def amount_fen(self, value: etree._Element | None, what: str) -> int | None:
        """A <value> in fen, or None with a note when it is missing, not CNY or not exact."""
        if value is None:
            self.outcome.note(f"{what}没有金额 {what} has no value.")
            return None
        currency = value.get("currency") or self.currency
        if currency != CURRENCY:
            self.outcome.note(
                f"{what}币种为 {currency or '未注明'}，只接受人民币 {what} is in {currency or 'no stated currency'};"
                " only CNY is accepted (no conversion).",
                value.sourceline,
            )
            return None
        amount = iati_decimal(value.text)
        if amount is None:
            self.outcome.note(f"{what}金额无效 {what} value {value.text!r} is not a number.", value.sourceline)
            return None
        try:
            return yuan_to_fen(str(amount), field="value")
        except InvalidInput as error:
            self.outcome.note(f"{what}: {error.reason}", value.sourceline)
            return None

    def budget_fen(self) -> int:
        budgets = self.element.findall("budget")
        revised = [b for b in budgets if b.get("type") == "2"]
        total = 0
        for element in revised or budgets:
            fen = self.amount_fen(element.find("value"), "预算 budget")
            if fen is not None and fen >= 0:
                total += fen
        return total
