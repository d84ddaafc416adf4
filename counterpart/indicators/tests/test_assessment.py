import pytest

from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent
from counterpart.indicators.assessment import (
    assessment_confirm_figures,
    assessment_cross_check,
    assessment_finalise,
    assessment_open,
    assessment_self_assess,
    assessment_submit,
    target_set,
)
from counterpart.indicators.models import AssessmentArea, AssessmentStatus, Target, Verdict
from counterpart.projects.services import project_approve

SCORES = {area: (90, "良好") for area in AssessmentArea.values}
FINAL = dict.fromkeys(AssessmentArea.values, 88)


@pytest.fixture
def assessment(pairing, project, actor):
    project_approve(actor=actor, project=project)  # a proposal is not counted: the figures hold approved projects
    return assessment_open(actor=actor, pairing=pairing, year=2009)


def test_opening_takes_the_pairings_figures_as_they_stand(assessment) -> None:
    figures = {f.indicator.key: f for f in assessment.figures.select_related("indicator")}
    assert figures["projects"].value == 1 and figures["projects"].source == "projects"
    assert assessment.scores.count() == 6
    assert assessment.status == AssessmentStatus.OPEN


def test_the_cycle_runs_in_order_and_ends_locked(assessment, actor) -> None:
    # given the donor side's self-assessment
    assessment = assessment_self_assess(actor=actor, assessment=assessment, scores=SCORES, summary="完成年度协议目标")
    # when the recipient side confirms every figure, the office submits, a reviewer cross-checks
    verdicts = {figure.pk: (Verdict.CONFIRMED, "") for figure in assessment.figures.all()}
    assessment = assessment_confirm_figures(actor=actor, assessment=assessment, verdicts=verdicts, comment="同意")
    assessment = assessment_submit(actor=actor, assessment=assessment)
    assessment = assessment_cross_check(actor=actor, assessment=assessment, final_scores=FINAL, notes="核查无误")
    assessment = assessment_finalise(actor=actor, assessment=assessment)
    # then it is final with a report that records who acted at each step
    assert assessment.status == AssessmentStatus.FINAL
    assert assessment.final_report is not None
    assert assessment.final_report["figures"]["projects"]["verdict"] == "confirmed"
    assert assessment.final_report["scores"]["funds"]["final"] == "88.00"
    assert AuditEvent.objects.filter(object_type="indicators.assessment").count() == 6
    # and nothing can move it again
    with pytest.raises(InvalidInput):
        assessment_self_assess(actor=actor, assessment=assessment, scores=SCORES, summary="改")


def test_no_step_may_be_skipped(assessment, actor) -> None:
    for step in (
        lambda a: assessment_submit(actor=actor, assessment=a),
        lambda a: assessment_finalise(actor=actor, assessment=a),
        lambda a: assessment_confirm_figures(actor=actor, assessment=a, verdicts={}),
        lambda a: assessment_cross_check(actor=actor, assessment=a, final_scores=FINAL, notes=""),
    ):
        with pytest.raises(InvalidInput) as error:
            step(assessment)
        assert error.value.field == "status"
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.OPEN


def test_the_recipient_must_judge_every_figure_and_explain_a_dispute(assessment, actor) -> None:
    assessment = assessment_self_assess(actor=actor, assessment=assessment, scores=SCORES, summary="自评")
    figure = assessment.figures.first()
    assert figure is not None
    with pytest.raises(InvalidInput):
        assessment_confirm_figures(actor=actor, assessment=assessment, verdicts={})
    with pytest.raises(InvalidInput) as error:
        assessment_confirm_figures(actor=actor, assessment=assessment, verdicts={figure.pk: (Verdict.DISPUTED, " ")})
    assert error.value.field == figure.indicator.key
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SELF_ASSESSED


def test_self_assessment_needs_all_six_areas_within_range(assessment, actor) -> None:
    with pytest.raises(InvalidInput):
        assessment_self_assess(actor=actor, assessment=assessment, scores={"funds": (90, "")}, summary="x")
    with pytest.raises(InvalidInput) as error:
        assessment_self_assess(actor=actor, assessment=assessment, scores={**SCORES, "funds": (101, "")}, summary="x")
    assert error.value.field == "scores.funds"


def test_targets_are_set_and_changed_with_an_audit_trail(program, pairing, actor) -> None:
    target_set(actor=actor, program=program, indicator_key="labour_trained", year=2009, value=10000, pairing=pairing)
    target_set(actor=actor, program=program, indicator_key="labour_trained", year=2009, value=12000, pairing=pairing)
    assert Target.objects.get().value == 12000
    event = AuditEvent.objects.filter(action="target.set").first()
    assert event is not None and event.before is not None and event.before["value"] == "10000.00"
    with pytest.raises(InvalidInput):
        target_set(actor=actor, program=program, indicator_key="nope", year=2009, value=1)


def test_a_return_sends_it_back_to_the_donor_side_with_its_reason_and_keeps_the_sides_work(assessment, actor) -> None:
    from counterpart.indicators.assessment import assessment_return

    assessment = assessment_self_assess(actor=actor, assessment=assessment, scores=SCORES, summary="自评")
    verdicts = {figure.pk: (Verdict.DISPUTED, "数不对") for figure in assessment.figures.all()}
    assessment = assessment_confirm_figures(actor=actor, assessment=assessment, verdicts=verdicts)
    with pytest.raises(InvalidInput):  # only a submitted (or cross-checked) assessment can be returned
        assessment_return(actor=actor, assessment=assessment, reason="请核实")
    assessment = assessment_submit(actor=actor, assessment=assessment)
    assessment = assessment_cross_check(actor=actor, assessment=assessment, final_scores=FINAL, notes="核查")
    with pytest.raises(InvalidInput) as refused:
        assessment_return(actor=actor, assessment=assessment, reason=" ")
    assert refused.value.field == "reason"
    assessment = assessment_return(actor=actor, assessment=assessment, reason="请核实项目数")
    assert (assessment.status, assessment.return_reason) == (AssessmentStatus.OPEN, "请核实项目数")
    assert {s.self_score for s in assessment.scores.all()} == {90}
    assert {s.final_score for s in assessment.scores.all()} == {None}
    assert {f.verdict_comment for f in assessment.figures.all()} == {"数不对"}
    event = AuditEvent.objects.get(action="assessment.return")
    assert event.before is not None and event.before["status"] == AssessmentStatus.CROSS_CHECKED
    assert event.reason == "请核实项目数"


def test_each_step_asks_the_policy(assessment, program, areas) -> None:
    from django.core.exceptions import PermissionDenied

    from counterpart.access.models import Role
    from counterpart.access.tests.factories import user_with_membership
    from counterpart.core.audit import Actor

    county = Actor.of(user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"]))
    office = Actor.of(user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program))
    with pytest.raises(PermissionDenied):  # the self-assessment is the donor side's
        assessment_self_assess(actor=county, assessment=assessment, scores=SCORES, summary="x")
    with pytest.raises(PermissionDenied):
        assessment_self_assess(actor=office, assessment=assessment, scores=SCORES, summary="x")
    shinan = Actor.of(user_with_membership("shinan", role=Role.DONOR_DISTRICT_OFFICE, area=areas["370202"]))
    assert (
        assessment_self_assess(actor=shinan, assessment=assessment, scores=SCORES, summary="x").status
        == AssessmentStatus.SELF_ASSESSED
    )
