"""Evidence files and the final scorecard through the API: the donor district uploads a PDF (multipart)
while the assessment waits for it, every side that sees the assessment downloads it, a county office is
refused (403) and a file that is no photo or PDF by field (422); the scorecard downloads once final."""

import io

import openpyxl
import pytest

from counterpart.access.models import Role
from counterpart.core.audit import Actor
from counterpart.indicators.assessment import (
    assessment_confirm_figures,
    assessment_cross_check,
    assessment_finalise,
    assessment_open,
    assessment_self_assess,
    assessment_submit,
)
from counterpart.indicators.models import AssessmentArea, AssessmentEvidence, Verdict

from .conftest import ApiClient, user_with_token

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 100
SYSTEM = Actor.system("test")


@pytest.fixture
def assessment(pairing, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return assessment_open(actor=SYSTEM, pairing=pairing, year=2009)


@pytest.fixture
def shinan(areas):
    _user, token = user_with_token("shinan", role=Role.DONOR_DISTRICT_OFFICE, area=areas["370202"])
    return ApiClient(token)


def _upload(client: ApiClient, assessment, content: bytes, **fields: str):
    return client.client.post(
        f"/api/assessments/{assessment.pk}/evidence",
        {"file": io.BytesIO(content), **fields},
        headers=client._headers(None),
    )


def test_the_donor_district_uploads_evidence_and_the_county_downloads_it(assessment, shinan, puding, xixiu) -> None:
    upload = io.BytesIO(PDF)
    upload.name = "协议.pdf"
    response = shinan.client.post(
        f"/api/assessments/{assessment.pk}/evidence",
        {"file": upload, "area": "funds", "caption": "签字页"},
        headers=shinan._headers(None),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["file_name"], body["area"], body["content_type"], body["uploaded_by"]) == (
        "协议.pdf", "funds", "application/pdf", "shinan",
    )  # fmt: skip
    detail = puding.get(f"/assessments/{assessment.pk}").json()
    assert [e["id"] for e in detail["evidence"]] == [body["id"]]
    download = puding.get(f"/assessments/{assessment.pk}/evidence/{body['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert xixiu.get(f"/assessments/{assessment.pk}/evidence/{body['id']}").status_code == 404


def test_a_county_office_is_refused_and_a_false_file_is_refused_by_field(assessment, shinan, puding) -> None:
    refused = _upload(puding, assessment, PDF)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["message"] == "您的角色不能进行此操作"
    english = puding.client.post(
        f"/api/assessments/{assessment.pk}/evidence",
        {"file": io.BytesIO(PDF)},
        headers=puding._headers({"Accept-Language": "en"}),
    )
    assert english.json()["errors"][0]["message"] == "Your role may not take this action"
    false = _upload(shinan, assessment, b"<html>not a pdf</html>")
    assert false.status_code == 422
    assert false.json()["errors"][0]["field"] == "file"
    assert false.json()["errors"][0]["message"] == "只接受 JPEG、PNG 照片或 PDF 文件（按文件内容判断）"
    assert _upload(shinan, assessment, PDF, area="nowhere").status_code == 422
    assert not AssessmentEvidence.objects.exists()


def test_the_scorecard_downloads_from_the_api_once_final(assessment, office) -> None:
    path = f"/assessments/{assessment.pk}/scorecard"
    assert office.get(f"{path}.xlsx").status_code == 404
    scores = {area: ("90", "") for area in AssessmentArea.values}
    assessment_self_assess(actor=SYSTEM, assessment=assessment, scores=scores, summary="完成")
    verdicts = {figure.pk: (Verdict.CONFIRMED, "") for figure in assessment.figures.all()}
    assessment_confirm_figures(actor=SYSTEM, assessment=assessment, verdicts=verdicts)
    assessment_submit(actor=SYSTEM, assessment=assessment)
    assessment_cross_check(
        actor=SYSTEM, assessment=assessment, final_scores=dict.fromkeys(AssessmentArea.values, "85"), notes=""
    )
    assessment_finalise(actor=SYSTEM, assessment=assessment)
    workbook = office.get(f"{path}.xlsx")
    assert workbook.status_code == 200
    rows = [r for r in openpyxl.load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True)]
    assert sum(1 for r in rows if r and r[2] == 85) == 6
    pdf = office.get(f"{path}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    assert office.get(f"{path}.docx").status_code in (404, 422)
