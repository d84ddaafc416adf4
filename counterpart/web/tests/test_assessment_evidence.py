"""The donor side's evidence files on the assessment page: it uploads a photo or a PDF while the
assessment waits for its self-assessment; a file that is not one, or too large, is refused beside the
field; the recipient county may download it but not add one; the trail says who added what; a
neighbour county sees nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from counterpart.access.models import Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.core.attachments import ATTACHMENT_MAX_BYTES
from counterpart.core.audit import Actor
from counterpart.indicators.assessment import assessment_open, assessment_self_assess
from counterpart.indicators.models import AssessmentArea, AssessmentEvidence

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 100


@pytest.fixture
def assessment(pairing, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return assessment_open(actor=Actor.system("test"), pairing=pairing, year=2009)


def _client(username: str, **membership) -> Client:
    client = Client()
    client.force_login(user_with_membership(username, **membership))
    return client


@pytest.fixture
def donor(areas):
    return _client("shinan", role=Role.DONOR_DISTRICT_OFFICE, area=areas["370202"])


@pytest.fixture
def county(areas):
    return _client("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"])


def _upload(client: Client, assessment, content: bytes, name: str = "协议.pdf", area: str = "funds"):
    return client.post(
        f"/app/assessments/{assessment.pk}/evidence/",
        {"file": SimpleUploadedFile(name, content), "area": area, "caption": "年度协议签字页"},
    )


def test_the_donor_side_uploads_evidence_and_both_sides_download_it(assessment, donor, county, areas) -> None:
    url = f"/app/assessments/{assessment.pk}/"
    assert 'id="form-evidence"' in donor.get(url).content.decode()
    assert 'id="form-evidence"' not in county.get(url).content.decode()
    # when
    response = _upload(donor, assessment, PDF)
    # then
    assert response.status_code == 302 and response["Location"] == url
    evidence = AssessmentEvidence.objects.get()
    assert (evidence.content_type, evidence.area, evidence.uploaded_by_label) == ("application/pdf", "funds", "shinan")
    page = county.get(url).content.decode()
    assert "协议.pdf" in page and "年度协议签字页" in page and "帮扶方上传佐证材料" in page
    download = county.get(f"{url}evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff" and "attachment" in download["Content-Disposition"]
    neighbour = _client("xixiu", role=Role.RECIPIENT_OFFICE, area=areas["520402"])
    assert neighbour.get(f"{url}evidence/{evidence.pk}/").status_code == 404


def test_a_file_not_accepted_is_refused_beside_the_field(assessment, donor) -> None:
    renamed = _upload(donor, assessment, b"MZ\x90\x00 not a pdf", name="报告.pdf")
    assert renamed.status_code == 422
    assert "只接受 JPEG、PNG 照片或 PDF 文件（按文件内容判断）" in renamed.content.decode()
    too_large = _upload(donor, assessment, PDF + b"0" * ATTACHMENT_MAX_BYTES)
    assert too_large.status_code == 422 and "文件过大" in too_large.content.decode()
    assert not AssessmentEvidence.objects.exists()


def test_a_county_office_may_not_add_evidence_nor_anyone_once_it_is_self_assessed(assessment, donor, county) -> None:
    refused = _upload(county, assessment, PDF)
    assert refused.status_code == 403 and "您的角色不能进行此操作" in refused.content.decode()
    scores = {area: ("90", "") for area in AssessmentArea.values}
    assessment_self_assess(actor=Actor.system("test"), assessment=assessment, scores=scores, summary="完成")
    late = _upload(donor, assessment, PDF)
    assert late.status_code == 422 and "此步骤要求状态为" in late.content.decode()
    assert not AssessmentEvidence.objects.exists()
