"""IATI 2.03 import: activity files from other publishers into projects and ledger entries.

Everything is written through the domain services (project_propose, project_transition,
project_output_set, ledger_commit/allocate/disburse/spend/refund), so an imported project obeys
the same rules as one entered by hand. Re-importing a file changes nothing: activities are
matched by IatiActivityLink, transactions by IatiTransactionLink. What a file says that a
project cannot hold is listed per activity, never silently dropped; see docs/iati.md. Reading an
activity is ``iati.reader``'s.
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from lxml import etree

from counterpart.core.audit import Actor, audit_record_bulk
from counterpart.core.errors import InvalidInput
from counterpart.funds import services as funds
from counterpart.funds.models import FundSource, LedgerTransaction, TransactionKind
from counterpart.projects import services as projects
from counterpart.projects.models import (
    OutputIndicator,
    Project,
    ProjectStatus,
)
from counterpart.registry.models import Area, Pairing, PairingLevel, Program

from .elements.result import OWN_VOCABULARY
from .models import IatiActivityLink, IatiTransactionLink
from .reader import (
    GOVERNMENT_TYPES,
    LIFECYCLE,
    PRIVATE_SECTOR_TYPES,
    PROJECT_LEVELS,
    SOURCE_BY_LABEL,
    STATUS_BY_CODE,
    ActivityOutcome,
    ActivityReader,
    ActivitySkip,
    iati_date,
    iati_decimal,
)
from .schemas import IatiValidation, iati_validate_bytes
from .selectors import iati_publisher_for
from .xml import XML_LANG, IatiFileError, narratives_of


@dataclass
class IatiImportResult:
    validation: IatiValidation
    activities: list[ActivityOutcome] = field(default_factory=list)  # kept by iati_import_bytes only
    tally: Counter[str] = field(default_factory=Counter)  # outcome -> activities (a streamed import keeps no list)

    @property
    def is_valid(self) -> bool:
        return self.validation.is_valid

    def count(self, outcome: str) -> int:
        return self.tally[outcome]


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
            project = projects.project_cancel(actor=actor, project=project, note="IATI activity-status 5 (Cancelled)")
        return project
    if project.status == ProjectStatus.CANCELLED:
        return project
    for step in LIFECYCLE[LIFECYCLE.index(project.status) + 1 : LIFECYCLE.index(target) + 1]:
        project = projects.project_transition(actor=actor, project=project, to_status=step, note="IATI activity-status")
    return project


def _outputs_apply(actor: Actor, project: Project, reader: ActivityReader) -> None:
    skipped = 0
    for indicator in reader.element.findall("result/indicator"):
        keys = [
            reference.get("code")
            for reference in indicator.findall("reference")
            if reference.get("vocabulary") == OWN_VOCABULARY and reference.get("code") in OutputIndicator.values
        ]
        period = indicator.find("period")
        target = (
            iati_decimal(period.find("target").get("value"))
            if period is not None and period.find("target") is not None
            else None
        )
        if not keys or target is None or target < 0:
            skipped += 1
            continue
        actual_element = period.find("actual") if period is not None else None
        actual = iati_decimal(actual_element.get("value")) if actual_element is not None else None
        projects.project_output_set(
            actor=actor, project=project, indicator=keys[0], planned_quantity=target, actual_quantity=actual
        )
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
    def __init__(self, actor: Actor, project: Project, reader: ActivityReader, reporting_type: str) -> None:
        self.actor, self.project, self.reader, self.reporting_type = actor, project, reader, reporting_type

    def _ledger(self, kind: str) -> list[LedgerTransaction]:
        return list(LedgerTransaction.objects.filter(project=self.project, kind=kind).order_by("date", "id"))

    def _commit_and_allocate(self, element: etree._Element, day: datetime.date, fen: int) -> LedgerTransaction:
        commitment = funds.ledger_commit(
            actor=self.actor,
            program=self.project.program,
            date=day,
            source=_source_of(element, self.reporting_type),
            amount_fen=fen,
            pairing=self.project.pairing,
            recipient_area=self.project.recipient_area,
            description=f"IATI {self.reader.outcome.identifier}"[:255],
        )
        return funds.ledger_allocate(
            actor=self.actor, commitment=commitment, project=self.project, date=day, amount_fen=fen
        )

    def _disburse(self, commitment: LedgerTransaction, *, day: datetime.date, fen: int) -> LedgerTransaction:
        return funds.ledger_disburse(
            actor=self.actor, commitment=commitment, project=self.project, date=day, amount_fen=fen
        )

    def _spend(self, disbursement: LedgerTransaction, *, day: datetime.date, fen: int) -> LedgerTransaction:
        return funds.ledger_spend(actor=self.actor, disbursement=disbursement, date=day, amount_fen=fen)

    def _refund(self, disbursement: LedgerTransaction, *, day: datetime.date, fen: int) -> LedgerTransaction:
        return funds.ledger_refund(actor=self.actor, disbursement=disbursement, date=day, amount_fen=fen)

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


def _transactions_apply(actor: Actor, link: IatiActivityLink, reader: ActivityReader) -> int:
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
            iati_date(element.find("transaction-date").get("iso-date"))
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


def _project_create(actor: Actor, program: Program, reader: ActivityReader, default_area: Area | None) -> Project:
    outcome = reader.outcome
    code = reader.project_code()
    if Project.objects.filter(program=program, code=code).exists():
        raise ActivitySkip(
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
            raise ActivitySkip(
                "无法确定实施地点，且未指定默认地区 No known area in <location> and no default area:"
                " pass --default-area CODE."
            )
        outcome.note(
            f"地点 {code_in_file or '未注明'} 不是已知的县乡村，使用默认地区 {default_area.code}"
            f" Location {code_in_file or '(none)'} is not a known county/township/village; default area used."
        )
        area = default_area
    return projects.project_propose(
        actor=actor,
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


def _own_publication(program: Program, reader: ActivityReader) -> Project | None:
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
    reader = ActivityReader(element, outcome, default_lang)
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
    except ActivitySkip as skip:
        outcome.outcome = "skipped"
        outcome.note(str(skip))
    except ValidationError as error:
        outcome.outcome = "skipped"
        outcome.note(f"被业务规则拒绝 Refused by the domain rules: {_message(error)}")
    return outcome


def iati_import_bytes(
    *, actor: Actor, data: bytes, program: Program, default_area: Area | None = None, source: str = ""
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
            outcome = _activity_import(actor, program, element, default_lang, default_area)
            result.activities.append(outcome)
            result.tally[outcome.outcome] += 1
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


def iati_file_first_year(data: bytes) -> int | None:
    """The earliest year an activity file mentions (to start a program created for it)."""
    validation = iati_validate_bytes(data)
    if validation.tree is None:
        return None
    years = [
        day.year
        for element in validation.tree.iter("activity-date", "transaction-date")
        if (day := iati_date(element.get("iso-date"))) is not None
    ]
    return min(years) if years else None
