"""IATI 2.03 import: activity files from other publishers into projects and ledger entries.

Everything is written through the domain services (project_propose, project_transition,
project_output_set, ledger_commit/allocate/disburse/spend/refund), so an imported project obeys
the same rules as one entered by hand. Re-importing a file changes nothing: activities are
matched by IatiActivityLink, transactions by IatiTransactionLink. What a file says that a
project cannot hold is listed per activity, never silently dropped; see docs/iati.md.
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from lxml import etree

from counterpart.core.audit import Actor, audit_record_bulk
from counterpart.core.errors import InvalidInput
from counterpart.core.money import yuan_to_fen
from counterpart.funds import services as funds
from counterpart.funds.models import FundSource, LedgerTransaction, TransactionKind
from counterpart.projects import services as projects
from counterpart.projects.models import (
    DAC_PURPOSE_BY_CATEGORY,
    OutputIndicator,
    Project,
    ProjectCategory,
    ProjectStatus,
)
from counterpart.registry.models import Area, AreaLevel, Pairing, PairingLevel, Program

from .elements.context import AREA_REF_PREFIX, CURRENCY, LANG_EN, LANG_ZH, label_split
from .elements.result import OWN_VOCABULARY
from .models import IatiActivityLink, IatiTransactionLink
from .schemas import IatiValidation, iati_validate_bytes
from .selectors import iati_publisher_for
from .xml import XML_LANG, IatiFileError, narratives_of

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


@dataclass
class IatiImportResult:
    validation: IatiValidation
    activities: list[ActivityOutcome] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return self.validation.is_valid

    def count(self, outcome: str) -> int:
        return sum(1 for activity in self.activities if activity.outcome == outcome)


class _Skip(Exception):
    """The activity cannot become a project; the message says why (bilingual)."""


def _date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _decimal(text: str | None) -> Decimal | None:
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


class _ActivityReader:
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
            day = _date(element.get("iso-date"))
            if day is not None:
                dates.setdefault(element.get("type") or "", day)
        for kind in ("1", "2", "3", "4"):
            if kind in dates:
                return dates[kind].year
        if dates:  # a date of a type the codelist does not know is still the activity's date
            return next(iter(dates.values())).year
        for element in self.element.findall("transaction/transaction-date"):
            day = _date(element.get("iso-date"))
            if day is not None:
                return day.year
        raise _Skip("活动没有可用的日期 The activity has no usable activity-date or transaction date.")

    def category(self) -> tuple[str, str | None]:
        """(category, DAC purpose code) from the largest DAC 5-digit sector."""
        candidates = []
        for element in self.element.findall("sector"):
            vocabulary, code = element.get("vocabulary") or "1", (element.get("code") or "").strip()
            if vocabulary == "1" and len(code) == 5 and code.isdigit():
                candidates.append((_decimal(element.get("percentage")) or Decimal(100), code))
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
        amount = _decimal(value.text)
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


def _default_area(program: Program) -> Area | None:
    pairing = (
        Pairing.objects.filter(program=program, recipient_area__level__in=PROJECT_LEVELS)
        .select_related("recipient_area")
        .order_by("valid_from", "id")
        .first()
    )
    return pairing.recipient_area if pairing else None


def _pairing_for(program: Program, area: Area, year: int) -> Pairing | None:
    candidates = [
        pairing
        for pairing in Pairing.objects.filter(program=program, level=PairingLevel.DISTRICT_COUNTY)
        if area.code.startswith(pairing.recipient_area_id)
        and pairing.valid_from.year <= year
        and (pairing.valid_to is None or pairing.valid_to.year >= year)
    ]
    return candidates[0] if len(candidates) == 1 else None


def _status_apply(actor: Actor, project: Project, code: str | None, outcome: ActivityOutcome) -> Project:
    target = STATUS_BY_CODE.get(code or "")
    if target is None:
        outcome.note(f"活动状态 {code!r} 无法表示，保持“{project.status}” Activity status {code!r} is not represented.")
        return project
    if target == ProjectStatus.CANCELLED:
        if project.status not in (ProjectStatus.CANCELLED, ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED):
            project = projects.project_cancel(actor, project, note="IATI activity-status 5 (Cancelled)")
        return project
    if project.status == ProjectStatus.CANCELLED:
        return project
    for step in LIFECYCLE[LIFECYCLE.index(project.status) + 1 : LIFECYCLE.index(target) + 1]:
        project = projects.project_transition(actor, project, step, note="IATI activity-status")
    return project


def _outputs_apply(actor: Actor, project: Project, reader: _ActivityReader) -> None:
    skipped = 0
    for indicator in reader.element.findall("result/indicator"):
        keys = [
            reference.get("code")
            for reference in indicator.findall("reference")
            if reference.get("vocabulary") == OWN_VOCABULARY and reference.get("code") in OutputIndicator.values
        ]
        period = indicator.find("period")
        target = (
            _decimal(period.find("target").get("value"))
            if period is not None and period.find("target") is not None
            else None
        )
        if not keys or target is None or target < 0:
            skipped += 1
            continue
        actual_element = period.find("actual") if period is not None else None
        actual = _decimal(actual_element.get("value")) if actual_element is not None else None
        projects.project_output_set(actor, project, indicator=keys[0], planned_quantity=target, actual_quantity=actual)
    if skipped:
        reader.outcome.note(
            f"{skipped} 个结果指标无法表示（仅支持本平台产出指标） {skipped} result indicator(s) not represented:"
            " only Counterpart output indicators (reference vocabulary 99) with a numeric target are kept."
        )


def _source_of(transaction_element: etree._Element, reporting_type: str) -> str:
    provider = transaction_element.find("provider-org")
    if provider is not None:
        for text in narratives_of(provider).values():
            if text in SOURCE_BY_LABEL:
                return SOURCE_BY_LABEL[text]
        kind = provider.get("type") or ""
    else:
        kind = reporting_type
    if kind in GOVERNMENT_TYPES:
        return FundSource.FISCAL_MUNICIPAL
    if kind in PRIVATE_SECTOR_TYPES:
        return FundSource.ENTERPRISE
    return FundSource.SOCIAL


def _attempt(write: object, candidates: list[LedgerTransaction], **kwargs: object) -> LedgerTransaction | None:
    """Try a draw on each candidate in turn; the ledger refuses one that would overdraw."""
    for candidate in candidates:
        try:
            with transaction.atomic():
                return write(candidate, **kwargs)  # type: ignore[operator]
        except InvalidInput:
            continue
    return None


class _TransactionWriter:
    def __init__(self, actor: Actor, project: Project, reader: _ActivityReader, reporting_type: str) -> None:
        self.actor, self.project, self.reader, self.reporting_type = actor, project, reader, reporting_type

    def _ledger(self, kind: str) -> list[LedgerTransaction]:
        return list(LedgerTransaction.objects.filter(project=self.project, kind=kind).order_by("date", "id"))

    def _commit_and_allocate(self, element: etree._Element, day: datetime.date, fen: int) -> LedgerTransaction:
        commitment = funds.ledger_commit(
            self.actor,
            program=self.project.program,
            date=day,
            source=_source_of(element, self.reporting_type),
            amount_fen=fen,
            pairing=self.project.pairing,
            recipient_area=self.project.recipient_area,
            description=f"IATI {self.reader.outcome.identifier}"[:255],
        )
        return funds.ledger_allocate(self.actor, commitment=commitment, project=self.project, date=day, amount_fen=fen)

    def _disburse(self, commitment: LedgerTransaction, *, day: datetime.date, fen: int) -> LedgerTransaction:
        return funds.ledger_disburse(self.actor, commitment=commitment, project=self.project, date=day, amount_fen=fen)

    def _spend(self, disbursement: LedgerTransaction, *, day: datetime.date, fen: int) -> LedgerTransaction:
        return funds.ledger_spend(self.actor, disbursement=disbursement, date=day, amount_fen=fen)

    def _refund(self, disbursement: LedgerTransaction, *, day: datetime.date, fen: int) -> LedgerTransaction:
        return funds.ledger_refund(self.actor, disbursement=disbursement, date=day, amount_fen=fen)

    def write(self, element: etree._Element, code: str, day: datetime.date, fen: int) -> LedgerTransaction | None:
        note = self.reader.outcome.note
        commitments = [a.commitment for a in self._ledger(TransactionKind.ALLOCATION) if a.commitment is not None]
        if code == "2" and fen > 0:
            return self._commit_and_allocate(element, day, fen)
        if code == "3" and fen > 0:
            record = _attempt(self._disburse, commitments, day=day, fen=fen)
            if record is None:
                allocation = self._commit_and_allocate(element, day, fen)
                note(f"拨付前无承诺，已补记承诺 Disbursement on {day} had no commitment to draw on; one was recorded.")
                record = self._disburse(allocation.commitment, day=day, fen=fen)  # type: ignore[arg-type]
            return record
        if code == "4" and fen > 0:
            record = _attempt(self._spend, self._ledger(TransactionKind.DISBURSEMENT), day=day, fen=fen)
            if record is None:
                allocation = self._commit_and_allocate(element, day, fen)
                disbursement = self._disburse(allocation.commitment, day=day, fen=fen)  # type: ignore[arg-type]
                note(f"支出前无拨付，已补记承诺与拨付 Expenditure on {day} had no disbursement; one was recorded.")
                record = self._spend(disbursement, day=day, fen=fen)
            return record
        if code == "3" and fen < 0:
            record = _attempt(self._refund, self._ledger(TransactionKind.DISBURSEMENT), day=day, fen=-fen)
            if record is None:
                note(f"负数拨付（退回）无可退回的拨付 Negative disbursement on {day}: nothing to refund from.")
            return record
        note(
            f"交易类型 {code}（金额 {fen / 100:.2f}）无法表示 Transaction type {code} with value {fen / 100:.2f}"
            " is not represented (only 2 commitment, 3 disbursement, 4 expenditure).",
            element.sourceline,
        )
        return None


def _transaction_keys(elements: list[etree._Element]) -> list[str]:
    """A stable key per transaction: its ref, else a content hash; repeats numbered in order."""
    seen: Counter[str] = Counter()
    keys = []
    for element in elements:
        base = (element.get("ref") or "").strip()
        if not base or len(base) > 80:
            base = "sha256:" + hashlib.sha256(etree.tostring(element, method="c14n")).hexdigest()[:40]
        seen[base] += 1
        keys.append(f"{base}#{seen[base]}")
    return keys


def _transactions_apply(actor: Actor, link: IatiActivityLink, reader: _ActivityReader) -> int:
    reporting = reader.element.find("reporting-org")
    writer = _TransactionWriter(
        actor, link.project, reader, reporting.get("type") or "" if reporting is not None else ""
    )
    elements = reader.element.findall("transaction")
    done = set(link.transactions.values_list("key", flat=True))
    added = 0
    for element, key in zip(elements, _transaction_keys(elements), strict=True):
        if key in done:
            continue
        type_element = element.find("transaction-type")
        code = (type_element.get("code") or "") if type_element is not None else ""
        day = (
            _date(element.find("transaction-date").get("iso-date"))
            if element.find("transaction-date") is not None
            else None
        )
        if day is None:
            reader.outcome.note("交易没有日期 Transaction has no transaction-date.", element.sourceline)
            continue
        fen = reader.amount_fen(element.find("value"), "交易 transaction")
        if fen is None or fen == 0:
            continue
        try:
            with transaction.atomic():
                record = writer.write(element, code, day, fen)
                if record is not None:
                    IatiTransactionLink.objects.create(activity=link, key=key, ledger_transaction=record)
                    added += 1
        except ValidationError as error:
            reader.outcome.note(f"交易被拒绝 Transaction refused: {_message(error)}", element.sourceline)
    return added


def _message(error: ValidationError) -> str:
    return str(error) if isinstance(error, InvalidInput) else "; ".join(error.messages)


def _project_create(actor: Actor, program: Program, reader: _ActivityReader, default_area: Area | None) -> Project:
    outcome = reader.outcome
    code = reader.project_code()
    if Project.objects.filter(program=program, code=code).exists():
        raise _Skip(
            f"项目编号 {code} 已被其他项目使用 Project code {code} is already used by a project not from this activity."
        )
    title_zh, title_en = reader.titles()
    year = reader.year()
    category, purpose_code = reader.category()
    countries = {element.get("code") for element in reader.element.findall("recipient-country")}
    if countries - {"CN"}:
        outcome.note(
            f"受援国 {', '.join(sorted(c or '?' for c in countries - {'CN'}))} 不是中国 Recipient country is not CN."
        )
    code_in_file = reader.area_code()
    area = Area.objects.filter(code=code_in_file, level__in=PROJECT_LEVELS).first() if code_in_file else None
    if area is None:
        if default_area is None:
            raise _Skip(
                "无法确定实施地点，且未指定默认地区 No known area in <location> and no default area:"
                " pass --default-area CODE."
            )
        outcome.note(
            f"地点 {code_in_file or '未注明'} 不是已知的县乡村，使用默认地区 {default_area.code}"
            f" Location {code_in_file or '(none)'} is not a known county/township/village; default area used."
        )
        area = default_area
    return projects.project_propose(
        actor,
        program=program,
        code=code,
        title_zh=title_zh,
        title_en=title_en,
        description=reader.description(),
        category=category,
        purpose_code=purpose_code,
        recipient_area=area,
        pairing=_pairing_for(program, area, year),
        year=year,
        budget_fen=reader.budget_fen(),
    )


def _own_publication(program: Program, reader: _ActivityReader) -> Project | None:
    """The project whose own export this activity is (the identifier this program publishes it under)."""
    project = Project.objects.filter(program=program, code=reader.project_code()).first()
    if project is None:
        return None
    own = f"{iati_publisher_for(program).organisation_ref}-{program.slug}-{project.code}"
    return project if reader.outcome.identifier == own else None


def _activity_import(
    actor: Actor, program: Program, element: etree._Element, default_lang: str, default_area: Area | None
) -> ActivityOutcome:
    identifier = (element.findtext("iati-identifier") or "").strip()
    outcome = ActivityOutcome(identifier=identifier, line=element.sourceline)
    if not identifier:
        outcome.note("iati-identifier 为空，无法导入 The iati-identifier is empty; the activity cannot be imported.")
        return outcome
    reader = _ActivityReader(element, outcome, default_lang)
    try:
        with transaction.atomic():
            link = IatiActivityLink.objects.filter(program=program, iati_identifier=identifier).first()
            own = _own_publication(program, reader) if link is None else None
            if own is not None:
                # Our own export read back: its project, outputs and ledger are where it was made from.
                outcome.outcome = "unchanged"
                outcome.project_code = own.code
                return outcome
            if link is None:
                project = _project_create(actor, program, reader, default_area)
                _outputs_apply(actor, project, reader)
                reporting = element.find("reporting-org")
                link = IatiActivityLink.objects.create(
                    program=program,
                    iati_identifier=identifier,
                    project=project,
                    reporting_org_ref=(reporting.get("ref") or "") if reporting is not None else "",
                )
                outcome.outcome = "created"
            else:
                outcome.outcome = "unchanged"
            status = element.find("activity-status")
            before = link.project.status
            link.project = _status_apply(
                actor, link.project, status.get("code") if status is not None else None, outcome
            )
            outcome.transactions_added = _transactions_apply(actor, link, reader)
            if outcome.outcome == "unchanged" and (outcome.transactions_added or before != link.project.status):
                outcome.outcome = "updated"
            outcome.project_code = link.project.code
    except _Skip as skip:
        outcome.outcome = "skipped"
        outcome.note(str(skip))
    except ValidationError as error:
        outcome.outcome = "skipped"
        outcome.note(f"被业务规则拒绝 Refused by the domain rules: {_message(error)}")
    return outcome


def iati_import_bytes(
    actor: Actor, data: bytes, *, program: Program, default_area: Area | None = None, source: str = ""
) -> IatiImportResult:
    """Import an IATI 2.03 activity file into a program; invalid files import nothing."""
    validation = iati_validate_bytes(data)
    result = IatiImportResult(validation)
    if not validation.is_valid or validation.tree is None:
        return result
    root = validation.tree.getroot()
    if root.tag != "iati-activities":
        validation.is_valid = False
        validation.errors.append(
            IatiFileError("不是 IATI 活动文件 Not an IATI activity file (<iati-activities>).", root.sourceline)
        )
        return result
    default_area = default_area or _default_area(program)
    default_lang = (root.get(XML_LANG) or "").lower()
    with transaction.atomic():
        for element in root.findall("iati-activity"):
            result.activities.append(_activity_import(actor, program, element, default_lang, default_area))
        audit_record_bulk(
            actor,
            "iati.import",
            "projects.project",
            after={
                "program": program.slug,
                "source": source,
                "created": result.count("created"),
                "updated": result.count("updated"),
                "unchanged": result.count("unchanged"),
                "skipped": result.count("skipped"),
            },
        )
    return result


def iati_import_file(
    actor: Actor, path: Path, *, program: Program, default_area: Area | None = None
) -> IatiImportResult:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        validation = IatiValidation(False, "", [IatiFileError(f"无法读取文件 Cannot read the file: {error.strerror}")])
        return IatiImportResult(validation)
    return iati_import_bytes(actor, data, program=program, default_area=default_area, source=str(path))


def iati_file_first_year(data: bytes) -> int | None:
    """The earliest year an activity file mentions (to start a program created for it)."""
    validation = iati_validate_bytes(data)
    if validation.tree is None:
        return None
    years = [
        day.year
        for element in validation.tree.iter("activity-date", "transaction-date")
        if (day := _date(element.get("iso-date"))) is not None
    ]
    return min(years) if years else None
