import datetime

import pytest

from counterpart.access.models import Role
from counterpart.api.models import IdempotentRequest
from counterpart.core.models import AuditEvent
from counterpart.funds.models import LedgerTransaction
from counterpart.funds.services import ledger_commit
from counterpart.people.identity import identity_check_character
from counterpart.people.models import Person, Training
from counterpart.projects.models import Project

from .conftest import ApiClient, user_with_token


def _proposal(**changes):
    body = {
        "program": "qd-gz",
        "code": "P-100",
        "title_zh": "人畜饮水",
        "category": "drinking_water",
        "recipient_area": "520422",
        "year": 2009,
        "budget_fen": 250_000_00,
    }
    return body | changes


def _identity(first17: str) -> str:
    return first17 + identity_check_character(first17)


def test_a_county_proposes_a_project_through_the_service_audited_as_itself(program, pairing, puding) -> None:
    # when
    response = puding.post("/projects", _proposal())
    # then
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["code"], data["status"], data["history"][0]["actor"]) == ("P-100", "proposed", "puding")
    event = AuditEvent.objects.get(action="project.propose", object_id=str(data["id"]))
    assert event.actor_label == "puding"
    assert event.actor is not None and event.actor.username == "puding"


@pytest.mark.parametrize(
    "field, value",
    [("status", "approved"), ("approved_by", 1), ("created_by", 1), ("created_at", "2009-01-01T00:00:00Z")],
)
def test_mass_assignment_of_status_approver_or_author_is_refused(program, puding, field, value) -> None:
    response = puding.post("/projects", _proposal(**{field: value}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not Project.objects.exists()


def test_an_area_outside_the_users_scope_is_refused_by_name(program, pairing, puding) -> None:
    response = puding.post("/projects", _proposal(recipient_area="520402"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "recipient_area", "value": "520402", "message": "该地区不在您的权限范围内"}
    ]
    assert not Project.objects.exists()


def test_a_record_of_another_area_is_404_for_writes_too(project, xixiu) -> None:
    response = xixiu.post(f"/projects/{project.pk}/transitions", {"to_status": "approved"})
    assert response.status_code == 404
    assert Project.objects.get(pk=project.pk).status == "proposed"


def test_domain_errors_name_the_field_and_value(program, project, puding) -> None:
    response = puding.post("/projects", _proposal(code="P-001"))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "code", "value": "P-001", "message": "该项目编号已存在"}]


def test_request_validation_errors_name_the_field_and_value(program, puding) -> None:
    response = puding.post("/projects", _proposal(budget_fen=-5, category="castle"))
    assert response.status_code == 422
    errors = {error["field"]: error["value"] for error in response.json()["errors"]}
    assert errors == {"budget_fen": -5, "category": "castle"}


def test_a_body_that_is_not_json_gets_a_structured_400(program, puding) -> None:
    response = puding.client.post(
        "/api/projects",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {puding.token}"},
    )
    assert response.status_code in (400, 422)
    assert response.json()["errors"][0]["message"]
    assert not Project.objects.exists()


def test_approval_is_the_program_offices_and_the_lifecycle_is_the_services(project, puding, office) -> None:
    assert puding.post(f"/projects/{project.pk}/transitions", {"to_status": "approved"}).status_code == 403
    response = office.post(f"/projects/{project.pk}/transitions", {"to_status": "approved", "note": "ok"})
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    skipped = puding.post(f"/projects/{project.pk}/transitions", {"to_status": "completed"})
    assert skipped.status_code == 422
    assert skipped.json()["errors"][0]["field"] == "status"
    assert puding.post(f"/projects/{project.pk}/transitions", {"to_status": "under_construction"}).status_code == 200


def test_an_auditor_reads_everything_and_writes_nothing(project, auditor) -> None:
    assert auditor.get(f"/projects/{project.pk}").status_code == 200
    response = auditor.post(f"/projects/{project.pk}/transitions", {"to_status": "cancelled", "note": "x"})
    assert response.status_code == 403
    assert auditor.post("/projects", _proposal()).status_code == 403


def test_outputs_are_set_through_the_service(project, puding) -> None:
    response = puding.put(f"/projects/{project.pk}/outputs", {"indicator": "road_km", "planned_quantity": "12.50"})
    assert response.status_code == 200
    assert response.json()["outputs"][0]["planned_quantity"] == "12.50"


def _commitment_body(**changes):
    return {"program": "qd-gz", "date": "2009-03-01", "source": "fiscal_municipal", "amount_fen": 1_000_00} | changes


def test_a_retried_commitment_returns_the_first_response_and_posts_once(program, office) -> None:
    # given
    headers = {"Idempotency-Key": "commit-2009-001"}
    first = office.post("/ledger/commitments", _commitment_body(), headers)
    # when
    retry = office.post("/ledger/commitments", _commitment_body(), headers)
    # then
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert LedgerTransaction.objects.count() == 1
    # without a key, each request is a new commitment
    office.post("/ledger/commitments", _commitment_body())
    assert LedgerTransaction.objects.count() == 2


def test_the_same_key_for_a_different_request_is_refused(program, office) -> None:
    headers = {"Idempotency-Key": "k-1"}
    assert office.post("/ledger/commitments", _commitment_body(), headers).status_code == 201
    response = office.post("/ledger/commitments", _commitment_body(amount_fen=2_000_00), headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert LedgerTransaction.objects.count() == 1


def test_keys_belong_to_their_user(program, office) -> None:
    _user, token = user_with_token("office2", role=Role.PROGRAM_OFFICE, program=program)
    headers = {"Idempotency-Key": "shared"}
    first = office.post("/ledger/commitments", _commitment_body(), headers)
    second = ApiClient(token).post("/ledger/commitments", _commitment_body(), headers)
    assert first.json()["id"] != second.json()["id"]
    assert IdempotentRequest.objects.count() == 2


def test_a_failed_write_stores_nothing_and_a_retry_tries_again(program, office) -> None:
    headers = {"Idempotency-Key": "retry-after-error"}
    refused = office.post("/ledger/commitments", _commitment_body(pairing=999), headers)
    assert refused.status_code == 422
    assert not IdempotentRequest.objects.exists()
    assert office.post("/ledger/commitments", _commitment_body(), headers).status_code == 201


def test_only_the_program_office_commits_money(program, puding) -> None:
    assert puding.post("/ledger/commitments", _commitment_body()).status_code == 403
    assert not LedgerTransaction.objects.exists()


def test_disbursement_beyond_the_commitment_is_refused_by_the_ledger(program, pairing, areas, actor, office) -> None:
    commitment = ledger_commit(
        actor=actor, program=program, date=datetime.date(2009, 3, 1), source="fiscal_municipal", amount_fen=500_00,
        pairing=pairing, recipient_area=areas["520422"],
    )  # fmt: skip
    body = {"commitment": commitment.pk, "date": "2009-04-01", "amount_fen": 300_00}
    headers = {"Idempotency-Key": "disb-1"}
    assert office.post("/ledger/disbursements", body, headers).status_code == 201
    assert office.post("/ledger/disbursements", body, headers).status_code == 201  # replay, not a second payment
    second = office.post("/ledger/disbursements", body, {"Idempotency-Key": "disb-2"})
    assert second.status_code == 422
    assert second.json()["errors"][0]["field"] == "amount"
    assert LedgerTransaction.objects.filter(kind="disbursement").count() == 1


def test_a_person_is_registered_once_and_answered_masked(areas, puding) -> None:
    number = _identity("52042219900202002")
    body = {"name": "李四", "sex": "female", "area": "520422100201", "identity_number": number}
    headers = {"Idempotency-Key": "person-1"}
    first = puding.post("/persons", body, headers)
    assert first.status_code == 201, first.content
    assert number not in first.content.decode()
    assert first.json()["identity_masked"] == number[:6] + "*" * 11 + number[-1:]
    assert puding.post("/persons", body, headers).json() == first.json()
    assert Person.objects.count() == 1
    duplicate = puding.post("/persons", body)
    assert duplicate.status_code == 422
    assert duplicate.json()["errors"][0]["value"] == number[:6] + "*" * 11 + number[-1:]
    malformed = puding.post("/persons", body | {"identity_number": number[:-1] + "Q"})
    assert number[:-1] not in malformed.content.decode()


def test_a_person_outside_the_users_areas_is_refused(areas, xixiu) -> None:
    body = {"name": "王五", "sex": "male", "area": "520422"}
    response = xixiu.post("/persons", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "area"
    assert not Person.objects.exists()


def test_a_training_is_recorded_in_the_users_area(program, pairing, puding, xixiu) -> None:
    body = {
        "program": "qd-gz",
        "kind": "labour_transfer",
        "title": "劳动力转移培训班",
        "place": "520422",
        "start_date": "2009-05-01",
        "end_date": "2009-05-10",
        "reported_participants": 120,
    }
    assert xixiu.post("/trainings", body).status_code == 422
    response = puding.post("/trainings", body)
    assert response.status_code == 201
    assert response.json()["reported_participants"] == 120
    assert Training.objects.get().place_id == "520422"
    assert [t["id"] for t in xixiu.get("/trainings").json()["items"]] == []


def test_an_enterprise_drafts_and_submits_its_own_report_only(program, areas, actor) -> None:
    from counterpart.enterprise.models import EnterpriseReport
    from counterpart.enterprise.services import enterprise_register
    from counterpart.registry.services import organisation_create

    def enterprise(name: str):
        organisation = organisation_create(actor=actor, name_zh=name, kind="enterprise", area=areas["3702"])
        return enterprise_register(actor=actor, organisation=organisation, side="donor", programs=[program])

    red_star, other = enterprise("红星"), enterprise("海尔")
    _user, token = user_with_token("red-star", role=Role.ENTERPRISE, organisation=red_star.organisation)
    client = ApiClient(token)
    body = {"program": "qd-gz", "year": 2009, "area": "520422", "figures": {"jobs_created": 300}}
    assert client.post("/enterprise-reports", body | {"enterprise": other.pk}).status_code == 404
    response = client.post(
        "/enterprise-reports", body | {"enterprise": red_star.pk, "qualifiers": {"jobs_created": "more_than"}}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["qualifiers"]) == ("draft", {"jobs_created": "more_than"})
    submitted = client.post(f"/enterprise-reports/{response.json()['id']}/submit", {})
    assert submitted.json()["status"] == "submitted"
    assert EnterpriseReport.objects.get().status == "submitted"
    assert (
        client.post("/enterprise-reports", body | {"enterprise": red_star.pk, "status": "confirmed"}).status_code == 422
    )


def test_the_program_office_returns_and_confirms_what_the_enterprise_corrects(program, areas, actor, office) -> None:
    """Both sides of the review: the enterprise may not confirm its own figures; the office returns them
    with a reason, the enterprise corrects and resubmits, the office confirms — and then they count."""
    from counterpart.enterprise.selectors import enterprise_totals
    from counterpart.enterprise.services import enterprise_register
    from counterpart.registry.services import organisation_create

    organisation = organisation_create(actor=actor, name_zh="红星", kind="enterprise", area=areas["3702"])
    red_star = enterprise_register(actor=actor, organisation=organisation, side="donor", programs=[program])
    _user, token = user_with_token("red-star", role=Role.ENTERPRISE, organisation=organisation)
    enterprise = ApiClient(token)
    body = {"program": "qd-gz", "enterprise": red_star.pk, "year": 2009, "area": "520422"}
    report_id = enterprise.post("/enterprise-reports", body | {"figures": {"jobs_created": 3000}}).json()["id"]
    enterprise.post(f"/enterprise-reports/{report_id}/submit", {})

    assert enterprise.post(f"/enterprise-reports/{report_id}/confirm", {}).status_code == 403
    assert office.post(f"/enterprise-reports/{report_id}/return", {"reason": ""}).status_code == 422
    returned = office.post(f"/enterprise-reports/{report_id}/return", {"reason": "就业人数与社保记录不符"})
    assert returned.json()["status"] == "returned", returned.content
    assert office.post(f"/enterprise-reports/{report_id}/confirm", {}).status_code == 422  # not submitted

    corrected = enterprise.put(f"/enterprise-reports/{report_id}/figures", {"figures": {"jobs_created": 300}})
    assert corrected.json()["jobs_created"] == 300, corrected.content
    assert "jobs_created" not in enterprise_totals(program, 2009)
    enterprise.post(f"/enterprise-reports/{report_id}/submit", {})
    assert office.post(f"/enterprise-reports/{report_id}/confirm", {}).json()["status"] == "confirmed"
    assert enterprise_totals(program, 2009)["jobs_created"].value == 300
    fixed = enterprise.put(f"/enterprise-reports/{report_id}/figures", {"figures": {"jobs_created": 9}})
    assert fixed.status_code == 422  # a confirmed report is corrected by a new report, not edited


def test_messages_follow_the_request_language(program, pairing, puding) -> None:
    response = puding.client.post(
        "/api/projects",
        _proposal(recipient_area="520402"),
        content_type="application/json",
        headers={"Authorization": f"Bearer {puding.token}", "Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "This area is outside your remit"


def test_a_county_records_who_its_project_reached_and_each_person_counts_once(
    project, areas, actor, puding, xixiu, auditor
) -> None:
    from counterpart.people.models import Benefit
    from counterpart.people.tests.factories import household, member

    home = household(actor, areas["520422100201"], "H-1")
    first, _second = member(actor, home, 1), member(actor, home, 2)
    path = f"/projects/{project.pk}/beneficiaries"

    reached = puding.post(path, {"date": "2009-06-01", "household": home.pk})
    assert reached.status_code == 201, reached.content
    assert reached.json() == {
        "project": project.pk,
        "benefits_recorded": 2,
        "persons_reached": 2,
        "households_reached": 1,
    }
    again = puding.post(path, {"date": "2009-09-01", "person": first.pk})
    assert (again.json()["benefits_recorded"], again.json()["persons_reached"]) == (1, 2)

    # another county cannot see the project; the auditor may read but not write; one of the two is needed
    assert xixiu.post(path, {"date": "2009-06-01", "household": home.pk}).status_code == 404
    assert auditor.post(path, {"date": "2009-06-01", "household": home.pk}).status_code == 403
    neither = puding.post(path, {"date": "2009-06-01"})
    assert neither.status_code == 422
    assert Benefit.objects.filter(project=project).count() == 3


def test_a_published_figure_is_entered_by_whoever_may_write_its_scope(
    program, pairing, areas, office, puding, auditor
) -> None:
    from counterpart.reports.annual import report_annual

    body = {"program": "qd-gz", "indicator_key": "fiscal_aid", "year": 2009, "value": "16400000.00"}
    entered = office.post("/reported-values", body | {"qualifier": "more_than", "citation": "《青岛年鉴 2010》"})
    assert entered.status_code == 201, entered.content
    assert (entered.json()["value"], entered.json()["qualifier"]) == ("16400000.00", "more_than")
    figure = report_annual(program, 2009).as_json()["indicators"]["fiscal_aid"]
    assert (figure["value"], figure["source"], figure["qualifier"]) == (16400000, "reported", "more_than")

    county = body | {"indicator_key": "beneficiaries", "value": "2040", "area": "520422"}
    assert puding.post("/reported-values", county).status_code == 201
    assert puding.post("/reported-values", body).status_code == 403  # program-wide: the program office's
    assert puding.post("/reported-values", county | {"area": "520402"}).status_code == 422  # not its county
    assert auditor.post("/reported-values", body).status_code == 403
    assert office.post("/reported-values", body | {"value": "1.005"}).status_code == 422  # fen at most
    assert office.post("/reported-values", body | {"indicator_key": "no_such"}).json()["errors"][0]["field"] == (
        "indicator_key"
    )


def test_the_program_office_records_a_market_event_with_its_published_totals(
    program, areas, actor, office, puding
) -> None:
    from counterpart.enterprise.selectors import market_totals
    from counterpart.enterprise.services import enterprise_register
    from counterpart.registry.services import organisation_create

    organisation = organisation_create(actor=actor, name_zh="安顺茶业", kind="enterprise", area=areas["520422"])
    seller = enterprise_register(actor=actor, organisation=organisation, side="recipient", programs=[program])
    body = {
        "program": "qd-gz",
        "kind": "fair",
        "title": "青岛安顺特色产品展销会",
        "area": "3702",
        "start_date": "2009-09-10",
        "end_date": "2009-09-14",
        "participants": [seller.pk],
        "participating_enterprises_count": 70,
        "order_value_fen": 100_000_000_00,
        "qualifiers": {"participating_enterprises": "more_than", "order_value": "more_than"},
    }
    assert puding.post("/market-events", body).status_code == 403
    assert office.post("/market-events", body | {"participants": [999_999]}).status_code == 422
    assert office.post("/market-events", body | {"end_date": "2009-09-01"}).status_code == 422
    recorded = office.post("/market-events", body)
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["registered_participants"] == [seller.pk]
    totals = market_totals(program, 2009)
    assert totals.order_value_fen is not None
    assert (totals.events, totals.order_value_fen.value, totals.order_value_fen.qualifier) == (
        1,
        100_000_000_00,
        "more_than",
    )
