"""Writes for targets and the yearly two-sided assessment. Each step is atomic and audited.

The assessment's order is enforced here: the donor side's self-assessment, the recipient side's
verdict on every figure, the program office's submission, the cross-check, the final lock.
Nothing can be finalised before both sides have acted, and nothing changes after. A reviewer may
return a submitted (or cross-checked) assessment, saying why: it goes back to the donor side, its
scores and verdicts kept for the sides to revise. Each step asks the one policy (the verbs are
declared in ``indicators/policy.py``) and the period guard of the assessment's year.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counterpart.access.policy import Target as PolicyTarget
from counterpart.access.policy import policy_check
from counterpart.core.attachments import StoredFile, attachment_checked, attachment_keep
from counterpart.core.audit import Actor, audit_record, snapshot
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, Pairing, Program
from counterpart.registry.services import period_lock_check

from .figures import Scope, report_compute
from .models import (
    Assessment,
    AssessmentArea,
    AssessmentEvidence,
    AssessmentFigure,
    AssessmentScore,
    AssessmentStatus,
    Indicator,
    Target,
    Verdict,
)


def _decimal(field: str, value: object) -> Decimal:
    if isinstance(value, float):
        raise InvalidInput(field, value, _("数值必须是精确的十进制数"))
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(field, value, _("不是有效的数值")) from None
    if not number.is_finite() or number < 0:
        raise InvalidInput(field, value, _("数值不能为负数"))
    return number


def target_set(
    *,
    actor: Actor,
    program: Program,
    indicator_key: str,
    year: int,
    value: object,
    pairing: Pairing | None = None,
    area: Area | None = None,
    agreement: str = "",
) -> Target:
    """Set (or change) the target of an indicator for a year, program-wide or for a pairing or area."""
    indicator = Indicator.objects.filter(key=indicator_key).first()
    if indicator is None:
        raise InvalidInput("indicator_key", indicator_key, _("指标目录中没有该指标"))
    number = _decimal("value", value)
    if pairing is not None and pairing.program_id != program.pk:
        raise InvalidInput("pairing", pairing.pk, _("结对关系不属于该协作项目"))
    policy_check(actor, "target_set", PolicyTarget(program=program.pk, area=area.code if area else None))
    with transaction.atomic():
        period_lock_check(program, year)
        target = (
            Target.objects.select_for_update()
            .filter(program=program, indicator=indicator, year=year, pairing=pairing, area=area)
            .first()
        )
        before = snapshot(target) if target else None
        if target is None:
            target = Target(program=program, indicator=indicator, year=year, pairing=pairing, area=area)
        target.value, target.agreement = number, agreement
        target.save()
        audit_record(actor, "target.set", target, before=before)
    return target


def pairing_target(pairing: Pairing) -> PolicyTarget:
    """Where an assessment of ``pairing`` lands, for the policy: its program, both sides' areas."""
    return PolicyTarget(program=pairing.program_id, area=pairing.recipient_area_id, donor_area=pairing.donor_area_id)


def _step(actor: Actor, verb: str, assessment: Assessment, *expected: str) -> Assessment:
    """Ask the policy and the period guard, then lock the row and check it waits at ``expected``."""
    policy_check(actor, verb, pairing_target(assessment.pairing), area_field="pairing")
    period_lock_check(assessment.program_id, assessment.year)
    locked = Assessment.objects.select_for_update().select_related("pairing").get(pk=assessment.pk)
    if locked.status not in expected:
        raise InvalidInput(
            "status",
            locked.status,
            _("考核当前状态为“%(current)s”，此步骤要求状态为“%(expected)s”")
            % {"current": locked.get_status_display(), "expected": AssessmentStatus(expected[0]).label},
        )
    return locked


def assessment_open(*, actor: Actor, pairing: Pairing, year: int) -> Assessment:
    """Open a pairing's assessment for a year, with the figures of its report as they stand now."""
    with transaction.atomic():
        policy_check(actor, "assessment_open", pairing_target(pairing), area_field="pairing")
        period_lock_check(pairing.program_id, year)
        if Assessment.objects.filter(pairing=pairing, year=year).exists():
            raise InvalidInput("year", year, _("该结对关系本年度的考核已存在"))
        assessment = Assessment.objects.create(program=pairing.program, pairing=pairing, year=year)
        AssessmentScore.objects.bulk_create(
            [AssessmentScore(assessment=assessment, area=area) for area in AssessmentArea.values]
        )
        report = report_compute(pairing.program, year, scope=Scope.of_pairing(pairing))
        indicators = Indicator.objects.in_bulk(list(report.figures), field_name="key")
        AssessmentFigure.objects.bulk_create(
            [
                AssessmentFigure(
                    assessment=assessment,
                    indicator=indicators[key],
                    value=Decimal(figure.value),
                    unit=figure.unit,
                    source=figure.source,
                )
                for key, figure in sorted(report.figures.items())
                if key in indicators
            ]
        )
        audit_record(actor, "assessment.open", assessment)
    return assessment


def assessment_self_assess(
    *, actor: Actor, assessment: Assessment, scores: Mapping[str, tuple[object, str]], summary: str
) -> Assessment:
    """The donor side scores itself (0–100) in each of the six areas, with a comment each."""
    missing = sorted(set(AssessmentArea.values) - set(scores))
    if missing:
        raise InvalidInput("scores", missing[0], _("六个考核领域都必须自评"))
    parsed = {}
    for area, (score, comment) in scores.items():
        if area not in AssessmentArea.values:
            raise InvalidInput("scores", area, _("未知的考核领域"))
        number = _decimal(f"scores.{area}", score)
        if number > 100:
            raise InvalidInput(f"scores.{area}", score, _("得分应在0到100之间"))
        parsed[area] = (number, comment)
    if not summary.strip():
        raise InvalidInput("summary", summary, _("请填写自评报告"))
    with transaction.atomic():
        assessment = _step(actor, "assessment_self_assess", assessment, AssessmentStatus.OPEN)
        assessment.status = AssessmentStatus.SELF_ASSESSED
        for row in assessment.scores.all():
            row.self_score, row.self_comment = parsed[row.area]
            row.save(update_fields=["self_score", "self_comment"])
        assessment.self_assessment = summary
        assessment.self_assessed_by, assessment.self_assessed_at = actor.label, timezone.now()
        assessment.save()
        audit_record(actor, "assessment.self_assess", assessment)
    return assessment


def assessment_confirm_figures(
    *, actor: Actor, assessment: Assessment, verdicts: Mapping[int, tuple[str, str]], comment: str = ""
) -> Assessment:
    """The recipient side confirms or disputes every figure; a dispute must say why."""
    with transaction.atomic():
        assessment = _step(actor, "assessment_confirm_figures", assessment, AssessmentStatus.SELF_ASSESSED)
        assessment.status = AssessmentStatus.COMMENTED
        figures = {figure.pk: figure for figure in assessment.figures.select_related("indicator")}
        unknown = sorted(set(verdicts) - set(figures))
        if unknown:
            raise InvalidInput("verdicts", unknown[0], _("该数据不属于本考核"))
        for figure_id, figure in figures.items():
            verdict, reason = verdicts.get(figure_id, (Verdict.PENDING, ""))
            if verdict not in (Verdict.CONFIRMED, Verdict.DISPUTED):
                raise InvalidInput(figure.indicator.key, verdict, _("每项数据都必须确认或提出异议"))
            if verdict == Verdict.DISPUTED and not reason.strip():
                raise InvalidInput(figure.indicator.key, reason, _("提出异议必须说明理由"))
            figure.verdict, figure.verdict_comment = verdict, reason
            figure.save(update_fields=["verdict", "verdict_comment"])
        assessment.recipient_comment = comment
        assessment.commented_by, assessment.commented_at = actor.label, timezone.now()
        assessment.save()
        disputed = [
            f"{figure.indicator.name_zh}：{figure.verdict_comment}"
            for figure in figures.values()
            if figure.verdict == Verdict.DISPUTED
        ]
        audit_record(actor, "assessment.confirm_figures", assessment, reason="; ".join(disputed))
    return assessment


def assessment_submit(*, actor: Actor, assessment: Assessment) -> Assessment:
    """The program office submits the assessment once both sides have acted."""
    with transaction.atomic():
        assessment = _step(actor, "assessment_submit", assessment, AssessmentStatus.COMMENTED)
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_by, assessment.submitted_at = actor.label, timezone.now()
        assessment.save()
        audit_record(actor, "assessment.submit", assessment)
    return assessment


def assessment_cross_check(
    *, actor: Actor, assessment: Assessment, final_scores: Mapping[str, object], notes: str
) -> Assessment:
    """A reviewer cross-checks the submission and sets the final score of each area."""
    missing = sorted(set(AssessmentArea.values) - set(final_scores))
    if missing:
        raise InvalidInput("final_scores", missing[0], _("六个考核领域都必须评分"))
    with transaction.atomic():
        assessment = _step(actor, "assessment_cross_check", assessment, AssessmentStatus.SUBMITTED)
        assessment.status = AssessmentStatus.CROSS_CHECKED
        for row in assessment.scores.all():
            score = _decimal(f"final_scores.{row.area}", final_scores[row.area])
            if score > 100:
                raise InvalidInput(f"final_scores.{row.area}", final_scores[row.area], _("得分应在0到100之间"))
            row.final_score = score
            row.save(update_fields=["final_score"])
        assessment.cross_check_notes = notes
        assessment.cross_checked_by, assessment.cross_checked_at = actor.label, timezone.now()
        assessment.save()
        audit_record(actor, "assessment.cross_check", assessment)
    return assessment


def assessment_final_report(assessment: Assessment) -> dict[str, Any]:
    return {
        "pairing": str(assessment.pairing),
        "year": assessment.year,
        "scores": {
            row.area: {"self": str(row.self_score), "final": str(row.final_score), "comment": row.self_comment}
            for row in assessment.scores.all()
        },
        "figures": {
            figure.indicator.key: {
                "value": str(figure.value),
                "unit": figure.unit,
                "source": figure.source,
                "verdict": figure.verdict,
                "comment": figure.verdict_comment,
            }
            for figure in assessment.figures.select_related("indicator")
        },
        "self_assessment": assessment.self_assessment,
        "recipient_comment": assessment.recipient_comment,
        "cross_check_notes": assessment.cross_check_notes,
        "signed": {
            "self_assessed": [assessment.self_assessed_by, str(assessment.self_assessed_at)],
            "commented": [assessment.commented_by, str(assessment.commented_at)],
            "submitted": [assessment.submitted_by, str(assessment.submitted_at)],
            "cross_checked": [assessment.cross_checked_by, str(assessment.cross_checked_at)],
        },
    }


def assessment_finalise(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Lock the assessment with its final report; no step is possible afterwards."""
    with transaction.atomic():
        assessment = _step(actor, "assessment_finalise", assessment, AssessmentStatus.CROSS_CHECKED)
        assessment.status = AssessmentStatus.FINAL
        assessment.final_report = assessment_final_report(assessment)
        assessment.finalised_by, assessment.finalised_at = actor.label, timezone.now()
        assessment.save()
        audit_record(actor, "assessment.finalise", assessment)
    return assessment


def assessment_return(*, actor: Actor, assessment: Assessment, reason: str) -> Assessment:
    """A reviewer sends a submitted or cross-checked assessment back to the donor side, saying why.

    The sides' scores, comments and verdicts stay, for them to revise; the final scores go."""
    if not reason.strip():
        raise InvalidInput("reason", reason, _("退回必须说明原因"))
    with transaction.atomic():
        assessment = _step(
            actor, "assessment_return", assessment, AssessmentStatus.SUBMITTED, AssessmentStatus.CROSS_CHECKED
        )
        before = snapshot(assessment)
        assessment.scores.update(final_score=None)
        assessment.status = AssessmentStatus.OPEN
        assessment.return_reason = reason.strip()
        assessment.returned_by, assessment.returned_at = actor.label, timezone.now()
        assessment.cross_check_notes, assessment.cross_checked_by, assessment.cross_checked_at = "", "", None
        assessment.save()
        audit_record(actor, "assessment.return", assessment, before=before, reason=reason.strip())
    return assessment


def assessment_evidence_attach(
    *, actor: Actor, assessment: Assessment, file_name: str, content: bytes, area: str = "", caption: str = ""
) -> AssessmentEvidence:
    """The donor side adds a file (JPEG, PNG or PDF, by its bytes; at most 10 MiB) as evidence for its
    self-assessment, for one of the six areas (``area``) or the whole, while the assessment waits for
    it (open, or returned to it). The file is kept as a project's attachments are (core/attachments.py);
    the record and its audit event (on the assessment, so its trail shows it) in one transaction."""
    if area and area not in AssessmentArea.values:
        raise InvalidInput("area", area, _("未知的考核领域"))
    # Refused before anything is written: a role that never adds evidence, a file not accepted.
    policy_check(actor, "assessment_evidence_attach", pairing_target(assessment.pairing), area_field="pairing")
    attachment_checked(file_name, content)

    def record(stored: StoredFile) -> AssessmentEvidence:
        with transaction.atomic():
            locked = _step(actor, "assessment_evidence_attach", assessment, AssessmentStatus.OPEN)
            evidence = AssessmentEvidence.objects.create(
                assessment=locked,
                area=area,
                file_name=stored.file_name,
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                caption=caption.strip()[:200],
                uploaded_by=actor.db_user,
                uploaded_by_label=actor.label,
            )
            after = {"file_name": stored.file_name, "area": area, "sha256": stored.sha256, "size": stored.size}
            audit_record(actor, "assessment.evidence_attach", locked, after=after)
        return evidence

    return attachment_keep(file_name, content, record)
