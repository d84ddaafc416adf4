"""The assessment's pages: each side sees the step whose turn it is (and nobody else does), a refusal
lands beside its field, a return shows why, the audit trail says who did what, and the final
scorecard downloads with numbers as numbers."""

import html
import io

import openpyxl
import pytest
from django.conf import settings
from django.test import Client

from counterpart.access.models import Role
from counterpart.access.tests.factories import user_with_membership
from counterpart.indicators.models import Assessment, AssessmentArea, AssessmentStatus
from counterpart.projects.services import project_approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(program, pairing, project, areas, actor):
    project_approve(actor=actor, project=project)  # only an approved project counts in the pairing's figures
    users = {
        "office": user_with_membership("office", role=Role.PROGRAM_OFFICE, program=program),
        "donor": user_with_membership("shinan", role=Role.DONOR_DISTRICT_OFFICE, area=areas["370202"]),
        "recipient": user_with_membership("puding", role=Role.RECIPIENT_OFFICE, area=areas["520422"]),
        "reviewer": user_with_membership("reviewer", role=Role.REVIEWER, program=program),
        "neighbour": user_with_membership("xixiu", role=Role.RECIPIENT_OFFICE, area=areas["520402"]),
    }
    result = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        result[name] = client
    return result


def _scores(value: str = "90") -> dict[str, str]:
    data = {}
    for area in AssessmentArea.values:
        data[f"self-score_{area}"] = value
        data[f"self-evidence_{area}"] = f"{area} 的佐证"
    data["self-summary"] = "完成年度协议目标"
    return data


def _step(client: Client, assessment: Assessment, step: str, data: dict[str, str]):
    return client.post(f"/app/assessments/{assessment.pk}/do/{step}/", data)


def test_the_pages_offer_each_step_to_its_side_and_end_with_a_scorecard(clients, pairing) -> None:
    office, donor, recipient, reviewer = (clients[k] for k in ("office", "donor", "recipient", "reviewer"))
    # the office opens the assessment from the list; the county's list offers no such form
    assert "开启考核" in office.get("/app/assessments/").content.decode()
    assert 'id="form-open"' not in recipient.get("/app/assessments/").content.decode()
    opened = office.post("/app/assessments/open/", {"pairing": pairing.pk, "year": "2009"})
    assessment = Assessment.objects.get()
    assert opened.status_code == 302 and opened["Location"] == f"/app/assessments/{assessment.pk}/"
    url = f"/app/assessments/{assessment.pk}/"
    # only the donor side is offered the self-assessment; a score over 100 is refused beside its field
    assert 'id="form-self-assess"' in donor.get(url).content.decode()
    assert 'id="form-self-assess"' not in office.get(url).content.decode()
    too_high = _step(donor, assessment, "self-assess", _scores("101"))
    assert too_high.status_code == 422
    assert 'id="id_self-score_funds-error"' in too_high.content.decode()
    # a wrong role posting the step is refused
    assert _step(recipient, assessment, "self-assess", _scores()).status_code == 403
    assert _step(donor, assessment, "self-assess", _scores()).status_code == 302
    # the county disputes a figure; a dispute without a reason stays beside the reason field
    figure = assessment.figures.get(indicator__key="projects")
    verdicts = {f"confirm-verdict_{f.pk}": "confirmed" for f in assessment.figures.all()}
    verdicts[f"confirm-verdict_{figure.pk}"] = "disputed"
    bare = _step(recipient, assessment, "confirm", verdicts)
    assert bare.status_code == 422 and f'id="id_confirm-reason_{figure.pk}-error"' in bare.content.decode()
    verdicts[f"confirm-reason_{figure.pk}"] = "项目数应为2个"
    assert _step(recipient, assessment, "confirm", verdicts).status_code == 302
    # the office submits; the reviewer returns it with a reason, which the donor side then sees
    assert _step(office, assessment, "submit", {}).status_code == 302
    assert _step(reviewer, assessment, "return", {"return-reason": ""}).status_code == 422
    assert _step(reviewer, assessment, "return", {"return-reason": "请核实项目数"}).status_code == 302
    page = donor.get(url).content.decode()
    assert "审核人已退回" in page and "请核实项目数" in page and 'id="form-self-assess"' in page
    # round two to the final lock
    assert _step(donor, assessment, "self-assess", _scores("88")).status_code == 302
    verdicts[f"confirm-verdict_{figure.pk}"] = "confirmed"
    assert _step(recipient, assessment, "confirm", verdicts).status_code == 302
    assert _step(office, assessment, "submit", {}).status_code == 302
    finals = {f"check-final_{area}": "86.5" for area in AssessmentArea.values} | {"check-notes": "核查无误"}
    assert _step(office, assessment, "cross-check", finals).status_code == 403
    assert _step(reviewer, assessment, "cross-check", finals).status_code == 302
    assert _step(reviewer, assessment, "finalise", {}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FINAL
    # the page says who did what; no step is offered any more; the neighbour county sees nothing
    page = office.get(url).content.decode()
    assert "审核人退回" in page and "请核实项目数" in page and "reviewer" in page and "shinan" in page
    assert 'id="form-' not in page
    assert clients["neighbour"].get(url).status_code == 404
    # the scorecard: a workbook with numbers as numbers, and a PDF
    workbook = openpyxl.load_workbook(io.BytesIO(office.get(f"{url}scorecard.xlsx").content))
    sheet = workbook.active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[2] == 86.5]
    assert len(rows) == 6 and all(row[1] == 88 for row in rows)
    pdf = office.get(f"{url}scorecard.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_scorecard_is_only_for_a_final_assessment_and_the_menu_links_the_list(clients, pairing) -> None:
    office = clients["office"]
    office.post("/app/assessments/open/", {"pairing": pairing.pk, "year": "2009"})
    assessment = Assessment.objects.get()
    assert office.get(f"/app/assessments/{assessment.pk}/scorecard.xlsx").status_code == 404
    assert 'href="/app/assessments/"' in clients["recipient"].get("/app/").content.decode()
    twice = office.post("/app/assessments/open/", {"pairing": pairing.pk, "year": "2009"})
    assert twice.status_code == 422 and "该结对关系本年度的考核已存在" in twice.content.decode()


def test_the_assessment_page_speaks_english_when_asked(clients, pairing) -> None:
    office = clients["office"]
    office.post("/app/assessments/open/", {"pairing": pairing.pk, "year": "2009"})
    assessment = Assessment.objects.get()
    donor = clients["donor"]
    donor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language the user picked (pages ignore the browser's)
    response = donor.get(f"/app/assessments/{assessment.pk}/")
    page = html.unescape(response.content.decode())
    for words in ("Waiting for the donor district's self-assessment", "Send the self-assessment", "funds: own score"):
        assert words in page, words
    assert "等待帮扶方区县自评" not in page and "提交自评" not in page
