import datetime

import pytest

from counterpart.funds.services import ledger_allocate, ledger_commit
from counterpart.people.services import PersonRow, person_register
from counterpart.projects.services import project_approve, project_output_set


@pytest.fixture
def two_projects(project, neighbour_project, actor):
    """P-001 in 普定县 (approved, with an output) and P-002 in 西秀区."""
    project_approve(actor=actor, project=project)
    project_output_set(actor=actor, project=project, indicator="drinking_water_persons", planned_quantity=1200)
    return project, neighbour_project


def _identity(first17: str) -> str:
    from counterpart.people.identity import identity_check_character

    return first17 + identity_check_character(first17)


def test_a_county_sees_its_projects_and_another_county_gets_404(two_projects, puding, xixiu) -> None:
    puding_project, _xixiu_project = two_projects
    assert [p["code"] for p in puding.get("/projects").json()["items"]] == ["P-001"]
    assert [p["code"] for p in xixiu.get("/projects").json()["items"]] == ["P-002"]
    assert puding.get(f"/projects/{puding_project.pk}").status_code == 200
    response = xixiu.get(f"/projects/{puding_project.pk}")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": None, "value": None, "message": "not found"}]}


def test_project_detail_has_outputs_and_history(two_projects, puding) -> None:
    project, _other = two_projects
    data = puding.get(f"/projects/{project.pk}").json()
    assert data["status"] == "approved"
    assert [step["to_status"] for step in data["history"]] == ["proposed", "approved"]
    assert data["outputs"] == [
        {
            "indicator": "drinking_water_persons",
            "unit": "persons",
            "planned_quantity": "1200.00",
            "actual_quantity": None,
        }
    ]


def test_pagination_filtering_and_ordering(two_projects, office) -> None:
    page = office.get("/projects", limit=1, offset=0, ordering="-budget_fen").json()
    assert page["count"] == 2
    assert [p["code"] for p in page["items"]] == ["P-001"]
    page = office.get("/projects", limit=1, offset=1, ordering="-budget_fen").json()
    assert [p["code"] for p in page["items"]] == ["P-002"]
    assert [p["code"] for p in office.get("/projects", status="proposed").json()["items"]] == ["P-002"]
    assert [p["code"] for p in office.get("/projects", recipient_area="520422").json()["items"]] == ["P-001"]
    assert office.get("/projects", ordering="title_zh; DROP TABLE").status_code == 422
    assert office.get("/projects", limit=0).json()["errors"][0]["field"] == "limit"
    assert office.get("/projects", limit=501).status_code == 422


def test_ledger_transactions_carry_their_postings_and_are_scoped(two_projects, program, pairing, actor, office, xixiu):
    project, _other = two_projects
    commitment = ledger_commit(
        actor=actor, program=program, date=datetime.date(2009, 3, 1), source="fiscal_municipal", amount_fen=1_000_00,
        pairing=pairing, recipient_area=project.recipient_area,
    )  # fmt: skip
    ledger_allocate(
        actor=actor, commitment=commitment, project=project, date=datetime.date(2009, 3, 2), amount_fen=400_00
    )
    data = office.get(f"/ledger/transactions/{commitment.pk}").json()
    assert data["amount_fen"] == 1_000_00
    assert sorted((p["account"], p["amount_fen"]) for p in data["postings"]) == [
        ("committed", 1_000_00),
        ("contributions", -1_000_00),
    ]
    assert [t["kind"] for t in office.get("/ledger/transactions", project=project.pk).json()["items"]] == ["allocation"]
    assert xixiu.get(f"/ledger/transactions/{commitment.pk}").status_code == 404
    assert xixiu.get("/ledger/transactions").json()["count"] == 0


def test_persons_are_served_with_the_identity_number_masked_only(areas, actor, puding, xixiu) -> None:
    number = _identity("52042219800101001")
    person = person_register(
        actor=actor, row=PersonRow(name="张三", sex="male", area=areas["520422100201"], identity_number=number)
    )
    response = puding.get(f"/persons/{person.pk}")
    assert response.status_code == 200
    assert response.json()["identity_masked"] == number[:6] + "*" * 11 + number[-1:]
    assert number not in response.content.decode()
    assert number not in puding.get("/persons").content.decode()
    assert xixiu.get(f"/persons/{person.pk}").status_code == 404


def test_the_annual_report_is_the_report_book_and_scoped(demo_program) -> None:
    from counterpart.access.models import Role

    from .conftest import ApiClient, user_with_token

    _user, token = user_with_token("qd", role=Role.PROGRAM_OFFICE, program=demo_program)
    data = ApiClient(token).get(f"/programs/{demo_program.slug}/report", year=2009).json()
    assert data["indicators"]["fiscal_aid"]["value"] == 16_400_000
    assert data["indicators"]["projects"]["value"] == 152
    # A recipient office of the program reads the program's report (aggregates, published on the
    # portal too); an office whose area the program never reached gets 404.
    _user, anshun = user_with_token("anshun", role=Role.RECIPIENT_OFFICE, area_id="5204")
    assert ApiClient(anshun).get(f"/programs/{demo_program.slug}/report", year=2009).status_code == 200
    _user, longnan = user_with_token("longnan", role=Role.RECIPIENT_OFFICE, area_id="6212")
    assert ApiClient(longnan).get(f"/programs/{demo_program.slug}/report", year=2009).status_code == 404


def test_reference_data_is_readable_by_any_token_holder(areas, puding) -> None:
    codes = [a["code"] for a in puding.get("/areas", under="520422", ordering="code", limit=500).json()["items"]]
    assert {"520422", "520422100", "520422100201"} <= set(codes)
    assert codes == sorted(codes) and all(code.startswith("520422") for code in codes)
    assert puding.get("/areas/520422").json()["is_key_poverty_county"] is True
    assert puding.get("/areas/999999").status_code == 404
