"""The assessment's steps through the API, each by the role whose turn it is: the program office opens
and submits, 市南区 (the donor district) scores itself, 普定县 (the recipient county) confirms or
disputes the figures, the program's reviewer cross-checks, returns (with a reason) and finalises.
Every other role is refused with the policy's words, and a step out of turn or in a locked year by
field."""

import pytest

from counterpart.access.models import Role
from counterpart.core.audit import Actor
from counterpart.core.models import AuditEvent
from counterpart.indicators.models import Assessment, AssessmentArea
from counterpart.projects.services import project_approve
from counterpart.registry.services import period_lock

from .conftest import ApiClient, user_with_token

pytestmark = pytest.mark.django_db

SCORES = {area: {"score": "90", "evidence": f"{area} 佐证"} for area in AssessmentArea.values}
FINAL = dict.fromkeys(AssessmentArea.values, "87.5")
REFUSED = "您的角色不能进行此操作"


@pytest.fixture
def sides(program, pairing, project, areas, office, puding):
    project_approve(
        actor=Actor.system("test"), project=project
    )  # only an approved project counts in the pairing's figures
    _user, shinan = user_with_token("shinan", role=Role.DONOR_DISTRICT_OFFICE, area=areas["370202"])
    _user, reviewer = user_with_token("reviewer", role=Role.REVIEWER, program=program)
    _user, auditor = user_with_token("auditor", role=Role.AUDITOR)
    return {
        "office": office,
        "donor": ApiClient(shinan),
        "recipient": puding,
        "reviewer": ApiClient(reviewer),
        "auditor": ApiClient(auditor),
    }


def _refused_by_all_but(sides, allowed, path, body):
    for name, client in sides.items():
        if name in allowed:
            continue
        response = client.post(path, body)
        assert response.status_code in (403, 404), (name, path, response.status_code)
        if response.status_code == 403:
            assert response.json()["errors"][0]["message"] == REFUSED, name


def _verdicts(assessment, disputed=()):
    return [
        {"figure": f["id"], "verdict": "disputed" if f["indicator"] in disputed else "confirmed", "reason": "数不对"}
        for f in assessment["figures"]
    ]


def test_the_assessment_passes_between_the_four_sides_with_a_dispute_and_a_return(sides, pairing) -> None:
    office, donor, recipient, reviewer = (sides[k] for k in ("office", "donor", "recipient", "reviewer"))
    # the program office opens it: the figures are the pairing's report's, nobody else may
    _refused_by_all_but(sides, {"office"}, "/assessments", {"pairing": pairing.pk, "year": 2009})
    opened = office.post("/assessments", {"pairing": pairing.pk, "year": 2009})
    assert opened.status_code == 201, opened.json()
    assessment = opened.json()
    path = f"/assessments/{assessment['id']}"
    assert assessment["status"] == "open" and {"projects"} <= {f["indicator"] for f in assessment["figures"]}
    # the donor side scores itself; the others may not
    body = {"scores": SCORES, "summary": "完成协议目标"}
    _refused_by_all_but(sides, {"donor"}, f"{path}/self-assessment", body)
    scored = donor.post(f"{path}/self-assessment", body)
    assert scored.status_code == 200 and scored.json()["status"] == "self_assessed"
    assert scored.json()["self_assessed_by"] == "shinan"
    # the recipient side disputes one figure (a dispute without a reason is refused by field)
    assessment = scored.json()
    bare = [dict(v, reason="") for v in _verdicts(assessment, disputed={"projects"})]
    refused = recipient.post(f"{path}/verdicts", {"verdicts": bare})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "projects"
    verdicts = {"verdicts": _verdicts(assessment, disputed={"projects"}), "comment": "项目数待核"}
    _refused_by_all_but(sides, {"recipient"}, f"{path}/verdicts", verdicts)
    commented = recipient.post(f"{path}/verdicts", verdicts)
    assert commented.status_code == 200 and commented.json()["status"] == "commented"
    disputed = [f for f in commented.json()["figures"] if f["verdict"] == "disputed"]
    assert [(f["indicator"], f["comment"]) for f in disputed] == [("projects", "数不对")]
    # the office submits; the reviewer returns it, saying why (a return without a reason is refused)
    _refused_by_all_but(sides, {"office"}, f"{path}/submit", {})
    assert office.post(f"{path}/submit", {}).json()["status"] == "submitted"
    assert reviewer.post(f"{path}/return", {"reason": ""}).status_code == 422
    _refused_by_all_but(sides, {"reviewer"}, f"{path}/return", {"reason": "项目数有异议，请核实"})
    returned = reviewer.post(f"{path}/return", {"reason": "项目数有异议，请核实"})
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["return_reason"]) == ("open", "项目数有异议，请核实")
    assert AuditEvent.objects.filter(action="assessment.return", reason="项目数有异议，请核实").count() == 1
    # round two: the donor side revises, the recipient confirms everything, the office submits again
    assert donor.post(f"{path}/self-assessment", body).status_code == 200
    confirmed = recipient.post(f"{path}/verdicts", {"verdicts": _verdicts(assessment)})
    assert confirmed.status_code == 200
    assert office.post(f"{path}/submit", {}).status_code == 200
    # the reviewer cross-checks and finalises; nobody else may
    _refused_by_all_but(sides, {"reviewer"}, f"{path}/cross-check", {"final_scores": FINAL, "notes": "核查"})
    checked = reviewer.post(f"{path}/cross-check", {"final_scores": FINAL, "notes": "核查"})
    assert checked.status_code == 200 and checked.json()["scores"][0]["final_score"] == "87.50"
    _refused_by_all_but(sides, {"reviewer"}, f"{path}/finalise", {})
    final = reviewer.post(f"{path}/finalise", {})
    assert final.status_code == 200 and final.json()["status"] == "final"
    # then it is locked: no step is possible, for anyone
    for name, step, step_body in (("donor", "self-assessment", body), ("reviewer", "return", {"reason": "再改"})):
        late = sides[name].post(f"{path}/{step}", step_body)
        assert late.status_code == 422 and late.json()["errors"][0]["field"] == "status", name
    record = Assessment.objects.get(pk=assessment["id"])
    assert record.final_report is not None and record.final_report["scores"]["funds"]["final"] == "87.50"
    # and every step is in the audit trail, in order
    actions = list(
        AuditEvent.objects.filter(object_type="indicators.assessment", object_id=str(record.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "assessment.open",
        "assessment.self_assess",
        "assessment.confirm_figures",
        "assessment.submit",
        "assessment.return",
        "assessment.self_assess",
        "assessment.confirm_figures",
        "assessment.submit",
        "assessment.cross_check",
        "assessment.finalise",
    ]


def test_a_step_out_of_turn_or_in_a_locked_year_is_refused_by_field(sides, pairing, program) -> None:
    office, reviewer = sides["office"], sides["reviewer"]
    assessment = office.post("/assessments", {"pairing": pairing.pk, "year": 2009}).json()
    path = f"/assessments/{assessment['id']}"
    early = office.post(f"{path}/submit", {})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "status"
    assert reviewer.post(f"{path}/finalise", {}).json()["errors"][0]["field"] == "status"
    twice = office.post("/assessments", {"pairing": pairing.pk, "year": 2009})
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "year"
    period_lock(actor=Actor.system("test"), program=program, year=2009, reason="核定")
    locked = sides["donor"].post(f"{path}/self-assessment", {"scores": SCORES, "summary": "x"})
    assert locked.status_code == 422 and locked.json()["errors"][0]["field"] == "year"


def test_a_county_outside_the_pairing_sees_no_assessment_and_a_reviewer_reads_them(sides, pairing, xixiu) -> None:
    assessment = sides["office"].post("/assessments", {"pairing": pairing.pk, "year": 2009}).json()
    assert xixiu.get(f"/assessments/{assessment['id']}").status_code == 404
    assert xixiu.get("/assessments").json()["count"] == 0
    assert sides["reviewer"].get("/assessments", year=2009).json()["count"] == 1
    assert sides["auditor"].get(f"/assessments/{assessment['id']}").status_code == 200
    refused = xixiu.post("/assessments", {"pairing": pairing.pk, "year": 2010})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "pairing"
