"""Program set-up through the API: the same actions, policy and messages as the web pages."""

import json

import pytest
from django.core import mail

from counterpart.access.models import Membership, Role
from counterpart.api.tests.conftest import ApiClient
from counterpart.core.models import AuditEvent
from counterpart.registry.models import Pairing, Program

pytestmark = pytest.mark.django_db


def _program_body(**changes):
    return {"slug": "qd-new", "name_zh": "青岛—新区", "donor_area": "3702", "start_year": 2021} | changes


def test_post_programs_founds_a_program_whose_office_is_the_caller(areas, office) -> None:
    # when
    response = office.post("/programs", _program_body(other_donor_areas=["37"]))
    # then
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "qd-new"
    program = Program.objects.get(slug="qd-new")
    assert list(program.other_donor_areas.values_list("code", flat=True)) == ["37"]
    assert office.get("/programs/qd-new").status_code == 200  # its office now reads it


def test_a_county_may_not_found_a_program(areas, puding) -> None:
    response = puding.post("/programs", _program_body())
    assert response.status_code == 403
    assert not Program.objects.filter(slug="qd-new").exists()


def test_patch_program_corrects_it_audited(program, office, xixiu) -> None:
    body = json.dumps({"end_year": 2020, "reason": "协作结束"})
    response = office.client.patch(
        "/api/programs/qd-gz", body, content_type="application/json", headers=office._headers(None)
    )
    assert response.status_code == 200, response.content
    assert response.json()["end_year"] == 2020
    assert AuditEvent.objects.get(action="program.update").reason == "协作结束"


def test_two_pairings_then_one_ends_with_its_successor(program, areas, office, puding) -> None:
    body = {"program": "qd-gz", "level": "district_county", "donor_area": "370202", "recipient_area": "520422"}
    first = office.post("/pairings", body | {"valid_from": "2010-01-01"})
    second = office.post("/pairings", body | {"donor_area": "370203", "valid_from": "2021-01-01"})
    assert first.status_code == second.status_code == 201, (first.content, second.content)
    # a county may not pair
    assert puding.post("/pairings", body | {"valid_from": "2030-01-01"}).status_code == 403
    # when
    ended = office.post(
        f"/pairings/{first.json()['id']}/end", {"valid_to": "2020-12-31", "successor": second.json()["id"]}
    )
    # then
    assert ended.status_code == 200, ended.content
    assert Pairing.objects.get(pk=first.json()["id"]).successor_id == second.json()["id"]


def test_an_indicator_without_an_assessment_area_takes_its_topics(office, puding) -> None:
    body = {"key": "tea_gardens", "name_zh": "茶园面积", "topic": "industry", "unit": "亩", "aggregation": "latest"}
    response = office.post("/indicators", body)
    assert response.status_code == 201, response.content
    assert response.json()["assessment_area"] == "industrial_cooperation"
    assert puding.post("/indicators", body | {"key": "other"}).status_code == 403


def test_targets_by_pairing_and_organisations(program, pairing, office, puding) -> None:
    body = {"program": "qd-gz", "indicator_key": "labour_trained", "year": 2021, "value": "1200", "pairing": pairing.pk}
    response = office.client.put(
        "/api/targets", json.dumps(body), content_type="application/json", headers=office._headers(None)
    )
    assert response.status_code == 200, response.content
    assert response.json()["pairing"] == pairing.pk
    refused = puding.client.put(
        "/api/targets", json.dumps(body), content_type="application/json", headers=puding._headers(None)
    )
    assert refused.status_code == 403
    created = office.post("/organisations", {"name_zh": "青岛市协作办", "kind": "government_office", "area": "3702"})
    assert created.status_code == 201, created.content


def test_the_office_invites_a_county_account_by_email(
    program, pairing, areas, office, django_capture_on_commit_callbacks
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            "/accounts",
            {"program": "qd-gz", "role": "recipient_office", "area": "520422", "username": "puding-2",
             "email": "staff@puding.example"},
        )  # fmt: skip
    # then
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["membership"]["role"] == "recipient_office" and answer["membership"]["area"] == "520422"
    assert "/accounts/set-password/" in answer["set_password_link"]
    assert len(mail.outbox) == 1 and answer["set_password_link"] in mail.outbox[0].body


def test_grant_and_revoke_a_role_within_the_program_only(program, pairing, areas, office, puding) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("staff")
    body = {"program": "qd-gz", "role": "recipient_office", "area": "520422", "username": "staff"}
    granted = office.post("/memberships", body)
    assert granted.status_code == 201, granted.content
    # a county the program does not pair: refused by name
    outside = office.post("/memberships", body | {"area": "520402"})
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "area"
    # a county may not grant
    assert puding.post("/memberships", body).status_code == 403
    revoked = office.post(f"/memberships/{granted.json()['id']}/revoke", {"program": "qd-gz", "reason": "调离"})
    assert revoked.status_code == 200 and revoked.json()["is_active"] is False
    assert not Membership.objects.get(pk=granted.json()["id"]).is_active
    assert Membership.objects.filter(role=Role.RECIPIENT_OFFICE, user__username="staff").count() == 1


def test_an_auditor_sets_up_nothing(program, auditor) -> None:
    assert auditor.post("/programs", _program_body()).status_code == 403
    assert isinstance(auditor, ApiClient)
